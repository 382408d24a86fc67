"""PowerShell's value conversions: to string, to bool, to numbers, casts, and .NET type names.

Conversion failures raise ConversionError carrying the message .NET/PowerShell would print; callers wrap it
in the error record that fits the context (a cast, an operator, a parameter binding).
"""
from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from engine.powershell.objects import PSCUSTOMOBJECT, Hashtable, PSEnum, PSObject, ScriptBlock, adapt
from engine.powershell.scanning import number_value

_INT_RANGES = {"System.Int32": (-2 ** 31, 2 ** 31 - 1, "an Int32"), "System.UInt32": (0, 2 ** 32 - 1, "a UInt32"),
               "System.Int64": (-2 ** 63, 2 ** 63 - 1, "an Int64"), "System.UInt64": (0, 2 ** 64 - 1, "a UInt64"),
               "System.Byte": (0, 255, "an unsigned byte")}
BAD_FORMAT = "Input string was not in a correct format."


class ConversionError(Exception):
    """A value could not be converted; ``message`` is PowerShell's text, ``error_id`` its id."""

    def __init__(self, message: str, error_id: str = "InvalidCastFromStringToInteger") -> None:
        super().__init__(message)
        self.message = message
        self.error_id = error_id


def type_names(value: Any) -> list[str]:
    """The .NET type names PowerShell shows for a value (most specific first)."""
    value = adapt(value)
    if isinstance(value, PSObject):
        return value.type_names
    if value is None:
        return []
    if isinstance(value, PSEnum):
        return [value.type_name, "System.Enum", "System.ValueType", "System.Object"]
    return [full_type_name(value), "System.Object"]


def full_type_name(value: Any) -> str:
    """The full .NET type name of a value."""
    value = adapt(value)
    if isinstance(value, bool):
        return "System.Boolean"
    if isinstance(value, int):
        return "System.Int32" if -2 ** 31 <= value < 2 ** 31 else "System.Int64"
    if isinstance(value, float):
        return "System.Double"
    if isinstance(value, str):
        return "System.String"
    if isinstance(value, list):
        return "System.Object[]"
    if isinstance(value, Hashtable):
        return "System.Collections.Hashtable"
    if isinstance(value, ScriptBlock):
        return "System.Management.Automation.ScriptBlock"
    if isinstance(value, PSObject):
        return value.type_name
    if isinstance(value, PSEnum):
        return value.type_name
    if isinstance(value, _dt.timedelta):
        return "System.TimeSpan"
    if isinstance(value, _dt.datetime):
        return "System.DateTime"
    return "System.Object"


def short_type_name(value: Any) -> str:
    """The type name without namespace (``String``, ``Object[]``, ``PSCustomObject``)."""
    return full_type_name(value).rsplit(".", 1)[-1]


def format_double(value: float) -> str:
    """A Double as .NET's ``ToString()`` writes it (15 significant digits)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return format(value, ".15G")


def _format_timespan(value: _dt.timedelta) -> str:
    total = int(value.total_seconds())
    sign = "-" if total < 0 else ""
    days, rest = divmod(abs(total), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}{days}.{hours:02}:{minutes:02}:{seconds:02}" if days else f"{sign}{hours:02}:{minutes:02}:{seconds:02}"
    micro = abs(value).microseconds
    return text + (f".{micro * 10:07}" if micro else "")


def to_string(value: Any) -> str:
    """PowerShell's conversion to string (arrays joined by spaces, as in ``"$array"``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_double(value)
    if isinstance(value, list):
        return " ".join(to_string(v) for v in value)
    if isinstance(value, PSEnum):
        return value.name
    if isinstance(value, ScriptBlock):
        return value.text
    if isinstance(value, Hashtable):
        return "System.Collections.Hashtable"
    if isinstance(value, _dt.timedelta):
        return _format_timespan(value)
    if isinstance(value, _dt.datetime):  # the en-US format Windows shows: 1/5/2014 3:04:05 PM
        hour = value.hour % 12 or 12
        return (f"{value.month}/{value.day}/{value.year} {hour}:{value.minute:02}:{value.second:02} "
                f"{'AM' if value.hour < 12 else 'PM'}")
    value = adapt(value)
    if isinstance(value, PSObject):
        if value.display is not None:
            return value.display
        if PSCUSTOMOBJECT in value.type_names:
            return "@{" + "; ".join(f"{k}={to_string(v)}" for k, v in value.items()) + "}"
        return value.type_name
    return str(value)


