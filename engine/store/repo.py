"""The progress store's repository API: every write is one transaction, so a crash loses at most the write
under way (the answer being recorded), never earlier history.

The app keeps no state outside Streamlit's session and this store: several app replicas can share one
PostgreSQL database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.store.db import open_engine
from engine.store.models import (Answer, Card, HintUse, LabSession, Learner, QuizSession, ReviewLog, Setting,
                                 StepResult, utcnow)

ROLES = ("learner", "instructor")


@dataclass(frozen=True)
class LearnerInfo:
    id: int
    name: str
    display_name: str
    role: str


@dataclass(frozen=True)
class StoredSession:
    id: int
    learner_id: int
    kind: str
    state: dict
    started_at: datetime
    finished_at: datetime | None
    scaled_score: int | None
    passed: bool | None


@dataclass(frozen=True)
class StoredLabSession:
    id: int
    learner_id: int
    lab_id: str
    backend: str
    state: dict
    updated_at: datetime
    finished_at: datetime | None


class StoreError(Exception):
    """A store operation was refused (unknown learner or session, bad role)."""


class Store:
    """Learners, quiz sessions and answers, FSRS cards and review logs, lab sessions, settings."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None, *, data_dir: Path | None = None) -> "Store":
        """Open (and migrate) the store at ``url`` / ``DATABASE_URL`` / the default SQLite file."""
        return cls(open_engine(url, data_dir=data_dir))

    def _tx(self) -> Session:
        return self._sessions.begin()

    # --- learners and settings ----------------------------------------------------------------------------------

    def learner(self, name: str, *, create: bool = True, display_name: str = "", role: str = "learner") -> LearnerInfo:
        """The learner called ``name``, created on first use when ``create``."""
        if role not in ROLES:
            raise StoreError(f"role must be one of {', '.join(ROLES)}, not '{role}'")
        with self._tx() as s:
            row = s.scalar(select(Learner).where(Learner.name == name))
            if row is None:
                if not create:
                    raise StoreError(f"no learner called '{name}'")
                row = Learner(name=name, display_name=display_name or name, role=role)
                s.add(row)
                s.flush()
            return _learner(row)

    def learners(self) -> list[LearnerInfo]:
        with self._sessions() as s:
            return [_learner(r) for r in s.scalars(select(Learner).order_by(Learner.name))]

    def set_role(self, name: str, role: str) -> LearnerInfo:
        if role not in ROLES:
            raise StoreError(f"role must be one of {', '.join(ROLES)}, not '{role}'")
        with self._tx() as s:
            row = s.scalar(select(Learner).where(Learner.name == name))
            if row is None:
                raise StoreError(f"no learner called '{name}'")
            row.role = role
            return _learner(row)

    def get_setting(self, key: str, *, learner_id: int | None = None, default: Any = None) -> Any:
        with self._sessions() as s:
            row = s.scalar(select(Setting).where(Setting.key == key, _is(Setting.learner_id, learner_id)))
            return default if row is None else row.value

    def set_setting(self, key: str, value: Any, *, learner_id: int | None = None) -> None:
        with self._tx() as s:
            row = s.scalar(select(Setting).where(Setting.key == key, _is(Setting.learner_id, learner_id)))
            if row is None:
                s.add(Setting(key=key, value=value, learner_id=learner_id))
            else:
                row.value = value

    # --- quiz sessions and answers --------------------------------------------------------------------------------

    def start_quiz_session(self, learner_id: int, kind: str, state: dict) -> int:
        with self._tx() as s:
            row = QuizSession(learner_id=learner_id, kind=kind, state=state)
            s.add(row)
            s.flush()
            return row.id

    def save_quiz_session(self, session_id: int, state: dict, *, finished: bool = False,
                          scaled_score: int | None = None, passed: bool | None = None) -> None:
        with self._tx() as s:
            row = self._quiz_row(s, session_id)
            row.state = state
            row.updated_at = utcnow()
            if finished:
                row.finished_at = utcnow()
                row.scaled_score = scaled_score
                row.passed = passed

    def quiz_session(self, session_id: int) -> StoredSession:
        with self._sessions() as s:
            return _session(self._quiz_row(s, session_id))

    def open_quiz_session(self, learner_id: int, kind: str) -> StoredSession | None:
        """The newest unfinished session of that kind (what a refresh or restart resumes)."""
        with self._sessions() as s:
            row = s.scalar(select(QuizSession).where(QuizSession.learner_id == learner_id, QuizSession.kind == kind,
                                                     QuizSession.finished_at.is_(None))
                           .order_by(QuizSession.id.desc()).limit(1))
            return None if row is None else _session(row)

    def finished_sessions(self, learner_id: int, kind: str = "exam") -> list[StoredSession]:
        with self._sessions() as s:
            rows = s.scalars(select(QuizSession).where(QuizSession.learner_id == learner_id, QuizSession.kind == kind,
                                                       QuizSession.finished_at.is_not(None))
                             .order_by(QuizSession.finished_at))
            return [_session(r) for r in rows]

    def record_answer(self, learner_id: int, question_id: str, answer: Any, *, score: float, correct: bool,
                      session_id: int | None = None, session_state: dict | None = None,
                      certainty: str | None = None, seconds: float | None = None,
                      card: tuple[dict, datetime] | None = None, rating: int | None = None) -> int:
        """Record one answer and everything it changes (session state, FSRS card, review log) atomically."""
        with self._tx() as s:
            if session_id is not None:
                quiz = self._quiz_row(s, session_id)
                if session_state is not None:
                    quiz.state = session_state
                    quiz.updated_at = utcnow()
            row = Answer(learner_id=learner_id, question_id=question_id, answer=answer, score=score,
                         correct=correct, session_id=session_id, certainty=certainty, seconds=seconds)
            s.add(row)
            if card is not None:
                self._put_card(s, learner_id, question_id, *card)
            if rating is not None:
                s.add(ReviewLog(learner_id=learner_id, question_id=question_id, rating=rating,
                                data={"answer_correct": correct}))
            s.flush()
            return row.id

    def answers(self, learner_id: int | None = None) -> list[dict]:
        with self._sessions() as s:
            query = select(Answer).order_by(Answer.id)
            if learner_id is not None:
                query = query.where(Answer.learner_id == learner_id)
            return [{"id": a.id, "learner_id": a.learner_id, "question_id": a.question_id, "answer": a.answer,
                     "score": a.score, "correct": a.correct, "certainty": a.certainty, "seconds": a.seconds,
                     "session_id": a.session_id, "answered_at": a.answered_at} for a in s.scalars(query)]

    def question_history(self, learner_id: int) -> dict[str, list[bool]]:
        """Per question, whether each answer was right, oldest first (for 'only missed' and 'only unseen')."""
        history: dict[str, list[bool]] = {}
        with self._sessions() as s:
            for qid, correct in s.execute(select(Answer.question_id, Answer.correct)
                                          .where(Answer.learner_id == learner_id).order_by(Answer.id)):
                history.setdefault(qid, []).append(bool(correct))
        return history

    # --- FSRS cards -----------------------------------------------------------------------------------------------

    def save_card(self, learner_id: int, question_id: str, data: dict, due: datetime) -> None:
        with self._tx() as s:
            self._put_card(s, learner_id, question_id, data, due)

    def cards(self, learner_id: int) -> dict[str, dict]:
        with self._sessions() as s:
            return {c.question_id: c.data for c in s.scalars(select(Card).where(Card.learner_id == learner_id))}

    def due_question_ids(self, learner_id: int, now: datetime) -> list[str]:
        with self._sessions() as s:
            return list(s.scalars(select(Card.question_id).where(Card.learner_id == learner_id, Card.due <= now)
                                  .order_by(Card.due)))

    def review_log_count(self, learner_id: int) -> int:
        with self._sessions() as s:
            return s.scalar(select(func.count()).select_from(ReviewLog).where(ReviewLog.learner_id == learner_id))

    @staticmethod
    def _put_card(s: Session, learner_id: int, question_id: str, data: dict, due: datetime) -> None:
        row = s.get(Card, (learner_id, question_id))
        if row is None:
            s.add(Card(learner_id=learner_id, question_id=question_id, data=data, due=due))
        else:
            row.data, row.due = data, due

    # --- lab sessions ---------------------------------------------------------------------------------------------

    def start_lab_session(self, learner_id: int, lab_id: str, state: dict, *, backend: str = "emulated") -> int:
        with self._tx() as s:
            row = LabSession(learner_id=learner_id, lab_id=lab_id, state=state, backend=backend)
            s.add(row)
            s.flush()
            return row.id

    def save_lab_session(self, lab_session_id: int, state: dict, *, finished: bool = False) -> None:
        with self._tx() as s:
            row = self._lab_row(s, lab_session_id)
            row.state, row.updated_at = state, utcnow()
            if finished:
                row.finished_at = utcnow()

    def latest_lab_session(self, learner_id: int, lab_id: str) -> StoredLabSession | None:
        with self._sessions() as s:
            row = s.scalar(select(LabSession).where(LabSession.learner_id == learner_id, LabSession.lab_id == lab_id)
                           .order_by(LabSession.id.desc()).limit(1))
            return None if row is None else _lab(row)

    def delete_lab_sessions(self, learner_id: int, lab_id: str | None = None) -> int:
        """Forget a learner's lab sessions (the instructor's 'reset this learner's lab')."""
        with self._tx() as s:
            query = delete(LabSession).where(LabSession.learner_id == learner_id)
            if lab_id is not None:
                query = query.where(LabSession.lab_id == lab_id)
            return s.execute(query).rowcount

    def record_step_result(self, lab_session_id: int, step_id: str, *, status: str, score: float,
                           detail: dict | None = None, state: dict | None = None) -> None:
        """Record a Check / Do-it-for-me outcome, with the lab state it left, in one transaction."""
        with self._tx() as s:
            row = self._lab_row(s, lab_session_id)
            s.add(StepResult(lab_session_id=lab_session_id, step_id=step_id, status=status, score=score,
                             detail=detail or {}))
            if state is not None:
                row.state, row.updated_at = state, utcnow()

    def step_results(self, lab_session_id: int) -> list[dict]:
        with self._sessions() as s:
            rows = s.scalars(select(StepResult).where(StepResult.lab_session_id == lab_session_id)
                             .order_by(StepResult.id))
            return [{"step_id": r.step_id, "status": r.status, "score": r.score, "detail": r.detail,
                     "checked_at": r.checked_at} for r in rows]

    def record_hint(self, lab_session_id: int, step_id: str, hint_index: int) -> None:
        with self._tx() as s:
            self._lab_row(s, lab_session_id)
            s.add(HintUse(lab_session_id=lab_session_id, step_id=step_id, hint_index=hint_index))

    def hints_used(self, lab_session_id: int) -> dict[str, int]:
        with self._sessions() as s:
            rows = s.execute(select(HintUse.step_id, func.count()).where(HintUse.lab_session_id == lab_session_id)
                             .group_by(HintUse.step_id))
            return {step: count for step, count in rows}

    # --- helpers --------------------------------------------------------------------------------------------------

    @staticmethod
    def _quiz_row(s: Session, session_id: int) -> QuizSession:
        row = s.get(QuizSession, session_id)
        if row is None:
            raise StoreError(f"no quiz session {session_id}")
        return row

    @staticmethod
    def _lab_row(s: Session, lab_session_id: int) -> LabSession:
        row = s.get(LabSession, lab_session_id)
        if row is None:
            raise StoreError(f"no lab session {lab_session_id}")
        return row


def _is(column, value):
    return column.is_(None) if value is None else column == value


def _learner(row: Learner) -> LearnerInfo:
    return LearnerInfo(row.id, row.name, row.display_name, row.role)


def _session(row: QuizSession) -> StoredSession:
    return StoredSession(row.id, row.learner_id, row.kind, row.state, row.started_at, row.finished_at,
                         row.scaled_score, row.passed)


def _lab(row: LabSession) -> StoredLabSession:
    return StoredLabSession(row.id, row.learner_id, row.lab_id, row.backend, row.state, row.updated_at,
                            row.finished_at)


__all__ = ["Store", "StoreError", "LearnerInfo", "StoredSession", "StoredLabSession", "ROLES"]
