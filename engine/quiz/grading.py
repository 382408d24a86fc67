"""Grade one answer to one question: a score in [0, 1], right or not, and which parts were right.

Partial-credit rules (docs/scoring.md explains why):

- single: all or nothing.
- multiple (choose k): +1/k per right choice, −1/k per wrong choice, floored at 0; choosing more than k
  options scores 0, because otherwise ticking everything would always collect the right ones.
- order: longest common subsequence of the given and the right steps, divided by the longer of the two lists,
  so a misplaced step costs one step and an added distractor lengthens the denominator.
- match: fraction of left items paired right. dropdown: fraction of blanks answered right.
- command: graded by an injected ``CommandGrader``; with none, the grade is ``skipped`` with ``COMMAND_SKIPPED``.

``correct`` means the whole answer is right (score 1), never "mostly right".
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

from engine.content.models import (CommandQuestion, DropdownQuestion, MatchQuestion, MultipleQuestion,
                                   OrderQuestion, SingleQuestion)
from engine.quiz.answers import Answer, check_answer

COMMAND_SKIPPED = "command items need the PowerShell lab engine, which is not installed yet"


@dataclass(frozen=True)
class Part:
    """One graded part: an option, a step, a left item or a blank.

    ``given`` and ``expected`` are what the learner gave and what the key says: a bool (option chosen?) for
    single/multiple, a 1-based position (or None) for order steps, a right-item or option id for match and
    dropdown.
    """

    id: str
    given: Any
    expected: Any
    right: bool


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one answer. A ``skipped`` grade does not count in any score; ``reason`` says why."""

    question_id: str
    score: float
    correct: bool
    parts: tuple[Part, ...] = ()
    answered: bool = True
    skipped: bool = False
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        data = asdict(self)
        data["parts"] = [asdict(p) for p in self.parts]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Grade":
        """Rebuild from ``to_dict`` output."""
        return cls(**{**data, "parts": tuple(Part(**p) for p in data.get("parts", ()))})


class CommandGrader(Protocol):
    """Grades a ``command`` item by running the text on an emulated lab (supplied by the lab engine)."""

    def grade_command(self, question: CommandQuestion, text: str) -> Grade: ...


def grade(question, answer: Answer | None, *, command_grader: CommandGrader | None = None) -> Grade:
    """Grade ``answer`` (None = not answered) against ``question``; see the module docstring for the rules."""
    if isinstance(question, CommandQuestion):
        if command_grader is None:
            return Grade(question.id, 0.0, False, answered=answer is not None, skipped=True, reason=COMMAND_SKIPPED)
        if answer is None:
            return Grade(question.id, 0.0, False, answered=False)
        check_answer(question, answer)
        return command_grader.grade_command(question, answer.text)
    if answer is not None:
        check_answer(question, answer)
    if isinstance(question, SingleQuestion):
        return _single(question, answer)
    if isinstance(question, MultipleQuestion):
        return _multiple(question, answer)
    if isinstance(question, OrderQuestion):
        return _order(question, answer)
    if isinstance(question, MatchQuestion):
        given = answer.pairs if answer else {}
        return _fraction(question.id, [(o.id, given.get(o.id), question.answer[o.id]) for o in question.left],
                         answer is not None)
    if isinstance(question, DropdownQuestion):
        given = answer.choices if answer else {}
        return _fraction(question.id, [(b.id, given.get(b.id), b.answer) for b in question.blanks],
                         answer is not None)
    raise TypeError(f"not a question: {question!r}")


def _single(q: SingleQuestion, answer) -> Grade:
    choice = answer.choice if answer else None
    parts = tuple(Part(o.id, o.id == choice, o.id == q.answer, (o.id == choice) == (o.id == q.answer))
                  for o in q.options)
    right = choice == q.answer
    return Grade(q.id, 1.0 if right else 0.0, right, parts, answered=answer is not None)


def _multiple(q: MultipleQuestion, answer) -> Grade:
    chosen = set(answer.choices) if answer else set()
    key = set(q.answer)
    parts = tuple(Part(o.id, o.id in chosen, o.id in key, (o.id in chosen) == (o.id in key)) for o in q.options)
    if len(chosen) > q.choose:
        return Grade(q.id, 0.0, False, parts, reason=f"{len(chosen)} options chosen where the item asks for "
                                                     f"{q.choose}: scores 0")
    hits, misses = len(chosen & key), len(chosen - key)
    score = max(0.0, (hits - misses) / q.choose)
    return Grade(q.id, score, chosen == key, parts, answered=answer is not None)


def _order(q: OrderQuestion, answer) -> Grade:
    given = list(answer.steps) if answer else []
    in_lcs = _lcs_members(given, q.answer)
    parts = []
    for pos, step in enumerate(q.answer, 1):
        at = given.index(step) + 1 if step in given else None
        parts.append(Part(step, at, pos, step in in_lcs))
    for o in q.options:
        if o.id not in q.answer:
            at = given.index(o.id) + 1 if o.id in given else None
            parts.append(Part(o.id, at, None, at is None))
    score = len(in_lcs) / max(len(given), len(q.answer))
    return Grade(q.id, score, given == q.answer, tuple(parts), answered=answer is not None)


def _lcs_members(given: list[str], key: list[str]) -> set[str]:
    """Steps of one longest common subsequence of ``given`` and ``key`` (ids are unique in both)."""
    n, m = len(given), len(key)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            table[i][j] = (table[i + 1][j + 1] + 1 if given[i] == key[j]
                           else max(table[i + 1][j], table[i][j + 1]))
    members, i, j = set(), 0, 0
    while i < n and j < m:
        if given[i] == key[j]:
            members.add(given[i])
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return members


def _fraction(qid: str, rows: list[tuple[str, Any, Any]], answered: bool) -> Grade:
    parts = tuple(Part(pid, given, expected, given == expected) for pid, given, expected in rows)
    right = sum(p.right for p in parts)
    return Grade(qid, right / len(parts), right == len(parts), parts, answered=answered)


__all__ = ["Grade", "Part", "CommandGrader", "grade", "COMMAND_SKIPPED"]
