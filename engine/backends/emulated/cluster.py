"""Failover Clustering cmdlets (the FailoverClusters module of Windows Server 2012 R2) over the emulated lab.

Get-Cluster, Get-ClusterNode, Get-ClusterGroup, Get-ClusterSharedVolume, Get-ClusterNetwork,
Get-ClusterResource, Get-ClusterResourceType and Get-ClusterParameter show the cluster as
:meth:`engine.hyperv.Lab.snapshot` holds it; Suspend-/Resume-ClusterNode, Move-ClusterVirtualMachineRole and
Add-ClusterVirtualMachineRole each call one operation of the lab's cluster mixin; ``(Get-Cluster).DrainOnShutdown
= 0`` runs the lab's ``set_cluster`` through a property setter; Set-ClusterParameter MigrationExcludeNetworks on
the "Virtual Machine" resource type (how Windows stores Live Migration Settings) runs ``set_cluster_network``.
Without ``-Cluster`` (or with ``-Cluster .``) a cmdlet addresses the cluster of the computer it runs on.
"""
from __future__ import annotations

import uuid
from typing import Any

from engine.backends.emulated.context import attempt, caller_of, lab_of, names
from engine.errors import LabError
from engine.hyperv.catalogue import error
from engine.hyperv.labstate import ClusterState
from engine.powershell.convert import ConversionError, to_integer, to_string
from engine.powershell.objects import PSObject
from engine.powershell.registry import Cmdlet, Param, Registry
from engine.powershell.views import Column

NS = "Microsoft.FailoverClusters.PowerShell"
CLUSTER, NODE, GROUP = f"{NS}.Cluster", f"{NS}.ClusterNode", f"{NS}.ClusterGroup"
CSV, NETWORK, RESOURCE = f"{NS}.ClusterSharedVolume", f"{NS}.ClusterNetwork", f"{NS}.ClusterResource"
RESOURCE_TYPE, PARAMETER = f"{NS}.ClusterResourceType", f"{NS}.ClusterParameter"
#: The resource types of a clustered VM; "Virtual Machine" carries the live-migration network settings.
VM_RESOURCE_TYPES = ("Virtual Machine", "Virtual Machine Configuration")
EXCLUDE = "MigrationExcludeNetworks"
MIGRATION_TYPES = ("TurnOff", "Quick", "Shutdown", "ShutdownForce", "Live")
FAILBACK = ("Immediate", "Policy", "NoFailback")
_NETWORK_IDS = uuid.UUID("3c1e4a52-7d0b-5e7f-8d3a-70412c1a0000")
_CLUSTER_PARAMS = (Param("InputObject", "psobject", pipeline=True), Param("Cluster", "string"))


def _command_class(cmdlet: str) -> str:
    return f"{NS}.{cmdlet.replace('-', '')}Command"


# --- objects -------------------------------------------------------------------------------------------------
def _cluster_state(ctx, name: str | None) -> ClusterState | None:
    """The snapshot of the cluster a cmdlet addresses (``name``, else the caller's), or None after an error."""
    lab = lab_of(ctx)
    found = attempt(ctx, lab.get_cluster, None if name in (None, ".") else name, caller=caller_of(ctx))
    return None if found is None else lab.snapshot().cluster(found.name)


def cluster_object(ctx, state: ClusterState) -> PSObject:
    """A ``Cluster`` whose DrainOnShutdown is settable: ``(Get-Cluster).DrainOnShutdown = 0``."""
    lab, caller = lab_of(ctx), caller_of(ctx)
    world = lab.world.cluster(state.Name)
    domain = lab.world.host(state.Nodes[0].Name).domain if state.Nodes else None

    def set_drain(value: Any) -> int:
        try:
            value = to_integer(value, "System.UInt32")
        except ConversionError:
            pass  # the lab rejects what is not 0 or 1 with its own message
        return lab.set_cluster(state.Name, drain_on_shutdown=value, caller=caller).drain_on_shutdown

    props = [("Name", state.Name), ("Domain", domain), ("DrainOnShutdown", state.DrainOnShutdown)]
    props += sorted(world.settings.items())
    return PSObject(props, [CLUSTER], setters={"DrainOnShutdown": set_drain}, ref=world)


