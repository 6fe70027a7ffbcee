"""Step 1: add rosters, name each programme, check what was read and fix the columns."""

import dataclasses

import pandas as pd
import streamlit as st

from overlap.mapping import missing_required
from overlap.split_rows import describe_rows_naming_two
from ui import common, state

FORMATS = {
    "csv": "comma-separated text (CSV)",
    "tsv": "tab-separated text",
    "semicolon": "semicolon-separated text",
    "pipe": "pipe-separated text",
    "xlsx": "Excel workbook (.xlsx)",
    "xls": "older Excel workbook (.xls)",
    "ods": "OpenDocument spreadsheet (.ods)",
}
FIELD_LABELS, KEEP, IGNORE = common.FIELD_LABELS, common.KEEP, common.IGNORE

st.title("Your rosters")
st.write(
    "Add two or more rosters: spreadsheets or CSV files exported from any system. "
    "Overlap reads them here, in this session only, and never saves them."
)

left, right = st.columns([3, 1], vertical_alignment="center")
with left:
    uploads = st.file_uploader(
        "Add roster files",
        type=state.UPLOAD_TYPES,
        accept_multiple_files=True,
        key=state.uploader_key(),
        help="CSV, TSV, TXT, Excel (.xlsx, .xls) or OpenDocument (.ods).",
    )
with right:
    if st.button("Try with sample rosters", icon=":material/science:", key="load_samples"):
        state.clear_messages()
        with st.spinner("Reading the sample rosters…"):
            added = state.load_samples()
        if added == 0 and not state.sample_files():
            state.messages().append(("error", "The sample rosters are missing from data/samples."))
        st.rerun()

if uploads:
    state.clear_messages()
    with st.spinner(f"Reading {len(uploads)} file(s)…"):
        for upload in uploads:
            state.add_file(upload.name, upload.getvalue())
    state.reset_uploader()  # the uploader lets go of the files; the session keeps what was read
    st.rerun()

for level, text in state.messages():
    (st.error if level == "error" else st.warning)(text)
if state.messages() and st.button("Dismiss these messages", key="dismiss_messages"):
    state.clear_messages()
    st.rerun()


def _describe(roster) -> str:
    parts = [FORMATS.get(roster.format, roster.format)]
    if roster.encoding:
        parts.append(f"text encoding {roster.encoding}")
    if roster.sheet:
        others = len(roster.sheets) - 1
        parts.append(f"sheet “{roster.sheet}”" + (f" (of {len(roster.sheets)})" if others else ""))
    parts.append(f"header on line {roster.header_row}")
    parts.append(f"{len(roster.frame):,} rows, {roster.frame.shape[1]} columns")
    return "; ".join(parts)


def _mapping_frame(entry) -> pd.DataFrame:
    columns = list(entry.roster.frame.columns)
    return pd.DataFrame(
        {
            "Column in your file": columns,
            "Means": [
                IGNORE
                if entry.mapping.get(c) == "ignore"
                else FIELD_LABELS.get(entry.mapping.get(c, ""), KEEP)
                for c in columns
            ],
            "Why we think so": [entry.evidence.get(c, "") for c in columns],
        }
    )


def _mapping_changed(key: str, editor_key: str) -> None:
    entry = state.roster_by_key(key)
    if entry is None:
        return
    edits = (state.widget_value(editor_key) or {}).get("edited_rows", {})
    mapping = common.mapping_after_edits(entry.mapping, list(entry.roster.frame.columns), edits)
    state.set_mapping(key, mapping)


def _preview(entry) -> pd.DataFrame:
    from overlap.mapping import apply_mapping
    from overlap.normalise import normalise_fields

    head = dataclasses.replace(entry.roster, frame=entry.roster.frame.head(5), problems=[])
    mapped = apply_mapping(head, entry.mapping)
    clean = normalise_fields(mapped.fields)
    shown = [
        c
        for c in [
            "first_name",
            "last_name",
            "dob",
            "street",
            "city",
            "state",
            "zip",
            "phone",
            "email",
        ]
        if c in clean
    ]
    clean = clean[shown]
    return clean.loc[:, (clean != "").any(axis=0)].rename(columns=lambda c: FIELD_LABELS.get(c, c))


def _name_changed(key: str) -> None:
    state.set_programme(key, state.widget_value(f"name_{key}"))


def _sector_changed(key: str) -> None:
    state.set_sector(key, state.widget_value(f"sector_{key}"))


