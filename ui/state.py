"""Glue between Streamlit's session and the progress store: the clock, the store, the learner's review state
and the open quiz sessions.

The store is the truth; ``st.session_state`` only caches objects rebuilt from it, so a browser refresh or an
app restart resumes where the learner was (the page reloads the open session with ``open_quiz_session``).
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from typing import Any

import streamlit as st

from engine.quiz.answers import answer_to_dict
from engine.quiz.errors import QuizError
from engine.quiz.review import (FORMAT as CARDS_FORMAT, ReviewState, card_to_dict, default_scheduler,
                                rating_for)
from engine.quiz.study import StudySession
from engine.store import LearnerInfo, Store

CLOCK_OFFSET_ENV = "TRAINER_CLOCK_OFFSET_SECONDS"


def now() -> datetime:
    """The app's one clock (aware UTC). Tests replace it: ``st.session_state["_clock"]`` holds a callable, or
    ``TRAINER_CLOCK_OFFSET_SECONDS`` shifts the wall clock (for browser tests, which cannot inject code)."""
    clock = st.session_state.get("_clock")
    if clock is not None:
        return clock()
    offset = float(os.environ.get(CLOCK_OFFSET_ENV) or 0)
    return datetime.now(timezone.utc) + timedelta(seconds=offset)


@st.cache_resource(show_spinner="Opening the progress store…")
def store() -> Store:
    """One store per process: SQLite in TRAINER_DATA_DIR (or DATABASE_URL); the engine pools connections."""
    return Store.open()


def learner() -> LearnerInfo:
    """The learner chosen in the sidebar (``ui.learner`` sets it before any page runs)."""
    return st.session_state["learner"]


# --- FSRS cards --------------------------------------------------------------------------------------------------

def review_state() -> ReviewState:
    """The learner's cards, read from the store once per browser session and then kept up to date in memory."""
    key = f"_review:{learner().id}"
    if key not in st.session_state:
        cards = store().cards(learner().id)
        st.session_state[key] = ReviewState.from_dict({"format": CARDS_FORMAT,
                                                       "scheduler": default_scheduler().to_dict(),
                                                       "cards": cards})
    return st.session_state[key]


# --- open quiz sessions --------------------------------------------------------------------------------------------

def _slot(kind: str) -> str:
    return f"_open:{kind}:{learner().id}"


def open_session(kind: str, rebuild) -> tuple[int, Any] | None:
    """The learner's open session of ``kind`` as (store id, engine session), resumed from the store once per
    browser session; ``rebuild(json_text)`` turns the saved state into the engine object."""
    slot = _slot(kind)
    if slot not in st.session_state:
        saved = store().open_quiz_session(learner().id, kind)
        st.session_state[slot] = None
        if saved is not None:
            try:
                st.session_state[slot] = (saved.id, rebuild(json.dumps(saved.state)))
            except QuizError as error:
                # The bank changed under the session (an item was removed or renamed): close it rather than
                # fail on every visit; its answers so far are already in the store.
                store().save_quiz_session(saved.id, saved.state, finished=True)
                st.warning(f"Your open {kind} session could not be resumed and was closed: {error.message}.",
                           icon=":material/warning:")
    return st.session_state[slot]


def start_session(kind: str, session) -> int:
    """Save a new engine session in the store and make it the open one."""
    sid = store().start_quiz_session(learner().id, kind, json.loads(session.to_json()))
    st.session_state[_slot(kind)] = (sid, session)
    return sid


def save_session(kind: str, *, finished: bool = False, scaled_score: int | None = None,
                 passed: bool | None = None) -> None:
    """Write the open session's state to the store; a finished session stops being the open one."""
    sid, session = st.session_state[_slot(kind)]
    store().save_quiz_session(sid, json.loads(session.to_json()), finished=finished, scaled_score=scaled_score,
                              passed=passed)
    if finished:
        st.session_state[_slot(kind)] = None


def record_study_result(kind: str, question_id: str) -> None:
    """Record the current result of ``question_id`` in a study/review session, with its FSRS card update and
    the session's new state, in one store transaction (``record_answer``)."""
    sid, session = st.session_state[_slot(kind)]
    record = session.records[question_id]
    rating = record.rating()
    card = None
    if rating is not None:
        fsrs_card = review_state().record(question_id, rating, now())
        card = ({**card_to_dict(fsrs_card), "last_rating": int(rating)}, fsrs_card.due)
    grade = record.grade
    store().record_answer(learner().id, question_id, answer_to_dict(record.answer) if record.answer else None,
                          score=record.points, correct=bool(grade and grade.correct and not record.revealed),
                          session_id=sid, session_state=json.loads(session.to_json()),
                          certainty=record.certainty, seconds=record.seconds, card=card,
                          rating=int(rating) if rating is not None else None)


def record_exam_answers(session_id: int, session) -> None:
    """Put a submitted exam's answered, graded items into the learner's history and FSRS schedule, so exam
    mistakes come back on the Review page. One ``record_answer`` transaction per item, after the submission
    itself is saved: a crash half-way loses some schedule updates, never the attempt."""
    result = session.result()
    for qid, answer in session.answers.items():
        grade = result.grades[qid]
        if grade.skipped:
            continue
        rating = rating_for(grade.correct)
        card = review_state().record(qid, rating, now())
        store().record_answer(learner().id, qid, answer_to_dict(answer), score=grade.score, correct=grade.correct,
                              session_id=session_id, card=({**card_to_dict(card), "last_rating": int(rating)},
                                                           card.due), rating=int(rating))


def rebuild_study(catalog, command_grader):
    """A ``rebuild`` function for study and review sessions on ``catalog``."""
    return lambda text: StudySession.from_json(text, catalog, command_grader=command_grader)
