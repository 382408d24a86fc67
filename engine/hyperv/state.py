"""The mutable world of an emulated lab: plain dataclasses, saved to and loaded from JSON exactly.

``World`` is the root; everything a rule needs hangs off it. Lookups that Windows would answer with a
"not found" error (:meth:`World.vm`, :meth:`World.host` …) raise the catalogued error. Units follow the topology
(memory in MB, disks in GB, link speeds in Gbit/s); :mod:`engine.hyperv.labstate` converts to PowerShell's units.
"""
from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from dataclasses import dataclass, field
from typing import Any

from engine.hyperv.catalogue import error

#: Namespace of the deterministic VM ids (uuid5 of the VM's name), so snapshots are reproducible.
VM_ID_NAMESPACE = uuid.UUID("6f1c1d0e-4d1b-5b7e-9a59-70412a140000")

#: Get-VMHost defaults of a freshly installed host, by OS (reference §1).
DEFAULT_VM_PATH = "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V"
DEFAULT_VHD_PATH = "C:\\Users\\Public\\Documents\\Hyper-V\\Virtual Hard Disks"


def vm_id(seed: str) -> str:
    """The deterministic VM id for ``seed`` (a VM name, or name#n for imported copies)."""
    return str(uuid.uuid5(VM_ID_NAMESPACE, seed)).upper()


@dataclass
class NetAdapter:
    name: str
    ip: str
    speed_gbps: float = 1.0
    status: str = "Up"          # Up | Disconnected | Disabled (Get-NetAdapter Status)
    jumbo: bool = False


@dataclass
class VSwitch:
    name: str
    switch_type: str = "External"
    nic: str | None = None


@dataclass
class MigrationNetwork:
    subnet: str
    priority: int = 0


@dataclass
class HostSettings:
    """The Get-VMHost migration and path settings (defaults of a fresh host; see :mod:`hostsettings`)."""

    VirtualMachineMigrationEnabled: bool = False
    VirtualMachineMigrationAuthenticationType: str = "CredSSP"
    MaximumVirtualMachineMigrations: int = 2
    MaximumStorageMigrations: int = 2
    UseAnyNetworkForMigration: bool = False
    VirtualMachineMigrationPerformanceOption: str = "Compression"
    VirtualMachinePath: str = DEFAULT_VM_PATH
    VirtualHardDiskPath: str = DEFAULT_VHD_PATH


@dataclass
class Host:
    name: str
    domain: str | None = None
    os: str = "WindowsServer2012R2"
    cpu_vendor: str = "Intel"
    cpu_model: str = ""
    cpu_features: list[str] = field(default_factory=list)
    logical_processors: int = 8
    memory_mb: int = 32768
    reserved_mb: int = 0         # memory held outside VMs (the memory_exhausted fault raises it)
    volumes: list[str] = field(default_factory=lambda: ["C:"])
    nics: list[NetAdapter] = field(default_factory=list)
    switches: list[VSwitch] = field(default_factory=list)
    settings: HostSettings = field(default_factory=HostSettings)
    migration_networks: list[MigrationNetwork] = field(default_factory=list)
    storage_mb_s: float = 400.0
    online: bool = True

    def nic(self, name: str) -> NetAdapter:
        """The physical adapter called ``name`` (Get-NetAdapter semantics)."""
        for n in self.nics:
            if n.name.lower() == name.lower():
                return n
        raise error("netadapter.not_found", target=name, name=name)

    def switch(self, name: str) -> VSwitch | None:
        """The virtual switch called exactly ``name``, or None."""
        return next((s for s in self.switches if s.name == name), None)


@dataclass
class VHD:
    path: str
    size_gb: float = 40.0
    used_gb: float = 40.0
    passthrough: bool = False
    controller_type: str = "SCSI"
    controller_number: int = 0
    controller_location: int = 0


@dataclass
class Adapter:
    name: str = "Network Adapter"
    switch: str | None = None
    protected: bool = True


@dataclass
class Checkpoint:
    name: str
    path: str


