"""LabState: what an administrator can observe with PowerShell, with PowerShell's property names.

A WinRM backend fills the same model from Get-VMHost, Get-VM, Get-VMSwitch, Get-NetAdapter, Get-Cluster*,
Get-ADComputer … on real hosts, so nothing here is emulator-only except the job log and the clock (the
emulator's Get-Job) and the event log (``Events``: failed attempts to change the lab; real hosts would need
event-log gathering, so the WinRM backend leaves it empty). Memory is in bytes as PowerShell returns it (MemoryStartup, MemoryCapacity). Lists are in a
deterministic order, so two snapshots of equal labs compare equal.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from engine.hyperv.cluster import GROUP_PRIORITY, network_state
from engine.hyperv.jobs import progress
from engine.hyperv.state import World

MB = 2**20


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class MigrationNetworkState(_Model):
    Subnet: str
    Priority: int


class SwitchState(_Model):
    Name: str
    SwitchType: str
    NetAdapterInterfaceDescription: str | None


class NetAdapterState(_Model):
    Name: str
    Status: str
    LinkSpeed: str
    IPAddress: str


class ProcessorInfo(_Model):
    """Win32_Processor's Manufacturer and Name (feature flags are not observable from PowerShell)."""

    Manufacturer: str
    Name: str


class HostState(_Model):
    Name: str
    Domain: str | None
    OperatingSystem: str
    Online: bool
    VirtualMachineMigrationEnabled: bool
    VirtualMachineMigrationAuthenticationType: str
    MaximumVirtualMachineMigrations: int
    MaximumStorageMigrations: int
    UseAnyNetworkForMigration: bool
    VirtualMachineMigrationPerformanceOption: str
    VirtualMachinePath: str
    VirtualHardDiskPath: str
    LogicalProcessorCount: int
    MemoryCapacity: int
    MigrationNetworks: list[MigrationNetworkState]
    Switches: list[SwitchState]
    NetAdapters: list[NetAdapterState]
    Processor: ProcessorInfo


class VMProcessorState(_Model):
    CompatibilityForMigrationEnabled: bool
    CompatibilityForOlderOperatingSystemsEnabled: bool
    Count: int


class VMNetworkAdapterState(_Model):
    Name: str
    SwitchName: str | None
    NotMonitoredInCluster: bool
    Connected: bool


class HardDriveState(_Model):
    Path: str
    ControllerType: str
    ControllerNumber: int
    ControllerLocation: int


class CheckpointState(_Model):
    Name: str
    Path: str


class VMInfo(_Model):
    Name: str
    ComputerName: str
    State: str
    Status: str
    MemoryStartup: int
    MemoryAssigned: int
    MemoryDemand: int
    Generation: int
    Path: str
    ConfigurationLocation: str
    SnapshotFileLocation: str
    SmartPagingFilePath: str
    Id: str
    IsClustered: bool
    Processor: VMProcessorState
    NetworkAdapters: list[VMNetworkAdapterState]
    HardDrives: list[HardDriveState]
    Checkpoints: list[CheckpointState]


class ClusterNodeState(_Model):
    Name: str
    State: str
    DrainStatus: str


class ClusterGroupState(_Model):
    Name: str
    OwnerNode: str
    State: str
    Priority: int
    GroupType: str


class SharedVolumeInfo(_Model):
    FriendlyVolumeName: str


class SharedVolumeState(_Model):
    Name: str
    State: str
    OwnerNode: str
    SharedVolumeInfo: list[SharedVolumeInfo]


class ClusterNetworkState(_Model):
    Name: str
    State: str
    Role: str
    Address: str
    LiveMigration: bool


class ClusterState(_Model):
    Name: str
    DrainOnShutdown: int
    Nodes: list[ClusterNodeState]
    Groups: list[ClusterGroupState]
    SharedVolumes: list[SharedVolumeState]
    Networks: list[ClusterNetworkState]


class ADComputerState(_Model):
    Name: str
    DNSHostName: str
    AllowedToDelegateTo: list[str] = Field(alias="msDS-AllowedToDelegateTo")


