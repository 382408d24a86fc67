"""Error records and the exceptions that carry them, rendered the way the PowerShell 4 console prints them.

Exception tree::

    ParseError        the script does not parse; ``record`` is the ParserError record (public API)
    PSError           a terminating error inside the engine; ``record`` is what gets printed
        scope "statement": the statement stops, the script goes on (binding errors, runtime errors)
        scope "script":    the script stops unless a try/catch takes it (throw, -ErrorAction Stop)
    StepBudgetExceeded  the evaluation budget ran out; never caught by try/catch

A cmdlet's non-terminating errors are plain ErrorRecords written to the error stream.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from engine.errors import LabError
from engine.powershell.objects import PSObject

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MAX_LINE = 69  # PowerShell trims quoted source lines so "+ " plus dots still fit an 80-column console


def line_col(source: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` (CRLF, CR and LF each end a line)."""
    line, line_start = 1, 0
    for m in _LINE_BREAK.finditer(source, 0, offset):
        if m.end() > offset:
            break
        line, line_start = line + 1, m.end()
    return line, offset - line_start + 1


def _line_text(source: str, offset: int) -> str:
    start = max(source.rfind("\n", 0, offset), source.rfind("\r", 0, offset)) + 1
    m = _LINE_BREAK.search(source, offset)
    return source[start:m.start() if m else len(source)]


@dataclass(frozen=True)
class Extent:
    """A span of script text (offsets, end exclusive) that an error points at."""

    source: str
    start: int
    end: int

    def position_message(self) -> str:
        """PowerShell's ``InvocationInfo.PositionMessage``: ``At line:L char:C`` plus the quoted line and squiggles."""
        line, col = line_col(self.source, self.start)
        end_line, end_col = line_col(self.source, self.end)
        text = _line_text(self.source, self.start).rstrip()
        quoted = ""
        if text:
            before = col - 1
            length = end_col - col if end_line == line else len(text) - col + 1
            if "\t" in text:
                pre, err = text[:before].replace("\t", "    "), text[before:before + length].replace("\t", "    ")
                text = pre + err + text[before + length:].replace("\t", "    ")
                before, length = len(pre), len(err)
            text, before, length, dots_before, dots_after = _trim_line(text, before, length)
            quoted = ("... " if dots_before else "") + text + (" ..." if dots_after else "")
            quoted += "\n+ " + " " * (before + (4 if dots_before else 0)) + "~" * max(length, 1)
        return f"At line:{line} char:{col}\n+ {quoted}"


def _trim_line(text: str, before: int, length: int) -> tuple[str, int, int, bool, bool]:
    """Cut a long line around the error the way PowerShell's PositionUtilities does."""
    if len(text) <= _MAX_LINE:
        return text, before, length, False, False
    total_prefix, total_suffix = before, len(text) - length - before
    prefix, suffix = min(total_prefix, 12), min(total_suffix, 8)
    if prefix + length + suffix >= _MAX_LINE:
        if prefix + length >= _MAX_LINE:
            length = _MAX_LINE - prefix
        dots_after = True
    else:
        prefix += min(total_prefix - prefix, _MAX_LINE - (prefix + length + suffix))
        if prefix + length + suffix < _MAX_LINE and total_suffix > 0:
            suffix += min(total_suffix, _MAX_LINE - (prefix + length + suffix))
        dots_after = suffix < total_suffix
    start = max(before - prefix, 0)
    before = min(before, prefix)
    return text[start:start + _MAX_LINE], before, min(length, _MAX_LINE - before), prefix < total_prefix, dots_after


def _ellipsize(text: str) -> str:
    # ErrorCategoryInfo shortens every field over 40 characters to 19 + "..." + 19
    return text if len(text) <= 40 else text[:19] + "..." + text[-19:]


