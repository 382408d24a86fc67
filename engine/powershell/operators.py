"""PowerShell's operators on runtime values: arithmetic, comparison (with array left-hand sides filtering),
wildcards, regular expressions (.NET syntax mapped to Python's), -replace/-split/-join, the range operator.

Errors raise OpError with PowerShell's message and FullyQualifiedErrorId; the interpreter adds the position.
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable

from engine.powershell.convert import ConversionError, full_type_name, to_bool, to_integer, to_number, to_string
from engine.powershell.format_string import format_operator
from engine.powershell.objects import Hashtable, PSEnum

_COLLECTION_OPS = {"contains", "notcontains", "in", "notin"}
_BASE_OPS = {"eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch", "contains", "notcontains",
             "in", "notin", "replace", "split", "join", "band", "bor", "bxor"}
_OP_NAMES = {"+": "op_Addition", "-": "op_Subtraction", "*": "op_Multiply", "/": "op_Division", "%": "op_Modulus"}


class OpError(Exception):
    """An operator failed; carries PowerShell's message, error id, category and reason."""

    def __init__(self, message: str, error_id: str, category: str = "InvalidOperation",
                 reason: str = "RuntimeException", target_name: str = "", target_type: str = "") -> None:
        super().__init__(message)
        self.message, self.error_id, self.category, self.reason = message, error_id, category, reason
        self.target_name, self.target_type = target_name, target_type


def _number(value: Any) -> int | float:
    try:
        return to_number(value)
    except ConversionError as e:
        raise OpError(e.message, e.error_id, "InvalidArgument") from None


def _normalize(value: int | float) -> int | float:
    # PowerShell widens integer results past Int64 to Double
    if isinstance(value, int) and not -2 ** 63 <= value < 2 ** 63:
        return float(value)
    return value


def _no_method(value: Any, op: str) -> OpError:
    return OpError(f"Method invocation failed because [{full_type_name(value)}] does not contain a method named "
                   f"'{_OP_NAMES[op]}'.", "MethodNotFound", target_name=_OP_NAMES[op],
                   target_type=full_type_name(value).rsplit(".", 1)[-1])


