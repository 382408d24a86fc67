"""Clustered moves, node states, drain, drain on shutdown and VM network health protection."""
from __future__ import annotations

import pytest

from engine.errors import LabError
from engine.hyperv import Caller
from engine.hyperv.cluster import node_transition
from tests.hyperv.conftest import build, cluster_data


def owner(lab, vm):
    return lab.snapshot().vm(vm).ComputerName


def test_live_migration_keeps_vm_running_with_ms_pause(cluster):
    job = cluster.move_cluster_vm_role("VM1", "HV2")
    assert (job.kind, job.state, owner(cluster, "VM1")) == ("live", "Completed", "HV2")
    assert job.downtime_s < 1.0 and cluster.snapshot().vm("VM1").State == "Running"
    group = next(g for g in cluster.snapshot().cluster("CLU1").Groups if g.Name == "VM1")
    assert (group.OwnerNode, group.State, group.Priority) == ("HV2", "Online", 3000)


def test_live_migration_uses_first_live_migration_network(cluster):
    job = cluster.move_cluster_vm_role("VM1", "HV2")
    assert job.link == "HV1/LM" and job.timing["link_gbps"] == 10.0


def test_live_migration_falls_back_to_next_network(cluster):
    cluster.set_net_adapter_state("HV2", "LM", False)
    job = cluster.move_cluster_vm_role("VM2", "HV2")
    assert job.link == "HV1/Cluster"


def test_no_live_migration_network_refused(cluster):
    cluster.world.clusters[0].networks = [n for n in cluster.world.clusters[0].networks if not n.live_migration]
    with pytest.raises(LabError) as e:
        cluster.move_cluster_vm_role("VM1", "HV2")
    assert e.value.id == "cluster.no_live_network"
    assert e.value.message == ('Cluster "CLU1" has no network enabled for live migration that is up on both "HV1" '
                               'and "HV2".')


def test_quick_migration_has_downtime(cluster):
    as_job = cluster.move_cluster_vm_role("VM1", "HV2", migration_type="Quick", as_job=True)
    assert cluster.snapshot().vm("VM1").State == "Saved"  # down while saving, moving and restoring
    cluster.wait(as_job)
    assert cluster.snapshot().vm("VM1").State == "Running" and owner(cluster, "VM1") == "HV2"
    assert as_job.kind == "quick" and as_job.downtime_s == pytest.approx(as_job.total_s) and as_job.downtime_s > 1
    assert as_job.bytes_sent == 0.0


def test_live_not_quick_can_be_checked_in_job_log(cluster):
    cluster.move_cluster_vm_role("VM1", "HV2")
    cluster.move_cluster_vm_role("VM2", "HV2", migration_type="Quick")
    kinds = {j.VMName: j.Kind for j in cluster.snapshot().Jobs}
    assert kinds == {"VM1": "live", "VM2": "quick"}


def test_node_must_be_up(cluster):
    cluster.suspend_node("HV2")
    with pytest.raises(LabError) as e:
        cluster.move_cluster_vm_role("VM1", "HV2")
    assert e.value.id == "cluster.node_not_up"
    assert e.value.message == 'The cluster node "HV2" is Paused; a role can move only to a node that is Up.'


def test_down_node_refused(cluster):
    cluster.inject(kind="node_down", host="HV3")
    with pytest.raises(LabError) as e:
        cluster.move_cluster_vm_role("VM1", "HV3")
    assert e.value.id == "cluster.node_not_up"


def test_without_node_picks_node_with_most_free_memory(cluster):
    cluster.inject(kind="memory_exhausted", host="HV2", free_mb=8192)
    job = cluster.move_cluster_vm_role("VM1")
    assert job.destination == "HV3"


def test_move_to_current_owner_is_a_no_op(cluster):
    assert cluster.move_cluster_vm_role("VM1", "HV1") is None


def test_switch_missing_on_node(cluster):
    cluster.rename_switch("External", "Other", computer_name="HV2")
    with pytest.raises(LabError) as e:
        cluster.move_cluster_vm_role("VM1", "HV2")
    assert e.value.id == "cluster.live_config_failed"
    assert e.value.message == "Configuration setup for live migration failed on the destination node."
    assert e.value.event_id == 21125
    assert e.value.details["report"].incompatibilities[0].message == "Could not find Ethernet switch 'External'."


