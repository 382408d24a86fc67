"""Build a lab on a backend: the topology as an emulated Hyper-V lab, its injected faults, its setup script.

    build_emulated(lab, catalog, factory) -> backend
        topology (a file under labs/topologies, or inline) → engine.hyperv.lab.Lab.from_topology
        → lab.inject(fault) for each of setup.faults → factory(hyperv_lab) → backend.run(setup.script)

``factory`` turns an ``engine.hyperv`` Lab into a :class:`~engine.backends.base.LabBackend`; by default it is
:func:`emulated_factory`, the in-process ``EmulatedBackend``. The runner saves the initial state itself
(:meth:`engine.labs.session.LabSession.start`), so a build knows nothing about sessions.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Callable

from engine.hyperv.lab import Lab as HyperVLab

if TYPE_CHECKING:
    from engine.content.loader import Catalog
    from engine.content.models import Lab

#: Makes a backend over an emulated lab (``EmulatedBackend`` or, in tests, a fake with the same contract).
BackendFactory = Callable[[HyperVLab], Any]


class BuildError(Exception):
    """The lab cannot be built: its topology is unknown, a fault does not apply, or its setup script failed."""


class BackendUnavailable(Exception):
    """The backend's module is not in this version yet (the message says which)."""


def emulated_factory() -> BackendFactory:
    """``EmulatedBackend`` (imported late: the PowerShell layer costs an import only to those who run labs)."""
    return _backend_class("engine.backends.emulated", "EmulatedBackend")


def winrm_factory() -> Callable[..., Any]:
    """``WinRMBackend``, the real-host backend, or :class:`BackendUnavailable` until it exists."""
    return _backend_class("engine.backends.winrm", "WinRMBackend")


def _backend_class(module_name: str, class_name: str) -> Any:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        module = None
    cls = getattr(module, class_name, None)
    if cls is None:
        raise BackendUnavailable(f"{class_name} ({module_name}) is not available yet in this version")
    return cls


def emulated_lab(lab: "Lab", catalog: "Catalog") -> HyperVLab:
    """The lab's topology as a fresh emulated lab with its setup faults injected."""
    topology = catalog.topology(lab.topology)
    if topology is None:
        raise BuildError(f"lab {lab.id}: topology '{lab.topology}' is not in labs/topologies")
    hv = HyperVLab.from_topology(topology)
    for fault in lab.setup.faults:
        try:
            hv.inject(fault)
        except Exception as exc:  # a LabError or a missing name: either way the content is wrong
            raise BuildError(f"lab {lab.id}: fault {fault.kind} on {fault.host} cannot be injected: {exc}") from exc
    return hv


def run_setup(lab: "Lab", backend: Any) -> None:
    """Run the lab's setup script (if any) where the learner is signed in; a failure is a :class:`BuildError`."""
    if not lab.setup.script.strip():
        return
    result = backend.run(lab.setup.script)
    if result.had_errors:
        raise BuildError(f"lab {lab.id}: the setup script failed:\n{result.text.rstrip()}")


def build_emulated(lab: "Lab", catalog: "Catalog", factory: BackendFactory | None = None) -> Any:
    """A backend over a freshly built emulated lab, set up and ready for its first step."""
    make = factory if factory is not None else emulated_factory()
    backend = make(emulated_lab(lab, catalog))
    run_setup(lab, backend)
    return backend


__all__ = ["BackendFactory", "BackendUnavailable", "BuildError", "build_emulated", "emulated_factory",
           "emulated_lab", "run_setup", "winrm_factory"]
