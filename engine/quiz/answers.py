"""Typed answers, one class per question type, and their JSON form (``{"type": …, …}``).

A door builds an answer from its widgets; ``check_answer`` refuses an answer of the wrong type or naming ids
the question does not have, because either means a bug in the door rather than a wrong answer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from engine.content.models import DropdownQuestion, MatchQuestion, MultipleQuestion, OrderQuestion, SingleQuestion
from engine.quiz.errors import QuizError


@dataclass(frozen=True)
class SingleAnswer:
    """The chosen option id."""

    choice: str
    type = "single"


@dataclass(frozen=True)
class MultipleAnswer:
    """The chosen option ids (order does not matter)."""

    choices: tuple[str, ...]
    type = "multiple"


@dataclass(frozen=True)
class OrderAnswer:
    """The chosen steps, in the order the learner put them."""

    steps: tuple[str, ...]
    type = "order"


@dataclass(frozen=True)
class MatchAnswer:
    """Left item id → right item id; left items not paired may be left out."""

    pairs: dict[str, str] = field(default_factory=dict)
    type = "match"


@dataclass(frozen=True)
class DropdownAnswer:
    """Blank id → chosen option id; blanks not answered may be left out."""

    choices: dict[str, str] = field(default_factory=dict)
    type = "dropdown"


@dataclass(frozen=True)
class CommandAnswer:
    """PowerShell text typed by the learner."""

    text: str
    type = "command"


Answer = Union[SingleAnswer, MultipleAnswer, OrderAnswer, MatchAnswer, DropdownAnswer, CommandAnswer]
_CLASSES = {c.type: c for c in (SingleAnswer, MultipleAnswer, OrderAnswer, MatchAnswer, DropdownAnswer,
                                 CommandAnswer)}


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The JSON form of an answer."""
    if isinstance(answer, SingleAnswer):
        return {"type": "single", "choice": answer.choice}
    if isinstance(answer, MultipleAnswer):
        return {"type": "multiple", "choices": list(answer.choices)}
    if isinstance(answer, OrderAnswer):
        return {"type": "order", "steps": list(answer.steps)}
    if isinstance(answer, MatchAnswer):
        return {"type": "match", "pairs": dict(answer.pairs)}
    if isinstance(answer, DropdownAnswer):
        return {"type": "dropdown", "choices": dict(answer.choices)}
    return {"type": "command", "text": answer.text}


def answer_from_dict(data: dict[str, Any]) -> Answer:
    """Rebuild an answer from ``answer_to_dict`` output."""
    kind = data.get("type")
    if kind not in _CLASSES:
        raise QuizError("quiz.format", f"unknown answer type {kind!r}")
    values = {k: v for k, v in data.items() if k != "type"}
    if kind in ("multiple", "order"):
        values = {k: tuple(v) for k, v in values.items()}
    return _CLASSES[kind](**values)


def key_of(question) -> Answer:
    """The question's right answer, as a typed answer (what "show answer" displays)."""
    if isinstance(question, SingleQuestion):
        return SingleAnswer(question.answer)
    if isinstance(question, MultipleQuestion):
        return MultipleAnswer(tuple(question.answer))
    if isinstance(question, OrderQuestion):
        return OrderAnswer(tuple(question.answer))
    if isinstance(question, MatchQuestion):
        return MatchAnswer(dict(question.answer))
    if isinstance(question, DropdownQuestion):
        return DropdownAnswer({b.id: b.answer for b in question.blanks})
    return CommandAnswer(question.solution)


def check_answer(question, answer: Answer) -> None:
    """Raise ``QuizError`` when ``answer`` does not fit ``question`` (wrong type or unknown ids)."""
    if answer.type != question.type:
        raise QuizError("answer.type", f"question {question.id} is a {question.type} item; "
                                       f"got a {answer.type} answer")
    unknown: list[str] = []
    if isinstance(question, (SingleQuestion, MultipleQuestion, OrderQuestion)):
        ids = {o.id for o in question.options}
        given = [answer.choice] if isinstance(answer, SingleAnswer) else list(
            answer.choices if isinstance(answer, MultipleAnswer) else answer.steps)
        unknown = [g for g in given if g not in ids]
        if len(set(given)) != len(given):
            raise QuizError("answer.duplicate", f"the answer to question {question.id} names an option twice")
    elif isinstance(question, MatchQuestion):
        left, right = {o.id for o in question.left}, {o.id for o in question.right}
        unknown = [k for k in answer.pairs if k not in left] + [v for v in answer.pairs.values() if v not in right]
    elif isinstance(question, DropdownQuestion):
        blanks = {b.id: {o.id for o in b.options} for b in question.blanks}
        unknown = [k for k, v in answer.choices.items() if k not in blanks or v not in blanks[k]]
    if unknown:
        raise QuizError("answer.unknown", f"question {question.id} has no {', '.join(map(str, unknown))}")


__all__ = ["Answer", "SingleAnswer", "MultipleAnswer", "OrderAnswer", "MatchAnswer", "DropdownAnswer",
           "CommandAnswer", "answer_to_dict", "answer_from_dict", "key_of", "check_answer"]
