"""``python -m engine ps --topology FILE [--state S.json] [--logon HOST|remote] (-c SCRIPT | FILE)``

Runs PowerShell on an emulated lab and prints what the console would print. With ``--state`` the lab is loaded
from that JSON file when it exists (else built from the topology) and saved back afterwards, so successive
calls act on one lab. Exit 0, or 1 when the script wrote an error record; 2 for bad usage.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.backends.emulated import EmulatedBackend
from engine.content.loader import REPO_ROOT, load_catalog
from engine.content.topology import Topology
from engine.content.yamlload import pydantic_problems, read_mapping
from engine.hyperv import Lab
from pydantic import ValidationError


def load_topology(ref: str) -> tuple[Topology | None, list[str]]:
    """A topology from a file path, or by name from labs/topologies; or the problems that prevent it."""
    path = Path(ref)
    if not path.exists():
        catalog = load_catalog(REPO_ROOT)
        topology = catalog.topology(ref)
        if topology is None:
            known = ", ".join(sorted(catalog.topologies))
            return None, [f"{ref}: no such file, nor a topology in labs/topologies ({known})"]
        return topology, []
    data, problems = read_mapping(path, "topology file")
    if problems:
        return None, [str(p) for p in problems]
    try:
        return Topology.model_validate(data), []
    except ValidationError as exc:
        return None, [str(p) for p in pydantic_problems(exc, data, str(path))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine ps", description=__doc__.splitlines()[0])
    parser.add_argument("--topology", required=True, help="a topology file, or the name of one in labs/topologies")
    parser.add_argument("--state", type=Path, help="JSON file holding the lab between calls")
    parser.add_argument("--logon", help="where the console runs: a host name, or 'remote' (default: the topology's)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("-c", "--command", help="the script text")
    source.add_argument("file", nargs="?", type=Path, help="a .ps1 file to run")
    args = parser.parse_args(argv)

    topology, problems = load_topology(args.topology)
    if topology is None:
        print("\n".join(problems), file=sys.stderr)
        return 2
    if args.file is not None:
        try:
            script = args.file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            print(f"{args.file}: {exc.strerror}", file=sys.stderr)
            return 2
    else:
        script = args.command
    if args.state is not None and args.state.exists():
        try:
            lab = Lab.from_json(args.state.read_text(encoding="utf-8"))
        except Exception as exc:  # a damaged state file must not become a traceback
            print(f"{args.state}: not a saved lab state ({type(exc).__name__}: {exc})", file=sys.stderr)
            return 2
    else:
        lab = Lab.from_topology(topology)
    backend = EmulatedBackend(lab)
    try:
        result = backend.run(script, host=args.logon)
    except ValueError as exc:
        print(f"--logon: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(result.text)
    if args.state is not None:
        args.state.write_text(backend.save(), encoding="utf-8")
    return result.exit_status if result.exit_status else (1 if result.had_errors else 0)
