"""The one seam between the engine and a Hyper-V lab: ``LabBackend``.

    LabBackend                  run(script, host=None) -> PSResult; snapshot() -> LabState
    ├── EmulatedBackend         the PowerShell interpreter over an engine.hyperv.Lab (in-process)
    └── WinRMBackend            pywinrm to real hosts (or to the WinRM emulator)

Everything above the seam (lab runner, quiz grading of command items, the app's console) talks to this
protocol only, so a lab behaves the same on the emulator and on real hosts.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from engine.hyperv.labstate import LabState
    from engine.powershell.runspace import PSResult


@runtime_checkable
class LabBackend(Protocol):
    """PowerShell in, objects/text/errors out; and the observable state that checks look at."""

    def run(self, script: str, *, host: str | None = None) -> "PSResult":
        """Run ``script`` on ``host`` (default: where the learner is signed in)."""

    def snapshot(self) -> "LabState":
        """Everything checks may look at, with PowerShell's property names."""
