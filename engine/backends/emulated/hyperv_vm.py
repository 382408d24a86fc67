"""VMs: Get-VM, Remove-VM, the power cmdlets (Start-, Stop-, Save-, Suspend-, Resume-VM), Get-/Set-VMProcessor,
Get-VMHardDiskDrive, and checkpoints (Get-VMSnapshot, Checkpoint-VM, Remove-VMSnapshot).

Names accept wildcards and -ComputerName takes several hosts, as in Windows; a VM object from the pipeline is
acted on where it lives. Power-state rules and processor rules are the lab's (``engine.hyperv.vms``).
"""
from __future__ import annotations

import fnmatch
import functools

from engine.backends.emulated.context import attempt, caller_of, lab_of, names
from engine.backends.emulated.hyperv_objects import (
    HARD_DISK, PROCESSOR, SNAPSHOT, VIRTUAL_MACHINE, computers, find_vms, finished_job, hard_disk_objects,
    hyperv_cmdlet,
    processor_object, snapshot_objects, vm_object, vms_of,
)
from engine.powershell.registry import Param, Registry

_PASSTHRU = Param("Passthru", "switch")


def _vm_sets(name: str = "Name", name_sets: str = "Name", aliases: tuple[str, ...] = ()) -> list[Param]:
    """The Name/VM parameter sets most VM cmdlets share: [-Name] <String[]> or [-VM] <VirtualMachine[]>."""
    return [Param(name, "string[]", sets=[name_sets], mandatory=True, position=0, aliases=aliases),
            Param("ComputerName", "string[]", sets=[name_sets]),
            Param("VM", "psobject[]", type_name=VIRTUAL_MACHINE, sets=["VM"], mandatory=True, position=0,
                  pipeline=True)]


def get_vm(ctx, params: dict) -> None:
    """Get-VM by name (wildcards) or by Id."""
    if "Id" not in params:
        for vm in find_vms(ctx, params.get("Name"), params.get("ComputerName")):
            ctx.write_output(vm_object(vm))
        return
    lab, caller = lab_of(ctx), caller_of(ctx)
    for computer in computers(params.get("ComputerName")):
        vm = attempt(ctx, lab.get_vm_by_id, params["Id"], computer, caller=caller)
        if vm is not None:
            ctx.write_output(vm_object(vm))


def remove_vm(ctx, params: dict) -> None:
    """Remove-VM: unregister each VM (its files stay on disk); -Passthru writes the removed VM."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    for vm in vms_of(ctx, params, "Name"):
        if not ctx.should_process(vm.name):
            continue
        removed = attempt(ctx, lab.remove_vm, vm.name, vm.host, caller=caller)
        if removed is not None and params.get("Passthru"):
            ctx.write_output(vm_object(removed))


def checkpoint_vm(ctx, params: dict) -> None:
    """Checkpoint-VM [-SnapshotName]; -Passthru writes the new checkpoint."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    for vm in vms_of(ctx, params, "Name"):
        if not ctx.should_process(vm.name):
            continue
        operation = functools.partial(lab.checkpoint_vm, vm.name, vm.host, snapshot_name=params.get("SnapshotName"),
                                      caller=caller)
        render = (lambda done, v=vm: [_snapshot_of(v, done)]) if params.get("Passthru") else (lambda done: [])
        if ctx.as_job:
            ctx.run_job(finished_job(ctx, operation, render))
            continue
        done = attempt(ctx, operation)
        if done is not None:
            for obj in render(done):
                ctx.write_output(obj)


def _snapshot_of(vm, checkpoint):
    return next(o for o in snapshot_objects(vm) if o.ref is checkpoint)


