"""Failover Clustering cmdlets on the emulated backend, typed as an administrator types them on a node."""
from __future__ import annotations

import functools

from engine.backends.emulated import EmulatedBackend
from engine.backends.emulated import cluster as module
from engine.content.loader import load_catalog
from engine.powershell.registry import Registry


@functools.cache
def _topology(name: str):
    return load_catalog().topology(name)


def cluster(name: str = "two-node-cluster") -> EmulatedBackend:
    """A fresh lab of a shipped topology (the learner is signed in on HV1)."""
    return EmulatedBackend.from_topology(_topology(name))


def with_standalone_vm2() -> EmulatedBackend:
    """two-node-cluster where VM2 is not (yet) a clustered role."""
    t = _topology("two-node-cluster")
    vms = [t.vms[0], t.vms[1].model_copy(update={"cluster": None})]
    return EmulatedBackend.from_topology(t.model_copy(update={"vms": vms}))


def error_text(result) -> str:
    assert result.had_errors
    return "\n".join(line.rstrip() for line in result.text.strip("\n").splitlines())


# --- Get-Cluster and DrainOnShutdown ------------------------------------------------------------------------
def test_get_cluster_shows_the_local_cluster():
    result = cluster().run("Get-Cluster")
    assert result.text == "\nName\n----\nCLU1\n\n\n"
    assert result.output[0].type_name == "Microsoft.FailoverClusters.PowerShell.Cluster"
    assert result.output[0]["DrainOnShutdown"] == 1


def test_drain_on_shutdown_is_set_by_assignment():
    backend = cluster()
    result = backend.run("(Get-Cluster).DrainOnShutdown = 0; (Get-Cluster).DrainOnShutdown")
    assert not result.had_errors
    assert result.output == [0]
    assert backend.snapshot().cluster("CLU1").DrainOnShutdown == 0


def test_drain_on_shutdown_rejects_other_values():
    backend = cluster()
    result = backend.run("(Get-Cluster).DrainOnShutdown = 5")
    assert error_text(result) == (
        'Exception setting "DrainOnShutdown": "The value 5 is not valid for DrainOnShutdown on cluster "CLU1": it '
        'must be 0 or 1."\nAt line:1 char:1\n+ (Get-Cluster).DrainOnShutdown = 5\n+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n'
        "    + CategoryInfo          : NotSpecified: (:) [], SetValueInvocationException\n"
        "    + FullyQualifiedErrorId : ExceptionWhenSetting")
    assert backend.snapshot().cluster("CLU1").DrainOnShutdown == 1


def test_get_cluster_by_name_from_a_workstation():
    result = cluster().run("Get-Cluster -Name CLU1", host="remote")
    assert [o["Name"] for o in result.output] == ["CLU1"]


def test_get_cluster_outside_a_cluster_fails():
    result = cluster().run("Get-Cluster", host="remote")
    assert result.errors[0].lab_error.id == "cluster.not_found"
    assert error_text(result) == (
        'Get-Cluster : The cluster "(this computer)" was not found.\nAt line:1 char:1\n+ Get-Cluster\n'
        "+ ~~~~~~~~~~~\n    + CategoryInfo          : ObjectNotFound: (:) [Get-Cluster], ClusterCmdletException\n"
        "    + FullyQualifiedErrorId : ClusterNotFound,Microsoft.FailoverClusters.PowerShell.GetClusterCommand")


# --- nodes, groups, volumes, networks, resources ---------------------------------------------------------------
def test_get_cluster_node_table():
    result = cluster().run("Get-ClusterNode")
    assert result.text == "\nName ID State\n---- -- -----\nHV1  1  Up\nHV2  2  Up\n\n\n"
    assert [(o["State"], o["DrainStatus"]) for o in result.output] == [("Up", "NotInitiated")] * 2


def test_get_cluster_node_unknown_name():
    result = cluster().run("Get-ClusterNode HV9")
    assert result.errors[0].lab_error.id == "cluster.node_not_found"
    assert error_text(result) == (
        'Get-ClusterNode : The cluster node "HV9" was not found in cluster "CLU1".\nAt line:1 char:1\n'
        "+ Get-ClusterNode HV9\n+ ~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ObjectNotFound: (HV9:String) [Get-ClusterNode], ClusterCmdletException\n"
        "    + FullyQualifiedErrorId : ClusterNodeNotFound,Microsoft.FailoverClusters.PowerShell.GetClusterNodeCommand")


