"""Faults a lab injects at setup for the learner to diagnose (``engine.content.models.Fault``).

Kinds: nic_down, switch_renamed, delegation_removed, cpu_vendor, memory_exhausted, node_down,
migration_disabled, share_access_removed. Each fault changes the world the way the real problem would, and the
usual rules then produce the usual errors (a renamed switch fails moves with the switch incompatibility, …).
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from engine.hyperv.caller import CallerMixin, operation
from engine.hyperv.catalogue import error
from engine.hyperv.cluster import node_transition
from engine.hyperv.state import World
from engine.hyperv.vms import ACTIVE_STATES, free_memory_mb

#: What a host of the other vendor looks like (model and the features its guests may use).
VENDOR_CPUS: Mapping[str, tuple[str, tuple[str, ...]]] = MappingProxyType({
    "Intel": ("Xeon E5-2670 v2", ("sse4_2", "avx", "aes")),
    "AMD": ("Opteron 6376", ("sse4_2", "avx", "aes", "fma4", "xop")),
})


def _fields(fault: Any, kwargs: dict) -> dict:
    if fault is None:
        return dict(kwargs)
    if hasattr(fault, "model_dump"):
        return fault.model_dump()
    return dict(fault)


class FaultsMixin(CallerMixin):
    """``inject`` of :class:`engine.hyperv.lab.Lab`."""

    world: World

    @operation("Fault injection")
    def inject(self, fault: Any = None, **kwargs: Any) -> None:
        """Inject one fault: an ``engine.content.models.Fault`` (or a dict), or the same fields as keywords."""
        f = _fields(fault, kwargs)
        kind = f["kind"]
        handler = getattr(self, f"_fault_{kind}", None)
        if handler is None:
            raise error("fault.unknown", target=str(kind), kind=kind)
        handler(self.world.host(f["host"]), f)

    def _fault_nic_down(self, host, f: dict) -> None:
        host.nic(f["nic"]).status = "Disconnected"  # a pulled cable: the adapter is enabled but has no link
        self._network_changed(host)

    def _fault_switch_renamed(self, host, f: dict) -> None:
        self.rename_switch(f["switch"], f["new_name"], computer_name=host.name)

    def _fault_delegation_removed(self, host, f: dict) -> None:
        service = f.get("service")
        self.remove_delegation(host.name, [service] if service else None)

    def _fault_cpu_vendor(self, host, f: dict) -> None:
        vendor = f["vendor"]
        host.cpu_vendor = vendor
        host.cpu_model, features = VENDOR_CPUS[vendor]
        host.cpu_features = list(features)
        for vm in self.world.vms_on(host.name):
            vm.processor_features = list(features)

    def _fault_memory_exhausted(self, host, f: dict) -> None:
        host.reserved_mb += free_memory_mb(self.world, host) - int(f["free_mb"])

    def _fault_node_down(self, host, f: dict) -> None:
        """A node failure: clustered VMs restart on the Up node with most free memory; others stop."""
        clu = self.world.cluster_of(host.name)
        if clu is None:
            raise error("cluster.node_not_found", target=host.name, name=host.name, cluster="(none)")
        node_transition(clu.node(host.name), "shutdown")
        host.online = False
        for job in [j for j in self.world.jobs if j.state in ("Queued", "Running")
                    and host.name in (j.source, j.destination)]:
            self._fail(job, error("host.offline", target=host.name, name=host.name))
        for vm in self.world.vms_on(host.name):
            was_active = vm.state in ACTIVE_STATES
            vm.state, vm.status = "Off", "Operating normally"
            target = self._best_node(clu, host.name) if vm.cluster == clu.name else None
            if target is None:
                continue
            vm.host = target
            if was_active and free_memory_mb(self.world, self.world.host(target)) >= vm.memory_mb:
                vm.state = "Running"

    def _fault_migration_disabled(self, host, f: dict) -> None:
        host.settings.VirtualMachineMigrationEnabled = False

    def _fault_share_access_removed(self, host, f: dict) -> None:
        share = next((s for s in self.world.smb_shares if s.path.lower() == f["share"].lower()), None)
        if share is None:
            raise error("storage.path_not_found", target=f["share"], host=host.name, path=f["share"])
        share.allowed = [a for a in share.allowed if a.lower() != f"{host.name}$".lower()]
