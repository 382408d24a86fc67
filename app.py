"""Streamlit entry point: ``make run`` (or ``streamlit run app.py``). Pages live in ui/, one module each."""
import streamlit as st

st.set_page_config(page_title="70-412 trainer", page_icon=":material/dns:", layout="wide")

pages = [
    st.Page("ui/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("ui/content.py", title="Content", icon=":material/library_books:"),
]
st.navigation(pages).run()
