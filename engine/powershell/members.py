"""Member access, indexing and the few .NET methods scripts use, with PowerShell's rules: missing members are
$null, ``.Count`` works on anything, arrays enumerate members (``(Get-VM).Name``), ``$x[0]`` on a scalar is
the scalar. Failures raise OpError; assignment failures use PowerShell's texts.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Callable

from engine.powershell.convert import full_type_name, short_type_name, to_integer, to_string
from engine.powershell.objects import Hashtable, PSEnum, PSObject, ScriptBlock, adapt
from engine.powershell.operators import OpError

_TIMESPAN = {"days": lambda t: t.days, "hours": lambda t: t.seconds // 3600,
             "minutes": lambda t: t.seconds // 60 % 60, "seconds": lambda t: t.seconds % 60,
             "milliseconds": lambda t: t.microseconds // 1000,
             "ticks": lambda t: (t.days * 86400 + t.seconds) * 10 ** 7 + t.microseconds * 10,
             "totaldays": lambda t: t.total_seconds() / 86400, "totalhours": lambda t: t.total_seconds() / 3600,
             "totalminutes": lambda t: t.total_seconds() / 60, "totalseconds": lambda t: t.total_seconds(),
             "totalmilliseconds": lambda t: t.total_seconds() * 1000}


def get_member(value: Any, name: str) -> Any:
    """``value.Name``."""
    lower = name.lower()
    if isinstance(value, list):
        if lower in ("count", "length"):
            return len(value)
        found = []
        for item in value:  # member enumeration: the member of each element
            result = get_member(item, name)
            if isinstance(result, list):
                found.extend(result)
            elif result is not None:
                found.append(result)
        return found[0] if len(found) == 1 else (found or None)
    if value is None:
        return 0 if lower in ("count", "length") else None
    if isinstance(value, Hashtable):
        if name in value:
            return value[name]
        return {"count": len(value), "keys": list(value.keys()), "values": list(value.values())}.get(lower)
    if isinstance(value, str) and lower == "length":
        return len(value)
    if isinstance(value, _dt.timedelta) and lower in _TIMESPAN:
        return _TIMESPAN[lower](value)
    if isinstance(value, PSEnum) and lower == "value__":
        return value.value
    obj = adapt(value)
    if isinstance(obj, PSObject) and obj.has(name):
        return obj.get(name)
    return 1 if lower in ("count", "length") else None


def set_member(value: Any, name: str, new: Any) -> None:
    """``value.Name = new``; setter callbacks may raise LabError (the caller reports it)."""
    if isinstance(value, Hashtable):
        value[name] = new
        return
    obj = adapt(value)
    outcome = obj.assign(name, new) if isinstance(obj, PSObject) and obj is value else "missing"
    if outcome == "readonly":
        raise OpError(f"'{obj.canonical(name)}' is a ReadOnly property.", "PropertyAssignmentException")
    if outcome == "missing":
        raise OpError(f"The property '{name}' cannot be found on this object. Verify that the property exists and "
                      "can be set.", "PropertyNotFound")


def get_index(value: Any, index: Any) -> Any:
    """``value[index]`` (an array of indexes gives an array)."""
    if value is None:
        raise OpError("Cannot index into a null array.", "NullArray")
    if isinstance(index, list):
        return [get_index(value, i) for i in index]
    if isinstance(value, Hashtable):
        return value[index] if index in value else None
    obj = adapt(value)
    if isinstance(obj, PSObject) and isinstance(index, str):
        return obj.get(index)
    position = to_integer(index)
    if isinstance(value, (list, str)):
        if -len(value) <= position < len(value):
            return value[position]
        return None
    return value if position in (0, -1) else None


def set_index(value: Any, index: Any, new: Any) -> None:
    """``value[index] = new``."""
    if value is None:
        raise OpError("Cannot index into a null array.", "NullArray")
    if isinstance(value, Hashtable):
        value[index] = new
        return
    if isinstance(value, list):
        position = to_integer(index)
        if not -len(value) <= position < len(value):
            raise OpError("Index was outside the bounds of the array.", "System.IndexOutOfRangeException",
                          "OperationStopped", "IndexOutOfRangeException")
        value[position] = new
        return
    raise OpError(f"Unable to index into an object of type {full_type_name(value)}.", "CannotIndex")


def _string_methods(s: str) -> dict[str, Callable]:
    return {
        "toupper": lambda: s.upper(), "tolower": lambda: s.lower(), "tostring": lambda: s,
        "trim": lambda chars=None: s.strip(chars), "trimstart": lambda chars=None: s.lstrip(chars),
        "trimend": lambda chars=None: s.rstrip(chars),
        "startswith": lambda x: s.startswith(to_string(x)), "endswith": lambda x: s.endswith(to_string(x)),
        "contains": lambda x: to_string(x) in s, "indexof": lambda x: s.find(to_string(x)),
        "replace": lambda a, b: s.replace(to_string(a), to_string(b)),
        "split": lambda sep=" ": _split_chars(s, to_string(sep)),
        "substring": lambda start, length=None: _substring(s, start, length),
        "padleft": lambda n, c=" ": s.rjust(_width(n), to_string(c)[:1] or " "),
        "padright": lambda n, c=" ": s.ljust(_width(n), to_string(c)[:1] or " "),
        "equals": lambda x: s == to_string(x),
    }


def _width(n: Any) -> int:
    width = to_integer(n)
    if width > 1_000_000:  # a console emulator has no use for giant strings; refuse before allocating
        raise OpError("Exception of type 'System.OutOfMemoryException' was thrown.", "OutOfMemoryException",
                      "NotSpecified", "OutOfMemoryException")
    return width


def _split_chars(s: str, separators: str) -> list[str]:
    parts, current = [], []
    for c in s:
        if c in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
    return parts + ["".join(current)]


def _substring(s: str, start: Any, length: Any) -> str:
    begin = to_integer(start)
    count = len(s) - begin if length is None else to_integer(length)
    if begin < 0 or count < 0 or begin + count > len(s):
        raise OpError('Exception calling "Substring" with "1" argument(s): "startIndex cannot be larger than length '
                      'of string."', "ArgumentOutOfRangeException", "NotSpecified", "MethodInvocationException")
    return s[begin:begin + count]


def _type_info(value: Any) -> PSObject:
    full = full_type_name(value)
    return PSObject([("IsPublic", True), ("IsSerial", True), ("Name", full.rsplit(".", 1)[-1]),
                     ("BaseType", "System.Object"), ("FullName", full)], ["System.RuntimeType"], display=full)


def call_method(value: Any, name: str, args: list, invoke: Callable[[ScriptBlock, list], Any]) -> Any:
    """``value.Name(args)`` for the supported methods; ``invoke`` runs a script block for ``.Invoke()``."""
    if value is None:
        raise OpError("You cannot call a method on a null-valued expression.", "InvokeMethodOnNull")
    lower = name.lower()
    methods: dict[str, Callable] = {"tostring": lambda: to_string(value), "gettype": lambda: _type_info(value)}
    if isinstance(value, str):
        methods.update(_string_methods(value))
    elif isinstance(value, list):
        methods.update({"contains": lambda x: x in value, "indexof": lambda x: value.index(x) if x in value else -1})
    elif isinstance(value, Hashtable):
        methods.update({"containskey": lambda k: k in value, "add": lambda k, v: _add_key(value, k, v),
                        "remove": lambda k: value.pop(k, None) and None, "clear": lambda: value.clear()})
    elif isinstance(value, ScriptBlock):
        methods["invoke"] = lambda *a: invoke(value, list(a))
    elif isinstance(value, PSObject):
        from engine.powershell.statics import encoding_methods
        methods.update(encoding_methods(value))
    method = methods.get(lower)
    if method is None:
        raise OpError(f"Method invocation failed because [{full_type_name(value)}] does not contain a method named "
                      f"'{name}'.", "MethodNotFound", target_name=name, target_type=short_type_name(value))
    try:
        return method(*args)
    except TypeError:
        raise OpError(f'Cannot find an overload for "{name}" and the argument count: "{len(args)}".',
                      "MethodCountCouldNotFindBest", "NotSpecified", "MethodException") from None


def _add_key(table: Hashtable, key: Any, value: Any) -> None:
    if key in table:
        raise OpError(f'Exception calling "Add" with "2" argument(s): "Item has already been added. Key in '
                      f"dictionary: '{key}'  Key being added: '{key}'\"", "ArgumentException", "NotSpecified",
                      "MethodInvocationException")
    table[key] = value
