"""Host migration settings: Enable-/Disable-VMMigration, Set-VMHost and the VM migration networks.

Defaults are those of a fresh host (reference §1): migration off, CredSSP, 2 simultaneous live and storage
migrations, only listed networks, Compression on 2012 R2 and TCP/IP on 2012 (which has nothing else).
"""
from __future__ import annotations

import fnmatch
import ipaddress

from engine.hyperv.caller import Caller, CallerMixin, operation
from engine.hyperv.catalogue import error
from engine.hyperv.files import location
from engine.hyperv.state import Host, HostSettings, MigrationNetwork, NetAdapter

AUTH_TYPES = ("CredSSP", "Kerberos")
PERFORMANCE_OPTIONS = ("TCPIP", "Compression", "SMB")


def defaults(os: str) -> HostSettings:
    """The Get-VMHost migration settings of a freshly installed host running ``os``."""
    option = "TCPIP" if os == "WindowsServer2012" else "Compression"
    return HostSettings(VirtualMachineMigrationPerformanceOption=option)


def _choice(value: str, allowed: tuple[str, ...], setting: str, host: Host) -> str:
    for a in allowed:
        if a.lower() == value.lower():
            return a
    raise error("host.invalid_value", target=host.name, value=value, setting=setting, host=host.name,
                reason=f"expected one of {', '.join(allowed)}")


def _subnet(subnet: str) -> str:
    try:
        return str(ipaddress.ip_network(subnet, strict=False))
    except ValueError:
        raise error("migration_network.invalid_subnet", target=subnet, subnet=subnet) from None


def in_subnet(nic: NetAdapter, subnet: str) -> bool:
    """True when ``nic``'s address lies in ``subnet``."""
    return ipaddress.ip_interface(nic.ip).ip in ipaddress.ip_network(subnet, strict=False)


class HostSettingsMixin(CallerMixin):
    """Get-VMHost settings operations of :class:`engine.hyperv.lab.Lab`."""

    @operation("Get-VMHost")
    def get_host(self, computer_name: str | None = None, *, caller: Caller | None = None) -> Host:
        """Get-VMHost: the host addressed by -ComputerName or the computer the command runs on."""
        return self._target_host(computer_name, caller)

    @operation("Enable-VMMigration")
    def enable_migration(self, computer_name: str | None = None, *, caller: Caller | None = None) -> Host:
        """Enable-VMMigration: allow incoming and outgoing live migrations."""
        host = self._target_host(computer_name, caller)
        host.settings.VirtualMachineMigrationEnabled = True
        return host

    @operation("Disable-VMMigration")
    def disable_migration(self, computer_name: str | None = None, *, caller: Caller | None = None) -> Host:
        """Disable-VMMigration."""
        host = self._target_host(computer_name, caller)
        host.settings.VirtualMachineMigrationEnabled = False
        return host

    @operation("Set-VMHost")
    def set_host(self, computer_name: str | None = None, *,
                 virtual_machine_migration_authentication_type: str | None = None,
                 maximum_virtual_machine_migrations: int | None = None,
                 maximum_storage_migrations: int | None = None,
                 use_any_network_for_migration: bool | None = None,
                 virtual_machine_migration_performance_option: str | None = None,
                 virtual_machine_path: str | None = None, virtual_hard_disk_path: str | None = None,
                 caller: Caller | None = None) -> Host:
        """Set-VMHost: every value is validated before any is applied, as the cmdlet does."""
        host = self._target_host(computer_name, caller)
        s = host.settings
        changes: dict = {}
        if virtual_machine_migration_authentication_type is not None:
            changes["VirtualMachineMigrationAuthenticationType"] = _choice(
                virtual_machine_migration_authentication_type, AUTH_TYPES,
                "VirtualMachineMigrationAuthenticationType", host)
        for setting, value in (("MaximumVirtualMachineMigrations", maximum_virtual_machine_migrations),
                               ("MaximumStorageMigrations", maximum_storage_migrations)):
            if value is not None:
                if value < 1:
                    raise error("host.invalid_value", target=host.name, value=value, setting=setting,
                                host=host.name, reason="it must be at least 1")
                changes[setting] = int(value)
        if use_any_network_for_migration is not None:
            changes["UseAnyNetworkForMigration"] = bool(use_any_network_for_migration)
        if virtual_machine_migration_performance_option is not None:
            option = _choice(virtual_machine_migration_performance_option, PERFORMANCE_OPTIONS,
                             "VirtualMachineMigrationPerformanceOption", host)
            if host.os == "WindowsServer2012" and option != "TCPIP":
                raise error("host.option_unsupported", target=host.name, option=option, host=host.name)
            changes["VirtualMachineMigrationPerformanceOption"] = option
        for setting, path in (("VirtualMachinePath", virtual_machine_path),
                              ("VirtualHardDiskPath", virtual_hard_disk_path)):
            if path is not None:
                location(self.world, host, path)
                changes[setting] = path
        for setting, value in changes.items():
            setattr(s, setting, value)
        return host

    @operation("Add-VMMigrationNetwork")
    def add_migration_network(self, subnet: str, priority: int = 0, computer_name: str | None = None, *,
                              caller: Caller | None = None) -> MigrationNetwork:
        """Add-VMMigrationNetwork: accept incoming live migrations on ``subnet`` (lower priority = preferred)."""
        host = self._target_host(computer_name, caller)
        canonical = _subnet(subnet)
        if any(_subnet(n.subnet) == canonical for n in host.migration_networks):
            raise error("migration_network.exists", target=subnet, host=host.name, subnet=subnet)
        network = MigrationNetwork(subnet=canonical, priority=int(priority))
        host.migration_networks.append(network)
        return network

    def _migration_network(self, host: Host, subnet: str) -> MigrationNetwork:
        canonical = _subnet(subnet)
        for n in host.migration_networks:
            if _subnet(n.subnet) == canonical:
                return n
        raise error("migration_network.not_found", target=subnet, host=host.name, subnet=subnet)

    @operation("Set-VMMigrationNetwork")
    def set_migration_network(self, subnet: str, new_subnet: str | None = None, *, new_priority: int | None = None,
                              computer_name: str | None = None, caller: Caller | None = None) -> MigrationNetwork:
        """Set-VMMigrationNetwork: change a migration network's subnet or priority."""
        host = self._target_host(computer_name, caller)
        network = self._migration_network(host, subnet)
        if new_subnet is not None:
            network.subnet = _subnet(new_subnet)
        if new_priority is not None:
            network.priority = int(new_priority)
        return network

    @operation("Remove-VMMigrationNetwork")
    def remove_migration_network(self, subnet: str, computer_name: str | None = None, *,
                                 caller: Caller | None = None) -> None:
        """Remove-VMMigrationNetwork."""
        host = self._target_host(computer_name, caller)
        host.migration_networks.remove(self._migration_network(host, subnet))

    @operation("Get-VMMigrationNetwork")
    def get_migration_networks(self, subnet: str = "*", computer_name: str | None = None, *,
                               caller: Caller | None = None) -> list[MigrationNetwork]:
        """Get-VMMigrationNetwork with wildcard subnets (``10.0.*``), by priority."""
        host = self._target_host(computer_name, caller)
        found = [n for n in host.migration_networks if fnmatch.fnmatch(n.subnet, subnet)]
        return sorted(found, key=lambda n: n.priority)
