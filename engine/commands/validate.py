"""``python -m engine validate [PATH…]``: check content; one ``file:line: key.path: message`` line per problem.

A PATH may be a content root (a folder with questions/ and labs/), a folder or a file inside one. The whole
root is always loaded, because cross-file rules need it; only problems in the named paths are printed.
Exit 0 when clean, 1 when any problem is printed, 2 for a path that does not exist.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.content.loader import REPO_ROOT, load_catalog


def find_root(path: Path) -> Path:
    """The nearest folder at or above ``path`` that holds questions/ or labs/ (default: this repository)."""
    start = path if path.is_dir() else path.parent
    for candidate in (start, *start.parents):
        if (candidate / "questions").is_dir() or (candidate / "labs").is_dir():
            return candidate
    return REPO_ROOT


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine validate", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="content roots, folders or files (default: this repo)")
    args = parser.parse_args(argv)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for p in missing:
            print(f"{p}: no such file or folder", file=sys.stderr)
        return 2
    roots: dict[Path, list[Path]] = {}
    for p in args.paths or [REPO_ROOT]:
        roots.setdefault(find_root(p.resolve()), []).append(p.resolve())
    count = 0
    for root, wanted in roots.items():
        catalog = load_catalog(root)
        for problem in catalog.problems:
            target = (Path.cwd() / problem.file).resolve()
            if any(target == w or w in target.parents for w in wanted):
                print(problem)
                count += 1
        if count == 0:
            print(f"{root}: {len(catalog.questions)} questions, {len(catalog.labs)} labs, "
                  f"{len(catalog.topologies)} topologies, {len(catalog.scenarios)} scenarios: valid",
                  file=sys.stderr)
    return 1 if count else 0
