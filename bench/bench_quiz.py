"""Quiz engine: drawing a form, grading a submitted exam, and the due list over 1,000 FSRS cards.

A synthetic bank of 1,000 single-answer items spread over the shipped blueprint's sub-skills stands in for a
full bank (the shipped one is still small); form size 50, like a real sitting.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from fsrs import Rating

from bench.harness import summarise, time_ms
from engine.content.loader import Catalog, Located, load_catalog
from engine.content.models import Option, Reference, SingleQuestion
from engine.quiz.answers import key_of
from engine.quiz.exam import ExamSession
from engine.quiz.forms import draw_form
from engine.quiz.review import ReviewState

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
BANK = 1000


def _catalog(size: int) -> Catalog:
    exam = load_catalog().exam.model_copy(update={"form_size": 50})
    skills = [(o.id, s.id) for o in exam.objectives for s in o.skills]
    ref = [Reference(title="Docs", url="https://learn.microsoft.com/x")]
    questions = {}
    for i in range(size):
        objective, skill = skills[i % len(skills)]
        q = SingleQuestion(id=f"b{i}", objective=objective, skill=skill, type="single",
                           stem=f"Synthetic item {i} for the benchmark.", explanation="Because it is.",
                           options=[Option(id=x, text=x) for x in "abcd"], answer="a",
                           option_explanations={x: x for x in "abcd"}, references=ref)
        questions[q.id] = Located(q, "bench", None)
    return Catalog(Path("."), exam, questions)


def _review_state(cards: int) -> ReviewState:
    state = ReviewState()
    ratings = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)
    for i in range(cards):
        state.record(f"b{i}", ratings[i % 4], NOW - timedelta(days=i % 30))
    return state


def _graded_exam(catalog: Catalog) -> None:
    session = ExamSession.start(catalog, seed=1, clock=lambda: NOW)
    for n in range(1, len(session.form) + 1):
        session.answer(key_of(session.goto(n).question))
    session.submit()


def run(quick: bool) -> list[dict]:
    """Timings in milliseconds (p50/p95); no targets were set for these."""
    repeat = 10 if quick else 50
    catalog = _catalog(BANK)
    questions = catalog.question_list()
    seeds = iter(range(10**6))
    draw = time_ms(lambda: draw_form(catalog.exam, questions, next(seeds)), repeat=repeat)
    exam = time_ms(lambda: _graded_exam(catalog), repeat=repeat)
    state = _review_state(BANK)
    due = time_ms(lambda: state.due_on(NOW.date()), repeat=repeat)
    ready = time_ms(lambda: state.readiness(questions, NOW), repeat=repeat)
    return [
        summarise("quiz: draw a 50-item form from 1,000 items", draw, "ms", bank=BANK),
        summarise("quiz: start, answer and grade a 50-item exam", exam, "ms", bank=BANK),
        summarise("quiz: due list for a day over 1,000 cards", due, "ms", cards=BANK),
        summarise("quiz: readiness per objective over 1,000 cards", ready, "ms", cards=BANK),
    ]
