"""Checkpoint-VM and Remove-VMSnapshot: files under SnapshotFileLocation, LabState Checkpoints, moves."""
from __future__ import annotations

import pytest

from engine.errors import LabError
from engine.hyperv.checkpoints import default_name
from engine.hyperv.files import find
from tests.hyperv.conftest import ON_HV1, build, pair_data, ready


@pytest.fixture
def lab():
    return build(pair_data())


def test_checkpoint_of_a_running_vm_is_listed_and_has_a_file(lab):
    checkpoint = lab.checkpoint_vm("VM1", snapshot_name="Before patch", caller=ON_HV1)
    vm = lab.world.vm("VM1")
    assert checkpoint.path == vm.snapshot_path == "D:\\VMs\\VM1"
    assert [(c.Name, c.Path) for c in lab.snapshot().vm("VM1").Checkpoints] == [("Before patch", "D:\\VMs\\VM1")]
    assert find(lab.world, lab.world.host("HV1"), f"D:\\VMs\\VM1\\Snapshots\\{vm.id}-Before patch.xml") is not None


def test_checkpoint_default_name_is_dated_like_hyper_v(lab):
    lab.advance(3725)
    checkpoint = lab.checkpoint_vm("VM1", caller=ON_HV1)
    assert checkpoint.name == default_name("VM1", 3725) == "VM1 - (1/6/2014 - 10:02:05 AM)"


def test_checkpoint_name_taken_refused(lab):
    with pytest.raises(LabError) as e:
        lab.checkpoint_vm("VM3", snapshot_name="Before update", caller=ON_HV1)
    assert (e.value.id, e.value.fidelity) == ("checkpoint.name_exists", "approximate")


def test_checkpoint_of_unknown_vm(lab):
    with pytest.raises(LabError) as e:
        lab.checkpoint_vm("VM9", snapshot_name="x", caller=ON_HV1)
    assert e.value.id == "vm.not_found"


def test_remove_snapshot_deletes_entry_and_file(lab):
    vm = lab.world.vm("VM3")
    path = f"{vm.snapshot_path}\\Snapshots\\{vm.id}-Before update.xml"
    assert find(lab.world, lab.world.host("HV1"), path) is not None
    lab.remove_vm_snapshot("VM3", "before update", caller=ON_HV1)
    assert lab.snapshot().vm("VM3").Checkpoints == []
    assert find(lab.world, lab.world.host("HV1"), path) is None


def test_remove_unknown_snapshot(lab):
    with pytest.raises(LabError) as e:
        lab.remove_vm_snapshot("VM3", "Nope", caller=ON_HV1)
    assert (e.value.id, e.value.message) == (
        "checkpoint.not_found", 'Hyper-V was unable to find a checkpoint with name "Nope" of virtual machine "VM3".')


def test_checkpointed_vm_moved_without_compatibility_gives_hardware_text():
    lab = ready(build(pair_data()))
    lab.world.host("HV2").cpu_features = ["sse4_2"]
    lab.checkpoint_vm("VM1", snapshot_name="Before move", caller=ON_HV1)
    with pytest.raises(LabError) as e:
        lab.move_vm("VM1", "HV2", include_storage=True, destination_storage_path="D:\\VMs\\VM1", caller=ON_HV1)
    assert (e.value.id, e.value.fidelity) == ("migration.hardware_incompatible", "exact")


def test_checkpointed_vm_moves_with_compatibility_mode_and_takes_its_checkpoints():
    lab = ready(build(pair_data()))
    lab.world.host("HV2").cpu_features = ["sse4_2"]
    lab.checkpoint_vm("VM1", snapshot_name="Before move", caller=ON_HV1)
    lab.stop_vm("VM1", caller=ON_HV1)
    lab.set_vm_processor("VM1", compatibility_for_migration_enabled=True, caller=ON_HV1)
    lab.start_vm("VM1", caller=ON_HV1)
    lab.move_vm("VM1", "HV2", include_storage=True, destination_storage_path="D:\\VM1",
                caller=ON_HV1)
    vm = lab.snapshot().vm("VM1")
    assert (vm.ComputerName, [c.Name for c in vm.Checkpoints]) == ("HV2", ["Before move"])
