"""How costs grow with the size of what is measured (issue 10).

- Content validation (``load_catalog``: parse, validate, cross-check) of the bank at 1×, 10× and 100× (100× only
  in a full run: 25-60 s per validation on a shared 2-core machine). The larger banks are generated in a temporary
  content root: the shipped exam, scenarios, labs and topologies once, and every question file cloned N-1 more
  times with renamed ids (``<id>-x<k>``) and varied stems (a "Variant k -" prefix), so the clones validate
  cleanly (``problems`` is 0) — the duplicate-stem and duplicate-id checks would otherwise report thousands of
  problems, which is not the normal path. The 1× root is a copy too, so that every size reads the same disk.
  Each entry carries ``per_question_us``: linear growth keeps it flat.
- The emulator (bench_hyperv's generated lab: 10 hosts, VMs round-robin) at 10, 100 and 1,000 VMs: a clustered
  live migration with its rule checks, and a snapshot of the whole lab.
- The WinRM emulator with 1, 10 and 50 learners at once, each its own user on their own lab (bench_winrm's
  load): run_ps/s over 1-second windows and the p95 latency. Server and clients share one process (and its GIL),
  so the figures are a floor for a server on its own.

Entries are named ``growth: <what> @ <size>`` so the growth reads down the table; each carries
``ratio_vs_baseline``, its p50 over the p50 of the smallest size (named in ``baseline``).
"""
from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

from bench.harness import percentile, summarise, time_ms
from engine.content.loader import REPO_ROOT, content_files, kind_of, load_catalog

ID_LINE = re.compile(r"^(- id: )(\S+)", re.MULTILINE)
#: ``stem: |`` (or ``|-``, ``>``) then the first line of the block: the variant goes at its start.
BLOCK_STEM = re.compile(r"^(\s+stem: [|>][-+]?\n)(\s+)", re.MULTILINE)
#: ``stem: plain text`` (a plain scalar: no ``:`` added, so it stays plain).
PLAIN_STEM = re.compile(r"^(\s+stem: )(?![|>\"'])", re.MULTILINE)


def clone_questions(text: str, k: int) -> str:
    """The text of a question file whose items get ids ``<id>-x<k>`` and stems starting "Variant k -"."""
    text = ID_LINE.sub(lambda m: f"{m.group(1)}{m.group(2)}-x{k}", text)
    text = BLOCK_STEM.sub(lambda m: f"{m.group(1)}{m.group(2)}Variant {k} - ", text)
    return PLAIN_STEM.sub(lambda m: f"{m.group(1)}Variant {k} - ", text)


def build_bank(root: Path, factor: int) -> None:
    """A content root under ``root`` holding the shipped content with every question file ``factor`` times."""
    for path in content_files(REPO_ROOT):
        relative = path.relative_to(REPO_ROOT)
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, root / relative)
        if kind_of(path, REPO_ROOT) == "questions":
            text = path.read_text(encoding="utf-8")
            for k in range(1, factor):
                (root / relative).with_name(f"{path.stem}-x{k}{path.suffix}").write_text(
                    clone_questions(text, k), encoding="utf-8")


def _validations(root: Path, repeat: int, warmup: int) -> tuple[object, list[float]]:
    """``repeat`` timed ``load_catalog(root)`` runs (ms) and the last catalog. The previous run's catalog is
    freed before the clock starts, so no run pays for the one before it. The 1x bank's unmeasured warm-up loads
    the imports and schemas for all sizes."""
    catalog, samples = None, []
    for i in range(warmup + repeat):
        catalog = None
        t0 = time.perf_counter()
        catalog = load_catalog(root)
        if i >= warmup:
            samples.append((time.perf_counter() - t0) * 1000.0)
    return catalog, samples


def _content(quick: bool) -> list[dict]:
    entries: list[dict] = []
    # The 100x bank takes about a minute per validation on a loaded 2-core machine: 3 runs in a full run (n is
    # in the entry), none in a quick one (which must stay well under 90 s in all).
    repeats = {1: 5, 10: 2} if quick else {1: 15, 10: 5, 100: 3}
    for factor, repeat in repeats.items():
        with tempfile.TemporaryDirectory(prefix=f"bench-bank-{factor}x-") as tmp:
            root = Path(tmp)
            build_bank(root, factor)
            catalog, samples = _validations(root, repeat, warmup=1 if factor == 1 else 0)
            questions, files, problems = len(catalog.questions), len(content_files(root)), len(catalog.problems)
            del catalog
        p50 = percentile(samples, 50)
        entries.append(summarise(f"growth: content validation @ {factor}x bank ({questions:,} questions)",
                                 samples, "ms", factor=factor, questions=questions, files=files, problems=problems,
                                 per_question_us=round(p50 * 1000 / questions, 1)))
    return _versus_first(entries)


def _versus_first(entries: list[dict]) -> list[dict]:
    """Each entry's ``ratio_vs_baseline``: its p50 over the p50 of the first (smallest) size."""
    for entry in entries:
        entry["baseline"] = entries[0]["name"]
        entry["ratio_vs_baseline"] = round(entry["p50"] / entries[0]["p50"], 2) if entries[0]["p50"] else None
    return entries


def _emulator(quick: bool) -> list[dict]:
    from bench.bench_hyperv import _shuttle, topology
    from engine.hyperv import Lab

    entries = []
    for vms in (10, 100, 1000):
        lab = Lab.from_topology(topology(clustered=True, vms_count=vms))
        move = _shuttle(lab, lambda vm, dest: lab.move_cluster_vm_role(vm, dest), vms_count=vms)
        # Enough samples for a steady p95 at every size, within a few seconds at 1,000 VMs (a snapshot 10-50 ms).
        snapshots = {10: 300, 100: 200, 1000: 60}[vms] // (10 if quick else 1)
        # The snapshot first, on the fresh lab: every migration leaves a job that later snapshots would list.
        for what, fn, repeat in (
                ("snapshot", lab.snapshot, snapshots),
                ("clustered live migration incl. rule checks", move, 100 if quick else 500)):
            samples = time_ms(fn, repeat=repeat, warmup=3)
            entries.append(summarise(f"growth: emulator {what} @ {vms:,} VMs (10 hosts)", samples, "ms",
                                     vms=vms, hosts=10))
    # Grouped by operation, then size, so each growth reads as three consecutive rows.
    moves = [e for e in entries if "snapshot" not in e["name"]]
    return _versus_first(moves) + _versus_first([e for e in entries if "snapshot" in e["name"]])


def _winrm(quick: bool) -> list[dict]:
    from bench.bench_winrm import learners_load

    seconds = 2.0 if quick else 4.0
    entries = []
    for learners in (1, 10, 50):
        load = learners_load(learners, seconds)
        latencies = load["latencies"] or [0.0]
        extra = {"learners": learners, "total_run_ps": load["total"], "errors": len(load["errors"]),
                 "overall_rate": round(load["total"] / load["elapsed"], 1)}
        entries.append(summarise(f"growth: WinRM emulator run_ps/s @ {learners} learners", load["windows"],
                                 "run_ps/s", **extra))
        entries.append(summarise(f"growth: WinRM emulator run_ps latency @ {learners} learners", latencies, "ms",
                                 **extra))
    return (_versus_first([e for e in entries if "latency" not in e["name"]])
            + _versus_first([e for e in entries if "latency" in e["name"]]))


def run(quick: bool) -> list[dict]:
    return _content(quick) + _emulator(quick) + _winrm(quick)
