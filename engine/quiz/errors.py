"""The quiz engine's one domain error.

``QuizError`` carries a stable ``id`` (tests assert it, doors may translate it) and a readable ``message``.
Ids in use: ``answer.type``, ``answer.unknown``, ``answer.duplicate``, ``study.no_history``,
``study.finished``, ``study.already_answered``, ``study.certainty``, ``exam.time_up``, ``exam.submitted``,
``exam.not_submitted``, ``exam.index``, ``exam.no_items``, ``exam.no_blueprint``, ``quiz.naive_datetime``,
``quiz.unknown_question``, ``quiz.format``.
"""
from __future__ import annotations

from datetime import datetime, timezone


class QuizError(Exception):
    """A quiz operation was refused; ``id`` is stable, ``message`` is for people."""

    def __init__(self, id: str, message: str) -> None:
        super().__init__(message)
        self.id = id
        self.message = message

    def __repr__(self) -> str:
        return f"QuizError({self.id!r}, {self.message!r})"


def aware_utc(moment: datetime, what: str = "time") -> datetime:
    """``moment`` converted to UTC; naive datetimes are refused because fsrs and deadlines need an offset."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise QuizError("quiz.naive_datetime", f"{what} must be timezone-aware (got {moment.isoformat()})")
    return moment.astimezone(timezone.utc)


__all__ = ["QuizError", "aware_utc"]
