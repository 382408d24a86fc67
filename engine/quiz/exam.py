"""Exam simulation: a seeded form, a deadline on an injected clock, flags, a review list and a scaled result.

Time: the deadline is fixed when the exam starts (``started_at + duration_minutes``) and keeps running while a
saved session is closed, as at a test centre; reloading never buys time. Once the clock passes the deadline,
the next interaction or ``tick()`` submits the exam (``auto_submitted``), and a change attempted then is
refused with ``QuizError('exam.time_up')``.

Scoring: unscored (pilot) items and command items that cannot be graded are left out of points and maximum;
the result lists both, the latter with the reason.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from engine.quiz.answers import Answer, answer_from_dict, answer_to_dict, check_answer
from engine.quiz.errors import QuizError, aware_utc
from engine.quiz.forms import draw_form
from engine.quiz.grading import CommandGrader, Grade, grade
from engine.quiz.items import Item, item_view, question_of
from engine.quiz.presentation import Presentation, present
from engine.quiz.scoring import Tally, scaled_score, tally

Clock = Callable[[], datetime]
FORMAT = 1


@dataclass(frozen=True)
class ReviewEntry:
    """One line of the review screen before submitting."""

    number: int
    question_id: str
    answered: bool
    flagged: bool


@dataclass(frozen=True)
class ExamResult:
    """The score report. ``percent`` is of scored points; ``scaled`` is 1–max with the pass mark at the cut."""

    grades: dict[str, Grade]
    points: float
    max_points: float
    percent: float
    scaled: int
    pass_mark: int
    passed: bool
    objectives: tuple[Tally, ...]
    skills: tuple[Tally, ...]
    unscored: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    auto_submitted: bool


class ExamSession:
    """One sitting of a form. Build with ``ExamSession.start``; resume with ``ExamSession.from_json``."""

    def __init__(self, catalog, *, seed: int, form: list[str], presentations: dict[str, Presentation],
                 started_at: datetime, clock: Clock, command_grader: CommandGrader | None = None,
                 answers: dict[str, Answer] | None = None, flags: set[str] | None = None, position: int = 0,
                 submitted_at: datetime | None = None, auto_submitted: bool = False) -> None:
        self.catalog = catalog
        self.exam = catalog.exam
        self.seed = seed
        self.form = form
        self.presentations = presentations
        self.started_at = aware_utc(started_at, "started_at")
        self.deadline = self.started_at + timedelta(minutes=self.exam.duration_minutes)
        self.clock = clock
        self.command_grader = command_grader
        self.answers: dict[str, Answer] = answers or {}
        self.flags: set[str] = flags or set()
        self.position = position
        self.submitted_at = submitted_at
        self.auto_submitted = auto_submitted
        self._result: ExamResult | None = None

    @classmethod
    def start(cls, catalog, *, seed: int, clock: Clock,
              command_grader: CommandGrader | None = None) -> "ExamSession":
        """Draw a form with ``seed``, shuffle every item's options with the same seed and start the timer."""
        if catalog.exam is None:
            raise QuizError("exam.no_blueprint", "the catalog has no exam blueprint (questions/exam.yaml)")
        form = draw_form(catalog.exam, catalog.question_list(), seed)
        # A separate stream for options, so changing how forms are drawn does not reshuffle every option list.
        rng = random.Random(f"options:{seed}")
        presentations = {qid: present(question_of(catalog, qid), rng) for qid in form}
        return cls(catalog, seed=seed, form=form, presentations=presentations, started_at=clock(), clock=clock,
                   command_grader=command_grader)

    # --- time ---------------------------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The injected clock's time, as aware UTC."""
        return aware_utc(self.clock(), "clock()")

    def remaining(self) -> timedelta:
        """Time left (never negative); zero once submitted."""
        if self.submitted:
            return timedelta(0)
        return max(timedelta(0), self.deadline - self.now())

    def tick(self) -> bool:
        """Submit the exam if time is up; returns whether the exam is submitted."""
        if not self.submitted and self.now() >= self.deadline:
            self._submit(self.deadline, auto=True)
        return self.submitted

    def _open(self) -> None:
        """Refuse a change once the exam is submitted, submitting it first if time has just run out."""
        if self.tick():
            if self.auto_submitted:
                raise QuizError("exam.time_up", "time is up: the exam was submitted automatically at "
                                                f"{self.deadline.isoformat()}")
            raise QuizError("exam.submitted", "the exam is already submitted")

    # --- navigation, answers, flags -----------------------------------------------------------------------------

    @property
    def submitted(self) -> bool:
        """True once the exam is submitted (by the learner or by the clock)."""
        return self.submitted_at is not None

    def current(self) -> Item:
        """The item at the current position (checks the time first)."""
        self.tick()
        qid = self.form[self.position]
        return item_view(self.catalog, qid, self.presentations[qid], self.position + 1, len(self.form))

    def goto(self, number: int) -> Item:
        """Jump to item ``number`` (1-based)."""
        self._open()
        if not 1 <= number <= len(self.form):
            raise QuizError("exam.index", f"there is no item {number} (the form has {len(self.form)})")
        self.position = number - 1
        return self.current()

    def next(self) -> Item:
        """Move to the next item (stays on the last one)."""
        return self.goto(min(self.position + 2, len(self.form)))

    def previous(self) -> Item:
        """Move to the previous item (stays on the first one)."""
        return self.goto(max(self.position, 1))

    def answer(self, answer: Answer | None) -> None:
        """Record (or with None, clear) the answer to the current item; grading waits for ``submit``."""
        self._open()
        qid = self.form[self.position]
        if answer is None:
            self.answers.pop(qid, None)
            return
        check_answer(question_of(self.catalog, qid), answer)
        self.answers[qid] = answer

    def flag(self, flagged: bool = True) -> None:
        """Mark the current item for review (or unmark it)."""
        self._open()
        qid = self.form[self.position]
        if flagged:
            self.flags.add(qid)
        else:
            self.flags.discard(qid)

    def review_list(self) -> list[ReviewEntry]:
        """Every item with whether it is answered and flagged, in form order."""
        self.tick()
        return [ReviewEntry(i, qid, qid in self.answers, qid in self.flags) for i, qid in enumerate(self.form, 1)]

    # --- submitting and scoring ---------------------------------------------------------------------------------

    def submit(self) -> ExamResult:
        """Submit now (or return the result of an earlier submission)."""
        if not self.tick():
            self._submit(self.now(), auto=False)
        return self.result()

    def _submit(self, at: datetime, *, auto: bool) -> None:
        self.submitted_at = at
        self.auto_submitted = auto

    def result(self) -> ExamResult:
        """The score report of a submitted exam."""
        if not self.submitted:
            raise QuizError("exam.not_submitted", "the exam has not been submitted yet")
        if self._result is None:
            self._result = self._score()
        return self._result

    def _score(self) -> ExamResult:
        grades, scored, unscored, skipped = {}, [], [], []
        for qid in self.form:
            question = question_of(self.catalog, qid)
            g = grade(question, self.answers.get(qid), command_grader=self.command_grader)
            grades[qid] = g
            if question.unscored:
                unscored.append(qid)
            elif g.skipped:
                skipped.append((qid, g.reason))
            else:
                scored.append((question, g))
        points = sum(g.score for _, g in scored)
        maximum = float(len(scored))
        fraction = points / maximum if maximum else 0.0
        scaled = scaled_score(fraction, pass_mark=self.exam.passing_score, max_score=self.exam.max_score)
        objectives, skills = tally(self.exam, scored)
        return ExamResult(grades, points, maximum, round(100 * fraction, 1), scaled, self.exam.passing_score,
                          scaled >= self.exam.passing_score, tuple(objectives), tuple(skills), tuple(unscored),
                          tuple(skipped), self.auto_submitted)

    # --- saving -------------------------------------------------------------------------------------------------

    def to_json(self) -> str:
        """The session as JSON: form, display orders, answers, flags, position, start and submission times."""
        return json.dumps({
            "format": FORMAT, "kind": "exam", "seed": self.seed, "form": self.form,
            "presentations": {q: p.to_dict() for q, p in self.presentations.items()},
            "answers": {q: answer_to_dict(a) for q, a in self.answers.items()},
            "flags": sorted(self.flags), "position": self.position, "started_at": self.started_at.isoformat(),
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "auto_submitted": self.auto_submitted})

    @classmethod
    def from_json(cls, text: str, catalog, *, clock: Clock,
                  command_grader: CommandGrader | None = None) -> "ExamSession":
        """Resume a session saved by ``to_json``; the deadline is the original one."""
        data = json.loads(text)
        if data.get("format") != FORMAT or data.get("kind") != "exam":
            raise QuizError("quiz.format", f"not a saved exam session of format {FORMAT}")
        for qid in data["form"]:
            question_of(catalog, qid)
        return cls(catalog, seed=data["seed"], form=data["form"],
                   presentations={q: Presentation.from_dict(p) for q, p in data["presentations"].items()},
                   started_at=datetime.fromisoformat(data["started_at"]), clock=clock,
                   command_grader=command_grader,
                   answers={q: answer_from_dict(a) for q, a in data["answers"].items()},
                   flags=set(data["flags"]), position=data["position"],
                   submitted_at=datetime.fromisoformat(data["submitted_at"]) if data["submitted_at"] else None,
                   auto_submitted=data["auto_submitted"])


__all__ = ["ExamSession", "ExamResult", "ReviewEntry"]
