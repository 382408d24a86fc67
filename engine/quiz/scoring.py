"""Scores built from grades: the scaled exam score, certainty-based marks and per-objective/sub-skill tallies.

Scaled score: piecewise linear in the raw fraction of scored points, through (0, 1), (RAW_CUT, pass mark)
and (1, max score). ``RAW_CUT`` is 0.70; docs/scoring.md says why.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Literal

from engine.quiz.grading import Grade

RAW_CUT = 0.70
MIN_SCALED = 1

Certainty = Literal["low", "medium", "high"]
# Moodle's certainty-based marking: (mark when right, mark when wrong).
CERTAINTY_MARKS: dict[str, tuple[int, int]] = {"low": (1, 0), "medium": (2, -2), "high": (3, -6)}


def scaled_score(fraction: float, *, pass_mark: int = 700, max_score: int = 1000, cut: float = RAW_CUT) -> int:
    """Map a raw fraction of scored points (0..1) to the exam's scale, ``cut`` landing exactly on ``pass_mark``."""
    f = min(1.0, max(0.0, fraction))
    if f <= cut:
        value = MIN_SCALED + (pass_mark - MIN_SCALED) * f / cut
    else:
        value = pass_mark + (max_score - pass_mark) * (f - cut) / (1.0 - cut)
    # Round half up (not Python's half-to-even) so the mapping is monotonic and easy to state.
    return int(math.floor(value + 0.5))


def certainty_mark(correct: bool, certainty: Certainty) -> int:
    """Certainty-based mark: right 1/2/3, wrong 0/−2/−6 at low/medium/high certainty."""
    if certainty not in CERTAINTY_MARKS:
        raise ValueError(f"certainty must be low, medium or high (got {certainty!r})")
    right, wrong = CERTAINTY_MARKS[certainty]
    return right if correct else wrong


@dataclass(frozen=True)
class Tally:
    """Raw points against the maximum for one objective or sub-skill; ``percent`` is None when ``max`` is 0."""

    id: str
    title: str
    points: float
    max: float
    items: int

    @property
    def percent(self) -> float | None:
        """Points as a percentage of the maximum, to one decimal."""
        return None if self.max == 0 else round(100.0 * self.points / self.max, 1)


def tally(exam, graded: Iterable[tuple[object, Grade]]) -> tuple[list[Tally], list[Tally]]:
    """Per-objective and per-sub-skill tallies of scored (not skipped) grades, in blueprint order.

    ``graded`` yields (question, grade) pairs; every objective and sub-skill of the blueprint is listed, so an
    area the form did not cover shows as 0 of 0 instead of disappearing.
    """
    points: dict[str, float] = {}
    maxima: dict[str, float] = {}
    counts: dict[str, int] = {}
    for question, g in graded:
        if g.skipped:
            continue
        for key in (question.objective, question.skill):
            points[key] = points.get(key, 0.0) + g.score
            maxima[key] = maxima.get(key, 0.0) + 1.0
            counts[key] = counts.get(key, 0) + 1
    objectives, skills = [], []
    for o in exam.objectives:
        objectives.append(Tally(o.id, o.title, points.get(o.id, 0.0), maxima.get(o.id, 0.0), counts.get(o.id, 0)))
        for s in o.skills:
            skills.append(Tally(s.id, s.title, points.get(s.id, 0.0), maxima.get(s.id, 0.0), counts.get(s.id, 0)))
    return objectives, skills


__all__ = ["RAW_CUT", "MIN_SCALED", "Certainty", "CERTAINTY_MARKS", "scaled_score", "certainty_mark", "Tally",
           "tally"]
