"""Every shipped lab's ``cleanup`` script really resets its lab (it is what "Reset lab" runs on real hosts).

For each lab: build it on the emulator (setup faults included), run every step's solution in ``needs`` order on
the step's logon, run the cleanup on the lab's default logon, let every job finish, and compare with the state
the lab started in — all of it except the job log, the clock and the event log, which only move forward (a
solution may fail on purpose: the errors its step expects, ``expect_errors``, are accepted).

A host the steps shut down is powered on first with ``Lab.start_host``: no PowerShell cmdlet powers a computer
on, so on real hardware an instructor does it out of band, and the cleanup's comment must say so.
"""
from __future__ import annotations

import pytest

from engine.commands.lab import _difference
from engine.content.loader import load_catalog
from engine.labs.build import build_emulated
from engine.labs.session import is_expected_error, needs_order

CATALOG = load_catalog()


def _comparable(backend):
    return backend.snapshot().model_copy(update={"Jobs": [], "Clock": 0, "Events": []})


@pytest.mark.parametrize("lab_id", sorted(CATALOG.labs))
def test_cleanup_restores_the_initial_state(lab_id):
    lab = CATALOG.lab(lab_id)
    backend = build_emulated(lab, CATALOG)
    initial = _comparable(backend)
    for step in needs_order(lab):
        solved = backend.run(step.solution, host=step.logon)
        unexpected = [e for e in solved.errors if not is_expected_error(step, e)]
        assert not unexpected and (solved.errors or not solved.had_errors), f"{step.id}: {solved.text}"
    for host in [h for h in backend.lab.world.hosts if not h.online]:
        assert "out of band" in lab.cleanup and host.name in lab.cleanup, f"{host.name} is left off: say how to start it"
        backend.lab.start_host(host.name)
    cleaned = backend.run(lab.cleanup)
    backend.lab.run_until_idle()
    assert not cleaned.had_errors, cleaned.text
    assert _difference(initial, _comparable(backend)) is None