def to_bool(value: Any) -> bool:
    """PowerShell truthiness: $null, 0, '' and empty arrays are false; a 1-element array is its element."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        return value != ""
    if isinstance(value, list):
        return len(value) > 1 or (len(value) == 1 and to_bool(value[0]))
    if isinstance(value, PSEnum):
        return value.value != 0
    return True


def parse_number(text: str) -> int | float | None:
    """A string as PowerShell reads it as a number (trimmed; hex, exponents, ``4GB``); None if it is not one."""
    text = text.strip()
    if text == "":
        return 0
    sign = 1
    if text[0] in "+-":
        sign, text = (-1 if text[0] == "-" else 1), text[1:]
    value = number_value(text)
    if value is None:
        try:
            value = float(text)
        except ValueError:
            return None
        if math.isnan(value) or math.isinf(value):
            return None
    return sign * value


def to_number(value: Any, target: str = "System.Int32") -> int | float:
    """A value as a number for arithmetic; raises ConversionError like PowerShell."""
    value = adapt(value)
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, PSEnum):
        return value.value
    if isinstance(value, str):
        number = parse_number(value)
        if number is None:
            raise ConversionError(f'Cannot convert value "{value}" to type "{target}". Error: "{BAD_FORMAT}"')
        return number
    raise ConversionError(f'Cannot convert the "{to_string(value)}" value of type "{full_type_name(value)}" to type '
                          f'"{target}".', "ConvertToFinalInvalidCastException")


def to_integer(value: Any, target: str = "System.Int32") -> int:
    """A value as an integer of a .NET integer type (banker's rounding, range checked)."""
    number = to_number(value, target)
    result = round(number) if isinstance(number, float) else number
    low, high, article = _INT_RANGES.get(target, _INT_RANGES["System.Int64"])
    if not low <= result <= high:
        raise ConversionError(f'Cannot convert value "{to_string(value)}" to type "{target}". Error: '
                              f'"Value was either too large or too small for {article}."')
    return result


def to_double(value: Any) -> float:
    """A value as a Double."""
    return float(to_number(value, "System.Double"))


_CASTS = {"int": "System.Int32", "int32": "System.Int32", "long": "System.Int64", "int64": "System.Int64",
          "uint32": "System.UInt32", "uint64": "System.UInt64", "byte": "System.Byte", "double": "System.Double",
          "float": "System.Double", "single": "System.Double", "decimal": "System.Double", "string": "System.String",
          "bool": "System.Boolean", "boolean": "System.Boolean", "char": "System.Char", "array": "System.Array",
          "object": "System.Object", "psobject": "System.Management.Automation.PSObject",
          "hashtable": "System.Collections.Hashtable", "ordered": "ordered", "pscustomobject": PSCUSTOMOBJECT,
          "scriptblock": "System.Management.Automation.ScriptBlock", "void": "System.Void"}


def known_type(name: str) -> str | None:
    """The full name for a type literal we support (``int``, ``System.Int32``, ``string[]``), else None."""
    lower = name.lower()
    suffix = ""
    if lower.endswith("[]"):
        lower, suffix = lower[:-2], "[]"
    lower = lower.removeprefix("system.")
    if lower.startswith("management.automation."):
        lower = lower.removeprefix("management.automation.")
    if lower.startswith("collections."):
        lower = lower.removeprefix("collections.")
    full = _CASTS.get(lower)
    return full + suffix if full else None


def cast(value: Any, type_name: str) -> Any:
    """``[type]value`` for the supported types; raises ConversionError."""
    full = known_type(type_name)
    if full is None:
        raise KeyError(type_name)
    if full.endswith("[]") or full == "System.Array":
        element = full[:-2]
        items = value if isinstance(value, list) else ([] if value is None else [value])
        return items if full in ("System.Array", "System.Object[]") else [cast_scalar(v, element) for v in items]
    return cast_scalar(value, full)


def cast_scalar(value: Any, full: str) -> Any:
    """Convert one value to a scalar .NET type given by full name."""
    if full in _INT_RANGES:
        return to_integer(value, full)
    if full == "System.Double":
        return to_double(value)
    if full == "System.String":
        return to_string(value)
    if full == "System.Boolean":
        return to_bool(value)
    if full == "System.Char":
        text = to_string(value) if not isinstance(value, int) or isinstance(value, bool) else chr(value)
        if len(text) != 1:
            raise ConversionError(f'Cannot convert value "{text}" to type "System.Char". Error: "String must be '
                                  f'exactly one character long."', "InvalidCastParseTargetInvocation")
        return text
    if full in (PSCUSTOMOBJECT, "ordered"):
        if isinstance(value, Hashtable):
            if full == "ordered":
                return value
            return PSObject([(str(k), v) for k, v in value.items()])
        if full == "ordered":
            raise ConversionError("The ordered attribute can be specified only on a hash literal node.",
                                  "OrderedAttributeOnlyOnHashLiteralNode")
        return value
    if full == "System.Collections.Hashtable":
        if isinstance(value, Hashtable):
            return value
        raise ConversionError(f'Cannot convert the "{to_string(value)}" value of type "{full_type_name(value)}" to '
                              f'type "System.Collections.Hashtable".', "ConvertToFinalInvalidCastException")
    if full == "System.Management.Automation.ScriptBlock" and not isinstance(value, ScriptBlock):
        raise ConversionError(f'Cannot convert the "{to_string(value)}" value of type "{full_type_name(value)}" to '
                              f'type "{full}".', "ConvertToFinalInvalidCastException")
    return value
