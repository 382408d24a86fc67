"""Study (practice) mode: filtered items one at a time, immediate feedback, "show answer", certainty marks.

History (seen, missed, due) comes from an injected ``LearnerHistory`` — ``ReviewState`` is one — never from a
database. "Show answer" counts the item as not known: it scores 0 and earns no certainty mark, whatever is
submitted after it, and a right answer after it is rated Hard for review (``StudyRecord.rating``).
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from fsrs import Rating

from engine.content.models import CommandQuestion, DropdownQuestion, MatchQuestion
from engine.quiz.answers import (Answer, MultipleAnswer, SingleAnswer, answer_from_dict, answer_to_dict,
                                 key_of)
from engine.quiz.errors import QuizError, aware_utc
from engine.quiz.grading import CommandGrader, Grade, grade
from engine.quiz.items import Item, item_view, question_of
from engine.quiz.presentation import Presentation, present
from engine.quiz.review import rating_for
from engine.quiz.scoring import CERTAINTY_MARKS, Certainty, certainty_mark

FORMAT = 1


class LearnerHistory(Protocol):
    """What the study filters need to know about the learner."""

    def seen(self, question_id: str) -> bool: ...

    def missed(self, question_id: str) -> bool: ...

    def is_due(self, question_id: str, now: datetime) -> bool: ...


@dataclass(frozen=True)
class StudyFilter:
    """Which items to study. Empty ``objectives``/``skills`` mean all; ``limit`` caps the number of items."""

    objectives: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    only_missed: bool = False
    only_unseen: bool = False
    only_due: bool = False
    limit: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {**self.__dict__, "objectives": list(self.objectives), "skills": list(self.skills)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StudyFilter":
        """Rebuild from ``to_dict`` output."""
        return cls(**{**data, "objectives": tuple(data["objectives"]), "skills": tuple(data["skills"])})


def select(questions: list, flt: StudyFilter, history: LearnerHistory | None, now: datetime) -> list[str]:
    """Ids of ``questions`` (bank order) that pass ``flt``; history filters need ``history``."""
    if (flt.only_missed or flt.only_unseen or flt.only_due) and history is None:
        raise QuizError("study.no_history", "only missed/unseen/due needs the learner's history")
    out = []
    for q in questions:
        if flt.objectives and q.objective not in flt.objectives:
            continue
        if flt.skills and q.skill not in flt.skills:
            continue
        if flt.only_missed and not history.missed(q.id):
            continue
        if flt.only_unseen and history.seen(q.id):
            continue
        if flt.only_due and not history.is_due(q.id, now):
            continue
        out.append(q.id)
    return out


@dataclass(frozen=True)
class OptionNote:
    """An option (or step, left/right item) with its text and its explanation."""

    id: str
    text: str
    explanation: str


@dataclass(frozen=True)
class Feedback:
    """Shown right after an answer or "show answer": the grade, the key and why each option is right or wrong."""

    question_id: str
    grade: Grade | None
    key: Answer
    explanation: str
    chosen: tuple[OptionNote, ...]
    right: tuple[OptionNote, ...]
    references: tuple[object, ...]
    revealed: bool
    mark: int | None
    lab: str | None


@dataclass
class StudyRecord:
    """What happened to one item of the session."""

    question_id: str
    answer: Answer | None = None
    grade: Grade | None = None
    certainty: Certainty | None = None
    revealed: bool = False
    seconds: float | None = None

    @property
    def points(self) -> float:
        """Score counted in the running total: 0 after "show answer", nothing for skipped items."""
        if self.grade is None or self.grade.skipped or self.revealed:
            return 0.0
        return self.grade.score

    @property
    def mark(self) -> int | None:
        """Certainty-based mark, when a certainty was given; "show answer" earns 0."""
        if self.certainty is None or self.grade is None or self.grade.skipped:
            return None
        return 0 if self.revealed else certainty_mark(self.grade.correct, self.certainty)

    def rating(self) -> Rating | None:
        """The FSRS rating of this result, or None when there is nothing to rate (skipped or untouched)."""
        if self.grade is not None and self.grade.skipped:
            return None
        if self.grade is None and not self.revealed:
            return None
        right = self.grade is not None and self.grade.correct
        return rating_for(right, certainty=self.certainty, revealed=self.revealed, seconds=self.seconds)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"question_id": self.question_id,
                "answer": answer_to_dict(self.answer) if self.answer else None,
                "grade": self.grade.to_dict() if self.grade else None,
                "certainty": self.certainty, "revealed": self.revealed, "seconds": self.seconds}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StudyRecord":
        """Rebuild from ``to_dict`` output."""
        return cls(data["question_id"], answer_from_dict(data["answer"]) if data["answer"] else None,
                   Grade.from_dict(data["grade"]) if data["grade"] else None, data["certainty"],
                   data["revealed"], data["seconds"])


@dataclass(frozen=True)
class Totals:
    """Running totals: items graded, right, points (partial credit), certainty marks, skipped, shown."""

    graded: int
    correct: int
    points: float
    marks: int
    skipped: int
    revealed: int


@dataclass
class StudySession:
    """A study session over a fixed queue of items; build one with ``StudySession.start``."""

    catalog: Any
    queue: list[str]
    presentations: dict[str, Presentation]
    flt: StudyFilter = StudyFilter()
    seed: int = 0
    position: int = 0
    records: dict[str, StudyRecord] = field(default_factory=dict)
    command_grader: CommandGrader | None = None

    @classmethod
    def start(cls, catalog, flt: StudyFilter = StudyFilter(), *, history: LearnerHistory | None = None,
              seed: int = 0, now: datetime | None = None, shuffle: bool = True,
              command_grader: CommandGrader | None = None) -> "StudySession":
        """Select items with ``flt``, order and shuffle their options with ``seed`` (or keep bank order)."""
        now = aware_utc(now, "now") if now else datetime.now(timezone.utc)
        ids = select(catalog.question_list(), flt, history, now)
        rng = random.Random(seed) if shuffle else None
        if rng is not None:
            rng.shuffle(ids)
        if flt.limit is not None:
            ids = ids[:flt.limit]
        presentations = {qid: present(question_of(catalog, qid), rng) for qid in ids}
        return cls(catalog, ids, presentations, flt, seed, command_grader=command_grader)

    @property
    def finished(self) -> bool:
        """True once the learner has moved past the last item."""
        return self.position >= len(self.queue)

    def current(self) -> Item | None:
        """The item to show now, or None when the session is finished."""
        if self.finished:
            return None
        qid = self.queue[self.position]
        return item_view(self.catalog, qid, self.presentations[qid], self.position + 1, len(self.queue))

    def _record(self) -> StudyRecord:
        if self.finished:
            raise QuizError("study.finished", "the study session has no more items")
        qid = self.queue[self.position]
        return self.records.setdefault(qid, StudyRecord(qid))

    def submit(self, answer: Answer, *, certainty: Certainty | None = None,
               seconds: float | None = None) -> Feedback:
        """Grade ``answer`` for the current item and return immediate feedback; each item is answered once."""
        if certainty is not None and certainty not in CERTAINTY_MARKS:
            raise QuizError("study.certainty", f"certainty must be low, medium or high (got {certainty!r})")
        record = self._record()
        if record.grade is not None:
            raise QuizError("study.already_answered", f"question {record.question_id} is already answered")
        question = question_of(self.catalog, record.question_id)
        result = grade(question, answer, command_grader=self.command_grader)
        record.answer, record.grade, record.certainty, record.seconds = answer, result, certainty, seconds
        return self._feedback(question, record)

    def show_answer(self) -> Feedback:
        """Reveal the key and the explanations for the current item; the item then counts as not known."""
        record = self._record()
        question = question_of(self.catalog, record.question_id)
        if record.grade is None:
            record.revealed = True
        return self._feedback(question, record)

    def next(self) -> Item | None:
        """Move to the next item (an item left unanswered is not counted) and return it."""
        if not self.finished:
            self.position += 1
        return self.current()

    def totals(self) -> Totals:
        """Running totals over the records so far."""
        rs = list(self.records.values())
        graded = [r for r in rs if r.grade is not None and not r.grade.skipped]
        return Totals(len(graded), sum(1 for r in graded if r.grade.correct and not r.revealed),
                      sum(r.points for r in rs), sum(r.mark or 0 for r in rs),
                      sum(1 for r in rs if r.grade is not None and r.grade.skipped), sum(r.revealed for r in rs))

    def _feedback(self, question, record: StudyRecord) -> Feedback:
        chosen_ids, right_ids = _chosen_and_right(question, record.answer)
        notes = _notes(question)
        return Feedback(question.id, record.grade, key_of(question), question.explanation,
                        tuple(notes[i] for i in chosen_ids if i in notes),
                        tuple(notes[i] for i in right_ids if i in notes),
                        tuple(question.references), record.revealed, record.mark, question.lab)

    def to_json(self) -> str:
        """The whole session as JSON (queue, display orders, position and every record)."""
        return json.dumps({"format": FORMAT, "kind": "study", "seed": self.seed, "filter": self.flt.to_dict(),
                           "queue": self.queue, "position": self.position,
                           "presentations": {q: p.to_dict() for q, p in self.presentations.items()},
                           "records": [r.to_dict() for r in self.records.values()]})

    @classmethod
    def from_json(cls, text: str, catalog, *, command_grader: CommandGrader | None = None) -> "StudySession":
        """Resume a session saved by ``to_json`` on ``catalog``."""
        data = json.loads(text)
        if data.get("format") != FORMAT or data.get("kind") != "study":
            raise QuizError("quiz.format", f"not a saved study session of format {FORMAT}")
        for qid in data["queue"]:
            question_of(catalog, qid)
        records = [StudyRecord.from_dict(r) for r in data["records"]]
        return cls(catalog, data["queue"], {q: Presentation.from_dict(p) for q, p in data["presentations"].items()},
                   StudyFilter.from_dict(data["filter"]), data["seed"], data["position"],
                   {r.question_id: r for r in records}, command_grader)


def _notes(question) -> dict[str, OptionNote]:
    if isinstance(question, MatchQuestion):
        options = question.left + question.right
    elif isinstance(question, DropdownQuestion):
        options = [o for b in question.blanks for o in b.options]
    else:
        options = getattr(question, "options", [])
    return {o.id: OptionNote(o.id, o.text, question.option_explanations.get(o.id, "")) for o in options}


def _chosen_and_right(question, answer: Answer | None) -> tuple[list[str], list[str]]:
    """Option ids the learner chose and option ids of the key, in the order worth explaining."""
    if isinstance(question, CommandQuestion):
        return [], []
    key = key_of(question)
    if isinstance(question, MatchQuestion):
        # Each left item's note explains its pairing; right items add what each destination means.
        right = [o.id for o in question.left] + list(dict.fromkeys(key.pairs.values()))
        chosen = list(dict.fromkeys(answer.pairs.values())) if answer else []
        return chosen, right
    if isinstance(question, DropdownQuestion):
        return (list(answer.choices.values()) if answer else []), list(key.choices.values())
    return (_option_ids(answer) if answer else []), _option_ids(key)


def _option_ids(answer: Answer) -> list[str]:
    """Option ids named by a single, multiple or order answer."""
    if isinstance(answer, SingleAnswer):
        return [answer.choice]
    return list(answer.choices if isinstance(answer, MultipleAnswer) else answer.steps)


__all__ = ["StudySession", "StudyFilter", "StudyRecord", "Feedback", "OptionNote", "Totals", "LearnerHistory",
           "select"]