def node_object(ctx, state: ClusterState, name: str) -> PSObject:
    """A ``ClusterNode`` (Id is its 1-based position, as Windows numbers the nodes it was formed with)."""
    index, node = next((i, n) for i, n in enumerate(state.Nodes) if n.Name.lower() == name.lower())
    ref = lab_of(ctx).world.cluster(state.Name).node(node.Name)
    return PSObject([("Name", node.Name), ("Id", str(index + 1)), ("State", node.State),
                     ("DrainStatus", node.DrainStatus), ("NodeName", node.Name), ("Cluster", state.Name)],
                    [NODE], ref=ref)


def group_object(ctx, state: ClusterState, name: str) -> PSObject:
    """The ``ClusterGroup`` of a clustered VM (the group takes the VM's name)."""
    group = next(g for g in state.Groups if g.Name.lower() == name.lower())
    return PSObject([("Name", group.Name), ("OwnerNode", group.OwnerNode), ("State", group.State),
                     ("Priority", group.Priority), ("GroupType", group.GroupType), ("IsCoreGroup", False),
                     ("Cluster", state.Name)], [GROUP], ref=lab_of(ctx).world.vm(group.Name))


def _csv_objects(state: ClusterState) -> list[PSObject]:
    return [PSObject([("Name", v.Name), ("State", v.State), ("OwnerNode", v.OwnerNode),
                      ("SharedVolumeInfo", [PSObject([("FriendlyVolumeName", i.FriendlyVolumeName)],
                                                     [f"{NS}.ClusterSharedVolumeInfo"]) for i in v.SharedVolumeInfo]),
                      ("Cluster", state.Name)], [CSV]) for v in state.SharedVolumes]


def network_id(cluster: str, network: str) -> str:
    """A cluster network's Id (deterministic, so a saved script naming it keeps working)."""
    return str(uuid.uuid5(_NETWORK_IDS, f"{cluster}/{network}".lower()))


def _network_objects(state: ClusterState) -> list[PSObject]:
    return [PSObject([("Name", n.Name), ("Id", network_id(state.Name, n.Name)), ("State", n.State),
                      ("Role", n.Role), ("Address", n.Address), ("Cluster", state.Name)], [NETWORK])
            for n in state.Networks]


def _resource_objects(state: ClusterState) -> list[PSObject]:
    """Each clustered VM's two resources: the VM and its configuration (as Failover Clustering creates them)."""
    out = []
    for g in state.Groups:
        for kind, online in zip(VM_RESOURCE_TYPES, (g.State, "Online")):
            out.append(PSObject([("Name", f"{kind} {g.Name}"), ("State", online), ("OwnerGroup", g.Name),
                                 ("ResourceType", kind), ("OwnerNode", g.OwnerNode), ("Cluster", state.Name)],
                                [RESOURCE]))
    return out


def _pick(ctx, objects: list[PSObject], wanted: list[str], missing) -> None:
    """Write the objects named in ``wanted`` (all when empty); ``missing(name)`` reports an unknown one."""
    if not wanted:
        ctx.write_output(objects, enumerate=True)
        return
    for name in wanted:
        found = [o for o in objects if o["Name"].lower() == name.lower()]
        if found:
            ctx.write_output(found, enumerate=True)
        else:
            missing(name)


def _input_cluster(params: dict) -> str | None:
    """-Cluster, or the cluster of a Cluster/ClusterNode/ClusterGroup piped in as -InputObject."""
    obj = params.get("InputObject")
    if isinstance(obj, PSObject) and obj.has("Cluster"):
        return obj["Cluster"]
    if isinstance(obj, PSObject) and CLUSTER in obj.type_names:
        return obj["Name"]
    return params.get("Cluster")


# --- Get-* ----------------------------------------------------------------------------------------------------
def get_cluster(ctx, params: dict) -> None:
    state = _cluster_state(ctx, params.get("Name") or _input_cluster(params))
    if state is not None:
        ctx.write_output(cluster_object(ctx, state))