@dataclass
class ErrorRecord:
    """One PowerShell error record.

    ``fqid`` is the whole FullyQualifiedErrorId (``NamedParameterNotFound,Microsoft…GetVMCommand``); ``reason`` is
    the exception type name CategoryInfo shows; ``invocation_name`` is the command as typed (the ``X : `` prefix);
    ``activity`` is the command name in ``[...]``; ``extent`` is where ``At line:… char:…`` points.
    ``header`` replaces ``invocation_name : `` when PowerShell prints something else there (Write-Error).
    """

    message: str
    fqid: str
    category: str = "NotSpecified"
    reason: str = "RuntimeException"
    target_name: str = ""
    target_type: str = ""
    activity: str = ""
    invocation_name: str = ""
    extent: Extent | None = None
    target_object: Any = None
    header: str | None = None
    lab_error: LabError | None = field(default=None, repr=False)

    @property
    def category_info(self) -> str:
        """The CategoryInfo line: ``Category: (target:Type) [activity], Reason``."""
        return (f"{self.category}: ({_ellipsize(self.target_name)}:{_ellipsize(self.target_type)}) "
                f"[{_ellipsize(self.activity)}], {self.reason}")

    def render(self) -> str:
        """The record as the PowerShell 4 console prints it (no trailing newline)."""
        if self.header is not None:
            head = self.header
        else:
            head = f"{self.invocation_name} : " if self.invocation_name else ""
        text = head + self.message
        if self.extent is not None:
            text += "\n" + self.extent.position_message()
        return (f"{text}\n    + CategoryInfo          : {self.category_info}"
                f"\n    + FullyQualifiedErrorId : {self.fqid}")

    def __str__(self) -> str:
        return self.message

    def ps_adapt(self) -> PSObject:
        """The record as scripts see it (``$_.Exception.Message``, ``$_.FullyQualifiedErrorId`` …)."""
        exception = PSObject([("Message", self.message)], [self.reason, "System.Exception"], mutable=False,
                             display=self.message)
        category = PSObject([("Category", self.category), ("Activity", self.activity), ("Reason", self.reason),
                             ("TargetName", self.target_name), ("TargetType", self.target_type)],
                            ["System.Management.Automation.ErrorCategoryInfo"], mutable=False,
                            display=self.category_info)
        return PSObject([("Exception", exception), ("TargetObject", self.target_object), ("CategoryInfo", category),
                         ("FullyQualifiedErrorId", self.fqid)],
                        ["System.Management.Automation.ErrorRecord"], mutable=False, display=self.message)


class ParseError(Exception):
    """The script does not parse; ``record`` renders like PowerShell's ParserError, ``error_id`` is its id."""

    def __init__(self, message: str, error_id: str, extent: Extent) -> None:
        self.message = message
        self.error_id = error_id
        self.extent = extent
        self.line, self.column = line_col(extent.source, extent.start)
        self.record = ErrorRecord(
            message=extent.position_message() + "\n" + message, fqid=error_id, category="ParserError",
            reason="ParentContainsErrorRecordException")
        super().__init__(self.record.render())


class PSError(Exception):
    """A terminating error; ``scope`` is ``statement`` or ``script`` (see the module docstring)."""

    def __init__(self, record: ErrorRecord, scope: str = "statement") -> None:
        super().__init__(record.message)
        self.record = record
        self.scope = scope


class StepBudgetExceeded(Exception):
    """The script used up its evaluation budget; ends the whole run."""

    def __init__(self, record: ErrorRecord) -> None:
        super().__init__(record.message)
        self.record = record


def runtime_error(message: str, fqid: str, extent: Extent | None, *, category: str = "InvalidOperation",
                  reason: str = "RuntimeException", target: Any = None, target_name: str = "",
                  target_type: str = "", scope: str = "statement") -> PSError:
    """A statement-terminating error raised by the language itself (no command prefix)."""
    return PSError(ErrorRecord(message=message, fqid=fqid, category=category, reason=reason,
                               target_name=target_name, target_type=target_type, extent=extent,
                               target_object=target), scope)
