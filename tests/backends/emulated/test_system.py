"""System cmdlets on the emulated backend: power, network adapters, time, files, klist and hostname; and the two
cluster behaviours they trigger (drain on shutdown, VM network health protection), end to end."""
from __future__ import annotations

import functools

from engine.backends.emulated import EmulatedBackend
from engine.backends.emulated import system as module
from engine.content.loader import load_catalog
from engine.powershell.registry import Registry


@functools.cache
def _topology(name: str):
    return load_catalog().topology(name)


def lab(name: str = "standalone-pair") -> EmulatedBackend:
    """A fresh lab of a shipped topology (the learner is signed in on HV1)."""
    return EmulatedBackend.from_topology(_topology(name))


def nic_status(backend: EmulatedBackend, host: str, nic: str) -> str:
    return next(n.Status for n in backend.snapshot().host(host).NetAdapters if n.Name == nic)


# --- Stop-Computer / Restart-Computer -------------------------------------------------------------------------
def test_stop_computer_shuts_a_standalone_host_down():
    backend = lab()
    result = backend.run("Stop-Computer -ComputerName HV1 -Force")
    assert (result.text, result.had_errors) == ("", False)
    state = backend.snapshot()
    assert (state.host("HV1").Online, state.vm("VM1").State) == (False, "Saved")


def test_stop_computer_without_a_name_stops_this_computer():
    backend = lab()
    backend.run("Stop-Computer -Force", host="HV2")
    assert [h.Online for h in backend.snapshot().Hosts] == [True, False]


def test_stop_computer_whatif_changes_nothing():
    backend = lab()
    result = backend.run("Stop-Computer HV1 -WhatIf")
    assert result.text == 'What if: Performing operation "Stop-Computer" on Target "HV1".\n'
    assert backend.snapshot().host("HV1").Online


def test_stop_computer_unknown_host():
    result = lab().run("Stop-Computer HV9")
    assert result.errors[0].lab_error.id == "host.not_found"
    assert result.text == (
        'Stop-Computer : The computer "HV9" is not a Hyper-V host of this lab.\nAt line:1 char:1\n'
        "+ Stop-Computer HV9\n+ ~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ObjectNotFound: (HV9:String) [Stop-Computer], VirtualizationException\n"
        "    + FullyQualifiedErrorId : ObjectNotFound,Microsoft.PowerShell.Commands.StopComputerCommand\n\n")


def test_restart_computer_brings_a_cluster_node_back_up():
    backend = lab("two-node-cluster")
    backend.run("Restart-Computer -ComputerName HV2 -Force")
    state = backend.snapshot()
    assert (state.host("HV2").Online, state.cluster("CLU1").Nodes[1].State) == (True, "Up")


def test_restart_computer_of_a_host_that_is_off_fails():
    backend = lab()
    backend.run("Stop-Computer HV2")
    result = backend.run("Restart-Computer HV2")
    assert result.errors[0].lab_error.id == "host.offline"
    assert not backend.snapshot().host("HV2").Online


# --- network adapters -----------------------------------------------------------------------------------------
def test_get_net_adapter_table():
    result = lab().run("Get-NetAdapter")
    lines = result.text.splitlines()
    assert lines[1].split() == ["Name", "InterfaceDescription", "ifIndex", "Status", "MacAddress", "LinkSpeed"]
    assert [line.split()[0] for line in lines[3:5]] == ["LM", "Mgmt"]
    assert [(o["Name"], o["Status"], o["LinkSpeed"]) for o in result.output] == [
        ("LM", "Up", "10 Gbps"), ("Mgmt", "Up", "1 Gbps")]


def test_get_net_adapter_of_another_computer_by_cim_session():
    result = lab().run("Get-NetAdapter -Name LM -CimSession HV2")
    assert [(o["SystemName"], o["PSComputerName"]) for o in result.output] == [("HV2", "HV2")]


def test_get_net_adapter_unknown_name():
    result = lab().run("Get-NetAdapter Foo")
    assert result.errors[0].lab_error.id == "netadapter.not_found"
    assert result.text == (
        "Get-NetAdapter : No MSFT_NetAdapter objects found with property 'Name' equal to 'Foo'.  Verify the value of "
        "the property and retry.\nAt line:1 char:1\n+ Get-NetAdapter Foo\n+ ~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ObjectNotFound: (Foo:String) [Get-NetAdapter], CimJobException\n"
        "    + FullyQualifiedErrorId : CmdletizationQuery_NotFound_Name,Get-NetAdapter\n\n")