def get_cluster_node(ctx, params: dict) -> None:
    state = _cluster_state(ctx, _input_cluster(params))
    if state is None:
        return
    nodes = [node_object(ctx, state, n.Name) for n in state.Nodes]
    _pick(ctx, nodes, names(params.get("Name")),
          lambda n: ctx.write_error(error("cluster.node_not_found", target=n, name=n, cluster=state.Name)))


def get_cluster_group(ctx, params: dict) -> None:
    state = _cluster_state(ctx, _input_cluster(params))
    if state is None:
        return
    groups = [group_object(ctx, state, g.Name) for g in state.Groups]
    obj = params.get("InputObject")
    if isinstance(obj, PSObject) and NODE in obj.type_names:  # Get-ClusterNode HV1 | Get-ClusterGroup
        groups = [g for g in groups if g["OwnerNode"].lower() == obj["Name"].lower()]
    _pick(ctx, groups, names(params.get("Name")),
          lambda n: ctx.write_error(error("cluster.group_not_found", target=n, name=n)))


def _not_found_text(ctx, kind: str, name: str, cluster: str) -> None:
    ctx.write_error(error("cluster.object_not_found", target=name, kind=kind, name=name, cluster=cluster))


def get_cluster_shared_volume(ctx, params: dict) -> None:
    state = _cluster_state(ctx, _input_cluster(params))
    if state is None:
        return
    _pick(ctx, _csv_objects(state), names(params.get("Name")),
          lambda n: _not_found_text(ctx, "shared volume", n, state.Name))


def get_cluster_network(ctx, params: dict) -> None:
    state = _cluster_state(ctx, _input_cluster(params))
    if state is None:
        return
    _pick(ctx, _network_objects(state), names(params.get("Name")),
          lambda n: ctx.write_error(error("cluster.network_not_found", target=n, name=n, cluster=state.Name)))


def get_cluster_resource(ctx, params: dict) -> None:
    state = _cluster_state(ctx, _input_cluster(params))
    if state is None:
        return
    resources = _resource_objects(state)
    obj = params.get("InputObject")
    if isinstance(obj, PSObject) and GROUP in obj.type_names:  # Get-ClusterGroup VM1 | Get-ClusterResource
        resources = [r for r in resources if r["OwnerGroup"].lower() == obj["Name"].lower()]
    _pick(ctx, resources, names(params.get("Name")), lambda n: _not_found_text(ctx, "resource", n, state.Name))


# --- live migration networks (Failover Cluster Manager > Networks > Live Migration Settings) ------------------
def get_cluster_resource_type(ctx, params: dict) -> None:
    state = _cluster_state(ctx, _input_cluster(params))
    if state is None:
        return
    types = [PSObject([("Name", t), ("DisplayName", t), ("Cluster", state.Name)], [RESOURCE_TYPE])
             for t in VM_RESOURCE_TYPES]
    _pick(ctx, types, names(params.get("Name")), lambda n: _not_found_text(ctx, "resource type", n, state.Name))


def _parameters(state: ClusterState, resource_type: str) -> list[PSObject]:
    """The private properties of a resource type the lab models: the VM type's live-migration networks."""
    if resource_type != "Virtual Machine":
        return []
    ids = {n.Name: network_id(state.Name, n.Name) for n in state.Networks}
    values = [(EXCLUDE, ";".join(ids[n.Name] for n in state.Networks if not n.LiveMigration)),
              ("MigrationNetworkOrder", ";".join(ids[n.Name] for n in state.Networks if n.LiveMigration))]
    return [PSObject([("ClusterObject", resource_type), ("Name", name), ("IsReadOnly", False),
                      ("ParameterType", "String"), ("Value", value)], [PARAMETER]) for name, value in values]


def get_cluster_parameter(ctx, params: dict) -> None:
    target = params["InputObject"]
    state = _cluster_state(ctx, target["Cluster"])
    if state is not None:
        _pick(ctx, _parameters(state, target["Name"]), names(params.get("Name")),
              lambda n: _not_found_text(ctx, "parameter", n, state.Name))


