"""The item flow shared by Study and Review: one item at a time, certainty, "Show answer", immediate feedback.

Each action is saved before the page redraws: an answer goes to the store with its FSRS card update and the
session state in one ``record_answer`` call; "Show answer" and "Next" save the session state.
"""
from __future__ import annotations

import streamlit as st

from ui.catalog import catalog
from ui.feedback import explain, verdict
from ui.grading import command_grader
from ui.state import now, open_session, rebuild_study, record_study_result, save_session, start_session
from ui.widgets import answer_input, certainty_input, item_header


def begin(kind: str, session) -> None:
    """Save ``session`` as the learner's open ``kind`` session and redraw the page on its first item."""
    st.session_state.pop(f"_done:{kind}", None)
    start_session(kind, session)
    st.rerun()


def flow(kind: str) -> bool:
    """Draw the open session (or the summary of the one just finished); False when there is neither."""
    done = st.session_state.get(f"_done:{kind}")
    if done is not None:
        _summary(kind, done)
        return True
    opened = open_session(kind, rebuild_study(catalog(), command_grader()))
    if opened is None:
        return False
    _item(kind, opened[1])
    return True


def _summary(kind: str, totals) -> None:
    """The totals of the session just finished and the ways on."""
    st.success(f"Session finished: {totals.correct} of {totals.graded} right, {totals.points:.1f} points, "
               f"certainty marks {totals.marks:+d}.", icon=":material/flag:")
    if totals.revealed or totals.skipped:
        st.caption(f"{totals.revealed} answer(s) shown · {totals.skipped} not graded")
    st.page_link("ui/review.py", label="See what is due for review", icon=":material/replay:")
    if st.button("Start another session", key=f"{kind}_again", icon=":material/replay:"):
        st.session_state.pop(f"_done:{kind}")
        st.rerun()


def _item(kind: str, session) -> None:
    """The current item with its answer widgets, the actions, and the feedback once answered or shown."""
    item = session.current()
    question = item.question
    qid = question.id
    totals = session.totals()
    st.progress((item.number - 1) / item.total,
                text=f"{totals.correct} right so far · certainty marks {totals.marks:+d}")
    item_header(item)
    record = session.records.get(qid)
    answered = record is not None and record.grade is not None
    revealed = record is not None and record.revealed
    answer = answer_input(item, kind, record.answer if record else None, disabled=answered)
    certainty = certainty_input(f"{kind}_certainty_{qid}", record.certainty if record else None,
                                disabled=answered)
    # When the item was first shown: a fast, sure, right answer is rated Easy for review.
    shown_at = st.session_state.setdefault(f"_shown:{kind}:{qid}", now())

    submit, reveal, step, stop = st.columns(4)
    if submit.button("Submit", key=f"{kind}_submit", type="primary", icon=":material/check:",
                     disabled=answered or answer is None, width="stretch"):
        session.submit(answer, certainty=certainty, seconds=(now() - shown_at).total_seconds())
        record_study_result(kind, qid)
        st.rerun()
    if reveal.button("Show answer", key=f"{kind}_reveal", icon=":material/visibility:",
                     disabled=answered or revealed, width="stretch"):
        session.show_answer()
        save_session(kind)
        st.rerun()
    if step.button("Next", key=f"{kind}_next", icon=":material/arrow_forward:", width="stretch"):
        if revealed and not answered:
            record_study_result(kind, qid)  # shown and never answered: rated Again
        session.next()
        _save_and_redraw(kind, session, finished=session.finished)
    if stop.button("End session", key=f"{kind}_end", icon=":material/stop:", width="stretch"):
        _save_and_redraw(kind, session, finished=True)

    if answered or revealed:
        verdict(record.grade, revealed=revealed, mark=record.mark)
        explain(question, record.answer)


def _save_and_redraw(kind: str, session, *, finished: bool) -> None:
    """Save the session (closing it when ``finished``, keeping its totals for the summary) and redraw."""
    if finished:
        st.session_state[f"_done:{kind}"] = session.totals()
    save_session(kind, finished=finished)
    st.rerun()
