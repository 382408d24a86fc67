"""``python -m engine migrate-model``: estimate a VM move's total time, downtime and traffic.

A thin door over :func:`engine.hyperv.timing.estimate`: parse the arguments, call it once, print a summary
(or ``to_dict()`` as JSON with ``--json``). Exit 0 on success, 2 for bad usage or impossible input.
"""
from __future__ import annotations

import argparse
import json
import sys

from engine.hyperv.timing import KINDS, MB, OPTIONS, PASS_LIMITS, MigrationEstimate, estimate

TITLES = {"live": "Live migration", "quick": "Quick migration", "shared-nothing": "Shared-nothing live migration",
          "storage": "Storage migration", "export": "Export"}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: the CLI contract of the architecture document, plus the ``export`` kind."""
    parser = argparse.ArgumentParser(prog="python -m engine migrate-model", description=__doc__.splitlines()[0])
    parser.add_argument("--kind", required=True, choices=KINDS)
    parser.add_argument("--memory-mb", required=True, type=float, help="memory assigned to each VM (MB)")
    parser.add_argument("--demand-mb", type=float, help="memory in use, what has to be sent (default: memory / 1.2)")
    parser.add_argument("--link-gbps", required=True, type=float, help="migration link speed (Gbit/s)")
    parser.add_argument("--dirty-mb-s", type=float, default=0.0, help="how fast the guest writes memory (MB/s)")
    parser.add_argument("--option", choices=OPTIONS,
                        help="performance option (default: Compression on 2012 R2, TCPIP on 2012)")
    parser.add_argument("--os", choices=tuple(PASS_LIMITS), default="WindowsServer2012R2")
    parser.add_argument("--disk-gb", type=float, default=0.0, help="storage to copy per VM (GB)")
    parser.add_argument("--vms", type=int, default=1, help="identical VMs to move")
    parser.add_argument("--parallel", type=int, default=2, help="moves at the same time (host default 2)")
    parser.add_argument("--json", action="store_true", help="print the estimate as JSON")
    return parser


def render(result: MigrationEstimate) -> str:
    """A readable summary: totals, then one VM's memory passes."""
    p = result.parameters
    what = f"{p['vms']} VM{'s' if p['vms'] > 1 else ''}, at most {p['parallel']} at a time"
    if "option" in p:
        what += f", {p['option']} over {p['link_gbps']:g} Gbit/s"
    lines = [
        f"{TITLES[result.kind]} on {p['os']}: {what}",
        f"  total time   {result.total_s:10.2f} s",
        f"  downtime     {result.downtime_s:10.3f} s",
        f"  data sent    {result.bytes_sent / MB:10.1f} MB over the network",
    ]
    if result.storage_s:
        lines.append(f"  storage copy {result.storage_s:10.2f} s of the total")
    if result.passes:
        lines += ["  memory passes of one VM:", "     pass          MB         s"]
        lines += [f"  {q.index:7d} {q.bytes / MB:11.1f} {q.seconds:9.3f}{'  stop-and-copy' if q.final else ''}"
                  for q in result.passes]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Parse ``argv``, estimate, print; 2 for bad usage (argparse's message) or impossible input."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage and its message; report its code as ours
        return int(exc.code or 0)
    option = args.option or ("TCPIP" if args.os == "WindowsServer2012" else "Compression")
    try:
        result = estimate(args.kind, memory_mb=args.memory_mb, demand_mb=args.demand_mb, link_gbps=args.link_gbps,
                          dirty_mb_s=args.dirty_mb_s, option=option, os=args.os, disk_gb=args.disk_gb,
                          vms=args.vms, parallel=args.parallel)
    except ValueError as exc:
        print(f"migrate-model: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_dict(), indent=2) if args.json else render(result))
    return 0
