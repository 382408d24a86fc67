"""Domain errors shared by every layer.

Exception tree::

    LabError                 an operation on a lab failed the way Windows would fail it
                             (raised by engine.hyperv, rendered by each door: a PowerShell error
                             record, CLIXML on the WinRM wire, an st.error panel in the app)
    ContentError             a content file (YAML) is invalid; carries file:line: key.path: message

A ``LabError`` carries everything a door needs to render it; doors never invent messages.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class LabError(Exception):
    """An operation on the lab failed.

    Attributes:
        id: stable catalogue id (``migration.credssp_remote``); tests assert it.
        message: the text Windows prints (or our own, when ``fidelity == "approximate"``).
        category: the PowerShell ErrorCategory (``InvalidOperation``, ``ObjectNotFound``, ...).
        exception_type: the .NET exception type name PowerShell shows in CategoryInfo.
        error_code: the first part of PowerShell's FullyQualifiedErrorId (the cmdlet class is appended by the door).
        target: the object the error is about (``VM1``), shown in CategoryInfo.
        hresult, event_id: where Windows documents them.
        fidelity: ``exact`` (literal Windows text) or ``approximate`` (our own wording).
        why: a short explanation for learners.
    """

    def __init__(
        self,
        id: str,
        message: str,
        *,
        category: str = "NotSpecified",
        exception_type: str = "VirtualizationOperationFailedException",
        error_code: str = "Unspecified",
        target: str = "",
        hresult: str | None = None,
        event_id: int | None = None,
        fidelity: str = "exact",
        why: str = "",
        details: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.id = id
        self.message = message
        self.category = category
        self.exception_type = exception_type
        self.error_code = error_code
        self.target = target
        self.hresult = hresult
        self.event_id = event_id
        self.fidelity = fidelity
        self.why = why
        self.details = details or {}

    def __repr__(self) -> str:
        return f"LabError({self.id!r}, {self.message!r})"


@dataclass(frozen=True)
class Problem:
    """One problem found in a content file, printed as ``file:line: key.path: message``."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass
class ContentError(Exception):
    """Invalid content; ``problems`` lists every problem found (never empty)."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
