"""Streamlit entry point: ``make run`` (or ``streamlit run app.py``). Pages live in ui/, one module each; the
learner is chosen in the sidebar before any page runs."""
import streamlit as st

from ui.learner import sidebar

st.set_page_config(page_title="70-412 trainer", page_icon=":material/dns:", layout="wide")

pages = [
    st.Page("ui/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("ui/study.py", title="Study", icon=":material/school:"),
    st.Page("ui/review.py", title="Review", icon=":material/replay:"),
    st.Page("ui/exam.py", title="Exam simulation", icon=":material/timer:"),
    st.Page("ui/labs.py", title="Labs", icon=":material/science:"),
    st.Page("ui/real_hosts.py", title="Real hosts", icon=":material/lan:"),
    st.Page("ui/instructor.py", title="Instructor", icon=":material/admin_panel_settings:"),
    st.Page("ui/content.py", title="Content", icon=":material/library_books:"),
]
page = st.navigation(pages)
sidebar()
page.run()
