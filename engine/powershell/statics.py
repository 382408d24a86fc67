"""Type literals (``[string]``), the ``-is``/``-isnot``/``-as`` operators, and the static members of the few .NET
types administrators' scripts use (``[Convert]::ToBase64String(…)``, ``[Text.Encoding]::UTF8.GetBytes(…)``,
``[string]::Join(…)``, ``[math]::Round(…)``, ``[int]::MaxValue``).

Everything here is an explicit table: a type or member that is not listed does not exist (there is no reflection
on Python objects). Byte arrays are lists of ints 0..255, as PowerShell shows them.
"""
from __future__ import annotations

import base64
import binascii
import math
from typing import Any, Callable

from engine.powershell.convert import (
    ConversionError, cast, full_type_name, known_type, to_bool, to_double, to_integer, to_string, type_names)
from engine.powershell.objects import PSCUSTOMOBJECT, Hashtable, PSObject, ScriptBlock, adapt
from engine.powershell.operators import OpError

_ENCODING = "System.Text.Encoding"
_INT32, _INT64 = "System.Int32", "System.Int64"


class TypeValue(PSObject):
    """The value of a type literal: ``[string]``, ``[Microsoft.HyperV.PowerShell.VirtualMachine]``; shown like
    what ``GetType()`` returns (a System.RuntimeType)."""

    __slots__ = ("name", "full_name")

    def __init__(self, name: str, full_name: str) -> None:
        super().__init__([("IsPublic", True), ("IsSerial", True), ("Name", full_name.rsplit(".", 1)[-1]),
                          ("BaseType", "System.Object"), ("FullName", full_name)], ["System.RuntimeType"],
                         display=full_name)
        self.name, self.full_name = name, full_name  # as typed, and the .NET full name

    def __repr__(self) -> str:
        return f"TypeValue({self.full_name!r})"


def type_not_found(name: str) -> OpError:
    """PowerShell's error for a type literal it cannot resolve."""
    return OpError(f"Unable to find type [{name}]: make sure that the assembly containing this type is loaded.",
                   "TypeNotFound", target_name=name, target_type="TypeName")


# ------------------------------------------------------------------------------------------------ encodings
_CLASS = {"utf-8": "UTF8Encoding", "utf-16-le": "UnicodeEncoding", "ascii": "ASCIIEncoding",
          "utf-16-be": "UnicodeEncoding", "utf-32-le": "UTF32Encoding"}
_ENCODINGS = {
    "utf8": ("Unicode (UTF-8)", "utf-8", "utf-8", 65001, "utf-8"),
    "unicode": ("Unicode", "utf-16", "utf-16", 1200, "utf-16-le"),
    "bigendianunicode": ("Unicode (Big-Endian)", "unicodeFFFE", "unicodeFFFE", 1201, "utf-16-be"),
    "ascii": ("US-ASCII", "us-ascii", "us-ascii", 20127, "ascii"),
    "utf32": ("Unicode (UTF-32)", "utf-32", "utf-32", 12000, "utf-32-le"),
}


def _make_encoding(key: str) -> PSObject:
    name, body, web, code_page, codec = _ENCODINGS[key]
    return PSObject([("BodyName", body), ("EncodingName", name), ("WebName", web), ("CodePage", code_page)],
                    [f"System.Text.{_CLASS[codec]}", _ENCODING, "System.Object"], ref=("encoding", codec),
                    display=f"System.Text.{_CLASS[codec]}")


def _bytes(value: Any, method: str, parameter: str) -> bytes:
    items = value if isinstance(value, list) else [value]
    if value is None:
        raise OpError(f'Exception calling "{method}" with "1" argument(s): "Value cannot be null.\r\nParameter name: '
                      f'{parameter}"', "ArgumentNullException", "NotSpecified", "MethodInvocationException")
    try:
        return bytes(to_integer(v, "System.Byte") for v in items)
    except ConversionError as e:
        raise OpError(f'Cannot convert argument "{parameter}", with value: "{to_string(value)}", for "{method}" to '
                      f'type "System.Byte[]": "{e.message}"', "MethodArgumentConversionInvalidCastArgument",
                      "NotSpecified", "MethodException") from None