def set_cluster_parameter(ctx, params: dict) -> None:
    """Set-ClusterParameter MigrationExcludeNetworks on the "Virtual Machine" resource type: each cluster network
    whose Id is listed stops carrying live migrations, the others carry them."""
    target, lab = params["InputObject"], lab_of(ctx)
    state = _cluster_state(ctx, target["Cluster"])
    if state is None:
        return
    if target["Name"] != "Virtual Machine" or params["Name"].lower() != EXCLUDE.lower():
        _not_found_text(ctx, "parameter", params["Name"], state.Name)
        return
    value = params.get("Value")
    excluded = {i.strip().lower() for i in ";".join(to_string(v) for v in names(value)).split(";") if i.strip()}
    for network in state.Networks:
        live = network_id(state.Name, network.Name) not in excluded
        attempt(ctx, lab.set_cluster_network, network.Name, live_migration=live, cluster=state.Name,
                caller=caller_of(ctx))


# --- nodes ----------------------------------------------------------------------------------------------------
def _node_names(params: dict) -> list[str]:
    obj = params.get("InputObject")
    return [obj["Name"]] if obj is not None else names(params.get("Name"))


def _each_node(ctx, params: dict, operation, **options) -> None:
    """Run a node operation on each node named or piped in (this computer's by default); write each node."""
    lab, cluster = lab_of(ctx), _input_cluster(params)
    for name in _node_names(params) or [caller_of(ctx).computer or "."]:
        if not ctx.should_process(name, ctx.command_name):
            continue
        node = attempt(ctx, operation, name, cluster=None if cluster == "." else cluster, caller=caller_of(ctx),
                       **options)
        if node is not None:
            state = lab.snapshot().cluster(lab.world.cluster_of(node.name).name)
            ctx.write_output(node_object(ctx, state, node.name))


def suspend_cluster_node(ctx, params: dict) -> None:
    # -ForceDrain drains too: the lab has no forced variant, so a role that cannot move stays (Windows stops it).
    _each_node(ctx, params, lab_of(ctx).suspend_node, drain=bool(params.get("Drain") or params.get("ForceDrain")),
               target_node=params.get("TargetNode"), wait=bool(params.get("Wait")))


def resume_cluster_node(ctx, params: dict) -> None:
    _each_node(ctx, params, lab_of(ctx).resume_node, failback=params.get("Failback"))


# --- roles ----------------------------------------------------------------------------------------------------
def _vm_name_by_id(ctx, vm_id: str) -> str | None:
    found = next((v.Name for v in lab_of(ctx).snapshot().VMs if v.Id.lower() == vm_id.strip("{}").lower()), None)
    if found is None:
        ctx.write_error(error("cluster.group_not_found", target=vm_id, name=vm_id))
    return found


def move_cluster_vm_role(ctx, params: dict) -> None:
    lab, cluster = lab_of(ctx), params.get("Cluster")
    obj = params.get("InputObject")  # a ClusterGroup
    name = params.get("Name") or (obj["Name"] if obj is not None else None)
    if name is None and params.get("VMId"):
        name = _vm_name_by_id(ctx, params["VMId"])
    if name is None:
        return
    try:
        # -Wait 0 returns once the move has started; the lab cannot give up waiting after N seconds, so any other
        # -Wait blocks until the move ends.
        lab.move_cluster_vm_role(name, params.get("Node"), migration_type=params.get("MigrationType") or "Live",
                                 cluster=None if cluster == "." else cluster, as_job=params.get("Wait") == 0,
                                 caller=caller_of(ctx))
    except LabError as err:
        ctx.write_error(err)
        return
    vm = lab.world.vm(name)
    ctx.write_output(group_object(ctx, lab.snapshot().cluster(vm.cluster), vm.name))


