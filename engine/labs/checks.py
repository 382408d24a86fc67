"""Evaluate declarative checks (:class:`engine.content.checks.Check`) against one observed :class:`LabState`.

``evaluate(check, state)`` never raises for a lab that lacks what a check names: a missing host, VM, adapter,
job … is a failed result that says what is missing, in the words an administrator would use. Results carry the
expected and the actual value as PowerShell would print them (``True``, ``$null``, ``{cifs/HV2, …}``) so the app,
the CLI and JUnit output can show "expected vs actual" without knowing the operator.

Selectors resolve like this (names compare case-insensitively, as Windows does):

- ``host`` — a Hyper-V host (Get-VMHost); with ``switch`` / ``migration_network`` an object of that host.
- ``vm`` [+ ``host``] — a VM (Get-VM), on that host when given; with ``adapter`` (name), ``disk`` (index or
  path) or ``checkpoint`` (name) an object of that VM. Properties of the VM's processor (Get-VMProcessor) can be
  named directly (``CompatibilityForMigrationEnabled``) or as ``Processor.CompatibilityForMigrationEnabled``.
- ``cluster`` — a cluster; ``node``, ``group`` and ``csv`` look in that cluster, or in every cluster when it is
  not given. A CSV is named by its resource name (``Cluster Disk 1``) or its path (``C:\\ClusterStorage\\Volume1``).
- ``share`` — an SMB share by path; ``delegation`` — a computer account's ``msDS-AllowedToDelegateTo`` list.
- ``job`` — a filter over the job log (``{vm: VM1, kind: live}``; any JobState field, case-insensitive); the
  newest matching job is checked. Without a property, ``count`` counts matching jobs.
- ``event`` — a filter over the event log of failed operations (``{error: migration.credssp_remote}``; keys
  ``error``/``ErrorId``, ``operation``, ``computer`` (``remote`` matches a session outside the lab), ``target``,
  ``event_id``; case-insensitive); the newest matching event is checked, ``count`` counts matching events.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

from pydantic import BaseModel

from engine.content.checks import Check
from engine.hyperv.labstate import (ADComputerState, CheckpointState, ClusterGroupState, ClusterNodeState,
                                    ClusterState, EventState, HardDriveState, HostState, JobState, LabState,
                                    MigrationNetworkState, SharedVolumeState, SmbShareState, SwitchState, VMInfo,
                                    VMNetworkAdapterState)

#: Short job-filter keys content authors use, mapped to JobState fields.
_JOB_KEYS = {"vm": "VMName", "kind": "Kind", "type": "Kind", "from": "Source", "to": "Destination"}
#: Event-filter keys content authors use, mapped to EventState fields.
_EVENT_KEYS = {"error": "ErrorId", "errorid": "ErrorId", "error_id": "ErrorId", "operation": "Operation",
               "computer": "Computer", "target": "Target", "event_id": "EventId", "eventid": "EventId"}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: ``message`` is the sentence for the learner (with the check's own advice)."""

    passed: bool
    expected: str
    actual: str
    message: str


class _Missing(Exception):
    """A selector found nothing; the text says what (``VM VM9 was not found on HV2``)."""


@dataclass(frozen=True)
class _Target:
    """What the selectors resolved to: the object(s) and how to name them in a sentence."""

    subject: str
    value: Any            # the selected object, or a list (delegation)
    matches: int = 1      # how many objects the selector matched (``count`` without a property)


# --- formatting ---------------------------------------------------------------------------------------------------

def show(value: Any) -> str:
    """``value`` as PowerShell prints it: True/False, $null, numbers without a useless .0, lists in braces."""
    if value is None:
        return "$null"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return f"{value:g}" if value == value and not math.isinf(value) else str(value)
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(show(v) for v in value) + "}"
    if isinstance(value, BaseModel):
        name = getattr(value, "Name", None) or getattr(value, "Path", None)
        return str(name) if name is not None else type(value).__name__
    return str(value)


def _named(items: Iterable[Any], name: str, *fields: str) -> list[Any]:
    wanted = name.casefold()
    return [i for i in items if any(str(getattr(i, f, "")).casefold() == wanted for f in fields)]


# --- selectors ----------------------------------------------------------------------------------------------------

def _host(state: LabState, name: str):
    found = _named(state.Hosts, name, "Name")
    if not found:
        raise _Missing(f"host {name} was not found in the lab")
    return found[0]


