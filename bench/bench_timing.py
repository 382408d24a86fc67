"""Benchmark of the migration model: how many ``estimate()`` calls per second, and the latency of one.

The emulator calls ``estimate()`` for every job it starts and the app for every slider move, so it must stay
cheap: the target is 10,000 evaluations/s at the median of several timed batches.
"""
from __future__ import annotations

import itertools
import time

from bench.harness import summarise, time_ms
from engine.hyperv.timing import estimate

# A mix of what the lab asks for: every kind, both OSes, idle and busy guests, batches.
CASES = [
    {"kind": "live", "memory_mb": 4096, "demand_mb": 2048, "link_gbps": 1, "dirty_mb_s": 20},
    {"kind": "live", "memory_mb": 8192, "link_gbps": 10, "dirty_mb_s": 300, "option": "SMB"},
    {"kind": "live", "memory_mb": 512, "link_gbps": 1, "option": "TCPIP", "os": "WindowsServer2012",
     "dirty_mb_s": 200, "vms": 20, "parallel": 2},
    {"kind": "shared-nothing", "memory_mb": 4096, "link_gbps": 1, "disk_gb": 40, "dirty_mb_s": 5},
    {"kind": "quick", "memory_mb": 2048, "link_gbps": 1, "vms": 4},
    {"kind": "storage", "memory_mb": 2048, "link_gbps": 1, "disk_gb": 127},
    {"kind": "export", "memory_mb": 2048, "link_gbps": 1, "disk_gb": 40},
]


def _batch_throughput(calls: int) -> float:
    """Evaluations per second over ``calls`` estimates cycling through CASES."""
    cases = itertools.islice(itertools.cycle(CASES), calls)
    start = time.perf_counter()
    for case in cases:
        arguments = dict(case)
        estimate(arguments.pop("kind"), **arguments)
    return calls / (time.perf_counter() - start)


def run(quick: bool) -> list[dict]:
    """Throughput (evals/s over several batches) and one estimate's latency (ms)."""
    batches, calls = (5, 2_000) if quick else (20, 10_000)
    _batch_throughput(calls // 10)  # warm-up
    throughput = [_batch_throughput(calls) for _ in range(batches)]
    busy = {key: value for key, value in CASES[2].items() if key != "kind"}
    latency = time_ms(lambda: estimate("live", **busy), repeat=200 if quick else 2_000)
    return [
        summarise("timing.estimate throughput", throughput, unit="evals/s", target=10000, on="p50",
                  higher_is_better=True, batches=batches, calls_per_batch=calls),
        summarise("timing.estimate latency (20 VMs on 2012, dirtying faster than the link)", latency, unit="ms"),
    ]
