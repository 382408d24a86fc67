"""The error catalogue as data: complete entries, exact texts from the reference, LabError construction."""
from __future__ import annotations

from engine.errors import LabError
from engine.hyperv.catalogue import CATALOGUE, INCOMPATIBILITIES, entries, error, restored


def test_every_entry_is_complete():
    for spec in list(CATALOGUE.values()) + list(INCOMPATIBILITIES.values()):
        assert spec.fidelity in ("exact", "approximate"), spec.id
        assert spec.why and spec.template and spec.category and spec.exception_type, spec.id


def test_entries_lists_everything_sorted_with_fidelity():
    listed = entries()
    ids = [e["id"] for e in listed]
    assert ids == sorted(ids) and len(ids) == len(CATALOGUE) + len(INCOMPATIBILITIES)
    assert {"id", "template", "fidelity", "why", "hresult", "event_id", "message_id"} <= set(listed[0])


def test_exact_entries_are_the_reference_texts():
    exact = {s.id for s in CATALOGUE.values() if s.fidelity == "exact"}
    assert exact == {"vm.not_found", "vm.out_of_memory", "migration.credssp_remote",
                     "migration.kerberos_delegation", "migration.processor_features",
                     "migration.hardware_incompatible", "migration.insufficient_memory", "migration.limit_reached",
                     "import.configuration_errors", "cluster.live_config_failed"}


def test_error_builds_lab_error_with_all_fields():
    err = error("migration.limit_reached", target="VM1", vm="VM1", limit=2)
    assert isinstance(err, LabError)
    assert (err.id, err.target, err.event_id, err.fidelity, err.category) == (
        "migration.limit_reached", "VM1", 21501, "exact", "NotSpecified")
    assert (err.exception_type, err.error_code) == ("VirtualizationOperationFailedException", "OperationFailed")
    assert err.why


def test_invalid_state_is_printed_as_invalid_operation():
    err = error("vm.invalid_state", target="VM1", vm="VM1", action="start", state="running")
    assert (err.category, err.error_code) == ("InvalidOperation", "InvalidState")


def test_restored_keeps_the_saved_text():
    err = restored("migration.insufficient_memory", "saved text", target="VM1")
    assert (err.message, err.hresult, err.target) == ("saved text", "0x800705AA", "VM1")


def test_incompatibility_message():
    spec = INCOMPATIBILITIES["switch_not_found"]
    assert spec.template.format(switch="Production") == "Could not find Ethernet switch 'Production'."
    assert spec.message_id == 33012


def test_cluster_object_not_found_names_the_kind_and_the_cluster():
    err = error("cluster.object_not_found", target="Disk 9", kind="shared volume", name="Disk 9", cluster="CLU1")
    assert (err.id, err.message, err.category) == (
        "cluster.object_not_found", 'The cluster shared volume "Disk 9" was not found in cluster "CLU1".',
        "ObjectNotFound")
