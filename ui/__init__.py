"""Streamlit-side helpers for the dashboard (session state, shared widgets).

The library (``overlap/``) never imports Streamlit; this package is where the
dashboard keeps what only makes sense in a browser session.
"""
