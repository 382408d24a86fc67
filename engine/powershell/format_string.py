"""The ``-f`` operator: .NET composite formatting (``{0}``, ``{1,-10}``, ``{2:N2}``) with en-US conventions."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.powershell.convert import ConversionError, to_number, to_string

_ITEM = re.compile(r"\{\{|\}\}|\{(\d+)(?:\s*,\s*(-?\d+))?(?::([^{}]*))?\}|[{}]")
_STANDARD = re.compile(r"([NnFfDdXxPpGgEeCc])(\d*)")
_CUSTOM = re.compile(r"[0#,.]+")


def format_operator(fmt: str, args: list) -> str:
    """Format ``args`` into ``fmt``; raises ValueError with .NET's message on a bad format or index."""
    out, pos = [], 0
    for m in _ITEM.finditer(fmt):
        out.append(fmt[pos:m.start()])
        pos = m.end()
        token = m.group()
        if token in ("{{", "}}"):
            out.append(token[0])
            continue
        if m.group(1) is None:
            raise ValueError("Input string was not in a correct format.")
        index = int(m.group(1))
        if index >= len(args):
            raise ValueError("Index (zero based) must be greater than or equal to zero and less than the size of "
                             "the argument list.")
        text = format_value(args[index], m.group(3) or "")
        width = int(m.group(2) or 0)
        if abs(width) >= 1_000_000:  # .NET's limit for an alignment
            raise ValueError("Input string was not in a correct format.")
        out.append(text.rjust(width) if width >= 0 else text.ljust(-width))
    out.append(fmt[pos:])
    return "".join(out)


def format_value(value: Any, spec: str) -> str:
    """One value with a .NET format string (standard numeric formats and simple custom ones)."""
    if not spec or isinstance(value, str) or value is None:
        return to_string(value)
    try:
        return _format_number(to_number(value), spec, value)
    except (ConversionError, ArithmeticError, ValueError):  # not a number, or infinity/NaN
        return to_string(value)


def _format_number(number: int | float, spec: str, value: Any) -> str:
    m = _STANDARD.fullmatch(spec)
    if m:
        kind, digits = m.group(1), m.group(2)
        upper = kind.upper()
        if upper == "N":
            return f"{_away(number, int(digits or 2)):,}"
        if upper == "F":
            return f"{_away(number, int(digits or 2))}"
        if upper == "D":
            return f"{int(number):0{int(digits or 1)}d}"
        if upper == "X":
            return format(int(number), f"0{int(digits or 1)}{'X' if kind == 'X' else 'x'}")
        if upper == "P":
            return f"{_away(number * 100, int(digits or 2)):,} %"
        if upper == "C":
            return f"${_away(number, int(digits or 2)):,}"
        if upper == "E":
            return format(number, f".{int(digits or 6)}{'E' if kind == 'E' else 'e'}")
        return to_string(number)
    if _CUSTOM.fullmatch(spec):
        whole, _, frac = spec.partition(".")
        decimals = len(frac.replace(",", ""))
        text = f"{_away(number, decimals):{',' if ',' in whole else ''}}"
        int_part, dot, frac_part = text.partition(".")
        int_part = int_part.rjust(whole.count("0"), "0")
        return int_part + (dot + frac_part if decimals else "")
    return to_string(value)


def _away(number: int | float, digits: int) -> Decimal:
    """Round like .NET number formatting: halves away from zero, on the shortest decimal form of the value."""
    return Decimal(repr(number)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
