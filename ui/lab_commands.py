"""The PowerShell each GUI dialog of the lab page stands for: pure functions from the dialog's fields to a script.

Hyper-V Manager, Failover Cluster Manager and Active Directory Users and Computers all end in the same
operations an administrator can type; the page shows the script a dialog builds and runs it through the
console, so the GUI and the console can never disagree. Every value is embedded with ``ps_quote``.
"""
from __future__ import annotations

from engine.powershell.quoting import ps_quote

#: Hyper-V Settings > Live Migrations > Advanced Features: the authentication protocols.
AUTHENTICATION = ("CredSSP", "Kerberos")
#: ... and the performance options.
PERFORMANCE = ("TCPIP", "Compression", "SMB")
#: The Move wizard's three ways to move a VM with its storage, as its radio buttons say them.
MOVE_OPTIONS = {
    "single": "Move the virtual machine's data to a single location",
    "items": "Move the virtual machine's data by selecting where to move the items",
    "vm-only": "Move only the virtual machine",
}
#: Failover Cluster Manager's migration types (Move > Live Migration / Quick Migration).
MIGRATION_TYPES = ("Live", "Quick")
#: The two services the Delegation tab offers for a Hyper-V move (storage over SMB, the move itself).
DELEGATED_SERVICES = ("cifs", "Microsoft Virtual System Migration Service")


def _bool(value: bool) -> str:
    return "$true" if value else "$false"


def _on(computer: str | None) -> str:
    """``-ComputerName`` when the dialog manages another server than the one the console runs on."""
    return f" -ComputerName {ps_quote(computer)}" if computer else ""


def _vhds(pairs: list[tuple[str, str]]) -> str:
    items = ", ".join(f"@{{SourceFilePath = {ps_quote(src)}; DestinationFilePath = {ps_quote(dst)}}}"
                      for src, dst in pairs)
    return f"@({items})"


def live_migration_settings(host: str, *, enabled: bool, max_vm: int, max_storage: int, use_any: bool,
                            networks: list[str], current_networks: list[str], authentication: str,
                            performance: str) -> str:
    """Hyper-V Settings > Live Migrations (and its Advanced Features) of ``host``, as the OK button applies
    them: the on/off switch, the limits, the protocol and performance option, then the incoming networks in
    the order listed (their priority)."""
    lines = [f"{'Enable' if enabled else 'Disable'}-VMMigration -ComputerName {ps_quote(host)}",
             f"Set-VMHost -ComputerName {ps_quote(host)} -MaximumVirtualMachineMigrations {max_vm} "
             f"-MaximumStorageMigrations {max_storage} -VirtualMachineMigrationAuthenticationType {authentication} "
             f"-VirtualMachineMigrationPerformanceOption {performance} -UseAnyNetworkForMigration {_bool(use_any)}"]
    for subnet in current_networks:
        if subnet not in networks:
            lines.append(f"Remove-VMMigrationNetwork -ComputerName {ps_quote(host)} -Subnet {ps_quote(subnet)}")
    for priority, subnet in enumerate(networks, 1):
        verb = "Set" if subnet in current_networks else "Add"
        lines.append(f"{verb}-VMMigrationNetwork -ComputerName {ps_quote(host)} -Subnet {ps_quote(subnet)} "
                     f"-Priority {priority}")
    return "\n".join(lines)


def move_vm(vm: str, destination: str, option: str, *, source: str | None = None, folder: str = "",
            items: dict[str, str] | None = None, vhds: list[tuple[str, str]] | None = None,
            switches: dict[int, str] | None = None) -> str:
    """The Move wizard, "Move the virtual machine": ``option`` is a key of :data:`MOVE_OPTIONS`; ``items``
    holds VirtualMachinePath / SnapshotFilePath / SmartPagingFilePath for the per-item option; ``switches``
    maps the index of an incompatibility in Compare-VM's report to the destination switch to connect, which is
    what the wizard's "Connect Network" page does when the switch names differ."""
    storage = ""
    if option == "single":
        storage = f" -IncludeStorage -DestinationStoragePath {ps_quote(folder)}"
    elif option == "items":
        storage = " -IncludeStorage" + "".join(f" -{name} {ps_quote(path)}" for name, path in (items or {}).items())
        if vhds:
            storage += f" -Vhds {_vhds(vhds)}"
    move = f"-Name {ps_quote(vm)} -DestinationHost {ps_quote(destination)}{_on(source)}{storage}"
    if not switches:
        return f"Move-VM {move}"
    lines = [f"$report = Compare-VM {move}"]
    lines += [f"$report.Incompatibilities[{index}].Source | Connect-VMNetworkAdapter -SwitchName {ps_quote(switch)}"
              for index, switch in sorted(switches.items())]
    lines.append("Move-VM -CompatibilityReport $report")
    return "\n".join(lines)


