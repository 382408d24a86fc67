"""The lab session (hints, check, solve, needs, resets, score, JSON resume) on a fake backend.

``FakeBackend`` honours the ``EmulatedBackend`` contract over a real ``engine.hyperv`` Lab, but instead of the
PowerShell layer it understands just the few cmdlet lines that ``lab-prepare-hosts`` uses, calling Lab methods
directly. The CLI tests import it too.
"""
from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field

import pytest

from engine.backends.emulated import EmulatedBackend
from engine.content.loader import Located, load_catalog
from engine.errors import LabError
from engine.hyperv.caller import Caller
from engine.hyperv.lab import Lab as HyperVLab
from engine.labs.build import BuildError, build_emulated
from engine.labs.session import (ASSISTED_CREDIT, HINT_COST, LabSession, NeedsFirst, ResetUnavailable,
                                 SessionError, UnknownStep, needs_order)

LAB = "lab-prepare-hosts"


@dataclass
class FakeResult:
    """The fields of engine.powershell.runspace.PSResult that the runner reads."""

    output: list = field(default_factory=list)
    text: str = ""
    errors: list = field(default_factory=list)
    had_errors: bool = False
    exit_status: int = 0


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _value(token: str):
    if token.lower() in ("$true", "$false"):
        return token.lower() == "$true"
    return int(token) if token.isdigit() else token


def _params(line: str) -> tuple[str, dict[str, list]]:
    """``Cmdlet -Name a, b -Other 1`` → ("Cmdlet", {"Name": ["a", "b"], "Other": [1]})."""
    cmdlet, *tokens = re.findall(r"[^\s,]+", line)
    params: dict[str, list] = {}
    current = None
    for token in tokens:
        if token.startswith("-") and not token[1:].isdigit():
            current = token[1:]
            params[current] = []
        else:
            params[current].append(_value(token))
    return cmdlet, params


class FakeBackend:
    """EmulatedBackend's contract over a real Lab; ``calls`` records (script, host) of every run."""

    def __init__(self, lab: HyperVLab) -> None:
        self.lab = lab
        self.calls: list[tuple[str, str | None]] = []

    def run(self, script: str, *, host: str | None = None) -> FakeResult:
        self.calls.append((script, host))
        caller = Caller.from_logon(host or self.lab.world.logon)
        errors = []
        for line in filter(None, (ln.strip() for ln in script.splitlines())):
            cmdlet, params = _params(line)
            for computer in params.pop("ComputerName", [None]):
                try:
                    self._one(cmdlet, params, computer, caller)
                except LabError as exc:  # non-terminating, as the cmdlets report a per-computer failure
                    errors.append(exc.message)
        return FakeResult(text="\n".join(errors), errors=errors, had_errors=bool(errors), exit_status=int(bool(errors)))

    def _one(self, cmdlet: str, params: dict, computer: str | None, caller: Caller) -> None:
        single = {k: v[0] for k, v in params.items()}
        if cmdlet == "Enable-VMMigration":
            self.lab.enable_migration(computer, caller=caller)
        elif cmdlet == "Disable-VMMigration":
            self.lab.disable_migration(computer, caller=caller)
        elif cmdlet == "Set-VMHost":
            self.lab.set_host(computer, caller=caller, **{_snake(k): v for k, v in single.items()})
        elif cmdlet == "Add-VMMigrationNetwork":
            self.lab.add_migration_network(single["Subnet"], single.get("Priority", 0), computer, caller=caller)
        elif cmdlet == "Remove-VMMigrationNetwork":
            self.lab.remove_migration_network(single["Subnet"], computer, caller=caller)
        else:
            raise LabError("fake.unknown", f"The term '{cmdlet}' is not recognized (fake backend)")

    def snapshot(self):
        return self.lab.snapshot()

    def save(self) -> str:
        return self.lab.to_json()

    def restore(self, saved: str) -> None:
        self.lab = HyperVLab.from_json(saved)


class RealHostsBackend(FakeBackend):
    """Like real hosts: run and snapshot only, so resets must fall back to the cleanup script."""

    save = None  # type: ignore[assignment]
    restore = None  # type: ignore[assignment]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture
