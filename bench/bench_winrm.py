"""Benchmark of WinRMBackend against the WinRM emulator on loopback (issue 6).

- A full ``snapshot()`` of a two-host lab (standalone-pair): exactly one ``run_ps`` per host, counted; target p50
  under 60 ms. The baseline is pywinrm's bare round trip of an empty script (Create, Command, Receive, Signal,
  Delete against the same server), reported with the ratio snapshot / baseline.
- 50 learners at once, each signed in as their own user (a users file of 50) and so on a lab of their own, each a
  thread calling ``run_ps`` in a loop for a bounded time: run_ps per second over 1-second windows (target p50
  ≥ 50/s), latency (target p95 under 2 s), errors (must be 0), and memory per learner's lab (target under
  5 MB): tracemalloc over 50 labs built by the server's factory, with the process RSS growth during the run / 50
  alongside (RSS understates it when freed memory is reused, and includes the client threads).

Server and clients share one process (and its GIL), so the numbers are a floor for a server on its own.
"""
from __future__ import annotations

import os
import resource
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from types import MappingProxyType

import winrm

from bench.harness import percentile, summarise, time_ms
from engine.backends.winrm import Target, Targets, WinRMBackend, WinRMTransport
from engine.content.loader import REPO_ROOT
from engine.winrm_server import Limits, Users, load_users, serve
from engine.winrm_server.labhost import make_factory

TOPOLOGY = REPO_ROOT / "labs" / "topologies" / "standalone-pair.yaml"
HOSTS = ["HV1", "HV2"]
LEARNERS = 50
PASSWORD = "bench-password"
#: What a learner typically runs: a listing the console formats.
LEARNER_SCRIPT = "Get-VM | Format-Table Name, State, ComputerName"


def _targets(server, user_env: str, password_env: str, hosts: list[str]) -> Targets:
    entries = {h: Target(url=server.endpoints[h], transport="basic", username_env=user_env,
                         password_env=password_env) for h in hosts}
    return Targets(Path("bench-targets.yaml"), MappingProxyType(entries))


