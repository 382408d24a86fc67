"""Read one YAML settings file and turn pydantic errors into ``file:line: key.path: message`` problems.

The same conventions as the content loader (``engine.content.loader``): a missing key says
"required key is missing", an unknown key says "unknown key 'x'", and a validator's message is shown
without pydantic's "Value error, " prefix. Used by the users file here and by the targets file of
``engine.backends.winrm``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.content.yamlload import format_path, line_of, load_yaml
from engine.errors import Problem

__all__ = ["read_mapping", "pydantic_problems"]


def read_mapping(path: Path, what: str) -> tuple[Any, list[Problem]]:
    """The YAML mapping in ``path`` (with line information), or the problems that prevent reading it."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(file, 1, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(file, 1, "", f"cannot read the {what}: {exc.strerror}")]
    data, problems = load_yaml(text, file)
    if problems:
        return None, problems
    if not isinstance(data, dict) or not data:
        return None, [Problem(file, getattr(data, "line", 1) or 1, "",
                              f"a {what} holds a non-empty mapping (name: {{…}} lines)")]
    return data, []


def pydantic_problems(exc: ValidationError, data: Any, file: str, prefix: tuple = ()) -> list[Problem]:
    """One Problem per pydantic error; ``prefix`` is the location of the validated value inside ``data``."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(err["loc"])
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "required key is missing"
        elif err["type"] == "extra_forbidden":
            msg = f"unknown key '{loc[-1]}'"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        problems.append(Problem(file, line_of(data, loc), format_path(loc), msg))
    return problems
