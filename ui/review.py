"""Review: today's due cards (FSRS), most overdue first, through the same item flow as Study."""
import random

import streamlit as st

from engine.quiz.study import StudyFilter, StudySession
from ui import practice
from ui.catalog import catalog
from ui.grading import command_grader
from ui.state import now, review_state

st.title("Review")
if not practice.flow("review"):
    cards = review_state()
    due = cards.due(now())
    upcoming = sorted(c.due for q, c in cards.cards.items() if q not in due)
    if not cards.cards:
        st.info("Nothing to review yet: answer some items on the Study page and they are scheduled here.",
                icon=":material/schedule:")
    elif not due:
        st.success(f"Nothing due now. Next review: {upcoming[0]:%Y-%m-%d %H:%M} UTC.", icon=":material/done_all:")
        st.page_link("ui/study.py", label="Study something new meanwhile", icon=":material/school:")
    else:
        later = len(cards.due_on(now().date())) - len(due)
        st.markdown(f"**{len(due)}** item(s) due for review now · {later} more later today · "
                    f"{len(cards.cards)} scheduled in all.")
        if st.button("Start review", key="review_start", type="primary", icon=":material/play_arrow:"):
            session = StudySession.start(catalog(), StudyFilter(only_due=True), history=cards,
                                         seed=random.randrange(10**6), now=now(), shuffle=False,
                                         command_grader=command_grader())
            # Most overdue first, as the due list orders them (the bank order says nothing about urgency).
            session.queue.sort(key=due.index)
            practice.begin("review", session)
