"""Switch and network adapter cmdlets typed as an administrator would."""
from __future__ import annotations

from tests.backends.emulated.test_hyperv_objects import assert_error, backend


def test_get_vmswitch_by_type_and_wildcard():
    lab = backend()
    assert [s["Name"] for s in lab.run("Get-VMSwitch -SwitchType External").output] == ["External"]
    assert lab.run("Get-VMSwitch -SwitchType Internal, Private").output == []
    assert [s["Name"] for s in lab.run("Get-VMSwitch Ext* -ComputerName HV2").output] == ["External"]


def test_get_vmswitch_unknown_name():
    result = backend().run("Get-VMSwitch Production")
    assert_error(result, 'Get-VMSwitch : Hyper-V was unable to find a virtual switch with name "Production".',
                 "ObjectNotFound: (Production:String) [Get-VMSwitch], VirtualizationException",
                 "ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVMSwitchCommand", "switch.not_found")


def test_rename_vmswitch_keeps_adapters_connected():
    lab = backend()
    result = lab.run("Rename-VMSwitch External Production -Passthru")
    assert result.output[0]["Name"] == "Production"
    assert [s.Name for s in lab.snapshot().host("HV1").Switches] == ["Production"]
    assert lab.snapshot().vm("VM1").NetworkAdapters[0].SwitchName == "Production"


def test_rename_vmswitch_from_the_pipeline_on_another_host():
    lab = backend()
    lab.run("Get-VMSwitch External -ComputerName HV2 | Rename-VMSwitch -NewName LAN")
    assert [s.Name for s in lab.snapshot().host("HV2").Switches] == ["LAN"]
    assert [s.Name for s in lab.snapshot().host("HV1").Switches] == ["External"]


def test_get_vmnetworkadapter_by_vm_and_all():
    lab = backend()
    assert [(a["VMName"], a["SwitchName"]) for a in lab.run("Get-VM VM2 | Get-VMNetworkAdapter").output] == [
        ("VM2", "External")]
    assert [a["VMName"] for a in lab.run("Get-VMNetworkAdapter -All").output] == ["VM1", "VM2"]


def test_disconnect_vmnetworkadapter_by_vmname():
    lab = backend()
    result = lab.run("Disconnect-VMNetworkAdapter -VMName VM1 -Passthru")
    assert result.output[0]["SwitchName"] is None and result.output[0]["Connected"] is False
    adapter = lab.snapshot().vm("VM1").NetworkAdapters[0]
    assert (adapter.SwitchName, adapter.Connected) == (None, False)


def test_connect_vmnetworkadapter_positional_vmname_name_switch():
    lab = backend()
    lab.run("Disconnect-VMNetworkAdapter VM1")
    lab.run("Connect-VMNetworkAdapter VM1 'Network Adapter' External")
    assert lab.snapshot().vm("VM1").NetworkAdapters[0].SwitchName == "External"


def test_connect_vmnetworkadapter_from_the_pipeline():
    lab = backend()
    lab.run("Disconnect-VMNetworkAdapter VM2")
    result = lab.run("Get-VMNetworkAdapter VM2 | Connect-VMNetworkAdapter -SwitchName External -Passthru")
    assert result.output[0]["SwitchName"] == "External"
    assert lab.snapshot().vm("VM2").NetworkAdapters[0].Connected


def test_connect_vmnetworkadapter_to_a_missing_switch():
    lab = backend()
    result = lab.run("Connect-VMNetworkAdapter VM1 -SwitchName Production")
    assert_error(result, 'Connect-VMNetworkAdapter : Hyper-V was unable to find a virtual switch with name '
                         '"Production".',
                 "ObjectNotFound: (Production:String) [Connect-VMNetworkAdapter], VirtualizationException",
                 "ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.ConnectVMNetworkAdapterCommand",
                 "switch.not_found")
    assert lab.snapshot().vm("VM1").NetworkAdapters[0].SwitchName == "External"


def test_connect_vmnetworkadapter_unknown_adapter_name():
    result = backend().run("Connect-VMNetworkAdapter VM1 -Name Backup -SwitchName External")
    assert_error(result, 'Connect-VMNetworkAdapter : Hyper-V was unable to find a network adapter with name '
                         '"Backup" on virtual machine "VM1".',
                 "ObjectNotFound: (Backup:String) [Connect-VMNetworkAdapter], VirtualizationException",
                 "ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.ConnectVMNetworkAdapterCommand",
                 "adapter.not_found")


