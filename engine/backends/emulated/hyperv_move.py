"""Moving VMs: Move-VM, Compare-VM, Move-VMStorage, Export-VM and Import-VM.

Each binding maps its parameter set onto one lab operation (``move_vm``, ``compare_vm``, ``move_vm_storage``,
``export_vm``, ``import_vm``); the long ones return a lab job, which the console waits for (the simulated clock
runs to the job's end, as Windows blocks) or, with -AsJob, hands back as a PowerShell job. A move that fails for
an incompatibility writes the lab's error and nothing else: the report is what Compare-VM returns.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from engine.backends.emulated.context import attempt, caller_of, lab_of
from engine.backends.emulated.hyperv_objects import (
    REPORT, VIRTUAL_MACHINE, computers, finished_job, hyperv_cmdlet, refresh_report, report_object, vm_object,
    vms_of,
)
from engine.backends.emulated.labjobs import LabJob
from engine.hyperv.state import Job as LabJobRecord
from engine.powershell.registry import Param, Registry

_PASSTHRU = Param("Passthru", "switch")
_STORAGE = {  # parameters that place storage -> keyword of the lab operations
    "DestinationStoragePath": "destination_storage_path", "VirtualMachinePath": "virtual_machine_path",
    "SnapshotFilePath": "snapshot_file_path", "SmartPagingFilePath": "smart_paging_file_path", "Vhds": "vhds"}


def _storage(params: dict) -> dict[str, Any]:
    return {kw: params[p] for p, kw in _STORAGE.items() if params.get(p) is not None}


def _run(ctx, record: LabJobRecord | None, results: Callable[[], list] | None = None) -> None:
    """Hand a lab job to the console: wait for it (and write its results) or, with -AsJob, output the job."""
    if record is not None:
        ctx.run_job(LabJob(lab_of(ctx), record, ctx.command_text, results=results))


def _moved_vm(ctx, record: LabJobRecord) -> Callable[[], list]:
    lab = lab_of(ctx)
    return lambda: [vm_object(lab.get_vm(record.vm, record.destination, caller=caller_of(ctx)))]


def _named_targets(params: dict) -> list[tuple[str, str | None]]:
    """(VM name, computer) pairs of a Name set (-Name on each -ComputerName) or a VM set (the VM where it lives)."""
    if params.get("VM") is not None:
        return [(params["VM"].ref.name, params["VM"].ref.host)]
    return [(params["Name"], computer) for computer in computers(params.get("ComputerName"))]


# --------------------------------------------------------------------------------------------------- Move-VM
def move_vm(ctx, params: dict) -> None:
    """Move-VM (Name, VM and CompatibilityReport sets)."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    if params.get("CompatibilityReport") is not None:
        report = params["CompatibilityReport"].ref
        if ctx.should_process(report.vm.name):
            record = attempt(ctx, lab.move_vm, compatibility_report=report, as_job=ctx.as_job, caller=caller)
            _run(ctx, record, _moved_vm(ctx, record) if record and params.get("Passthru") else None)
        return
    for name, computer in _named_targets(params):
        if not ctx.should_process(name):
            continue
        record = attempt(ctx, lab.move_vm, name, params["DestinationHost"], computer_name=computer,
                         include_storage=bool(params.get("IncludeStorage")),
                         retain_vhd_copies_on_source=bool(params.get("RetainVhdCopiesOnSource")),
                         as_job=ctx.as_job, caller=caller, **_storage(params))
        _run(ctx, record, _moved_vm(ctx, record) if record and params.get("Passthru") else None)


