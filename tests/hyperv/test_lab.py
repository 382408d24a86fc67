"""The Lab facade: building from topologies, exact JSON round trips, deterministic snapshots, the caller."""
from __future__ import annotations

import json

import pytest

from engine.errors import LabError
from engine.hyperv import Caller, Lab, LabState
from tests.hyperv.conftest import ON_HV1, TOPOLOGIES, build, cluster_data, pair_data, ready, shipped

SHIPPED = sorted(p.stem for p in TOPOLOGIES.glob("*.yaml"))


def round_trip(lab: Lab) -> Lab:
    text = lab.to_json()
    again = Lab.from_json(text)
    assert again.to_json() == text
    assert again.snapshot() == lab.snapshot()
    return again


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_topologies_round_trip(name):
    round_trip(Lab.from_topology(shipped(name)))


def test_rich_topologies_round_trip():
    round_trip(build(pair_data()))
    round_trip(build(cluster_data()))


def test_round_trip_after_mutations():
    lab = ready(build(pair_data()))
    lab.set_host("HV1", virtual_machine_migration_authentication_type="Kerberos")
    lab.set_delegation("HV1", ["cifs/HV2", "Microsoft Virtual System Migration Service/HV2"])
    lab.move_vm("VM1", "HV2", include_storage=True, destination_storage_path="D:\\VMs\\VM1")
    lab.export_vm("VM3", "D:\\Export")
    lab.inject(kind="switch_renamed", host="HV2", switch="External", new_name="Ext")
    round_trip(lab)


def test_round_trip_with_jobs_in_flight_continues_identically():
    lab = build(cluster_data())
    lab.suspend_node("HV1", drain=True)
    lab.advance(1.0)
    again = round_trip(lab)
    lab.run_until_idle()
    again.run_until_idle()
    assert again.to_json() == lab.to_json()
    assert again.snapshot().cluster("CLU1").Nodes[0].DrainStatus == "Completed"


def test_failed_job_survives_reload():
    lab = build(cluster_data())
    lab.move_cluster_vm_role("VM1", "HV2", as_job=True)
    lab.move_cluster_vm_role("VM2", "HV2", as_job=True)
    queued = lab.move_cluster_vm_role("VM3", "HV2", as_job=True)
    lab.suspend_node("HV2")  # the queued move finds its destination paused when a slot frees
    lab.run_until_idle()
    assert (queued.state, queued.error_id) == ("Failed", "cluster.node_not_up")
    again = round_trip(lab)
    record = next(j for j in again.snapshot().Jobs if j.Id == queued.id)
    assert (record.State, record.ErrorId) == ("Failed", "cluster.node_not_up")
    assert again.snapshot().vm("VM3").ComputerName == "HV1"


def test_ids_are_deterministic():
    a, b = build(pair_data()), build(pair_data())
    assert [v.Id for v in a.snapshot().VMs] == [v.Id for v in b.snapshot().VMs]
    assert len({v.Id for v in a.snapshot().VMs}) == 3


def test_equal_states_give_equal_snapshots_and_json():
    a, b = build(cluster_data()), build(cluster_data())
    a.move_cluster_vm_role("VM1", "HV2")
    b.move_cluster_vm_role("VM1", "HV2")
    assert a.snapshot() == b.snapshot() and a.to_json() == b.to_json()


def test_snapshot_is_json_serialisable_with_powershell_names():
    snap = build(cluster_data()).snapshot()
    data = json.loads(snap.model_dump_json(by_alias=True))
    assert set(data) == {"Hosts", "VMs", "Clusters", "ADComputers", "SmbShares", "Jobs", "Clock", "Events"}
    assert {"VirtualMachineMigrationEnabled", "MemoryCapacity", "LogicalProcessorCount"} <= set(data["Hosts"][0])
    assert {"ComputerName", "IsClustered", "SmartPagingFilePath"} <= set(data["VMs"][0])
    assert LabState.model_validate(data) == snap


def test_snapshot_reports_cluster_objects():
    c = build(cluster_data()).snapshot().cluster("CLU1")
    assert c.DrainOnShutdown == 1
    assert [n.State for n in c.Nodes] == ["Up", "Up", "Up"]
    assert c.SharedVolumes[0].SharedVolumeInfo[0].FriendlyVolumeName == "C:\\ClusterStorage\\Volume1"
    assert [(n.Name, n.Role, n.Address) for n in c.Networks][0] == ("Cluster Network 1", "ClusterAndClient",
                                                                    "192.168.1.0")


def test_learner_logon_is_the_default_caller():
    lab = build(pair_data())
    assert lab.learner == ON_HV1
    assert build(cluster_data()).learner == Caller()


def test_caller_from_logon():
    assert Caller.from_logon("remote") == Caller(None, False)
    assert Caller.from_logon("HV2").signed_in_on("hv2")
    assert not Caller("HV2", interactive=False).signed_in_on("HV2")


def test_vm_defaults_from_host_paths():
    data = pair_data()
    del data["vms"][0]["path"]
    data["vms"][0]["vhds"] = []
    vm = build(data).snapshot().vm("VM1")
    assert vm.Path == "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V" == vm.SnapshotFileLocation


def test_topology_with_compression_on_2012_is_refused():
    data = pair_data()
    data["hosts"][0]["os"] = "WindowsServer2012"
    data["hosts"][0]["settings"] = {"VirtualMachineMigrationPerformanceOption": "Compression"}
    with pytest.raises(LabError) as e:
        build(data)
    assert e.value.id == "host.option_unsupported"


def test_operations_map_methods_to_cmdlets():
    ops = Lab.operations()
    assert ops["move_vm"] == ("Move-VM",) and ops["move_vm_storage"] == ("Move-VMStorage",)
    assert ops["move_cluster_vm_role"] == ("Move-ClusterVirtualMachineRole",)
    assert ops["set_net_adapter_state"] == ("Enable-NetAdapter", "Disable-NetAdapter")
    assert "snapshot" not in ops and "advance" not in ops


def test_errors_say_where_they_happened():
    lab = ready(build(pair_data()))
    with pytest.raises(LabError) as e:
        lab.move_vm("VM1", "HV2", computer_name="HV1", include_storage=True, destination_storage_path="D:\\X",
                    caller=Caller())
    assert e.value.details == {"operation": "Move-VM", "computer": "HV1"}
    with pytest.raises(LabError) as e:
        lab.start_vm("VM1")
    assert e.value.details == {"operation": "Start-VM", "computer": "HV1"}