def lab(catalog):
    return catalog.lab(LAB)


@pytest.fixture
def session(lab, catalog) -> LabSession:
    return LabSession.start(lab, build_emulated(lab, catalog, FakeBackend))


def test_open_shows_instructions_and_no_hints_yet(session):
    view = session.open("enable")
    assert view.title == "Allow incoming and outgoing live migrations"
    assert "HV1" in view.instructions and view.hints_shown == [] and view.hints_total == 3
    assert view.status == "not started"


def test_hints_are_graduated_and_recorded(session, lab):
    hints = lab.step("enable").hints
    assert session.hint("enable") == hints[0]
    assert session.open("enable").hints_shown == hints[:1]
    assert session.hint("enable") == hints[1]
    assert session.hint("enable") == hints[2]
    assert session.hint("enable") is None  # none left: nothing more is recorded
    assert session.hints_used("enable") == 3
    assert session.hints_used("authentication") == 0


def test_check_gives_partial_credit_with_expected_and_actual(session):
    session.backend.lab.enable_migration("HV1")
    report = session.check("enable")
    assert [r.passed for r in report.results] == [True, False]
    assert report.fraction == 0.5 and not report.passed and report.status == "failed"
    failed = report.results[1]
    assert (failed.expected, failed.actual) == ("True", "False")
    assert "HV2: VirtualMachineMigrationEnabled is False, expected True" in failed.message
    assert session.score().by_step["enable"] == 0.5


def test_learner_work_passes(session):
    session.backend.run("Enable-VMMigration -ComputerName HV1, HV2")
    assert session.check("enable").passed
    assert session.status("enable") == "passed"
    assert session.score().by_step["enable"] == 1.0


def test_solve_runs_the_solution_on_the_logon_and_marks_assisted(session, lab):
    report = session.solve("enable")
    assert session.backend.calls[-1] == (lab.step("enable").solution, None)  # no logon: the lab's default
    assert not report.had_errors and report.check.passed
    assert session.status("enable") == "assisted"
    assert session.score().by_step["enable"] == ASSISTED_CREDIT


def test_solve_reports_powershell_errors(session, catalog, lab):
    broken = lab.model_copy(update={"steps": [lab.steps[0].model_copy(update={"solution": "Frobnicate-VM"})]})
    s = LabSession.start(broken, build_emulated(broken, catalog, FakeBackend))
    report = s.solve("enable")
    assert report.had_errors and "Frobnicate-VM" in report.text and report.errors
    assert s.status("enable") == "failed"  # assisted, but the goal was not reached


def test_hints_reduce_the_score_by_the_documented_amount(session):
    session.hint("enable")
    session.hint("enable")
    session.solve("enable")
    assert session.score().by_step["enable"] == pytest.approx(ASSISTED_CREDIT * (1 - 2 * HINT_COST))
    assert session.score().possible == 5


def test_needs_are_enforced_and_name_the_step_to_do_first(session):
    with pytest.raises(NeedsFirst) as blocked:
        session.check("performance")
    assert blocked.value.missing == ["enable"]
    assert "'enable' (Allow incoming and outgoing live migrations)" in str(blocked.value)
    with pytest.raises(NeedsFirst):
        session.solve("performance")
    assert session.backend.calls == []  # nothing was run silently
    session.solve("enable")
    assert session.solve("performance").check.passed


def test_steps_without_needs_go_in_any_order(session):
    assert session.solve("networks").check.passed
    assert session.solve("authentication").check.passed
    assert session.statuses() == {"enable": "not started", "authentication": "assisted",
                                  "simultaneous": "not started", "networks": "assisted",
                                  "performance": "not started"}


def test_later_checks_reverify_earlier_results(session):
    session.solve("enable")
    session.backend.run("Set-VMHost -ComputerName HV1, HV2 -VirtualMachineMigrationPerformanceOption SMB")
    session.backend.run("Disable-VMMigration -ComputerName HV2")
    report = session.check("performance")
    assert not report.passed and "Earlier work was undone" in report.results[2].message


