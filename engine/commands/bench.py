"""``python -m engine bench [--quick] [--out FILE] [--only X]``: run every ``bench/bench_*.py``, write one report.

Each module's ``run(quick)`` returns entries with name, unit, p50, p95 (and target/met where an issue set one).
The report is JSON (default bench/results.json) plus a table on stdout, with the date, CPUs and load averages
(the machine may be shared). Each module runs in a fresh interpreter (see ``_run_module``); one that fails is
reported (stderr, ``failed`` in the JSON, exit status 1)
without hiding the others' figures.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from engine.content.loader import REPO_ROOT


#: A module running longer than this is stopped and reported as failed (a full run takes minutes in all).
MODULE_TIMEOUT = 900


def _load() -> list[float] | None:
    """The 1, 5 and 15-minute load averages (the machine is shared: figures are read against these)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _modules() -> list[str]:
    return sorted(f"bench.{p.stem}" for p in (REPO_ROOT / "bench").glob("bench_*.py"))


def _number(value: float) -> str:
    """At most 4 significant figures (the noise of a shared machine is larger than that), no exponent."""
    if value == 0 or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}" if abs(value) >= 0.001 else f"{value:.2g}"


def table(entries: list[dict]) -> str:
    """A plain-text table of results (also pasted into the README)."""
    rows = [("benchmark", "unit", "p50", "p95", "target", "met", "x baseline")]
    for e in entries:
        target = "" if e.get("target") is None else f"{e['target']} ({e.get('target_on', 'p95')})"
        met = "" if "met" not in e else ("yes" if e["met"] else "NO")
        ratio = "" if e.get("ratio_vs_baseline") is None else f"{e['ratio_vs_baseline']:g}"
        rows.append((e["name"], e["unit"], _number(e["p50"]), _number(e["p95"]), target, met, ratio))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _run_child(name: str, quick: bool, to: Path) -> int:
    """In the child process: run one module and write its entries (JSON) to ``to``."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    entries = importlib.import_module(name).run(quick)
    to.write_text(json.dumps(entries), encoding="utf-8")
    return 0


def _run_module(name: str, quick: bool) -> list[dict]:
    """``name``'s entries, measured in a fresh interpreter: what one module imports and leaves on the heap (the
    app's benchmarks leave Streamlit's ~150,000 objects, which every later cyclic GC pass would scan — content
    validation ran 2x slower after them) must not change another module's figures, and a crash or a hang of one
    must not take the others down. Its stderr passes through; its stdout joins our stderr."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        to = Path(tmp) / "entries.json"
        command = [sys.executable, "-m", "engine", "bench", "--child", name, "--child-out", str(to)]
        done = subprocess.run(command + (["--quick"] if quick else []), cwd=REPO_ROOT, timeout=MODULE_TIMEOUT,
                              stdout=subprocess.PIPE, text=True, check=False)
        sys.stderr.write(done.stdout)  # anything a module prints is not the report: it goes with the progress
        if done.returncode != 0 or not to.exists():
            raise RuntimeError(f"the module's process exited with status {done.returncode} (its error is above)")
        return json.loads(to.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results.json")
    parser.add_argument("--only", action="append", default=[], help="run only modules whose name contains this")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _run_child(args.child, args.quick, args.child_out)
    entries: list[dict] = []
    failed: dict[str, str] = {}
    seconds: dict[str, float] = {}
    load_before = _load()
    started = time.perf_counter()
    for name in _modules():
        if args.only and not any(o in name for o in args.only):
            continue
        print(f"running {name} …", file=sys.stderr, flush=True)
        module_started = time.perf_counter()
        try:
            for entry in _run_module(name, args.quick):
                entry.setdefault("module", name)
                entries.append(entry)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            failed[name] = f"{type(exc).__name__}: {exc}"
            print(f"{name}: failed: {failed[name]}", file=sys.stderr)
        seconds[name] = round(time.perf_counter() - module_started, 1)
    report = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
                    "load_average_before": load_before, "load_average_after": _load()},
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": args.quick,
        "seconds": round(time.perf_counter() - started, 1),
        "module_seconds": seconds,
        "failed": failed,
        "results": entries,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(entries))
    machine = report["machine"]
    print(f"\n{len(entries)} results in {report['seconds']} s on {machine['cpus']} CPUs, {report['date']}, "
          f"load average {machine['load_average_before']} before, {machine['load_average_after']} after"
          f" → {args.out}")
    for name in failed:
        print(f"FAILED: {name}: {failed[name]}", file=sys.stderr)
    return 1 if failed else 0
