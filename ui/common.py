"""Small widgets every page shares: the page list, empty states, safe downloads."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from overlap.analyse import SMALL_CELL_THRESHOLD, suppress_small_counts
from overlap.export import safe_csv_bytes, safe_xlsx_bytes
from overlap.fields import FIELD_LABELS
from ui import state


@dataclass(frozen=True)
class PageInfo:
    """One page of the dashboard: its file, its title and icon in the menu, its URL."""

    path: str
    title: str
    icon: str
    url_path: str
    section: str


FIND, ACT, ABOUT = "Find your overlap", "Act on it", "About"
#: The one list of pages, in menu order (app.py builds the navigation from it).
PAGE_LIST = [
    PageInfo("pages/rosters.py", "Rosters", ":material/upload_file:", "rosters", FIND),
    PageInfo("pages/match.py", "Match", ":material/join_inner:", "match", FIND),
    PageInfo("pages/review.py", "Review", ":material/fact_check:", "review", FIND),
    PageInfo("pages/shared_people.py", "Overlap", ":material/bubble_chart:", "overlap", FIND),
    PageInfo("pages/reach.py", "Reach", ":material/map:", "reach", FIND),
    PageInfo(
        "pages/private_overlap.py", "Private overlap", ":material/lock:", "private-overlap", FIND
    ),
    PageInfo("pages/outreach.py", "Outreach lists", ":material/contact_mail:", "outreach", ACT),
    PageInfo("pages/follow_up.py", "Follow-up", ":material/event_repeat:", "follow-up", ACT),
    PageInfo("pages/seasons.py", "Seasons", ":material/timeline:", "seasons", ACT),
    PageInfo(
        "pages/privacy_note.py", "How we handle your data", ":material/shield:", "privacy", ABOUT
    ),
]
#: url path -> page file, for ``st.page_link``.
PAGES = {page.url_path: page.path for page in PAGE_LIST}


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


def result_or_stop():
    """The session's match result; without one, what to do first, and the page stops there."""
    if not need_result():
        st.stop()
    return state.result()


MIME_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
    ".html": "text/html",
    ".pdf": "application/pdf",
    ".secret": "text/plain",
    ".clk": "text/csv",
}


def download(
    label: str,
    data: bytes | Callable[[], bytes],
    file_name: str,
    key: str,
    help: str | None = None,
    icon: str = ":material/download:",
    primary: bool = False,
) -> None:
    """The one download button of the dashboard (every other helper here calls it).

    Args:
        label: the button's words.
        data: the file's bytes, or a function that makes them when clicked (for
            files that take a while to build).
        file_name: the name offered to the browser; its extension picks the MIME type.
        key: the widget key.
        help: a tooltip.
        icon: a Material icon.
        primary: draw it as the page's main action.
    """
    st.download_button(
        label,
        data=data,
        file_name=file_name,
        mime=MIME_TYPES.get(Path(file_name).suffix.lower(), "application/octet-stream"),
        key=key,
        help=help,
        on_click="ignore",
        icon=icon,
        type="primary" if primary else "secondary",
    )


def download_csv(
    label: str, frame: pd.DataFrame, file_name: str, key: str, help: str | None = None
) -> None:
    """A download button whose CSV cannot run as a spreadsheet formula."""
    download(label, safe_csv_bytes(frame), file_name, key, help=help)


def download_xlsx(
    label: str,
    frame: pd.DataFrame,
    file_name: str,
    key: str,
    sheet_name: str,
    help: str | None = None,
) -> None:
    """A download button for an Excel workbook with no formula cell, built when clicked."""
    download(label, partial(safe_xlsx_bytes, frame, sheet_name=sheet_name), file_name, key, help)


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
    attributes = result.attributes
    for column in attributes.columns:
        if column in options.values():
            continue
        filled = attributes[column].astype(str).str.strip() != ""
        if filled.any():
            options[str(column) if str(column) not in options else f"{column} (column)"] = column
    return options


def suppress_toggle(key: str) -> bool:
    """The on-screen small-cell switch (downloads have their own, on by default)."""
    return st.toggle(
        f"Hide counts below {SMALL_CELL_THRESHOLD} on screen (use this when showing these charts to partners)",
        value=False,
        key=key,
    )


# --- How sure the counts are -----------------------------------------------------------------

RANGE_NOTE = "Each range should hold the true number about 9 times in 10."


def _ranged(count: int, low: int, high: int, suppress: bool) -> str:
    """A count and its range in words, small counts hidden when suppression is on."""
    from overlap.uncertainty import in_words

    if suppress and 0 < count < SMALL_CELL_THRESHOLD:
        return "<11"
    if suppress and 0 < low < SMALL_CELL_THRESHOLD:
        return f"{count:,} (between <11 and {high:,})"
    return in_words(count, low, high)