def test_cluster_vendor_mismatch_refused(cluster):
    cluster.inject(kind="cpu_vendor", host="HV2", vendor="AMD")
    with pytest.raises(LabError) as e:
        cluster.move_cluster_vm_role("VM1", "HV2", migration_type="Quick")
    assert e.value.id == "migration.cpu_vendor"


def test_not_clustered_vm_refused():
    data = cluster_data()
    del data["vms"][0]["cluster"]
    lab = build(data)
    with pytest.raises(LabError) as e:
        lab.move_cluster_vm_role("VM1", "HV2")
    assert (e.value.id, e.value.message) == ("cluster.not_clustered", 'Virtual machine "VM1" is not a clustered role.')


def test_unknown_group(cluster):
    with pytest.raises(LabError) as e:
        cluster.move_cluster_vm_role("VM9", "HV2")
    assert (e.value.id, e.value.message) == ("cluster.group_not_found", 'The cluster group "VM9" was not found.')


def test_unknown_node(cluster):
    with pytest.raises(LabError) as e:
        cluster.move_cluster_vm_role("VM1", "HV9")
    assert (e.value.id, e.value.message) == ("cluster.node_not_found",
                                             'The cluster node "HV9" was not found in cluster "CLU1".')


def test_off_vm_moves_ownership_only(cluster):
    cluster.stop_vm("VM1", "HV1")
    job = cluster.move_cluster_vm_role("VM1", "HV2")
    assert (job.kind, job.total_s, owner(cluster, "VM1")) == ("quick", 0.0, "HV2")


def test_turn_off_then_move(cluster):
    cluster.move_cluster_vm_role("VM1", "HV2", migration_type="TurnOff")
    assert cluster.snapshot().vm("VM1").State == "Off" and owner(cluster, "VM1") == "HV2"


# --- node lifecycle and drain ---------------------------------------------------------------------------------

def test_pause_without_drain_moves_nothing(cluster):
    node = cluster.suspend_node("HV1")
    assert node.state == "Paused" and owner(cluster, "VM1") == "HV1"


def test_illegal_node_transition(cluster):
    with pytest.raises(LabError) as e:
        cluster.resume_node("HV1")
    assert e.value.id == "cluster.invalid_node_transition"
    assert e.value.message == 'Cannot resume cluster node "HV1" while it is Up.'


def test_node_transition_table_start_from_down(cluster):
    node = cluster.world.clusters[0].node("HV3")
    node_transition(node, "shutdown")
    node_transition(node, "start")
    assert node.state == "Up"


def test_drain_moves_by_priority_high_medium_live_low_quick(cluster):
    cluster.suspend_node("HV1", drain=True, wait=True)
    jobs = {j.VMName: (j.Kind, j.Reason) for j in cluster.snapshot().Jobs}
    assert jobs == {"VM1": ("live", "drain"), "VM2": ("live", "drain"), "VM3": ("quick", "drain")}
    assert [j.vm for j in cluster.world.jobs] == ["VM1", "VM2", "VM3"]  # High first, Low last
    node = cluster.snapshot().cluster("CLU1").Nodes[0]
    assert (node.State, node.DrainStatus) == ("Paused", "Completed")
    assert all(v.ComputerName != "HV1" for v in cluster.snapshot().VMs)


def test_drain_to_target_node(cluster):
    cluster.suspend_node("HV1", drain=True, target_node="HV3", wait=True)
    assert {v.ComputerName for v in cluster.snapshot().VMs} == {"HV3"}


def test_drain_in_progress_then_completed(cluster):
    cluster.suspend_node("HV1", drain=True)
    assert cluster.snapshot().cluster("CLU1").Nodes[0].DrainStatus == "InProgress"
    cluster.run_until_idle()
    assert cluster.snapshot().cluster("CLU1").Nodes[0].DrainStatus == "Completed"


