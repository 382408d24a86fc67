"""Checkpoints (snapshots): Checkpoint-VM and Remove-VMSnapshot.

A checkpoint is a descriptor file under the VM's SnapshotFileLocation (``<path>\\Snapshots\\<Id>-<name>.xml``,
see :func:`engine.hyperv.files.checkpoint_file`) and an entry in the VM's Checkpoints. Windows takes a
checkpoint of a VM in any state; removing one merges its differencing disk, which this model has no need of.
A running VM with checkpoints cannot move to a host missing processor features it uses unless compatibility
mode is on (``migration.hardware_incompatible``, checked by :func:`engine.hyperv.migration.check_processor`).
"""
from __future__ import annotations

import datetime as dt

from engine.hyperv.caller import Caller, CallerMixin, operation
from engine.hyperv.catalogue import error
from engine.hyperv.files import CONFIG_GB, add, checkpoint_file, remove
from engine.hyperv.state import Checkpoint

#: The wall-clock time the simulated clock starts at; it only dates default checkpoint names.
CLOCK_EPOCH = dt.datetime(2014, 1, 6, 9, 0, 0)


def default_name(vm_name: str, seconds: float) -> str:
    """Hyper-V's default checkpoint name: ``VM1 - (1/6/2014 - 9:00:00 AM)``."""
    at = CLOCK_EPOCH + dt.timedelta(seconds=seconds)
    clock = at.strftime("%I:%M:%S %p").lstrip("0")
    return f"{vm_name} - ({at.month}/{at.day}/{at.year} - {clock})"


class CheckpointsMixin(CallerMixin):
    """Checkpoint operations of :class:`engine.hyperv.lab.Lab`."""

    @operation("Checkpoint-VM")
    def checkpoint_vm(self, name: str, computer_name: str | None = None, *, snapshot_name: str | None = None,
                      caller: Caller | None = None) -> Checkpoint:
        """Checkpoint-VM [-SnapshotName]: a checkpoint of the VM, whatever its state, under its
        SnapshotFileLocation."""
        vm = self._find_vm(name, computer_name, caller)
        title = snapshot_name or default_name(vm.name, self.world.clock)
        if any(c.name == title for c in vm.checkpoints):
            raise error("checkpoint.name_exists", target=vm.name, vm=vm.name, name=title)
        checkpoint = Checkpoint(title, vm.snapshot_path)
        add(self.world, self.world.host(vm.host), checkpoint_file(vm, title, checkpoint.path), CONFIG_GB)
        vm.checkpoints.append(checkpoint)
        return checkpoint

    @operation("Remove-VMSnapshot")
    def remove_vm_snapshot(self, vm_name: str, name: str, computer_name: str | None = None, *,
                           caller: Caller | None = None) -> Checkpoint:
        """Remove-VMSnapshot -VMName -Name: delete one checkpoint and its descriptor file."""
        vm = self._find_vm(vm_name, computer_name, caller)
        checkpoint = next((c for c in vm.checkpoints if c.name.lower() == name.lower()), None)
        if checkpoint is None:
            raise error("checkpoint.not_found", target=name, name=name, vm=vm.name)
        remove(self.world, self.world.host(vm.host), checkpoint_file(vm, checkpoint.name, checkpoint.path))
        vm.checkpoints.remove(checkpoint)
        return checkpoint