def encoding_methods(obj: PSObject) -> dict[str, Callable]:
    """The methods of an encoding object (``[Text.Encoding]::UTF8``)."""
    ref = obj.ref
    if not (isinstance(ref, tuple) and ref[:1] == ("encoding",)):
        return {}
    codec = ref[1]

    def get_bytes(s):
        if isinstance(s, list):  # GetBytes(char[])
            s = "".join(to_string(c) for c in s)
        return list(to_string(s).encode(codec, errors="replace"))

    def get_string(data, index=None, count=None):
        raw = _bytes(data, "GetString", "bytes")
        if index is not None:
            start = to_integer(index)
            raw = raw[start:start + to_integer(count)] if count is not None else raw[start:]
        return raw.decode(codec, errors="replace")
    return {"getbytes": get_bytes, "getstring": get_string,
            "getbytecount": lambda s: len(to_string(s).encode(codec, errors="replace"))}


# ------------------------------------------------------------------------------------------------ static members
def _from_base64(s: Any) -> list[int]:
    text = "".join(to_string(s).split())
    try:
        if len(text) % 4:
            raise binascii.Error()
        return list(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        raise OpError('Exception calling "FromBase64String" with "1" argument(s): "The input is not a valid Base-64 '
                      "string as it contains a non-base 64 character, more than two padding characters, or an "
                      'illegal character among the padding characters. "', "FormatException", "NotSpecified",
                      "MethodInvocationException") from None


def _round(x: Any, digits: Any = 0) -> float:
    places = to_integer(digits)
    if not 0 <= places <= 15:
        raise OpError('Exception calling "Round" with "2" argument(s): "Rounding digits must be between 0 and 15, '
                      'inclusive.\r\nParameter name: digits"', "ArgumentOutOfRangeException", "NotSpecified",
                      "MethodInvocationException")
    # .NET Framework's Math.Round(double, digits): scale, round half to even, scale back (2.675 → 2.68)
    power = 10.0 ** places
    return round(to_double(x) * power) / power


def _join(separator: Any, *values: Any) -> str:
    items = values[0] if len(values) == 1 and isinstance(values[0], list) else list(values)
    return to_string(separator).join(to_string(v) for v in items)


def _number(kind: str) -> Callable[[Any], Any]:
    """``[int]::Parse(s)``: .NET's FormatException when the text is not a number."""
    def parse(x: Any) -> Any:
        try:
            return to_double(to_string(x)) if kind == "double" else to_integer(to_string(x), kind)
        except ConversionError:
            raise OpError('Exception calling "Parse" with "1" argument(s): "Input string was not in a correct '
                          'format."', "FormatException", "NotSpecified", "MethodInvocationException") from None
    return parse


def _to_int(kind: str) -> Callable[..., int]:
    """``[Convert]::ToInt32(x)`` and ``[Convert]::ToInt32('ff', 16)``."""
    def convert(x: Any, base: Any = None) -> int:
        if base is None:
            return to_integer(x, kind)
        radix = to_integer(base)
        if radix not in (2, 8, 10, 16):
            raise OpError(f'Exception calling "To{kind[7:]}" with "2" argument(s): "Invalid Base.\r\nParameter name: '
                          'fromBase"', "ArgumentException", "NotSpecified", "MethodInvocationException")
        try:
            text = to_string(x).strip()
            number = int(text[2:] if radix == 16 and text.lower().startswith("0x") else text, radix)
        except ValueError:
            raise OpError(f'Exception calling "To{kind[7:]}" with "2" argument(s): "Could not find any recognizable '
                          'digits."', "FormatException", "NotSpecified", "MethodInvocationException") from None
        bits = 32 if kind == _INT32 else 64
        if radix != 10 and 2 ** (bits - 1) <= number < 2 ** bits:
            number -= 2 ** bits  # two's complement, as .NET reads 'ffffffff' in base 16
        if not -2 ** (bits - 1) <= number < 2 ** (bits - 1):
            raise OpError(f'Exception calling "To{kind[7:]}" with "2" argument(s): "Value was either too large or too '
                          f'small for {"an Int32" if bits == 32 else "an Int64"}."', "OverflowException", "NotSpecified",
                          "MethodInvocationException")
        return number
    return convert


_STATICS: dict[str, tuple[dict[str, Callable[[], Any]], dict[str, Callable]]] = {
    # full name: (properties, methods); names are lower case
    "System.Convert": ({}, {
        "tobase64string": lambda data: base64.b64encode(_bytes(data, "ToBase64String", "inArray")).decode("ascii"),
        "frombase64string": _from_base64,
        "toint32": _to_int(_INT32), "toint64": _to_int(_INT64),
        "todouble": to_double, "tostring": to_string, "toboolean": to_bool}),
    _ENCODING: ({k: (lambda k=k: _make_encoding(k)) for k in _ENCODINGS}, {
        "getencoding": lambda name: _get_encoding(name)}),
    "System.String": ({"empty": lambda: ""}, {
        "join": _join, "isnullorempty": lambda x: x is None or to_string(x) == "",
        "isnullorwhitespace": lambda x: x is None or to_string(x).strip() == "",
        "concat": lambda *a: "".join(to_string(x) for x in a),
        "format": lambda fmt, *a: _format(fmt, list(a)), "equals": lambda a, b: to_string(a) == to_string(b)}),
    "System.Math": ({"pi": lambda: math.pi, "e": lambda: math.e}, {
        "round": _round, "floor": lambda x: float(math.floor(to_double(x))),
        "ceiling": lambda x: float(math.ceil(to_double(x))), "abs": lambda x: abs(_numeric(x)),
        "max": lambda a, b: max(_numeric(a), _numeric(b)), "min": lambda a, b: min(_numeric(a), _numeric(b)),
        "pow": lambda a, b: math.pow(to_double(a), to_double(b)), "sqrt": lambda x: _sqrt(to_double(x)),
        "truncate": lambda x: float(math.trunc(to_double(x)))}),
    _INT32: ({"maxvalue": lambda: 2 ** 31 - 1, "minvalue": lambda: -2 ** 31}, {"parse": _number(_INT32)}),
    _INT64: ({"maxvalue": lambda: 2 ** 63 - 1, "minvalue": lambda: -2 ** 63}, {"parse": _number(_INT64)}),
    "System.Double": ({"maxvalue": lambda: 1.7976931348623157e308, "minvalue": lambda: -1.7976931348623157e308},
                      {"parse": _number("double")}),
}
_STATIC_NAMES = {"convert": "System.Convert", "text.encoding": _ENCODING, "math": "System.Math"}


def _numeric(x: Any) -> int | float:
    x = adapt(x)
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else to_double(x)


def _sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0 else math.nan


def _format(fmt: Any, args: list) -> str:
    from engine.powershell.operators import format_values
    return format_values(to_string(fmt), args[0] if len(args) == 1 and isinstance(args[0], list) else args)


def _get_encoding(name: Any) -> PSObject:
    key = to_string(name).lower().replace("-", "")
    aliases = {"utf8": "utf8", "utf16": "unicode", "unicode": "unicode", "usascii": "ascii", "ascii": "ascii",
               "utf32": "utf32", "unicodefffe": "bigendianunicode"}
    if key not in aliases:
        raise OpError(f'Exception calling "GetEncoding" with "1" argument(s): "\'{to_string(name)}\' is not a '
                      "supported encoding name. For information on defining a custom encoding, see the "
                      'documentation for the Encoding.RegisterProvider method.\r\nParameter name: name"',
                      "ArgumentException", "NotSpecified", "MethodInvocationException")
    return _make_encoding(aliases[key])


def resolve_type(name: str) -> str | None:
    """The .NET full name of a type literal we know (casts and static types), else None."""
    lower = name.lower().removeprefix("system.")
    if lower in _STATIC_NAMES:
        return _STATIC_NAMES[lower]
    return known_type(name)


def static_member(type_name: str, member: str) -> Any:
    """``[Type]::Member``; unknown members of a known type are $null (as in PowerShell without strict mode)."""
    full = resolve_type(type_name)
    if full is None:
        raise type_not_found(type_name)
    props = _STATICS.get(full, ({}, {}))[0]
    getter = props.get(member.lower())
    return getter() if getter else None


def call_static(type_name: str, member: str, args: list) -> Any:
    """``[Type]::Method(args)``."""
    full = resolve_type(type_name)
    if full is None:
        raise type_not_found(type_name)
    method = _STATICS.get(full, ({}, {}))[1].get(member.lower())
    if method is None:
        raise OpError(f"Method invocation failed because [{full}] does not contain a method named '{member}'.",
                      "MethodNotFound", target_name=member, target_type="RuntimeType")
    try:
        return method(*args)
    except TypeError:
        raise OpError(f'Cannot find an overload for "{member}" and the argument count: "{len(args)}".',
                      "MethodCountCouldNotFindBest", "NotSpecified", "MethodException") from None


# ------------------------------------------------------------------------------------------------ -is / -as
def type_literal(name: str) -> TypeValue:
    """The value of ``[name]``: known types, and namespaced names (the lab's object types, matched by name)."""
    full = resolve_type(name)
    if full is None:
        if "." not in name:
            raise type_not_found(name)
        full = name
    return TypeValue(name, full)


def _target(right: Any) -> TypeValue:
    if isinstance(right, TypeValue):
        return right
    if isinstance(right, PSObject) and "System.RuntimeType" in right.type_names:  # $x -is $y.GetType()
        full = to_string(right.get("FullName"))
        return TypeValue(full, full)
    if isinstance(right, str):
        return type_literal(right.strip().strip("[]") if right.strip().startswith("[") else right.strip())
    raise OpError(f'Cannot convert the "{to_string(right)}" value of type "{full_type_name(right)}" to type '
                  '"System.Type".', "RuntimeException")


_BASES = {"System.Object", "System.Management.Automation.PSObject", PSCUSTOMOBJECT}


def is_type(value: Any, right: Any) -> bool:
    """``value -is [type]``."""
    target = _target(right)
    full = target.full_name
    if value is None:
        return False
    if full == "System.Object":
        return True
    if full in ("System.Management.Automation.PSObject", PSCUSTOMOBJECT):
        return isinstance(adapt(value), PSObject)
    if full in ("System.Array", "System.Object[]"):
        return isinstance(value, list)
    if full.endswith("[]"):
        element = full[:-2]
        return isinstance(value, list) and all(is_type(v, TypeValue(element, element)) for v in value)
    if full == "System.Collections.Hashtable":
        return isinstance(value, Hashtable)
    if full == "System.Management.Automation.ScriptBlock":
        return isinstance(value, ScriptBlock)
    if full == "System.Double":
        return isinstance(value, float)
    if full == "System.Int64":
        return isinstance(value, int) and not isinstance(value, bool) and full_type_name(value) == full
    wanted = full.lower()
    return any(n.lower() == wanted for n in type_names(value) if n not in _BASES)


def as_type(value: Any, right: Any) -> Any:
    """``value -as [type]``: the converted value, or $null when it does not convert."""
    target = _target(right)
    if target.full_name == "System.Void":
        return None
    if known_type(target.name) is None:  # the lab's object types, [math]: no conversion, only a type test
        return value if is_type(value, target) else None
    try:
        return cast(value, target.name)
    except (ConversionError, KeyError):
        return None
