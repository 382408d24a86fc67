"""Migrations on the lab page: progress of running jobs on the simulated clock, and what each finished move did.

The emulated lab's clock only moves when asked. While jobs run, a fragment reruns every second and advances the
clock by the real time elapsed since its last tick × the chosen speed-up (:data:`SPEEDUPS`; at × 5 a minute-long
storage move takes twelve seconds); "Finish now" runs the clock until every job is done. When the last job ends the whole page reruns, so the
diagram and the step's check see the finished move. A finished move shows its pre-copy passes (MB per pass)
with total time, data sent and downtime; once the learner has done both a live and a quick migration the two
latest are compared side by side.
"""
from __future__ import annotations

import time

import streamlit as st

from ui import lab_session

#: Simulated seconds per real second the learner can choose while jobs run, and the default.
SPEEDUPS = (1, 5, 20, 60)
DEFAULT_SPEEDUP = 5
#: Job states that still move.
ACTIVE = ("Queued", "Running")
MB = 1024 * 1024


def _speed() -> int:
    """The chosen speed-up (a segmented control can be cleared: then the default)."""
    return st.session_state.get("jobs_speed") or DEFAULT_SPEEDUP


def _tick_key(lab_id: str) -> str:
    return f"_lab_tick:{lab_id}"


def advance(lab_id: str, hv_lab) -> None:
    """Advance the simulated clock by the real time since the last tick (none on the first tick)."""
    now = time.monotonic()
    last = st.session_state.get(_tick_key(lab_id))
    st.session_state[_tick_key(lab_id)] = now
    if last is not None:
        hv_lab.advance((now - last) * _speed())
        lab_session.save(lab_id)


def finish_now(lab_id: str) -> None:
    """"Finish now" callback: run the clock until no job is queued or running."""
    _, session = lab_session.open_lab(lab_id)
    session.backend.lab.run_until_idle()
    st.session_state.pop(_tick_key(lab_id), None)
    lab_session.save(lab_id)


def running(lab_id: str) -> None:
    """Progress bars of the running jobs, refreshed every second while any runs (emulated labs only)."""
    _, session = lab_session.open_lab(lab_id)
    hv_lab = getattr(session.backend, "lab", None)
    if hv_lab is None or not any(j.state in ACTIVE for j in hv_lab.jobs()):
        st.session_state.pop(_tick_key(lab_id), None)
        return
    st.segmented_control("Simulated speed", SPEEDUPS, default=DEFAULT_SPEEDUP, key="jobs_speed",
                         format_func=lambda n: f"× {n}", help="Simulated seconds per real second.")
    _progress(lab_id)


@st.fragment(run_every=1.0)
def _progress(lab_id: str) -> None:
    _, session = lab_session.open_lab(lab_id)
    hv_lab = session.backend.lab  # a reset may have replaced the lab object since the page drew the fragment
    advance(lab_id, hv_lab)
    jobs = [j for j in session.backend.snapshot().Jobs if j.State in ACTIVE]
    if not jobs:
        st.session_state.pop(_tick_key(lab_id), None)
        st.rerun(scope="app")
    st.markdown(f"**Migrations in progress** — simulated clock {hv_lab.now:.1f} s (× {_speed()})")
    for job in jobs:
        st.progress(min(1.0, job.PercentComplete / 100),
                    text=f"{job.Kind} move of {job.VMName}: {job.Source} → {job.Destination} · {job.State} · "
                         f"{job.PercentComplete:.0f} %")
    st.button("Finish now", key="jobs_finish", icon=":material/fast_forward:", on_click=finish_now, args=(lab_id,))


def _summary(job) -> dict:
    """A finished move's figures, as text (one table column mixes numbers and names)."""
    return {"move": f"#{job.Id} {job.VMName}", "from → to": f"{job.Source} → {job.Destination}",
            "total time": f"{job.TotalSeconds:.2f} s", "data sent": f"{job.BytesSent / MB:,.1f} MB",
            "downtime": f"{job.DowntimeSeconds:.3f} s", "passes": str(len(job.Passes))}


def finished(state) -> None:
    """The newest finished move's passes and figures, and the live vs quick comparison when both exist."""
    done = [j for j in state.Jobs if j.State in ("Completed", "Failed")]
    if not done:
        st.caption("No move has finished yet. Moves started with -AsJob show their progress here.")
        return
    names = {f"{j.Kind} move of {j.VMName} (#{j.Id}, {j.State})": j for j in reversed(done)}
    # Keyed by the number of finished moves, so a new move becomes the one shown.
    job = names[st.selectbox("Finished move", list(names), key=f"jobs_pick_{len(done)}")]
    st.markdown(f"**Total time** {job.TotalSeconds:.1f} s · **data sent** {job.BytesSent / MB:,.0f} MB · "
                f"**downtime** {job.DowntimeSeconds:.3f} s")
    if job.Passes:
        rows = [{"pass": f"{p.Index}{' (final)' if p.Final else ''}", "MB": round(p.Bytes / MB, 2),
                 "seconds": round(p.Seconds, 3)} for p in job.Passes]
        st.vega_lite_chart(rows, {
            "height": 200, "title": "Memory sent per pre-copy pass",
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {"x": {"field": "pass", "type": "ordinal", "sort": None, "axis": {"labelAngle": 0}},
                         "y": {"field": "MB", "type": "quantitative"}},
        }, width="stretch", key="jobs_passes")
    latest = {kind: next((j for j in reversed(done) if j.Kind == kind and j.State == "Completed"), None)
              for kind in ("live", "quick")}
    if all(latest.values()):
        st.markdown("**Live vs quick migration**")
        live, quick = _summary(latest["live"]), _summary(latest["quick"])
        # One row per figure: two narrow columns fit beside the lab, seven wide ones would not.
        st.dataframe([{"": name, "live": live[name], "quick": quick[name]} for name in live], hide_index=True,
                     key="jobs_compare")