def test_get_cluster_group_table():
    result = cluster().run("Get-ClusterGroup")
    assert result.text == ("\nName OwnerNode State\n---- --------- -----\nVM1  HV1       Online\n"
                           "VM2  HV1       Online\n\n\n")
    assert result.output[1]["Priority"] == 1000  # VM2 is a Low priority role


def test_get_cluster_group_of_a_node_from_the_pipeline():
    backend = cluster("three-node-cluster")
    result = backend.run("Get-ClusterNode HV2 | Get-ClusterGroup")
    assert [o["Name"] for o in result.output] == ["VM3"]


def test_get_cluster_group_unknown_name():
    result = cluster().run("Get-ClusterGroup VM9")
    assert result.errors[0].lab_error.id == "cluster.group_not_found"
    assert result.errors[0].render().splitlines()[0] == 'Get-ClusterGroup : The cluster group "VM9" was not found.'


def test_get_cluster_shared_volume_table():
    result = cluster().run("Get-ClusterSharedVolume")
    assert result.text == "\nName           State  Node\n----           -----  ----\nCluster Disk 1 Online HV1\n\n\n"
    assert result.output[0]["SharedVolumeInfo"][0]["FriendlyVolumeName"] == "C:\\ClusterStorage\\Volume1"


def test_get_cluster_network_states():
    result = cluster().run("Get-ClusterNetwork")
    assert [(o["Name"], o["State"], o["Role"]) for o in result.output] == [
        ("Cluster Network 1", "Up", "ClusterAndClient"), ("Cluster Network 2", "Up", "Cluster"),
        ("Cluster Network 3", "Up", "Cluster")]


def test_get_cluster_resource_of_a_group():
    result = cluster().run("Get-ClusterGroup VM1 | Get-ClusterResource")
    assert result.text == (
        "\nName                              State  Group ResourceType\n"
        "----                              -----  ----- ------------\n"
        "Virtual Machine VM1               Online VM1   Virtual Machine\n"
        "Virtual Machine Configuration VM1 Online VM1   Virtual Machine Configuration\n\n\n")


# --- Move-ClusterVirtualMachineRole ---------------------------------------------------------------------------
def test_move_role_live_migrates_and_outputs_the_group():
    backend = cluster()
    result = backend.run("Move-ClusterVirtualMachineRole -Name VM1 -Node HV2")
    assert result.text == "\nName OwnerNode State\n---- --------- -----\nVM1  HV2       Online\n\n\n"
    state = backend.snapshot()
    assert (state.vm("VM1").ComputerName, state.vm("VM1").State) == ("HV2", "Running")
    assert (state.Jobs[-1].Kind, state.Jobs[-1].DowntimeSeconds < 1) == ("live", True)


def test_move_role_quick_migration():
    backend = cluster()
    backend.run("Move-ClusterVirtualMachineRole VM1 HV2 -MigrationType Quick")
    state = backend.snapshot()
    assert (state.vm("VM1").ComputerName, state.vm("VM1").State, state.Jobs[-1].Kind) == ("HV2", "Running", "quick")


def test_move_role_from_the_pipeline_with_wait_0_returns_at_once():
    backend = cluster()
    result = backend.run("Get-ClusterGroup VM1 | Move-ClusterVirtualMachineRole -Node HV2 -Wait 0")
    assert result.output[0]["OwnerNode"] == "HV1"
    assert backend.snapshot().Jobs[-1].State == "Running"
    backend.run("Start-Sleep -Seconds 300")
    assert backend.snapshot().vm("VM1").ComputerName == "HV2"


def test_move_role_by_vm_id():
    backend = cluster()
    vm_id = backend.snapshot().vm("VM2").Id
    backend.run(f"Move-ClusterVirtualMachineRole -VMId {vm_id} -Node HV2")
    assert backend.snapshot().vm("VM2").ComputerName == "HV2"


