"""Opt-in checks against real Windows hosts: set LAB_TARGETS to a targets file (and its credential variables)."""
from __future__ import annotations

import os

import pytest

from engine.backends.winrm import WinRMTransport, load_targets

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