def add_cluster_vm_role(ctx, params: dict) -> None:
    lab = lab_of(ctx)
    vm_name = params.get("VMName") or params.get("VirtualMachine")
    if vm_name is None and params.get("VMId"):
        vm_name = _vm_name_by_id(ctx, params["VMId"])
    if vm_name is None:
        return
    cluster = _input_cluster(params)
    vm = attempt(ctx, lab.add_cluster_vm_role, vm_name, cluster=None if cluster == "." else cluster,
                 caller=caller_of(ctx))
    if vm is not None:
        ctx.write_output(group_object(ctx, lab.snapshot().cluster(vm.cluster), vm.name))


# --- registration ---------------------------------------------------------------------------------------------
def _getter(name: str, impl, synopsis: str, noun: str) -> Cmdlet:
    return Cmdlet(name, _command_class(name), impl,
                  [Param("Name", "string[]", position=0), *_CLUSTER_PARAMS], module="FailoverClusters",
                  synopsis=synopsis,
                  syntax=f"{name} [[-Name] <StringCollection>] [-InputObject <PSObject>] [-Cluster <String>]",
                  output_type=noun)


def register(registry: Registry) -> None:
    """Register the Failover Clustering cmdlets and their default views."""
    cmdlets = [
        Cmdlet("Get-Cluster", _command_class("Get-Cluster"), get_cluster,
               [Param("Name", "string", position=0), Param("InputObject", "psobject", pipeline=True)],
               module="FailoverClusters", output_type=CLUSTER,
               synopsis="Gets a failover cluster: the local one, or the one named. Its DrainOnShutdown property "
                        "can be assigned.",
               syntax="Get-Cluster [[-Name] <String>] [-InputObject <PSObject>]"),
        _getter("Get-ClusterNode", get_cluster_node, "Lists the nodes of a cluster with their state (Up, Down, "
                "Paused) and drain status.", NODE),
        _getter("Get-ClusterGroup", get_cluster_group, "Lists the clustered roles (groups) of a cluster, with "
                "the node that owns each.", GROUP),
        _getter("Get-ClusterSharedVolume", get_cluster_shared_volume, "Lists the Cluster Shared Volumes of a "
                "cluster and the node that coordinates each.", CSV),
        _getter("Get-ClusterNetwork", get_cluster_network, "Lists the networks a cluster uses, with their state "
                "and role.", NETWORK),
        _getter("Get-ClusterResource", get_cluster_resource, "Lists the resources of a cluster (for a clustered "
                "VM: the virtual machine and its configuration).", RESOURCE),
        _getter("Get-ClusterResourceType", get_cluster_resource_type, "Lists the resource types of a cluster; "
                "the Virtual Machine type holds the live-migration network settings.", RESOURCE_TYPE),
        Cmdlet("Get-ClusterParameter", _command_class("Get-ClusterParameter"), get_cluster_parameter,
               [Param("Name", "string[]", position=0),
                Param("InputObject", "psobject", mandatory=True, pipeline=True, type_name=RESOURCE_TYPE),
                Param("Cluster", "string")], module="FailoverClusters", output_type=PARAMETER,
               synopsis="Shows the private properties of a cluster resource type, such as the networks live "
                        "migration must not use (MigrationExcludeNetworks).",
               syntax="Get-ClusterParameter [[-Name] <StringCollection>] -InputObject <PSObject> [-Cluster <String>]"),
        Cmdlet("Set-ClusterParameter", _command_class("Set-ClusterParameter"), set_cluster_parameter,
               [Param("Name", "string", mandatory=True, position=0), Param("Value", "object", position=1),
                Param("InputObject", "psobject", mandatory=True, pipeline=True, type_name=RESOURCE_TYPE),
                Param("Cluster", "string")], module="FailoverClusters",
               synopsis="Changes a private property of a cluster resource type; MigrationExcludeNetworks (network "
                        "Ids separated by ';') chooses the networks live migration avoids.",
               syntax="Set-ClusterParameter [-Name] <String> [[-Value] <PSObject>] -InputObject <PSObject> "
                      "[-Cluster <String>]"),
        Cmdlet("Suspend-ClusterNode", _command_class("Suspend-ClusterNode"), suspend_cluster_node,
               [Param("Name", "string[]", position=0), Param("TargetNode", "string", position=1),
                Param("Drain", "switch"), Param("ForceDrain", "switch"), Param("Wait", "switch"),
                Param("InputObject", "psobject", pipeline=True, type_name=NODE), Param("Cluster", "string")],
               module="FailoverClusters", supports_should_process=True, output_type=NODE,
               synopsis="Pauses a cluster node; with -Drain its roles move to other nodes first (-Wait blocks "
                        "until they have).",
               syntax="Suspend-ClusterNode [[-Name] <StringCollection>] [-Drain] [-ForceDrain] [-Wait] "
                      "[[-TargetNode] <String>] [-InputObject <PSObject>] [-Cluster <String>] [-WhatIf] [-Confirm]"),
        Cmdlet("Resume-ClusterNode", _command_class("Resume-ClusterNode"), resume_cluster_node,
               [Param("Name", "string[]", position=0),
                Param("Failback", "enum", position=1, values=FAILBACK,
                      type_name=f"{NS}.ResumeClusterNodeFailbackType"),
                Param("InputObject", "psobject", pipeline=True, type_name=NODE), Param("Cluster", "string")],
               module="FailoverClusters", output_type=NODE,
               synopsis="Brings a paused cluster node back into service; -Failback Immediate moves its drained "
                        "roles back.",
               syntax="Resume-ClusterNode [[-Name] <StringCollection>] [[-Failback] {Immediate | Policy | "
                      "NoFailback}] [-InputObject <PSObject>] [-Cluster <String>]"),
        Cmdlet("Move-ClusterVirtualMachineRole", _command_class("Move-ClusterVirtualMachineRole"),
               move_cluster_vm_role,
               [Param("Name", "string", position=0), Param("Node", "string", position=1),
                Param("MigrationType", "enum", values=MIGRATION_TYPES, type_name=f"{NS}.VmMigrationType"),
                Param("VMId", "string", pipeline_by_name=True), Param("Wait", "int"),
                Param("InputObject", "psobject", pipeline=True, type_name=GROUP), Param("Cluster", "string")],
               module="FailoverClusters", output_type=GROUP,
               synopsis="Moves a clustered virtual machine to another node (live migration unless -MigrationType "
                        "says otherwise).",
               syntax="Move-ClusterVirtualMachineRole [[-Name] <String>] [[-Node] <String>] [-MigrationType "
                      "{TurnOff | Quick | Shutdown | ShutdownForce | Live}] [-VMId <Guid>] [-Wait <Int32>] "
                      "[-InputObject <PSObject>] [-Cluster <String>]"),
        Cmdlet("Add-ClusterVirtualMachineRole", _command_class("Add-ClusterVirtualMachineRole"), add_cluster_vm_role,
               [Param("VMName", "string", position=0, pipeline_by_name=True),
                Param("VirtualMachine", "string", aliases=["VM"]), Param("VMId", "string", pipeline_by_name=True),
                Param("InputObject", "psobject", pipeline=True, type_name=CLUSTER), Param("Cluster", "string")],
               module="FailoverClusters", output_type=GROUP,
               synopsis="Makes a virtual machine on a cluster node highly available (a clustered role).",
               syntax="Add-ClusterVirtualMachineRole [[-VMName] <String>] [-VirtualMachine <String>] [-VMId <Guid>] "
                      "[-InputObject <PSObject>] [-Cluster <String>]"),
    ]
    for cmdlet in cmdlets:
        registry.register(cmdlet)
    views = registry.views
    views.table(CLUSTER, "Name")
    views.table(NODE, "Name", Column("ID", "Id"), "State")
    views.table(GROUP, "Name", "OwnerNode", "State")
    views.table(CSV, "Name", "State", Column("Node", "OwnerNode"))
    views.table(NETWORK, "Name", "State")
    views.table(RESOURCE, "Name", "State", Column("Group", "OwnerGroup"), "ResourceType")
    views.table(RESOURCE_TYPE, "Name", "DisplayName")
    views.table(PARAMETER, Column("Object", "ClusterObject"), "Name", "Value", Column("Type", "ParameterType"))
