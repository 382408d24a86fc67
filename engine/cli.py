"""The command-line door: ``python -m engine COMMAND …``.

Each command lives in ``engine/commands/<name>.py`` and exposes ``main(argv: list[str]) -> int``.
Exit codes (a contract): 0 success, 1 a failed check / PowerShell error / invalid content, 2 bad usage.
Commands are imported lazily so that ``validate`` does not pay for Streamlit, pywinrm or lark.
"""
from __future__ import annotations

import importlib
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("engine.commands.validate", "check content files; file:line errors, exit 1 on any"),
    "schema": ("engine.commands.schema", "write JSON Schemas of the content files for editors"),
    "ps": ("engine.commands.ps", "run PowerShell on an emulated lab"),
    "lab": ("engine.commands.lab", "list, show, check, solve, reset and self-test labs"),
    "serve-winrm": ("engine.commands.serve_winrm", "serve an emulated lab over WS-Management"),
    "migrate-model": ("engine.commands.migrate_model", "the migration time/downtime model"),
    "bench": ("engine.commands.bench", "run the benchmarks and write bench/results.json"),
}


def usage() -> str:
    lines = ["usage: python -m engine COMMAND [ARGS…]", "", "commands:"]
    lines += [f"  {name:<14} {help_}" for name, (_, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"python -m engine: unknown command '{name}'\n\n{usage()}", file=sys.stderr)
        return 2
    module_name = COMMANDS[name][0]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            print(f"python -m engine {name}: not available yet in this version", file=sys.stderr)
            return 2
        raise
    return int(module.main(rest) or 0)
