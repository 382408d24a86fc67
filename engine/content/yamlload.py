"""YAML loading that remembers where every key and item stands, for ``file:line: key.path: message`` errors.

``yaml.safe_load`` semantics (no Python tags), plus: duplicate keys are errors (PyYAML silently keeps the last),
and every mapping/sequence remembers the line of each key/item so a pydantic error location can be mapped back
to the line an author must edit.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import yaml
from pydantic import ValidationError

from engine.errors import Problem

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping from YAML that knows the 1-based line of itself and of each key."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A sequence from YAML that knows the 1-based line of itself and of each item."""

    line: int = 0
    item_lines: list


class DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first_line: int) -> None:
        super().__init__(f"duplicate key '{key}' (first defined at line {first_line})")
        self.line = line


class _Loader(_BaseLoader):
    """SafeLoader that builds LineDict/LineList and refuses duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in result.key_lines:
            raise DuplicateKey(key, line, result.key_lines[key])
        result.key_lines[key] = line
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return (data, problems). On a syntax error data is None and problems has its line."""
    try:
        return yaml.load(text, Loader=_Loader), []
    except DuplicateKey as exc:
        return None, [Problem(file, exc.line, "", str(exc))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [Problem(file, line, "", f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem(file, mark.line + 1 if mark else 1, "", f"YAML error: {exc}")]


def line_of(data: Any, loc: tuple) -> int:
    """The line of the deepest element of ``loc`` (a pydantic error location) that exists in ``data``."""
    line = getattr(data, "line", 1) or 1
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        elif isinstance(node, (LineDict, LineList)):
            continue  # a union tag or a validator name pydantic puts in the location
        else:
            break
    return line


def format_path(loc: tuple) -> str:
    """``('questions', 3, 'stem')`` → ``questions[3].stem``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


#: Tags pydantic puts into error locations of tagged unions and wrapped validators; never shown to authors.
_UNION_TAGS = ("single", "multiple", "order", "match", "dropdown", "command")


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and (part in _UNION_TAGS or "[" in part or part.startswith("function-"))


def pydantic_problems(exc: ValidationError, data: Any, file: str, *, prefix: tuple = (),
                      suggest: Callable[[str], str] | None = None) -> list[Problem]:
    """One ``file:line: key.path: message`` Problem per pydantic error, in authors' words.

    ``prefix`` is where the validated value sits inside ``data``; ``suggest(key)`` may return a hint such as
    `` (did you mean 'explanation'?)`` for an unknown key.
    """
    problems = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(err["loc"])
        msg = err["msg"]
        if err["type"] == "union_tag_invalid":
            loc += ("type",)  # point at the `type:` line, not at the item
        if err["type"] == "missing":
            msg = "required key is missing"
        elif err["type"] == "extra_forbidden":
            msg = f"unknown key '{loc[-1]}'" + (suggest(str(loc[-1])) if suggest else "")
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        shown = tuple(p for p in loc if not _is_tag(p))
        problems.append(Problem(file, line_of(data, loc), format_path(shown), msg))
    return problems


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
