"""Where a command runs: the computer and whether the session is interactive there (console) or remote.

CredSSP live migration works only when the person starting it is signed in interactively on the source host,
so every mutating operation of the lab takes a :class:`Caller`. ``CallerMixin`` resolves the host or VM a
command addresses the way Hyper-V cmdlets do: ``-ComputerName`` when given, else the computer the command runs on.
"""
from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from typing import Callable

from engine.errors import LabError
from engine.hyperv.catalogue import error
from engine.hyperv.state import VM, Host, World


@dataclass(frozen=True)
class Caller:
    """``computer`` = where the command runs (None: a computer outside the lab); ``interactive`` = console logon."""

    computer: str | None = None
    interactive: bool = False

    @classmethod
    def from_logon(cls, logon: str) -> "Caller":
        """The caller a topology's ``learner.logon`` describes: a host name (interactive there) or ``remote``."""
        return cls() if logon == "remote" else cls(computer=logon, interactive=True)

    def signed_in_on(self, host: str) -> bool:
        """True when this session is an interactive logon on ``host``."""
        return self.interactive and self.computer is not None and self.computer.lower() == host.lower()


#: Verbs of cmdlets that only read the lab: their failures (Get-VM of a missing VM) are not logged as events.
READ_VERBS = ("Get-", "Test-", "Compare-")


def operation(*names: str) -> Callable:
    """Mark a Lab method as the engine side of ``names`` (cmdlets, or the console action when there is none).

    A :class:`LabError` leaving the method gets ``details["operation"]`` (the names) and ``details["computer"]``
    (``computer_name`` or the caller's computer), so every door can say where a failure happened. When the method
    changes (or tries to change) the lab — any cmdlet but Get-/Test-/Compare- — the failure leaving the outermost
    operation is also appended to the world's event log (:meth:`World.record`), once: a failed job's error is
    logged when the job fails, and the blocking call that re-raises it does not log it again.
    """
    reads = all(n.startswith(READ_VERBS) for n in names)

    def wrap(fn: Callable) -> Callable:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def bound(self, *args, **kwargs):
            outer = not getattr(self, "_context", None)
            if outer:
                given = signature.bind_partial(self, *args, **kwargs).arguments
                self._context = (" / ".join(names), _computer(self, given))
            try:
                return fn(self, *args, **kwargs)
            except LabError as exc:
                given = signature.bind_partial(self, *args, **kwargs).arguments
                exc.details.setdefault("operation", " / ".join(names))
                exc.details.setdefault("computer", _computer(self, given))
                if outer and not reads and not getattr(exc, "recorded", False):
                    self.world.record(exc.details["operation"], exc.details["computer"], exc.target, exc.id,
                                      exc.event_id, exc.message)
                    exc.recorded = True
                raise
            finally:
                if outer:
                    self._context = None
        bound.operations = names
        bound.reads = reads
        return bound
    return wrap


def _computer(lab, given: dict) -> str | None:
    name = given.get("computer_name")
    if isinstance(name, (list, tuple)):
        name = ", ".join(str(n) for n in name)
    return name or lab._caller(given.get("caller")).computer


class CallerMixin:
    """Caller resolution shared by the operation mixins of :class:`engine.hyperv.lab.Lab`."""

    world: World

    @property
    def learner(self) -> Caller:
        """The caller the lab's ``learner.logon`` describes (the default of every operation)."""
        return Caller.from_logon(self.world.logon)

    def _caller(self, caller: Caller | None) -> Caller:
        return self.learner if caller is None else caller

    def _target_host(self, computer_name: str | None, caller: Caller | None) -> Host:
        """The host a host-level cmdlet addresses: -ComputerName, else the computer it runs on."""
        name = computer_name or self._caller(caller).computer or "localhost"
        host = self.world.host(name)
        if not host.online:
            raise error("host.offline", target=host.name, name=host.name)
        return host

    def _find_vm(self, name: str, computer_name: str | None, caller: Caller | None) -> VM:
        """The VM a cmdlet addresses: on -ComputerName, else on the computer it runs on, else anywhere."""
        scope = computer_name or self._caller(caller).computer
        vm = self.world.vm(name, scope)
        if not self.world.host(vm.host).online:
            raise error("host.offline", target=vm.host, name=vm.host)
        return vm