def test_drain_fails_when_no_node_can_take_roles(cluster):
    cluster.inject(kind="cpu_vendor", host="HV2", vendor="AMD")
    cluster.inject(kind="cpu_vendor", host="HV3", vendor="AMD")
    cluster.suspend_node("HV1", drain=True, wait=True)
    assert cluster.snapshot().cluster("CLU1").Nodes[0].DrainStatus == "Failed"
    assert owner(cluster, "VM1") == "HV1"


def test_resume_with_failback_returns_roles(cluster):
    cluster.suspend_node("HV1", drain=True, wait=True)
    cluster.resume_node("HV1", failback="Immediate")
    cluster.run_until_idle()
    assert {v.ComputerName for v in cluster.snapshot().VMs} == {"HV1"}


def test_resume_without_failback_leaves_roles(cluster):
    cluster.suspend_node("HV1", drain=True, wait=True)
    cluster.resume_node("HV1")
    assert cluster.snapshot().cluster("CLU1").Nodes[0].State == "Up" and owner(cluster, "VM1") != "HV1"


# --- drain on shutdown ----------------------------------------------------------------------------------------

def test_shutdown_drains_first_on_2012r2(cluster):
    cluster.shutdown_host("HV1")
    kinds = {j.VMName: j.Kind for j in cluster.snapshot().Jobs}
    assert kinds == {"VM1": "live", "VM2": "live", "VM3": "quick"}
    node = cluster.snapshot().cluster("CLU1").Nodes[0]
    assert node.State == "Down" and all(v.State == "Running" for v in cluster.snapshot().VMs)
    assert cluster.snapshot().host("HV1").Online is False


def test_shutdown_with_drain_on_shutdown_0_quick_migrates():
    data = cluster_data()
    data["clusters"][0]["settings"]["DrainOnShutdown"] = 0
    lab = build(data)
    lab.shutdown_host("HV1")
    lab.run_until_idle()
    assert {j.Kind for j in lab.snapshot().Jobs} == {"quick"}
    assert {j.Reason for j in lab.snapshot().Jobs} == {"shutdown"}
    assert all(v.ComputerName != "HV1" and v.State == "Running" for v in lab.snapshot().VMs)


def test_shutdown_on_2012_uses_offline_action():
    data = cluster_data()
    for h in data["hosts"]:
        h["os"] = "WindowsServer2012"
    lab = build(data)
    lab.shutdown_host("HV1")
    lab.run_until_idle()
    assert {j.Kind for j in lab.snapshot().Jobs} == {"quick"}


def test_shutdown_of_paused_node_does_not_drain(cluster):
    cluster.suspend_node("HV1")
    cluster.shutdown_host("HV1")
    cluster.run_until_idle()
    assert {j.Kind for j in cluster.snapshot().Jobs} == {"quick"}


def test_shutdown_last_node_saves_vms():
    lab = build(cluster_data(nodes=1))
    lab.shutdown_host("HV1")
    assert {v.State for v in lab.snapshot().VMs} == {"Saved"}


def test_start_host_brings_node_up(cluster):
    cluster.shutdown_host("HV3")
    cluster.start_host("HV3")
    node = cluster.snapshot().cluster("CLU1").Nodes[2]
    assert (node.State, cluster.snapshot().host("HV3").Online) == ("Up", True)


def test_operations_on_shut_down_host_fail(cluster):
    cluster.shutdown_host("HV3")
    with pytest.raises(LabError) as e:
        cluster.enable_migration("HV3")
    assert (e.value.id, e.value.message) == ("host.offline",
                                             'The operation on computer "HV3" failed: the computer is shut down.')


# --- network health protection --------------------------------------------------------------------------------

def test_lost_protected_network_live_migrates_vms(cluster):
    cluster.set_net_adapter_state("HV1", "Mgmt", False)
    cluster.run_until_idle()
    jobs = cluster.snapshot().Jobs
    assert {(j.Kind, j.Reason) for j in jobs} == {("live", "network-health")}
    assert all(v.ComputerName != "HV1" for v in cluster.snapshot().VMs)