# ------------------------------------------------------------------------------------------------ Compare-VM
def compare_vm(ctx, params: dict) -> None:
    """Compare-VM: a report for a move (Name, VM), an import (Register, Copy), or a re-check (CompatibilityReport)."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    if params.get("CompatibilityReport") is not None:
        obj = params["CompatibilityReport"]
        operation = functools.partial(lab.compare_vm, compatibility_report=obj.ref, caller=caller)
        if ctx.as_job:
            ctx.run_job(finished_job(ctx, operation, lambda _: [refresh_report(obj)]))
        elif attempt(ctx, operation) is not None:
            ctx.write_output(refresh_report(obj))
        return
    if params.get("Path") is not None:
        requests = [dict(path=params["Path"], copy=bool(params.get("Copy")), register=bool(params.get("Register")),
                         vhd_destination_path=params.get("VhdDestinationPath"),
                         vhd_source_path=params.get("VhdSourcePath"),
                         generate_new_id=bool(params.get("GenerateNewId")), computer_name=computer)
                    for computer in computers(params.get("ComputerName"))]
    else:
        requests = [dict(name=name, destination_host=params["DestinationHost"], computer_name=computer,
                         include_storage=bool(params.get("IncludeStorage")))
                    for name, computer in _named_targets(params)]
    for request in requests:
        operation = functools.partial(lab.compare_vm, caller=caller, **request, **_storage(params))
        if ctx.as_job:
            ctx.run_job(finished_job(ctx, operation, lambda report: [report_object(report)]))
            continue
        report = attempt(ctx, operation)
        if report is not None:
            ctx.write_output(report_object(report))


# -------------------------------------------------------------------------------------------- Move-VMStorage
def move_vm_storage(ctx, params: dict) -> None:
    """Move-VMStorage (by -VMName or -VM; one destination folder or one per item)."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    for vm in vms_of(ctx, params):
        if not ctx.should_process(vm.name):
            continue
        record = attempt(ctx, lab.move_vm_storage, vm.name, computer_name=vm.host,
                         retain_vhd_copies_on_source=bool(params.get("RetainVhdCopiesOnSource")),
                         allow_unverified_paths=bool(params.get("AllowUnverifiedPaths")), as_job=ctx.as_job,
                         caller=caller, **_storage(params))
        _run(ctx, record)


# ------------------------------------------------------------------------------------------ Export / Import
def export_vm(ctx, params: dict) -> None:
    """Export-VM (by name or VM object)."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    for vm in vms_of(ctx, params, "Name"):
        if not ctx.should_process(vm.name):
            continue
        record = attempt(ctx, lab.export_vm, vm.name, params["Path"], computer_name=vm.host, as_job=ctx.as_job,
                         caller=caller)
        _run(ctx, record, (lambda v=vm: [vm_object(v)]) if record and params.get("Passthru") else None)


def _imported_vm(ctx, record: LabJobRecord) -> Callable[[], list]:
    # The new VM is found by the Id the import gave it: a copy may share its name with the original.
    lab = lab_of(ctx)
    return lambda: [vm_object(lab.get_vm_by_id(record.result_vm_id, record.destination))]


def import_vm(ctx, params: dict) -> None:
    """Import-VM (Register, Copy and CompatibilityReport sets); writes the imported VM."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    if params.get("CompatibilityReport") is not None:
        report = params["CompatibilityReport"].ref
        if ctx.should_process(report.vm.name):
            record = attempt(ctx, lab.import_vm, compatibility_report=report, as_job=ctx.as_job, caller=caller)
            _run(ctx, record, _imported_vm(ctx, record) if record else None)
        return
    for computer in computers(params.get("ComputerName")):
        if not ctx.should_process(params["Path"]):
            continue
        record = attempt(ctx, lab.import_vm, params["Path"], register=bool(params.get("Register")),
                         copy=bool(params.get("Copy")), generate_new_id=bool(params.get("GenerateNewId")),
                         vhd_destination_path=params.get("VhdDestinationPath"),
                         vhd_source_path=params.get("VhdSourcePath"), computer_name=computer, as_job=ctx.as_job,
                         caller=caller, **{k: v for k, v in _storage(params).items() if k != "vhds"})
        _run(ctx, record, _imported_vm(ctx, record) if record else None)


# ------------------------------------------------------------------------------------------------ declarations
def _placement(sets: list[str]) -> list[Param]:
    return [Param(name, "string", sets=sets) for name in ("VirtualMachinePath", "SnapshotFilePath",
                                                         "SmartPagingFilePath")]


def _move_options(sets: list[str]) -> list[Param]:
    """The storage options a VM move (or its comparison) takes."""
    return [Param("DestinationHost", "string", sets=sets, mandatory=True, position=1),
            Param("IncludeStorage", "switch", sets=sets), Param("DestinationStoragePath", "string", sets=sets),
            Param("Vhds", "hashtable[]", sets=sets), Param("ResourcePoolName", "string", sets=sets),
            Param("RetainVhdCopiesOnSource", "switch", sets=sets)]


def _targets(name_sets: list[str], vm_sets: list[str], name: str = "Name", vm_array: bool = False) -> list[Param]:
    return [Param(name, "string", sets=name_sets, mandatory=True, position=0, pipeline=True),
            Param("ComputerName", "string[]", sets=name_sets),
            Param("VM", "psobject[]" if vm_array else "psobject", type_name=VIRTUAL_MACHINE, sets=vm_sets,
                  mandatory=True, position=0, pipeline=True)]


