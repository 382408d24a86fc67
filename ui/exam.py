"""Exam simulation: a seeded form against the clock, flags, a jump list, a review screen, then the score report.

The deadline is the engine's (fixed at the start, running while the learner is away); the countdown redraws
every second and, at zero, reruns the page, where ``tick()`` submits the exam automatically.
"""
import random
from datetime import timedelta

import streamlit as st

from engine.quiz.errors import QuizError
from engine.quiz.exam import ExamSession
from ui import exam_report
from ui.catalog import catalog
from ui.grading import command_grader
from ui.state import now, open_session, record_exam_answers, save_session, start_session
from ui.widgets import answer_input, item_header

KIND = "exam"


def _finish(sid: int, session: ExamSession) -> None:
    """Submit (or record the automatic submission), save the score and show the report."""
    result = session.submit()
    save_session(KIND, finished=True, scaled_score=result.scaled, passed=result.passed)
    record_exam_answers(sid, session)
    st.session_state["exam_attempt"] = sid
    st.session_state.pop("exam_reviewing", None)
    st.rerun()


@st.fragment(run_every=timedelta(seconds=1))
def _countdown(session: ExamSession) -> None:
    """Time left, redrawn every second on its own; at zero the whole page reruns and submits."""
    if session.tick():
        st.rerun(scope="app")  # time is up: the full page run records the automatic submission
    left = session.remaining()
    minutes, seconds = divmod(int(left.total_seconds()), 60)
    text = f":material/timer: Time left **{minutes:02d}:{seconds:02d}**"
    st.markdown(f":red[{text}]" if left < timedelta(minutes=5) else text)


def _label(entry) -> str:
    """How an item appears in the jump list: its number, answered or not, flagged or not."""
    marks = ("answered" if entry.answered else "unanswered") + (" · flagged" if entry.flagged else "")
    return f"Item {entry.number} · {marks}"


def _sitting(sid: int, session: ExamSession) -> None:
    """The current item: its widgets (saved on every change), the flag, and the ways to move."""
    top, submit = st.columns([3, 1], vertical_alignment="center")
    with top:
        _countdown(session)
    if submit.button("Review and submit", key="exam_review", icon=":material/fact_check:", width="stretch"):
        st.session_state["exam_reviewing"] = True
        st.rerun()
    item = session.current()
    qid = item.question.id
    item_header(item)
    stored = session.answers.get(qid)
    answer = answer_input(item, KIND, stored)
    if answer != stored:
        session.answer(answer)
        save_session(KIND)
    st.session_state.setdefault(f"exam_flag_{qid}", qid in session.flags)
    flagged = st.toggle("Flag for review", key=f"exam_flag_{qid}")
    if flagged != (qid in session.flags):
        session.flag(flagged)
        save_session(KIND)

    entries = session.review_list()
    back, jump, forward = st.columns([1, 2, 1], vertical_alignment="bottom")
    target = None
    if back.button("Previous", key="exam_prev", icon=":material/arrow_back:", disabled=item.number == 1,
                   width="stretch"):
        target = item.number - 1
    # Keyed by position and by the answered/flagged counts: the list opens on the current item after any move,
    # and the browser redraws the labels (it keeps the old label of a kept widget when only labels change).
    picked = jump.selectbox("Go to item", [e.number for e in entries], index=item.number - 1,
                            key=f"exam_jump_{item.number}_{len(session.answers)}_{len(session.flags)}",
                            format_func=lambda n: _label(entries[n - 1]))
    if picked != item.number:
        target = picked
    if forward.button("Next", key="exam_next", icon=":material/arrow_forward:", disabled=item.number == item.total,
                      width="stretch"):
        target = item.number + 1
    if target is not None:
        session.goto(target)
        save_session(KIND)
        st.rerun()


def _review_screen(sid: int, session: ExamSession) -> None:
    """Answered, unanswered and flagged items at a glance, a way back to each, and the submit button."""
    _countdown(session)
    entries = session.review_list()
    unanswered = [e for e in entries if not e.answered]
    flagged = [e for e in entries if e.flagged]
    st.subheader("Review before submitting")
    st.markdown(f"**{len(entries) - len(unanswered)}** answered · **{len(unanswered)}** unanswered · "
                f"**{len(flagged)}** flagged. Choose an item to go back to it.")
    st.caption(":material/check: answered · :material/flag: flagged · :material/radio_button_unchecked: unanswered")
    # A wrapping row rather than columns: on a phone, columns stack into one long list in column order.
    grid = st.container(horizontal=True, wrap=True, gap="small")
    for entry in entries:
        icon = (":material/flag:" if entry.flagged else ":material/check:" if entry.answered
                else ":material/radio_button_unchecked:")
        if grid.button(f"{entry.number}", key=f"exam_goto_{entry.number}", icon=icon, width=76,
                       help=_label(entry)):
            session.goto(entry.number)
            save_session(KIND)
            st.session_state.pop("exam_reviewing")
            st.rerun()
    back, send = st.columns(2)
    if back.button("Back to the items", key="exam_back", icon=":material/arrow_back:", width="stretch"):
        st.session_state.pop("exam_reviewing")
        st.rerun()
    if send.button("Submit the exam", key="exam_submit", type="primary", icon=":material/send:", width="stretch",
                   help="Unanswered items score 0." if unanswered else None):
        _finish(sid, session)


def _start() -> None:
    """What a form is, the form number (seed) and the start button."""
    exam = catalog().exam
    st.markdown(f"**{exam.title}** · {exam.form_size} items · {exam.duration_minutes} minutes · pass mark "
                f"{exam.passing_score} of {exam.max_score}. The clock keeps running if you leave the page.")
    st.session_state.setdefault("exam_seed", random.randrange(1000))
    number, go = st.columns([1, 2], vertical_alignment="bottom")
    seed = number.number_input("Form number", 0, 10**6, key="exam_seed",
                               help="The same number draws the same items in the same order: retake a form "
                                    "with it.")
    if go.button("Start the exam", key="exam_start", type="primary", icon=":material/play_arrow:"):
        st.session_state.pop("exam_attempt", None)
        start_session(KIND, ExamSession.start(catalog(), seed=int(seed), clock=now,
                                                 command_grader=command_grader()))
        st.rerun()


st.title("Exam simulation")
opened = open_session(KIND, lambda text: ExamSession.from_json(text, catalog(), clock=now,
                                                                command_grader=command_grader()))
if opened is None:
    _start()
    exam_report.attempts()
else:
    sid, exam_session = opened
    try:
        if exam_session.tick():
            _finish(sid, exam_session)
        if st.session_state.get("exam_reviewing"):
            _review_screen(sid, exam_session)
        else:
            _sitting(sid, exam_session)
    except QuizError as error:
        if error.id != "exam.time_up":
            raise
        _finish(sid, exam_session)  # the deadline passed while this run was drawing the page