def _vms(state: LabState, name: str, host: str | None) -> list[Any]:
    vms = _named(state.VMs, name, "Name")
    if host is not None:
        _host(state, host)
        vms = [v for v in vms if v.ComputerName.casefold() == host.casefold()]
    if not vms:
        raise _Missing(f"VM {name} was not found" + (f" on {host}" if host else ""))
    return vms


def _clusters(state: LabState, name: str | None) -> list[Any]:
    if name is None:
        return list(state.Clusters)
    found = _named(state.Clusters, name, "Name")
    if not found:
        raise _Missing(f"cluster {name} was not found in the lab")
    return found


def _in_clusters(state: LabState, cluster: str | None, what: str, name: str, pick) -> tuple[Any, Any]:
    """The first (cluster, object) where ``pick(cluster)`` finds ``name``."""
    for clu in _clusters(state, cluster):
        found = pick(clu)
        if found:
            return clu, found[0]
    where = f" in cluster {cluster}" if cluster else " in any cluster"
    raise _Missing(f"{what} {name} was not found{where}")


def _csv_named(clu, name: str) -> list[Any]:
    wanted = name.rstrip("\\").casefold()
    return [v for v in clu.SharedVolumes
            if v.Name.casefold() == wanted
            or any(i.FriendlyVolumeName.rstrip("\\").casefold() == wanted for i in v.SharedVolumeInfo)]


def _disk(vm, key: int | str):
    drives = vm.HardDrives
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        index = int(key)
        if index < len(drives):
            return drives[index]
        raise _Missing(f"VM {vm.Name} has no virtual hard disk number {index} (it has {len(drives)})")
    wanted = key.casefold()
    # A file name alone is enough to name a disk ("VM1.vhdx"); a full path must match exactly.
    found = [d for d in drives if d.Path.casefold() == wanted or d.Path.casefold().endswith("\\" + wanted)]
    if not found:
        raise _Missing(f"VM {vm.Name} has no virtual hard disk {key}")
    return found[0]


def _job_field(name: str) -> str:
    return _JOB_KEYS.get(name.casefold(), name)


def _jobs(state: LabState, filters: dict[str, Any]) -> list[Any]:
    """Jobs matching every filter, newest first (the job log is oldest first)."""
    out = []
    for job in reversed(state.Jobs):
        if all(_equal(_field(job, _job_field(k)), v) for k, v in filters.items()):
            out.append(job)
    return out


def _event_field(name: str) -> str | None:
    return _EVENT_KEYS.get(name.casefold())


def _event_matches(event: Any, key: str, wanted: Any) -> bool:
    value = getattr(event, _event_field(key) or key, None)
    if _event_field(key) == "Computer" and value is None:
        value = "remote"  # a session outside the lab (the management workstation)
    return _equal(value, wanted)


def _events(state: LabState, filters: dict[str, Any]) -> list[Any]:
    """Events matching every filter, newest first (the event log is oldest first)."""
    return [e for e in reversed(state.Events) if all(_event_matches(e, k, v) for k, v in filters.items())]


def _event_words(filters: dict[str, Any]) -> str:
    """``Move-VM run on HV1 failed with migration.credssp_remote`` — the filter as an administrator says it."""
    keys = {_event_field(k): v for k, v in filters.items()}
    words = str(keys.get("Operation", "operation"))
    if "Computer" in keys:
        words += f" run on {keys['Computer']}"
    if "Target" in keys:
        words += f" for {keys['Target']}"
    words += " failed"
    if "ErrorId" in keys:
        words += f" with {keys['ErrorId']}"
    if "EventId" in keys:
        words += f" (event {keys['EventId']})"
    return words


