"""The event log: every failed attempt to change the lab is remembered (operation, computer, error, event id)."""
from __future__ import annotations

import pytest

from engine.errors import LabError
from engine.hyperv import Lab
from engine.hyperv.state import EVENT_LOG_SIZE
from tests.hyperv.conftest import ON_HV1, REMOTE, build, cluster_data, pair_data, ready

ALL_TO_D = {"include_storage": True, "destination_storage_path": "D:\\VMs\\VM1"}


def test_a_failed_move_is_recorded_with_operation_computer_and_first_line(pair):
    pair.advance(5)
    with pytest.raises(LabError):
        pair.move_vm("VM1", "HV2", computer_name="HV1", **ALL_TO_D, caller=REMOTE)
    (event,) = pair.snapshot().Events
    assert (event.Id, event.Time, event.Operation, event.Computer, event.Target, event.ErrorId, event.EventId) == (
        1, 5.0, "Move-VM", "HV1", "VM1", "migration.credssp_remote", None)
    assert event.Message == "Virtual machine migration operation failed at migration Source."


def test_read_only_lookups_are_not_recorded(pair):
    for lookup in (lambda: pair.get_vm("VM9"), lambda: pair.get_host("HV9")):
        with pytest.raises(LabError):
            lookup()
    assert pair.snapshot().Events == []


def test_the_event_id_comes_from_the_catalogue():
    lab = ready(build(pair_data()))
    lab.set_host("HV1", maximum_virtual_machine_migrations=1)
    lab.move_vm("VM2", "HV2", as_job=True, caller=ON_HV1)
    with pytest.raises(LabError) as e:
        lab.move_vm("VM1", "HV2", **ALL_TO_D, as_job=True, caller=ON_HV1)
    assert e.value.id == "migration.limit_reached"
    event = lab.snapshot().Events[-1]
    assert (event.ErrorId, event.EventId, event.Computer) == ("migration.limit_reached", 21501, "HV1")


def test_a_failed_job_is_recorded_once_even_when_a_blocking_call_re_raises_it():
    lab = build(cluster_data())
    job = lab.move_cluster_vm_role("VM1", "HV2", as_job=True)
    lab.inject(kind="node_down", host="HV2")
    assert job.state == "Failed"
    events = lab.snapshot().Events
    assert [(e.Operation, e.ErrorId, e.Target) for e in events] == [
        ("Move-ClusterVirtualMachineRole", "host.offline", "HV2")]  # the cmdlet that started the job
    lab2 = build(cluster_data())
    lab2.move_cluster_vm_role("VM1", "HV2", as_job=True)
    lab2.move_cluster_vm_role("VM2", "HV2", as_job=True)
    lab2.move_cluster_vm_role("VM3", "HV2", as_job=True)
    lab2.suspend_node("HV2")
    lab2.run_until_idle()
    failed = [e for e in lab2.snapshot().Events if e.ErrorId == "cluster.node_not_up"]
    assert len(failed) == 1 and failed[0].Operation == "Move-ClusterVirtualMachineRole"


def test_the_log_keeps_the_newest_entries(pair):
    for _ in range(EVENT_LOG_SIZE + 5):
        with pytest.raises(LabError):
            pair.move_vm("VM1", "HV2", computer_name="HV1", **ALL_TO_D, caller=REMOTE)
    ids = [e.Id for e in pair.snapshot().Events]
    assert len(ids) == EVENT_LOG_SIZE and ids[0] == 6 and ids[-1] == EVENT_LOG_SIZE + 5


def test_events_round_trip_through_json_exactly(pair):
    with pytest.raises(LabError):
        pair.move_vm("VM1", "HV2", computer_name="HV1", **ALL_TO_D, caller=REMOTE)
    again = Lab.from_json(pair.to_json())
    assert again.to_json() == pair.to_json()
    assert again.snapshot().Events == pair.snapshot().Events
    with pytest.raises(LabError):
        again.move_vm("VM1", "HV2", computer_name="HV1", **ALL_TO_D, caller=REMOTE)
    assert [e.Id for e in again.snapshot().Events] == [1, 2]
