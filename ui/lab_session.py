"""Glue between the lab page and the progress store: the learner's open lab session, saved after every action.

The store is the truth. ``st.session_state`` caches the live ``LabSession`` (with its console sessions) per
learner and lab, tagged with the store row it belongs to; when the newest stored row is another one (an
instructor reset the lab, another tab started afresh) the cache is dropped and the session is rebuilt from the
store, so a refresh or a restart resumes exactly and never writes into a deleted row.
"""
from __future__ import annotations

import json

import streamlit as st

from engine.labs.build import build_emulated, emulated_factory
from engine.labs.session import CheckReport, LabSession, SessionError, _Record
from ui.catalog import catalog
from ui.state import learner, store

#: The ``backend`` column of a lab session run on the built-in emulator.
EMULATED = "emulated"
#: Where the Real hosts page keeps this browser session's ``WinRMBackend`` (it holds the typed credentials).
REAL = "_real_backend"


def _slot(lab_id: str) -> str:
    return f"_lab:{learner().id}:{lab_id}"


def _emulated(hv_lab):
    """``LabSession.from_json``'s backend factory for emulated sessions."""
    return emulated_factory()(hv_lab)


def open_lab(lab_id: str) -> tuple[int, LabSession]:
    """The learner's session of ``lab_id`` as (store id, session): cached, resumed from the store, or started
    on a freshly built emulated lab (and saved at once, so even a lab only looked at resumes identically)."""
    slot = _slot(lab_id)
    stored = store().latest_lab_session(learner().id, lab_id)
    cached = st.session_state.get(slot)
    if cached is not None and stored is not None and cached[0] == stored.id:
        return cached
    session = None
    if stored is not None and stored.backend == EMULATED:
        try:
            session = LabSession.from_json(json.dumps(stored.state), catalog(), _emulated)
        except SessionError as error:
            st.warning(f"Your saved session of this lab could not be resumed ({error}); the lab starts afresh.",
                       icon=":material/warning:")
    if session is not None:
        st.session_state[slot] = (stored.id, session)
        return st.session_state[slot]
    return start_afresh(lab_id)


def start_afresh(lab_id: str) -> tuple[int, LabSession]:
    """A new session on a freshly built emulated lab, saved as the learner's newest session of the lab."""
    lab = catalog().lab(lab_id)
    session = LabSession.start(lab, build_emulated(lab, catalog()))
    sid = store().start_lab_session(learner().id, lab_id, json.loads(session.to_json()), backend=EMULATED)
    st.session_state[_slot(lab_id)] = (sid, session)
    return sid, session


def backend(lab_id: str):
    """Where the learner's commands and checks go: the real hosts chosen on the Real hosts page when there
    are any, else the session's own emulated lab."""
    real = real_backend()
    return real if real is not None else st.session_state[_slot(lab_id)][1].backend


def real_backend():
    """The ``WinRMBackend`` switched on in the Real hosts page for this browser session, or None."""
    return st.session_state.get(REAL)


def save(lab_id: str) -> None:
    """Write the session's whole state (lab, reset points, records) to its store row."""
    sid, session = st.session_state[_slot(lab_id)]
    store().save_lab_session(sid, json.loads(session.to_json()))


def record_check(lab_id: str, report: CheckReport, *, solved: bool = False) -> None:
    """Record a Check or "Do it for me" outcome with the state it left, in one store transaction."""
    sid, session = st.session_state[_slot(lab_id)]
    detail = {"solved": solved, "results": [{"passed": r.passed, "expected": r.expected, "actual": r.actual,
                                             "message": r.message} for r in report.results]}
    store().record_step_result(sid, report.step_id, status=report.status,
                               score=session.score().by_step[report.step_id], detail=detail,
                               state=json.loads(session.to_json()))


def record_hint(lab_id: str, step_id: str, index: int) -> None:
    """Record that hint ``index`` (0-based) of the step was revealed, then save the session."""
    sid, _ = st.session_state[_slot(lab_id)]
    store().record_hint(sid, step_id, index)
    save(lab_id)


def progress(learner_id: int, lab_id: str) -> dict[str, str]:
    """Step id → status of the learner's newest session of the lab (empty when never started), read from the
    stored JSON without rebuilding the lab, so the lab picker stays cheap."""
    stored = store().latest_lab_session(learner_id, lab_id)
    if stored is None:
        return {}
    # _Record is the engine's own status rule; reusing it keeps one definition of "passed"/"assisted".
    return {step_id: _Record.from_data(record).status() for step_id, record in stored.state.get("steps", {}).items()}
