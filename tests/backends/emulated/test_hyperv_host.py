"""Host migration cmdlets, typed as an administrator would: Get-/Set-VMHost, Enable-/Disable-VMMigration and
the VMMigrationNetwork cmdlets."""
from __future__ import annotations

from tests.backends.emulated.test_hyperv_objects import assert_error, backend


def test_get_vmhost_of_several_computers():
    result = backend().run("Get-VMHost -ComputerName HV1, HV2")
    assert [h["Name"] for h in result.output] == ["HV1", "HV2"]


def test_get_vmhost_positional_computer_name():
    assert backend().run("Get-VMHost HV2").output[0]["Name"] == "HV2"


def test_get_vmhost_unknown_computer():
    result = backend().run("Get-VMHost -ComputerName HV9")
    assert_error(result, 'Get-VMHost : The computer "HV9" is not a Hyper-V host of this lab.',
                 "ObjectNotFound: (HV9:String) [Get-VMHost], VirtualizationException",
                 "ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVMHostCommand", "host.not_found")


def test_enable_vmmigration_on_fresh_hosts():
    lab = backend("fresh-pair")
    result = lab.run("Enable-VMMigration -ComputerName HV1, HV2 -Passthru")
    assert [h["VirtualMachineMigrationEnabled"] for h in result.output] == [True, True]
    assert all(h.VirtualMachineMigrationEnabled for h in lab.snapshot().Hosts)


def test_enable_vmmigration_without_passthru_writes_nothing():
    lab = backend("fresh-pair")
    result = lab.run("Enable-VMMigration")
    assert result.output == [] and not result.had_errors
    assert lab.snapshot().host("HV1").VirtualMachineMigrationEnabled
    assert not lab.snapshot().host("HV2").VirtualMachineMigrationEnabled


def test_disable_vmmigration():
    lab = backend()
    lab.run("Disable-VMMigration HV2")
    assert not lab.snapshot().host("HV2").VirtualMachineMigrationEnabled


def test_enable_vmmigration_whatif_changes_nothing():
    lab = backend("fresh-pair")
    result = lab.run("Enable-VMMigration -WhatIf")
    assert result.text.startswith('What if: Performing operation "Enable-VMMigration" on Target "HV1".')
    assert not lab.snapshot().host("HV1").VirtualMachineMigrationEnabled


def test_set_vmhost_authentication_and_limits():
    lab = backend()
    lab.run("Set-VMHost -VirtualMachineMigrationAuthenticationType Kerberos -MaximumVirtualMachineMigrations 4 "
            "-MaximumStorageMigrations 3 -UseAnyNetworkForMigration $true "
            "-VirtualMachineMigrationPerformanceOption SMB")
    host = lab.snapshot().host("HV1")
    assert (host.VirtualMachineMigrationAuthenticationType, host.MaximumVirtualMachineMigrations,
            host.MaximumStorageMigrations, host.UseAnyNetworkForMigration,
            host.VirtualMachineMigrationPerformanceOption) == ("Kerberos", 4, 3, True, "SMB")


def test_set_vmhost_paths_with_passthru():
    lab = backend()
    result = lab.run(r"Set-VMHost -ComputerName HV2 -VirtualMachinePath D:\VMs -VirtualHardDiskPath D:\VHDs -Passthru")
    assert (result.output[0]["VirtualMachinePath"], result.output[0]["VirtualHardDiskPath"]) == ("D:\\VMs", "D:\\VHDs")
    assert lab.snapshot().host("HV2").VirtualMachinePath == "D:\\VMs"


def test_set_vmhost_unknown_enum_value_is_a_binding_error():
    result = backend().run("Set-VMHost -VirtualMachineMigrationAuthenticationType NTLM")
    assert result.errors[0].render().splitlines()[0] == (
        "Set-VMHost : Cannot bind parameter 'VirtualMachineMigrationAuthenticationType'. Cannot convert value "
        '"NTLM" to type "Microsoft.HyperV.PowerShell.MigrationAuthenticationType". Error: "Unable to match the '
        "identifier name NTLM to a valid enumerator name.  Specify one of the following enumerator names and try "
        'again: CredSSP, Kerberos"')
    assert result.errors[0].fqid == ("CannotConvertArgumentNoMessage,"
                                     "Microsoft.HyperV.PowerShell.Commands.SetVMHostCommand")