def _report(sets: list[str]) -> Param:
    return Param("CompatibilityReport", "psobject", type_name=REPORT, sets=sets, mandatory=True, position=0,
                 pipeline=True)


def register(registry: Registry) -> None:
    """Register the movement cmdlets."""
    registry.register(hyperv_cmdlet(
        "Move-VM", move_vm, _targets(["Name"], ["VM"]) + _move_options(["Name", "VM"]) + _placement(["Name", "VM"])
        + [_report(["CompatibilityReport"]), _PASSTHRU],
        default_set="Name", supports_should_process=True, supports_as_job=True, output_type=VIRTUAL_MACHINE,
        synopsis="Live-migrates a virtual machine (and, if asked, its storage) to another Hyper-V host."))
    registry.register(hyperv_cmdlet(
        "Compare-VM", compare_vm, _targets(["Name"], ["VM"]) + _move_options(["Name", "VM"])
        + _placement(["Name", "Copy", "VM"]) + [
            Param("ComputerName", "string[]", sets=["Copy", "Register"]),
            Param("Path", "string", sets=["Copy", "Register"], mandatory=True, position=0, pipeline=True),
            Param("VhdDestinationPath", "string", sets=["Copy"], position=1),
            Param("Copy", "switch", sets=["Copy"], mandatory=True), Param("VhdSourcePath", "string", sets=["Copy"]),
            Param("GenerateNewId", "switch", sets=["Copy"]), Param("Register", "switch", sets=["Register"]),
            _report(["CompatibilityReport"])],
        default_set="Name", supports_should_process=True, supports_as_job=True, output_type=REPORT,
        synopsis="Checks whether a VM could move to, or be imported on, a host, and returns a report of what "
                 "stands in the way."))
    registry.register(hyperv_cmdlet(
        "Move-VMStorage", move_vm_storage,
        _targets(["NameSingleDestination", "NameMultipleDestinations"],
                 ["VMSingleDestination", "VMMultipleDestinations"], name="VMName") + [
            Param("DestinationStoragePath", "string", sets=["NameSingleDestination", "VMSingleDestination"],
                  mandatory=True, position=1)]
        + _placement(["NameMultipleDestinations", "VMMultipleDestinations"]) + [
            Param("Vhds", "hashtable[]", sets=["NameMultipleDestinations", "VMMultipleDestinations"]),
            Param("ResourcePoolName", "string"), Param("RetainVhdCopiesOnSource", "switch"),
            Param("AllowUnverifiedPaths", "switch")],
        default_set="NameSingleDestination", supports_should_process=True, supports_as_job=True,
        synopsis="Moves a VM's files (configuration, checkpoints, smart paging, virtual disks) to other folders "
                 "while it keeps running."))
    registry.register(hyperv_cmdlet(
        "Export-VM", export_vm, [
            Param("Name", "string[]", sets=["Name"], mandatory=True, position=0),
            Param("ComputerName", "string[]", sets=["Name"]),
            Param("VM", "psobject[]", type_name=VIRTUAL_MACHINE, sets=["VM"], mandatory=True, position=0,
                  pipeline=True),
            Param("Path", "string", mandatory=True, position=1), _PASSTHRU],
        default_set="Name", supports_should_process=True, supports_as_job=True, output_type=VIRTUAL_MACHINE,
        synopsis="Copies a VM's configuration, checkpoints and virtual disks to a folder, from which Import-VM "
                 "can create it again."))
    registry.register(hyperv_cmdlet(
        "Import-VM", import_vm, [
            Param("Path", "string", sets=["Register", "Copy"], mandatory=True, position=0),
            Param("ComputerName", "string[]", sets=["Register", "Copy"]),
            Param("Register", "switch", sets=["Register"]), Param("Copy", "switch", sets=["Copy"], mandatory=True),
            Param("VhdDestinationPath", "string", sets=["Copy"], position=1),
            Param("VhdSourcePath", "string", sets=["Copy"]), Param("GenerateNewId", "switch", sets=["Copy"]),
            _report(["CompatibilityReport"])] + _placement(["Copy"]),
        default_set="Register", supports_should_process=True, supports_as_job=True, output_type=VIRTUAL_MACHINE,
        synopsis="Creates a VM from exported files: in place with the same Id, as a copy, or as a copy with a "
                 "new Id."))
