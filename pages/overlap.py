"""overlap page (being written)."""

import streamlit as st

st.title("Overlap")