def test_unprotected_adapter_is_ignored(cluster):
    cluster.set_adapter("VM1", not_monitored_in_cluster=True, computer_name="HV1")
    cluster.inject(kind="nic_down", host="HV1", nic="Mgmt")
    cluster.run_until_idle()
    assert owner(cluster, "VM1") == "HV1" and owner(cluster, "VM2") != "HV1"
    assert cluster.snapshot().vm("VM1").NetworkAdapters[0].NotMonitoredInCluster is True


def test_vm_stays_when_no_node_has_the_network(cluster):
    for h in ("HV2", "HV3"):
        cluster.set_net_adapter_state(h, "Mgmt", False)
    cluster.set_net_adapter_state("HV1", "Mgmt", False)
    cluster.run_until_idle()
    assert all(v.ComputerName == "HV1" for v in cluster.snapshot().VMs)


def test_network_health_protection_is_2012r2_only():
    data = cluster_data()
    for h in data["hosts"]:
        h["os"] = "WindowsServer2012"
    lab = build(data)
    lab.set_net_adapter_state("HV1", "Mgmt", False)
    assert lab.snapshot().Jobs == []


def test_surplus_moves_queue_and_cancel_when_network_recovers(cluster):
    cluster.set_net_adapter_state("HV1", "Mgmt", False)
    states = [j.state for j in cluster.world.jobs]
    assert states == ["Running", "Running", "Queued"]
    cluster.set_net_adapter_state("HV1", "Mgmt", True)
    assert cluster.world.jobs[2].state == "Failed"
    assert cluster.world.jobs[2].error_id == "cluster.migration_cancelled"
    assert cluster.world.jobs[2].error_message == ('The queued live migration of virtual machine "VM3" was '
                                                   "cancelled: the network it was leaving is up again.")


def test_cluster_network_state_reflects_nics(cluster):
    cluster.set_net_adapter_state("HV2", "Cluster", False)
    nets = {n.Name: n.State for n in cluster.snapshot().cluster("CLU1").Networks}
    assert nets["Cluster Network 2"] == "Partitioned" and nets["Cluster Network 3"] == "Up"


def test_add_cluster_vm_role_makes_vm_highly_available():
    data = cluster_data()
    del data["vms"][0]["cluster"]
    lab = build(data)
    lab.add_cluster_vm_role("VM1")
    assert lab.snapshot().vm("VM1").IsClustered is True
    assert lab.move_cluster_vm_role("VM1", "HV2").kind == "live"


def test_add_cluster_vm_role_twice_refused(cluster):
    with pytest.raises(LabError) as e:
        cluster.add_cluster_vm_role("VM1")
    assert (e.value.id, e.value.message) == ("cluster.already_clustered",
                                             'Virtual machine "VM1" is already a clustered role of cluster "CLU1".')


def test_quick_migration_fails_when_vm_comes_online_without_memory(cluster):
    job = cluster.move_cluster_vm_role("VM1", "HV2", migration_type="Quick", as_job=True)
    cluster.inject(kind="memory_exhausted", host="HV2", free_mb=100)
    cluster.wait(job)
    assert (job.state, job.error_id) == ("Failed", "migration.insufficient_memory")
    vm = cluster.snapshot().vm("VM1")
    assert (vm.ComputerName, vm.State) == ("HV2", "Saved")


def test_queued_live_migration_fails_when_destination_filled_meanwhile(cluster):
    cluster.inject(kind="memory_exhausted", host="HV3", free_mb=6000)
    cluster.move_cluster_vm_role("VM2", "HV3", as_job=True)
    cluster.move_cluster_vm_role("VM3", "HV3", as_job=True)
    with pytest.raises(LabError) as e:
        cluster.move_cluster_vm_role("VM1", "HV3")  # queued; VM2 arrives first and takes the memory
    assert e.value.id == "migration.insufficient_memory"
    assert owner(cluster, "VM1") == "HV1" and cluster.snapshot().vm("VM1").State == "Running"


def test_set_drain_on_shutdown_to_0_then_shutdown_quick_migrates(cluster):
    cluster.set_cluster("CLU1", drain_on_shutdown=0)
    assert cluster.snapshot().cluster("CLU1").DrainOnShutdown == 0
    cluster.shutdown_host("HV1")
    cluster.run_until_idle()
    assert {j.Kind for j in cluster.snapshot().Jobs} == {"quick"}


