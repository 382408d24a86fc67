"""What every emulated cmdlet needs from its runspace: the lab, the caller, and the LabError → error record rule.

A runspace of the emulated backend is created with ``services = {"lab": Lab, "caller": Caller}``: the lab the
commands act on and where the console runs (``Caller("HV1", True)`` = signed in on HV1's console;
``Caller("HV1")`` = a remote session on HV1; ``Caller()`` = a computer outside the lab).
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from engine.errors import LabError
from engine.hyperv import Caller, Lab

T = TypeVar("T")


def lab_of(ctx) -> Lab:
    """The lab this runspace drives."""
    return ctx.services["lab"]


def caller_of(ctx) -> Caller:
    """Where this runspace's commands run."""
    return ctx.services["caller"]


def attempt(ctx, operation: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Run a lab operation; a LabError becomes this command's non-terminating error record (None returned).

    Rules stay in engine.hyperv: a cmdlet only translates parameters, calls one operation and renders.
    """
    try:
        return operation(*args, **kwargs)
    except LabError as err:
        ctx.write_error(err)
        return None


def names(value: Any) -> list[Any]:
    """A parameter that takes ``String[]`` as a list (None → [])."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]
