"""A learner's run through one guided lab: instructions, graduated hints, check, "Do it for me", reset, score.

    session = LabSession.start(lab, backend)     # backend: a LabBackend, built by engine.labs.build
    session.open("enable")                       # StepView; remembers the lab state for reset_step
    session.hint("enable")                       # the next hint (its use is recorded), None when all are shown
    session.check("enable")                      # CheckReport: one snapshot, expected vs actual per check
    session.solve("enable")                      # SolveReport: the step's solution run through the backend
    session.reset_step("enable"); session.reset_lab()
    session.status("enable"); session.score()
    LabSession.from_json(session.to_json(), catalog, backend_factory)   # resumes exactly

Steps may be done in any order; a step that declares ``needs`` refuses check and solve (:class:`NeedsFirst`,
naming the step to do first) until each needed step is passed or assisted. Nothing runs a needed step silently.

Status of a step (from its latest check; ``solve`` checks after running the solution, so a solution that does
not reach the goal shows up as failed rather than as assisted)::

    not started   never checked since the step (or the lab) was last reset
    passed        every check passed at the latest check, without "Do it for me"
    assisted      every check passed at the latest check, after "Do it for me"
    failed        some check failed at the latest check

Scoring rule (:data:`ASSISTED_CREDIT`, :data:`HINT_COST`): each step is worth 1 point. A step earns the fraction
of its checks that passed at its latest check (1 when passed, 0 when never checked), halved when it was
assisted, then reduced by 10 % of that for each hint revealed (never below 0). Hints stay counted across resets:
a hint once read cannot be unread. The lab score is the sum over steps, out of the number of steps.

Resets: ``reset_step`` restores the lab state saved when the step was first opened, and forgets results that
the restore undid (every check or solve made after that moment, of any step); ``reset_lab`` restores the state
saved when the session started and forgets every result. Both need a backend with ``save``/``restore`` (the
emulator); on one without (real hosts), ``reset_lab`` runs the lab's ``cleanup`` script instead and
``reset_step`` is refused (:class:`ResetUnavailable`).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

from engine.hyperv.lab import Lab as HyperVLab
from engine.labs.checks import CheckResult, evaluate_all

if TYPE_CHECKING:
    from engine.content.loader import Catalog
    from engine.content.models import Lab, Step
    from engine.hyperv.labstate import LabState

#: Credit factor for a step solved with "Do it for me" (its checks still have to pass).
ASSISTED_CREDIT = 0.5
#: Credit lost per hint revealed, as a fraction of what the step would otherwise earn.
HINT_COST = 0.1
#: Version of the JSON that :meth:`LabSession.to_json` writes.
FORMAT = 1

STATUSES = ("not started", "passed", "assisted", "failed")


def is_expected_error(step: Any, error: Any) -> bool:
    """Whether ``error`` (an ErrorRecord, or an error's text over WinRM) is one the step's solution hits on purpose
    (``step.expect_errors``): by catalogue id when the record carries its LabError, else by the catalogued
    HRESULT or the template's fixed opening appearing in the text."""
    wanted = list(getattr(step, "expect_errors", None) or [])
    if not wanted:
        return False
    lab_error = getattr(error, "lab_error", None)
    if lab_error is not None:
        return lab_error.id in wanted
    from engine.hyperv.catalogue import CATALOGUE

    text = str(error)
    for spec in (CATALOGUE[i] for i in wanted):
        opening = spec.template.split("{", 1)[0].strip()
        if (spec.hresult and spec.hresult.lower() in text.lower()) or (len(opening) >= 20 and opening in text):
            return True
    return False


class SessionError(Exception):
    """A lab-session operation cannot be done; the message says why and what to do instead."""


class UnknownStep(SessionError):
    """The step id is not a step of the lab (the message lists the valid ids)."""


class NeedsFirst(SessionError):
    """The step declares ``needs`` that are not passed or assisted yet."""

    def __init__(self, step: "Step", missing: list["Step"]) -> None:
        self.step_id = step.id
        self.missing = [m.id for m in missing]
        first = ", ".join(f"'{m.id}' ({m.title})" for m in missing)
        super().__init__(f"step '{step.id}' needs step {first} first: do it, or let "
                         f"'Do it for me' solve it, then come back")


class ResetUnavailable(SessionError):
    """This backend cannot restore a saved state, and no cleanup script stands in for it."""


@dataclass(frozen=True)
class StepView:
    """What a learner sees of a step: its text, the hints revealed so far, and its status."""

    id: str
    title: str
    instructions: str
    hints_shown: list[str]
    hints_total: int
    needs: list[str]
    status: str


@dataclass(frozen=True)
class CheckReport:
    """The outcome of checking one step: one result per check, on one snapshot."""

    step_id: str
    title: str
    results: list[CheckResult]
    fraction: float
    status: str

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)