class SmbShareState(_Model):
    Path: str
    AccountName: list[str]


class PassState(_Model):
    Index: int
    Bytes: float
    Seconds: float
    Final: bool


class JobState(_Model):
    Id: int
    Kind: str
    VMName: str
    Source: str
    Destination: str
    State: str
    Reason: str
    SubmittedTime: float
    StartTime: float | None
    EndTime: float | None
    TotalSeconds: float
    DowntimeSeconds: float
    BytesSent: float
    PercentComplete: float
    Passes: list[PassState]
    ErrorId: str | None


class EventState(_Model):
    """One failed attempt to change the lab (emulator-only: real hosts would need event-log gathering)."""

    Id: int
    Time: float
    Operation: str
    Computer: str | None
    Target: str
    ErrorId: str
    EventId: int | None
    Message: str


class LabState(_Model):
    """The observable lab. Serialise with ``model_dump(by_alias=True)`` / ``model_dump_json(by_alias=True)``."""

    Hosts: list[HostState]
    VMs: list[VMInfo]
    Clusters: list[ClusterState]
    ADComputers: list[ADComputerState]
    SmbShares: list[SmbShareState]
    Jobs: list[JobState]
    Clock: float
    Events: list[EventState] = []

    def host(self, name: str) -> HostState:
        """The host called ``name``."""
        return next(h for h in self.Hosts if h.Name.lower() == name.lower())

    def vm(self, name: str) -> VMInfo:
        """The (first) VM called ``name``."""
        return next(v for v in self.VMs if v.Name.lower() == name.lower())

    def cluster(self, name: str) -> ClusterState:
        """The cluster called ``name``."""
        return next(c for c in self.Clusters if c.Name.lower() == name.lower())


def _speed(gbps: float) -> str:
    return f"{gbps:g} Gbps" if gbps >= 1 else f"{gbps * 1000:g} Mbps"


def _host(h) -> HostState:
    s = h.settings
    return HostState(
        Name=h.name, Domain=h.domain, OperatingSystem=h.os, Online=h.online,
        VirtualMachineMigrationEnabled=s.VirtualMachineMigrationEnabled,
        VirtualMachineMigrationAuthenticationType=s.VirtualMachineMigrationAuthenticationType,
        MaximumVirtualMachineMigrations=s.MaximumVirtualMachineMigrations,
        MaximumStorageMigrations=s.MaximumStorageMigrations, UseAnyNetworkForMigration=s.UseAnyNetworkForMigration,
        VirtualMachineMigrationPerformanceOption=s.VirtualMachineMigrationPerformanceOption,
        VirtualMachinePath=s.VirtualMachinePath, VirtualHardDiskPath=s.VirtualHardDiskPath,
        LogicalProcessorCount=h.logical_processors, MemoryCapacity=h.memory_mb * MB,
        MigrationNetworks=[MigrationNetworkState(Subnet=n.subnet, Priority=n.priority)
                           for n in sorted(h.migration_networks, key=lambda n: (n.priority, n.subnet))],
        Switches=[SwitchState(Name=w.name, SwitchType=w.switch_type, NetAdapterInterfaceDescription=w.nic)
                  for w in sorted(h.switches, key=lambda w: w.name)],
        NetAdapters=[NetAdapterState(Name=n.name, Status=n.status, LinkSpeed=_speed(n.speed_gbps), IPAddress=n.ip)
                     for n in sorted(h.nics, key=lambda n: n.name)],
        Processor=ProcessorInfo(Manufacturer="GenuineIntel" if h.cpu_vendor == "Intel" else "AuthenticAMD",
                                Name=h.cpu_model),
    )