def _rss_mb() -> float:
    """Resident set size now (Linux /proc), else the peak (getrusage) — both in MB."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _snapshot_latency(quick: bool) -> list[dict]:
    server = serve(make_factory(TOPOLOGY, None), HOSTS, Users.single("alice", PASSWORD), port=0)
    try:
        backend = WinRMBackend(_targets(server, "U", "P", HOSTS), {"U": "alice", "P": PASSWORD})
        calls: list[str] = []
        run_ps = backend.transport.run_ps

        def counted(host: str, script: str):
            calls.append(host)
            return run_ps(host, script)

        backend.transport.run_ps = counted  # count the round trips of every snapshot
        session = winrm.Session(server.endpoints["HV1"], auth=("alice", PASSWORD), transport="basic")
        samples, baseline = [], []
        # Interleaved, so that both see the same load on a shared machine.
        for _ in range(10 if quick else 50):
            samples += time_ms(backend.snapshot, repeat=1, warmup=0)
            baseline += time_ms(lambda: session.run_ps(""), repeat=1, warmup=0)
        per_snapshot = len(calls) / len(samples)
    finally:
        server.shutdown()
    base = summarise("pywinrm run_ps of an empty script (loopback baseline)", baseline, "ms")
    snap = summarise("WinRMBackend.snapshot, 2-host lab (loopback)", samples, "ms", target=60, on="p50",
                     run_ps_per_snapshot=per_snapshot, hosts=len(HOSTS),
                     baseline=base["name"], ratio_vs_baseline=round(percentile_ratio(samples, baseline), 2))
    return [snap, base]


def percentile_ratio(samples: list[float], baseline: list[float]) -> float:
    """p50 of ``samples`` over p50 of ``baseline``."""
    return percentile(samples, 50) / percentile(baseline, 50)


def _lab_memory_mb() -> float:
    """Python memory one learner's lab holds, as the server builds it (its factory, then a first command that
    opens the remote console), averaged over 50 labs with tracemalloc."""
    factory = make_factory(TOPOLOGY, None)
    factory("warm-up").run("Get-VM", host="HV1")  # imports and caches are not a lab's
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        labs = [factory(f"learner{i:02d}") for i in range(LEARNERS)]
        for lab in labs:
            lab.run("Get-VM", host="HV1")
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / LEARNERS / 2**20


def _learner(transport: WinRMTransport, host: str, deadline: float, max_calls: int, latencies: list[float],
             finished: list[float], errors: list[str]) -> None:
    for _ in range(max_calls):
        if time.perf_counter() >= deadline:
            return
        t0 = time.perf_counter()
        try:
            result = transport.run_ps(host, LEARNER_SCRIPT)
            if result.exit_code != 0 or result.stderr:
                errors.append(result.stderr or f"exit code {result.exit_code}")
        except Exception as exc:  # counted, not raised: the benchmark reports how many calls failed
            errors.append(f"{type(exc).__name__}: {exc}")
        t1 = time.perf_counter()
        latencies.append((t1 - t0) * 1000.0)
        finished.append(t1)


def learners_load(learners: int, seconds: float) -> dict:
    """``learners`` threads, each its own user on its own lab, calling ``run_ps`` in a loop for ``seconds``:
    completed run_ps per whole second of the run, latencies (ms), errors, elapsed time and the RSS around it."""
    with tempfile.TemporaryDirectory() as tmp:
        users_file = Path(tmp) / "users.yaml"
        users_file.write_text("".join(f"learner{i:02d}: {{password: {PASSWORD}}}\n" for i in range(learners)),
                              encoding="utf-8")
        users = load_users(users_file)
    # Each learner keeps one connection open at a time: the default 64 connections per host listener suffice.
    server = serve(make_factory(TOPOLOGY, None), HOSTS, users, port=0, limits=Limits())
    try:
        rss_before = _rss_mb()
        latencies: list[float] = []
        finished: list[float] = []
        errors: list[str] = []
        start = time.perf_counter()
        deadline = start + seconds
        threads = []
        for i in range(learners):
            environ = {"U": f"learner{i:02d}", "P": PASSWORD}
            host = HOSTS[i % len(HOSTS)]
            transport = WinRMTransport(_targets(server, "U", "P", [host]), environ)
            threads.append(threading.Thread(target=_learner, args=(transport, host, deadline, 10_000, latencies,
                                                                    finished, errors), daemon=True))
        for t in threads:
            t.start()
        for t in threads:
            t.join(seconds + 30)
        elapsed = time.perf_counter() - start
        rss_after = _rss_mb()
    finally:
        server.shutdown()
    windows = [0.0] * max(1, int(seconds))  # completed run_ps per whole second of the run
    for t in finished:
        index = int(t - start)
        if index < len(windows):
            windows[index] += 1
    return {"windows": windows, "latencies": latencies, "errors": errors, "elapsed": elapsed,
            "total": len(finished), "rss_before": rss_before, "rss_after": rss_after}


def _throughput(quick: bool) -> list[dict]:
    seconds = 3.0 if quick else 10.0
    load = learners_load(LEARNERS, seconds)
    windows, latencies, errors = load["windows"], load["latencies"], load["errors"]
    elapsed, total, rss_before, rss_after = load["elapsed"], load["total"], load["rss_before"], load["rss_after"]
    return [
        summarise(f"run_ps/s, {LEARNERS} learners on their own labs", windows, "run_ps/s", target=50, on="p50",
                  higher_is_better=True, total_run_ps=total, seconds=round(elapsed, 2),
                  overall_rate=round(total / elapsed, 1)),
        summarise(f"run_ps latency, {LEARNERS} learners at once", latencies or [0.0], "ms", target=2000, on="p95"),
        summarise(f"run_ps errors, {LEARNERS} learners at once", [float(len(errors))], "count", target=0, on="p50",
                  first_error=errors[0][:200] if errors else None),
        summarise("memory per learner's lab (tracemalloc, 50 labs)", [_lab_memory_mb()], "MB", target=5, on="p50",
                  rss_growth_per_lab_mb=round(max(0.0, rss_after - rss_before) / LEARNERS, 3),
                  rss_before_mb=round(rss_before, 1), rss_after_mb=round(rss_after, 1)),
    ]


def run(quick: bool) -> list[dict]:
    """The snapshot latency entries, then the 50-learner throughput entries."""
    return _snapshot_latency(quick) + _throughput(quick)
