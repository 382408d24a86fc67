"""Benchmark of the emulated lab on a 10-host / 200-VM lab generated here.

Target (issue 4): one migration, rule checks included, simulated in under 10 ms at the median. Measured: a
shared-nothing Move-VM between standalone hosts (every rule, the file moves, the job on the clock) and a
clustered live migration in a 10-node cluster; also a snapshot and a JSON save + load of the whole lab, which the
app does on every page refresh.
"""
from __future__ import annotations

import itertools

from bench.harness import summarise, time_ms
from engine.content.topology import Topology
from engine.hyperv import Caller, Lab

HOSTS, VMS = 10, 200


def _hosts(count: int = HOSTS, memory_mb: int = 262144) -> list[dict]:
    return [{
        "name": f"HV{i:02d}", "domain": "contoso.com", "memory_mb": memory_mb, "volumes": ["C:", "D:"],
        "cpu": {"vendor": "Intel", "model": "Xeon E5-2670 v2", "features": ["sse4_2", "avx"]},
        "nics": [{"name": "Mgmt", "ip": f"192.168.1.{10 + i}/24"},
                 {"name": "LM", "ip": f"10.0.1.{10 + i}/24", "speed_gbps": 10}],
        "switches": [{"name": "External", "nic": "Mgmt"}],
        "settings": {"VirtualMachineMigrationEnabled": True, "VirtualMachineMigrationAuthenticationType": "Kerberos",
                     "UseAnyNetworkForMigration": True},
    } for i in range(1, count + 1)]


def topology(clustered: bool, vms_count: int = VMS, hosts_count: int = HOSTS) -> Topology:
    """10 hosts, 200 running VMs spread round-robin; clustered ones on a CSV, standalone ones on local disks.

    Other sizes (bench_growth) keep the hosts' memory at least twice what their share of VMs needs, so that
    every move fits and the rules, not memory, decide."""
    per_host = -(-vms_count // hosts_count)
    hosts = _hosts(hosts_count, max(262144, 2 * 4096 * (per_host + 1)))
    names = [h["name"] for h in hosts]
    vms = []
    for n in range(vms_count):
        host = names[n % hosts_count]
        root = "C:\\ClusterStorage\\Volume1" if clustered else "D:\\VMs"
        vm = {"name": f"VM{n:03d}", "host": host, "state": "Running", "memory_mb": 4096, "memory_demand_mb": 2048,
              "dirty_rate_mb_s": 10, "path": f"{root}\\VM{n:03d}",
              "vhds": [{"path": f"{root}\\VM{n:03d}\\VM{n:03d}.vhdx", "size_gb": 60, "used_gb": 20}],
              "adapters": [{"switch": "External"}]}
        if clustered:
            vm["cluster"] = "CLU1"
        vms.append(vm)
    delegation = {a: [f"{s}/{b}" for b in names if b != a
                      for s in ("cifs", "Microsoft Virtual System Migration Service")] for a in names}
    data = {"name": "bench", "domains": [{"name": "contoso.com"}], "hosts": hosts, "vms": vms,
            "ad": {"delegation": delegation}, "learner": {"logon": "remote"}}
    if clustered:
        data["clusters"] = [{"name": "CLU1", "nodes": names, "shared_volumes": ["C:\\ClusterStorage\\Volume1"],
                             "networks": [{"name": "LM", "subnet": "10.0.1.0/24", "role": "Cluster"}]}]
    return Topology.model_validate(data)


def _shuttle(lab: Lab, move, vms_count: int = VMS) -> callable:
    """A callable that moves the next VM to the next host each call (so every sample is a real move)."""
    vms = itertools.cycle(range(vms_count))

    def step() -> None:
        n = next(vms)
        vm = lab.world.vm(f"VM{n:03d}")
        hosts = [h.name for h in lab.world.hosts]
        move(vm.name, hosts[(hosts.index(vm.host) + 1) % len(hosts)])
    return step


def run(quick: bool) -> list[dict]:
    """Median and p95 milliseconds of one migration (rules + job), a snapshot, and a JSON save + load."""
    repeat = 100 if quick else 1000
    remote = Caller()
    standalone = Lab.from_topology(topology(clustered=False))
    shared_nothing = _shuttle(standalone, lambda vm, dest: standalone.move_vm(
        vm, dest, include_storage=True, destination_storage_path=f"D:\\VMs\\{vm}", caller=remote))
    clustered = Lab.from_topology(topology(clustered=True))
    live = _shuttle(clustered, lambda vm, dest: clustered.move_cluster_vm_role(vm, dest))
    snap = time_ms(clustered.snapshot, repeat=max(20, repeat // 10))
    text = clustered.to_json()
    save_load = time_ms(lambda: Lab.from_json(clustered.to_json()), repeat=max(20, repeat // 10))
    return [
        summarise(f"hyperv shared-nothing Move-VM incl. rule checks ({HOSTS} hosts, {VMS} VMs)",
                  time_ms(shared_nothing, repeat=repeat), "ms", target=10, on="p50"),
        summarise(f"hyperv clustered live migration incl. rule checks ({HOSTS} nodes, {VMS} VMs)",
                  time_ms(live, repeat=repeat), "ms", target=10, on="p50"),
        summarise(f"hyperv snapshot ({HOSTS} hosts, {VMS} VMs)", snap, "ms"),
        summarise(f"hyperv JSON save + load ({HOSTS} hosts, {VMS} VMs)", save_load, "ms",
                  json_bytes=len(text)),
    ]
