"""The lab's steps on the lab page: the list with each step's status, and the current step's instructions,
hints (one at a time), Check, "Do it for me", Reset step and Reset lab, with the last outcome explained.

Every action is a button callback: it runs before the page is drawn, so the diagram and the console on the same
run already show its effect; each one saves the session (Check and "Do it for me" through
``record_step_result``, hints through ``record_hint``).
"""
from __future__ import annotations

import streamlit as st

from engine.labs.session import LabSession, SessionError
from ui import lab_session
from ui.widgets import md


def _report_key(lab_id: str) -> str:
    return f"_lab_report:{lab_id}"


def _real() -> bool:
    return lab_session.real_backend() is not None


def _check(lab_id: str, step_id: str) -> None:
    _, session = lab_session.open_lab(lab_id)
    try:
        # On real hosts the session's records stay here, but the state judged is the real lab's.
        report = session.check(step_id, lab_session.backend(lab_id).snapshot())
    except Exception as error:  # noqa: BLE001 - a step's needs, or a real host that cannot be reached
        st.session_state[_report_key(lab_id)] = {"step": step_id, "error": str(error)}
        return
    lab_session.record_check(lab_id, report)
    st.session_state[_report_key(lab_id)] = {"step": step_id, "report": report}


def _solve(lab_id: str, step_id: str) -> None:
    _, session = lab_session.open_lab(lab_id)
    try:
        solved = session.solve(step_id)
    except SessionError as error:
        st.session_state[_report_key(lab_id)] = {"step": step_id, "error": str(error)}
        return
    lab_session.record_check(lab_id, solved.check, solved=True)
    st.session_state[_report_key(lab_id)] = {"step": step_id, "report": solved.check, "solved": solved}


def _hint(lab_id: str, step_id: str) -> None:
    _, session = lab_session.open_lab(lab_id)
    if session.hint(step_id) is not None:
        lab_session.record_hint(lab_id, step_id, session.hints_used(step_id) - 1)


def _reset_step(lab_id: str, step_id: str) -> None:
    _, session = lab_session.open_lab(lab_id)
    session.reset_step(step_id)
    lab_session.save(lab_id)
    st.session_state[_report_key(lab_id)] = {"step": step_id, "note": "The step was reset: the lab is as it was "
                                                                      "when you first opened this step."}


def _reset_lab(lab_id: str) -> None:
    _, session = lab_session.open_lab(lab_id)
    session.reset_lab()
    lab_session.save(lab_id)
    st.session_state[_report_key(lab_id)] = {"step": None, "note": "The whole lab was reset to its start."}


def steps_list(lab_id: str, session: LabSession, icons: dict[str, str]):
    """The step picker with statuses and the score; returns the chosen step (its view is opened, so its reset
    point is saved the first time)."""
    statuses = session.statuses()
    key = f"lab_step_{lab_id}"
    if st.session_state.get(key) not in statuses:
        st.session_state[key] = next((s for s, v in statuses.items() if v not in ("passed", "assisted")),
                                     next(iter(statuses)))
    step_id = st.radio("Steps", list(statuses), key=key,
                       format_func=lambda s: f"{icons[statuses[s]]} {session.step(s).title} · {statuses[s]}")
    score = session.score()
    st.caption(f"Score {score.earned:g} of {score.possible} ({score.percent:g} %). A step assisted by "
               "“Do it for me” earns half; each hint costs a tenth of the step.")
    if session.records[step_id].opened_at is None:
        session.open(step_id)
        lab_session.save(lab_id)
    return session.step(step_id)


def step_panel(lab_id: str, session: LabSession, step) -> None:
    """The current step: instructions, hints so far, the action buttons and the last outcome."""
    view = session.open(step.id)
    st.subheader(view.title)
    if view.needs:
        st.caption("Needs first: " + ", ".join(session.step(n).title for n in view.needs))
    st.markdown(md(view.instructions))
    for text in view.hints_shown:
        st.info(md(text), icon=":material/lightbulb:")
    real = _real()
    row = st.container(horizontal=True)  # wraps on a narrow screen instead of cutting the labels
    row.button(f"Hint ({len(view.hints_shown)}/{view.hints_total})", key="lab_hint", icon=":material/lightbulb:",
                disabled=len(view.hints_shown) >= view.hints_total, on_click=_hint, args=(lab_id, step.id))
    row.button("Check", key="lab_check", type="primary", icon=":material/fact_check:", on_click=_check,
                 args=(lab_id, step.id))
    row.button("Do it for me", key="lab_solve", icon=":material/auto_fix_high:", on_click=_solve,
                 args=(lab_id, step.id), disabled=real,
                 help="Runs the step's solution (half credit)." if not real else
                 "Not on real hosts: run the solution yourself in the console.")
    row.button("Reset step", key="lab_reset_step", icon=":material/undo:", on_click=_reset_step,
                 args=(lab_id, step.id), disabled=real)
    row.button("Reset lab", key="lab_reset_lab", icon=":material/restart_alt:", on_click=_reset_lab,
                     args=(lab_id,), disabled=real)
    _outcome(lab_id, step.id)


def _outcome(lab_id: str, step_id: str) -> None:
    """The last action's outcome on this step: each check's expected vs actual, or why nothing was checked."""
    last = st.session_state.get(_report_key(lab_id))
    if not last or last["step"] not in (step_id, None):
        return
    if "note" in last:
        st.info(last["note"], icon=":material/undo:")
        return
    if "error" in last:
        st.warning(md(last["error"]), icon=":material/block:")
        return
    solved = last.get("solved")
    if solved is not None:
        st.caption(f"“Do it for me” ran this on {solved.host or 'your logon host'}:")
        st.code(session_solution(lab_id, step_id), language="powershell")
        if solved.text.strip():
            st.code(solved.text.rstrip(), language=None)
    report = last["report"]
    if report.passed:
        st.success(f"Step {report.status}: every check passed.", icon=":material/check_circle:")
    else:
        passed = sum(r.passed for r in report.results)
        st.error(f"{passed} of {len(report.results)} checks passed.", icon=":material/cancel:")
    st.markdown("\n".join(
        f"- {':material/check_circle:' if r.passed else ':material/cancel:'} {md(r.message)} — expected "
        f"`{r.expected}`, actual `{r.actual}`" for r in report.results))


def session_solution(lab_id: str, step_id: str) -> str:
    """The step's solution script, as "Do it for me" ran it."""
    _, session = lab_session.open_lab(lab_id)
    return session.step(step_id).solution.rstrip()
