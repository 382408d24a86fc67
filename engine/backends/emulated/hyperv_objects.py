"""PowerShell objects of the Hyper-V module, built from what the lab's state shows, and their default views.

Every object carries the real type name (``Microsoft.HyperV.PowerShell.VirtualMachine`` …), PowerShell's property
names and units (bytes, enum values as their names), and ``ref`` = the lab's domain object, so a later cmdlet in
the pipeline acts on exactly that VM, adapter, switch or report. Properties come from
:func:`engine.hyperv.labstate.snapshot` applied to the one object (so Get-VM shows what LabState holds); the
few display-only columns Windows adds (CPUUsage, Uptime, ReplicationState) have no counterpart in the lab and
show the values of an idle, unreplicated VM.

Also shared by the Hyper-V binding modules: the cmdlet factory (:func:`hyperv_cmdlet`), how -Name/-VMName/-VM and
-ComputerName address VMs (:func:`find_vms`, :func:`vms_of`), -AsJob for operations the lab completes at once
(:func:`finished_job`), and the default views (:func:`register_views`, called once by ``hyperv_host``).
"""
from __future__ import annotations

import datetime as dt
import fnmatch
from typing import Any, Callable, TypeVar

from engine.backends.emulated.context import attempt, caller_of, lab_of, names
from engine.errors import LabError
from engine.hyperv import CompatibilityReport
from engine.hyperv.labstate import MB, HostState, VMInfo, snapshot
from engine.hyperv.state import VM, Adapter, Host, MigrationNetwork, VSwitch, World
from engine.powershell.jobs import Job
from engine.powershell.objects import PSObject
from engine.powershell.registry import Cmdlet, Param, Registry
from engine.powershell.views import Column

HV = "Microsoft.HyperV.PowerShell."
VIRTUAL_MACHINE = HV + "VirtualMachine"
NETWORK_ADAPTER = HV + "VMNetworkAdapter"
PROCESSOR = HV + "VMProcessor"
SWITCH = HV + "VMSwitch"
HOST = HV + "Host"
MIGRATION_NETWORK = HV + "VMMigrationNetwork"
HARD_DISK = HV + "HardDiskDrive"
SNAPSHOT = HV + "VMSnapshot"
REPORT = HV + "VMCompatibilityReport"
INCOMPATIBILITY = HV + "VMCompatibilityError"
_BASE = (HV + "VirtualizationObject", "System.Object")
MODULE = "Hyper-V"
T = TypeVar("T")


def hyperv_cmdlet(name: str, implementation: Any, parameters: list[Param], **kw: Any) -> Cmdlet:
    """A Hyper-V module cmdlet whose .NET class follows the module's naming (Move-VM → MoveVMCommand)."""
    command_class = f"{HV}Commands.{name.replace('-', '')}Command"
    return Cmdlet(name, command_class, implementation, parameters, module=MODULE, **kw)


def _typed(props: list[tuple[str, Any]], type_name: str, ref: Any) -> PSObject:
    return PSObject(props, (type_name,) + _BASE, ref=ref, mutable=False)


def observe_vm(vm: VM) -> VMInfo:
    """The VM (a lab VM or a report's planned one) as LabState shows it."""
    return snapshot(World(vms=[vm])).VMs[0]


def observe_host(host: Host) -> HostState:
    """The host as LabState shows it."""
    return snapshot(World(hosts=[host])).Hosts[0]


def vm_object(vm: VM) -> PSObject:
    """A ``VirtualMachine``."""
    info = observe_vm(vm)
    return _typed([
        ("Name", info.Name), ("State", info.State), ("CPUUsage", 0), ("MemoryAssigned", info.MemoryAssigned),
        ("MemoryDemand", info.MemoryDemand), ("MemoryStatus", ""), ("Uptime", dt.timedelta(0)),
        ("Status", info.Status), ("ReplicationState", "Disabled"), ("ComputerName", info.ComputerName),
        ("VMName", info.Name), ("VMId", info.Id), ("Id", info.Id), ("Generation", info.Generation),
        ("Path", info.Path), ("ConfigurationLocation", info.ConfigurationLocation),
        ("SnapshotFileLocation", info.SnapshotFileLocation), ("SmartPagingFilePath", info.SmartPagingFilePath),
        ("MemoryStartup", info.MemoryStartup), ("ProcessorCount", info.Processor.Count),
        ("IsClustered", info.IsClustered),
        ("NetworkAdapters", adapter_objects(vm)), ("HardDrives", hard_disk_objects(vm)),
    ], VIRTUAL_MACHINE, vm)


