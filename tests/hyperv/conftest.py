"""Topologies and helpers for the emulated-lab tests."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from engine.content.topology import Topology
from engine.hyperv import Caller, Lab

TOPOLOGIES = Path(__file__).resolve().parents[2] / "labs" / "topologies"

ON_HV1 = Caller("HV1", interactive=True)
REMOTE = Caller()


def shipped(name: str) -> Topology:
    """A topology of labs/topologies by file stem."""
    return Topology.model_validate(yaml.safe_load((TOPOLOGIES / f"{name}.yaml").read_text()))


def _host(name: str, last: int, **extra) -> dict:
    host = {
        "name": name, "domain": "contoso.com", "os": "WindowsServer2012R2",
        "cpu": {"vendor": "Intel", "model": "Xeon E5-2670 v2", "features": ["sse4_2", "avx", "aes"]},
        "memory_mb": 65536, "volumes": ["C:", "D:"],
        "nics": [{"name": "Mgmt", "ip": f"192.168.1.{last}/24", "speed_gbps": 1},
                 {"name": "LM", "ip": f"10.0.1.{last}/24", "speed_gbps": 10}],
        "switches": [{"name": "External", "type": "External", "nic": "Mgmt"}],
    }
    host.update(extra)
    return host


def pair_data() -> dict:
    """Two standalone 2012 R2 hosts, one running VM on local storage, a share both may use, and VM2 on it."""
    return {
        "name": "pair",
        "domains": [{"name": "contoso.com", "trusts": []}],
        "hosts": [_host("HV1", 11), _host("HV2", 12), _host("FS1", 20, volumes=["C:"])],
        "smb_shares": [{"path": "\\\\FS1\\VMs", "allowed": ["HV1$", "HV2$"]}],
        "vms": [
            {"name": "VM1", "host": "HV1", "state": "Running", "memory_mb": 4096, "memory_demand_mb": 2048,
             "dirty_rate_mb_s": 20, "path": "D:\\VMs\\VM1",
             "vhds": [{"path": "D:\\VMs\\VM1\\Virtual Hard Disks\\VM1.vhdx", "size_gb": 40, "used_gb": 12}],
             "adapters": [{"name": "Network Adapter", "switch": "External"}]},
            {"name": "VM2", "host": "HV1", "state": "Running", "memory_mb": 2048, "memory_demand_mb": 1024,
             "path": "\\\\FS1\\VMs\\VM2",
             "vhds": [{"path": "\\\\FS1\\VMs\\VM2\\VM2.vhdx", "size_gb": 40, "used_gb": 10}],
             "adapters": [{"name": "Network Adapter", "switch": "External"}]},
            {"name": "VM3", "host": "HV1", "state": "Off", "memory_mb": 1024, "path": "D:\\VMs\\VM3",
             "vhds": [{"path": "D:\\VMs\\VM3\\VM3.vhdx", "size_gb": 20, "used_gb": 5}],
             "adapters": [{"name": "Network Adapter", "switch": "External"}],
             "checkpoints": [{"name": "Before update"}]},
        ],
        "learner": {"logon": "HV1"},
    }


def cluster_data(nodes: int = 3) -> dict:
    """A 2012 R2 cluster of ``nodes`` nodes with one CSV, three networks and VMs of each priority on HV1."""
    names = [f"HV{i}" for i in range(1, nodes + 1)]
    vms = []
    for name, prio, demand in (("VM1", "High", 2048), ("VM2", "Medium", 1024), ("VM3", "Low", 1024)):
        vms.append({"name": name, "host": "HV1", "state": "Running", "memory_mb": 4096, "memory_demand_mb": demand,
                    "dirty_rate_mb_s": 10, "path": f"C:\\ClusterStorage\\Volume1\\{name}",
                    "vhds": [{"path": f"C:\\ClusterStorage\\Volume1\\{name}\\{name}.vhdx", "size_gb": 40}],
                    "adapters": [{"name": "Network Adapter", "switch": "External", "protected": True}],
                    "cluster": "CLU1", "priority": prio})
    return {
        "name": "cluster",
        "domains": [{"name": "contoso.com", "trusts": []}],
        "hosts": [_host(n, 10 + i, nics=[
            {"name": "Mgmt", "ip": f"192.168.1.{10 + i}/24", "speed_gbps": 1},
            {"name": "Cluster", "ip": f"10.0.2.{10 + i}/24", "speed_gbps": 1},
            {"name": "LM", "ip": f"10.0.1.{10 + i}/24", "speed_gbps": 10}]) for i, n in enumerate(names, start=1)],
        "clusters": [{"name": "CLU1", "nodes": names, "shared_volumes": ["C:\\ClusterStorage\\Volume1"],
                      "settings": {"DrainOnShutdown": 1},
                      "networks": [
                          {"name": "Cluster Network 1", "subnet": "192.168.1.0/24", "live_migration": False},
                          {"name": "Cluster Network 3", "subnet": "10.0.1.0/24", "role": "Cluster"},
                          {"name": "Cluster Network 2", "subnet": "10.0.2.0/24", "role": "Cluster"}]}],
        "vms": vms,
        "learner": {"logon": "remote"},
    }


def build(data: dict) -> Lab:
    """A lab from topology data (validated as the loader would)."""
    return Lab.from_topology(Topology.model_validate(copy.deepcopy(data)))


def ready(lab: Lab, *hosts: str) -> Lab:
    """Enable migration on ``hosts`` and accept it on the 10.0.1.0/24 network."""
    for h in hosts or ("HV1", "HV2"):
        lab.enable_migration(h)
        lab.add_migration_network("10.0.1.0/24", computer_name=h)
    return lab


@pytest.fixture
def pair() -> Lab:
    """The standalone pair, ready for migration between HV1 and HV2."""
    return ready(build(pair_data()))


@pytest.fixture
def cluster() -> Lab:
    """A three-node cluster."""
    return build(cluster_data())