def how_sure(summary: dict, shared_people: int, suppress: bool) -> dict | None:
    """Under the headline numbers: each with its range, warnings when too uncertain, and
    what the review changed. Returns ``summary_ranges`` (None when there is no match)."""
    from overlap.uncertainty import how_sure_notes, summary_ranges

    with st.spinner("Working out how sure each number is…"):
        draws = state.count_draws()
        if draws is None:
            return None
        ranges = summary_ranges(draws)
        before = state.ranges_before_review()
    union = _ranged(summary["union_people"], *ranges["union_people"], suppress)
    two = _ranged(shared_people, *ranges["in_two_or_more"], suppress)
    st.caption(f"People reached: {union}. In two or more programmes: {two}. {RANGE_NOTE}")
    for note in how_sure_notes(state.result(), ranges, summary):
        st.warning(note, icon=":material/help:")
    if before is not None:
        was, now = before["union_people"], ranges["union_people"]
        was2, now2 = before["in_two_or_more"], ranges["in_two_or_more"]
        st.caption(
            f"Before your review, people reached was between {was[0]:,} and {was[1]:,} and "
            f"in two or more between {was2[0]:,} and {was2[1]:,}; with your "
            f"{draws.reviewed:,} decision(s) they are between {now[0]:,} and {now[1]:,}, and "
            f"{now2[0]:,} and {now2[1]:,}."
        )
    return ranges


def range_tables(summary: dict, intersections: list[dict], inclusive: bool, suppress: bool):
    """How sure each UpSet bar and each pair is, as tables in an expander."""
    from overlap.uncertainty import intersection_ranges, summary_ranges

    draws = state.count_draws()
    if draws is None:
        return
    ranges = summary_ranges(draws)
    bars = intersection_ranges(draws, [c["programmes"] for c in intersections], inclusive)
    with st.expander("How sure each bar and each pair is"):
        st.caption(RANGE_NOTE)
        st.dataframe(
            pd.DataFrame(
                {
                    "Programmes": [" + ".join(c["programmes"]) for c in intersections],
                    "People": [
                        _ranged(c["people"], lo, hi, suppress)
                        for c, (lo, hi) in zip(intersections, bars, strict=True)
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.dataframe(
            pd.DataFrame(
                {
                    "Programme": [p["a"] for p in summary["pairwise"]],
                    "Other programme": [p["b"] for p in summary["pairwise"]],
                    "Shared people": [
                        _ranged(p["shared_people"], *ranges["pairwise"][(p["a"], p["b"])], suppress)
                        for p in summary["pairwise"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def reach_ranges(
    ranked: pd.DataFrame, column: str, partners: list[str], label: str, suppress: bool
):
    """The ranking's areas with how sure their counts are ("reached" and "shared by 2+")."""
    from overlap.analyse import reach_ranking_ranged

    result = state.result()
    draws = state.count_draws()
    if draws is None or ranked.empty:
        return
    table = reach_ranking_ranged(result.records, column, draws, partners, result.attributes)
    table = table.set_index("group").loc[ranked["group"]]
    with st.expander(f"How sure each {label} count is"):
        st.caption(RANGE_NOTE)
        st.dataframe(
            pd.DataFrame(
                {
                    label: ranked["group"].to_numpy(),
                    "Reached": [
                        _ranged(
                            int(r["union"]), int(r["union_low"]), int(r["union_high"]), suppress
                        )
                        for _, r in table.iterrows()
                    ],
                    "Shared by 2+": [
                        _ranged(
                            int(r["shared"]), int(r["shared_low"]), int(r["shared_high"]), suppress
                        )
                        for _, r in table.iterrows()
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )


#: A tile service (a ``{z}/{x}/{y}`` URL) for the maps, set by whoever runs the server;
#: unset, maps draw only the outlines that ship with Overlap and nothing is fetched.
TILES_SETTING = "OVERLAP_MAP_TILES"


def map_tiles() -> str | None:
    """The tile service the server's operator configured, or None (the default: no service)."""
    return os.environ.get(TILES_SETTING) or None


def zip_map(table: pd.DataFrame, value: str, title: str, suppress: bool, key: str) -> None:
    """A bubble per ZIP code (``charts.zip_bubble_map``) on the tiles this server may use."""
    from overlap import charts  # plotly: loaded by the pages that draw, not by every page

    figure = charts.zip_bubble_map(
        table, value=value, suppress=suppress, title=title, tiles=map_tiles()
    )
    st.plotly_chart(figure, key=key)


def not_given_note(people: int, label: str) -> None:
    """Say how many people have no value in the grouping column (listed apart, never ranked)."""
    if people:
        st.caption(
            f"{people:,} people have no {label} on file: they are counted apart here, "
            "not ranked as an area."
        )


TABLE_WIDTH = 780  # px a table may take at 1,280 px (sidebar open) without scrolling sideways


def narrow_columns(frame: pd.DataFrame, first: str) -> dict:
    """Column settings that fit a wide table of counts into the page, full names on hover.

    With many programmes a table of counts has a column per programme, each headed
    by a long name: the columns share the width and long headers are shortened,
    with the full name in the header's tooltip.

    Args:
        frame: the table as it will be shown.
        first: its label column (kept wider).

    Returns:
        ``column_config`` for ``st.dataframe``.
    """
    counts = [c for c in frame.columns if c != first]
    width = max(56, (TABLE_WIDTH - 130) // max(len(counts), 1))
    letters = max(6, width // 8)
    config = {first: st.column_config.TextColumn(first, width=130, pinned=True)}
    for column in counts:
        name = str(column)
        short = name if len(name) <= letters else name[: letters - 1] + "…"
        config[column] = st.column_config.NumberColumn(short, help=name, width=width)
    return config
