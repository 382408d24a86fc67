"""Compatibility reports (Compare-VM): what stops a VM from running on a destination, as fixable objects.

A report holds a *planned* copy of the VM as it would be created on the destination. Each incompatibility names
its ``source`` — for a missing switch, the planned VM's network adapter — so the learner can fix it
(``connect_adapter(adapter=inc.source, switch_name=…)`` or ``disconnect_adapter(adapter=…)``), re-check it
(``compare_vm(compatibility_report=r)``) and then move or import with it.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from engine.hyperv.catalogue import INCOMPATIBILITIES
from engine.hyperv.state import VM, Adapter, Host


@dataclass
class Incompatibility:
    """One problem: Message, MessageId and the object it is about (Source)."""

    message: str
    message_id: int
    source: Adapter

    def to_dict(self) -> dict:
        """PowerShell property names; Source is shown by its adapter name."""
        return {"Message": self.message, "MessageId": self.message_id, "Source": self.source.name}


@dataclass
class CompatibilityReport:
    """A VMCompatibilityReport. ``options`` keeps the parameters of the operation it was made for."""

    vm: VM
    operation_type: str            # MoveVirtualMachine | ImportVirtualMachine | CopyVirtualMachine
    destination: str
    path: str | None = None
    snapshot_path: str | None = None
    vhd_destination_path: str | None = None
    vhd_source_path: str | None = None
    incompatibilities: list[Incompatibility] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """PowerShell property names (VM by name)."""
        return {"VM": self.vm.name, "OperationType": self.operation_type, "Destination": self.destination,
                "Path": self.path, "SnapshotPath": self.snapshot_path,
                "VhdDestinationPath": self.vhd_destination_path, "VhdSourcePath": self.vhd_source_path,
                "Incompatibilities": [i.to_dict() for i in self.incompatibilities]}


def planned(vm: VM) -> VM:
    """A detached copy of ``vm`` for a report to modify without touching the real VM."""
    return copy.deepcopy(vm)


def switch_incompatibilities(vm: VM, destination: Host) -> list[Incompatibility]:
    """A 33012 incompatibility for every connected adapter whose switch name the destination lacks."""
    spec = INCOMPATIBILITIES["switch_not_found"]
    return [Incompatibility(spec.template.format(switch=a.switch), spec.message_id, a)
            for a in vm.adapters if a.switch is not None and destination.switch(a.switch) is None]


def recheck(report: CompatibilityReport, destination: Host) -> CompatibilityReport:
    """Compare-VM -CompatibilityReport: re-evaluate the planned VM against the destination, in place."""
    report.incompatibilities = switch_incompatibilities(report.vm, destination)
    return report
