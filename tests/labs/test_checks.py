"""The check evaluator on LabStates taken from the emulator (``Lab.from_topology(...).snapshot()``)."""
from __future__ import annotations

import pytest
import yaml

from engine.content.checks import Check
from engine.content.loader import REPO_ROOT
from engine.content.topology import Topology
from engine.errors import LabError
from engine.hyperv.caller import Caller
from engine.hyperv.lab import Lab
from engine.labs.checks import CheckResult, evaluate, evaluate_all, show


def _lab(name: str) -> Lab:
    data = yaml.safe_load((REPO_ROOT / "labs" / "topologies" / f"{name}.yaml").read_text(encoding="utf-8"))
    return Lab.from_topology(Topology.model_validate(data))


def check(**kw) -> Check:
    return Check.model_validate(kw)


@pytest.fixture
def pair() -> Lab:
    return _lab("standalone-pair")


@pytest.fixture
def cluster() -> Lab:
    return _lab("two-node-cluster")


def test_host_property_failure_reads_like_an_admin(pair):
    r = evaluate(check(host="HV2", property="VirtualMachineMigrationEnabled", equals=True,
                       message="Enable incoming and outgoing live migrations on HV2."), pair.snapshot())
    assert r == CheckResult(False, "True", "False", "HV2: VirtualMachineMigrationEnabled is False, expected True. "
                                                    "Enable incoming and outgoing live migrations on HV2.")


def test_host_property_passes_after_the_change(pair):
    pair.enable_migration("HV2")
    r = evaluate(check(host="hv2", property="virtualmachinemigrationenabled", equals=True, message="x"),
                 pair.snapshot())
    assert r.passed and r.actual == "True"
    assert "x" not in r.message  # advice is for failures only


def test_strings_compare_case_insensitively(pair):
    state = pair.snapshot()
    assert evaluate(check(host="HV1", property="VirtualMachineMigrationAuthenticationType", equals="credssp"),
                    state).passed
    assert evaluate(check(host="HV1", property="VirtualMachineMigrationPerformanceOption",
                          not_equals="TCPIP"), state).passed
    assert evaluate(check(host="HV1", property="VirtualMachineMigrationPerformanceOption",
                          in_=["SMB", "Compression"]), state).passed


def test_missing_vm_is_a_failed_result_not_an_exception(pair):
    r = evaluate(check(vm="VM9", host="HV2", property="State", equals="Running"), pair.snapshot())
    assert not r.passed and r.actual == "missing"
    assert r.message.startswith("VM VM9 was not found on HV2")


def test_vm_on_another_host_is_missing_there(pair):
    r = evaluate(check(vm="VM1", host="HV2", exists=True), pair.snapshot())
    assert not r.passed and "VM VM1 was not found on HV2" in r.message
    assert evaluate(check(vm="VM1", host="HV2", exists=False), pair.snapshot()).passed
    assert evaluate(check(vm="VM1", host="HV1", exists=True), pair.snapshot()).passed


def test_missing_host_and_property(pair):
    assert "host HV7 was not found" in evaluate(check(host="HV7", exists=True), pair.snapshot()).message
    r = evaluate(check(host="HV1", property="NoSuchThing", equals=1), pair.snapshot())
    assert not r.passed and "HV1 has no property NoSuchThing" in r.message


def test_vm_processor_property_read_directly_or_dotted(pair):
    state = pair.snapshot()
    assert evaluate(check(vm="VM1", property="CompatibilityForMigrationEnabled", equals=False), state).passed
    assert evaluate(check(vm="VM1", property="Processor.CompatibilityForMigrationEnabled", equals=False),
                    state).passed


def test_adapter_disk_and_checkpoint(pair):
    state = pair.snapshot()
    assert evaluate(check(vm="VM1", adapter="network adapter", property="SwitchName", equals="External"),
                    state).passed
    assert evaluate(check(vm="VM1", disk=0, property="Path", startswith="d:\\vms\\vm1"), state).passed
    assert evaluate(check(vm="VM1", property="Path", startswith="D:\\VMs\\VM1\\"), state).passed
    assert evaluate(check(vm="VM1", disk="VM1.vhdx", property="Path", matches=r"\\VM1\.vhdx$"), state).passed
    r = evaluate(check(vm="VM1", disk=3, property="Path", startswith="C:"), state)
    assert not r.passed and "no virtual hard disk number 3" in r.message
    r = evaluate(check(vm="VM1", checkpoint="Before patch", exists=True), state)
    assert not r.passed and "no checkpoint named 'Before patch'" in r.message