@dataclass
class VM:
    name: str
    id: str
    host: str
    state: str = "Off"
    status: str = "Operating normally"
    memory_mb: int = 2048
    demand_mb: int = 2048
    dirty_rate_mb_s: float = 0.0
    generation: int = 2
    path: str = DEFAULT_VM_PATH
    snapshot_path: str = DEFAULT_VM_PATH
    smart_paging_path: str = DEFAULT_VM_PATH
    vhds: list[VHD] = field(default_factory=list)
    adapters: list[Adapter] = field(default_factory=list)
    compat_migration: bool = False
    compat_older_os: bool = False
    processor_count: int = 1
    checkpoints: list[Checkpoint] = field(default_factory=list)
    processor_features: list[str] = field(default_factory=list)
    cluster: str | None = None
    priority: str = "Medium"

    def adapter(self, name: str | None) -> Adapter:
        """The adapter called ``name`` (the first one when None)."""
        for a in self.adapters:
            if name is None or a.name.lower() == name.lower():
                return a
        raise error("adapter.not_found", target=name or "", name=name or "", vm=self.name)

    def config_file(self) -> str:
        """Where the configuration file lives (2012 R2 keeps it as <Id>.xml under 'Virtual Machines')."""
        return f"{self.path}\\Virtual Machines\\{self.id}.xml"


@dataclass
class ClusterNode:
    name: str
    state: str = "Up"                   # Up | Down | Paused
    drain_status: str = "NotInitiated"  # NotInitiated | InProgress | Completed | Failed


@dataclass
class ClusterNetwork:
    name: str
    subnet: str
    role: str = "ClusterAndClient"
    live_migration: bool = True


@dataclass
class Cluster:
    name: str
    nodes: list[ClusterNode] = field(default_factory=list)
    shared_volumes: list[str] = field(default_factory=list)
    drain_on_shutdown: int = 1
    settings: dict[str, int] = field(default_factory=dict)
    networks: list[ClusterNetwork] = field(default_factory=list)

    def node(self, name: str) -> ClusterNode:
        """The node called ``name`` (case-insensitive)."""
        for n in self.nodes:
            if n.name.lower() == name.lower():
                return n
        raise error("cluster.node_not_found", target=name, name=name, cluster=self.name)


@dataclass
class SmbShare:
    path: str
    allowed: list[str] = field(default_factory=list)


@dataclass
class File:
    """A file of the file-system model; ``config`` holds a VM definition for configuration files."""

    path: str
    size_gb: float = 0.0
    config: dict | None = None


@dataclass
class Pass:
    index: int
    bytes: float
    seconds: float
    final: bool = False


@dataclass
class Job:
    """One long operation on the simulated clock; ``plan`` is what completion applies (see :mod:`jobs`).

    ``result_vm_id`` is the Id of the VM a completed import created (or a completed move moved): find it with
    ``lab.get_vm_by_id(job.result_vm_id, job.destination)`` — an imported copy may share its name with another VM.
    """

    id: int
    kind: str                     # live | quick | shared-nothing | storage | move | export | import
    vm: str
    source: str
    destination: str
    state: str = "Queued"         # Queued | Running | Completed | Failed
    reason: str = "user"          # user | drain | network-health | shutdown
    cluster: str | None = None
    queued_at: float = 0.0
    start: float | None = None
    end: float | None = None
    total_s: float = 0.0
    downtime_s: float = 0.0
    bytes_sent: float = 0.0
    passes: list[Pass] = field(default_factory=list)
    error_id: str | None = None
    error_message: str | None = None
    link: str = ""
    timing: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)
    result_vm_id: str | None = None
    operation: str = ""           # the cmdlet that created the job, and where it ran (for the event log)
    computer: str | None = None


@dataclass
class Event:
    """One failed attempt to change the lab (the event log): an operation's LabError or a failed job.

    ``operation`` is the cmdlet (``Move-VM``), ``computer`` where it ran, ``error_id`` the catalogue id,
    ``event_id`` the Windows event id where the catalogue has one, ``message`` the error's first line.
    """

    id: int
    time: float
    operation: str
    computer: str | None
    target: str
    error_id: str
    event_id: int | None
    message: str


