"""The "report for the board" block of the Overlap and Reach pages: one click, PDF and HTML."""

from __future__ import annotations

import streamlit as st

from overlap.errors import OverlapError
from ui import common, state


def board_report_block(key: str, partners: list[str] | None = None, column: str = "zip") -> None:
    """Offer the board report of this session's match: make it (with progress), then download.

    Args:
        key: a name for this page's report (its widgets and stored files).
        partners: the partners of the joint initiative for the ranking (default: all).
        column: the column areas are ranked by.
    """
    from overlap.report import figures, render_svgs, report_data, report_html, report_pdf
    from overlap.uncertainty import ranged_summary

    result = state.result()
    fingerprint = (id(result), tuple(partners or ()), column, state.strictness())
    st.subheader("A report for your board")
    st.write(
        "The numbers and charts of this match on a few printable pages, as a PDF and as a "
        "web page: counts only, no person's name or details, counts below 11 hidden."
    )
    if st.button("Make the board report", icon=":material/summarize:", key=f"{key}_make"):
        with st.status("Making the report…", expanded=True) as status:
            try:
                status.write("Counting people by programme and by area")
                data = report_data(
                    result.records,
                    summary=ranged_summary(result, state.count_draws()),
                    threshold=state.threshold(),
                    strictness=state.strictness(),
                    partners=partners,
                    reach_column=column,
                    attributes=result.attributes,
                )
                status.write("Drawing the charts")
                page = report_html(data, svgs=render_svgs(figures(data)))
                status.write("Printing the PDF")
                pdf = report_pdf(page)
            except OverlapError as error:
                status.update(label="The report could not be made", state="error")
                st.error(str(error))
                return
            status.update(label="The report is ready", state="complete", expanded=False)
        state.set_board_report(key, fingerprint, (pdf, page.encode("utf-8")))
    files = state.board_report(key, fingerprint)
    if files is None:
        return
    left, right = st.columns(2)
    with left:
        common.download("Download the report (PDF)", files[0], "overlap-report.pdf", f"{key}_pdf")
    with right:
        common.download(
            "Download the report (web page)", files[1], "overlap-report.html", f"{key}_html"
        )
