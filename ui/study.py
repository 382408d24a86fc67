"""Study: choose objectives, sub-skills and filters, then practise one item at a time with immediate feedback."""
import random

import streamlit as st

from engine.quiz.study import StudyFilter, StudySession, select
from ui import practice
from ui.catalog import catalog
from ui.grading import command_grader
from ui.state import now, review_state

st.title("Study")
if not practice.flow("study"):
    cat = catalog()
    objectives = {o.id: o for o in cat.exam.objectives}
    st.caption("Pick what to practise. Answers are graded at once, with an explanation for every option.")
    chosen = st.multiselect("Objectives", list(objectives), key="study_objectives",
                            format_func=lambda o: f"{o} {objectives[o].title}", placeholder="All objectives")
    skills = {s.id: s.title for o in cat.exam.objectives if not chosen or o.id in chosen for s in o.skills}
    picked = st.multiselect("Sub-skills", list(skills), key="study_skills", format_func=skills.get,
                            placeholder="All sub-skills")
    missed, unseen, due = st.columns(3)
    flt = StudyFilter(tuple(chosen), tuple(s for s in picked if s in skills),
                      only_missed=missed.checkbox("Only missed", key="study_missed"),
                      only_unseen=unseen.checkbox("Only unseen", key="study_unseen"),
                      only_due=due.checkbox("Only due for review", key="study_due"),
                      limit=st.number_input("Items in this session", 1, 500, 10, key="study_limit", width=220))
    history = review_state()
    matching = len(select(cat.question_list(), flt, history, now()))
    st.markdown(f"**{matching}** item(s) match; a session takes up to {flt.limit}.")
    if st.button("Start studying", key="study_start", type="primary", icon=":material/play_arrow:",
                 disabled=matching == 0):
        practice.begin("study", StudySession.start(cat, flt, history=history, seed=random.randrange(10**6),
                                                   now=now(), command_grader=command_grader()))