#: How many events the world keeps (the newest); older ones are dropped like a full Windows event log's.
EVENT_LOG_SIZE = 200


@dataclass
class World:
    """Everything in one lab. ``files`` maps a location key (see :mod:`storage`) to a file."""

    name: str = ""
    domains: dict[str, list[str]] = field(default_factory=dict)
    hosts: list[Host] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    smb_shares: list[SmbShare] = field(default_factory=list)
    delegation: dict[str, list[str]] = field(default_factory=dict)
    vms: list[VM] = field(default_factory=list)
    files: dict[str, File] = field(default_factory=dict)
    logon: str = "remote"
    clock: float = 0.0
    jobs: list[Job] = field(default_factory=list)
    next_job_id: int = 1
    next_copy: int = 1
    events: list[Event] = field(default_factory=list)
    next_event_id: int = 1

    def host(self, name: str) -> Host:
        """The host called ``name`` (case-insensitive), or the catalogued not-found error."""
        for h in self.hosts:
            if h.name.lower() == name.lower():
                return h
        raise error("host.not_found", target=name, name=name)

    def vm(self, name: str, computer: str | None = None) -> VM:
        """The VM called ``name``, looked up on ``computer`` when given (Get-VM semantics)."""
        for v in self.vms:
            if v.name.lower() == name.lower() and (computer is None or v.host.lower() == computer.lower()):
                return v
        raise error("vm.not_found", target=name, name=name)

    def cluster(self, name: str) -> Cluster:
        """The cluster called ``name``."""
        for c in self.clusters:
            if c.name.lower() == name.lower():
                return c
        raise error("cluster.not_found", target=name, name=name)

    def cluster_of(self, host: str) -> Cluster | None:
        """The cluster ``host`` is a node of, if any."""
        for c in self.clusters:
            if any(n.name.lower() == host.lower() for n in c.nodes):
                return c
        return None

    def vms_on(self, host: str) -> list[VM]:
        """VMs registered on ``host``, in lab order."""
        return [v for v in self.vms if v.host.lower() == host.lower()]

    def record(self, operation: str, computer: str | None, target: str, error_id: str, event_id: int | None,
               message: str) -> Event:
        """Append a failed attempt to the event log (keeping the newest :data:`EVENT_LOG_SIZE`)."""
        first = next((line for line in message.splitlines() if line.strip()), "")
        event = Event(self.next_event_id, self.clock, operation, computer, target, error_id, event_id, first)
        self.next_event_id += 1
        self.events.append(event)
        del self.events[:-EVENT_LOG_SIZE]
        return event

    def job(self, id: int) -> Job:
        """The job with ``id``."""
        return next(j for j in self.jobs if j.id == id)


# --- JSON: a generic, exact converter over the dataclasses above -------------------------------------------------

def to_data(world: World) -> dict:
    """The world as JSON-ready data."""
    return dataclasses.asdict(world)


def from_data(data: dict) -> World:
    """Rebuild a world from :func:`to_data` output."""
    return _build(World, data, {})


def _build(tp: Any, value: Any, hints: dict) -> Any:
    """``value`` rebuilt as type ``tp``; ``hints`` caches each dataclass's resolved field types for one call."""
    origin = typing.get_origin(tp)
    if value is None:
        return None
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(inner[0], value, hints)
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_build(item, v, hints) for v in value]
    if origin is dict:
        _, item = typing.get_args(tp)
        return {k: _build(item, v, hints) for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        if tp not in hints:
            hints[tp] = typing.get_type_hints(tp)
        own = hints[tp]
        return tp(**{f.name: _build(own[f.name], value[f.name], hints)
                     for f in dataclasses.fields(tp) if f.name in value})
    return value


def build_vm(data: dict) -> VM:
    """A VM from its :func:`dataclasses.asdict` form (configuration files and job plans keep VMs so)."""
    return _build(VM, data, {})
