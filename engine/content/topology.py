"""The topology file: a lab's hosts, domains, clusters, shares and VMs (a contract; see architecture.md).

Keys of the contract are never renamed; keys we added (``speed_gbps``, ``migration_networks``, ``networks``,
``priority``, ``processor_features``, ``description`` …) are optional with documented defaults.
"""
from __future__ import annotations

import ipaddress
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

OSVersion = Literal["WindowsServer2012", "WindowsServer2012R2"]
VMState = Literal["Running", "Off", "Saved", "Paused"]

#: Get-VMHost properties a topology may override under ``settings`` (other properties are derived state).
HOST_SETTINGS = {
    "VirtualMachineMigrationEnabled": bool,
    "VirtualMachineMigrationAuthenticationType": ("CredSSP", "Kerberos"),
    "MaximumVirtualMachineMigrations": int,
    "MaximumStorageMigrations": int,
    "UseAnyNetworkForMigration": bool,
    "VirtualMachineMigrationPerformanceOption": ("TCPIP", "Compression", "SMB"),
    "VirtualMachinePath": str,
    "VirtualHardDiskPath": str,
}

#: Cluster common properties a topology may set under ``settings``.
CLUSTER_SETTINGS = {
    "DrainOnShutdown": int,
    "SameSubnetDelay": int,
    "SameSubnetThreshold": int,
    "CrossSubnetDelay": int,
    "CrossSubnetThreshold": int,
}


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Domain(Strict):
    name: str
    trusts: list[str] = []


class CPU(Strict):
    vendor: Literal["Intel", "AMD"]
    model: str = ""
    features: list[str] = []


class NIC(Strict):
    name: str
    ip: str
    speed_gbps: float = Field(1.0, gt=0, description="link speed; the timing model derives migration rates from it")
    up: bool = True
    jumbo: bool = False

    @field_validator("ip")
    @classmethod
    def _cidr(cls, v: str) -> str:
        try:
            ipaddress.ip_interface(v)
        except ValueError:
            raise ValueError(f"'{v}' is not an IP address with prefix length, like 10.0.1.11/24") from None
        if "/" not in v:
            raise ValueError(f"'{v}' needs a prefix length, like {v}/24")
        return v


class Switch(Strict):
    name: str
    type: Literal["External", "Internal", "Private"] = "External"
    nic: str | None = None


class MigrationNetwork(Strict):
    subnet: str
    priority: int = Field(0, ge=0)

    @field_validator("subnet")
    @classmethod
    def _subnet(cls, v: str) -> str:
        try:
            ipaddress.ip_network(v, strict=False)
        except ValueError:
            raise ValueError(f"'{v}' is not a subnet, like 10.0.1.0/24") from None
        return v


class Host(Strict):
    name: str
    domain: str | None = None
    os: OSVersion = "WindowsServer2012R2"
    cpu: CPU = CPU(vendor="Intel")
    logical_processors: int = Field(8, gt=0)
    memory_mb: int = Field(32768, gt=0)
    volumes: list[str] = ["C:"]
    nics: list[NIC] = []
    switches: list[Switch] = []
    settings: dict[str, Any] = {}
    migration_networks: list[MigrationNetwork] = []
    storage_mb_s: float = Field(400.0, gt=0, description="sequential disk throughput for copies and saves")

    @field_validator("settings")
    @classmethod
    def _settings(cls, v: dict[str, Any]) -> dict[str, Any]:
        for key, value in v.items():
            if key not in HOST_SETTINGS:
                raise ValueError(f"'{key}' is not a settable Get-VMHost property; known: {', '.join(HOST_SETTINGS)}")
            kind = HOST_SETTINGS[key]
            if isinstance(kind, tuple) and value not in kind:
                raise ValueError(f"{key} must be one of {', '.join(kind)}, not '{value}'")
            if kind is bool and not isinstance(value, bool):
                raise ValueError(f"{key} must be true or false, not '{value}'")
            if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{key} must be a whole number, not '{value}'")
        return v

    @model_validator(mode="after")
    def _switch_nics(self) -> "Host":
        nic_names = {n.name for n in self.nics}
        for sw in self.switches:
            if sw.type == "External" and sw.nic is not None and sw.nic not in nic_names:
                raise ValueError(f"switch '{sw.name}' is bound to NIC '{sw.nic}', which host {self.name} does not have")
        return self


class ClusterNetwork(Strict):
    name: str
    subnet: str
    role: Literal["None", "Cluster", "ClusterAndClient"] = "ClusterAndClient"
    live_migration: bool = True


