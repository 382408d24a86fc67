"""The Lab facade: build from a topology, save/load JSON, observe, and every operation (from the mixins).

Each operation lives in the module of its concept (``migration``, ``storage``, ``exportimport``, ``cluster``,
``vms``, ``checkpoints``, ``hostsettings``, ``ad``, ``faults``, ``jobs``) as a mixin; :class:`Lab` only assembles
them around one :class:`~engine.hyperv.state.World`, which is the whole state (no module-level mutable state
anywhere).
"""
from __future__ import annotations

import json

from engine.content.topology import Topology
from engine.errors import LabError
from engine.hyperv.ad import ADMixin
from engine.hyperv.catalogue import error
from engine.hyperv.checkpoints import CheckpointsMixin
from engine.hyperv.cluster import ClusterMixin
from engine.hyperv.exportimport import ExportImportMixin
from engine.hyperv.faults import FaultsMixin
from engine.hyperv.files import place_vm
from engine.hyperv.hostsettings import HostSettingsMixin, defaults
from engine.hyperv.jobs import JobsMixin
from engine.hyperv.labstate import LabState, snapshot
from engine.hyperv.migration import MigrationMixin
from engine.hyperv.state import (
    VHD, VM, Adapter, Checkpoint, Cluster, ClusterNetwork, ClusterNode, Host, MigrationNetwork, NetAdapter,
    SmbShare, VSwitch, World, from_data, to_data, vm_id,
)
from engine.hyperv.storage import StorageMixin
from engine.hyperv.vms import VMsMixin


def _host(t) -> Host:
    host = Host(
        name=t.name, domain=t.domain, os=t.os, cpu_vendor=t.cpu.vendor, cpu_model=t.cpu.model,
        cpu_features=list(t.cpu.features), logical_processors=t.logical_processors, memory_mb=t.memory_mb,
        volumes=list(t.volumes), storage_mb_s=t.storage_mb_s,
        nics=[NetAdapter(n.name, n.ip, n.speed_gbps, "Up" if n.up else "Disconnected", n.jumbo) for n in t.nics],
        switches=[VSwitch(s.name, s.type, s.nic) for s in t.switches],
        migration_networks=[MigrationNetwork(m.subnet, m.priority) for m in t.migration_networks],
        settings=defaults(t.os),
    )
    for key, value in t.settings.items():
        setattr(host.settings, key, value)
    option = host.settings.VirtualMachineMigrationPerformanceOption
    if host.os == "WindowsServer2012" and option != "TCPIP":
        raise error("host.option_unsupported", target=host.name, option=option, host=host.name)
    return host


def _vm(t, host: Host) -> VM:
    path = t.path or host.settings.VirtualMachinePath
    controller = "SCSI" if t.generation == 2 else "IDE"
    return VM(
        name=t.name, id=vm_id(t.name), host=host.name, state=t.state, memory_mb=t.memory_mb,
        demand_mb=t.memory_demand_mb or t.memory_mb, dirty_rate_mb_s=t.dirty_rate_mb_s, generation=t.generation,
        path=path, snapshot_path=t.snapshot_path or path, smart_paging_path=t.smart_paging_path or path,
        vhds=[VHD(d.path, d.size_gb, d.size_gb if d.used_gb is None else d.used_gb, d.passthrough, controller,
                  0, i) for i, d in enumerate(t.vhds)],
        adapters=[Adapter(a.name, a.switch, a.protected) for a in t.adapters],
        compat_migration=t.processor.CompatibilityForMigrationEnabled,
        compat_older_os=t.processor.CompatibilityForOlderOperatingSystemsEnabled,
        processor_count=t.processor.Count,
        checkpoints=[Checkpoint(c.name, c.path or t.snapshot_path or path) for c in t.checkpoints],
        processor_features=list(host.cpu_features if t.processor_features is None else t.processor_features),
        cluster=None if t.cluster is None else t.cluster, priority=t.priority,
    )


class Lab(ClusterMixin, FaultsMixin, ExportImportMixin, StorageMixin, MigrationMixin, ADMixin, CheckpointsMixin,
          VMsMixin, HostSettingsMixin, JobsMixin):
    """An emulated Hyper-V lab. Build with :meth:`from_topology` or :meth:`from_json`.

    ClusterMixin comes first: it overrides the hooks ``_after_job`` (drains) and ``_network_changed``
    (network health protection) that JobsMixin and VMsMixin declare.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        # Failures of jobs by id, kept so a blocking call re-raises the full error; not part of the saved state.
        self._failures: dict[int, LabError] = {}
        # The outermost operation running (cmdlet, computer), for jobs it creates and the event log; not saved.
        self._context: tuple[str, str | None] | None = None

    @classmethod
    def from_topology(cls, topology: Topology) -> "Lab":
        """A fresh lab: hosts with Hyper-V defaults plus the topology's settings, clusters, shares, AD, VMs."""
        world = World(name=topology.name, logon=topology.learner.logon,
                      domains={d.name: list(d.trusts) for d in topology.domains})
        world.hosts = [_host(h) for h in topology.hosts]
        for c in topology.clusters:
            cluster = Cluster(
                name=c.name, nodes=[ClusterNode(world.host(n).name) for n in c.nodes],
                shared_volumes=list(c.shared_volumes), drain_on_shutdown=int(c.settings.get("DrainOnShutdown", 1)),
                settings={k: v for k, v in c.settings.items() if k != "DrainOnShutdown"},
                networks=[ClusterNetwork(n.name, n.subnet, n.role, n.live_migration) for n in c.networks])
            world.clusters.append(cluster)
        world.smb_shares = [SmbShare(s.path, list(s.allowed)) for s in topology.smb_shares]
        world.delegation = {world.host(k).name: list(v) for k, v in topology.ad.delegation.items()}
        for t in topology.vms:
            host = world.host(t.host)
            vm = _vm(t, host)
            if vm.cluster is not None:
                vm.cluster = world.cluster(vm.cluster).name
            world.vms.append(vm)
            place_vm(world, vm, host)
        return cls(world)

    def to_json(self) -> str:
        """The whole state as JSON (keys sorted, so equal states give equal text)."""
        return json.dumps(to_data(self.world), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Lab":
        """The lab :meth:`to_json` saved, exactly."""
        return cls(from_data(json.loads(text)))

    @classmethod
    def operations(cls) -> dict[str, tuple[str, ...]]:
        """Public methods and the cmdlets (or console actions) they implement, for the PowerShell bindings."""
        found = {}
        for name in dir(cls):
            names = getattr(getattr(cls, name), "operations", None)
            if names is not None:
                found[name] = names
        return found

    def snapshot(self) -> LabState:
        """The observable state (PowerShell property names), for checks."""
        return snapshot(self.world)