def _resolve(check: Check, state: LabState) -> _Target:
    """Apply the check's selectors, most specific last; raises :class:`_Missing` with the reason."""
    if check.event is not None:
        events = _events(state, check.event)
        if not events:
            raise _Missing(f"no {_event_words(check.event)} yet (the event log has {len(state.Events)} "
                           f"failed operation(s))")
        e = events[0]
        where = f" on {e.Computer}" if e.Computer else " from a remote session"
        return _Target(f"event log entry {e.Id} ({e.Operation}{where} failed with {e.ErrorId} at {show(e.Time)} s)",
                       e, len(events))
    if check.job is not None:
        jobs = _jobs(state, check.job)
        described = ", ".join(f"{k}={v}" for k, v in check.job.items())
        if not jobs:
            raise _Missing(f"no job matches {described} (the job log has {len(state.Jobs)} jobs)")
        return _Target(f"newest job with {described} (job {jobs[0].Id})", jobs[0], len(jobs))
    if check.delegation is not None:
        found = _named(state.ADComputers, check.delegation, "Name")
        if not found:
            raise _Missing(f"computer account {check.delegation} was not found in Active Directory")
        if check.property is not None:
            # A property names a field of the account (msDS-AllowedToDelegateTo, DNSHostName).
            return _Target(found[0].Name, found[0])
        spns = list(found[0].AllowedToDelegateTo)
        return _Target(f"{found[0].Name}: msDS-AllowedToDelegateTo", spns, len(spns))
    if check.share is not None:
        wanted = check.share.rstrip("\\").casefold()
        found = [s for s in state.SmbShares if s.Path.rstrip("\\").casefold() == wanted]
        if not found:
            raise _Missing(f"SMB share {check.share} was not found")
        return _Target(f"share {found[0].Path}", found[0])
    if check.vm is not None:
        vms = _vms(state, check.vm, check.host)
        vm = vms[0]
        where = f"{vm.Name} on {vm.ComputerName}"
        if check.adapter is not None:
            found = _named(vm.NetworkAdapters, check.adapter, "Name")
            if not found:
                raise _Missing(f"VM {vm.Name} has no network adapter named '{check.adapter}'")
            return _Target(f"{where}, adapter '{found[0].Name}'", found[0])
        if check.disk is not None:
            return _Target(f"{where}, disk {check.disk}", _disk(vm, check.disk))
        if check.checkpoint is not None:
            found = _named(vm.Checkpoints, check.checkpoint, "Name")
            if not found:
                raise _Missing(f"VM {vm.Name} has no checkpoint named '{check.checkpoint}'")
            return _Target(f"{where}, checkpoint '{found[0].Name}'", found[0])
        return _Target(where, vm, len(vms))
    if check.host is not None:
        host = _host(state, check.host)
        if check.switch is not None:
            found = _named(host.Switches, check.switch, "Name")
            if not found:
                raise _Missing(f"virtual switch '{check.switch}' was not found on {host.Name}")
            return _Target(f"{host.Name}, switch '{found[0].Name}'", found[0])
        if check.migration_network is not None:
            found = _named(host.MigrationNetworks, check.migration_network, "Subnet")
            if not found:
                raise _Missing(f"{host.Name} has no migration network {check.migration_network}")
            return _Target(f"{host.Name}, migration network {found[0].Subnet}", found[0])
        return _Target(host.Name, host)
    if check.node is not None:
        clu, node = _in_clusters(state, check.cluster, "node", check.node,
                                 lambda c: _named(c.Nodes, check.node, "Name"))
        return _Target(f"node {node.Name} of {clu.Name}", node)
    if check.group is not None:
        clu, group = _in_clusters(state, check.cluster, "clustered role", check.group,
                                  lambda c: _named(c.Groups, check.group, "Name"))
        return _Target(f"clustered role {group.Name} of {clu.Name}", group)
    if check.csv is not None:
        clu, csv = _in_clusters(state, check.cluster, "Cluster Shared Volume", check.csv,
                                lambda c: _csv_named(c, check.csv))
        return _Target(f"CSV {check.csv} of {clu.Name}", csv)
    if check.cluster is not None:
        clu = _clusters(state, check.cluster)[0]
        return _Target(f"cluster {clu.Name}", clu)
    # Unreachable for a valid Check (its validator demands a selector); said plainly rather than asserted.
    raise _Missing("the check names nothing to look at")


# --- properties ---------------------------------------------------------------------------------------------------

_ABSENT = object()


def _field(obj: Any, name: str) -> Any:
    """Field ``name`` of a LabState model, case-insensitive, by field name or alias; else ``_ABSENT``."""
    if not isinstance(obj, BaseModel):
        return _ABSENT
    wanted = name.casefold()
    for field_name, info in type(obj).model_fields.items():
        if field_name.casefold() == wanted or (info.alias or "").casefold() == wanted:
            return getattr(obj, field_name)
    return _ABSENT


