"""Host migration settings: Get-VMHost, Set-VMHost, Enable-/Disable-VMMigration and the VMMigrationNetwork cmdlets.

Each binding translates its parameters into one ``engine.hyperv.hostsettings`` operation per -ComputerName and
renders the result; the rules (allowed values, subnets, duplicates) and their errors live in the lab.
"""
from __future__ import annotations

from engine.backends.emulated.context import attempt, caller_of, lab_of, names
from engine.backends.emulated.hyperv_objects import (
    HOST, MIGRATION_NETWORK, computers, host_object, hyperv_cmdlet, migration_network_object, register_views,
)
from engine.powershell.registry import Param, Registry

AUTH_TYPE = "Microsoft.HyperV.PowerShell.MigrationAuthenticationType"
PERFORMANCE = "Microsoft.HyperV.PowerShell.VMMigrationPerformance"
_COMPUTERS = Param("ComputerName", "string[]", position=0)
_NAMED_COMPUTERS = Param("ComputerName", "string[]")
_PASSTHRU = Param("Passthru", "switch")


def get_vm_host(ctx, params: dict) -> None:
    """Get-VMHost."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    for computer in computers(params.get("ComputerName")):
        host = attempt(ctx, lab.get_host, computer, caller=caller)
        if host is not None:
            ctx.write_output(host_object(host))


_SETTINGS = {  # Set-VMHost parameter -> keyword of Lab.set_host
    "VirtualMachineMigrationAuthenticationType": "virtual_machine_migration_authentication_type",
    "MaximumVirtualMachineMigrations": "maximum_virtual_machine_migrations",
    "MaximumStorageMigrations": "maximum_storage_migrations",
    "UseAnyNetworkForMigration": "use_any_network_for_migration",
    "VirtualMachineMigrationPerformanceOption": "virtual_machine_migration_performance_option",
    "VirtualMachinePath": "virtual_machine_path",
    "VirtualHardDiskPath": "virtual_hard_disk_path",
}


def set_vm_host(ctx, params: dict) -> None:
    """Set-VMHost."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    changes = {kw: params[p] for p, kw in _SETTINGS.items() if p in params}
    for computer in computers(params.get("ComputerName")):
        if not ctx.should_process(computer or caller.computer or "localhost"):
            continue
        host = attempt(ctx, lab.set_host, computer, caller=caller, **changes)
        if host is not None and params.get("Passthru"):
            ctx.write_output(host_object(host))


def _migration_switch(operation_name: str):
    def run(ctx, params: dict) -> None:
        lab, caller = lab_of(ctx), caller_of(ctx)
        for computer in computers(params.get("ComputerName")):
            if not ctx.should_process(computer or caller.computer or "localhost"):
                continue
            host = attempt(ctx, getattr(lab, operation_name), computer, caller=caller)
            if host is not None and params.get("Passthru"):
                ctx.write_output(host_object(host))
    run.__doc__ = f"{operation_name} on every -ComputerName."
    return run


def add_migration_network(ctx, params: dict) -> None:
    """Add-VMMigrationNetwork."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    for computer in computers(params.get("ComputerName")):
        if not ctx.should_process(params["Subnet"]):
            continue
        network = attempt(ctx, lab.add_migration_network, params["Subnet"], params.get("Priority", 0), computer,
                          caller=caller)
        if network is not None and params.get("Passthru"):
            ctx.write_output(migration_network_object(lab.get_host(computer, caller=caller), network))


def get_migration_network(ctx, params: dict) -> None:
    """Get-VMMigrationNetwork (wildcard subnets)."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    for computer in computers(params.get("ComputerName")):
        host = attempt(ctx, lab.get_host, computer, caller=caller)
        if host is None:
            continue
        seen: list = []
        for pattern in names(params.get("Subnet")) or ["*"]:
            for network in attempt(ctx, lab.get_migration_networks, pattern, computer, caller=caller) or []:
                if all(network is not s for s in seen):
                    seen.append(network)
                    ctx.write_output(migration_network_object(host, network))