def test_move_role_to_a_paused_node_fails():
    backend = cluster()
    backend.run("Suspend-ClusterNode HV2")
    result = backend.run("Move-ClusterVirtualMachineRole VM1 HV2")
    assert result.errors[0].lab_error.id == "cluster.node_not_up"
    assert error_text(result) == (
        'Move-ClusterVirtualMachineRole : The cluster node "HV2" is Paused; a role can move only to a node that is '
        "Up.\nAt line:1 char:1\n+ Move-ClusterVirtualMachineRole VM1 HV2\n+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : NotSpecified: (HV2:String) [Move-ClusterVirtualMachineRole], "
        "ClusterCmdletException\n"
        "    + FullyQualifiedErrorId : Move-ClusterVirtualMachineRole,Microsoft.FailoverClusters.PowerShell.MoveClust"
        "erVirtualM\n    achineRoleCommand")
    assert backend.snapshot().vm("VM1").ComputerName == "HV1"


def test_move_role_of_an_unknown_group_fails():
    result = cluster().run("Move-ClusterVirtualMachineRole VM9 HV2")
    assert result.errors[0].lab_error.id == "cluster.group_not_found"


def test_move_role_rejects_an_unknown_migration_type():
    result = cluster().run("Move-ClusterVirtualMachineRole VM1 HV2 -MigrationType Fast")
    assert result.errors[0].fqid == ("CannotConvertArgumentNoMessage,"
                                     "Microsoft.FailoverClusters.PowerShell.MoveClusterVirtualMachineRoleCommand")
    assert "TurnOff, Quick, Shutdown, ShutdownForce, Live" in result.errors[0].message


# --- Suspend-ClusterNode / Resume-ClusterNode -----------------------------------------------------------------
def test_suspend_with_drain_and_wait_moves_every_role():
    backend = cluster()
    result = backend.run("Suspend-ClusterNode -Name HV1 -Drain -Wait")
    assert (result.output[0]["State"], result.output[0]["DrainStatus"]) == ("Paused", "Completed")
    state = backend.snapshot()
    assert [v.ComputerName for v in state.VMs] == ["HV2", "HV2"]
    assert [j.Kind for j in state.Jobs] == ["live", "quick"]  # VM1 is Medium priority, VM2 Low


def test_suspend_with_drain_returns_while_the_drain_runs():
    backend = cluster()
    result = backend.run("Suspend-ClusterNode HV1 -Drain")
    assert result.output[0]["DrainStatus"] == "InProgress"
    result = backend.run("Start-Sleep 600; (Get-ClusterNode HV1).DrainStatus")
    assert result.output == ["Completed"]


def test_suspend_drains_to_the_target_node():
    backend = cluster("three-node-cluster")
    backend.run("Suspend-ClusterNode HV1 HV3 -Drain -Wait")
    state = backend.snapshot()
    assert (state.vm("VM1").ComputerName, state.vm("VM2").ComputerName) == ("HV3", "HV3")


def test_suspend_whatif_changes_nothing():
    backend = cluster()
    result = backend.run("Suspend-ClusterNode HV1 -Drain -WhatIf")
    assert result.text == 'What if: Performing operation "Suspend-ClusterNode" on Target "HV1".\n'
    assert backend.snapshot().cluster("CLU1").Nodes[0].State == "Up"


def test_suspend_a_paused_node_fails():
    backend = cluster()
    result = backend.run("Suspend-ClusterNode HV2 | Out-Null; Suspend-ClusterNode HV2")
    assert result.errors[0].lab_error.id == "cluster.invalid_node_transition"
    assert result.errors[0].render().splitlines()[0] == (
        'Suspend-ClusterNode : Cannot suspend cluster node "HV2" while it is Paused.')


def test_resume_from_the_pipeline():
    backend = cluster()
    result = backend.run("Suspend-ClusterNode HV2 | Out-Null; Get-ClusterNode HV2 | Resume-ClusterNode")
    assert result.text == "\nName ID State\n---- -- -----\nHV2  2  Up\n\n\n"
    assert backend.snapshot().cluster("CLU1").Nodes[1].State == "Up"


