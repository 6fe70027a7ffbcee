"""The sidebar's workspace controls, beside "Clear my data": open a saved workspace, save one.

A workspace file is opened from an upload and saved as a download: both are
encrypted with a passphrase (``overlap.crypto``) and nothing is written on
the server. The work is in ``ui/state.py`` and ``overlap.workspace``.
"""

from __future__ import annotations

import streamlit as st

from overlap.crypto import MIN_PASSPHRASE_CHARS
from overlap.errors import OverlapError
from ui import common, state


def render() -> None:
    """Open / save controls in an expander of the sidebar."""
    ws = state.workspace()
    with st.expander("Workspace: keep your rosters for next season", icon=":material/inventory_2:"):
        if ws is not None:
            st.caption(
                f"Open: {state.workspace_file()} ({len(ws.seasons)} season(s), "
                f"{len(ws.uploads)} roster(s)). Save it before you close this tab."
            )
        _open_controls()
        st.divider()
        _save_controls(ws)


def _open_controls() -> None:
    if not st.toggle("Open workspace", key="workspace_opening", help="A file saved from here."):
        return
    upload = st.file_uploader("Workspace file (.owl)", type=["owl"], key="workspace_open_file")
    if upload is None:
        return
    passphrase = st.text_input(
        "The workspace's passphrase", type="password", key="workspace_open_passphrase"
    )
    if st.button(
        "Open workspace",
        icon=":material/folder_open:",
        key="workspace_open",
        disabled=not passphrase,
    ):
        try:
            with st.spinner("Opening the workspace…"):
                state.open_workspace(upload.getvalue(), passphrase, upload.name)
        except OverlapError as error:
            st.error(str(error))
            return
        st.toast("Workspace opened.", icon=":material/check:")
        st.rerun()


def _save_controls(ws) -> None:
    if ws is None:
        st.caption("After matching this season's rosters, keep them here as a workspace.")
        season = st.text_input(
            "Season of these rosters",
            key="workspace_first_season",
            placeholder="for example 2025 spring",
        )
        if st.button("Keep as a workspace", icon=":material/add_box:", key="workspace_start"):
            try:
                state.start_workspace(season)
            except OverlapError as error:
                st.error(str(error))
                return
            st.rerun()
        return
    passphrase = st.text_input(
        f"Passphrase to save with ({MIN_PASSPHRASE_CHARS} characters or more)",
        type="password",
        key="workspace_save_passphrase",
    )
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        st.caption("The workspace holds people's details, so it is saved encrypted.")
        return
    synced = state.synced_workspace()
    common.download(
        "Save workspace",
        lambda: synced.sealed(passphrase),
        state.workspace_file(),
        key="workspace_save",
        icon=":material/save:",
        help="Downloads the workspace, encrypted with this passphrase. Keep both safe.",
    )
