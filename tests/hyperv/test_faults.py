"""Faults injected by labs: each changes the world the way the real problem would."""
from __future__ import annotations

import pytest

from engine.content.models import Fault
from engine.errors import LabError
from engine.hyperv.vms import free_memory_mb
from tests.hyperv.conftest import ON_HV1, REMOTE, build, cluster_data

ALL_TO_D = {"include_storage": True, "destination_storage_path": "D:\\VMs\\VM1"}


def test_accepts_the_content_model(pair):
    pair.inject(Fault(kind="migration_disabled", host="HV2"))
    assert pair.snapshot().host("HV2").VirtualMachineMigrationEnabled is False


def test_accepts_a_dict(pair):
    pair.inject({"kind": "migration_disabled", "host": "HV2"})
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.disabled_destination"


def test_nic_down_disconnects(pair):
    pair.inject(kind="nic_down", host="HV2", nic="LM")
    assert {n.Name: n.Status for n in pair.snapshot().host("HV2").NetAdapters}["LM"] == "Disconnected"
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.no_network"


def test_switch_renamed(pair):
    pair.inject(kind="switch_renamed", host="HV2", switch="External", new_name="Ext")
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", **ALL_TO_D, caller=ON_HV1)
    assert e.value.id == "migration.incompatible"


def test_delegation_removed(pair):
    pair.set_delegation("HV1", ["cifs/HV2", "Microsoft Virtual System Migration Service/HV2"])
    pair.set_host("HV1", virtual_machine_migration_authentication_type="Kerberos")
    pair.inject(kind="delegation_removed", host="HV1", service="Microsoft Virtual System Migration Service")
    assert pair.delegation_of("HV1") == ["cifs/HV2"]
    with pytest.raises(LabError) as e:
        pair.move_vm("VM1", "HV2", computer_name="HV1", **ALL_TO_D, caller=REMOTE)
    assert e.value.id == "migration.kerberos_delegation"


def test_cpu_vendor(pair):
    pair.inject(kind="cpu_vendor", host="HV2", vendor="AMD")
    assert pair.snapshot().host("HV2").Processor.Manufacturer == "AuthenticAMD"


def test_memory_exhausted_leaves_exact_free_memory(pair):
    pair.inject(kind="memory_exhausted", host="HV2", free_mb=3000)
    assert free_memory_mb(pair.world, pair.world.host("HV2")) == 3000


def test_node_down_fails_roles_over():
    lab = build(cluster_data())
    lab.inject(kind="node_down", host="HV1")
    snap = lab.snapshot()
    assert snap.cluster("CLU1").Nodes[0].State == "Down"
    assert all(v.ComputerName != "HV1" and v.State == "Running" for v in snap.VMs)
    assert snap.Jobs == []  # a crash moves nothing live: the roles restart elsewhere


def test_node_down_needs_a_cluster(pair):
    with pytest.raises(LabError) as e:
        pair.inject(kind="node_down", host="HV1")
    assert e.value.id == "cluster.node_not_found"


def test_share_access_removed(pair):
    pair.inject(kind="share_access_removed", host="HV2", share="\\\\FS1\\VMs")
    assert pair.snapshot().SmbShares[0].AccountName == ["HV1$"]
    with pytest.raises(LabError) as e:
        pair.move_vm("VM2", "HV2", caller=ON_HV1)
    assert e.value.id == "migration.storage_unreachable"


def test_unknown_share(pair):
    with pytest.raises(LabError) as e:
        pair.inject(kind="share_access_removed", host="HV2", share="\\\\FS9\\X")
    assert e.value.id == "storage.path_not_found"


def test_unknown_kind(pair):
    with pytest.raises(LabError) as e:
        pair.inject(kind="meteor", host="HV1")
    assert (e.value.id, e.value.message) == ("fault.unknown", "Unknown fault kind 'meteor'.")


def test_node_down_fails_moves_in_flight():
    lab = build(cluster_data())
    job = lab.move_cluster_vm_role("VM1", "HV2", as_job=True)
    lab.inject(kind="node_down", host="HV2")
    assert (job.state, job.error_id) == ("Failed", "host.offline")
    vm = lab.snapshot().vm("VM1")
    assert (vm.ComputerName, vm.State, vm.Status) == ("HV1", "Running", "Operating normally")
