"""Labs: pick a guided lab, work through its steps in the PowerShell console or the administrator's GUI, and
check each step against the lab's state. The session is saved in the store after every action.

Layout: the picker; then the step list and the current step (instructions, hints, Check, Do it for me, resets)
with the console and the GUI dialogs below it; on the right the topology diagram and the migrations.
"""
import streamlit as st

from engine.labs.diagram import topology_dot
from ui import lab_session
from ui.catalog import catalog
from ui.lab_cluster_forms import delegation_tab, failover_cluster
from ui.lab_console import console, default_location
from ui.lab_forms import export_import, hyperv_settings, last_result, move_wizard, vm_settings
from ui.lab_jobs import finished, running
from ui.lab_steps import step_panel, steps_list
from ui.state import learner

STATUS_ICONS = {"not started": ":material/remove:", "passed": ":material/check_circle:",
                "assisted": ":material/assistant:", "failed": ":material/cancel:"}

cat = catalog()
me = learner()
st.title("Labs")
labs = [cat.lab(i) for i in cat.labs]
if not labs:
    st.info("There are no labs in the content folder.", icon=":material/info:")
    st.stop()

objectives = {o.id: o.title for o in cat.exam.objectives} if cat.exam else {}
pick_objective, pick_skill = st.columns(2)
objective = pick_objective.selectbox("Objective", sorted({o for lab in labs for o in lab.objectives}),
                                     key="lab_objective", index=None, placeholder="All objectives",
                                     format_func=lambda o: f"{o} {objectives.get(o, '')}")
skill_titles = {s.id: s.title for o in (cat.exam.objectives if cat.exam else []) for s in o.skills}
skill = pick_skill.selectbox("Skill", sorted({s for lab in labs for s in lab.skills
                                               if not objective or objective in lab.objectives}),
                             key="lab_skill", index=None, placeholder="All skills",
                             format_func=lambda s: skill_titles.get(s, s))
shown = [lab for lab in labs if (not objective or objective in lab.objectives)
         and (not skill or skill in lab.skills)] or labs
progress = {lab.id: lab_session.progress(me.id, lab.id) for lab in shown}
st.dataframe([{"lab": lab.title, "steps": len(lab.steps),
               "done": sum(s in ("passed", "assisted") for s in progress[lab.id].values()) / len(lab.steps)}
              for lab in shown], hide_index=True, key="lab_progress",
             column_config={"done": st.column_config.ProgressColumn("done", format="percent", min_value=0,
                                                                    max_value=1)})
if st.session_state.get("lab_pick") not in progress:
    st.session_state["lab_pick"] = shown[0].id
lab_id = st.selectbox("Lab", list(progress), key="lab_pick", format_func=lambda i: cat.lab(i).title)
lab = cat.lab(lab_id)
_, session = lab_session.open_lab(lab_id)
st.caption(f"{lab.summary} · about {lab.estimated_minutes} minutes")

work, side = st.columns([3, 2], gap="large")
with work:
    # The step's panel grows and shrinks (hints, outcomes); inside one container it cannot move the tabs below,
    # so a Check does not send the learner back to the first tab.
    with st.container():
        step = steps_list(lab_id, session, STATUS_ICONS)
        step_panel(lab_id, session, step)
    tabs = st.tabs(["PowerShell", "Hyper-V Settings", "Move wizard", "VM settings", "Export / Import",
                    "Failover Cluster Manager", "AD: Delegation"], key="lab_tabs")
    backend = lab_session.backend(lab_id)
    try:
        state = backend.snapshot()
    except Exception as error:  # noqa: BLE001 - real hosts that cannot be read: say which and why, then stop
        st.error(f"The lab's hosts could not be read — {type(error).__name__}: {error}", icon=":material/lan:")
        st.stop()
    where = st.session_state.get("console_host") or default_location(backend, step.logon)
    with tabs[0]:
        console(lab_id, step.logon)
    with tabs[1]:
        hyperv_settings(lab_id, state)
    with tabs[2]:
        move_wizard(lab_id, state, backend, where)
    with tabs[3]:
        vm_settings(lab_id, state, where)
    with tabs[4]:
        export_import(lab_id, state, backend, where)
    with tabs[5]:
        failover_cluster(lab_id, state)
    with tabs[6]:
        delegation_tab(lab_id, state)
    last_result()
with side:
    st.subheader("Topology")
    st.graphviz_chart(topology_dot(state), width="stretch")
    st.subheader("Migrations")
    running(lab_id)
    finished(state)
