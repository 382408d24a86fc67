"""Declarative checks over the observable lab state (shared by lab steps and ``command`` questions).

A check names what it looks at with one or more selector keys, a PowerShell property, and exactly one operator::

    {host: HV2, property: VirtualMachineMigrationEnabled, equals: true}
    {vm: VM1, property: ComputerName, equals: HV2}
    {vm: VM1, adapter: Network Adapter, property: NotMonitoredInCluster, equals: false}
    {vm: VM1, disk: 0, property: Path, startswith: 'C:\\ClusterStorage\\Volume1'}
    {host: HV2, switch: External, exists: true}
    {host: HV1, migration_network: 10.0.1.0/24, property: Priority, equals: 0}
    {cluster: CLU1, property: DrainOnShutdown, equals: 1}
    {node: HV1, property: State, equals: Paused}
    {group: VM1, property: OwnerNode, equals: HV2}
    {delegation: HV1, contains: 'cifs/HV2'}
    {job: {vm: VM1, type: LiveMigration}, property: DowntimeSeconds, lt: 1}
    {event: {error: migration.credssp_remote}, exists: true}
    {event: {operation: Move-VM, computer: remote}, count: 1}

``event`` filters the lab's event log: the failed attempts to change the lab (an operation's error or a failed
job), so a step can verify that the learner *saw* an error. Its keys: ``error`` (or ``ErrorId``, the catalogue
id), ``operation`` (the cmdlet), ``computer`` (where it ran; a remote session's is empty, matched by ``remote``),
``target`` and ``event_id`` (the Windows event id); the newest matching event is checked, ``count`` counts them.
Real hosts keep no such log here (over WinRM ``Events`` is empty), so the WinRM self-test leaves these checks out.

The lab runner resolves selectors against ``LabState``; content validation only checks the shape and that the
names exist in the lab's topology.
"""
from __future__ import annotations

import builtins
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

OPERATORS = ("equals", "not_equals", "in", "contains", "not_contains", "startswith", "matches", "count",
             "exists", "lt", "le", "gt", "ge")
SELECTORS = ("host", "vm", "adapter", "disk", "switch", "migration_network", "cluster", "node", "group",
             "csv", "share", "delegation", "job", "event", "checkpoint")


class Check(BaseModel):
    """One condition on the lab state; ``message`` is what a learner is told when it fails."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str | None = None
    host: str | None = None
    vm: str | None = None
    adapter: str | None = None
    disk: int | str | None = None
    switch: str | None = None
    migration_network: str | None = None
    cluster: str | None = None
    node: str | None = None
    group: str | None = None
    csv: str | None = None
    share: str | None = None
    delegation: str | None = None
    job: dict[str, Any] | None = None
    event: dict[str, Any] | None = None
    checkpoint: str | None = None
    property: str | None = None
    equals: Any = None
    not_equals: Any = None
    in_: list[Any] | None = Field(None, alias="in")
    contains: Any = None
    not_contains: Any = None
    startswith: str | None = None
    matches: str | None = None
    count: int | None = None
    exists: bool | None = None
    lt: float | None = None
    le: float | None = None
    gt: float | None = None
    ge: float | None = None
    message: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> "Check":
        ops = [op for op in OPERATORS if self.operand_set(op)]
        if len(ops) != 1:
            raise ValueError(f"a check needs exactly one operator of {', '.join(OPERATORS)}; found "
                             f"{', '.join(ops) if ops else 'none'}")
        if not any(getattr(self, s) is not None for s in SELECTORS):
            raise ValueError(f"a check needs a selector: one of {', '.join(SELECTORS)}")
        if self.property is None and ops[0] not in ("exists", "count", "contains", "not_contains"):
            raise ValueError(f"operator '{ops[0]}' needs a property")
        return self

    def operand_set(self, op: str) -> bool:
        """Whether operator ``op`` was given (``equals: null`` counts: it asks for a null property)."""
        field = "in_" if op == "in" else op
        return field in self.model_fields_set

    @builtins.property
    def operator(self) -> str:
        return next(op for op in OPERATORS if self.operand_set(op))

    @builtins.property
    def operand(self) -> Any:
        op = self.operator
        return getattr(self, "in_" if op == "in" else op)
