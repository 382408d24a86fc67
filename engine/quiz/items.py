"""What a door shows for one item, shared by study and exam sessions."""
from __future__ import annotations

from dataclasses import dataclass

from engine.quiz.errors import QuizError
from engine.quiz.presentation import Presentation


@dataclass(frozen=True)
class Item:
    """One item as shown: the question, its display order, its place (1-based) and its case study text."""

    question: object
    presentation: Presentation
    number: int
    total: int
    scenario_title: str | None = None
    scenario_text: str | None = None


def question_of(catalog, question_id: str):
    """The question with ``question_id`` from ``catalog``, or ``QuizError('quiz.unknown_question')``."""
    question = catalog.question(question_id)
    if question is None:
        raise QuizError("quiz.unknown_question", f"question {question_id} is not in the catalog")
    return question


def item_view(catalog, question_id: str, presentation: Presentation, number: int, total: int) -> Item:
    """Build the ``Item`` for a question, attaching its scenario when the catalog has it."""
    question = question_of(catalog, question_id)
    scenario = None
    if question.scenario and getattr(catalog, "scenarios", None):
        located = catalog.scenarios.get(question.scenario)
        scenario = located.model if located else None
    return Item(question, presentation, number, total,
                scenario.title if scenario else None, scenario.text if scenario else None)


__all__ = ["Item", "item_view", "question_of"]
