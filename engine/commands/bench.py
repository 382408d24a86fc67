"""``python -m engine bench [--quick] [--out FILE]``: run every ``bench/bench_*.py`` and write one report.

Each module's ``run(quick)`` returns entries with name, unit, p50, p95 (and target/met where an issue set one).
The report is JSON (default bench/results.json) plus a table on stdout.
"""
from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path

from engine.content.loader import REPO_ROOT


def _modules() -> list[str]:
    return sorted(f"bench.{p.stem}" for p in (REPO_ROOT / "bench").glob("bench_*.py"))


def table(entries: list[dict]) -> str:
    """A plain-text table of results (also pasted into the README)."""
    rows = [("benchmark", "unit", "p50", "p95", "target", "met")]
    for e in entries:
        target = "" if e.get("target") is None else f"{e['target']} ({e.get('target_on', 'p95')})"
        met = "" if "met" not in e else ("yes" if e["met"] else "NO")
        rows.append((e["name"], e["unit"], f"{e['p50']:g}", f"{e['p95']:g}", target, met))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results.json")
    parser.add_argument("--only", action="append", default=[], help="run only modules whose name contains this")
    args = parser.parse_args(argv)
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    entries: list[dict] = []
    failures = 0
    started = time.perf_counter()
    for name in _modules():
        if args.only and not any(o in name for o in args.only):
            continue
        print(f"running {name} …", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(name)
            for entry in module.run(args.quick):
                entry.setdefault("module", name)
                entries.append(entry)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            failures += 1
            print(f"{name}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    report = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine()},
        "quick": args.quick,
        "seconds": round(time.perf_counter() - started, 1),
        "results": entries,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(entries))
    print(f"\n{len(entries)} results in {report['seconds']} s → {args.out}", file=sys.stderr)
    return 1 if failures else 0
