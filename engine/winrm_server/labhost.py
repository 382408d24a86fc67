"""The real ScriptHost factory: each WinRM user gets an emulated lab of their own, driven through PowerShell.

A connection reaching lab host ``HV1`` is a **remote session** on HV1 (a network logon, not a console), as a
WinRM session to a real host is: CredSSP-authenticated migrations started from it fail with the real
0x8009030E message, while Kerberos with constrained delegation works. A lab host that is shut down does not
answer at all (:meth:`LearnerLab.answers`): the server closes the connection without a response, which a WinRM
client reports as an unreachable host.

With a state folder, a user's lab is loaded from ``<folder>/<sha256(user)[:32]>.json`` when it exists and
saved there on shutdown (the file name never contains the user name, so no name can escape the folder).
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from engine.backends.emulated import EmulatedBackend, lab_registry
from engine.commands.ps import load_topology
from engine.hyperv import Caller, Lab
from engine.powershell.format import error_lines, render
from engine.winrm_server.executor import ScriptHostFactory, ScriptResult

if TYPE_CHECKING:
    from engine.content.loader import Catalog
    from engine.content.models import Lab as GuidedLab


def state_file(state_dir: Path, user: str) -> Path:
    return state_dir / f"{hashlib.sha256(user.encode('utf-8')).hexdigest()[:32]}.json"


class LearnerLab:
    """One learner's lab behind the WS-Man door (a ScriptHost that also SavesState)."""

    def __init__(self, lab: Lab, save_to: Path | None = None) -> None:
        self.backend = EmulatedBackend(lab)
        self.save_to = save_to

    def answers(self, host: str) -> bool:
        """Whether lab host ``host`` is powered on. A host shut down (Stop-Computer, the node_down fault) answers
        nothing: the server drops such a request's connection unanswered, as a dead host's looks to a client."""
        found = [h for h in self.backend.lab.world.hosts if h.name.lower() == host.lower()]
        return not found or found[0].online

    def run(self, script: str, *, host: str) -> ScriptResult:
        caller = Caller(self.backend.lab.world.host(host).name, False)
        result = self.backend.run(script, host=caller)
        stdout = render([("out", obj) for obj in result.output], lab_registry().views)
        errors = ["\n".join(error_lines(record)).rstrip("\n") for record in result.errors]
        return ScriptResult(stdout, errors, result.exit_status)

    def save(self) -> None:
        if self.save_to is not None:
            self.save_to.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.save_to.with_suffix(".tmp")
            tmp.write_text(self.backend.save(), encoding="utf-8")
            tmp.replace(self.save_to)  # atomic: a crash never leaves half a lab


def make_factory(topology_path: Path, state_dir: Path | None) -> ScriptHostFactory:
    """A factory building each user's lab from the topology (or from their saved state)."""
    topology, problems = load_topology(str(topology_path))
    if topology is None:
        raise ValueError("; ".join(problems))

    def factory(user: str) -> LearnerLab:
        saved = state_file(state_dir, user) if state_dir is not None else None
        if saved is not None and saved.exists():
            return LearnerLab(Lab.from_json(saved.read_text(encoding="utf-8")), saved)
        return LearnerLab(Lab.from_topology(topology), saved)

    return factory


def make_lab_factory(lab: "GuidedLab", catalog: "Catalog") -> ScriptHostFactory:
    """A factory building each user's lab as a guided lab starts: its topology, its setup faults injected and its
    setup script run (``engine.labs.build.build_emulated``), so ``lab check/solve/selftest --target`` over WinRM
    meet the lab the learner would. Nothing is saved: every user starts from the lab's first step."""
    from engine.labs.build import build_emulated  # lazily: the labs layer is only for those who serve a lab

    build_emulated(lab, catalog)  # a lab that cannot be built fails here, not at a user's first connection

    def factory(user: str) -> LearnerLab:
        return LearnerLab(build_emulated(lab, catalog).lab)

    return factory