def test_unknown_step_lists_the_valid_ids(session):
    with pytest.raises(UnknownStep, match=r"has no step 'nope' \(steps: enable, authentication, simultaneous, "
                                          r"networks, performance\)"):
        session.check("nope")


def test_reset_step_restores_the_state_when_the_step_was_opened(session):
    session.solve("authentication")
    session.open("enable")
    opened = session.backend.snapshot()
    session.solve("enable")
    session.hint("enable")
    assert session.backend.snapshot() != opened
    session.reset_step("enable")
    assert session.backend.snapshot() == opened
    assert session.status("enable") == "not started"
    assert session.status("authentication") == "assisted"  # solved before 'enable' was opened: kept
    assert session.hints_used("enable") == 1  # a hint once read stays counted


def test_reset_step_forgets_later_work_of_other_steps(session):
    session.open("enable")
    session.solve("networks")
    session.reset_step("enable")
    assert session.status("networks") == "not started"
    assert not session.check("networks").passed


def test_reset_lab_restores_the_initial_state(session):
    initial = session.backend.snapshot()
    for step in needs_order(session.lab):
        session.solve(step.id)
    session.hint("networks")
    assert session.backend.snapshot() != initial
    assert session.reset_lab() == "restored"
    assert session.backend.snapshot() == initial
    assert set(session.statuses().values()) == {"not started"}
    assert session.hints_used("networks") == 1


def test_reset_lab_without_save_runs_the_cleanup_script(lab, catalog):
    backend = RealHostsBackend(HyperVLab.from_topology(catalog.topology(lab.topology)))
    session = LabSession.start(lab, backend)
    initial = backend.snapshot()
    for step in needs_order(lab):
        session.solve(step.id)
    session.reset_lab()
    assert backend.calls[-1] == (lab.cleanup, None)
    assert backend.snapshot() == initial
    with pytest.raises(ResetUnavailable):
        session.reset_step("enable")


def test_session_resumes_exactly_from_json(session, catalog):
    session.hint("networks")
    session.solve("enable")
    session.open("networks")
    session.backend.run("Set-VMHost -ComputerName HV1 -UseAnyNetworkForMigration $false")
    session.check("networks")
    text = session.to_json()
    resumed = LabSession.from_json(text, catalog, FakeBackend)
    assert resumed.to_json() == text
    assert resumed.backend.snapshot() == session.backend.snapshot()
    assert resumed.statuses() == session.statuses() and resumed.score() == session.score()
    assert resumed.hint("networks") == session.lab.step("networks").hints[1]
    resumed.reset_step("networks")  # the step's saved state came along too
    session.reset_step("networks")
    assert resumed.backend.snapshot() == session.backend.snapshot()
    assert json.loads(text)["format"] == 1


def test_from_json_refuses_other_text(catalog):
    with pytest.raises(SessionError, match="not a saved lab session"):
        LabSession.from_json("{}", catalog, FakeBackend)
    with pytest.raises(SessionError, match="not a saved lab session"):
        LabSession.from_json("nonsense", catalog, FakeBackend)


def test_check_many_uses_one_snapshot_and_reports_blocked_steps(session):
    snapshots = []
    real = session.backend.snapshot
    session.backend.snapshot = lambda: snapshots.append(1) or real()
    outcomes = session.check_many()
    assert len(snapshots) == 1
    assert [o.step_id for o in outcomes] == ["enable", "authentication", "simultaneous", "networks", "performance"]
    assert isinstance(outcomes[-1], NeedsFirst)


def test_build_reports_an_unknown_topology(lab, catalog):
    orphan = lab.model_copy(update={"topology": "no-such-topology"})
    with pytest.raises(BuildError, match="topology 'no-such-topology'"):
        build_emulated(orphan, catalog, FakeBackend)


