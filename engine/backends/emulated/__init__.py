"""The emulated backend: PowerShell, as an administrator types it, run against an ``engine.hyperv.Lab``.

    backend = EmulatedBackend.from_topology(topology)
    result = backend.run("Move-VM VM1 HV2 -IncludeStorage -DestinationStoragePath D:\\VMs\\VM1")
    result.text            # exactly what the console prints
    backend.snapshot()     # LabState, what checks look at

``run(script, host=…)`` chooses where the console is: ``None`` — where the lab's learner is signed in (the
topology's ``learner.logon``); a host name — an interactive console on that host; ``"remote"`` — a computer
outside the lab (a management workstation). Each place keeps its own console session (variables, jobs).
The cmdlets live in this package, one module per area; each exposes ``register(registry)``.
"""
from __future__ import annotations

import importlib
from functools import lru_cache

from engine.content.topology import Topology
from engine.hyperv import Caller, Lab, LabState
from engine.powershell.registry import Registry
from engine.powershell.runspace import PSResult, Runspace

#: The modules of this package that register cmdlets (and their views).
MODULES = ("hyperv_host", "hyperv_vm", "hyperv_network", "hyperv_move", "cluster", "ad", "system")


@lru_cache(maxsize=1)
def lab_registry() -> Registry:
    """The core cmdlets plus every lab cmdlet; built once per process and never changed afterwards."""
    from engine.powershell.core import default_registry
    registry = default_registry().copy()
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}").register(registry)
    return registry


class EmulatedBackend:
    """``LabBackend`` over an in-process emulated lab; also saves and restores the whole lab (reset)."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self._consoles: dict[tuple[str | None, bool], Runspace] = {}

    @classmethod
    def from_topology(cls, topology: Topology) -> "EmulatedBackend":
        return cls(Lab.from_topology(topology))

    def caller_for(self, host: str | Caller | None) -> Caller:
        """Where a script runs: see the module docstring."""
        if isinstance(host, Caller):
            return host
        if host is None:
            return self.lab.learner
        if host.lower() == "remote":
            return Caller()
        known = {h.name.lower(): h.name for h in self.lab.world.hosts}
        if host.lower() not in known:
            raise ValueError(f"no host named '{host}' in this lab (hosts: {', '.join(known.values())}, or remote)")
        return Caller(known[host.lower()], True)

    def console(self, host: str | Caller | None = None) -> Runspace:
        """The console session at ``host`` (created on first use, then kept)."""
        caller = self.caller_for(host)
        key = (caller.computer.lower() if caller.computer else None, caller.interactive)
        if key not in self._consoles:
            env = {"COMPUTERNAME": caller.computer or "ADMIN-PC", "USERDOMAIN": "CONTOSO"}
            self._consoles[key] = Runspace(lab_registry(), {"lab": self.lab, "caller": caller, "env": env})
        return self._consoles[key]

    def run(self, script: str, *, host: str | Caller | None = None) -> PSResult:
        """Run ``script`` at ``host``; never raises (errors are PowerShell error records in the result)."""
        return self.console(host).run(script)

    def snapshot(self) -> LabState:
        return self.lab.snapshot()

    def save(self) -> str:
        """The whole lab as JSON (exact)."""
        return self.lab.to_json()

    def restore(self, saved: str) -> None:
        """Put the lab back to a saved state; console sessions start afresh (as after a reboot)."""
        self.lab = Lab.from_json(saved)
        self._consoles.clear()


__all__ = ["EmulatedBackend", "lab_registry", "MODULES"]