def test_set_vmhost_zero_migrations_is_refused_by_the_lab():
    lab = backend()
    result = lab.run("Set-VMHost -MaximumVirtualMachineMigrations 0")
    assert_error(result, 'Set-VMHost : The value 0 is not valid for MaximumVirtualMachineMigrations on host "HV1": '
                         "it must be at least 1.",
                 "InvalidArgument: (HV1:String) [Set-VMHost], VirtualizationInvalidArgumentException",
                 "InvalidParameter,Microsoft.HyperV.PowerShell.Commands.SetVMHostCommand", "host.invalid_value")
    assert lab.snapshot().host("HV1").MaximumVirtualMachineMigrations == 2


def test_add_and_get_migration_networks_by_priority():
    lab = backend("fresh-pair")
    lab.run("Add-VMMigrationNetwork 10.0.2.0/24 5; Add-VMMigrationNetwork -Subnet 10.0.1.0/24 -Priority 1")
    result = lab.run("Get-VMMigrationNetwork")
    assert [(n["Subnet"], n["Priority"]) for n in result.output] == [("10.0.1.0/24", 1), ("10.0.2.0/24", 5)]
    assert result.text.splitlines()[1:3] == ["Subnet      Priority", "------      --------"]
    assert [n.Subnet for n in lab.snapshot().host("HV1").MigrationNetworks] == ["10.0.1.0/24", "10.0.2.0/24"]


def test_get_migration_network_wildcard():
    lab = backend("fresh-pair")
    lab.run("Add-VMMigrationNetwork 10.0.2.0/24; Add-VMMigrationNetwork 192.168.5.0/24")
    assert [n["Subnet"] for n in lab.run("Get-VMMigrationNetwork 192.168.*").output] == ["192.168.5.0/24"]


def test_add_migration_network_twice():
    lab = backend()
    result = lab.run("Add-VMMigrationNetwork 10.0.1.0/24")
    assert_error(result, 'Add-VMMigrationNetwork : Host "HV1" already has a migration network with subnet '
                         '"10.0.1.0/24".',
                 "ResourceExists: (10.0.1.0/24:String) [Add-VMMigrationNetwork], "
                 "VirtualizationOperationFailedException",
                 "ObjectExists,Microsoft.HyperV.PowerShell.Commands.AddVMMigrationNetworkCommand",
                 "migration_network.exists")


def test_add_migration_network_invalid_subnet():
    result = backend().run("Add-VMMigrationNetwork 10.0.500.0/24")
    assert result.errors[0].lab_error.id == "migration_network.invalid_subnet"


def test_set_migration_network_new_subnet_and_priority():
    lab = backend()
    result = lab.run("Set-VMMigrationNetwork 10.0.1.0/24 10.0.9.0/24 -NewPriority 7 -Passthru")
    assert (result.output[0]["Subnet"], result.output[0]["Priority"]) == ("10.0.9.0/24", 7)
    assert [(n.Subnet, n.Priority) for n in lab.snapshot().host("HV1").MigrationNetworks] == [("10.0.9.0/24", 7)]


def test_remove_migration_network():
    lab = backend()
    lab.run("Remove-VMMigrationNetwork 10.0.1.0/24 -ComputerName HV2")
    assert lab.snapshot().host("HV2").MigrationNetworks == []
    assert lab.snapshot().host("HV1").MigrationNetworks != []


def test_remove_unknown_migration_network():
    result = backend().run("Remove-VMMigrationNetwork 172.16.0.0/16")
    assert_error(result, 'Remove-VMMigrationNetwork : Host "HV1" has no migration network with subnet '
                         '"172.16.0.0/16".',
                 "ObjectNotFound: (172.16.0.0/16:String) [Remove-VMMigrationNetwork], VirtualizationException",
                 "ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.RemoveVMMigrationNetworkCommand",
                 "migration_network.not_found")


def test_get_help_synopsis_of_set_vmhost():
    result = backend().run("(Get-Command Set-VMHost).Name")
    assert result.output == ["Set-VMHost"]