def remove_vm_snapshot(ctx, params: dict) -> None:
    """Remove-VMSnapshot: checkpoint objects from the pipeline, or -VMName/-VM with -Name (wildcards)."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    if params.get("VMSnapshot"):
        targets = [(attempt(ctx, lab.get_vm, o["VMName"], o["ComputerName"], caller=caller), o["Name"])
                   for o in params["VMSnapshot"]]
    else:
        targets = []
        for vm in vms_of(ctx, params):
            for pattern in names(params.get("Name")):
                if any(ch in pattern for ch in "*?["):
                    targets += [(vm, c.name) for c in vm.checkpoints
                                if fnmatch.fnmatch(c.name.lower(), pattern.lower())]
                else:
                    targets.append((vm, pattern))
    for vm, name in targets:
        if vm is None or not ctx.should_process(name):
            continue
        shown = [o for o in snapshot_objects(vm) if o["Name"].lower() == name.lower()]
        if attempt(ctx, lab.remove_vm_snapshot, vm.name, name, vm.host, caller=caller) is not None and \
                params.get("Passthru"):
            for obj in shown:
                ctx.write_output(obj)


def _power(operation_name: str):
    """A power cmdlet: one lab operation per targeted VM, the VM written with -Passthru."""
    def run(ctx, params: dict) -> None:
        lab, caller = lab_of(ctx), caller_of(ctx)
        name = "save_vm" if params.get("Save") else operation_name
        for vm in vms_of(ctx, params, "Name"):
            if not ctx.should_process(vm.name):
                continue
            extra = {"turn_off": bool(params.get("TurnOff"))} if name == "stop_vm" else {}
            operation = functools.partial(getattr(lab, name), vm.name, vm.host, caller=caller, **extra)
            if ctx.as_job:
                render = (lambda done: [vm_object(done)]) if params.get("Passthru") else (lambda done: [])
                ctx.run_job(finished_job(ctx, operation, render))
                continue
            done = attempt(ctx, operation)
            if done is not None and params.get("Passthru"):
                ctx.write_output(vm_object(done))
    run.__doc__ = f"The cmdlet of Lab.{operation_name}."
    return run


def get_vm_processor(ctx, params: dict) -> None:
    """Get-VMProcessor."""
    for vm in vms_of(ctx, params):
        ctx.write_output(processor_object(vm))


def set_vm_processor(ctx, params: dict) -> None:
    """Set-VMProcessor: compatibility settings and count, by VM name, VM object or VMProcessor object."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    targets = [p.ref for p in params["VMProcessor"]] if params.get("VMProcessor") else vms_of(ctx, params)
    settings = {
        "compatibility_for_migration_enabled": params.get("CompatibilityForMigrationEnabled"),
        "compatibility_for_older_operating_systems_enabled": params.get("CompatibilityForOlderOperatingSystemsEnabled"),
        "count": params.get("Count")}
    for vm in targets:
        if not ctx.should_process(vm.name):
            continue
        done = attempt(ctx, lab.set_vm_processor, vm.name, vm.host, caller=caller, **settings)
        if done is not None and params.get("Passthru"):
            ctx.write_output(processor_object(done))


def get_vm_hard_disk_drive(ctx, params: dict) -> None:
    """Get-VMHardDiskDrive, optionally filtered by controller."""
    for vm in vms_of(ctx, params):
        for disk in hard_disk_objects(vm):
            if all(params.get(p) is None or str(params[p]).lower() == str(disk[p]).lower()
                   for p in ("ControllerType", "ControllerNumber", "ControllerLocation")):
                ctx.write_output(disk)


def get_vm_snapshot(ctx, params: dict) -> None:
    """Get-VMSnapshot: the checkpoints of the VMs, optionally by name (wildcards)."""
    pattern = (params.get("Name") or "*").lower()
    for vm in vms_of(ctx, params):
        for checkpoint in snapshot_objects(vm):
            if fnmatch.fnmatch(checkpoint["Name"].lower(), pattern):
                ctx.write_output(checkpoint)