def test_disable_net_adapter_by_name():
    backend = lab()
    result = backend.run("Disable-NetAdapter -Name LM -Confirm:$false")
    assert (result.text, nic_status(backend, "HV1", "LM")) == ("", "Disabled")


def test_disable_net_adapter_with_a_wildcard():
    backend = lab()
    backend.run("Disable-NetAdapter -Name M* -Confirm:$false")
    assert (nic_status(backend, "HV1", "Mgmt"), nic_status(backend, "HV1", "LM")) == ("Disabled", "Up")


def test_disable_net_adapter_on_another_computer():
    backend = lab()
    backend.run("Disable-NetAdapter LM -CimSession HV2 -Confirm:$false")
    assert (nic_status(backend, "HV1", "LM"), nic_status(backend, "HV2", "LM")) == ("Up", "Disabled")


def test_disable_net_adapter_has_no_computer_name_parameter():
    result = lab().run("Disable-NetAdapter LM -ComputerName HV2 -Confirm:$false")
    assert result.errors[0].fqid == "NamedParameterNotFound,Disable-NetAdapter"


def test_enable_net_adapter_from_the_pipeline_with_passthru():
    backend = lab()
    backend.run("Disable-NetAdapter LM -Confirm:$false")
    result = backend.run("Get-NetAdapter LM | Enable-NetAdapter -PassThru")
    assert [(o["Name"], o["Status"]) for o in result.output] == [("LM", "Up")]
    assert nic_status(backend, "HV1", "LM") == "Up"


def test_disable_net_adapter_whatif_changes_nothing():
    backend = lab()
    result = backend.run("Disable-NetAdapter LM -WhatIf")
    assert result.text == 'What if: Performing operation "Disable-NetAdapter" on Target "LM".\n'
    assert nic_status(backend, "HV1", "LM") == "Up"


def test_disable_net_adapter_unknown_name():
    result = lab().run("Disable-NetAdapter Foo -Confirm:$false")
    assert result.errors[0].lab_error.id == "netadapter.not_found"
    assert result.errors[0].fqid == "CmdletizationQuery_NotFound_Name,Disable-NetAdapter"


# --- time and files -------------------------------------------------------------------------------------------
def test_start_sleep_advances_the_simulated_clock():
    backend = lab()
    backend.run("Start-Sleep -Seconds 30; Start-Sleep -Milliseconds 1500")
    assert backend.snapshot().Clock == 31.5


def test_start_sleep_lets_a_background_move_finish():
    backend = lab("two-node-cluster")
    backend.run("Move-ClusterVirtualMachineRole VM1 HV2 -Wait 0")
    assert backend.snapshot().Jobs[0].State == "Running"
    backend.run("sleep 600")
    assert (backend.snapshot().Jobs[0].State, backend.snapshot().vm("VM1").ComputerName) == ("Completed", "HV2")


def test_test_path():
    result = lab().run(r"Test-Path 'D:\VMs\VM1\Virtual Hard Disks\VM1.vhdx'; Test-Path D:\VMs\VM1; Test-Path D:\Nope")
    assert result.output == [True, True, False]


def test_test_path_with_a_path_type():
    result = lab().run(r"$f = 'D:\VMs\VM1\Virtual Hard Disks\VM1.vhdx'; Test-Path $f -PathType Leaf; "
                       r"Test-Path $f -PathType Container; Test-Path D:\VMs\VM1 -PathType Container; "
                       r"Test-Path D:\VMs\VM1 -PathType Leaf")
    assert result.output == [True, False, True, False]


def test_get_child_item_finds_an_exported_vm():
    backend = lab()
    backend.run(r"Export-VM -Name VM1 -Path D:\Export")
    result = backend.run(r"Get-ChildItem D:\Export\VM1 -Recurse -File | Select-Object -ExpandProperty FullName")
    assert r"D:\Export\VM1\Virtual Hard Disks\VM1.vhdx" in result.output
    assert any(p.startswith("D:\\Export\\VM1\\Virtual Machines\\") and p.endswith(".xml") for p in result.output)


