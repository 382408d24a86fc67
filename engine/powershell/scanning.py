"""Character-level scanners used by the tokenizer: strings, here-strings, numbers, variables, bare words.

Each scanner takes the source and a start offset and returns the scanned value and the offset after it.
Expandable text (double-quoted strings, here-strings, bare words) comes back as a tuple of parts:
``str`` literals, ``("var", name, start, end)`` and ``("sub", block)`` for ``$( )``, whose body the caller
parses (``parse_sub(offset) -> (block, end)``), as PowerShell's tokenizer hands nested code to its parser.
"""
from __future__ import annotations

import bisect
import re
from typing import Callable

# PowerShell accepts typographic quotes and dashes as their ASCII counterparts (text pasted from documents)
SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
DOUBLE_QUOTES = '"\u201c\u201d\u201e'
DASHES = "-\u2013\u2014\u2015"
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_SCOPES = ("global:", "local:", "script:", "private:", "variable:")

NUMBER_RE = re.compile(r"(0[xX][0-9a-fA-F]+|(?:[0-9]+\.[0-9]+|[0-9]+|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
                       r"([lLdD])?((?i:kb|mb|gb|tb|pb))?")
_MULTIPLIERS = {"kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3, "tb": 1024 ** 4, "pb": 1024 ** 5}
_VAR_CHARS = re.compile(r"[\w?]+")
_SINGLE_Q = re.compile(f"[{SINGLE_QUOTES}]")
_DOUBLE_SPECIAL = re.compile(f"[{DOUBLE_QUOTES}`$]")
_HERE_SPECIAL = re.compile(r"[`$\r\n]")
_GENERIC_STOP = re.compile(f"[\\s;,|&(){{}}<>`$${SINGLE_QUOTES}{DOUBLE_QUOTES}]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class ScanError(Exception):
    """A lexical error at ``start..end`` with PowerShell's message and error id."""

    def __init__(self, message: str, error_id: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message, self.error_id, self.start, self.end = message, error_id, start, end


class LineMap:
    """Offset → (line, column), 1-based, for one source text."""

    def __init__(self, source: str) -> None:
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(source)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """Line and column of ``offset``."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


def is_space(c: str) -> bool:
    """Whitespace inside a line (not line breaks); the same set that ends a bare word."""
    return c.isspace() and c not in "\r\n"


def number_value(text: str) -> int | float | None:
    """The value of a numeric literal (``4GB``, ``0x1F``, ``1.5``, ``10L``) or None when it is not one."""
    m = NUMBER_RE.fullmatch(text)
    if not m:
        return None
    digits, suffix, mult = m.groups()
    if digits[:2] in ("0x", "0X"):
        value: int | float = int(digits, 16)
    elif any(c in digits for c in ".eE") or (suffix or "").lower() == "d":
        value = float(digits)
    else:
        value = int(digits)
    if mult:
        value = value * _MULTIPLIERS[mult.lower()]
    if isinstance(value, int) and not -2 ** 63 <= value < 2 ** 63:
        value = float(value)  # PowerShell widens integer literals past Int64 to Double
    return value


def scan_variable(src: str, pos: int) -> tuple[str, int] | None:
    """``$name`` at ``pos`` → (name without ``$`` or scope, end); None when ``$`` starts no variable."""
    n = len(src)
    nxt = src[pos + 1] if pos + 1 < n else ""
    if nxt == "{":
        return _scan_braced_variable(src, pos)
    if nxt in ("$", "^"):
        return nxt, pos + 2
    m = _VAR_CHARS.match(src, pos + 1)
    if not m:
        return None
    name, end = m.group(), m.end()
    if end < n and src[end] == ":" and not src.startswith("::", end):
        m2 = _VAR_CHARS.match(src, end + 1)
        if not m2:
            raise ScanError("Variable reference is not valid. ':' was not followed by a valid variable name "
                            "character. Consider using ${} to delimit the name.",
                            "InvalidVariableReferenceWithDrive", pos, end + 1)
        name, end = f"{name}:{m2.group()}", m2.end()
    return _strip_scope(name), end


def _scan_braced_variable(src: str, pos: int) -> tuple[str, int]:
    out, i = [], pos + 2
    while i < len(src):
        c = src[i]
        if c == "}":
            if not out:
                raise ScanError("An empty ${} variable reference was found. A name is required inside the braces.",
                                "EmptyVariableReference", pos, i + 1)
            return _strip_scope("".join(out)), i + 1
        if c == "`" and i + 1 < len(src):
            c, i = src[i + 1], i + 1
        out.append(c)
        i += 1
    raise ScanError("${variable} reference starting is missing the closing '}'.",
                    "IncompleteDollarVariableReference", pos, len(src))


def _strip_scope(name: str) -> str:
    lower = name.lower()
    for scope in _SCOPES:
        if lower.startswith(scope) and len(name) > len(scope):
            return name[len(scope):]
    return name


def scan_single(src: str, pos: int) -> tuple[str, int]:
    """A verbatim string opened by any single quote; two quotes in a row stand for one."""
    out, i = [], pos + 1
    while True:
        m = _SINGLE_Q.search(src, i)
        if not m:
            raise ScanError(f"The string is missing the terminator: {src[pos]}.", "TerminatorExpectedAtEndOfString",
                            pos, len(src))
        j = m.start()
        out.append(src[i:j])
        if j + 1 < len(src) and src[j + 1] in SINGLE_QUOTES:
            out.append(src[j])
            i = j + 2
            continue
        return "".join(out), j + 1


def scan_double(src: str, pos: int, parse_sub: Callable) -> tuple[tuple, int]:
    """An expandable string opened by any double quote → (parts, end)."""
    parts: list = []
    buf: list[str] = []
    i = pos + 1
    while True:
        m = _DOUBLE_SPECIAL.search(src, i)
        if not m:
            raise ScanError(f"The string is missing the terminator: {src[pos]}.", "TerminatorExpectedAtEndOfString",
                            pos, len(src))
        j = m.start()
        buf.append(src[i:j])
        c = src[j]
        if c in DOUBLE_QUOTES:
            if j + 1 < len(src) and src[j + 1] in DOUBLE_QUOTES:
                buf.append(c)
                i = j + 2
                continue
            _flush(buf, parts)
            return tuple(parts), j + 1
        i = _expand_special(src, j, buf, parts, parse_sub)


def _expand_special(src: str, j: int, buf: list, parts: list, parse_sub: Callable) -> int:
    """Handle a backtick escape or a ``$`` at ``j`` inside expandable text; return the next offset."""
    if src[j] == "`":
        if j + 1 >= len(src):
            buf.append("`")
            return j + 1
        buf.append(_ESCAPES.get(src[j + 1], src[j + 1]))
        return j + 2
    if src.startswith("$(", j):
        _flush(buf, parts)
        block, end = parse_sub(j + 2)
        parts.append(("sub", block))
        return end
    var = scan_variable(src, j)
    if var is None:
        buf.append("$")
        return j + 1
    _flush(buf, parts)
    parts.append(("var", var[0], j, var[1]))
    return var[1]


def _flush(buf: list, parts: list) -> None:
    if buf:
        text = "".join(buf)
        if parts and isinstance(parts[-1], str):
            parts[-1] += text
        elif text:
            parts.append(text)
        buf.clear()


def scan_here(src: str, pos: int, parse_sub: Callable) -> tuple[tuple, int]:
    """A here-string ``@'…'@`` (verbatim) or ``@"…"@`` (expandable) → (parts, end)."""
    quote = src[pos + 1]
    expandable = quote in DOUBLE_QUOTES
    closers = DOUBLE_QUOTES if expandable else SINGLE_QUOTES
    i = pos + 2
    while i < len(src) and is_space(src[i]):
        i += 1
    brk = _LINE_BREAK.match(src, i)
    if not brk:
        if i >= len(src):
            raise ScanError(f"The string is missing the terminator: {quote}@.", "TerminatorExpectedAtEndOfString",
                            pos, len(src))
        raise ScanError("No characters are allowed after a here-string header but before the end of the line.",
                        "UnexpectedCharactersAfterHereStringHeader", i, i + 1)
    parts: list = []
    buf: list[str] = []
    i = brk.end()
    if src[i:i + 1] in closers and src[i + 1:i + 2] == "@" and i < len(src):
        return (), i + 2
    pattern = _HERE_SPECIAL if expandable else _LINE_BREAK
    while True:
        m = pattern.search(src, i)
        if not m:
            raise ScanError(f"The string is missing the terminator: {quote}@.", "TerminatorExpectedAtEndOfString",
                            pos, len(src))
        j = m.start()
        buf.append(src[i:j])
        if src[j] in "\r\n":
            nl = _LINE_BREAK.match(src, j).end()
            if nl < len(src) and src[nl] in closers and src[nl + 1:nl + 2] == "@":
                _flush(buf, parts)
                return tuple(parts), nl + 2
            buf.append(src[j:nl])
            i = nl
            continue
        i = _expand_special(src, j, buf, parts, parse_sub)


def scan_generic(src: str, pos: int, parse_sub: Callable) -> tuple[tuple, int]:
    """A bare word in argument mode (``C:\\VMs\\$name``, ``a'b c'``) → (parts, end); stops at whitespace/delimiters."""
    parts: list = []
    buf: list[str] = []
    i, n = pos, len(src)
    while i < n:
        m = _GENERIC_STOP.search(src, i)
        j = m.start() if m else n
        buf.append(src[i:j])
        if j >= n:
            i = n
            break
        c = src[j]
        if c in SINGLE_QUOTES:
            text, i = scan_single(src, j)
            buf.append(text)
        elif c in DOUBLE_QUOTES:
            sub, i = scan_double(src, j, parse_sub)
            for part in sub:
                if isinstance(part, str):
                    buf.append(part)
                else:
                    _flush(buf, parts)
                    parts.append(part)
        elif c in "`$":
            if c == "`" and j + 1 < n and src[j + 1] in "\r\n":
                i = j
                break
            i = _expand_special(src, j, buf, parts, parse_sub)
        else:
            i = j
            break
    _flush(buf, parts)
    return tuple(parts), i
