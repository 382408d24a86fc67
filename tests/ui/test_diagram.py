"""engine.labs.diagram: the topology DOT drawn from LabState for every shipped lab, and how it follows the lab."""
from __future__ import annotations

import re

import pytest

from engine.content.loader import load_catalog
from engine.labs.build import build_emulated
from engine.labs.diagram import topology_dot

CATALOG = load_catalog()


def host_box(dot: str, host: str) -> str:
    """The DOT text of one host's subgraph."""
    start = dot.index(f'subgraph "cluster_host_{host}"')
    return dot[start:dot.index("}", start)]


def backend(lab_id: str):
    return build_emulated(CATALOG.lab(lab_id), CATALOG)


@pytest.mark.parametrize("lab_id", sorted(CATALOG.labs))
def test_every_lab_draws_its_hosts_vms_and_domains(lab_id):
    state = backend(lab_id).snapshot()
    dot = topology_dot(state)
    assert dot.count("{") == dot.count("}")
    for host in state.Hosts:
        assert host.Processor.Manufacturer in host_box(dot, host.Name)
    for vm in state.VMs:
        assert f'"vm:{vm.Name}"' in host_box(dot, vm.ComputerName)
    for domain in {h.Domain or "workgroup" for h in state.Hosts}:
        assert f'label="{domain}"' in dot


def test_a_moved_vm_is_drawn_on_its_new_host():
    lab = backend("lab-move-options")
    assert '"vm:VM3"' in host_box(topology_dot(lab.snapshot()), "HV1")
    assert not lab.run("Move-VM -Name VM3 -DestinationHost HV2").had_errors
    dot = topology_dot(lab.snapshot())
    assert '"vm:VM3"' in host_box(dot, "HV2") and '"vm:VM3"' not in host_box(dot, "HV1")


def test_a_cluster_is_a_box_around_its_nodes_with_its_csv():
    dot = topology_dot(backend("lab-cluster-moves").snapshot())
    assert 'subgraph "cluster_cluster_CLU1"' in dot
    assert re.search(r"CSV: C:\\\\ClusterStorage\\\\Volume1", dot)
    assert "cluster node" in host_box(dot, "HV1") and 'label="cluster live migration: ' in dot


def test_the_migration_edge_appears_when_both_hosts_allow_live_migration():
    lab = backend("lab-prepare-hosts")
    assert "live migration:" not in topology_dot(lab.snapshot())
    lab.run("Enable-VMMigration -ComputerName HV1, HV2")
    lab.run("Set-VMHost -ComputerName HV1, HV2 -UseAnyNetworkForMigration $false")
    lab.run("Add-VMMigrationNetwork -ComputerName HV1, HV2 -Subnet 10.0.1.0/24")
    assert 'label="live migration: 10.0.1.0/24 / 10.0.1.0/24"' in topology_dot(lab.snapshot())


def test_a_different_cpu_vendor_is_named():
    dot = topology_dot(backend("lab-processor-compat").snapshot())
    vendors = set(re.findall(r"(GenuineIntel|AuthenticAMD|Intel|AMD) ·", dot))
    assert len(vendors) == 2


def test_vms_are_wired_to_their_switch_and_a_missing_switch_is_named():
    lab = backend("lab-switch-names")
    dot = topology_dot(lab.snapshot())
    assert '"switch:HV1:External" -> "vm:VM1" [arrowhead=none' in dot
    state = lab.snapshot()
    moved = state.model_copy(update={"VMs": [v.model_copy(update={"ComputerName": "HV2"}) if v.Name == "VM1" else v
                                             for v in state.VMs]})
    assert "no switch 'External' here" in host_box(topology_dot(moved), "HV2")