@dataclass(frozen=True)
class SolveReport:
    """What "Do it for me" did: where the solution ran, what PowerShell printed, and the check after it."""

    step_id: str
    host: str | None
    text: str
    errors: list[str]
    had_errors: bool          # errors other than those the step expects (``Step.expect_errors``)
    check: CheckReport
    expected_errors: list[str] = field(default_factory=list)  # the error texts the step expects its solution to hit


@dataclass(frozen=True)
class Score:
    """Points earned out of ``possible`` (one per step), per the module's scoring rule."""

    earned: float
    possible: int
    by_step: dict[str, float]

    @property
    def percent(self) -> float:
        return round(100.0 * self.earned / self.possible, 1) if self.possible else 0.0


@dataclass
class _Record:
    """One step's progress. ``*_at`` are ticks of the session's event counter (None: never happened)."""

    hints: int = 0
    assisted: bool = False
    last: list[CheckResult] | None = None
    saved: str | None = None
    opened_at: int | None = None
    checked_at: int | None = None
    solved_at: int | None = None

    def status(self) -> str:
        if self.last is None:
            return "not started"
        if self.last and all(r.passed for r in self.last):
            return "assisted" if self.assisted else "passed"
        return "failed"

    def fraction(self) -> float:
        if not self.last:
            return 0.0
        return sum(r.passed for r in self.last) / len(self.last)

    def to_data(self) -> dict:
        data = asdict(self)
        data["last"] = None if self.last is None else [asdict(r) for r in self.last]
        return data

    @classmethod
    def from_data(cls, data: dict) -> "_Record":
        last = data.get("last")
        return cls(**{**data, "last": None if last is None else [CheckResult(**r) for r in last]})


def needs_order(lab: "Lab") -> list["Step"]:
    """The lab's steps in file order, except that each comes after the steps it needs."""
    done: list["Step"] = []
    placed: set[str] = set()

    def place(step: "Step", seen: tuple[str, ...]) -> None:
        if step.id in placed:
            return
        if step.id in seen:
            raise SessionError(f"lab {lab.id}: steps {' -> '.join(seen + (step.id,))} need each other in a circle")
        for need in step.needs:
            place(lab.step(need), seen + (step.id,))
        placed.add(step.id)
        done.append(step)

    for step in lab.steps:
        place(step, ())
    return done