class Cluster(Strict):
    name: str
    nodes: list[str]
    shared_volumes: list[str] = []
    settings: dict[str, Any] = {}
    networks: list[ClusterNetwork] = []

    @field_validator("settings")
    @classmethod
    def _settings(cls, v: dict[str, Any]) -> dict[str, Any]:
        for key, value in v.items():
            if key not in CLUSTER_SETTINGS:
                raise ValueError(f"'{key}' is not a settable cluster property; known: {', '.join(CLUSTER_SETTINGS)}")
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{key} must be a whole number, not '{value}'")
        return v


class SmbShare(Strict):
    path: str
    allowed: list[str] = []


class AD(Strict):
    delegation: dict[str, list[str]] = {}


class VHD(Strict):
    path: str
    size_gb: float = Field(40.0, gt=0)
    used_gb: float | None = Field(None, ge=0, description="data actually stored (dynamic disks); defaults to size_gb")
    passthrough: bool = False


class Adapter(Strict):
    name: str = "Network Adapter"
    switch: str | None = None
    protected: bool = True


class Processor(Strict):
    CompatibilityForMigrationEnabled: bool = False
    CompatibilityForOlderOperatingSystemsEnabled: bool = False
    Count: int = Field(1, gt=0)


class Checkpoint(Strict):
    name: str
    path: str | None = None


class VM(Strict):
    name: str
    host: str
    state: VMState = "Off"
    memory_mb: int = Field(2048, gt=0)
    memory_demand_mb: int | None = Field(None, gt=0)
    dirty_rate_mb_s: float = Field(0.0, ge=0)
    generation: Literal[1, 2] = 2
    path: str | None = None
    vhds: list[VHD] = []
    adapters: list[Adapter] = []
    processor: Processor = Processor()
    checkpoints: list[Checkpoint] = []
    cluster: str | None = None
    priority: Literal["High", "Medium", "Low", "NoAutoStart"] = "Medium"
    processor_features: list[str] | None = Field(
        None, description="CPU features the guest uses; default: all features of its host's CPU")
    smart_paging_path: str | None = None
    snapshot_path: str | None = None


class Learner(Strict):
    logon: str = "remote"


class Topology(Strict):
    name: str
    description: str = ""
    domains: list[Domain] = []
    hosts: list[Host]
    clusters: list[Cluster] = []
    smb_shares: list[SmbShare] = []
    ad: AD = AD()
    vms: list[VM] = []
    learner: Learner = Learner()

    @model_validator(mode="after")
    def _references(self) -> "Topology":
        """Every name a topology refers to must exist in it (one message per broken reference)."""
        problems: list[str] = []
        hosts = {h.name.lower(): h for h in self.hosts}
        domains = {d.name.lower() for d in self.domains}
        clusters = {c.name.lower(): c for c in self.clusters}
        _unique(problems, "host", [h.name for h in self.hosts])
        _unique(problems, "VM", [v.name for v in self.vms])
        for d in self.domains:
            for t in d.trusts:
                if t.lower() not in domains:
                    problems.append(f"domain {d.name} trusts '{t}', which is not a domain of this topology")
        for h in self.hosts:
            if h.domain and h.domain.lower() not in domains:
                problems.append(f"host {h.name} is in domain '{h.domain}', which is not listed under domains")
        for c in self.clusters:
            for n in c.nodes:
                if n.lower() not in hosts:
                    problems.append(f"cluster {c.name} has node '{n}', which is not a host")
        for acct in self.ad.delegation:
            if acct.lower() not in hosts:
                problems.append(f"ad.delegation names '{acct}', which is not a host")
        for vm in self.vms:
            host = hosts.get(vm.host.lower())
            if host is None:
                problems.append(f"VM {vm.name} is on host '{vm.host}', which is not a host")
                continue
            switch_names = {s.name for s in host.switches}
            for a in vm.adapters:
                if a.switch is not None and a.switch not in switch_names:
                    problems.append(f"VM {vm.name} adapter '{a.name}' is connected to switch '{a.switch}', "
                                    f"which host {host.name} does not have")
            if vm.cluster is not None:
                cl = clusters.get(vm.cluster.lower())
                if cl is None:
                    problems.append(f"VM {vm.name} is in cluster '{vm.cluster}', which is not a cluster")
                elif host.name.lower() not in {n.lower() for n in cl.nodes}:
                    problems.append(f"VM {vm.name} is clustered in {cl.name} but its host {host.name} is not a node")
        if self.learner.logon != "remote" and self.learner.logon.lower() not in hosts:
            problems.append(f"learner.logon is '{self.learner.logon}': name a host or 'remote'")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def host_names(self) -> set[str]:
        return {h.name for h in self.hosts}

    def vm_names(self) -> set[str]:
        return {v.name for v in self.vms}


def _unique(problems: list[str], what: str, names: list[str]) -> None:
    seen: set[str] = set()
    for n in names:
        if n.lower() in seen:
            problems.append(f"{what} name '{n}' is used twice")
        seen.add(n.lower())