def _property(obj: Any, path: str) -> Any:
    """``path`` (dotted for nested objects) on ``obj``; a plain name also searches one nested object deep, so
    ``CompatibilityForMigrationEnabled`` reads a VM's processor the way Get-VMProcessor shows it."""
    value = obj
    for part in path.split("."):
        value = _field(value, part)
        if value is _ABSENT:
            break
    if value is not _ABSENT or "." in path or not isinstance(obj, BaseModel):
        return value
    for field_name in type(obj).model_fields:
        inner = getattr(obj, field_name)
        if isinstance(inner, BaseModel):
            found = _field(inner, path)
            if found is not _ABSENT:
                return found
    return _ABSENT


# --- operators ----------------------------------------------------------------------------------------------------

def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _equal(actual: Any, expected: Any) -> bool:
    """PowerShell-like -eq: strings case-insensitively, numbers by value, 'True' equals True."""
    if actual is None or expected is None:
        return actual is None and expected is None
    if isinstance(actual, bool) or isinstance(expected, bool):
        return show(actual).casefold() == show(expected).casefold()
    a, e = _number(actual), _number(expected)
    if a is not None and e is not None:
        return a == e
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        return len(actual) == len(expected) and all(_equal(x, y) for x, y in zip(actual, expected))
    return str(actual).casefold() == str(expected).casefold()


def _contains(actual: Any, operand: Any) -> bool:
    if isinstance(actual, (list, tuple)):
        return any(_equal(item, operand) for item in actual)
    if actual is None:
        return False
    return str(operand).casefold() in str(actual).casefold()


def _compare(op: str, actual: Any, operand: Any) -> tuple[bool, str]:
    """(passed, expected-as-text) for value operators."""
    if op == "equals":
        return _equal(actual, operand), show(operand)
    if op == "not_equals":
        return not _equal(actual, operand), f"anything but {show(operand)}"
    if op == "in":
        return any(_equal(actual, o) for o in operand), "one of " + ", ".join(show(o) for o in operand)
    if op == "contains":
        return _contains(actual, operand), f"to contain {show(operand)}"
    if op == "not_contains":
        return not _contains(actual, operand), f"not to contain {show(operand)}"
    if op == "startswith":
        text, prefix = str(actual).casefold(), str(operand).casefold()
        # A folder given with a trailing backslash also matches the folder itself ('D:\VMs\' ~ 'D:\VMs').
        ok = actual is not None and (text.startswith(prefix) or text == prefix.rstrip("\\"))
        return ok, f"to start with {operand}"
    if op == "matches":
        ok = actual is not None and re.search(operand, str(actual), re.IGNORECASE) is not None
        return ok, f"to match /{operand}/"
    if op == "count":
        size = len(actual) if isinstance(actual, (list, tuple)) else (0 if actual is None else 1)
        return size == operand, f"{operand} item(s)"
    words = {"lt": "less than", "le": "at most", "gt": "more than", "ge": "at least"}
    a = _number(actual)
    expected = f"{words[op]} {show(operand)}"
    if a is None:
        return False, expected
    ok = {"lt": a < operand, "le": a <= operand, "gt": a > operand, "ge": a >= operand}[op]
    return ok, expected


def _result(passed: bool, expected: str, actual: str, sentence: str, check: Check) -> CheckResult:
    if passed or not check.message:
        return CheckResult(passed, expected, actual, sentence)
    # The generated sentence and the author's advice are two sentences: end the first one.
    end = "" if sentence.rstrip().endswith((".", "!", "?", ")")) else "."
    return CheckResult(passed, expected, actual, f"{sentence.rstrip()}{end} {check.message.strip()}")