def register(registry: Registry) -> None:
    """Register the VM cmdlets."""
    registry.register(hyperv_cmdlet(
        "Get-VM", get_vm, [
            Param("Name", "string[]", sets=["Name"], position=0, aliases=("VMName",)),
            Param("Id", "string", sets=["Id"], position=0, mandatory=True),
            Param("ComputerName", "string[]")],
        default_set="Name", output_type=VIRTUAL_MACHINE,
        synopsis="Lists the virtual machines of one or more Hyper-V hosts."))
    registry.register(hyperv_cmdlet(
        "Remove-VM", remove_vm, _vm_sets(aliases=("VMName",)) + [Param("Force", "switch"), _PASSTHRU],
        default_set="Name", supports_should_process=True, output_type=VIRTUAL_MACHINE,
        synopsis="Deletes a virtual machine that is off or saved; its files stay on disk."))
    registry.register(hyperv_cmdlet(
        "Checkpoint-VM", checkpoint_vm, _vm_sets(aliases=("VMName",)) + [
            Param("SnapshotName", "string", position=1), _PASSTHRU],
        default_set="Name", supports_should_process=True, supports_as_job=True, output_type=SNAPSHOT,
        synopsis="Takes a checkpoint (snapshot) of a virtual machine."))
    registry.register(hyperv_cmdlet(
        "Remove-VMSnapshot", remove_vm_snapshot, [
            Param("VMName", "string[]", sets=["VMName"], mandatory=True, position=0),
            Param("Name", "string[]", sets=["VMName", "VM"], mandatory=True, position=1),
            Param("ComputerName", "string[]", sets=["VMName"]),
            Param("VM", "psobject[]", type_name=VIRTUAL_MACHINE, sets=["VM"], mandatory=True, position=0,
                  pipeline=True),
            Param("VMSnapshot", "psobject[]", type_name=SNAPSHOT, sets=["VMSnapshot"], mandatory=True, position=0,
                  pipeline=True),
            Param("IncludeAllChildSnapshots", "switch"), _PASSTHRU],
        default_set="VMName", supports_should_process=True, supports_as_job=True, output_type=SNAPSHOT,
        synopsis="Deletes checkpoints (snapshots) of virtual machines."))
    power = (("Start-VM", "start_vm", "Starts a virtual machine, or resumes one that was saved.", []),
             ("Stop-VM", "stop_vm", "Shuts down, turns off or saves a virtual machine.",
              [Param("Force", "switch"), Param("TurnOff", "switch"), Param("Save", "switch")]),
             ("Save-VM", "save_vm", "Saves a virtual machine's memory to disk and stops it.", []),
             ("Suspend-VM", "suspend_vm", "Pauses a running virtual machine.", []),
             ("Resume-VM", "resume_vm", "Lets a paused virtual machine run again.", []))
    for name, operation_name, synopsis, extra in power:
        registry.register(hyperv_cmdlet(
            name, _power(operation_name), _vm_sets() + extra + [_PASSTHRU], default_set="Name",
            supports_should_process=True, supports_as_job=True, output_type=VIRTUAL_MACHINE, synopsis=synopsis))
    registry.register(hyperv_cmdlet(
        "Get-VMProcessor", get_vm_processor, _vm_sets("VMName", "VMName"), default_set="VMName",
        output_type=PROCESSOR, synopsis="Shows the virtual processor settings of virtual machines."))
    registry.register(hyperv_cmdlet(
        "Set-VMProcessor", set_vm_processor, _vm_sets("VMName", "VMName") + [
            Param("VMProcessor", "psobject[]", type_name=PROCESSOR, sets=["VMProcessor"], mandatory=True,
                  position=0, pipeline=True),
            Param("Count", "long"), Param("CompatibilityForMigrationEnabled", "bool"),
            Param("CompatibilityForOlderOperatingSystemsEnabled", "bool"), _PASSTHRU],
        default_set="VMName", supports_should_process=True, output_type=PROCESSOR,
        synopsis="Changes a VM's virtual processors, including processor compatibility for migration; the VM "
                 "must be off."))
    registry.register(hyperv_cmdlet(
        "Get-VMHardDiskDrive", get_vm_hard_disk_drive, _vm_sets("VMName", "VMName") + [
            Param("ControllerType", "enum", values=("IDE", "SCSI"),
                  type_name="Microsoft.HyperV.PowerShell.ControllerType"),
            Param("ControllerNumber", "int"), Param("ControllerLocation", "int")],
        default_set="VMName", output_type=HARD_DISK,
        synopsis="Lists the virtual hard disks attached to virtual machines."))
    registry.register(hyperv_cmdlet(
        "Get-VMSnapshot", get_vm_snapshot, _vm_sets("VMName", "VMName") + [Param("Name", "string", position=1)],
        default_set="VMName", output_type=SNAPSHOT,
        synopsis="Lists the checkpoints (snapshots) of virtual machines."))
