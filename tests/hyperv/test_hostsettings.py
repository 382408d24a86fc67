"""Hyper-V host migration settings and migration networks: defaults, changes, refusals."""
from __future__ import annotations

import pytest

from engine.errors import LabError
from tests.hyperv.conftest import ON_HV1, REMOTE, build, pair_data


@pytest.fixture
def lab():
    return build(pair_data())


def test_fresh_host_defaults_2012r2(lab):
    h = lab.snapshot().host("HV1")
    assert (h.VirtualMachineMigrationEnabled, h.VirtualMachineMigrationAuthenticationType,
            h.MaximumVirtualMachineMigrations, h.MaximumStorageMigrations, h.UseAnyNetworkForMigration,
            h.VirtualMachineMigrationPerformanceOption) == (False, "CredSSP", 2, 2, False, "Compression")
    assert h.MigrationNetworks == []


def test_fresh_host_defaults_2012_is_tcpip():
    data = pair_data()
    data["hosts"][0]["os"] = "WindowsServer2012"
    assert build(data).snapshot().host("HV1").VirtualMachineMigrationPerformanceOption == "TCPIP"


def test_topology_settings_override_defaults():
    data = pair_data()
    data["hosts"][0]["settings"] = {"VirtualMachineMigrationEnabled": True, "MaximumVirtualMachineMigrations": 4}
    h = build(data).snapshot().host("HV1")
    assert (h.VirtualMachineMigrationEnabled, h.MaximumVirtualMachineMigrations) == (True, 4)


def test_enable_and_disable(lab):
    lab.enable_migration(caller=ON_HV1)
    assert lab.snapshot().host("HV1").VirtualMachineMigrationEnabled is True
    lab.disable_migration("HV1")
    assert lab.snapshot().host("HV1").VirtualMachineMigrationEnabled is False


def test_remote_caller_needs_computer_name(lab):
    with pytest.raises(LabError) as e:
        lab.enable_migration(caller=REMOTE)
    assert e.value.id == "host.not_found"


def test_set_authentication_and_limits(lab):
    lab.set_host("HV1", virtual_machine_migration_authentication_type="kerberos",
                 maximum_virtual_machine_migrations=5, maximum_storage_migrations=3)
    h = lab.snapshot().host("HV1")
    assert (h.VirtualMachineMigrationAuthenticationType, h.MaximumVirtualMachineMigrations,
            h.MaximumStorageMigrations) == ("Kerberos", 5, 3)


def test_invalid_authentication_refused(lab):
    with pytest.raises(LabError) as e:
        lab.set_host("HV1", virtual_machine_migration_authentication_type="NTLM")
    assert e.value.id == "host.invalid_value"
    assert e.value.message == ('The value NTLM is not valid for VirtualMachineMigrationAuthenticationType on host '
                               '"HV1": expected one of CredSSP, Kerberos.')


def test_zero_migrations_refused_and_nothing_applied(lab):
    with pytest.raises(LabError) as e:
        lab.set_host("HV1", virtual_machine_migration_authentication_type="Kerberos",
                     maximum_virtual_machine_migrations=0)
    assert e.value.message == ('The value 0 is not valid for MaximumVirtualMachineMigrations on host "HV1": it must '
                               "be at least 1.")
    assert lab.snapshot().host("HV1").VirtualMachineMigrationAuthenticationType == "CredSSP"


@pytest.mark.parametrize("option", ["TCPIP", "Compression", "SMB"])
def test_performance_options_on_2012r2(lab, option):
    lab.set_host("HV1", virtual_machine_migration_performance_option=option)
    assert lab.snapshot().host("HV1").VirtualMachineMigrationPerformanceOption == option


@pytest.mark.parametrize("option", ["Compression", "SMB"])
def test_only_tcpip_on_2012(option):
    data = pair_data()
    data["hosts"][0]["os"] = "WindowsServer2012"
    lab = build(data)
    with pytest.raises(LabError) as e:
        lab.set_host("HV1", virtual_machine_migration_performance_option=option)
    assert e.value.id == "host.option_unsupported"
    assert e.value.message == (f'The migration performance option "{option}" is not available on host "HV1": '
                               "Windows Server 2012 offers TCP/IP only.")


def test_use_any_network(lab):
    lab.set_host("HV1", use_any_network_for_migration=True)
    assert lab.snapshot().host("HV1").UseAnyNetworkForMigration is True


def test_default_paths_must_exist(lab):
    lab.set_host("HV1", virtual_machine_path="D:\\Hyper-V", virtual_hard_disk_path="D:\\Hyper-V\\Disks")
    assert lab.snapshot().host("HV1").VirtualHardDiskPath == "D:\\Hyper-V\\Disks"
    with pytest.raises(LabError) as e:
        lab.set_host("HV1", virtual_machine_path="Q:\\VMs")
    assert e.value.id == "storage.path_not_found"


def test_add_migration_networks_with_priority(lab):
    lab.add_migration_network("10.0.1.0/24", 2, "HV1")
    lab.add_migration_network("192.168.1.5/24", 1, "HV1")
    nets = [(n.Subnet, n.Priority) for n in lab.snapshot().host("HV1").MigrationNetworks]
    assert nets == [("192.168.1.0/24", 1), ("10.0.1.0/24", 2)]


def test_duplicate_network_refused(lab):
    lab.add_migration_network("10.0.1.0/24", computer_name="HV1")
    with pytest.raises(LabError) as e:
        lab.add_migration_network("10.0.1.0/24", computer_name="HV1")
    assert (e.value.id, e.value.message) == ("migration_network.exists",
                                             'Host "HV1" already has a migration network with subnet "10.0.1.0/24".')


def test_invalid_subnet_refused(lab):
    with pytest.raises(LabError) as e:
        lab.add_migration_network("10.0.1", computer_name="HV1")
    assert e.value.id == "migration_network.invalid_subnet"
    assert e.value.message == '"10.0.1" is not a valid subnet; give an address with a prefix length, like 10.0.1.0/24.'


def test_set_and_remove_network(lab):
    lab.add_migration_network("10.0.1.0/24", computer_name="HV1")
    lab.set_migration_network("10.0.1.0/24", "10.0.9.0/24", new_priority=7, computer_name="HV1")
    assert [(n.Subnet, n.Priority) for n in lab.snapshot().host("HV1").MigrationNetworks] == [("10.0.9.0/24", 7)]
    lab.remove_migration_network("10.0.9.0/24", computer_name="HV1")
    assert lab.snapshot().host("HV1").MigrationNetworks == []


def test_remove_unknown_network(lab):
    with pytest.raises(LabError) as e:
        lab.remove_migration_network("10.0.5.0/24", computer_name="HV1")
    assert (e.value.id, e.value.message) == ("migration_network.not_found",
                                             'Host "HV1" has no migration network with subnet "10.0.5.0/24".')
    assert e.value.category == "ObjectNotFound"


def test_get_networks_with_wildcard(lab):
    lab.add_migration_network("10.0.1.0/24", computer_name="HV1")
    lab.add_migration_network("192.168.1.0/24", computer_name="HV1")
    assert [n.subnet for n in lab.get_migration_networks("192.168.*", "HV1")] == ["192.168.1.0/24"]


def test_get_host_from_console(lab):
    assert lab.get_host(caller=ON_HV1).name == "HV1"
    assert lab.get_host("hv2").name == "HV2"
