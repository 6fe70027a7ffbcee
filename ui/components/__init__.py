"""Streamlit components of our own (declared from importable modules, as Streamlit needs)."""
