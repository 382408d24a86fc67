"""Opt-in checks against real Windows hosts: set LAB_TARGETS to a targets file (and its credential variables).

The target names must be the hosts' computer names (the snapshot names hosts as Get-VMHost does)."""
from __future__ import annotations

import os

import pytest

from engine.backends.winrm import MAX_SCRIPT_CHARS, WinRMBackend, WinRMTransport, load_targets
from engine.backends.winrm_snapshot import gather_script

TARGETS = os.environ.get("LAB_TARGETS")

pytestmark = pytest.mark.skipif(not TARGETS, reason="LAB_TARGETS is not set: no real WinRM hosts to test against")


@pytest.fixture(scope="module")
def targets():
    return load_targets(TARGETS)


def test_every_target_runs_powershell(targets):
    lab = WinRMTransport(targets)
    for host in targets.entries:
        result = lab.run_ps(host, "$PSVersionTable.PSVersion.Major").check()
        assert int(result.stdout.strip()) >= 3, host


def test_an_error_record_comes_back_as_text(targets):
    host = next(iter(targets.entries))
    result = WinRMTransport(targets).run_ps(host, "Get-VM -Name 'no-such-vm-70-412'")
    assert "no-such-vm-70-412" in result.stderr


def test_the_gathering_script_fits_and_the_snapshot_parses(targets):
    assert len(gather_script(targets.entries)) <= MAX_SCRIPT_CHARS
    backend = WinRMBackend(targets)
    state = backend.snapshot()
    assert sorted(h.Name.lower() for h in state.Hosts) == sorted(h.lower() for h in targets.entries)
    for host in state.Hosts:
        assert host.Online and host.MemoryCapacity > 0 and host.LogicalProcessorCount > 0, host.Name
        assert host.VirtualMachineMigrationAuthenticationType in ("CredSSP", "Kerberos"), host.Name  # not a number
    for vm in state.VMs:
        assert vm.State and not vm.State.isdigit(), vm.Name  # enums arrive as names
    assert state.Jobs == [] and state.Clock == 0
    print("\n".join(backend.notes))  # missing modules (shown with pytest -s)


def test_run_on_each_host_returns_text(targets):
    backend = WinRMBackend(targets)
    for host in targets.entries:
        result = backend.run("$env:COMPUTERNAME", host=host)
        assert not result.had_errors and result.text.strip().lower() == host.lower().split(".")[0], host