def test_build_runs_the_setup_script_and_fails_loudly(lab, catalog):
    scripted = lab.model_copy(update={"setup": lab.setup.model_copy(update={"script": "Enable-VMMigration"})})
    backend = build_emulated(scripted, catalog, FakeBackend)
    assert backend.calls == [("Enable-VMMigration", None)]
    assert backend.snapshot().host("HV1").VirtualMachineMigrationEnabled
    broken = lab.model_copy(update={"setup": lab.setup.model_copy(update={"script": "Frobnicate-VM"})})
    with pytest.raises(BuildError, match="setup script failed"):
        build_emulated(broken, catalog, FakeBackend)


def with_lab(catalog, lab):
    """``catalog`` plus (or with a replaced) ``lab``, for tests that need content the repo does not ship."""
    return dataclasses.replace(catalog, labs={**catalog.labs, lab.id: Located(lab, "test", None)})


def test_build_injects_the_setup_faults(catalog):
    lab = catalog.lab("lab-switch-names")
    fault = lab.setup.faults[0]
    backend = build_emulated(lab, catalog, FakeBackend)
    names = [s.Name for s in backend.snapshot().host(fault.host).Switches]
    assert fault.new_name in names and fault.switch not in names


def test_build_reports_a_fault_that_does_not_apply(lab, catalog):
    fault = catalog.lab("lab-switch-names").setup.faults[0].model_copy(update={"switch": "NoSuchSwitch"})
    bad = lab.model_copy(update={"setup": lab.setup.model_copy(update={"faults": [fault]})})
    with pytest.raises(BuildError, match="fault switch_renamed on HV2 cannot be injected"):
        build_emulated(bad, catalog, FakeBackend)


def test_resume_on_the_emulated_backend(catalog):
    lab = catalog.lab("lab-credssp")
    first, second, third = (s.id for s in needs_order(lab))
    session = LabSession.start(lab, build_emulated(lab, catalog, EmulatedBackend))
    assert session.solve(first).check.passed
    session.hint(second)  # opens the step: its reset point is after the first step's solution
    resumed = LabSession.from_json(session.to_json(), catalog, EmulatedBackend)
    assert resumed.backend.snapshot() == session.backend.snapshot()
    assert resumed.solve(second).check.passed and session.solve(second).check.passed
    assert resumed.to_json() == session.to_json()
    resumed.reset_step(second)
    assert resumed.status(second) == "not started" and resumed.status(first) == "assisted"
    assert resumed.score().by_step == {first: 0.5, second: 0.0, third: 0.0}
    assert resumed.hints_used(second) == 1


def test_solve_accepts_exactly_the_errors_the_step_expects(catalog):
    credssp = catalog.lab("lab-credssp")
    step = credssp.step("try-from-workstation")
    assert step.expect_errors == ["migration.credssp_remote"]
    s = LabSession.start(credssp, build_emulated(credssp, catalog))
    report = s.solve(step.id)
    assert not report.had_errors and report.check.passed, report.text
    assert len(report.expected_errors) == 1 and "0x8009030E" in report.expected_errors[0]
    # The same solution without the opt-in fails like any solution with errors.
    strict = credssp.model_copy(update={"steps": [step.model_copy(update={"expect_errors": []})]})
    s = LabSession.start(strict, build_emulated(strict, catalog))
    report = s.solve(step.id)
    assert report.had_errors and report.expected_errors == []
    # Another error is not excused by the opt-in.
    other = credssp.model_copy(update={"steps": [step.model_copy(update={"solution": step.solution + "Frobnicate-VM\n"})]})
    s = LabSession.start(other, build_emulated(other, catalog))
    assert s.solve(step.id).had_errors


def test_expect_errors_must_name_catalogued_errors():
    from pydantic import ValidationError

    from engine.content.models import Step

    base = {"id": "s", "title": "t", "instructions": "do the thing now", "checks": [{"host": "HV1", "exists": True}],
            "solution": "Get-VM"}
    assert Step.model_validate({**base, "expect_errors": ["migration.credssp_remote"]}).expect_errors
    with pytest.raises(ValidationError, match="migration.nope is not in the error catalogue"):
        Step.model_validate({**base, "expect_errors": ["migration.nope"]})