def test_get_child_item_lists_folders_then_files():
    result = lab().run(r"dir 'D:\VMs\VM1'")
    assert [(o.type_name, o["Name"]) for o in result.output] == [
        ("System.IO.DirectoryInfo", "Virtual Hard Disks"), ("System.IO.DirectoryInfo", "Virtual Machines")]


def test_get_child_item_missing_path():
    result = lab().run(r"Get-ChildItem D:\Nope")
    assert result.text == (
        "Get-ChildItem : Cannot find path 'D:\\Nope' because it does not exist.\nAt line:1 char:1\n"
        "+ Get-ChildItem D:\\Nope\n+ ~~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ObjectNotFound: (D:\\Nope:String) [Get-ChildItem], ItemNotFoundException\n"
        "    + FullyQualifiedErrorId : PathNotFound,Microsoft.PowerShell.Commands.GetChildItemCommand\n\n")


# --- external programs ----------------------------------------------------------------------------------------
def test_klist_purge_prints_and_changes_nothing():
    backend = lab("kerberos-pair")
    before = backend.snapshot()
    result = backend.run("klist purge -li 0x3e7", host="HV1")
    assert result.text == ("\nCurrent LogonId is 0:0x3a6d1\nTargeted LogonId is 0:0x3e7\n\tDeleting all tickets:\n"
                           "\tTicket(s) purged!\n")
    assert backend.snapshot() == before


def test_hostname():
    backend = lab()
    assert [backend.run("hostname").output, backend.run("hostname", host="HV2").output] == [["HV1"], ["HV2"]]


# --- whole scenarios ------------------------------------------------------------------------------------------
def test_drain_on_shutdown_live_migrates_the_roles_before_the_node_stops():
    backend = lab("three-node-cluster")  # DrainOnShutdown was left at 0
    result = backend.run("(Get-Cluster).DrainOnShutdown = 1; Stop-Computer -ComputerName HV1 -Force; "
                         "Get-ClusterNode HV1 | Select-Object -ExpandProperty State")
    assert (result.output, result.had_errors) == (["Down"], False)
    state = backend.snapshot()
    assert {state.vm(v).ComputerName for v in ("VM1", "VM2")} <= {"HV2", "HV3"}
    assert [(j.VMName, j.Kind, j.Reason) for j in state.Jobs] == [
        ("VM1", "live", "shutdown"), ("VM2", "quick", "shutdown")]  # VM2 is a Low priority role
    assert all(v.State == "Running" for v in state.VMs)


def test_without_drain_on_shutdown_the_roles_are_saved_and_quick_migrated():
    backend = lab("three-node-cluster")
    backend.run("Stop-Computer -ComputerName HV1 -Force; Start-Sleep 300")
    state = backend.snapshot()
    assert [(j.VMName, j.Kind) for j in state.Jobs] == [("VM1", "quick"), ("VM2", "quick")]
    assert all(state.vm(v).ComputerName != "HV1" and state.vm(v).State == "Running" for v in ("VM1", "VM2"))


def test_network_health_protection_moves_protected_vms_off_a_node_that_lost_its_network():
    backend = lab("three-node-cluster")
    backend.run("Get-VMNetworkAdapter -VMName VM2 | Set-VMNetworkAdapter -NotMonitoredInCluster $true")
    result = backend.run("Disable-NetAdapter -Name Mgmt -Confirm:$false; Start-Sleep -Seconds 120; "
                         "Get-ClusterGroup | Select-Object Name, OwnerNode")
    assert not result.had_errors, result.text
    owners = {o["Name"]: o["OwnerNode"] for o in result.output}
    assert owners["VM1"] in ("HV2", "HV3") and owners["VM2"] == "HV1"  # VM2's adapter is not protected
    assert [(j.VMName, j.Kind, j.Reason) for j in backend.snapshot().Jobs] == [("VM1", "live", "network-health")]
    assert [o["State"] for o in backend.run("Get-ClusterNetwork 'Cluster Network 1'").output] == ["Partitioned"]


def test_every_cmdlet_has_help():
    registry = Registry()
    module.register(registry)
    assert all(c.synopsis and c.syntax and c.syntax.startswith(c.name) for c in registry.cmdlets())
