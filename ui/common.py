"""Small widgets every page shares: empty states, safe downloads, page links."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from overlap.analyse import SMALL_CELL_THRESHOLD, suppress_small_counts
from overlap.export import safe_csv_bytes
from ui import state

PAGES = {
    "rosters": "pages/rosters.py",
    "match": "pages/match.py",
    "review": "pages/review.py",
    "overlap": "pages/overlap.py",
    "reach": "pages/reach.py",
}


def need_rosters(minimum: int = 2) -> bool:
    """Show what to do first when this session has too few rosters; True when enough."""
    if len(state.rosters()) >= minimum:
        return True
    st.info(
        "Start by adding your rosters (two or more), or try the sample rosters.",
        icon=":material/upload_file:",
    )
    st.page_link(PAGES["rosters"], label="Go to Rosters", icon=":material/arrow_forward:")
    return False


def need_result() -> bool:
    """Show what to do first when there is no match yet; True when there is one."""
    if state.result() is None:
        if not need_rosters():
            return False
        st.info(
            "Run the match first to see who your programmes share.", icon=":material/join_inner:"
        )
        st.page_link(PAGES["match"], label="Go to Match", icon=":material/arrow_forward:")
        return False
    if state.result_is_stale():
        st.warning(
            "Your rosters or column choices changed since the last match; these numbers are "
            "for the earlier version. Run the match again to bring them up to date.",
            icon=":material/update:",
        )
        st.page_link(PAGES["match"], label="Run the match again", icon=":material/refresh:")
    return True


def download_csv(
    label: str, frame: pd.DataFrame, file_name: str, key: str, help: str | None = None
) -> None:
    """A download button whose CSV cannot run as a spreadsheet formula."""
    st.download_button(
        label,
        data=safe_csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        help=help,
        on_click="ignore",
        icon=":material/download:",
    )


def download_counts(
    label: str,
    frame: pd.DataFrame,
    file_name: str,
    key: str,
    count_columns: list[str] | None = None,
) -> None:
    """A download of a table of counts, small counts hidden unless the user opts out."""
    hide = st.checkbox(
        f"Hide counts below {SMALL_CELL_THRESHOLD} in this download (recommended when sharing with partners)",
        value=True,
        key=f"{key}_suppress",
    )
    out = suppress_small_counts(frame, count_columns) if hide else frame
    download_csv(label, out, file_name, key)


KEEP = "(other information — keep it to group by)"
IGNORE = "(ignore this column)"
FIELD_LABELS = {
    "record_id": "Record ID",
    "full_name": "Full name (all in one)",
    "first_name": "First name",
    "middle_name": "Middle name",
    "last_name": "Last name",
    "suffix": "Suffix (Jr, Sr, III)",
    "dob": "Date of birth",
    "sex": "Sex / gender",
    "address": "Address (all in one line)",
    "street": "Street address",
    "unit": "Apartment / unit",
    "city": "City",
    "state": "State",
    "zip": "ZIP code",
    "phone": "Phone",
    "email": "Email",
}
LABEL_TO_FIELD = {label: f for f, label in FIELD_LABELS.items()}


def mapping_after_edits(
    mapping: dict[str, str], columns: list[str], edited_rows: dict
) -> dict[str, str]:
    """A column mapping with the mapping table's edits applied.

    Args:
        mapping: raw column -> canonical field, before the edits.
        columns: the file's columns, in the table's row order.
        edited_rows: ``st.data_editor``'s ``{row: {"Means": label}}``.

    Returns:
        The new mapping: a field label maps the column to that field, "ignore"
        drops it, "keep" leaves it as an attribute (not in the mapping).
    """
    out = dict(mapping)
    for row, change in edited_rows.items():
        if "Means" not in change:
            continue
        column = columns[int(row)]
        label = change["Means"] or KEEP
        field = "ignore" if label == IGNORE else LABEL_TO_FIELD.get(label, "")
        if field:
            out[column] = field
        else:
            out.pop(column, None)
    return out


GROUP_LABELS = {"zip": "ZIP code", "city": "City", "state": "State"}


def group_columns(result) -> dict[str, str]:
    """Columns people can be grouped by: label shown -> column (records field or attribute)."""
    options: dict[str, str] = {}
    records = result.records
    for column, label in GROUP_LABELS.items():
        if column in records.columns and (records[column].astype(str) != "").any():
            options[label] = column
    attributes = getattr(result, "attributes", None)
    if attributes is not None:
        for column in attributes.columns:
            if column in options.values():
                continue
            filled = attributes[column].astype(str).str.strip() != ""
            if filled.any():
                options[str(column) if str(column) not in options else f"{column} (column)"] = (
                    column
                )
    return options


def suppress_toggle(key: str) -> bool:
    """The on-screen small-cell switch (downloads have their own, on by default)."""
    return st.toggle(
        f"Hide counts below {SMALL_CELL_THRESHOLD} on screen (use this when showing these charts to partners)",
        value=False,
        key=key,
    )
