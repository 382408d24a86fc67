"""The exam score report (scaled score, pass/fail, per objective and sub-skill, every answer reviewed) and the
history of attempts with its trend. Reports are rebuilt from the saved sessions, so any attempt can be reopened.
"""
from __future__ import annotations

import json

import streamlit as st

from engine.quiz.errors import QuizError
from engine.quiz.exam import ExamSession
from ui.catalog import catalog
from ui.grading import command_grader
from ui.charts import percent_bars, score_trend
from ui.feedback import explain, verdict
from ui.state import learner, now, store
from ui.widgets import md


def attempts() -> None:
    """The report of the chosen finished attempt (the newest by default), then the trend of scaled scores."""
    finished = store().finished_sessions(learner().id, "exam")
    if not finished:
        return
    st.subheader("Your attempts")
    numbers = {s.id: n for n, s in enumerate(finished, 1)}
    by_id = {s.id: s for s in finished}
    if st.session_state.get("exam_attempt") not in by_id:
        st.session_state["exam_attempt"] = finished[-1].id
    chosen = st.selectbox("Report of attempt", list(reversed(list(by_id))), key="exam_attempt",
                          format_func=lambda i: f"Attempt {numbers[i]} · {by_id[i].finished_at:%Y-%m-%d %H:%M} · "
                                                f"{by_id[i].scaled_score} · "
                                                f"{'pass' if by_id[i].passed else 'fail'}")
    # Rebuilt once per browser session: grading the form again (command items run on fresh labs) on every
    # rerun of the page would be wasted work, and a finished attempt never changes.
    key = f"_report:{chosen}"
    if key not in st.session_state:
        try:
            session = ExamSession.from_json(json.dumps(by_id[chosen].state), catalog(), clock=now,
                                            command_grader=command_grader())
            st.session_state[key] = (session, session.result())
        except QuizError as error:
            st.warning(f"This attempt cannot be shown any more: {error.message}", icon=":material/warning:")
            return
    session, result = st.session_state[key]
    summary(result)
    st.markdown("**Trend of your attempts**")
    exam = catalog().exam
    score_trend([{"attempt": n, "scaled score": s.scaled_score} for n, s in enumerate(finished, 1)],
                pass_mark=exam.passing_score, max_score=exam.max_score)
    answers(session, result)


def summary(result) -> None:
    """Scaled score, pass or fail, and the points per objective and sub-skill."""
    score, verdict_col, percent = st.columns(3)
    score.metric("Scaled score", f"{result.scaled}", help=f"Pass mark {result.pass_mark}")
    verdict_col.metric("Result", "Pass" if result.passed else "Fail")
    percent.metric("Raw score", f"{result.percent:g} %", help=f"{result.points:g} of {result.max_points:g} points")
    if result.passed:
        st.success(f"Passed: {result.scaled} (pass mark {result.pass_mark}).", icon=":material/verified:")
    else:
        st.error(f"Not passed: {result.scaled} (pass mark {result.pass_mark}).", icon=":material/cancel:")
    if result.auto_submitted:
        st.caption("Submitted automatically when the time ran out.")
    if result.skipped:
        st.caption(f"{len(result.skipped)} item(s) not graded: {result.skipped[0][1]}.")

    covered = [t for t in result.objectives if t.max]
    st.markdown("**By objective**")
    percent_bars([{"objective": f"{t.id} {t.title}", "percent": t.percent} for t in covered],
                 label="objective", value="percent")
    st.markdown("**By sub-skill**")
    st.dataframe([{"sub-skill": t.title, "items": t.items, "percent": t.percent}
                  for t in result.skills if t.max], hide_index=True, width="stretch",
                 column_config={"percent": st.column_config.ProgressColumn("percent", min_value=0,
                                                                          max_value=100, format="%.0f %%")})


def answers(session: ExamSession, result) -> None:
    """Every item of the form: the verdict, the learner's answer beside the key, and the explanations."""
    st.markdown("**Every answer**")
    for number, qid in enumerate(session.form, 1):
        question = session.catalog.question(qid)
        grade = result.grades[qid]
        icon = (":material/check_circle:" if grade.correct else ":material/construction:" if grade.skipped
                else ":material/cancel:")
        flag = " · flagged" if qid in session.flags else ""
        with st.expander(md(f"{number}. {_short(question.stem)}{flag}"), icon=icon):
            verdict(grade)
            explain(question, session.answers.get(qid))


def _short(text: str, limit: int = 90) -> str:
    """The start of a stem for a one-line label, cut at a word."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"
