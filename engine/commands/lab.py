"""``python -m engine lab …``: list, show, check, solve, reset and self-test the guided labs.

    lab list                                   one line per shipped lab
    lab show LAB                               its summary, topology, faults and steps
    lab check|solve|reset LAB [--step ID] [--target emulated|TARGETS.yaml] [--state S.json]
                              [--format text|json|junit]
    lab selftest [LAB…] [--target TARGETS.yaml] prove every step of the labs (default: on the emulator)

``check`` evaluates the selected step (default: every step, in an order that satisfies ``needs``) on one
snapshot and exits 0 only when all its checks pass, so a lab machine or a CI pipeline can verify a learner's
work. ``solve`` runs the step's solution ("Do it for me"; default: every step not yet passed) and ``reset``
restores the step's starting state (default: the whole lab). ``--state`` keeps the session (lab state, results,
hints) in a JSON file between calls; without it each call starts from a freshly built lab.

``selftest`` checks, for each step: its checks fail before its solution and pass after it, ``reset_step``
restores the snapshot from before the solution, and at the end ``reset_lab`` restores the initial snapshot.
With ``--target TARGETS.yaml`` it runs on hosts already set up for the named labs (a lab's topology, faults and
setup script; ``engine.winrm_server.labhost.make_lab_factory`` serves one): such a backend cannot save or restore,
so each step is checked before and after its solution (no ``reset_step``), and ``reset_lab`` runs the lab's
cleanup script, which must bring back the initial snapshot (Jobs, Clock and Events aside: real hosts show none
of them; job-log and event-log checks are left out, and a solution's expected errors, ``expect_errors``, are
accepted). A WinRM session is a remote session: a solution refused for want of a console logon (a CredSSP move,
0x8009030E) is reported as ``skip … skipped: needs a console logon on HVx``, not as a failure, and so are the
steps that need it. When a step shut a host down, it does not answer afterwards and no cmdlet powers it on, so
``reset_lab`` is reported as skipped with that reason.

Exit codes: 0 success, 1 a failed check / PowerShell error / failed self-test, 2 bad usage (unknown lab or step,
a target that is not available).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from engine.content.loader import load_catalog
from engine.errors import ContentError
from engine.labs.build import BackendUnavailable, BuildError, build_emulated, emulated_factory, winrm_factory
from engine.labs.checks import evaluate_all
from engine.labs.junit import SuiteRun, to_junit
from engine.labs.session import CheckReport, LabSession, NeedsFirst, SessionError, is_expected_error, needs_order

PROG = "python -m engine lab"


class Usage(Exception):
    """Bad usage: printed as one line, exit 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="list|show|check|solve|reset|selftest")
    sub.add_parser("list", help="the shipped labs")
    show = sub.add_parser("show", help="a lab's summary and steps")
    show.add_argument("lab")
    for name, help_ in (("check", "check a step (default: all) and exit 1 unless every check passes"),
                        ("solve", "run a step's solution (default: every step not passed yet)"),
                        ("reset", "restore a step's starting state (default: the whole lab)")):
        cmd = sub.add_parser(name, help=help_)
        cmd.add_argument("lab")
        cmd.add_argument("--step", help="a step id (default: every step)")
        cmd.add_argument("--target", default="emulated", help="emulated (default) or a targets file for real hosts")
        cmd.add_argument("--state", type=Path, help="JSON file that keeps the lab session between calls")
        cmd.add_argument("--format", choices=("text", "json", "junit"), default="text")
    selftest = sub.add_parser("selftest", help="prove the labs' checks, solutions and resets on the emulator")
    selftest.add_argument("labs", nargs="*", metavar="LAB")
    selftest.add_argument("--target", default="emulated",
                          help="emulated (default) or a targets file of hosts set up for the named labs")
    return parser


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage message; keep the exit-code contract
        return int(exc.code or 0)
    catalog = load_catalog()
    try:
        if args.command == "list":
            return _list(catalog)
        if args.command == "show":
            return _show(catalog, _lab(catalog, args.lab))
        if args.command == "selftest":
            labs = [_lab(catalog, i) for i in args.labs] or list(catalog.lab(i) for i in catalog.labs)
            if args.target != "emulated":
                if not args.labs:
                    raise Usage("selftest --target needs the labs the hosts are set up for (lab selftest LAB… "
                                "--target TARGETS.yaml)")
                return _selftest_target(labs, _target_backend(args.target))
            return _selftest(catalog, labs)
        return _session_command(catalog, args)
    except Usage as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except BackendUnavailable as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except (BuildError, SessionError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except ContentError as exc:  # an invalid targets file: file:line problems, as validate prints them
        print(exc, file=sys.stderr)
        return 1
    except Exception as exc:
        # A real host that cannot be reached is a failed check, not a crash; the WinRM module is only loaded
        # (and its errors only possible) when --target names a targets file.
        winrm = sys.modules.get("engine.backends.winrm")
        if winrm is not None and isinstance(exc, winrm.WinRMBackendError):
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 1
        raise


def _lab(catalog, lab_id: str):
    lab = catalog.lab(lab_id)
    if lab is None:
        raise Usage(f"unknown lab '{lab_id}' (labs: {', '.join(sorted(catalog.labs)) or 'none'})")
    return lab


# --- list / show --------------------------------------------------------------------------------------------------

def _list(catalog) -> int:
    for lab_id in sorted(catalog.labs):
        lab = catalog.lab(lab_id)
        print(f"{lab.id:<24} {len(lab.steps)} steps  ~{lab.estimated_minutes:>3} min  {lab.title}")
    return 0


def _show(catalog, lab) -> int:
    topology = lab.topology if isinstance(lab.topology, str) else f"{lab.topology.name} (inline)"
    print(f"{lab.id}: {lab.title}")
    if lab.summary:
        print(f"  {lab.summary}")
    print(f"  objectives {', '.join(lab.objectives)}; topology {topology}; about {lab.estimated_minutes} min")
    for fault in lab.setup.faults:
        print(f"  fault: {fault.kind} on {fault.host}")
    print("steps:")
    for i, step in enumerate(lab.steps, 1):
        needs = f"; needs {', '.join(step.needs)}" if step.needs else ""
        print(f"  {i}. {step.id}: {step.title} ({len(step.checks)} checks, {len(step.hints)} hints{needs})")
    return 0


# --- check / solve / reset ----------------------------------------------------------------------------------------

def _session_command(catalog, args) -> int:
    lab = _lab(catalog, args.lab)
    if args.step is not None and lab.step(args.step) is None:
        raise Usage(f"lab {lab.id} has no step '{args.step}' (steps: {', '.join(s.id for s in lab.steps)})")
    if args.command == "reset" and args.format == "junit":
        raise Usage("--format junit reports checks: use it with check or solve")
    session = _open_session(catalog, lab, args)
    started = time.perf_counter()
    if args.command == "check":
        outcomes = session.check_many(None if args.step is None else [args.step])
    elif args.command == "solve":
        outcomes = _solve(session, args.step)
    else:
        outcomes = _reset(session, args.step)
    seconds = time.perf_counter() - started
    if args.state is not None:
        _write_state(args.state, session.to_json())
    _print(args.format, session, outcomes, seconds)
    return 0 if all(_succeeded(o) for o in outcomes) else 1


def _open_session(catalog, lab, args) -> LabSession:
    """The session kept in ``--state`` (when the file exists), else a new one on a freshly built lab."""
    if args.target == "emulated":
        factory = emulated_factory()
        fresh = lambda: LabSession.start(lab, build_emulated(lab, catalog, factory))  # noqa: E731
        rebuild = factory
    else:
        backend = _target_backend(args.target)
        fresh = lambda: LabSession.start(lab, backend)  # noqa: E731  (a real lab is set up by its owner)
        rebuild = lambda _state: backend  # noqa: E731  (real hosts keep their own state)
    if args.state is None or not args.state.exists():
        return fresh()
    session = LabSession.from_json(args.state.read_text(encoding="utf-8"), catalog, rebuild)
    if session.lab.id != lab.id:
        raise Usage(f"{args.state} holds a session of lab {session.lab.id}, not {lab.id}")
    return session


def _target_backend(target: str):
    """The WinRMBackend over a targets file (``Usage`` when the file does not exist)."""
    targets = Path(target)
    if not targets.is_file():
        raise Usage(f"--target must be 'emulated' or a targets file; {targets} does not exist")
    from engine.backends.winrm import load_targets  # lazily: pywinrm is only for those who use real hosts
    return winrm_factory()(load_targets(targets))


def _write_state(path: Path, text: str) -> None:
    # Written beside the target and renamed, so an interrupted call never leaves half a session behind.
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _solve(session: LabSession, step_id: str | None) -> list:
    """The solve report of ``step_id``, or of every step not yet passed or assisted, in needs order."""
    if step_id is not None:
        return [_try(session.solve, step_id)]
    return [_try(session.solve, s.id) for s in needs_order(session.lab)
            if session.status(s.id) not in ("passed", "assisted")]


def _try(action, step_id: str):
    try:
        return action(step_id)
    except NeedsFirst as blocked:
        return blocked


def _reset(session: LabSession, step_id: str | None) -> list:
    if step_id is None:
        how = session.reset_lab()
        if how == "restored":
            return [f"lab {session.lab.id} reset to its initial state"]
        return [f"lab {session.lab.id} reset by its cleanup script" + (f":\n{how.rstrip()}" if how.strip() else "")]
    session.reset_step(step_id)
    return [f"step {step_id} reset to its state when it was first opened"]


def _succeeded(outcome: Any) -> bool:
    if isinstance(outcome, NeedsFirst):
        return False
    if isinstance(outcome, CheckReport):
        return outcome.passed
    if isinstance(outcome, str):
        return True
    return not outcome.had_errors and outcome.check.passed  # a SolveReport


def _reports(outcomes: list) -> list:
    """Check reports (from a solve report, its check after the solution) and blocked steps."""
    return [getattr(o, "check", o) for o in outcomes if not isinstance(o, str)]


def _print(fmt: str, session: LabSession, outcomes: list, seconds: float) -> None:
    if fmt == "junit":
        print(to_junit([SuiteRun(session.lab, _reports(outcomes), seconds)]), end="")
    elif fmt == "json":
        print(json.dumps(_as_json(session, outcomes), indent=2))
    else:
        for outcome in outcomes:
            print(_text(outcome))
        score = session.score()
        print(f"score: {score.earned:g}/{score.possible} ({score.percent:g} %)  "
              + "  ".join(f"{k}: {v}" for k, v in session.statuses().items()))


def _text(outcome: Any) -> str:
    if isinstance(outcome, str):
        return outcome
    if isinstance(outcome, NeedsFirst):
        return f"{outcome.step_id}: BLOCKED: {outcome}"
    lines = []
    if not isinstance(outcome, CheckReport):  # a SolveReport: what PowerShell printed, then the check
        where = outcome.host or "the learner's logon"
        lines.append(f"{outcome.step_id}: ran the solution on {where}" + (" (with errors)" if outcome.had_errors
                                                                         else ""))
        lines += [f"  | {line}" for line in outcome.text.rstrip().splitlines()]
        outcome = outcome.check
    ok = sum(r.passed for r in outcome.results)
    lines.append(f"{outcome.step_id}: {outcome.title}: {outcome.status.upper()} ({ok}/{len(outcome.results)} checks)")
    for r in outcome.results:
        lines.append(f"  {'PASS' if r.passed else 'FAIL'} {r.message}")
        if not r.passed:
            lines.append(f"       expected {r.expected}, actual {r.actual}")
    return "\n".join(lines)


def _as_json(session: LabSession, outcomes: list) -> dict:
    steps = []
    for outcome in outcomes:
        if isinstance(outcome, str):
            steps.append({"reset": outcome})
            continue
        if isinstance(outcome, NeedsFirst):
            steps.append({"id": outcome.step_id, "status": session.status(outcome.step_id), "blocked": str(outcome),
                          "needs": outcome.missing})
            continue
        entry = {}
        if not isinstance(outcome, CheckReport):
            entry = {"solution": {"host": outcome.host, "text": outcome.text, "errors": outcome.errors,
                                  "had_errors": outcome.had_errors}}
            outcome = outcome.check
        entry |= {"id": outcome.step_id, "title": outcome.title, "status": outcome.status,
                  "fraction": outcome.fraction, "passed": outcome.passed,
                  "checks": [{"passed": r.passed, "expected": r.expected, "actual": r.actual, "message": r.message}
                             for r in outcome.results]}
        steps.append(entry)
    score = session.score()
    return {"lab": session.lab.id, "ok": all(_succeeded(o) for o in outcomes), "steps": steps,
            "statuses": session.statuses(),
            "score": {"earned": score.earned, "possible": score.possible, "percent": score.percent}}


# --- selftest -------------------------------------------------------------------------------------------------------

def _selftest(catalog, labs: list) -> int:
    factory = emulated_factory()
    failures = 0
    for lab in labs:
        lines = _selftest_lab(catalog, lab, factory)
        for ok, line in lines:
            print(f"{'ok  ' if ok else 'FAIL'} {lab.id} {line}")
        failures += sum(not ok for ok, _ in lines)
    print(f"selftest: {len(labs)} labs, {failures} failure(s)")
    return 1 if failures else 0


def _selftest_lab(catalog, lab, factory) -> list[tuple[bool, str]]:
    """(ok, line) per step, then one for the whole-lab reset."""
    try:
        session = LabSession.start(lab, build_emulated(lab, catalog, factory))
    except Exception as exc:  # the self-test reports every failure as a line instead of stopping
        return [(False, f"build: {type(exc).__name__}: {exc}")]
    initial = session.backend.snapshot()
    out = []
    for step in needs_order(lab):
        try:
            problem = _selftest_step(session, step)
        except NeedsFirst as blocked:
            problem = f"not tested: it needs {', '.join(blocked.missing)}, which failed above"
        except Exception as exc:
            problem = f"{type(exc).__name__}: {exc}"
        out.append((problem is None, f"{step.id}: " + (problem or "fails before, passes after the solution; "
                                                                  "reset_step restores")))
    try:
        session.reset_lab()
        diff = _difference(initial, session.backend.snapshot())
        out.append((diff is None, "reset_lab: " + (f"does not restore the initial state ({diff})" if diff
                                                   else "restores the initial state")))
    except Exception as exc:
        out.append((False, f"reset_lab: {type(exc).__name__}: {exc}"))
    return out


def _selftest_step(session: LabSession, step) -> str | None:
    """What is wrong with ``step`` (None: nothing); leaves the step solved for the steps that need it."""
    session.open(step.id)
    before = session.backend.snapshot()
    report = session.check(step.id, before)
    if report.passed:
        return "its checks already pass before the solution runs"
    solved = session.solve(step.id)
    if solved.had_errors or not solved.check.passed:
        return _solve_problem(solved)
    session.reset_step(step.id)
    diff = _difference(before, session.backend.snapshot())
    if diff:
        return f"reset_step does not restore the state before the step ({diff})"
    solved = session.solve(step.id)  # again, so the steps that need this one start from its goal state
    return None if solved.check.passed and not solved.had_errors else "after reset_step: " + _solve_problem(solved)


# --- selftest on hosts that cannot save/restore (--target) ----------------------------------------------------------

#: The error a CredSSP move started from a remote (WinRM) session gets: it needs a console logon on the source.
CONSOLE_ONLY = "0x8009030E"


def _selftest_target(labs: list, backend) -> int:
    failures = skipped = 0
    for lab in labs:
        for status, line in _selftest_lab_target(lab, backend):
            print(f"{status:<4} {lab.id} {line}")
            failures += status == "FAIL"
            skipped += status == "skip"
    print(f"selftest: {len(labs)} labs, {failures} failure(s), {skipped} skipped (on {backend.targets.file})")
    return 1 if failures else 0


def _selftest_lab_target(lab, backend) -> list[tuple[str, str]]:
    """(ok | skip | FAIL, line) per step, then one for ``reset_lab`` by the cleanup script.

    The steps run straight on the backend, in needs order (a session would refuse a step whose needed step could
    not be proven here); a step after a failed one is not tested, one after a console-only one is skipped."""
    try:
        initial = backend.snapshot()
    except Exception as exc:  # the self-test reports every failure as a line instead of stopping
        return [("FAIL", f"snapshot: {type(exc).__name__}: {exc}")]
    out: list[tuple[str, str]] = []
    failed: set[str] = set()
    console: dict[str, str] = {}  # step id → the host whose console its solution (or a step it needs) needs
    for step in needs_order(lab):
        broken = [n for n in step.needs if n in failed]
        waiting = [n for n in step.needs if n in console]
        if broken:
            failed.add(step.id)
            out.append(("FAIL", f"{step.id}: not tested: it needs {', '.join(broken)}, which failed above"))
            continue
        if waiting:
            console[step.id] = console[waiting[0]]
            out.append(("skip", f"{step.id}: skipped: it needs {', '.join(waiting)}, which needs a console logon "
                                f"on {console[waiting[0]]}"))
            continue
        try:
            status, line = _selftest_step_target(backend, step)
        except Exception as exc:
            status, line = "FAIL", f"{type(exc).__name__}: {exc}"
        if status == "console":
            console[step.id], status, line = line, "skip", f"skipped: needs a console logon on {line}"
        failed.update([step.id] if status == "FAIL" else [])
        out.append((status, f"{step.id}: {line}"))
    try:
        LabSession.start(lab, backend).reset_lab()
        after = backend.snapshot()
        was_up = {h.Name.lower() for h in initial.Hosts if h.Online}
        down = [h.Name for h in after.Hosts if not h.Online and h.Name.lower() in was_up]
        if down:
            out.append(("skip", f"reset_lab: skipped: {', '.join(down)} does not answer (a step shut it down, and "
                                f"no cmdlet powers a computer on: start it out of band, as the cleanup script says), "
                                f"so the initial state cannot be compared"))
            return out
        diff = _difference(_observable(initial), _observable(after))
        out.append(("FAIL" if diff else "ok", "reset_lab: " + (
            f"the cleanup script does not restore the initial state ({diff})" if diff
            else "the cleanup script restores the initial state")))
    except Exception as exc:
        out.append(("FAIL", f"reset_lab: {type(exc).__name__}: {exc}"))
    return out


def _selftest_step_target(backend, step) -> tuple[str, str]:
    """("ok" | "skip", line), ("FAIL", problem) or ("console", the host whose console the solution needs).

    Checks of the job log and of the event log are left out: real hosts keep neither here (``LabState.Jobs`` and
    ``Events`` are empty over WinRM). Errors the step expects (``Step.expect_errors``) are accepted; any other
    error fails the step (or skips it when it needs a console logon). A step with nothing else to check, or
    whose other checks pass already before its solution, is skipped once its solution ran without unexpected
    errors and the other checks pass."""
    checks = [c for c in step.checks if c.job is None and c.event is None]
    hidden = sum(c.job is not None for c in step.checks)
    events = sum(c.event is not None for c in step.checks)
    undecided = checks and all(r.passed for r in evaluate_all(checks, backend.snapshot())[0])
    if undecided and not hidden and not events:
        return "FAIL", "its checks already pass before the solution runs"
    result = backend.run(step.solution, host=step.logon)
    host = step.logon or backend.logon
    unexpected = [e for e in result.errors if not is_expected_error(step, e)]
    if result.had_errors and (unexpected or not result.errors):
        if CONSOLE_ONLY.lower() in "".join(str(e) for e in unexpected).lower() or (
                not result.errors and CONSOLE_ONLY.lower() in result.text.lower()):
            return "console", host
        first = next((line for e in unexpected for line in str(e).splitlines() if line.strip()), None) or next(
            (line for line in result.text.splitlines() if line.strip()), "errors")
        return "FAIL", f"the solution failed on {host}: {first.strip()}"
    left_out = f" ({events} event-log check(s) left out: real hosts keep no event log here)" if events else ""
    ran = "without errors" if not result.errors else "with only the errors it expects"
    job_checks = "its only check reads" if hidden + events == 1 else f"its {hidden + events} checks all read"
    logs = "the job log" if not events else "the event log" if not hidden else "the job and event logs"
    if not checks:
        return "skip", (f"skipped: {job_checks} {logs}, which real hosts do not keep (the solution ran on "
                        f"{host} {ran})")
    failing = [r for r in evaluate_all(checks, backend.snapshot())[0] if not r.passed]
    if failing:
        return "FAIL", f"after the solution {len(failing)} check(s) fail: {failing[0].message}"
    if undecided:
        if not events:
            return "skip", (f"skipped: only its {hidden} job-log check(s) fail before the solution, and real hosts "
                            f"keep no job log (the solution ran on {host} {ran}; the other checks pass)")
        return "skip", (f"skipped: only its {hidden + events} check(s) of {logs} fail before the solution, and real "
                        f"hosts keep no such log here (the solution ran on {host} {ran}; the other checks pass)")
    return "ok", "fails before, passes after the solution" + (
        f" ({hidden} job-log check(s) left out: real hosts keep no job log)" if hidden else "") + left_out


def _observable(state):
    """``state`` without the emulator-only job log, clock and event log (real hosts show none of them)."""
    return state.model_copy(update={"Jobs": [], "Clock": 0.0, "Events": []})


def _solve_problem(solved) -> str:
    if solved.had_errors:
        first = next((line for line in solved.text.splitlines() if line.strip()), "errors")
        return f"the solution failed on {solved.host or 'the logon host'}: {first.strip()}"
    failing = [r for r in solved.check.results if not r.passed]
    return f"after the solution {len(failing)} check(s) fail: {failing[0].message}"


def _difference(a, b) -> str | None:
    """Where two LabStates first differ (``VMs[0].ComputerName: HV1 != HV2``), or None when equal."""
    if a == b:
        return None
    return _first_diff(a.model_dump(by_alias=True), b.model_dump(by_alias=True), "") or "they differ"


def _first_diff(x: Any, y: Any, path: str) -> str | None:
    if isinstance(x, dict) and isinstance(y, dict):
        for key in sorted(set(x) | set(y), key=str):
            found = _first_diff(x.get(key), y.get(key), f"{path}.{key}" if path else str(key))
            if found:
                return found
        return None
    if isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):  # whole lists of objects would bury the point: say how many
            return f"{path}: {len(x)} items != {len(y)} items"
        for i, (p, q) in enumerate(zip(x, y)):
            found = _first_diff(p, q, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if x == y else f"{path}: {x!r} != {y!r}"
