"""Streamlit entry point: ``make run`` (or ``streamlit run app.py``). Pages live in ui/, one module each."""
import streamlit as st

st.set_page_config(page_title="70-412 trainer", page_icon="🖥️", layout="wide")

pages = [
    st.Page("ui/home.py", title="Home", icon="🏠", default=True),
    st.Page("ui/content.py", title="Content", icon="📚"),
]
st.navigation(pages).run()
