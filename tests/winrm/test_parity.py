"""WinRMBackend over the WinRM emulator sees the same lab as the in-process EmulatedBackend, for every topology.

This is the proof of the real-host path without Windows: pywinrm → HTTP → the emulator's PowerShell → the lab,
gathered by the same script a real host runs, parsed into the same ``LabState``.

What the comparison leaves out, and why: ``Jobs``, ``Clock`` and ``Events``, the emulator's job log, simulated
clock and log of failed operations; real hosts have no job log or simulated clock, and their failures would
need event-log gathering (Get-WinEvent on every host), so ``WinRMBackend`` leaves them empty/0 by design. Everything else is gathered: Host.Processor
(Get-WmiObject Win32_Processor), adapters' IPAddress (Get-NetIPAddress) and SmbShares. The topologies' shares live
on a file server (FS1) that is not a lab host, so the targets file names it under ``file_servers`` and each host
reads its shares with ``Get-SmbShare -CimSession FS1`` (the emulator answers for the lab's file server).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.backends.emulated import EmulatedBackend
from engine.backends.winrm import WinRMBackend
from engine.commands.ps import load_topology
from engine.content.loader import REPO_ROOT
from engine.hyperv.labstate import LabState
from engine.winrm_server.labhost import make_factory
from tests.winrm.conftest import PASSWORD

TOPOLOGIES = sorted((REPO_ROOT / "labs" / "topologies").glob("*.yaml")) + [
    REPO_ROOT / "tests" / "backends" / "seed-lab.yaml"]


def host_names(topology_path: Path) -> list[str]:
    topology, problems = load_topology(str(topology_path))
    assert topology is not None, problems
    return [h.name for h in topology.hosts]


def file_servers(topology_path: Path) -> list[str]:
    """The computers holding the topology's SMB shares (``\\\\FS1\\VMs`` → FS1)."""
    topology, _ = load_topology(str(topology_path))
    return sorted({s.path.lstrip("\\").split("\\")[0] for s in topology.smb_shares})


def write_targets(tmp_path: Path, server, hosts: list[str], monkeypatch, servers: list[str] = ()) -> Path:
    """A targets file pointing each lab host at its emulator port (Basic over loopback, env-var credentials)."""
    monkeypatch.setenv("LAB_TEST_USER", "alice")
    monkeypatch.setenv("LAB_TEST_PASSWORD", PASSWORD)
    lines = [f"{h}: {{url: '{server.endpoints[h]}', transport: basic, username_env: LAB_TEST_USER, "
             f"password_env: LAB_TEST_PASSWORD}}" for h in hosts]
    if servers:
        lines.append(f"file_servers: [{', '.join(servers)}]")
    path = tmp_path / "targets.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def serve_lab(start, topology_path: Path, tmp_path: Path, monkeypatch) -> tuple[WinRMBackend, list[str]]:
    """The emulator serving the topology (one port per host) and a WinRMBackend pointed at it."""
    hosts = host_names(topology_path)
    server = start(make_factory(topology_path, None), hosts=hosts)
    return WinRMBackend(write_targets(tmp_path, server, hosts, monkeypatch, file_servers(topology_path))), hosts


def observable(state: LabState) -> LabState:
    """``state`` without what real hosts cannot show (see the module docstring)."""
    return state.model_copy(update={"Jobs": [], "Clock": 0.0, "Events": []})


@pytest.mark.parametrize("topology_path", TOPOLOGIES, ids=lambda p: p.stem)
def test_the_winrm_snapshot_equals_the_emulated_one(start, tmp_path, monkeypatch, topology_path):
    backend, hosts = serve_lab(start, topology_path, tmp_path, monkeypatch)
    topology, _ = load_topology(str(topology_path))
    expected = EmulatedBackend.from_topology(topology).snapshot()
    assert expected.Jobs == [] and expected.Clock == 0 and expected.Events == []  # a fresh lab: nothing is left out here but by design
    assert backend.snapshot() == observable(expected)
    assert backend.notes == []


def test_one_run_ps_per_host_per_snapshot(start, tmp_path, monkeypatch):
    backend, hosts = serve_lab(start, REPO_ROOT / "labs" / "topologies" / "three-node-cluster.yaml", tmp_path,
                               monkeypatch)
    calls: list[str] = []
    run_ps = backend.transport.run_ps

    def spy(host: str, script: str):
        calls.append(host)
        return run_ps(host, script)

    monkeypatch.setattr(backend.transport, "run_ps", spy)
    backend.snapshot()
    assert sorted(calls) == hosts  # the hosts are asked at once, so in any order
    backend.snapshot()
    assert sorted(calls) == sorted(hosts * 2)


def test_file_servers_in_the_targets_file(tmp_path):
    from engine.backends.winrm import load_targets
    from engine.errors import ContentError

    good = tmp_path / "good.yaml"
    good.write_text("HV1: {host: hv1, username_env: U, password_env: P}\nfile_servers: [FS1]\n", encoding="utf-8")
    targets = load_targets(good)
    assert (list(targets.entries), targets.file_servers) == (["HV1"], ("FS1",))
    bad = tmp_path / "bad.yaml"
    bad.write_text("HV1: {host: hv1, username_env: U, password_env: P}\nfile_servers: FS1\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_targets(bad)
    assert "file_servers: must be a list of computer names" in str(info.value)
