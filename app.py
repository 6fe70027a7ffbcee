"""Overlap dashboard: the entry point (`streamlit run app.py`).

A router only: it sets up this session's state, the sidebar (with "Clear my
data") and the navigation; each step of the journey is one thin file in
pages/. All the work is done by the `overlap` library.
"""

import logging
import os
from pathlib import Path

import streamlit as st

from ui import state

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Overlap", page_icon=":material/join_inner:", layout="wide")
state.init()


def _page(path: str, title: str, icon: str, url_path: str, default: bool = False):
    return st.Page(path, title=title, icon=icon, url_path=url_path, default=default)


journey = [
    _page("pages/rosters.py", "Rosters", ":material/upload_file:", "rosters", default=True),
    _page("pages/match.py", "Match", ":material/join_inner:", "match"),
    _page("pages/review.py", "Review", ":material/fact_check:", "review"),
    _page("pages/overlap.py", "Overlap", ":material/bubble_chart:", "overlap"),
    _page("pages/reach.py", "Reach", ":material/map:", "reach"),
]
# Owned by the privacy work: matching on encodings, without handing over names.
if (HERE / "pages" / "private_overlap.py").exists():
    journey.append(
        _page("pages/private_overlap.py", "Private overlap", ":material/lock:", "private-overlap")
    )
act = []
# Owned by the outreach work; shown once their files exist.
if (HERE / "pages" / "outreach.py").exists():
    act.append(_page("pages/outreach.py", "Outreach lists", ":material/contact_mail:", "outreach"))
if (HERE / "pages" / "follow_up.py").exists():
    act.append(_page("pages/follow_up.py", "Follow-up", ":material/event_repeat:", "follow-up"))
about = []
if (HERE / "pages" / "privacy_note.py").exists():
    about.append(
        _page("pages/privacy_note.py", "How we handle your data", ":material/shield:", "privacy")
    )

sections = {"Find your overlap": journey}
if act:
    sections["Act on it"] = act
if about:
    sections["About"] = about
current = st.navigation(sections)

with st.sidebar:
    n = len(state.rosters())
    if n:
        st.caption(f"{n} roster(s) loaded in this browser tab only.")
    if st.button(
        "Clear my data",
        icon=":material/delete_forever:",
        help="Forget every roster, match and decision in this session now.",
        key="clear_my_data",
    ):
        state.clear_my_data()
        st.toast("Your data was cleared from this session.", icon=":material/check:")
        st.rerun()
    st.caption(
        "Your rosters stay in this session's memory only: they are not saved to disk, "
        "not shared with other users, and are gone when you close the tab or clear them."
    )

try:
    current.run()
except Exception as error:
    # An unforeseen failure must not put a traceback (which can quote a cell of a roster)
    # on the page or in the server log: say what happened in plain words, log only its type.
    if os.environ.get("OVERLAP_SHOW_ERRORS") == "1":  # for developers, never in production
        raise
    logging.getLogger("overlap.app").warning(
        "page %s stopped: %s", current.url_path or "rosters", type(error).__name__
    )
    st.error(
        f"Something went wrong on this page ({type(error).__name__}). Your rosters are still "
        "loaded; try again, or use “Clear my data” to start over."
    )
