"""Home: the learner's readiness per objective, what is due today, lab progress and where to go next."""
import streamlit as st

from ui.catalog import catalog
from ui.charts import percent_bars
from ui.state import learner, now, review_state, store

cat = catalog()
me = learner()
st.title("70-412 trainer")
st.caption("Windows Server 2012 R2 advanced services — domain 1, with a focus on objective 1.4 "
           "“Manage VM movement”.")
if cat.problems:
    st.error(f"{len(cat.problems)} problem(s) in the content files — see the Content page.")

cards = review_state()
moment = now()
questions = cat.question_list()
readiness = cards.readiness(questions, moment)
objectives = [o for o in cat.exam.objectives if o.id in readiness]
due_today = cards.due_on(moment.date())
labs_started = sum(store().latest_lab_session(me.id, lab_id) is not None for lab_id in cat.labs)

st.subheader(f"Hello, {me.display_name}")
seen, due, labs = st.columns(3)
seen.metric("Questions practised", f"{len(cards.cards)} of {len(questions)}")
due.metric("Due for review today", len(due_today))
labs.metric("Labs started", f"{labs_started} of {len(cat.labs)}", help="Guided labs on the emulated Hyper-V lab: open the Labs page.")

st.markdown("**Readiness per objective** — the mean chance of recalling its questions now (questions not yet "
            "practised count 0).")
percent_bars([{"objective": f"{o.id} {o.title}", "readiness %": round(100 * readiness[o.id], 1)}
              for o in objectives], label="objective", value="readiness %")

st.subheader("Where to go next")
if due_today:
    st.page_link("ui/review.py", label=f"Review the {len(due_today)} item(s) due today", icon=":material/replay:")
if objectives:
    weakest = min(objectives, key=lambda o: (readiness[o.id], -o.weight))
    st.markdown(f"Your weakest objective is **{weakest.id} {weakest.title}** "
                f"({readiness[weakest.id]:.0%} ready, {weakest.weight:g} % of the exam).")
    if st.button(f"Study {weakest.id}", key="home_study_weakest", icon=":material/school:"):
        st.session_state["study_objectives"] = [weakest.id]
        st.switch_page("ui/study.py")
st.page_link("ui/exam.py", label="Sit a timed practice exam", icon=":material/timer:")
