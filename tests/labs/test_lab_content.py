"""The shipped labs against the emulator: names their checks use exist, and no step is passed by doing nothing.

Whether each step's solution makes its checks pass needs the PowerShell layer (``lab selftest``); what can be
known from the content and the emulated lab alone is tested here.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.content.checks import Check
from engine.content.loader import REPO_ROOT
from engine.content.models import Lab as LabContent
from engine.content.topology import Topology
from engine.hyperv.lab import Lab
from engine.labs.checks import evaluate, name_problems

LAB_FILES = sorted((REPO_ROOT / "labs").glob("*.yaml"))


def _load(path: Path) -> LabContent:
    return LabContent.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def _initial(lab: LabContent) -> Lab:
    topology_file = REPO_ROOT / "labs" / "topologies" / f"{lab.topology}.yaml"
    emulated = Lab.from_topology(Topology.model_validate(yaml.safe_load(topology_file.read_text(encoding="utf-8"))))
    for fault in lab.setup.faults:
        emulated.inject(fault)
    return emulated


def test_there_are_labs():
    assert len(LAB_FILES) >= 8


@pytest.mark.parametrize("path", LAB_FILES, ids=lambda p: p.stem)
def test_every_check_fails_on_the_initial_state(path):
    lab = _load(path)
    state = _initial(lab).snapshot()
    passing = [f"{step.id}: {evaluate(c, state).message}" for step in lab.steps for c in step.checks
               if evaluate(c, state).passed]
    assert not passing, "checks a learner passes by doing nothing:\n" + "\n".join(passing)


@pytest.mark.parametrize("path", LAB_FILES, ids=lambda p: p.stem)
def test_check_names_exist_in_labstate(path):
    lab = _load(path)
    problems = [f"{step.id}: {p}" for step in lab.steps for c in step.checks for p in name_problems(c)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("check, problem", [
    ({"host": "HV1", "property": "VirtualMachineMigrationEnabld", "equals": True}, "not a property of HostState"),
    ({"vm": "VM1", "adapter": "x", "property": "SwitchName", "equals": "y"}, None),
    ({"vm": "VM1", "property": "CompatibilityForMigrationEnabled", "equals": True}, None),
    ({"vm": "VM1", "property": "Processor.Count", "equals": 1}, None),
    ({"vm": "VM1", "property": "Processor.Nope", "equals": 1}, "not a property of VMInfo"),
    ({"delegation": "HV1", "property": "msDS-AllowedToDelegateTo", "contains": "cifs/HV2"}, None),
    ({"job": {"vm": "VM1", "flavour": "live"}, "property": "State", "equals": "Completed"}, "job filter 'flavour'"),
    ({"event": {"error": "migration.credssp_remote", "operation": "Move-VM", "computer": "HV1", "target": "VM1",
                "event_id": 21502}, "exists": True}, None),
    ({"event": {"eror": "migration.credssp_remote"}, "exists": True}, "event filter 'eror'"),
    ({"event": {"error": "x"}, "property": "ErrorId", "equals": "x"}, None),
    ({"event": {"error": "x"}, "property": "Reason", "equals": "x"}, "not a property of EventState"),
])
def test_name_problems(check, problem):
    found = name_problems(Check.model_validate(check))
    assert (found == []) if problem is None else any(problem in f for f in found)
