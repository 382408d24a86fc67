"""Streamlit pages (thin: read widgets, call the engine, render)."""