def arithmetic(op: str, a: Any, b: Any, charge: Callable[[int], None]) -> Any:
    """``a op b`` for + - * / %, following the left operand's type like PowerShell."""
    if isinstance(a, list):
        if op == "+":
            charge(len(a))  # building ever-growing arrays in a loop costs steps too
            return a + (b if isinstance(b, list) else [b])
        if op == "*":
            times = to_integer(b)
            charge(len(a) * max(times, 0))
            return a * max(times, 0)
        raise _no_method(a, op)
    if isinstance(a, Hashtable):
        if op != "+":
            raise _no_method(a, op)
        if not isinstance(b, Hashtable):
            raise OpError("A hash table can only be added to another hash table.", "AddHashTableToNonHashTable")
        merged = Hashtable(a.items())
        for key, value in b.items():
            if key in merged:
                raise OpError(f"Item has already been added. Key in dictionary: '{key}'  Key being added: '{key}'",
                              "System.ArgumentException", "NotSpecified", "ArgumentException")
            merged[key] = value
        return merged
    if isinstance(a, str) and op == "+":
        text = to_string(b)
        charge((len(a) + len(text)) // 64)  # so doubling a string in a loop hits the budget, not the memory
        return a + text
    if isinstance(a, str) and op == "*":
        times = max(to_integer(b), 0)
        charge(len(a) * times)
        return a * times
    if a is None and op == "+":
        return b
    if not (a is None or isinstance(a, (bool, int, float, str, PSEnum))):
        raise _no_method(a, op)
    x, y = _number(a), _number(b)
    if op == "+":
        return _normalize(x + y)
    if op == "-":
        return _normalize(x - y)
    if op == "*":
        return _normalize(x * y)
    if y == 0:
        raise OpError("Attempted to divide by zero.", "RuntimeException", "NotSpecified")
    if op == "/":
        if isinstance(x, int) and isinstance(y, int) and x % y == 0:
            return x // y
        return x / y
    if isinstance(x, int) and isinstance(y, int):
        r = abs(x) % abs(y)  # C# remainder: the sign follows the dividend
        return r if x >= 0 else -r
    return math.fmod(x, y)


def equals(a: Any, b: Any, case_sensitive: bool = False) -> bool:
    """PowerShell's -eq for scalars: the right operand is converted to the left operand's type."""
    if a is None:
        return b is None
    if b is None:
        return False
    if isinstance(a, str):
        text = to_string(b)
        return a == text if case_sensitive else a.casefold() == text.casefold()
    if isinstance(a, bool):
        return a == to_bool(b)
    if isinstance(a, (int, float)):
        try:
            return a == to_number(b)
        except ConversionError:
            return False
    if isinstance(a, PSEnum):
        if isinstance(b, str):
            return a.name == b if case_sensitive else a.name.lower() == b.lower()
        if isinstance(b, (int, float)) and not isinstance(b, bool):
            return a.value == b
    return a is b or a == b


def compare(a: Any, b: Any, case_sensitive: bool = False) -> int:
    """Ordering for -gt/-ge/-lt/-le: negative, zero or positive."""
    if a is None or b is None:
        return (a is not None) - (b is not None)
    if isinstance(a, str):
        x, y = (a, to_string(b)) if case_sensitive else (a.casefold(), to_string(b).casefold())
        return (x > y) - (x < y)
    if isinstance(a, (bool, int, float, PSEnum)):
        try:
            y = to_number(b)
        except ConversionError as e:
            raise OpError(f'Could not compare "{to_string(a)}" to "{to_string(b)}". Error: "{e.message}"',
                          "ComparisonFailure") from None
        x = to_number(a)
        return (x > y) - (x < y)
    try:
        return (a > b) - (a < b)
    except TypeError:
        raise OpError(f'Cannot compare "{to_string(a)}" because it is not IComparable.', "NotIcomparable") from None


def wildcard(pattern: str, case_sensitive: bool = False) -> re.Pattern:
    """A PowerShell wildcard (``*``, ``?``, ``[a-c]``, backtick escapes) as a compiled regex."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "`" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise OpError(f"The specified wildcard character pattern is not valid: {pattern}",
                              "RuntimeException", "NotSpecified", "WildcardPatternException")
            body = pattern[i + 1:end].replace("\\", "\\\\").replace("^", "\\^")
            out.append(f"[{body}]")
            i = end
        else:
            out.append(re.escape(c))
        i += 1
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    return re.compile("".join(out) + r"\Z", flags)


def regex(pattern: str, case_sensitive: bool = False) -> re.Pattern:
    """A .NET regular expression compiled by Python's ``re`` (named groups and ``\\z`` translated)."""
    translated = re.sub(r"\(\?<(?![=!])(\w+)>", r"(?P<\1>", pattern)
    translated = re.sub(r"\(\?'(\w+)'", r"(?P<\1>", translated)
    translated = re.sub(r"\\k<(\w+)>", r"(?P=\1)", translated).replace(r"\z", r"\Z")
    try:
        return re.compile(translated, 0 if case_sensitive else re.IGNORECASE)
    except (re.error, OverflowError, RecursionError):
        raise OpError(f"Invalid regular expression pattern: {pattern}.", "InvalidRegularExpression",
                      target_name=pattern, target_type="String") from None


def _replacement(text: str) -> str:
    """A .NET replacement string (``$1``, ``${name}``, ``$&``, ``$$``) for ``re.sub``."""
    def sub(m: re.Match) -> str:
        token = m.group()
        if token == "$$":
            return "$"
        name = m.group(1) or m.group(2) or "0"
        return f"\\g<{name}>"
    return re.sub(r"\$\$|\$\{(\w+)\}|\$(\d+)|\$&", sub, text.replace("\\", "\\\\"))


def comparison(op: str, left: Any, right: Any, set_matches: Callable[[Hashtable], None]) -> Any:
    """Any comparison-family operator: -eq … -notin, -like, -match, -replace, -split, -join, -band …"""
    name = op[1:]
    case_sensitive = name not in _BASE_OPS  # -ceq, -clike … (the "c" prefix); -ieq was folded into -eq
    if case_sensitive:
        name = name[1:]
    if name in _COLLECTION_OPS:
        collection, item = (left, right) if name in ("contains", "notcontains") else (right, left)
        items = collection if isinstance(collection, list) else [collection]
        found = any(equals(x, item, case_sensitive) for x in items)
        return found if name in ("contains", "in") else not found
    if name == "join":
        return to_string(right).join(to_string(x) for x in (left if isinstance(left, list) else [left]))
    if name in ("band", "bor", "bxor"):
        x, y = to_integer(left, "System.Int64"), to_integer(right, "System.Int64")
        return {"band": x & y, "bor": x | y, "bxor": x ^ y}[name]
    if isinstance(left, list):
        if name == "replace":
            return [comparison(op, x, right, set_matches) for x in left]
        if name == "split":
            return [part for x in left for part in comparison(op, x, right, set_matches)]
        return [x for x in left if _scalar_test(name, x, right, case_sensitive, None)]
    if name == "replace":
        pattern, replacement = (right + [""])[:2] if isinstance(right, list) else (right, "")
        return regex(to_string(pattern), case_sensitive).sub(_replacement(to_string(replacement)), to_string(left))
    if name == "split":
        pattern, limit = (right + [0])[:2] if isinstance(right, list) else (right, 0)
        count = max(to_integer(limit) - 1, 0)
        return regex(to_string(pattern), case_sensitive).split(to_string(left), maxsplit=count)
    return _scalar_test(name, left, right, case_sensitive, set_matches)


def _scalar_test(name: str, left: Any, right: Any, case_sensitive: bool, set_matches) -> bool:
    if name == "eq":
        return equals(left, right, case_sensitive)
    if name == "ne":
        return not equals(left, right, case_sensitive)
    if name in ("like", "notlike"):
        hit = wildcard(to_string(right), case_sensitive).match(to_string(left)) is not None
        return hit if name == "like" else not hit
    if name in ("match", "notmatch"):
        m = regex(to_string(right), case_sensitive).search(to_string(left))
        if m and set_matches is not None:
            found = Hashtable()
            for index in range(len(m.groups()), -1, -1):
                if m.group(index) is not None:
                    found[index] = m.group(index)
            for group_name, value in m.groupdict().items():
                if value is not None:
                    found[group_name] = value
            set_matches(found)
        return (m is not None) if name == "match" else m is None
    order = compare(left, right, case_sensitive)
    return {"gt": order > 0, "ge": order >= 0, "lt": order < 0, "le": order <= 0}[name]


def unary(op: str, value: Any) -> Any:
    """-not ! - + , -bnot -join -split."""
    if op == "-not":
        return not to_bool(value)
    if op == ",":
        return [value]
    if op == "-join":
        return "".join(to_string(x) for x in (value if isinstance(value, list) else [value]))
    if op == "-split":
        return [part for x in (value if isinstance(value, list) else [value])
                for part in to_string(x).strip().split()] or [""]
    if op == "-bnot":
        return ~to_integer(value, "System.Int64")
    number = _number(value)
    return _normalize(-number) if op == "-" else number


def range_values(start: Any, end: Any, charge: Callable[[int], None]) -> list[int]:
    """``start..end``, inclusive, counting down when start > end."""
    try:
        a, b = to_integer(start), to_integer(end)
    except ConversionError as e:
        raise OpError(e.message, e.error_id, "InvalidArgument") from None
    charge(abs(b - a) + 1)
    return list(range(a, b + 1)) if a <= b else list(range(a, b - 1, -1))


def format_values(fmt: Any, args: Any) -> str:
    """``fmt -f args``."""
    try:
        return format_operator(to_string(fmt), args if isinstance(args, list) else [args])
    except ValueError as e:
        raise OpError(f"Error formatting a string: {e}.", "FormatError", "InvalidOperation") from None
