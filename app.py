"""Overlap dashboard: the entry point (`streamlit run app.py`).

A router only: it sets up this session's state, the sidebar (with "Clear my
data") and the navigation; each step of the journey is one thin file in
pages/. All the work is done by the `overlap` library.
"""

import logging
import os
from pathlib import Path

import streamlit as st

from ui import common, state, workspace_panel

# The tab icon is a local file: a ":material/...:" icon would make the browser fetch it from
# a font CDN, and nothing may leave the machine (tests/e2e/test_nothing_calls_out.py).
st.set_page_config(
    page_title="Overlap",
    page_icon=str(Path(__file__).resolve().parent / "ui" / "favicon.png"),
    layout="wide",
)
state.init()

sections: dict[str, list] = {}
for info in common.PAGE_LIST:
    sections.setdefault(info.section, []).append(
        st.Page(
            info.path,
            title=info.title,
            icon=info.icon,
            url_path=info.url_path,
            default=info is common.PAGE_LIST[0],
        )
    )
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
    workspace_panel.render()
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