def evaluate(check: Check, state: LabState) -> CheckResult:
    """Resolve ``check``'s selectors on ``state``, apply its operator, and phrase the outcome."""
    op, operand = check.operator, check.operand
    try:
        target = _resolve(check, state)
    except _Missing as missing:
        if op == "exists" and check.property is None:
            passed = operand is False
            return _result(passed, "present" if operand else "absent", "absent", str(missing), check)
        return _result(False, _expected_text(check), "missing", f"{missing}.", check)

    if check.property is None:
        if op == "exists":
            passed = operand is True
            sentence = f"{target.subject} exists" + ("" if passed else ", expected it to be absent")
            return _result(passed, "present" if operand else "absent", "present", sentence, check)
        if op == "count":
            passed = target.matches == operand
            sentence = f"{target.subject}: {target.matches} found" + ("" if passed else f", expected {operand}")
            return _result(passed, str(operand), str(target.matches), sentence, check)
        # contains / not_contains on a list the selector itself yields (a delegation list).
        passed, expected = _compare(op, target.value, operand)
        sentence = f"{target.subject} is {show(target.value)}" + ("" if passed else f", expected {expected}")
        return _result(passed, expected, show(target.value), sentence, check)

    value = _property(target.value, check.property)
    if value is _ABSENT:
        if op == "exists":
            passed = operand is False
            return _result(passed, "present" if operand else "absent", "absent",
                           f"{target.subject} has no property {check.property}", check)
        return _result(False, _expected_text(check), "missing",
                       f"{target.subject} has no property {check.property}.", check)
    if op == "exists":
        passed = operand is True
        return _result(passed, "present" if operand else "absent", show(value),
                       f"{target.subject}: {check.property} is {show(value)}", check)
    passed, expected = _compare(op, value, operand)
    sentence = f"{target.subject}: {check.property} is {show(value)}" + ("" if passed else f", expected {expected}")
    return _result(passed, expected, show(value), sentence, check)


def _expected_text(check: Check) -> str:
    op, operand = check.operator, check.operand
    if op == "exists":
        return "present" if operand else "absent"
    return _compare(op, None, operand)[1]


def evaluate_all(checks: Iterable[Check], state: LabState) -> tuple[list[CheckResult], float]:
    """Every check on one snapshot, and the fraction that passed (1.0 for no checks: nothing is wrong)."""
    results = [evaluate(c, state) for c in checks]
    fraction = sum(r.passed for r in results) / len(results) if results else 1.0
    return results, fraction


# --- static checking of names (before any lab exists) ---------------------------------------------------------------

def _target_model(check: Check) -> type[BaseModel] | None:
    """The LabState model a check's selectors land on, mirroring :func:`_resolve` (None: a bare list)."""
    if check.job is not None:
        return JobState
    if check.event is not None:
        return EventState
    if check.delegation is not None:
        return ADComputerState if check.property is not None else None
    if check.share is not None:
        return SmbShareState
    if check.vm is not None:
        if check.adapter is not None:
            return VMNetworkAdapterState
        if check.disk is not None:
            return HardDriveState
        if check.checkpoint is not None:
            return CheckpointState
        return VMInfo
    if check.host is not None:
        if check.switch is not None:
            return SwitchState
        if check.migration_network is not None:
            return MigrationNetworkState
        return HostState
    if check.node is not None:
        return ClusterNodeState
    if check.group is not None:
        return ClusterGroupState
    if check.csv is not None:
        return SharedVolumeState
    return ClusterState


def _model_has(model: type[BaseModel], path: str, *, nested: bool = True) -> bool:
    """Whether ``path`` names a field of ``model`` the way :func:`_property` would find it."""
    head, _, rest = path.partition(".")
    for name, info in model.model_fields.items():
        if head.casefold() in (name.casefold(), (info.alias or "").casefold()):
            inner = info.annotation
            if not rest:
                return True
            return isinstance(inner, type) and issubclass(inner, BaseModel) and _model_has(inner, rest, nested=False)
    if nested and not rest:
        return any(isinstance(i.annotation, type) and issubclass(i.annotation, BaseModel)
                   and _model_has(i.annotation, path, nested=False) for i in model.model_fields.values())
    return False


def name_problems(check: Check) -> list[str]:
    """Property and job-filter names the LabState model does not have (typos found before any lab runs)."""
    problems = []
    model = _target_model(check)
    if check.property is not None and (model is None or not _model_has(model, check.property)):
        where = model.__name__ if model else "the selected list"
        problems.append(f"'{check.property}' is not a property of {where}")
    for key in (check.job or {}):
        if not _model_has(JobState, _job_field(key), nested=False):
            problems.append(f"job filter '{key}' is not a job field ({', '.join(JobState.model_fields)})")
    for key in (check.event or {}):
        if _event_field(key) is None:
            problems.append(f"event filter '{key}' is not an event key (error, operation, computer, target, "
                            f"event_id)")
    return problems


__all__ = ["CheckResult", "evaluate", "evaluate_all", "name_problems", "show"]