def test_set_cluster_from_a_node_console(cluster):
    cluster.set_cluster(drain_on_shutdown=0, caller=Caller("HV2", interactive=True))
    assert cluster.snapshot().cluster("CLU1").DrainOnShutdown == 0


def test_invalid_drain_on_shutdown(cluster):
    with pytest.raises(LabError) as e:
        cluster.set_cluster("CLU1", drain_on_shutdown=2)
    assert (e.value.id, e.value.message) == ("cluster.invalid_value", 'The value 2 is not valid for DrainOnShutdown '
                                             'on cluster "CLU1": it must be 0 or 1.')


def test_set_cluster_without_cluster_context(cluster):
    with pytest.raises(LabError) as e:
        cluster.set_cluster(drain_on_shutdown=0)
    assert e.value.id == "cluster.not_found"


def test_exclude_network_from_live_migration(cluster):
    cluster.set_cluster_network("Cluster Network 3", live_migration=False, cluster="CLU1")
    assert cluster.move_cluster_vm_role("VM1", "HV2").link == "HV1/Cluster"


def test_unknown_cluster_network(cluster):
    with pytest.raises(LabError) as e:
        cluster.set_cluster_network("Nope", live_migration=False, cluster="CLU1")
    assert (e.value.id, e.value.message) == ("cluster.network_not_found",
                                             'The cluster network "Nope" was not found in cluster "CLU1".')


def test_drain_fails_when_queued_move_finds_target_paused(cluster):
    cluster.set_host("HV1", maximum_virtual_machine_migrations=1)
    cluster.suspend_node("HV1", drain=True, target_node="HV2")
    assert [j.state for j in cluster.world.jobs] == ["Running", "Queued", "Running"]  # VM3 (Low) is quick
    cluster.suspend_node("HV2")
    cluster.run_until_idle()
    assert cluster.snapshot().cluster("CLU1").Nodes[0].DrainStatus == "Failed"
    assert owner(cluster, "VM2") == "HV1"


def test_clustered_vm_on_local_storage_cannot_move():
    data = cluster_data()
    data["vms"][0]["path"] = "D:\\VMs\\VM1"
    data["vms"][0]["vhds"] = [{"path": "D:\\VMs\\VM1\\VM1.vhdx"}]
    lab = build(data)
    with pytest.raises(LabError) as e:
        lab.move_cluster_vm_role("VM1", "HV2")
    assert e.value.id == "migration.storage_unreachable"
    lab.move_vm_storage("VM1", "C:\\ClusterStorage\\Volume1\\VM1", computer_name="HV1")
    assert lab.move_cluster_vm_role("VM1", "HV2").state == "Completed"


def test_unknown_migration_type(cluster):
    with pytest.raises(LabError) as e:
        cluster.move_cluster_vm_role("VM1", "HV2", migration_type="Teleport")
    assert e.value.id == "cluster.invalid_value"
    assert e.value.message == ('The value Teleport is not valid for MigrationType on cluster "CLU1": expected one '
                               "of Live, Quick, TurnOff, Shutdown, ShutdownForce.")


def test_turn_off_not_applied_when_move_is_refused(cluster):
    cluster.suspend_node("HV2")
    with pytest.raises(LabError):
        cluster.move_cluster_vm_role("VM1", "HV2", migration_type="TurnOff")
    assert cluster.snapshot().vm("VM1").State == "Running"


def test_unknown_cluster(cluster):
    with pytest.raises(LabError) as e:
        cluster.set_cluster("CLU9", drain_on_shutdown=0)
    assert (e.value.id, e.value.message, e.value.category) == ("cluster.not_found",
                                                               'The cluster "CLU9" was not found.', "ObjectNotFound")


def test_shutdown_waits_for_moves_in_flight(cluster):
    job = cluster.move_cluster_vm_role("VM1", "HV2", as_job=True)
    cluster.shutdown_host("HV2")
    assert job.state == "Completed"
    assert owner(cluster, "VM1") != "HV2"  # arrived, then drained off again before HV2 went down