def test_resume_with_immediate_failback_brings_the_roles_back():
    backend = cluster()
    backend.run("Suspend-ClusterNode HV1 -Drain -Wait")
    backend.run("Resume-ClusterNode HV1 -Failback Immediate; Start-Sleep 600")
    assert [v.ComputerName for v in backend.snapshot().VMs] == ["HV1", "HV1"]


# --- Add-ClusterVirtualMachineRole ----------------------------------------------------------------------------
def test_add_role_from_get_vm():
    backend = with_standalone_vm2()
    result = backend.run("Get-VM VM2 | Add-ClusterVirtualMachineRole")
    assert result.text == "\nName OwnerNode State\n---- --------- -----\nVM2  HV1       Online\n\n\n"
    assert backend.snapshot().vm("VM2").IsClustered


def test_add_role_by_virtual_machine_name():
    backend = with_standalone_vm2()
    backend.run("Add-ClusterVirtualMachineRole -VirtualMachine VM2")
    assert [g.Name for g in backend.snapshot().cluster("CLU1").Groups] == ["VM1", "VM2"]


def test_add_role_twice_fails():
    result = cluster().run("Add-ClusterVirtualMachineRole -VMName VM1")
    assert result.errors[0].lab_error.id == "cluster.already_clustered"
    assert result.errors[0].fqid == ("Add-ClusterVirtualMachineRole,"
                                     "Microsoft.FailoverClusters.PowerShell.AddClusterVirtualMachineRoleCommand")


def test_move_role_of_a_vm_piped_from_get_vm_binds_its_vm_id():
    backend = cluster()
    backend.run("Get-VM VM1 | Move-ClusterVirtualMachineRole -Node HV2")
    assert backend.snapshot().vm("VM1").ComputerName == "HV2"


def test_suspend_cluster_node_takes_only_nodes_from_the_pipeline():
    backend = cluster()
    result = backend.run("Get-ClusterGroup VM1 | Suspend-ClusterNode")
    assert result.errors[0].fqid == ("InputObjectNotBound,"
                                     "Microsoft.FailoverClusters.PowerShell.SuspendClusterNodeCommand")
    assert [n.State for n in backend.snapshot().cluster("CLU1").Nodes] == ["Up", "Up"]


# --- live migration networks ----------------------------------------------------------------------------------
VM_TYPE = "Get-ClusterResourceType 'Virtual Machine'"


def test_live_migration_networks_are_parameters_of_the_virtual_machine_resource_type():
    backend = cluster()
    result = backend.run(f"$ids = @{{}}; Get-ClusterNetwork | ForEach-Object {{ $ids[$_.Id] = $_.Name }}; "
                         f"({VM_TYPE} | Get-ClusterParameter MigrationExcludeNetworks).Value -split ';' | "
                         "ForEach-Object { $ids[$_] }")
    assert result.output == ["Cluster Network 1"]  # live_migration: false in the topology


def test_set_cluster_parameter_excludes_networks_from_live_migration():
    backend = cluster()
    result = backend.run(f"{VM_TYPE} | Set-ClusterParameter -Name MigrationExcludeNetworks -Value "
                         "((Get-ClusterNetwork | Where-Object Name -ne 'Cluster Network 3').Id -join ';')")
    assert not result.had_errors, result.text
    assert [(n.Name, n.LiveMigration) for n in backend.snapshot().cluster("CLU1").Networks] == [
        ("Cluster Network 1", False), ("Cluster Network 2", False), ("Cluster Network 3", True)]


def test_set_cluster_parameter_unknown_name():
    backend = cluster()
    result = backend.run(f"{VM_TYPE} | Set-ClusterParameter -Name Foo -Value 1")
    assert result.errors[0].render().splitlines()[0] == (
        'Set-ClusterParameter : The cluster parameter "Foo" was not found in cluster "CLU1".')


def test_every_cmdlet_has_help():
    registry = Registry()
    module.register(registry)
    assert all(c.synopsis and c.syntax and c.syntax.startswith(c.name) for c in registry.cmdlets())


def test_get_help_shows_synopsis_and_syntax():
    text = cluster().run("Get-Help Suspend-ClusterNode").text
    assert "Pauses a cluster node; with -Drain its roles move to other nodes first" in text
    assert "Suspend-ClusterNode [[-Name] <StringCollection>] [-Drain] [-ForceDrain] [-Wait]" in text
