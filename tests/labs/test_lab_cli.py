"""``python -m engine lab …``: output, exit codes, --state, JSON and JUnit, on the fake backend of test_session."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from engine import cli
from engine.commands import lab as lab_command
from engine.content.loader import load_catalog
from tests.labs.test_session import LAB, FakeBackend, with_lab


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(autouse=True)
def fake_backend(monkeypatch, catalog):
    """Every lab command builds on FakeBackend, and loads the catalog once per module."""
    monkeypatch.setattr(lab_command, "emulated_factory", lambda: FakeBackend)
    monkeypatch.setattr(lab_command, "load_catalog", lambda: catalog)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(["lab", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_shipped_lab(capsys, catalog):
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == sorted(catalog.labs)
    assert f"{LAB}" in out and "5 steps" in out


def test_show_lists_steps_with_their_needs(capsys):
    code, out, _ = run(capsys, "show", LAB)
    assert code == 0
    assert out.splitlines()[0] == f"{LAB}: Prepare two standalone hosts for live migration"
    assert "  5. performance: Pick the performance option for a 10 Gbps link (3 checks, 3 hints; needs enable)" in out


@pytest.mark.parametrize("argv, message", [
    (["show", "lab-nope"], "unknown lab 'lab-nope' (labs: lab-cluster-moves, "),
    (["check", "lab-nope"], "unknown lab 'lab-nope' (labs: "),
    (["selftest", "lab-nope"], "unknown lab 'lab-nope' (labs: "),
    (["check", LAB, "--step", "nope"], f"lab {LAB} has no step 'nope' (steps: enable, authentication, "
                                       "simultaneous, networks, performance)"),
    (["reset", LAB, "--format", "junit"], "--format junit reports checks"),
    (["check", LAB, "--target", "no-such-targets.yaml"], "--target must be 'emulated' or a targets file"),
])
def test_bad_usage_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith(f"python -m engine lab: {message}")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("argv", [[], ["check"], ["check", LAB, "--format", "xml"], ["frobnicate"]])
def test_argparse_errors_exit_2(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and "usage: python -m engine lab" in err


def test_unreachable_real_host_names_the_host_and_the_cause(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_USER", "admin")
    monkeypatch.setenv("LAB_PASS", "not-a-secret")
    targets = tmp_path / "targets.yaml"
    targets.write_text("HV1: {url: 'http://127.0.0.1:9/wsman', transport: basic, username_env: LAB_USER, "
                       "password_env: LAB_PASS}\n", encoding="utf-8")
    code, _, err = run(capsys, "check", LAB, "--target", str(targets))
    assert code == 1
    assert err.strip() == ("python -m engine lab: HV1: cannot connect to http://127.0.0.1:9/wsman: connection "
                           "refused (is WinRM listening on that port? on Windows: winrm quickconfig)")


def test_check_of_a_fresh_lab_fails_with_expected_and_actual(capsys):
    code, out, _ = run(capsys, "check", LAB, "--step", "enable")
    assert code == 1
    assert "enable: Allow incoming and outgoing live migrations: FAILED (0/2 checks)" in out
    assert "  FAIL HV1: VirtualMachineMigrationEnabled is False, expected True" in out
    assert "       expected True, actual False" in out


def test_solve_then_check_share_the_state_file(capsys, tmp_path):
    state = tmp_path / "s.json"
    code, out, _ = run(capsys, "solve", LAB, "--step", "enable", "--state", str(state))
    assert code == 0 and "enable: ran the solution on the learner's logon" in out and "ASSISTED (2/2" in out
    code, out, _ = run(capsys, "check", LAB, "--step", "enable", "--state", str(state))
    assert code == 0 and "ASSISTED (2/2 checks)" in out
    assert "score: 0.5/5 (10 %)" in out
    code, _, _ = run(capsys, "check", LAB, "--step", "enable")  # no --state: a fresh lab again
    assert code == 1


def test_needs_block_check_and_solve(capsys):
    code, out, _ = run(capsys, "solve", LAB, "--step", "performance")
    assert code == 1
    assert "performance: BLOCKED: step 'performance' needs step 'enable' (Allow incoming" in out


def test_solve_everything_then_everything_checks(capsys, tmp_path):
    state = tmp_path / "s.json"
    assert run(capsys, "solve", LAB, "--state", str(state))[0] == 0
    code, out, _ = run(capsys, "check", LAB, "--state", str(state))
    assert code == 0 and "FAIL" not in out and "score: 2.5/5 (50 %)" in out


def test_reset_step_and_lab_through_the_state_file(capsys, tmp_path):
    state = tmp_path / "s.json"
    run(capsys, "solve", LAB, "--state", str(state))
    code, out, _ = run(capsys, "reset", LAB, "--step", "networks", "--state", str(state))
    assert code == 0 and "step networks reset" in out
    assert run(capsys, "check", LAB, "--step", "networks", "--state", str(state))[0] == 1
    assert run(capsys, "check", LAB, "--step", "enable", "--state", str(state))[0] == 0
    code, out, _ = run(capsys, "reset", LAB, "--state", str(state))
    assert code == 0 and f"lab {LAB} reset to its initial state" in out
    assert run(capsys, "check", LAB, "--step", "enable", "--state", str(state))[0] == 1


def test_state_file_of_another_lab_is_bad_usage(capsys, tmp_path):
    state = tmp_path / "s.json"
    run(capsys, "solve", LAB, "--step", "enable", "--state", str(state))
    code, _, err = run(capsys, "check", "lab-kerberos", "--state", str(state))
    assert code == 2 and f"holds a session of lab {LAB}, not lab-kerberos" in err


def test_json_format(capsys):
    code, out, _ = run(capsys, "check", LAB, "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["lab"] == LAB and data["ok"] is False
    steps = {s["id"]: s for s in data["steps"]}
    assert steps["enable"]["checks"][0] == {"passed": False, "expected": "True", "actual": "False",
                                            "message": steps["enable"]["checks"][0]["message"]}
    assert steps["performance"]["needs"] == ["enable"] and "blocked" in steps["performance"]
    assert data["score"] == {"earned": 0.0, "possible": 5, "percent": 0.0}


def _counts(element) -> dict[str, int]:
    return {k: int(element.get(k)) for k in ("tests", "failures", "errors", "skipped")}


def test_junit_is_what_ci_servers_read(capsys, catalog):
    code, out, _ = run(capsys, "check", LAB, "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites" and float(root.get("time")) >= 0
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [LAB]
    suite = suites[0]
    cases = suite.findall("testcase")
    lab = catalog.lab(LAB)
    assert len(cases) == sum(len(s.checks) for s in lab.steps) == 17
    failures = [c for c in cases if c.find("failure") is not None]
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert _counts(suite) == _counts(root) == {"tests": 17, "failures": len(failures), "errors": 0,
                                               "skipped": len(skipped)}
    assert len(skipped) == 3 and {c.get("classname") for c in skipped} == {f"{LAB}.performance"}
    assert len(failures) == 14  # every check of the first four steps fails on the fresh lab
    first = cases[0]
    assert first.get("classname") == f"{LAB}.enable"
    assert first.get("name") == "1. host=HV1 VirtualMachineMigrationEnabled equals True"
    assert float(first.get("time")) >= 0 and float(suite.get("time")) >= 0
    failure = first.find("failure")
    assert failure.get("message") == "expected True, actual False" and failure.get("type") == "CheckFailed"
    assert "HV1: VirtualMachineMigrationEnabled is False" in failure.text
    assert "needs step 'enable'" in skipped[0].find("skipped").get("message")


def test_junit_after_solving_has_no_failures(capsys, tmp_path):
    state = tmp_path / "s.json"
    run(capsys, "solve", LAB, "--state", str(state))
    code, out, _ = run(capsys, "check", LAB, "--state", str(state), "--format", "junit")
    root = ET.fromstring(out)
    assert code == 0 and _counts(root) == {"tests": 17, "failures": 0, "errors": 0, "skipped": 0}


def test_selftest_proves_a_lab(capsys):
    code, out, _ = run(capsys, "selftest", LAB)
    assert code == 0
    lines = out.splitlines()
    assert lines[:5] == [f"ok   {LAB} {step}: fails before, passes after the solution; reset_step restores"
                         for step in ("enable", "authentication", "simultaneous", "networks", "performance")]
    assert lines[5] == f"ok   {LAB} reset_lab: restores the initial state"
    assert lines[6] == "selftest: 1 labs, 0 failure(s)"


def test_selftest_says_what_failed(capsys, monkeypatch, catalog):
    lab = catalog.lab(LAB)
    steps = list(lab.steps)
    steps[0] = steps[0].model_copy(update={"solution": "Enable-VMMigration -ComputerName HV2, HV9"})
    steps[1] = steps[1].model_copy(update={"solution": "Set-VMHost -ComputerName HV1 "
                                                       "-VirtualMachineMigrationAuthenticationType Kerberos"})
    steps[2] = steps[2].model_copy(update={"solution": "Frobnicate-VM"})
    steps[3] = steps[3].model_copy(update={"checks": steps[3].checks[:1] + [
        steps[3].checks[0].model_copy(update={"equals": True})]})
    broken = lab.model_copy(update={"id": "lab-broken", "steps": steps})
    monkeypatch.setattr(lab_command, "load_catalog", lambda: with_lab(catalog, broken))
    code, out, _ = run(capsys, "selftest", "lab-broken")
    assert code == 1
    assert "FAIL lab-broken authentication: after the solution 1 check(s) fail: HV2: " \
           "VirtualMachineMigrationAuthenticationType is CredSSP, expected Kerberos" in out
    assert "FAIL lab-broken simultaneous: the solution failed on the logon host: The term 'Frobnicate-VM'" in out
    assert "FAIL lab-broken networks: after the solution 1 check(s) fail" in out
    assert "FAIL lab-broken enable: the solution failed on the logon host: " in out
    assert "FAIL lab-broken performance: not tested: it needs enable, which failed above" in out
    assert "selftest: 1 labs, 5 failure(s)" in out


def test_unreachable_real_host_is_a_failed_check_not_a_crash(capsys, monkeypatch, tmp_path):
    winrm = pytest.importorskip("engine.backends.winrm")

    class Unreachable:
        """A WinRMBackend stand-in whose host does not answer."""

        def __init__(self, targets) -> None:
            self.targets = targets

        def snapshot(self):
            raise winrm.HostUnreachableError("HV1", "cannot connect to http://hv1.contoso.com:5985/wsman")

    monkeypatch.setattr(lab_command, "winrm_factory", lambda: Unreachable)
    targets = tmp_path / "targets.yaml"
    targets.write_text("HV1: {host: hv1.contoso.com}\n", encoding="utf-8")
    code, _, err = run(capsys, "check", LAB, "--target", str(targets))
    assert code == 1 and "targets.yaml:1: HV1.username_env: required key is missing" in err  # invalid content
    targets.write_text("HV1: {host: hv1.contoso.com, username_env: U, password_env: P}\n", encoding="utf-8")
    code, _, err = run(capsys, "check", LAB, "--step", "enable", "--target", str(targets))
    assert code == 1 and "Traceback" not in err
    assert err.strip().splitlines() == ["python -m engine lab: HV1: cannot connect to "
                                        "http://hv1.contoso.com:5985/wsman"]