class LabSession:
    """One learner's progress through one lab on one backend (see the module docstring for the rules)."""

    def __init__(self, lab: "Lab", backend: Any, *, initial: str | None = None,
                 records: dict[str, _Record] | None = None, clock: int = 0) -> None:
        self.lab = lab
        self.backend = backend
        self.initial = initial
        self.records = records if records is not None else {s.id: _Record() for s in lab.steps}
        self.clock = clock

    @classmethod
    def start(cls, lab: "Lab", backend: Any) -> "LabSession":
        """A new session on a freshly built lab; its state now is what ``reset_lab`` returns to."""
        session = cls(lab, backend)
        if session.can_restore:
            session.initial = backend.save()
        return session

    # --- steps ------------------------------------------------------------------------------------------------

    @property
    def can_restore(self) -> bool:
        """Whether the backend can save and restore a whole lab state (the emulator can; real hosts cannot)."""
        return callable(getattr(self.backend, "save", None)) and callable(getattr(self.backend, "restore", None))

    def step(self, step_id: str) -> "Step":
        """The step called ``step_id``, or :class:`UnknownStep` listing the lab's step ids."""
        found = self.lab.step(step_id)
        if found is None:
            ids = ", ".join(s.id for s in self.lab.steps)
            raise UnknownStep(f"lab {self.lab.id} has no step '{step_id}' (steps: {ids})")
        return found

    def _tick(self) -> int:
        self.clock += 1
        return self.clock

    def _opened(self, step: "Step") -> _Record:
        """The step's record, after remembering the lab state the first time the step is opened."""
        record = self.records[step.id]
        if record.opened_at is None:
            record.opened_at = self._tick()
            record.saved = self.backend.save() if self.can_restore else None
        return record

    def open(self, step_id: str) -> StepView:
        """Show a step; the first time, the lab state is saved as the step's reset point."""
        step = self.step(step_id)
        record = self._opened(step)
        return StepView(step.id, step.title, step.instructions, list(step.hints[:record.hints]), len(step.hints),
                        list(step.needs), record.status())

    def hint(self, step_id: str) -> str | None:
        """Reveal the step's next hint and record its use; None (nothing recorded) when every hint is shown."""
        step = self.step(step_id)
        record = self._opened(step)
        if record.hints >= len(step.hints):
            return None
        record.hints += 1
        return step.hints[record.hints - 1]

    def _require_needs(self, step: "Step") -> None:
        missing = [self.step(n) for n in step.needs if self.status(n) not in ("passed", "assisted")]
        if missing:
            raise NeedsFirst(step, missing)

    def check(self, step_id: str, state: "LabState | None" = None) -> CheckReport:
        """Evaluate the step's checks on one snapshot (``state``, or a new one) and record the outcome."""
        step = self.step(step_id)
        self._require_needs(step)
        record = self._opened(step)
        results, fraction = evaluate_all(step.checks, state if state is not None else self.backend.snapshot())
        record.last = results
        record.checked_at = self._tick()
        return CheckReport(step.id, step.title, results, fraction, record.status())

    def check_many(self, step_ids: Iterable[str] | None = None) -> list[CheckReport | NeedsFirst]:
        """Check several steps (default: all, in :func:`needs_order`) on one snapshot; a step whose needs are
        not met (counting results of this same call) is not evaluated and appears as its :class:`NeedsFirst`."""
        wanted = None if step_ids is None else {self.step(i).id for i in step_ids}
        state = self.backend.snapshot()
        out: list[CheckReport | NeedsFirst] = []
        for step in needs_order(self.lab):
            if wanted is not None and step.id not in wanted:
                continue
            try:
                out.append(self.check(step.id, state))
            except NeedsFirst as blocked:
                out.append(blocked)
        return out

    def solve(self, step_id: str) -> SolveReport:
        """"Do it for me": run the step's solution on its logon host (default: the lab's), mark it assisted,
        and check it, so a solution that misses the goal is reported as failed."""
        step = self.step(step_id)
        self._require_needs(step)
        record = self._opened(step)
        result = self.backend.run(step.solution, host=step.logon)
        record.assisted = True
        record.solved_at = self._tick()
        report = self.check(step.id)
        expected = [str(e) for e in result.errors if is_expected_error(step, e)]
        unexpected = bool(result.had_errors) and (not result.errors or len(expected) < len(result.errors))
        return SolveReport(step.id, step.logon, result.text, [str(e) for e in result.errors], unexpected, report,
                           expected)

    # --- resets ---------------------------------------------------------------------------------------------

    def reset_step(self, step_id: str) -> None:
        """Put the lab back as it was when the step was first opened, and forget what that undid."""
        step = self.step(step_id)
        if not self.can_restore:
            raise ResetUnavailable("resetting one step needs a lab whose state can be saved (the emulator); "
                                   "on real hosts reset the whole lab")
        record = self.records[step.id]
        if record.opened_at is None:
            return  # never opened: nothing was done since, so there is nothing to undo
        self.backend.restore(record.saved)
        since = record.opened_at
        for other in self.records.values():
            if other.checked_at is not None and other.checked_at > since:
                other.last, other.checked_at = None, None
            if other.solved_at is not None and other.solved_at > since:
                other.assisted, other.solved_at = False, None
            if other is not record and other.opened_at is not None and other.opened_at > since:
                other.saved, other.opened_at = None, None  # saved after the restored moment: no longer a past

    def reset_lab(self) -> str:
        """Put the whole lab back to its start and forget every result (hints stay counted); returns how:
        ``restored`` (the saved state) or what the cleanup script printed, errors included."""
        if self.can_restore and self.initial is not None:
            self.backend.restore(self.initial)
            how = "restored"
        elif self.lab.cleanup.strip():
            # Errors are reported, not raised: a cleanup removes things that may already be gone
            # (Remove-VMMigrationNetwork of a network never added), and the rest of it must still run.
            how = self.backend.run(self.lab.cleanup).text
        else:
            raise ResetUnavailable(f"lab {self.lab.id} has no cleanup script and this backend cannot restore a "
                                   "saved state")
        self.records = {s.id: _Record(hints=self.records[s.id].hints) for s in self.lab.steps}
        return how

    # --- progress ---------------------------------------------------------------------------------------------

    def status(self, step_id: str) -> str:
        """``not started`` | ``passed`` | ``assisted`` | ``failed`` (see the module docstring)."""
        return self.records[self.step(step_id).id].status()

    def statuses(self) -> dict[str, str]:
        """Every step's status, in file order."""
        return {s.id: self.records[s.id].status() for s in self.lab.steps}

    def hints_used(self, step_id: str) -> int:
        """How many of the step's hints have been revealed."""
        return self.records[self.step(step_id).id].hints

    def score(self) -> Score:
        """Points per the scoring rule in the module docstring."""
        by_step = {}
        for s in self.lab.steps:
            record = self.records[s.id]
            credit = record.fraction() * (ASSISTED_CREDIT if record.assisted else 1.0)
            by_step[s.id] = round(credit * max(0.0, 1.0 - HINT_COST * record.hints), 4)
        return Score(round(sum(by_step.values()), 4), len(self.lab.steps), by_step)

    # --- persistence ------------------------------------------------------------------------------------------

    def to_json(self) -> str:
        """The whole session: the lab's current state (when the backend can save it), its reset points, and
        every step's record. Keys are sorted, so equal sessions give equal text."""
        return json.dumps({
            "format": FORMAT, "lab": self.lab.id, "clock": self.clock, "initial": self.initial,
            "state": self.backend.save() if self.can_restore else None,
            "steps": {sid: record.to_data() for sid, record in self.records.items()},
        }, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, catalog: "Catalog",
                  backend_factory: Callable[[HyperVLab | None], Any]) -> "LabSession":
        """The session :meth:`to_json` wrote. ``backend_factory`` gets the emulated lab rebuilt from the saved
        state, or None when the session ran on a backend that keeps its own state (real hosts)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SessionError(f"not a saved lab session: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SessionError(f"not a saved lab session of format {FORMAT}")
        lab = catalog.lab(data["lab"])
        if lab is None:
            raise SessionError(f"the saved session is for lab '{data['lab']}', which is not in the catalog")
        if set(data["steps"]) != {s.id for s in lab.steps}:
            raise SessionError(f"the saved session's steps ({', '.join(data['steps'])}) are not those of lab "
                               f"{lab.id} any more: reset the lab")
        state = data["state"]
        backend = backend_factory(HyperVLab.from_json(state) if state is not None else None)
        records = {sid: _Record.from_data(r) for sid, r in data["steps"].items()}
        return cls(lab, backend, initial=data["initial"], records=records, clock=data["clock"])


__all__ = ["ASSISTED_CREDIT", "HINT_COST", "STATUSES", "CheckReport", "LabSession", "NeedsFirst",
           "ResetUnavailable", "Score", "SessionError", "SolveReport", "StepView", "UnknownStep", "is_expected_error",
           "needs_order"]