def adapter_objects(vm: VM) -> list[PSObject]:
    """The ``VMNetworkAdapter`` objects of a VM, each referring to its lab adapter."""
    info = observe_vm(vm)
    return [_typed([("Name", a.Name), ("IsManagementOs", False), ("VMName", info.Name), ("VMId", info.Id),
                    ("SwitchName", a.SwitchName), ("Connected", a.Connected),
                    ("NotMonitoredInCluster", a.NotMonitoredInCluster), ("ComputerName", info.ComputerName)],
                   NETWORK_ADAPTER, ref)
            for a, ref in zip(info.NetworkAdapters, vm.adapters)]


def adapter_object(vm: VM, adapter: Adapter) -> PSObject:
    """The ``VMNetworkAdapter`` of one adapter of ``vm``."""
    return next(o for o in adapter_objects(vm) if o.ref is adapter)


def refresh_adapter(obj: PSObject) -> PSObject:
    """Bring a ``VMNetworkAdapter`` object up to date with its adapter after a change, in place (the object may
    be a report's Source, whose planned VM is not in the lab), and return it."""
    owner = VM(name=obj["VMName"], id=obj["VMId"], host=obj["ComputerName"], adapters=[obj.ref])
    for name, value in adapter_objects(owner)[0].items():
        obj.add(name, value)
    return obj


def processor_object(vm: VM) -> PSObject:
    """A ``VMProcessor`` (``ref`` is the VM, which owns the settings)."""
    info = observe_vm(vm)
    p = info.Processor
    return _typed([("VMName", info.Name), ("VMId", info.Id), ("Count", p.Count),
                   ("CompatibilityForMigrationEnabled", p.CompatibilityForMigrationEnabled),
                   ("CompatibilityForOlderOperatingSystemsEnabled", p.CompatibilityForOlderOperatingSystemsEnabled),
                   ("ComputerName", info.ComputerName)], PROCESSOR, vm)


def hard_disk_objects(vm: VM) -> list[PSObject]:
    """The ``HardDiskDrive`` objects of a VM."""
    info = observe_vm(vm)
    return [_typed([("VMName", info.Name), ("VMId", info.Id), ("ControllerType", d.ControllerType),
                    ("ControllerNumber", d.ControllerNumber), ("ControllerLocation", d.ControllerLocation),
                    ("DiskNumber", None), ("Path", d.Path), ("ComputerName", info.ComputerName)], HARD_DISK, ref)
            for d, ref in zip(info.HardDrives, vm.vhds)]


def snapshot_objects(vm: VM) -> list[PSObject]:
    """The ``VMSnapshot`` objects (checkpoints) of a VM."""
    info = observe_vm(vm)
    return [_typed([("VMName", info.Name), ("VMId", info.Id), ("Name", c.Name), ("SnapshotType", "Standard"),
                    ("Path", c.Path), ("ComputerName", info.ComputerName)], SNAPSHOT, ref)
            for c, ref in zip(info.Checkpoints, vm.checkpoints)]


def host_object(host: Host) -> PSObject:
    """A ``Host`` (Get-VMHost), memory in bytes."""
    h = observe_host(host)
    fqdn = f"{h.Name}.{h.Domain}" if h.Domain else h.Name
    return _typed([
        ("Name", h.Name), ("ComputerName", h.Name), ("FullyQualifiedDomainName", fqdn),
        ("LogicalProcessorCount", h.LogicalProcessorCount), ("MemoryCapacity", h.MemoryCapacity),
        ("VirtualMachineMigrationEnabled", h.VirtualMachineMigrationEnabled),
        ("VirtualMachineMigrationAuthenticationType", h.VirtualMachineMigrationAuthenticationType),
        ("MaximumVirtualMachineMigrations", h.MaximumVirtualMachineMigrations),
        ("MaximumStorageMigrations", h.MaximumStorageMigrations),
        ("UseAnyNetworkForMigration", h.UseAnyNetworkForMigration),
        ("VirtualMachineMigrationPerformanceOption", h.VirtualMachineMigrationPerformanceOption),
        ("VirtualMachinePath", h.VirtualMachinePath), ("VirtualHardDiskPath", h.VirtualHardDiskPath),
    ], HOST, host)


def switch_object(host: Host, switch: VSwitch) -> PSObject:
    """A ``VMSwitch`` of ``host``."""
    s = next(s for s in observe_host(host).Switches if s.Name == switch.name)
    return _typed([("Name", s.Name), ("SwitchType", s.SwitchType),
                   ("NetAdapterInterfaceDescription", s.NetAdapterInterfaceDescription),
                   ("ComputerName", host.name)], SWITCH, switch)


def migration_network_object(host: Host, network: MigrationNetwork) -> PSObject:
    """A ``VMMigrationNetwork`` of ``host``."""
    return _typed([("Subnet", network.subnet), ("Priority", network.priority), ("ComputerName", host.name)],
                  MIGRATION_NETWORK, network)