def _vm(v) -> VMInfo:
    active = v.state in ("Running", "Paused")
    return VMInfo(
        Name=v.name, ComputerName=v.host, State=v.state, Status=v.status, MemoryStartup=v.memory_mb * MB,
        MemoryAssigned=v.memory_mb * MB if active else 0, MemoryDemand=min(v.demand_mb, v.memory_mb) * MB if
        v.state == "Running" else 0, Generation=v.generation, Path=v.path, ConfigurationLocation=v.path,
        SnapshotFileLocation=v.snapshot_path, SmartPagingFilePath=v.smart_paging_path, Id=v.id,
        IsClustered=v.cluster is not None,
        Processor=VMProcessorState(CompatibilityForMigrationEnabled=v.compat_migration,
                                   CompatibilityForOlderOperatingSystemsEnabled=v.compat_older_os,
                                   Count=v.processor_count),
        NetworkAdapters=[VMNetworkAdapterState(Name=a.name, SwitchName=a.switch, NotMonitoredInCluster=not a.protected,
                                               Connected=a.switch is not None) for a in v.adapters],
        HardDrives=[HardDriveState(Path=d.path, ControllerType=d.controller_type, ControllerNumber=d.controller_number,
                                   ControllerLocation=d.controller_location) for d in v.vhds],
        Checkpoints=[CheckpointState(Name=c.name, Path=c.path) for c in v.checkpoints],
    )


def _cluster(world: World, c) -> ClusterState:
    hosts = [world.host(n.name) for n in c.nodes]
    owner = next((n.name for n in c.nodes if n.state == "Up"), c.nodes[0].name if c.nodes else "")
    groups = [v for v in world.vms if v.cluster == c.name]
    return ClusterState(
        Name=c.name, DrainOnShutdown=c.drain_on_shutdown,
        Nodes=[ClusterNodeState(Name=n.name, State=n.state, DrainStatus=n.drain_status) for n in c.nodes],
        Groups=[ClusterGroupState(Name=v.name, OwnerNode=v.host,
                                  State="Online" if v.state in ("Running", "Paused") else "Offline",
                                  Priority=GROUP_PRIORITY[v.priority], GroupType="VirtualMachine")
                for v in sorted(groups, key=lambda v: v.name)],
        SharedVolumes=[SharedVolumeState(Name=f"Cluster Disk {i}", State="Online", OwnerNode=owner,
                                         SharedVolumeInfo=[SharedVolumeInfo(FriendlyVolumeName=p)])
                       for i, p in enumerate(c.shared_volumes, start=1)],
        Networks=[ClusterNetworkState(Name=n.name, State=network_state(hosts, n.subnet), Role=n.role,
                                      Address=n.subnet.split("/")[0], LiveMigration=n.live_migration)
                  for n in c.networks],
    )


def _job(j, now: float) -> JobState:
    return JobState(
        Id=j.id, Kind=j.kind, VMName=j.vm, Source=j.source, Destination=j.destination, State=j.state,
        Reason=j.reason, SubmittedTime=j.queued_at, StartTime=j.start, EndTime=j.end, TotalSeconds=j.total_s,
        DowntimeSeconds=j.downtime_s, BytesSent=j.bytes_sent, PercentComplete=progress(j, now),
        Passes=[PassState(Index=p.index, Bytes=p.bytes, Seconds=p.seconds, Final=p.final) for p in j.passes],
        ErrorId=j.error_id,
    )


def snapshot(world: World) -> LabState:
    """Observe ``world`` as PowerShell would show it."""
    return LabState(
        Hosts=[_host(h) for h in sorted(world.hosts, key=lambda h: h.name)],
        VMs=[_vm(v) for v in sorted(world.vms, key=lambda v: (v.name, v.id))],
        Clusters=[_cluster(world, c) for c in sorted(world.clusters, key=lambda c: c.name)],
        ADComputers=[ADComputerState(Name=h.name, DNSHostName=f"{h.name}.{h.domain}",
                                     AllowedToDelegateTo=list(world.delegation.get(h.name, [])))
                     for h in sorted(world.hosts, key=lambda h: h.name) if h.domain],
        SmbShares=[SmbShareState(Path=s.path, AccountName=list(s.allowed))
                   for s in sorted(world.smb_shares, key=lambda s: s.path)],
        Jobs=[_job(j, world.clock) for j in world.jobs],
        Clock=world.clock,
        Events=[EventState(Id=e.id, Time=e.time, Operation=e.operation, Computer=e.computer, Target=e.target,
                           ErrorId=e.error_id, EventId=e.event_id, Message=e.message) for e in world.events],
    )
