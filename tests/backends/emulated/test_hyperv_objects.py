"""Hyper-V objects as PowerShell shows them: type names, properties equal to LabState, default views.

Also home of the helpers the other ``test_hyperv_*`` modules share: a console on a shipped topology and the
assertion on a rendered error record.
"""
from __future__ import annotations

from engine.backends.emulated import EmulatedBackend
from engine.content.loader import load_catalog
from engine.powershell.runspace import PSResult


def backend(topology: str = "ready-pair") -> EmulatedBackend:
    """An emulated lab built from ``labs/topologies/<topology>.yaml``."""
    return EmulatedBackend.from_topology(load_catalog().topology(topology))


def assert_error(result: PSResult, head: str, category_info: str, fqid: str, lab_id: str | None) -> None:
    """The run wrote exactly one error: its first line, CategoryInfo, FullyQualifiedErrorId and LabError id."""
    assert len(result.errors) == 1, result.text
    record = result.errors[0]
    lines = record.render().splitlines()
    assert lines[0] == head
    assert record.category_info == category_info
    assert record.fqid == fqid
    assert (record.lab_error.id if record.lab_error else None) == lab_id


def test_vm_object_carries_type_and_labstate_values():
    lab = backend()
    vm = lab.run("Get-VM VM1").output[0]
    state = lab.snapshot().vm("VM1")
    assert vm.type_names[0] == "Microsoft.HyperV.PowerShell.VirtualMachine"
    for prop in ("Name", "State", "Status", "MemoryAssigned", "MemoryDemand", "MemoryStartup", "ComputerName",
                 "Id", "Path", "Generation", "SnapshotFileLocation", "SmartPagingFilePath", "IsClustered"):
        assert vm[prop] == getattr(state, prop), prop
    assert vm["MemoryAssigned"] == 4096 * 2**20
    assert vm.ref is lab.lab.world.vm("VM1")


def test_vm_default_table_is_the_2012_r2_view():
    lab = backend()
    text = lab.run("Get-VM VM1").text
    assert text.splitlines()[1:4] == [
        "Name State   CPUUsage(%) MemoryAssigned(M) Uptime   Status",
        "---- -----   ----------- ----------------- ------   ------",
        "VM1  Running 0           4096              00:00:00 Operating normally"]


def test_host_object_matches_labstate_and_its_view():
    lab = backend()
    result = lab.run("Get-VMHost")
    host, state = result.output[0], lab.snapshot().host("HV1")
    assert host.type_names[0] == "Microsoft.HyperV.PowerShell.Host"
    for prop in ("VirtualMachineMigrationEnabled", "VirtualMachineMigrationAuthenticationType",
                 "MaximumVirtualMachineMigrations", "MaximumStorageMigrations", "UseAnyNetworkForMigration",
                 "VirtualMachineMigrationPerformanceOption", "VirtualMachinePath", "VirtualHardDiskPath",
                 "LogicalProcessorCount", "MemoryCapacity"):
        assert host[prop] == getattr(state, prop), prop
    assert result.text.splitlines()[1:4] == [
        "Name LogicalProcessorCount MemoryCapacity(M) VirtualMachineMigrationEnabled",
        "---- --------------------- ----------------- ------------------------------",
        "HV1  16                    65536             True"]


def test_switch_view_shows_name_type_and_nic():
    assert backend().run("Get-VMSwitch").text.splitlines()[1:4] == [
        "Name     SwitchType NetAdapterInterfaceDescription",
        "----     ---------- ------------------------------",
        "External External   Mgmt"]


def test_adapter_object_matches_labstate():
    lab = backend()
    adapter = lab.run("Get-VMNetworkAdapter VM1").output[0]
    state = lab.snapshot().vm("VM1").NetworkAdapters[0]
    assert adapter.type_names[0] == "Microsoft.HyperV.PowerShell.VMNetworkAdapter"
    assert (adapter["Name"], adapter["SwitchName"], adapter["NotMonitoredInCluster"], adapter["Connected"]) == (
        state.Name, state.SwitchName, state.NotMonitoredInCluster, state.Connected)
    assert adapter["VMName"] == "VM1" and adapter["IsManagementOs"] is False


def test_vm_properties_nest_adapters_and_disks():
    lab = backend()
    result = lab.run("(Get-VM VM1).NetworkAdapters[0].SwitchName; (Get-VM VM1).HardDrives[0].Path")
    assert result.output == ["External", "D:\\VMs\\VM1\\Virtual Hard Disks\\VM1.vhdx"]


def test_every_hyperv_cmdlet_has_help_with_a_synopsis_and_its_real_command_class():
    from engine.backends.emulated import hyperv_host, hyperv_move, hyperv_network, hyperv_vm
    from engine.powershell.registry import Registry
    mine = Registry()
    for module in (hyperv_host, hyperv_vm, hyperv_network, hyperv_move):
        module.register(mine)
    lab = backend()
    for cmdlet in mine.cmdlets():
        text = lab.run(f"Get-Help {cmdlet.name}").text
        assert cmdlet.synopsis and cmdlet.synopsis in text, cmdlet.name
        assert f"    {cmdlet.name} " in text.split("SYNTAX", 1)[1], cmdlet.name
        assert cmdlet.command_class == f"Microsoft.HyperV.PowerShell.Commands.{cmdlet.name.replace('-', '')}Command"
        assert cmdlet.module == "Hyper-V"
