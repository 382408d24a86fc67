"""The content catalogue, loaded once per process (immutable models) for every page."""
import streamlit as st

from engine.content.loader import Catalog, load_catalog


@st.cache_resource(show_spinner="Loading questions and labs…")
def catalog() -> Catalog:
    """All validated content; problems are shown on the Content page rather than crashing the app."""
    return load_catalog()