def report_properties(report: CompatibilityReport) -> list[tuple[str, Any]]:
    """A compatibility report's properties, with its planned VM and each incompatibility's Source as objects."""
    incompatibilities = [
        _typed([("Message", i.message), ("MessageId", i.message_id),
                ("Source", adapter_object(report.vm, i.source))], INCOMPATIBILITY, i)
        for i in report.incompatibilities]
    return [("VM", vm_object(report.vm)), ("OperationType", report.operation_type),
            ("Destination", report.destination), ("Path", report.path), ("SnapshotPath", report.snapshot_path),
            ("VhdDestinationPath", report.vhd_destination_path), ("VhdSourcePath", report.vhd_source_path),
            ("Incompatibilities", incompatibilities)]


def report_object(report: CompatibilityReport) -> PSObject:
    """A ``VMCompatibilityReport``."""
    return _typed(report_properties(report), REPORT, report)


def refresh_report(obj: PSObject) -> PSObject:
    """Bring a report object up to date after Compare-VM re-checked its report in place (Windows reuses it)."""
    for name, value in report_properties(obj.ref):
        obj.add(name, value)
    return obj


def _mb(prop: str) -> Callable[[PSObject], int]:
    return lambda o: (o[prop] or 0) // MB


def register_views(registry: Registry) -> None:
    """Default table views (reference §6; the 2012 R2 Get-VM columns)."""
    views = registry.views
    views.table(VIRTUAL_MACHINE, "Name", "State", Column("CPUUsage(%)", "CPUUsage"),
                Column("MemoryAssigned(M)", _mb("MemoryAssigned")), "Uptime", "Status")
    views.table(HOST, "Name", "LogicalProcessorCount", Column("MemoryCapacity(M)", _mb("MemoryCapacity")),
                "VirtualMachineMigrationEnabled")
    views.table(SWITCH, "Name", "SwitchType", "NetAdapterInterfaceDescription")
    views.table(NETWORK_ADAPTER, "Name", "IsManagementOs", "VMName", "SwitchName")
    views.table(PROCESSOR, "VMName", "Count", "CompatibilityForMigrationEnabled",
                "CompatibilityForOlderOperatingSystemsEnabled")
    views.table(HARD_DISK, "VMName", "ControllerType", "ControllerNumber", "ControllerLocation", "DiskNumber", "Path")
    views.table(SNAPSHOT, "VMName", "Name", "SnapshotType", "Path")
    views.table(MIGRATION_NETWORK, "Subnet", "Priority")
    views.table(INCOMPATIBILITY, "Message", "MessageId", "Source")
    views.list(REPORT, "VM", "OperationType", "Destination", "Path", "SnapshotPath", "VhdDestinationPath",
               "VhdSourcePath", "Incompatibilities")


def computers(value: Any) -> list[str | None]:
    """-ComputerName as a list; absent, ``.`` and ``localhost`` mean the computer the console runs on (None)."""
    given = names(value)
    return [None if c in (".", "localhost") else c for c in given] or [None]


def find_vms(ctx, vm_names: Any, computer_name: Any = None) -> list[VM]:
    """The lab VMs a -Name/-VMName (String[], wildcards allowed) addresses on each -ComputerName.

    A plain name that matches nothing is the lab's not-found error; a wildcard that matches nothing is silent,
    as in PowerShell.
    """
    lab, caller = lab_of(ctx), caller_of(ctx)
    found: list[VM] = []
    for computer in computers(computer_name):
        for name in names(vm_names) or ["*"]:
            if any(ch in name for ch in "*?["):
                host = attempt(ctx, lab.get_host, computer, caller=caller)
                if host is not None:
                    found += [v for v in lab.world.vms_on(host.name) if fnmatch.fnmatch(v.name.lower(), name.lower())]
            else:
                vm = attempt(ctx, lab.get_vm, name, computer, caller=caller)
                if vm is not None:
                    found.append(vm)
    return found


def vms_of(ctx, params: dict, name_param: str = "VMName") -> list[VM]:
    """The VMs a cmdlet targets: its -VM objects, else its name parameter on -ComputerName."""
    given = params.get("VM")
    if given:
        return [obj.ref for obj in (given if isinstance(given, list) else [given])]
    return find_vms(ctx, params.get(name_param), params.get("ComputerName"))


def finished_job(ctx, operation: Callable[[], T], render: Callable[[T], list]) -> Job:
    """-AsJob for an operation the lab completes at once (a power change, a comparison): the job is already
    finished when the cmdlet returns it, holding the rendered results or the lab's error."""
    job = Job(ctx.command_text)
    try:
        done = operation()
    except LabError as err:
        job.add_error(err)
        job.finish("Failed")
    else:
        for obj in render(done):
            job.add_result(obj)
        job.finish("Completed")
    return job
