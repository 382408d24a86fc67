"""The lab's topology as a Graphviz DOT graph, drawn from one :class:`~engine.hyperv.labstate.LabState`.

    topology_dot(state) -> str

A box per domain (hosts outside any domain sit in a "workgroup" box); inside it a box per host naming its CPU
vendor, its virtual switches and the VMs it runs; a cluster draws a dashed box around its nodes with its
cluster shared volumes; migration networks label the edges between hosts that both allow live migration. The
graph depends only on the state, so the app redraws it after every action and tests compare the text.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.hyperv.labstate import HostState, LabState

#: Per VM row in a host's box.
VMS_PER_ROW = 2
#: VM fill colour by state: a glance tells which VMs run (and so which moves are live).
VM_COLOURS = {"Running": "#c8e6c9", "Off": "#eeeeee", "Saved": "#fff9c4", "Paused": "#ffe0b2"}


def _q(text: str) -> str:
    """A DOT double-quoted string (names contain spaces, backslashes and dots)."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped + '"'


def _id(*parts: str) -> str:
    return _q(":".join(parts))


def _host_lines(host: "HostState", state: "LabState", indent: str, *, node: bool = False) -> list[str]:
    """The host's own box: its label (CPU vendor, migration on/off), its switches and its VMs. A cluster node
    moves its clustered VMs over the cluster's networks whatever its own Hyper-V setting says."""
    if node:
        migration = "cluster node"
    else:
        migration = "live migration on" if host.VirtualMachineMigrationEnabled else "live migration off"
    status = "" if host.Online else " (offline)"
    label = f"{host.Name}{status}\n{host.Processor.Manufacturer} · {migration}"
    lines = [f"{indent}subgraph {_q('cluster_host_' + host.Name)} {{",
             f"{indent}  label={_q(label)}; style=rounded; color={'black' if host.Online else 'red'};"]
    for switch in host.Switches:
        lines.append(f"{indent}  {_id('switch', host.Name, switch.Name)} "
                     f"[label={_q(switch.Name + ' (' + switch.SwitchType + ')')}, shape=cds, fillcolor=\"#bbdefb\"];")
    vms = [vm for vm in state.VMs if vm.ComputerName.lower() == host.Name.lower()]
    for vm in vms:
        colour = VM_COLOURS.get(vm.State, "#eeeeee")
        clustered = " · clustered" if vm.IsClustered else ""
        switches = {sw.Name.lower(): sw.Name for sw in host.Switches}
        # An adapter whose switch is not on this host is what a move to a host with other switch names leaves.
        missing = [a.SwitchName for a in vm.NetworkAdapters if a.SwitchName and a.SwitchName.lower() not in switches]
        label = f"{vm.Name}\n{vm.State}{clustered}" + "".join(f"\nno switch '{m}' here" for m in missing)
        lines.append(f"{indent}  {_id('vm', vm.Name)} [label={_q(label)}, shape=box, fillcolor={_q(colour)}"
                     f"{', color=red' if missing else ''}];")
        lines += [f"{indent}  {_id('switch', host.Name, switches[a.SwitchName.lower()])} -> {_id('vm', vm.Name)} "
                  "[arrowhead=none, color=gray55, constraint=false];"
                  for a in vm.NetworkAdapters if a.SwitchName and a.SwitchName.lower() in switches]
    # Invisible edges put at most two VMs side by side under the switch: a host with five VMs stays narrow
    # enough to read in the page's side column.
    above = [_id("switch", host.Name, host.Switches[0].Name)] * VMS_PER_ROW if host.Switches else []
    ids = above + [_id("vm", vm.Name) for vm in vms]
    lines += [f"{indent}  {a} -> {b} [style=invis];" for a, b in zip(ids, ids[VMS_PER_ROW:])]
    if not host.Switches and not vms:
        # An empty subgraph is not drawn at all; an invisible anchor keeps the host visible.
        lines.append(f"{indent}  {_id('anchor', host.Name)} [label=\"\", shape=point, style=invis];")
    lines.append(f"{indent}}}")
    return lines


