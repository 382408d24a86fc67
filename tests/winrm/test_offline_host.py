"""A lab host that is shut down (Stop-Computer, the node_down fault) does not answer over WinRM.

The WS-Man server drops its requests unanswered (the connection closes without a response), which WinRMBackend
reports as ``HostUnreachableError`` naming the host. ``snapshot()`` still returns the other hosts' state: the
silent host is named in ``notes`` and shown ``Online: False`` with the settings it reported last (left out, with
a note, when it never answered this backend); only when no host answers is the error raised.
"""
from __future__ import annotations

import pytest

from engine.backends.winrm import HostUnreachableError, WinRMBackend
from engine.content.loader import REPO_ROOT
from tests.winrm.test_parity import serve_lab

CLUSTER = REPO_ROOT / "labs" / "topologies" / "three-node-cluster.yaml"


def test_a_shut_down_host_is_unreachable_and_the_snapshot_keeps_the_others(start, tmp_path, monkeypatch):
    backend, hosts = serve_lab(start, CLUSTER, tmp_path, monkeypatch)
    before = backend.snapshot()
    assert all(h.Online for h in before.Hosts) and backend.notes == []
    assert not backend.run("Stop-Computer -ComputerName HV2 -Force", host="HV1").had_errors

    with pytest.raises(HostUnreachableError) as unreachable:
        backend.run("Get-VM", host="HV2")
    assert unreachable.value.host == "HV2" and str(unreachable.value).startswith("HV2: ")

    after = backend.snapshot()
    assert [h.Name for h in after.Hosts] == [h.Name for h in before.Hosts]
    hv2 = next(h for h in after.Hosts if h.Name == "HV2")
    assert hv2.Online is False
    assert hv2 == next(h for h in before.Hosts if h.Name == "HV2").model_copy(update={"Online": False})
    assert all(h.Online for h in after.Hosts if h.Name != "HV2")
    assert not any(v.ComputerName == "HV2" for v in after.VMs)
    assert any(n.startswith("HV2: unreachable") and "Online: False" in n for n in backend.notes), backend.notes
    node = next(n for c in after.Clusters for n in c.Nodes if n.Name == "HV2")
    assert node.State == "Down"  # the nodes that answer still report the cluster

    fresh = WinRMBackend(backend.targets)  # never saw HV2 answer: it is left out, with a note
    state = fresh.snapshot()
    assert "HV2" not in [h.Name for h in state.Hosts]
    assert any(n.startswith("HV2: unreachable") and "never answered" in n for n in fresh.notes), fresh.notes


def test_no_host_answering_raises_the_typed_error(start, tmp_path, monkeypatch):
    backend, hosts = serve_lab(start, CLUSTER, tmp_path, monkeypatch)
    for name in hosts[1:]:
        assert not backend.run(f"Stop-Computer -ComputerName {name} -Force", host=hosts[0]).had_errors
    try:
        backend.run(f"Stop-Computer -ComputerName {hosts[0]} -Force", host=hosts[0])
    except HostUnreachableError:
        pass  # the host went down under its own session: its answer is lost, like a real one's
    with pytest.raises(HostUnreachableError) as unreachable:
        backend.snapshot()
    assert unreachable.value.host == hosts[0]
