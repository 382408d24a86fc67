"""Lab runner: one "Check" of a step on the largest shipped lab, on the emulated backend.

Target (issue 7): p50 under 20 ms for a Check (a fresh snapshot of the lab, then every check of the step).
Baseline: the same checks evaluated on a snapshot already taken, which shows how much of a Check the snapshot
costs. The largest lab is the one whose topology has the most hosts and VMs (then the most checks); its step is
the one with the most checks among those that need no other step, so nothing has to be solved first.
"""
from __future__ import annotations

from bench.harness import summarise, time_ms
from engine.content.loader import REPO_ROOT, load_catalog
from engine.labs.build import build_emulated, emulated_factory
from engine.labs.checks import evaluate_all
from engine.labs.session import LabSession


def _largest(catalog):
    def size(lab) -> tuple[int, int]:
        topology = catalog.topology(lab.topology)
        return len(topology.hosts) + len(topology.vms), sum(len(s.checks) for s in lab.steps)
    return max((catalog.lab(i) for i in sorted(catalog.labs)), key=size)


def run(quick: bool) -> list[dict]:
    repeat = 20 if quick else 200
    catalog = load_catalog(REPO_ROOT)
    lab = _largest(catalog)
    step = max((s for s in lab.steps if not s.needs), key=lambda s: len(s.checks))
    session = LabSession.start(lab, build_emulated(lab, catalog, emulated_factory()))
    check = time_ms(lambda: session.check(step.id), repeat=repeat)
    state = session.backend.snapshot()
    baseline = time_ms(lambda: evaluate_all(step.checks, state), repeat=repeat)
    where = {"lab": lab.id, "step": step.id, "checks": len(step.checks)}
    return [
        summarise("labs: Check of a step on the largest lab (emulated)", check, "ms", target=20, on="p50", **where),
        summarise("labs: the same checks on a snapshot already taken (baseline)", baseline, "ms", **where),
    ]