def _anchor(host: "HostState", state: "LabState") -> str:
    """A node inside the host's box, to hang edges between hosts on."""
    if host.Switches:
        return _id("switch", host.Name, host.Switches[0].Name)
    vm = next((v for v in state.VMs if v.ComputerName.lower() == host.Name.lower()), None)
    return _id("vm", vm.Name) if vm else _id("anchor", host.Name)


def _migration_label(host: "HostState") -> str:
    if host.UseAnyNetworkForMigration:
        return "any network"
    return ", ".join(n.Subnet for n in sorted(host.MigrationNetworks, key=lambda n: n.Priority)) or "no network"


def topology_dot(state: "LabState") -> str:
    """The DOT text of the lab's current topology (see the module docstring)."""
    lines = ["digraph lab {", "  compound=true; rankdir=TB; fontname=Helvetica; fontsize=11;",
             "  node [fontname=Helvetica, fontsize=10, style=filled];", "  edge [fontname=Helvetica, fontsize=9];"]
    clustered = {node.Name.lower(): cluster for cluster in state.Clusters for node in cluster.Nodes}
    domains: dict[str, list] = {}
    for host in state.Hosts:
        domains.setdefault(host.Domain or "workgroup", []).append(host)
    for domain, hosts in domains.items():
        lines += [f"  subgraph {_q('cluster_domain_' + domain)} {{",
                  f"    label={_q(domain)}; style=dashed; color=gray40;"]
        drawn: set[str] = set()
        for cluster in state.Clusters:
            members = [h for h in hosts if clustered.get(h.Name.lower()) is cluster]
            if not members:
                continue
            volumes = ", ".join(v.SharedVolumeInfo[0].FriendlyVolumeName if v.SharedVolumeInfo else v.Name
                                for v in cluster.SharedVolumes)
            label = f"cluster {cluster.Name}" + (f"\nCSV: {volumes}" if volumes else "")
            lines += [f"    subgraph {_q('cluster_cluster_' + cluster.Name)} {{",
                      f"      label={_q(label)}; style=\"bold,dashed\"; color=\"#1565c0\";"]
            for host in members:
                lines += _host_lines(host, state, "      ", node=True)
                drawn.add(host.Name)
            lines.append("    }")
        for host in hosts:
            if host.Name not in drawn:
                lines += _host_lines(host, state, "    ")
        lines.append("  }")
    movers = [h for h in state.Hosts if h.VirtualMachineMigrationEnabled]
    for i, first in enumerate(movers):
        for second in movers[i + 1:]:
            if clustered.get(first.Name.lower()) is not None and \
                    clustered.get(first.Name.lower()) is clustered.get(second.Name.lower()):
                continue  # nodes of one cluster: drawn with the cluster's own networks below
            label = f"live migration: {_migration_label(first)} / {_migration_label(second)}"
            lines.append(f"  {_anchor(first, state)} -> {_anchor(second, state)} [dir=both, style=dashed, "
                         f"color=\"#2e7d32\", label={_q(label)}, ltail={_q('cluster_host_' + first.Name)}, "
                         f"lhead={_q('cluster_host_' + second.Name)}];")
    for cluster in state.Clusters:
        lines += _cluster_edges(cluster, state)
    lines.append("}")
    return "\n".join(lines)


def _cluster_edges(cluster, state: "LabState") -> list[str]:
    """Between consecutive nodes, the cluster networks that carry live migration."""
    hosts = {h.Name.lower(): h for h in state.Hosts}
    nodes = [hosts[n.Name.lower()] for n in cluster.Nodes if n.Name.lower() in hosts]
    networks = ", ".join(n.Address for n in cluster.Networks if n.LiveMigration) or "no network"
    return [f"  {_anchor(a, state)} -> {_anchor(b, state)} [dir=both, style=dashed, color=\"#1565c0\", "
            f"label={_q('cluster live migration: ' + networks)}, ltail={_q('cluster_host_' + a.Name)}, "
            f"lhead={_q('cluster_host_' + b.Name)}];" for a, b in zip(nodes, nodes[1:])]


__all__ = ["topology_dot", "VM_COLOURS"]