def move_storage(vm: str, *, source: str | None = None, folder: str = "", items: dict[str, str] | None = None,
                 vhds: list[tuple[str, str]] | None = None) -> str:
    """The Move wizard, "Move the virtual machine's storage": everything into ``folder``, or only the items
    and disks given (what is not named stays where it is)."""
    if folder:
        return f"Move-VMStorage -VMName {ps_quote(vm)}{_on(source)} -DestinationStoragePath {ps_quote(folder)}"
    parts = "".join(f" -{name} {ps_quote(path)}" for name, path in (items or {}).items())
    if vhds:
        parts += f" -Vhds {_vhds(vhds)}"
    return f"Move-VMStorage -VMName {ps_quote(vm)}{_on(source)}{parts}"


def processor_compatibility(vm: str, enabled: bool, *, source: str | None = None) -> str:
    """VM Settings > Processor > Compatibility: "Migrate to a physical computer with a different processor
    version"."""
    return f"Set-VMProcessor -VMName {ps_quote(vm)}{_on(source)} -CompatibilityForMigrationEnabled {_bool(enabled)}"


def protected_network(vm: str, adapter: str, protected: bool, *, source: str | None = None) -> str:
    """VM Settings > Network Adapter > Advanced Features > "Protected network" (protected = monitored)."""
    return (f"Set-VMNetworkAdapter -VMName {ps_quote(vm)} -Name {ps_quote(adapter)}{_on(source)} "
            f"-NotMonitoredInCluster {_bool(not protected)}")


def power(vm: str, action: str, *, source: str | None = None) -> str:
    """Hyper-V Manager's Start / Shut Down / Save on a VM (processor compatibility needs the VM off)."""
    verb = {"Start": "Start-VM", "Shut Down": "Stop-VM", "Save": "Save-VM"}[action]
    return f"{verb} -Name {ps_quote(vm)}{_on(source)}"


def cluster_move(role: str, node: str, migration_type: str) -> str:
    """Failover Cluster Manager: Roles > Move > Live Migration | Quick Migration > Select Node."""
    return (f"Move-ClusterVirtualMachineRole -Name {ps_quote(role)} -Node {ps_quote(node)} "
            f"-MigrationType {migration_type}")


def pause_node(node: str) -> str:
    """Nodes > Pause > Drain Roles (waits for the drain, as the console's status column does)."""
    return f"Suspend-ClusterNode -Name {ps_quote(node)} -Drain -Wait"


def resume_node(node: str, fail_back: bool) -> str:
    """Nodes > Resume > Fail Roles Back | Do Not Fail Roles Back."""
    return f"Resume-ClusterNode -Name {ps_quote(node)}" + (" -Failback Immediate" if fail_back else "")


def drain_on_shutdown(cluster: str, enabled: bool) -> str:
    """The cluster's DrainOnShutdown common property (no GUI check box: PowerShell is the way)."""
    return f"(Get-Cluster -Name {ps_quote(cluster)}).DrainOnShutdown = {int(enabled)}"


def delegation(computer: str, add: list[str], remove: list[str]) -> str:
    """The computer account's Delegation tab, "Trust this computer for delegation to specified services only"
    (Kerberos only): the services added and removed, as msDS-AllowedToDelegateTo entries."""
    changes = []
    if add:
        changes.append(f"-Add @{{'msDS-AllowedToDelegateTo'=@({', '.join(ps_quote(s) for s in add)})}}")
    if remove:
        changes.append(f"-Remove @{{'msDS-AllowedToDelegateTo'=@({', '.join(ps_quote(s) for s in remove)})}}")
    return f"Set-ADComputer -Identity {ps_quote(computer)} {' '.join(changes)}".rstrip()


def service_entries(service: str, host: str, domain: str | None) -> list[str]:
    """What "Add Services" writes for one service on one host: the short and the fully qualified name."""
    names = [host] + ([f"{host}.{domain}"] if domain else [])
    return [f"{service}/{name}" for name in names]


def export_vm(vm: str, path: str, *, source: str | None = None) -> str:
    """Hyper-V Manager: Export."""
    return f"Export-VM -Name {ps_quote(vm)}{_on(source)} -Path {ps_quote(path)}"


def import_vm(config: str, import_type: str, *, vm_path: str = "", vhd_path: str = "") -> str:
    """The Import Virtual Machine wizard: "Register the virtual machine in-place", "Restore" (copy, same Id) or
    "Copy" (new Id), with the destination folders of the two copying types."""
    command = f"Import-VM -Path {ps_quote(config)}"
    if import_type == "register":
        return command
    command += " -Copy" + (" -GenerateNewId" if import_type == "copy" else "")
    if vm_path:
        command += f" -VirtualMachinePath {ps_quote(vm_path)}"
    if vhd_path:
        command += f" -VhdDestinationPath {ps_quote(vhd_path)}"
    return command
