"""Lab runner: one "Check" of a step on the largest shipped lab, on the emulated backend and over WinRM.

Targets (issue 7): p50 under 20 ms for a Check on the emulated backend (a fresh snapshot of the lab, then every
check of the step) and under 100 ms over the WinRM emulator (WinRMBackend on loopback: one gathering run_ps per
host, all hosts at once, parsed into the same LabState, then the same checks). Baseline: the same checks
evaluated on a snapshot already taken, which shows how much of a Check the snapshot costs; each Check entry
carries ``ratio_vs_baseline`` (p50 / p50). The largest lab is the one whose topology has the most hosts and VMs
(then the most checks); its step is the one with the most checks among those that need no other step, so
nothing has to be solved first.
"""
from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from bench.harness import percentile, summarise, time_ms
from engine.content.loader import REPO_ROOT, load_catalog
from engine.labs.build import build_emulated, emulated_factory, emulated_lab, run_setup
from engine.labs.checks import evaluate_all
from engine.labs.session import LabSession

PASSWORD = "bench-password"


def _largest(catalog):
    def size(lab) -> tuple[int, int]:
        topology = catalog.topology(lab.topology)
        return len(topology.hosts) + len(topology.vms), sum(len(s.checks) for s in lab.steps)
    return max((catalog.lab(i) for i in sorted(catalog.labs)), key=size)


def _ratio(samples: list[float], baseline: list[float]) -> float:
    return round(percentile(samples, 50) / percentile(baseline, 50), 2)


def _interleaved(measured, baseline, repeat: int) -> tuple[list[float], list[float]]:
    """Samples of both, alternating call by call (after 2 warm-ups each), so that both see the same load."""
    a, b = time_ms(measured, repeat=0, warmup=2), time_ms(baseline, repeat=0, warmup=2)
    for _ in range(repeat):
        a += time_ms(measured, repeat=1, warmup=0)
        b += time_ms(baseline, repeat=1, warmup=0)
    return a, b


def _over_winrm(lab, catalog, step, repeat: int) -> tuple[list[float], list[float], dict]:
    """Check the step through WinRMBackend against the WinRM emulator serving the same built lab (faults and
    setup script applied, as the emulated runner builds it): Check samples, baseline samples, extra fields."""
    from engine.backends.winrm import Target, Targets, WinRMBackend
    from engine.winrm_server import Users, serve
    from engine.winrm_server.labhost import LearnerLab

    hosts = [h.name for h in catalog.topology(lab.topology).hosts]

    def factory(user: str) -> LearnerLab:
        learner = LearnerLab(emulated_lab(lab, catalog))
        run_setup(lab, learner.backend)
        return learner

    server = serve(factory, hosts, Users.single("alice", PASSWORD), port=0)
    try:
        entries = {h: Target(url=server.endpoints[h], transport="basic", username_env="U", password_env="P")
                   for h in hosts}
        backend = WinRMBackend(Targets(Path("bench-targets.yaml"), MappingProxyType(entries)),
                               {"U": "alice", "P": PASSWORD})
        session = LabSession.start(lab, backend)
        calls: list[str] = []
        run_ps = backend.transport.run_ps

        def counted(host: str, script: str):
            calls.append(host)
            return run_ps(host, script)

        backend.transport.run_ps = counted
        state = backend.snapshot()
        calls.clear()
        check, baseline = _interleaved(lambda: session.check(step.id), lambda: evaluate_all(step.checks, state),
                                       repeat)
        run_ps_per_check = len(calls) / (repeat + 2)
        outcome = [r.passed for r in session.check(step.id).results]
    finally:
        server.shutdown()
    return check, baseline, {"hosts": len(hosts), "run_ps_per_check": run_ps_per_check, "outcome": outcome}


def run(quick: bool) -> list[dict]:
    repeat = 20 if quick else 200
    catalog = load_catalog(REPO_ROOT)
    lab = _largest(catalog)
    step = max((s for s in lab.steps if not s.needs), key=lambda s: len(s.checks))
    session = LabSession.start(lab, build_emulated(lab, catalog, emulated_factory()))
    state = session.backend.snapshot()
    check, baseline = _interleaved(lambda: session.check(step.id), lambda: evaluate_all(step.checks, state),
                                   repeat)
    emulated_outcome = [r.passed for r in session.check(step.id).results]
    where = {"lab": lab.id, "step": step.id, "checks": len(step.checks)}
    remote, remote_baseline, extra = _over_winrm(lab, catalog, step, 10 if quick else 60)
    same = extra.pop("outcome") == emulated_outcome
    base_name = "labs: the same checks on a snapshot already taken (baseline)"
    remote_base_name = "labs: the same checks on a WinRM snapshot already taken (baseline)"
    return [
        summarise("labs: Check of a step on the largest lab (emulated)", check, "ms", target=20, on="p50",
                  baseline=base_name, ratio_vs_baseline=_ratio(check, baseline), **where),
        summarise(base_name, baseline, "ms", **where),
        summarise("labs: Check of a step on the largest lab (WinRM emulator, loopback)", remote, "ms", target=100,
                  on="p50", baseline=remote_base_name, ratio_vs_baseline=_ratio(remote, remote_baseline),
                  ratio_vs_emulated_check=_ratio(remote, check), same_outcome_as_emulated=same, **extra, **where),
        summarise(remote_base_name, remote_baseline, "ms", **where),
    ]
