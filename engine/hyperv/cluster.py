"""Failover clusters: clustered live and quick migration, node states, drain, drain on shutdown, network health.

- Move-ClusterVirtualMachineRole: the destination node must be Up; Live keeps the VM running (a pause of
  milliseconds), Quick saves it, moves ownership and restores it (downtime). Live migrations past a host's limit
  are queued, never refused. Clustered moves need no delegation: the cluster service runs them over the cluster
  networks enabled for live migration.
- Node lifecycle (:data:`NODE_TRANSITIONS`): Up ⇄ Paused (Suspend-/Resume-ClusterNode), Up/Paused → Down
  (shutdown), Down → Up (start). Draining moves roles by priority: High and Medium live, Low quick.
- Drain on shutdown (2012 R2, DrainOnShutdown = 1): shutting down a node that is not paused drains it first;
  otherwise the offline action (Save) saves each VM and the cluster restores it on another node.
- VM network health protection (2012 R2): when a node loses the external network of a protected adapter, the VM
  live-migrates to a node where that switch's network is up; with none, it stays. Queued moves are cancelled
  when the network comes back.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from engine.errors import LabError
from engine.hyperv.caller import Caller, CallerMixin, operation
from engine.hyperv.catalogue import error
from engine.hyperv.compat import CompatibilityReport, planned, switch_incompatibilities
from engine.hyperv.hostsettings import in_subnet
from engine.hyperv.migration import (
    check_memory, check_not_busy, check_processor, check_storage_shared, live_timing,
)
from engine.hyperv.state import VM, Cluster, ClusterNode, Host, Job
from engine.hyperv.vms import ACTIVE_STATES, free_memory_mb, transition

#: (node state, action) -> new state.
NODE_TRANSITIONS: Mapping[tuple[str, str], str] = MappingProxyType({
    ("Up", "suspend"): "Paused",
    ("Paused", "resume"): "Up",
    ("Up", "shutdown"): "Down",
    ("Paused", "shutdown"): "Down",
    ("Down", "start"): "Up",
})

#: -MigrationType values of Move-ClusterVirtualMachineRole, by lower-case key.
MIGRATION_TYPES: Mapping[str, str] = MappingProxyType({
    "live": "Live", "quick": "Quick", "turnoff": "TurnOff", "shutdown": "Shutdown", "shutdownforce": "ShutdownForce"})

#: ClusterGroup.Priority values shown by Get-ClusterGroup.
GROUP_PRIORITY: Mapping[str, int] = MappingProxyType({"High": 3000, "Medium": 2000, "Low": 1000, "NoAutoStart": 0})
_DRAIN_ORDER = ("High", "Medium", "Low", "NoAutoStart")


def node_transition(node: ClusterNode, action: str) -> None:
    """Apply ``action`` to ``node`` or raise ``cluster.invalid_node_transition``."""
    new_state = NODE_TRANSITIONS.get((node.state, action))
    if new_state is None:
        raise error("cluster.invalid_node_transition", target=node.name, action=action, node=node.name,
                    state=node.state)
    node.state = new_state


def network_state(hosts: list[Host], subnet: str) -> str:
    """Get-ClusterNetwork State: Up when every running node has an up NIC on it, Down when none, else Partitioned."""
    up = [any(n.status == "Up" and in_subnet(n, subnet) for n in h.nics) for h in hosts if h.online]
    if up and all(up):
        return "Up"
    return "Partitioned" if any(up) else "Down"


def _switch_up(host: Host, switch_name: str) -> bool:
    """True when ``host`` has this switch and, if it is External, its physical NIC is up."""
    switch = host.switch(switch_name)
    if switch is None:
        return False
    if switch.switch_type != "External" or switch.nic is None:
        return True
    return host.nic(switch.nic).status == "Up"


class ClusterMixin(CallerMixin):
    """Failover Clustering operations of :class:`engine.hyperv.lab.Lab`."""

    def _role(self, name: str, cluster: str | None) -> tuple[VM, Cluster]:
        try:
            vm = self.world.vm(name)
        except LabError:
            raise error("cluster.group_not_found", target=name, name=name) from None
        if vm.cluster is None:
            raise error("cluster.not_clustered", target=name, vm=vm.name)
        if cluster is not None and self.world.cluster(cluster).name != vm.cluster:
            raise error("cluster.group_not_found", target=name, name=name)
        return vm, self.world.cluster(vm.cluster)

    def _best_node(self, cluster: Cluster, exclude: str) -> str | None:
        """The Up node (not ``exclude``) with the most free memory; ties broken by name, for determinism."""
        nodes = [self.world.host(n.name) for n in cluster.nodes
                 if n.state == "Up" and n.name.lower() != exclude.lower()]
        nodes = [h for h in nodes if h.online]
        if not nodes:
            return None
        return min(nodes, key=lambda h: (-free_memory_mb(self.world, h), h.name)).name

    def _cluster_link(self, cluster: Cluster, source: Host, destination: Host) -> tuple[str, float]:
        for net in cluster.networks:
            if not net.live_migration:
                continue
            src = next((n for n in source.nics if n.status == "Up" and in_subnet(n, net.subnet)), None)
            dst = next((n for n in destination.nics if n.status == "Up" and in_subnet(n, net.subnet)), None)
            if src and dst:
                return f"{source.name}/{src.name}", min(src.speed_gbps, dst.speed_gbps)
        if not cluster.networks:
            # A cluster declared without networks: the first up NIC pair stands for its one network.
            src = next((n for n in source.nics if n.status == "Up"), None)
            if src is not None:
                return f"{source.name}/{src.name}", src.speed_gbps
        raise error("cluster.no_live_network", target=cluster.name, cluster=cluster.name, source=source.name,
                    dest=destination.name)

    def _check_role_move(self, vm: VM, cluster: Cluster, node: str) -> Host:
        state = cluster.node(node)
        if state.state != "Up":
            raise error("cluster.node_not_up", target=node, node=state.name, state=state.state)
        source, destination = self.world.host(vm.host), self.world.host(state.name)
        check_processor(vm, source, destination)
        check_storage_shared(self.world, vm, source, destination)
        check_memory(self.world, vm, destination)
        report = CompatibilityReport(planned(vm), "MoveVirtualMachine", destination.name,
                                     options={"source_vm": vm.id})
        report.incompatibilities = switch_incompatibilities(report.vm, destination)
        if report.incompatibilities:
            raise error("cluster.live_config_failed", target=vm.name, details={"report": report})
        return destination

    def _role_job(self, vm: VM, cluster: Cluster, node: str, migration_type: str, reason: str,
                  plan_extra: dict | None = None) -> Job:
        """Check and submit one role move (queued past the hosts' limits, as a cluster does)."""
        mode = migration_type.lower()
        if mode not in MIGRATION_TYPES:
            raise error("cluster.invalid_value", target=vm.name, value=migration_type, setting="MigrationType",
                        cluster=cluster.name, reason=f"expected one of {', '.join(MIGRATION_TYPES.values())}")
        check_not_busy(self.world, vm)
        destination = self._check_role_move(vm, cluster, node)
        source = self.world.host(vm.host)
        link = ""
        if mode in ("turnoff", "shutdown", "shutdownforce") and vm.state in ACTIVE_STATES:
            transition(vm, "stop")  # the role goes offline first; what moves is a stopped VM
        if vm.state not in ACTIVE_STATES:
            kind, timing = "quick", {"kind": "storage", "memory_mb": 0, "disk_gb": 0.0}
        elif mode == "live":
            link, gbps = self._cluster_link(cluster, source, destination)
            kind, timing = "live", live_timing(vm, source, gbps)
        else:
            kind = "quick"
            timing = {"kind": "quick", "memory_mb": vm.memory_mb, "demand_mb": min(vm.demand_mb, vm.memory_mb),
                      "os": source.os, "parallel": 1, "storage_mb_s": source.storage_mb_s}
        plan = {"op": "move_role", "vm_id": vm.id, "mode": mode} | (plan_extra or {})
        job = self._new_job(kind, vm.name, source.name, destination.name, timing=timing, plan=plan, link=link,
                            reason=reason, cluster=cluster.name)
        return self._submit(job, queue=True)

    @operation("Move-ClusterVirtualMachineRole")
    def move_cluster_vm_role(self, name: str, node: str | None = None, *, migration_type: str = "Live",
                             cluster: str | None = None, as_job: bool = False,
                             caller: Caller | None = None) -> Job | None:
        """Move-ClusterVirtualMachineRole: Live, Quick, or TurnOff/Shutdown/ShutdownForce (stop, then move).

        Without ``node`` the cluster picks the Up node with most free memory. Returns None when the role is
        already on ``node`` (nothing to do). ``as_job`` stands for ``-Wait 0``."""
        vm, clu = self._role(name, cluster)
        target = node or self._best_node(clu, vm.host)
        if target is None:
            raise error("cluster.node_not_up", target=vm.host, node="(any other node)", state="not available")
        if target.lower() == vm.host.lower():
            return None
        return self._block(self._role_job(vm, clu, target, migration_type, "user"), as_job)

    @operation("Add-ClusterVirtualMachineRole")
    def add_cluster_vm_role(self, vm_name: str, *, cluster: str | None = None,
                            caller: Caller | None = None) -> VM:
        """Add-ClusterVirtualMachineRole: make a VM on a node highly available (its group takes its name)."""
        vm = self.world.vm(vm_name)
        clu = self.world.cluster(cluster) if cluster else self.world.cluster_of(vm.host)
        if clu is None:
            raise error("cluster.node_not_found", target=vm.host, name=vm.host, cluster="(none)")
        clu.node(vm.host)
        if vm.cluster is not None:
            raise error("cluster.already_clustered", target=vm.name, vm=vm.name, cluster=vm.cluster)
        vm.cluster = clu.name
        return vm

    def _begin_move_role(self, job: Job) -> None:
        vm = self._vm_by_id(job.plan["vm_id"])
        node = self.world.cluster(job.cluster).node(job.destination)
        if node.state != "Up":
            raise error("cluster.node_not_up", target=node.name, node=node.name, state=node.state)
        if job.kind == "live":
            # A live migration reserves the destination's memory first, so it fails right at the start.
            check_memory(self.world, vm, self.world.host(job.destination))
        if job.kind == "quick" and vm.state in ACTIVE_STATES:
            transition(vm, "save")  # quick migration: the VM is down from here to the restore
            job.plan["restore"] = True
        else:
            vm.status = "Migrating"

    def _abort_move_role(self, job: Job) -> None:
        vm = self._vm_by_id(job.plan["vm_id"])
        vm.status = "Operating normally"

    def _finish_move_role(self, job: Job) -> None:
        vm = self._vm_by_id(job.plan["vm_id"])
        vm.host = job.destination
        vm.status = "Operating normally"
        if job.plan.get("restore"):
            # Quick migration finds a memory shortage only when the VM comes online on the new owner.
            if free_memory_mb(self.world, self.world.host(job.destination)) < vm.memory_mb:
                raise error("migration.insufficient_memory", target=vm.name)
            transition(vm, "start")

    # --- cluster properties ------------------------------------------------------------------------------------
    def _cluster_for(self, name: str | None, caller: Caller | None) -> Cluster:
        if name is not None:
            return self.world.cluster(name)
        here = self._caller(caller).computer
        found = self.world.cluster_of(here) if here else None
        if found is None:
            raise error("cluster.not_found", target=here or "", name=here or "(this computer)")
        return found

    @operation("Get-Cluster")
    def get_cluster(self, name: str | None = None, *, caller: Caller | None = None) -> Cluster:
        """Get-Cluster: the cluster named, else the cluster of the caller's computer."""
        return self._cluster_for(name, caller)

    @operation("(Get-Cluster).DrainOnShutdown")
    def set_cluster(self, name: str | None = None, *, drain_on_shutdown: int | None = None,
                    caller: Caller | None = None) -> Cluster:
        """Set cluster common properties (``(Get-Cluster).DrainOnShutdown = 0``); the cluster of the caller's
        computer when ``name`` is None."""
        clu = self._cluster_for(name, caller)
        if drain_on_shutdown is not None:
            if drain_on_shutdown not in (0, 1):
                raise error("cluster.invalid_value", target=clu.name, value=drain_on_shutdown,
                            setting="DrainOnShutdown", cluster=clu.name, reason="it must be 0 or 1")
            clu.drain_on_shutdown = int(drain_on_shutdown)
        return clu

    @operation("Live Migration Settings")
    def set_cluster_network(self, network: str, *, live_migration: bool | None = None, cluster: str | None = None,
                            caller: Caller | None = None) -> None:
        """Failover Cluster Manager > Networks > Live Migration Settings: include or exclude a cluster network."""
        clu = self._cluster_for(cluster, caller)
        found = next((n for n in clu.networks if n.name.lower() == network.lower()), None)
        if found is None:
            raise error("cluster.network_not_found", target=network, name=network, cluster=clu.name)
        if live_migration is not None:
            found.live_migration = bool(live_migration)

    # --- nodes -------------------------------------------------------------------------------------------------
    def _node(self, name: str, cluster: str | None) -> tuple[Cluster, ClusterNode]:
        clu = self.world.cluster(cluster) if cluster else self.world.cluster_of(name)
        if clu is None:
            raise error("cluster.node_not_found", target=name, name=name, cluster=cluster or "(none)")
        return clu, clu.node(name)

    def _drain(self, clu: Cluster, node: ClusterNode, target_node: str | None, reason: str) -> list[Job]:
        """Move every role off ``node`` by priority: High/Medium live, Low quick, stopped roles by ownership."""
        node.drain_status = "InProgress"
        tag = {"drain": node.name, "drain_id": self.world.next_job_id}
        roles = [v for v in self.world.vms_on(node.name) if v.cluster == clu.name]
        roles.sort(key=lambda v: _DRAIN_ORDER.index(v.priority))
        jobs, failed = [], False
        for vm in roles:
            target = target_node or self._best_node(clu, node.name)
            mode = "Live" if vm.priority in ("High", "Medium") else "Quick"
            try:
                if target is None:
                    raise error("cluster.node_not_up", target=node.name, node="(any other node)",
                                state="not available")
                jobs.append(self._role_job(vm, clu, target, mode, reason, tag))
            except LabError:
                failed = True
        if not jobs:
            node.drain_status = "Failed" if failed else "Completed"
        elif failed:
            node.drain_status = "Failed"
        return jobs

    def _after_job(self, job: Job) -> None:
        drain_id = job.plan.get("drain_id")
        if drain_id is None:
            return
        node = self.world.cluster(job.cluster).node(job.plan["drain"])
        mine = [j for j in self.world.jobs if j.plan.get("drain_id") == drain_id]
        if node.drain_status == "InProgress" and all(j.state in ("Completed", "Failed") for j in mine):
            node.drain_status = "Failed" if any(j.state == "Failed" for j in mine) else "Completed"

    @operation("Suspend-ClusterNode")
    def suspend_node(self, name: str, *, drain: bool = False, target_node: str | None = None,
                     wait: bool = False, cluster: str | None = None, caller: Caller | None = None) -> ClusterNode:
        """Suspend-ClusterNode: pause the node; with ``drain`` move its roles off (``wait`` blocks until done)."""
        clu, node = self._node(name, cluster)
        node_transition(node, "suspend")
        if drain:
            for job in self._drain(clu, node, target_node, "drain"):
                if wait:
                    self.wait(job)
        return node

    @operation("Resume-ClusterNode")
    def resume_node(self, name: str, *, failback: str | None = None, cluster: str | None = None,
                    caller: Caller | None = None) -> ClusterNode:
        """Resume-ClusterNode; ``failback="Immediate"`` moves drained roles back (live for running ones)."""
        clu, node = self._node(name, cluster)
        node_transition(node, "resume")
        node.drain_status = "NotInitiated"
        if failback == "Immediate":
            drained = [j for j in self.world.jobs if j.plan.get("drain") == node.name and j.state == "Completed"]
            for job in drained:
                vm = self._vm_by_id(job.plan["vm_id"])
                if vm.host == job.destination:
                    self._role_job(vm, clu, node.name, "Live" if job.kind == "live" else "Quick", "failback")
        return node

    @operation("Stop-Computer")
    def shutdown_host(self, computer_name: str, *, caller: Caller | None = None) -> list[Job]:
        """Stop-Computer on a host. A cluster node on 2012 R2 with DrainOnShutdown = 1 that is not paused is
        drained first (live migrations); otherwise clustered VMs are saved and restored elsewhere (quick)."""
        host = self._target_host(computer_name, caller)
        # Windows lets moves in flight to or from the host finish before it goes down.
        for job in [j for j in self.world.jobs if j.state in ("Queued", "Running")
                    and host.name in (j.source, j.destination)]:
            self.wait(job)
        clu = self.world.cluster_of(host.name)
        jobs: list[Job] = []
        if clu is not None:
            node = clu.node(host.name)
            if node.state == "Up" and clu.drain_on_shutdown == 1 and host.os == "WindowsServer2012R2":
                jobs = self._drain(clu, node, None, "shutdown")
                for job in jobs:
                    self.wait(job)
            node_transition(node, "shutdown")
            for vm in [v for v in self.world.vms_on(host.name) if v.cluster == clu.name]:
                target = self._best_node(clu, host.name)
                if target is None:
                    if vm.state in ACTIVE_STATES:
                        transition(vm, "save")
                    continue
                try:
                    jobs.append(self._role_job(vm, clu, target, "Quick", "shutdown"))
                except LabError:
                    if vm.state in ACTIVE_STATES:
                        transition(vm, "save")
        for vm in self.world.vms_on(host.name):
            if vm.cluster is None and vm.state in ACTIVE_STATES:
                transition(vm, "save")  # the automatic stop action of a standalone VM is Save
        host.online = False
        return jobs

    @operation("Start the computer")
    def start_host(self, computer_name: str, *, caller: Caller | None = None) -> Host:
        """Power a host on; a cluster node comes back Up."""
        host = self.world.host(computer_name)
        host.online = True
        clu = self.world.cluster_of(host.name)
        if clu is not None:
            node = clu.node(host.name)
            node_transition(node, "start")
            node.drain_status = "NotInitiated"
        return host

    # --- VM network health protection ---------------------------------------------------------------------------
    def _network_changed(self, host: Host) -> None:
        clu = self.world.cluster_of(host.name)
        if clu is None or host.os != "WindowsServer2012R2" or clu.node(host.name).state != "Up":
            return
        for job in self.world.jobs:
            # Surplus moves still queued are cancelled once the network they fled is back.
            if (job.state == "Queued" and job.reason == "network-health" and job.source == host.name
                    and not self._lost_networks(self._vm_by_id(job.plan["vm_id"]), host)):
                self._fail(job, error("cluster.migration_cancelled", target=job.vm, vm=job.vm))
        for vm in [v for v in self.world.vms_on(host.name) if v.cluster == clu.name and v.state == "Running"]:
            lost = self._lost_networks(vm, host)
            if not lost or any(j.vm == vm.name and j.state in ("Queued", "Running") for j in self.world.jobs):
                continue
            candidates = [self.world.host(n.name) for n in clu.nodes
                          if n.state == "Up" and n.name != host.name and self.world.host(n.name).online]
            good = [h for h in candidates if all(_switch_up(h, s) for s in lost)]
            if not good:
                continue
            target = min(good, key=lambda h: (-free_memory_mb(self.world, h), h.name))
            try:
                self._role_job(vm, clu, target.name, "Live", "network-health")
            except LabError:
                continue  # a VM that cannot move (memory, processor) stays where it is, as Windows leaves it

    def _lost_networks(self, vm: VM, host: Host) -> list[str]:
        """Switch names of ``vm``'s protected adapters whose external network is down on ``host``."""
        return sorted({a.switch for a in vm.adapters
                       if a.protected and a.switch is not None and host.switch(a.switch) is not None
                       and not _switch_up(host, a.switch)})