def test_switch_and_migration_network(pair):
    pair.add_migration_network("10.0.1.0/24", 1, computer_name="HV2")
    state = pair.snapshot()
    assert evaluate(check(host="HV2", migration_network="10.0.1.0/24", property="Priority", equals=1), state).passed
    r = evaluate(check(host="HV1", migration_network="10.0.1.0/24", exists=True), state)
    assert not r.passed and "HV1 has no migration network 10.0.1.0/24" in r.message
    assert evaluate(check(host="HV2", switch="External", exists=True), state).passed
    assert evaluate(check(host="HV2", property="MigrationNetworks", count=1), state).passed


def test_switch_renamed_is_missing(pair):
    pair.rename_switch("External", "Ext-Switch", computer_name="HV2")
    r = evaluate(check(host="HV2", switch="External", exists=True, message="Rename the switch back."),
                 pair.snapshot())
    assert r.message == "virtual switch 'External' was not found on HV2. Rename the switch back."


def test_delegation_list(pair):
    pair.add_delegation("HV1", ["cifs/HV2", "Microsoft Virtual System Migration Service/HV2"])
    state = pair.snapshot()
    assert evaluate(check(delegation="HV1", contains="CIFS/hv2"), state).passed
    assert evaluate(check(delegation="HV1", not_contains="cifs/HV1"), state).passed
    assert evaluate(check(delegation="HV1", count=2), state).passed
    assert evaluate(check(delegation="HV1", property="msDS-AllowedToDelegateTo", contains="cifs/HV2"), state).passed
    r = evaluate(check(delegation="HV2", contains="cifs/HV1"), state)
    assert not r.passed and r.actual == "{}" and "msDS-AllowedToDelegateTo is {}" in r.message


def test_cluster_node_group_and_csv(cluster):
    state = cluster.snapshot()
    assert evaluate(check(cluster="CLU1", property="DrainOnShutdown", equals=1), state).passed
    assert evaluate(check(node="HV1", property="State", equals="Up"), state).passed
    assert evaluate(check(cluster="CLU1", group="VM1", property="OwnerNode", equals="HV1"), state).passed
    assert evaluate(check(csv="C:\\ClusterStorage\\Volume1\\", property="State", equals="Online"), state).passed
    assert evaluate(check(csv="Cluster Disk 1", exists=True), state).passed
    r = evaluate(check(cluster="CLU1", node="HV3", exists=True), state)
    assert not r.passed and "node HV3 was not found in cluster CLU1" in r.message
    r = evaluate(check(group="VM7", property="OwnerNode", equals="HV2"), state)
    assert "clustered role VM7 was not found in any cluster" in r.message


def test_jobs_newest_match_and_numeric_operators(cluster):
    cluster.move_cluster_vm_role("VM1", "HV2", migration_type="Quick")
    cluster.move_cluster_vm_role("VM1", "HV1", migration_type="Live")
    state = cluster.snapshot()
    live = check(job={"vm": "VM1", "kind": "live"}, property="DowntimeSeconds", lt=1)
    quick = check(job={"vm": "vm1", "kind": "Quick"}, property="DowntimeSeconds", ge=1)
    assert evaluate(live, state).passed, evaluate(live, state).message
    assert evaluate(quick, state).passed, evaluate(quick, state).message
    newest = evaluate(check(job={"vm": "VM1"}, property="Destination", equals="HV1"), state)
    assert newest.passed and "job 2" in newest.message
    assert evaluate(check(job={"vm": "VM1"}, count=2), state).passed
    assert evaluate(check(job={"VMName": "VM1", "State": "Completed"}, property="Kind", equals="live"), state).passed
    r = evaluate(check(job={"vm": "VM2"}, property="State", equals="Completed"), state)
    assert not r.passed and "no job matches vm=VM2" in r.message
    r = evaluate(check(job={"vm": "VM1"}, property="Destination", gt=1), state)
    assert not r.passed and r.expected == "more than 1"


