"""Virtual switches and VM network adapters: Get-VMSwitch, New-VMSwitch, Rename-VMSwitch,
Get-/Connect-/Disconnect-/Set-VMNetworkAdapter.

An adapter object from the pipeline may be the Source of a compatibility report (an adapter of the VM planned on
the destination); the lab checks that one against its destination later, when Compare-VM runs again. Switch
names are per host; the lab says when one is missing.
"""
from __future__ import annotations

import fnmatch

from engine.backends.emulated.context import attempt, caller_of, lab_of, names
from engine.backends.emulated.hyperv_objects import (
    NETWORK_ADAPTER, SWITCH, VIRTUAL_MACHINE, adapter_object, adapter_objects, computers, find_vms, hyperv_cmdlet,
    refresh_adapter, switch_object, vms_of,
)
from engine.powershell.objects import PSObject
from engine.powershell.registry import Param, Registry

SWITCH_TYPES = ("Private", "Internal", "External")
_PASSTHRU = Param("Passthru", "switch")


def get_vm_switch(ctx, params: dict) -> None:
    """Get-VMSwitch by name (wildcards) and type."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    types = [t.lower() for t in names(params.get("SwitchType"))]
    for computer in computers(params.get("ComputerName")):
        host = attempt(ctx, lab.get_host, computer, caller=caller)
        if host is None:
            continue
        for name in names(params.get("Name")) or ["*"]:
            if any(ch in name for ch in "*?["):
                found = [s for s in host.switches if fnmatch.fnmatch(s.name.lower(), name.lower())]
            else:
                switch = attempt(ctx, lab.get_switch, name, host.name, caller=caller)
                found = [] if switch is None else [switch]
            for switch in found:
                if not types or switch.switch_type.lower() in types:
                    ctx.write_output(switch_object(host, switch))


def new_vm_switch(ctx, params: dict) -> None:
    """New-VMSwitch on each -ComputerName: External (-NetAdapterName), Internal or Private (-SwitchType).

    -AllowManagementOS is accepted for parity; the lab does not model the host's own virtual adapters.
    """
    lab, caller = lab_of(ctx), caller_of(ctx)
    for computer in computers(params.get("ComputerName")):
        if not ctx.should_process(params["Name"]):
            continue
        switch = attempt(ctx, lab.new_switch, params["Name"], params.get("SwitchType"), computer,
                         net_adapter_name=params.get("NetAdapterName"), caller=caller)
        if switch is not None:
            ctx.write_output(switch_object(lab.get_host(computer, caller=caller), switch))


def rename_vm_switch(ctx, params: dict) -> None:
    """Rename-VMSwitch by name or switch object."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    if params.get("VMSwitch") is not None:
        obj = params["VMSwitch"]
        targets = [(obj.ref.name, obj["ComputerName"])]
    else:
        targets = [(params["Name"], computer) for computer in computers(params.get("ComputerName"))]
    for name, computer in targets:
        if not ctx.should_process(name):
            continue
        switch = attempt(ctx, lab.rename_switch, name, params["NewName"], computer, caller=caller)
        if switch is not None and params.get("Passthru"):
            ctx.write_output(switch_object(lab.get_host(computer, caller=caller), switch))


def _adapters(ctx, params: dict) -> list[PSObject]:
    """The adapter objects a cmdlet addresses: -VMNetworkAdapter objects, or -VMName (and -Name) on -ComputerName."""
    if params.get("VMNetworkAdapter"):
        return list(params["VMNetworkAdapter"])
    wanted = names(params.get("Name"))
    found = []
    for vm in vms_of(ctx, params):
        if not wanted:
            found += adapter_objects(vm)
        for name in wanted:
            adapter = attempt(ctx, vm.adapter, name)
            if adapter is not None:
                found.append(adapter_object(vm, adapter))
    return found


def get_vm_network_adapter(ctx, params: dict) -> None:
    """Get-VMNetworkAdapter of VMs (by name, object or -All)."""
    if params.get("All"):
        vms = find_vms(ctx, "*", params.get("ComputerName"))
        for vm in vms:
            for adapter in adapter_objects(vm):
                ctx.write_output(adapter)
        return
    pattern = (params.get("Name") or "*").lower()
    for vm in vms_of(ctx, {k: v for k, v in params.items() if k != "Name"}):
        for adapter in adapter_objects(vm):
            if fnmatch.fnmatch(adapter["Name"].lower(), pattern):
                ctx.write_output(adapter)


def _adapter_cmdlet(operation_name: str, settings):
    """Connect-/Disconnect-/Set-VMNetworkAdapter: one lab operation per addressed adapter."""
    def run(ctx, params: dict) -> None:
        lab, caller = lab_of(ctx), caller_of(ctx)
        for obj in _adapters(ctx, params):
            if not ctx.should_process(obj["Name"]):
                continue
            done = attempt(ctx, getattr(lab, operation_name), adapter=obj.ref, caller=caller, **settings(params))
            if done is not None:
                refresh_adapter(obj)
                if params.get("Passthru"):
                    ctx.write_output(obj)
    run.__doc__ = f"The cmdlet of Lab.{operation_name}."
    return run