def test_set_vmnetworkadapter_not_monitored_in_cluster():
    lab = backend("two-node-cluster")
    vm = lab.snapshot().VMs[0]
    lab.run(f"Set-VMNetworkAdapter -VMName {vm.Name} -ComputerName {vm.ComputerName} -NotMonitoredInCluster $true")
    assert lab.snapshot().vm(vm.Name).NetworkAdapters[0].NotMonitoredInCluster is True


def test_set_vmnetworkadapter_from_the_pipeline_ticks_protected_network_again():
    lab = backend()
    lab.run("Set-VMNetworkAdapter VM1 -NotMonitoredInCluster $true")
    result = lab.run("Get-VMNetworkAdapter VM1 | Set-VMNetworkAdapter -NotMonitoredInCluster $false -Passthru")
    assert result.output[0]["NotMonitoredInCluster"] is False
    assert lab.snapshot().vm("VM1").NetworkAdapters[0].NotMonitoredInCluster is False


def test_adapter_cmdlet_whatif_changes_nothing():
    lab = backend()
    result = lab.run("Disconnect-VMNetworkAdapter VM1 -WhatIf")
    assert result.text.startswith('What if: Performing operation "Disconnect-VMNetworkAdapter" on Target '
                                  '"Network Adapter".')
    assert lab.snapshot().vm("VM1").NetworkAdapters[0].Connected


def test_get_vmnetworkadapter_of_an_unknown_vm():
    result = backend().run("Get-VMNetworkAdapter VM9")
    assert_error(result, 'Get-VMNetworkAdapter : Hyper-V was unable to find a virtual machine with name "VM9".',
                 "InvalidArgument: (VM9:String) [Get-VMNetworkAdapter], VirtualizationInvalidArgumentException",
                 "InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVMNetworkAdapterCommand", "vm.not_found")


def test_new_vmswitch_internal_and_private():
    lab = backend()
    result = lab.run("New-VMSwitch -Name Lab -SwitchType Internal; New-VMSwitch Isolated -SwitchType Private "
                     "-ComputerName HV2")
    assert [(s["Name"], s["SwitchType"], s["ComputerName"]) for s in result.output] == [
        ("Lab", "Internal", "HV1"), ("Isolated", "Private", "HV2")]
    assert [s.Name for s in lab.snapshot().host("HV2").Switches] == ["External", "Isolated"]


def test_new_vmswitch_external_on_a_free_adapter():
    lab = backend()
    result = lab.run("New-VMSwitch -Name Fast -NetAdapterName LM -AllowManagementOS $false")
    assert [(s["Name"], s["SwitchType"]) for s in result.output] == [("Fast", "External")]
    assert [(s.Name, s.SwitchType) for s in lab.snapshot().host("HV1").Switches] == [
        ("External", "External"), ("Fast", "External")]


def test_new_vmswitch_external_on_a_bound_adapter():
    result = backend().run("New-VMSwitch -Name Second -NetAdapterName Mgmt")
    assert_error(result, "New-VMSwitch : Failed while adding virtual Ethernet switch connections. The network "
                         'adapter "Mgmt" of host "HV1" is already bound to the virtual switch "External".',
                 "NotSpecified: (Second:String) [New-VMSwitch], VirtualizationOperationFailedException",
                 "OperationFailed,Microsoft.HyperV.PowerShell.Commands.NewVMSwitchCommand", "switch.adapter_in_use")


def test_new_vmswitch_external_type_without_adapter():
    result = backend().run("New-VMSwitch -Name Outside -SwitchType External")
    assert result.errors[0].lab_error.id == "switch.external_needs_adapter"


def test_new_vmswitch_name_taken():
    result = backend().run("New-VMSwitch External -SwitchType Private")
    assert_error(result, 'New-VMSwitch : Host "HV1" already has a virtual switch named "External".',
                 "ResourceExists: (External:String) [New-VMSwitch], VirtualizationOperationFailedException",
                 "ObjectExists,Microsoft.HyperV.PowerShell.Commands.NewVMSwitchCommand", "switch.exists")


def test_new_vmswitch_whatif_changes_nothing():
    lab = backend()
    lab.run("New-VMSwitch Lab -SwitchType Internal -WhatIf")
    assert [s.Name for s in lab.snapshot().host("HV1").Switches] == ["External"]