def test_exists_and_count_without_property_on_vms(pair):
    pair.enable_migration("HV1")
    pair.enable_migration("HV2")
    pair.add_migration_network("10.0.1.0/24", computer_name="HV2")
    pair.move_vm("VM1", "HV2", include_storage=True, destination_storage_path="D:\\VMs\\VM1",
                 caller=Caller("HV1", interactive=True))
    state = pair.snapshot()
    assert evaluate(check(vm="VM1", property="ComputerName", equals="HV2"), state).passed
    assert evaluate(check(vm="VM1", count=1), state).passed
    assert evaluate(check(job={"vm": "VM1", "kind": "shared-nothing"}, property="State", equals="Completed"),
                    state).passed


def test_evaluate_all_fraction(pair):
    results, fraction = evaluate_all([check(host="HV1", exists=True), check(host="HV9", exists=True)],
                                     pair.snapshot())
    assert [r.passed for r in results] == [True, False] and fraction == 0.5
    assert evaluate_all([], pair.snapshot()) == ([], 1.0)


@pytest.mark.parametrize("value, text", [(True, "True"), (None, "$null"), (2.0, "2"), (0.25, "0.25"),
                                         (["a", "b"], "{a, b}"), ([], "{}"), ("x", "x")])
def test_show(value, text):
    assert show(value) == text


def _failed_remote_move(pair: Lab) -> None:
    with pytest.raises(LabError):
        pair.move_vm("VM1", "HV2", computer_name="HV1", include_storage=True,
                     destination_storage_path="D:\\VMs\\VM1", caller=Caller())


def test_event_before_the_failure_says_what_was_not_seen_yet(pair):
    r = evaluate(check(event={"error": "migration.credssp_remote", "operation": "Move-VM"}, exists=True,
                       message="Try the move from the workstation and read the error."), pair.snapshot())
    assert not r.passed and (r.expected, r.actual) == ("present", "absent")
    assert r.message == ("no Move-VM failed with migration.credssp_remote yet (the event log has 0 failed "
                         "operation(s)) Try the move from the workstation and read the error.")


def test_event_filters_newest_match_and_count(pair):
    pair.enable_migration("HV1")
    pair.enable_migration("HV2")
    pair.add_migration_network("10.0.1.0/24", computer_name="HV2")
    _failed_remote_move(pair)
    _failed_remote_move(pair)
    state = pair.snapshot()
    r = evaluate(check(event={"error": "MIGRATION.CREDSSP_REMOTE"}, exists=True), state)
    assert r.passed and "event log entry 2 (Move-VM on HV1 failed with migration.credssp_remote" in r.message
    assert evaluate(check(event={"operation": "move-vm", "computer": "hv1"}, count=2), state).passed
    assert evaluate(check(event={"ErrorId": "migration.credssp_remote", "target": "VM1"}, property="Computer",
                          equals="HV1"), state).passed
    assert evaluate(check(event={"event_id": None, "error": "migration.credssp_remote"}, count=2), state).passed
    assert not evaluate(check(event={"computer": "remote"}, exists=True), state).passed
    r = evaluate(check(event={"operation": "Move-VM", "computer": "HV2"}, count=1), state)
    assert not r.passed and r.message.startswith("no Move-VM run on HV2 failed yet")


def test_event_computer_remote_matches_a_session_outside_the_lab(pair):
    with pytest.raises(LabError):
        pair.move_vm("VM1", "HV2", include_storage=True, destination_storage_path="D:\\VMs\\VM1", caller=Caller())
    state = pair.snapshot()
    assert evaluate(check(event={"operation": "Move-VM", "computer": "remote"}, count=1), state).passed
    assert "from a remote session" in evaluate(check(event={"operation": "Move-VM"}, exists=True), state).message


def test_read_only_failures_leave_no_event(pair):
    with pytest.raises(LabError):
        pair.get_vm("VM9")
    assert not evaluate(check(event={"error": "vm.not_found"}, exists=True), pair.snapshot()).passed
