"""The seed article's whole workflow, typed as one PowerShell script an administrator would run.

Prepare standalone hosts for live migration; move a clustered VM's storage onto a CSV; live- then
quick-migrate it; a shared-nothing move that needs processor compatibility and a switch substitution; storage
migration of a running VM; drain on shutdown. The lab is tests/backends/seed-lab.yaml.
"""
from pathlib import Path

import pytest

from engine.backends.emulated import EmulatedBackend
from engine.commands.ps import load_topology

SCRIPT = r'''
# Prepare the standalone hosts: enable, authentication, simultaneous migrations, incoming subnet.
Enable-VMMigration -ComputerName HV3, HV4
Set-VMHost -ComputerName HV3, HV4 -VirtualMachineMigrationAuthenticationType CredSSP -MaximumVirtualMachineMigrations 4
Add-VMMigrationNetwork -ComputerName HV3, HV4 -Subnet 10.0.5.0/24
# Cluster: storage onto the CSV first, then a live and a quick migration.
Move-VMStorage -ComputerName HV1 -VMName APP1 -DestinationStoragePath C:\ClusterStorage\Volume1\APP1
Move-ClusterVirtualMachineRole -Name APP1 -Node HV2 -MigrationType Live | Out-Null
Move-ClusterVirtualMachineRole -Name APP1 -Node HV1 -MigrationType Quick | Out-Null
# Shared-nothing from HV3 (signed in here, CredSSP) to HV4: older CPU and another switch name.
Stop-VM WEB1 -Force
Set-VMProcessor WEB1 -CompatibilityForMigrationEnabled $true
Start-VM WEB1
$report = Compare-VM -Name WEB1 -DestinationHost HV4 -IncludeStorage -DestinationStoragePath D:\VMs\WEB1
$report.Incompatibilities | Select-Object -ExpandProperty Message
$report.Incompatibilities[0].Source | Connect-VMNetworkAdapter -SwitchName Production
Move-VM -CompatibilityReport $report
# Storage migration of the running VM, on its new host.
Move-VMStorage -ComputerName HV4 -VMName WEB1 -DestinationStoragePath C:\VMs\WEB1
# Drain on shutdown: the cluster live-migrates APP1 off HV1 before it goes down.
(Get-Cluster CLU1).DrainOnShutdown
Stop-Computer -ComputerName HV1 -Force
'''


@pytest.fixture
def backend():
    topology, problems = load_topology(str(Path(__file__).with_name("seed-lab.yaml")))
    assert problems == []
    return EmulatedBackend.from_topology(topology)


def test_the_whole_seed_workflow_runs_without_an_error(backend):
    result = backend.run(SCRIPT)
    assert result.errors == [], result.text
    assert result.text.splitlines() == ["Could not find Ethernet switch 'External'.", "1"]


def test_the_workflow_leaves_the_lab_where_the_article_says(backend):
    backend.run(SCRIPT)
    state = backend.snapshot()
    for name in ("HV3", "HV4"):
        host = state.host(name)
        assert host.VirtualMachineMigrationEnabled is True
        assert host.MaximumVirtualMachineMigrations == 4
        assert [n.Subnet for n in host.MigrationNetworks] == ["10.0.5.0/24"]
    web = state.vm("WEB1")
    assert (web.ComputerName, web.State, web.Path) == ("HV4", "Running", "C:\\VMs\\WEB1")
    assert web.NetworkAdapters[0].SwitchName == "Production"
    assert web.Processor.CompatibilityForMigrationEnabled is True
    app = state.vm("APP1")
    assert app.Path == "C:\\ClusterStorage\\Volume1\\APP1"
    assert app.ComputerName == "HV2" and app.State == "Running"


def test_live_moves_keep_the_vm_up_and_quick_migration_does_not(backend):
    backend.run(SCRIPT)
    jobs = [(j.Kind, j.VMName, j.Source, j.Destination, j.Reason) for j in backend.snapshot().Jobs]
    assert jobs == [("storage", "APP1", "HV1", "HV1", "user"), ("live", "APP1", "HV1", "HV2", "user"),
                    ("quick", "APP1", "HV2", "HV1", "user"), ("shared-nothing", "WEB1", "HV3", "HV4", "user"),
                    ("storage", "WEB1", "HV4", "HV4", "user"), ("live", "APP1", "HV1", "HV2", "shutdown")]
    by_kind = {j.Kind: j for j in backend.snapshot().Jobs}
    assert by_kind["live"].DowntimeSeconds < 1
    assert by_kind["quick"].DowntimeSeconds == pytest.approx(by_kind["quick"].TotalSeconds, rel=0.05)
    assert by_kind["shared-nothing"].TotalSeconds > by_kind["live"].TotalSeconds
