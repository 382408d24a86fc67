"""Spaced review with FSRS: one ``fsrs.Card`` per question, a rating per result, due lists and readiness.

Rating from a result: wrong (or answer shown and not answered right) → Again; right with low certainty or after
"show answer" → Hard; right, answered in under ``EASY_SECONDS`` with high certainty → Easy; otherwise right →
Good. Readiness of an objective is the mean recall probability of its items' cards; an item never reviewed
counts as 0, because nothing shows the learner knows it.

Saved cards carry a format version (``{"format": 1, "fsrs": "6.3.2", "card": …}``): fsrs has changed its card
format between releases, so an unknown format is refused rather than misread.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time, timedelta, timezone
from importlib.metadata import version
from typing import Any, Iterable

from fsrs import Card, Rating, Scheduler

from engine.quiz.errors import QuizError, aware_utc

FORMAT = 1
FSRS_VERSION = version("fsrs")
EASY_SECONDS = 20.0


def rating_for(correct: bool, *, certainty: str | None = None, revealed: bool = False,
               seconds: float | None = None) -> Rating:
    """The FSRS rating of one result (rules in the module docstring)."""
    if not correct:
        return Rating.Again
    if revealed or certainty == "low":
        return Rating.Hard
    if certainty == "high" and seconds is not None and seconds < EASY_SECONDS:
        return Rating.Easy
    return Rating.Good


def card_to_dict(card: Card) -> dict[str, Any]:
    """A card in its versioned JSON form."""
    return {"format": FORMAT, "fsrs": FSRS_VERSION, "card": card.to_dict()}


def card_from_dict(data: dict[str, Any]) -> Card:
    """Rebuild a card saved by ``card_to_dict``; an unknown format raises ``QuizError('quiz.format')``."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise QuizError("quiz.format", f"saved card has format {found!r}; this version reads format {FORMAT} "
                                       f"(fsrs {FSRS_VERSION})")
    return Card.from_dict(data["card"])


def card_id_for(question_id: str) -> int:
    """A stable card id derived from the question id (fsrs would otherwise use the wall clock)."""
    return int(hashlib.sha256(question_id.encode()).hexdigest()[:12], 16)


def default_scheduler() -> Scheduler:
    """fsrs defaults without interval fuzzing, so the same history always gives the same due dates."""
    return Scheduler(enable_fuzzing=False)


class ReviewState:
    """The learner's cards, keyed by question id; also serves as the study session's ``LearnerHistory``."""

    def __init__(self, scheduler: Scheduler | None = None) -> None:
        self.scheduler = scheduler or default_scheduler()
        self.cards: dict[str, Card] = {}
        self.last_rating: dict[str, Rating] = {}

    def record(self, question_id: str, rating: Rating, now: datetime) -> Card:
        """Review the question's card with ``rating`` at ``now`` (a new card is created on first review)."""
        now = aware_utc(now, "now")
        card = self.cards.get(question_id) or Card(card_id=card_id_for(question_id), due=now)
        card, _log = self.scheduler.review_card(card, rating, review_datetime=now)
        self.cards[question_id] = card
        self.last_rating[question_id] = rating
        return card

    def seen(self, question_id: str) -> bool:
        """Has this question ever been reviewed?"""
        return question_id in self.cards

    def missed(self, question_id: str) -> bool:
        """Was the last result for this question wrong (rated Again)?"""
        return self.last_rating.get(question_id) == Rating.Again

    def is_due(self, question_id: str, now: datetime) -> bool:
        """Is the question's card due at ``now``? Unseen questions are not due (they are "unseen")."""
        card = self.cards.get(question_id)
        return card is not None and card.due <= aware_utc(now, "now")

    def due(self, now: datetime) -> list[str]:
        """Question ids due at ``now``, most overdue first."""
        now = aware_utc(now, "now")
        return [q for q, c in sorted(self.cards.items(), key=lambda kv: (kv[1].due, kv[0])) if c.due <= now]

    def due_on(self, day: date) -> list[str]:
        """Question ids due by the end of ``day`` (a UTC calendar day), most overdue first."""
        end = datetime.combine(day, time.min, tzinfo=timezone.utc) + timedelta(days=1)
        return [q for q, c in sorted(self.cards.items(), key=lambda kv: (kv[1].due, kv[0])) if c.due < end]

    def retrievability(self, question_id: str, now: datetime) -> float:
        """Probability of recalling the question at ``now``; 0 for a question never reviewed."""
        card = self.cards.get(question_id)
        if card is None:
            return 0.0
        return self.scheduler.get_card_retrievability(card, current_datetime=aware_utc(now, "now"))

    def readiness(self, questions: Iterable, now: datetime) -> dict[str, float]:
        """Mean retrievability per objective over ``questions`` (unseen items count as 0)."""
        sums: dict[str, list[float]] = {}
        for q in questions:
            sums.setdefault(q.objective, []).append(self.retrievability(q.id, now))
        return {o: sum(v) / len(v) for o, v in sums.items()}

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the scheduler's parameters and every card in its versioned form."""
        return {"format": FORMAT, "scheduler": self.scheduler.to_dict(),
                "cards": {q: {**card_to_dict(c), "last_rating": int(self.last_rating[q])}
                          for q, c in self.cards.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ReviewState":
        """Rebuild from ``to_dict`` output; unknown formats raise ``QuizError('quiz.format')``."""
        if data.get("format") != FORMAT:
            raise QuizError("quiz.format", f"saved review state has format {data.get('format')!r}; "
                                           f"this version reads format {FORMAT}")
        state = cls(Scheduler.from_dict(data["scheduler"]))
        for q, saved in data["cards"].items():
            state.cards[q] = card_from_dict(saved)
            state.last_rating[q] = Rating(saved["last_rating"])
        return state

    def to_json(self) -> str:
        """``to_dict`` as a JSON string."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str) -> "ReviewState":
        """Rebuild from ``to_json`` output."""
        return cls.from_dict(json.loads(text))


__all__ = ["ReviewState", "rating_for", "card_to_dict", "card_from_dict", "card_id_for", "default_scheduler",
           "EASY_SECONDS", "FORMAT", "FSRS_VERSION"]
