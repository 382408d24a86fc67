"""Content validation: the whole shipped bank vs plain yaml.safe_load of the same files."""
from __future__ import annotations

import yaml

from bench.harness import percentile, summarise, time_ms
from engine.content.loader import REPO_ROOT, content_files, load_catalog

BASELINE = "content: plain safe_load of the same files (baseline)"


def run(quick: bool) -> list[dict]:
    repeat = 5 if quick else 20
    files = content_files(REPO_ROOT)
    texts = [p.read_text(encoding="utf-8") for p in files]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same C parser validation uses, for a fair ratio
    validate, plain = [], []
    load_catalog(REPO_ROOT)  # warm-up: imports, schemas
    for _ in range(repeat):  # interleaved, so that both see the same load on a shared machine
        validate += time_ms(lambda: load_catalog(REPO_ROOT), repeat=1, warmup=0)
        plain += time_ms(lambda: [yaml.load(t, Loader=loader) for t in texts], repeat=1, warmup=0)
    catalog = load_catalog(REPO_ROOT)
    return [
        summarise("content: validate all shipped content", validate, "ms", target=1000, on="p95",
                  files=len(files), questions=len(catalog.questions), labs=len(catalog.labs),
                  baseline=BASELINE, ratio_vs_baseline=round(percentile(validate, 50) / percentile(plain, 50), 2)),
        summarise(BASELINE, plain, "ms", files=len(files)),
    ]
