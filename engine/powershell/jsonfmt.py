"""ConvertTo-Json as Windows PowerShell 4 writes it.

PowerShell 4 serialises with .NET's JavaScriptSerializer (compact, ``<>'&`` escaped as ``\\u003c``…, enums as
numbers) and then re-indents that text with its own pretty printer: four spaces per level, two spaces after
each colon, and containers nested in an object indented under the column after their key. Objects deeper than
``-Depth`` become their string form.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from engine.powershell.convert import to_string
from engine.powershell.members import get_member
from engine.powershell.objects import Hashtable, PSEnum, PSObject, ScriptBlock, adapt

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HTML = "<>'&"
_TIMESPAN_PROPERTIES = ("Ticks", "Days", "Hours", "Milliseconds", "Minutes", "Seconds", "TotalDays", "TotalHours",
                        "TotalMilliseconds", "TotalMinutes", "TotalSeconds")
_EPOCH = _dt.datetime(1970, 1, 1)
NEWLINE = "\r\n"


def to_json(value: Any, depth: int = 2, compress: bool = False) -> str:
    """The JSON text of a value (a list for several pipeline objects)."""
    compact = _serialize(_prepare(value, 0, depth))
    return compact if compress else pretty(compact)


def _prepare(value: Any, level: int, depth: int) -> Any:
    """The value reduced to dict/list/primitives, cut at ``depth`` like PowerShell's ProcessValue."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, PSEnum):
        return value.value
    if isinstance(value, _dt.datetime):
        millis = int((value.replace(tzinfo=None) - _EPOCH).total_seconds() * 1000)
        return _Verbatim(f'"\\/Date({millis})\\/"')
    if level > depth:
        return to_string(value)
    if isinstance(value, _dt.timedelta):
        return {name: get_member(value, name) for name in _TIMESPAN_PROPERTIES}
    if isinstance(value, Hashtable):
        return {to_string(k): _prepare(v, level + 1, depth) for k, v in value.items()}
    if isinstance(value, list):
        return [_prepare(v, level + 1, depth) for v in value]
    if isinstance(value, ScriptBlock):
        return value.text
    obj = adapt(value)
    if isinstance(obj, PSObject):
        return {name: _prepare(v, level + 1, depth) for name, v in obj.items()}
    return to_string(value)


class _Verbatim(str):
    """JSON text written as is (JavaScriptSerializer's ``"\\/Date(…)\\/"``)."""


def _serialize(value: Any) -> str:
    if isinstance(value, _Verbatim):
        return value
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_string(k)}:{_serialize(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_serialize(v) for v in value) + "]"
    return _string(to_string(value))


def _number(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return _string(to_string(value))
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value).replace("e", "E")


def _string(text: str) -> str:
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif c < " " or c in _HTML:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def pretty(json: str) -> str:
    """Re-indent compact JSON the way Windows PowerShell's ConvertTo-Json does."""
    if not json or json[0] not in "{[":
        return json
    out = [json[0]]
    end = _container(json, 1, out, "", 0, json[0] == "{")
    return "".join(out) if end == len(json) - 1 else json


def _quoted(json: str, i: int, out: list) -> int:
    """Copy the string starting after the quote at ``i - 1``; returns the index of its closing quote."""
    j = i
    while j < len(json):
        if json[j] == "\\":
            j += 2
            continue
        if json[j] == '"':
            out.append(json[i:j + 1])
            return j
        j += 1
    out.append(json[i:])
    return len(json)


def _container(json: str, i: int, out: list, pad: str, spaces: int, is_object: bool) -> int:
    """Lay out an object or array whose opening bracket was just written; returns the closing bracket index."""
    out.append(NEWLINE)
    inner = pad + " " * spaces + "    "
    closer = "}" if is_object else "]"
    at_line_start, before_colon, key_width = True, True, 0
    while i < len(json):
        c = json[i]
        if c in "{[":
            if at_line_start:
                out.append(inner)
            out.append(c)
            i = _container(json, i + 1, out, inner, key_width if is_object else 0, c == "{")
            at_line_start = False
        elif c == closer:
            out.append(NEWLINE + pad + " " * spaces + c)
            return i
        elif c == '"':
            if at_line_start:
                out.append(inner)
            out.append(c)
            end = _quoted(json, i + 1, out)
            if is_object and before_colon:
                key_width += end - i + 1
            i = end
            at_line_start = False
        elif c == ":" and is_object:
            out.append(":  ")
            key_width += 3
            at_line_start, before_colon = False, False
        elif c == ",":
            out.append("," + NEWLINE)
            at_line_start, before_colon, key_width = True, True, 0
        else:
            if at_line_start:
                out.append(inner)
            out.append(c)
            at_line_start = False
        i += 1
    return i
