"""``lab selftest`` on every shipped lab, on the real emulated backend (PowerShell layer + engine.hyperv).

For each step: its checks fail before its solution and pass after it (run on the step's logon), reset_step
restores the snapshot from before the solution, and reset_lab restores the initial snapshot.
"""
from __future__ import annotations

import pytest

from engine.commands import lab as lab_command
from engine.content.loader import load_catalog


@pytest.mark.parametrize("lab_id", sorted(load_catalog().labs))
def test_shipped_lab_proves_itself(lab_id, capsys):
    code = lab_command.main(["selftest", lab_id])
    out = capsys.readouterr().out
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert failed == [] and code == 0, "\n".join(failed)
    lab = load_catalog().lab(lab_id)
    assert len(out.splitlines()) == len(lab.steps) + 2  # a line per step, reset_lab, the summary
    assert out.splitlines()[-1] == "selftest: 1 labs, 0 failure(s)"