def _by_name(extra_name_position: int | None) -> list[Param]:
    """-VMName [-Name] [-ComputerName], or -VMNetworkAdapter objects from the pipeline."""
    return [Param("VMName", "string[]", sets=["Name"], mandatory=True, position=0),
            Param("Name", "string[]", sets=["Name"], position=extra_name_position),
            Param("ComputerName", "string[]", sets=["Name"]),
            Param("VMNetworkAdapter", "psobject[]", type_name=NETWORK_ADAPTER, sets=["Object"], mandatory=True,
                  position=0, pipeline=True)]


def register(registry: Registry) -> None:
    """Register the switch and network adapter cmdlets."""
    registry.register(hyperv_cmdlet(
        "Get-VMSwitch", get_vm_switch, [
            Param("Name", "string[]", position=0, aliases=("SwitchName",)),
            Param("SwitchType", "enum[]", values=SWITCH_TYPES, type_name="Microsoft.HyperV.PowerShell.VMSwitchType"),
            Param("ComputerName", "string[]")],
        output_type=SWITCH, synopsis="Lists the virtual switches of Hyper-V hosts."))
    registry.register(hyperv_cmdlet(
        "New-VMSwitch", new_vm_switch, [
            Param("Name", "string", mandatory=True, position=0, aliases=("SwitchName",)),
            Param("NetAdapterName", "string", sets=["NetAdapterName"], mandatory=True, aliases=("InterfaceAlias",)),
            Param("AllowManagementOS", "bool", sets=["NetAdapterName"]),
            Param("SwitchType", "enum", values=SWITCH_TYPES, type_name="Microsoft.HyperV.PowerShell.VMSwitchType",
                  sets=["SwitchType"], mandatory=True),
            Param("ComputerName", "string[]")],
        default_set="SwitchType", supports_should_process=True, output_type=SWITCH,
        synopsis="Creates a virtual switch: External on a physical adapter, or Internal or Private."))
    registry.register(hyperv_cmdlet(
        "Rename-VMSwitch", rename_vm_switch, [
            Param("Name", "string", sets=["SwitchName"], mandatory=True, position=0),
            Param("ComputerName", "string[]", sets=["SwitchName"]),
            Param("VMSwitch", "psobject", type_name=SWITCH, sets=["SwitchObject"], mandatory=True, position=0,
                  pipeline=True),
            Param("NewName", "string", mandatory=True, position=1), _PASSTHRU],
        default_set="SwitchName", supports_should_process=True, output_type=SWITCH,
        synopsis="Gives a virtual switch a new name; connected adapters follow it."))
    registry.register(hyperv_cmdlet(
        "Get-VMNetworkAdapter", get_vm_network_adapter, [
            Param("VMName", "string[]", sets=["VMName"], mandatory=True, position=0),
            Param("VM", "psobject[]", type_name=VIRTUAL_MACHINE, sets=["VM"], mandatory=True, position=0,
                  pipeline=True),
            Param("Name", "string", sets=["VMName", "VM"], position=1),
            Param("All", "switch", sets=["All"], mandatory=True),
            Param("ComputerName", "string[]", sets=["VMName", "All"])],
        default_set="VMName", output_type=NETWORK_ADAPTER,
        synopsis="Lists the network adapters of virtual machines and the switches they connect to."))
    registry.register(hyperv_cmdlet(
        "Connect-VMNetworkAdapter", _adapter_cmdlet("connect_adapter", lambda p: {"switch_name": p["SwitchName"]}),
        _by_name(1) + [Param("SwitchName", "string", sets=["Name"], mandatory=True, position=2),
                       Param("SwitchName", "string", sets=["Object"], mandatory=True, position=1), _PASSTHRU],
        default_set="Name", supports_should_process=True, output_type=NETWORK_ADAPTER,
        synopsis="Connects VM network adapters to a virtual switch."))
    registry.register(hyperv_cmdlet(
        "Disconnect-VMNetworkAdapter", _adapter_cmdlet("disconnect_adapter", lambda p: {}), _by_name(1) + [_PASSTHRU],
        default_set="Name", supports_should_process=True, output_type=NETWORK_ADAPTER,
        synopsis="Disconnects VM network adapters from their virtual switch."))
    registry.register(hyperv_cmdlet(
        "Set-VMNetworkAdapter",
        _adapter_cmdlet("set_adapter", lambda p: {"not_monitored_in_cluster": p.get("NotMonitoredInCluster")}),
        _by_name(None) + [Param("NotMonitoredInCluster", "bool"), _PASSTHRU],
        default_set="Name", supports_should_process=True, output_type=NETWORK_ADAPTER,
        synopsis="Changes VM network adapter settings, such as whether the cluster protects the VM's network "
                 "(NotMonitoredInCluster)."))
