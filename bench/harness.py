"""A tiny benchmark harness shared by every ``bench/bench_*.py`` module.

Each module exposes ``run(quick: bool) -> list[dict]``; each dict is one entry of ``bench/results.json`` with at
least ``name``, ``unit``, ``p50``, ``p95`` and, where an issue set one, ``target`` and ``met``.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from contextlib import contextmanager
from typing import Callable, Iterator


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no samples")
    k = (len(ordered) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarise(name: str, samples: list[float], unit: str, *, target: float | None = None,
              on: str = "p95", higher_is_better: bool = False, **extra) -> dict:
    """Build a result entry from raw samples; ``met`` compares the statistic ``on`` (p50 or p95) with ``target``.

    For throughputs pass ``higher_is_better=True`` (then ``met`` means the statistic is at least ``target``).
    """
    entry = {
        "name": name,
        "unit": unit,
        "n": len(samples),
        "p50": round(percentile(samples, 50), 4),
        "p95": round(percentile(samples, 95), 4),
        "mean": round(statistics.fmean(samples), 4),
    }
    if target is not None:
        entry["target"] = target
        entry["target_on"] = on
        entry["met"] = entry[on] >= target if higher_is_better else entry[on] <= target
    entry.update(extra)
    return entry


def time_ms(fn: Callable[[], object], *, repeat: int, warmup: int = 2) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls of ``fn`` after ``warmup`` unmeasured calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000.0)
    return samples


def ratio_vs(samples: list[float], baseline: list[float]) -> float:
    """p50 of ``samples`` over p50 of ``baseline`` (both measured in the same run), for ``ratio_vs_baseline``."""
    return round(percentile(samples, 50) / percentile(baseline, 50), 2)


@contextmanager
def throwaway_app_data() -> Iterator[str]:
    """A temporary TRAINER_DATA_DIR for app benchmarks (the store lands there), restored afterwards."""
    saved = os.environ.get("TRAINER_DATA_DIR")
    with tempfile.TemporaryDirectory() as data:
        os.environ["TRAINER_DATA_DIR"] = data
        try:
            yield data
        finally:
            if saved is None:
                os.environ.pop("TRAINER_DATA_DIR", None)
            else:
                os.environ["TRAINER_DATA_DIR"] = saved