def set_migration_network(ctx, params: dict) -> None:
    """Set-VMMigrationNetwork."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    for computer in computers(params.get("ComputerName")):
        if not ctx.should_process(params["Subnet"]):
            continue
        network = attempt(ctx, lab.set_migration_network, params["Subnet"], params.get("NewSubnet"),
                          new_priority=params.get("NewPriority"), computer_name=computer, caller=caller)
        if network is not None and params.get("Passthru"):
            ctx.write_output(migration_network_object(lab.get_host(computer, caller=caller), network))


def remove_migration_network(ctx, params: dict) -> None:
    """Remove-VMMigrationNetwork."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    for computer in computers(params.get("ComputerName")):
        if ctx.should_process(params["Subnet"]):
            attempt(ctx, lab.remove_migration_network, params["Subnet"], computer, caller=caller)


def register(registry: Registry) -> None:
    """Register the host cmdlets and the views of every Hyper-V object."""
    register_views(registry)
    registry.register(hyperv_cmdlet(
        "Get-VMHost", get_vm_host, [_COMPUTERS], output_type=HOST,
        synopsis="Shows a Hyper-V host with its live migration and default storage settings."))
    registry.register(hyperv_cmdlet(
        "Set-VMHost", set_vm_host, [
            _COMPUTERS,
            Param("VirtualMachineMigrationAuthenticationType", "enum", values=("CredSSP", "Kerberos"),
                  type_name=AUTH_TYPE),
            Param("MaximumVirtualMachineMigrations", "uint"), Param("MaximumStorageMigrations", "uint"),
            Param("UseAnyNetworkForMigration", "bool"),
            Param("VirtualMachineMigrationPerformanceOption", "enum", values=("TCPIP", "Compression", "SMB"),
                  type_name=PERFORMANCE),
            Param("VirtualMachinePath", "string"), Param("VirtualHardDiskPath", "string"), _PASSTHRU],
        supports_should_process=True, output_type=HOST,
        synopsis="Changes a Hyper-V host's live migration settings and its default folders for VMs and disks."))
    for verb, operation_name, what in (("Enable", "enable_migration", "Allows"),
                                       ("Disable", "disable_migration", "Stops")):
        registry.register(hyperv_cmdlet(
            f"{verb}-VMMigration", _migration_switch(operation_name), [_COMPUTERS, _PASSTHRU],
            supports_should_process=True, output_type=HOST,
            synopsis=f"{what} incoming and outgoing live migrations of VMs that are not clustered on a host."))
    registry.register(hyperv_cmdlet(
        "Add-VMMigrationNetwork", add_migration_network, [
            _NAMED_COMPUTERS, Param("Subnet", "string", mandatory=True, position=0),
            Param("Priority", "uint", position=1), _PASSTHRU],
        supports_should_process=True, output_type=MIGRATION_NETWORK,
        synopsis="Lets a host accept incoming live migrations on one more subnet."))
    registry.register(hyperv_cmdlet(
        "Get-VMMigrationNetwork", get_migration_network, [
            _NAMED_COMPUTERS, Param("Subnet", "string[]", position=0)],
        output_type=MIGRATION_NETWORK,
        synopsis="Lists the subnets a host accepts incoming live migrations on, most preferred first."))
    registry.register(hyperv_cmdlet(
        "Set-VMMigrationNetwork", set_migration_network, [
            _NAMED_COMPUTERS, Param("Subnet", "string", mandatory=True, position=0),
            Param("NewSubnet", "string", position=1), Param("NewPriority", "uint"), _PASSTHRU],
        supports_should_process=True, output_type=MIGRATION_NETWORK,
        synopsis="Changes the subnet or the preference order of a live migration network."))
    registry.register(hyperv_cmdlet(
        "Remove-VMMigrationNetwork", remove_migration_network, [
            _NAMED_COMPUTERS, Param("Subnet", "string", mandatory=True, position=0)],
        supports_should_process=True,
        synopsis="Stops a host from accepting live migrations on a subnet."))