entries = state.rosters()
if not entries:
    st.info("No rosters yet. Add your files above, or try the sample rosters to see how it works.")
for entry in entries:
    with st.container(border=True):
        st.subheader(entry.programme)
        st.caption(f"From {entry.file_name}: {_describe(entry.roster)}")
        name_col, sector_col, remove_col = st.columns([3, 2, 1], vertical_alignment="bottom")
        name_key, sector_key = f"name_{entry.key}", f"sector_{entry.key}"
        state.seed_widget(name_key, entry.programme)
        state.seed_widget(sector_key, entry.sector)
        name_col.text_input(
            "Programme name", key=name_key, on_change=_name_changed, args=(entry.key,)
        )
        sector_col.selectbox(
            "Sector", state.SECTORS, key=sector_key, on_change=_sector_changed, args=(entry.key,)
        )
        if remove_col.button("Remove", key=f"remove_{entry.key}", icon=":material/close:"):
            state.remove_roster(entry.key)
            st.rerun()
        if entry.data is not None and len(entry.roster.sheets) > 1:
            sheets = list(entry.roster.sheets)
            chosen = st.selectbox(
                "Sheet of the workbook to use",
                sheets,
                index=sheets.index(entry.roster.sheet) if entry.roster.sheet in sheets else 0,
                key=f"sheet_{entry.key}_{entry.version}",
            )
            if chosen != entry.roster.sheet:
                state.set_sheet(entry.key, chosen)
                st.rerun()
        if missing_required(entry.mapping):
            st.warning(
                "We found no column with names in this roster; under “Columns”, say which column "
                "holds the full name (or the first and last names)."
            )
        for note in entry.roster.notes:
            st.caption(f"ℹ️ {note}")
        shared = describe_rows_naming_two(state.rows_naming_two_people(entry))
        if shared:
            st.caption(f"ℹ️ {shared}")

        problems = entry.roster.problems
        # collapsed once there are several rosters, so eight of them still fit on a screen or two
        details = st.expander(
            f"Columns, problems ({len(problems)}) and preview",
            expanded=len(entries) <= 2 or bool(missing_required(entry.mapping)),
            key=f"details_{entry.key}",
        )
        tab_columns, tab_problems, tab_preview = details.tabs(
            ["Columns", f"Problems found ({len(problems)})", "Preview"]
        )
        with tab_columns:
            st.write(
                "What each column holds. Change “Means” where we guessed wrong; other columns "
                "are kept so you can group people by them later."
            )
            editor_key = f"mapping_{entry.key}_{entry.version}"
            st.data_editor(
                _mapping_frame(entry),
                key=editor_key,
                hide_index=True,
                width="stretch",
                disabled=["Column in your file", "Why we think so"],
                column_config={
                    "Means": st.column_config.SelectboxColumn(
                        "Means", options=[*FIELD_LABELS.values(), KEEP, IGNORE], required=True
                    )
                },
                on_change=_mapping_changed,
                args=(entry.key, editor_key),
            )
            used = [
                c
                for c in entry.roster.frame.columns
                if entry.mapping.get(c, "") not in ("", "ignore")
            ]
            kept = [c for c in entry.roster.frame.columns if c not in entry.mapping]
            st.caption(
                f"Used for matching: {', '.join(used) or 'nothing yet'}. "
                f"Kept to group by: {', '.join(kept) or 'nothing'}."
            )
        with tab_problems:
            if problems:
                table = pd.DataFrame(
                    {
                        "row": [p.row for p in problems],
                        "line in file": [p.line if p.line is not None else "" for p in problems],
                        "reason": [p.reason for p in problems],
                    }
                )
                st.write("These rows were kept, but are not quite what the header promised:")
                st.dataframe(table, hide_index=True, width="stretch")
                common.download_csv(
                    "Download the problem list (CSV)",
                    table,
                    f"{entry.programme}-problems.csv",
                    key=f"problems_{entry.key}",
                )
            else:
                st.success("No problems found: every row has the columns the header promises.")
        with tab_preview:
            st.write("The first few rows as Overlap will compare them (cleaned and standardised):")
            try:
                st.dataframe(_preview(entry), hide_index=True, width="stretch")
            except Exception as error:  # a preview must never take the page down
                st.warning(f"The preview could not be made ({type(error).__name__}).")

if len(entries) >= 2:
    st.page_link(
        common.PAGES["match"],
        label="Next: find the people they share",
        icon=":material/arrow_forward:",
    )
