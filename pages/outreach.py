"""Act on the overlap: pick who to reach, split them among volunteers, save the plan."""

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from overlap.crypto import MIN_PASSPHRASE_CHARS
from overlap.errors import OverlapError
from overlap.outreach import (
    PERSONAL_DATA_NOTICE,
    TargetConditions,
    build_target_list,
    display_targets,
    list_by_batch,
    make_batches,
    make_plan,
)
from ui import common, state

st.title("Outreach lists")
st.write(
    "Choose who to reach: for example people in one programme who are not yet in another. "
    "Each person appears once, with every phone and email your rosters hold for them."
)

result = common.result_or_stop()
records = result.records
attributes = result.attributes
programmes = list(dict.fromkeys(records["programme"].astype(str)))

# --- Who ----------------------------------------------------------------------------------
st.subheader("Who should be on the list?")
# one picker per row: with many programmes, every chosen name stays readable
in_any = st.multiselect(
    "People in any of",
    programmes,
    default=programmes[:1],
    key="outreach_in_any",
    help="Leave empty to start from everyone in every roster.",
)
in_all = st.multiselect(
    "…and in every one of",
    programmes,
    key="outreach_in_all",
    help="Only people found in all of these programmes.",
)
not_in = st.multiselect(
    "…but not in",
    programmes,
    default=programmes[1:2],
    key="outreach_not_in",
    help="Leave out people these programmes already serve.",
)


def _choices(values: pd.Series, limit: int = 500) -> list[str]:
    counts = values.fillna("").astype(str).str.strip()
    counts = counts[counts != ""].value_counts()
    return sorted(counts.index[:limit].tolist())


area_left, area_right = st.columns(2)
zips = area_left.multiselect(
    "In these ZIP codes",
    _choices(records["zip"]),
    key="outreach_zips",
    help="Uses the address we would use to reach each person.",
)
cities = area_right.multiselect(
    "In these cities",
    _choices(records["city"].str.title()),
    key="outreach_cities",
)

where: dict[str, list[str]] = {}
if len(attributes.columns):
    filters = state.outreach_filters()
    for i in range(filters):
        filter_left, filter_right = st.columns(2)
        column = filter_left.selectbox(
            "Also filter by a column of your rosters" if i == 0 else "…and by",
            ["(no filter)", *attributes.columns],
            key=f"outreach_where_column_{i}",
            help="For example language or age band; people with any of the chosen values in "
            "any of their records are kept.",
        )
        if column != "(no filter)":
            values = filter_right.multiselect(
                f"{column} is one of",
                _choices(attributes[column]),
                key=f"outreach_where_values_{i}_{column}",
            )
            if values:
                where.setdefault(column, []).extend(values)

    if filters < 5:
        st.button("Add another filter", icon=":material/add:", on_click=state.add_outreach_filter)

carried = st.multiselect(
    "Add columns from your rosters to the list",
    list(attributes.columns),
    key="outreach_columns",
    help="For example preferred language: each person's values from all their records.",
)
conditions = TargetConditions(
    in_any=in_any, in_all=in_all, not_in=not_in, zips=zips, cities=cities, where=where
)
try:
    people = build_target_list(
        records,
        conditions,
        attributes=attributes,
        links=result.links,
        as_typed=result.as_typed,
        columns=carried,
    )
except OverlapError as error:
    st.error(str(error))
    st.stop()
table = display_targets(people)

st.metric("People on the list", f"{len(table):,}", help=conditions.describe())
st.caption(f"Who: {conditions.describe()}.")
st.dataframe(table, hide_index=True, width="stretch", key="outreach_table")
stem = "outreach-list"
download_left, download_right = st.columns(2)
with download_left:
    common.download_csv("Download the list (CSV)", table, f"{stem}.csv", "outreach_download_csv")
with download_right:
    common.download_xlsx(
        "Download the list (Excel)",
        table,
        f"{stem}.xlsx",
        "outreach_download_xlsx",
        sheet_name="Outreach list",
    )
st.caption(
    "Names, addresses and phones are shown as your rosters wrote them. These files hold "
    "contact details: share them only with the people doing the outreach. A cell a "
    "spreadsheet could run as a formula (one starting with = + - @) gets a ' mark in front."
)

if table.empty:
    st.info("Nobody meets these conditions; loosen them to build a plan.")
    st.stop()

# --- Batches and goals --------------------------------------------------------------------
st.subheader("Split the list and set goals")
split_labels = {"zip": "By ZIP code", "city": "By city", "volunteer": "N per volunteer"}
by = st.segmented_control(
    "Split the list",
    list(split_labels),
    format_func=split_labels.get,
    default="zip",
    required=True,
    key="outreach_split",
)
size_col, goal_col = st.columns(2)
per_volunteer = size_col.number_input(
    "People per volunteer",
    min_value=1,
    max_value=10_000,
    value=25,
    step=5,
    key="outreach_per_volunteer",
    disabled=by != "volunteer",
)
goal_pct = goal_col.slider(
    "Goal: share of each batch we hope to see next season",
    min_value=0,
    max_value=100,
    value=25,
    step=5,
    format="%d%%",
    key="outreach_goal_pct",
)
batches = make_batches(people, by=by, per_volunteer=int(per_volunteer), goal_share=goal_pct / 100)
batch_table = pd.DataFrame(
    {
        "batch": [b.name for b in batches],
        "people": [len(b.targets) for b in batches],
        "goal": [b.goal for b in batches],
    }
)
edited = st.data_editor(
    batch_table,
    hide_index=True,
    width="stretch",
    disabled=["batch", "people"],
    column_config={
        "batch": st.column_config.TextColumn("Batch"),
        "people": st.column_config.NumberColumn("People"),
        "goal": st.column_config.NumberColumn(
            "Goal", min_value=0, step=1, help="How many of them you hope to see; edit freely."
        ),
    },
    key=f"outreach_batches_{by}_{per_volunteer}_{goal_pct}_{len(table)}",
)
for batch, goal in zip(batches, edited["goal"].tolist(), strict=True):
    batch.goal = int(goal) if pd.notna(goal) else 0
st.caption(f"Total goal: {sum(b.goal for b in batches):,} of {len(table):,} people.")
by_batch = list_by_batch(table, batches)
common.download_xlsx(
    "Download the list by batch (Excel)",
    by_batch,
    "outreach-list-by-batch.xlsx",
    "outreach_download_batches",
    sheet_name="Outreach by batch",
    help="Every person with their batch and its goal, ready to hand to volunteers.",
)

# --- The plan -----------------------------------------------------------------------------
st.subheader("Save the plan")
title = st.text_input(
    "Name of the plan",
    value=f"Outreach {date.today():%B %Y}",
    key="outreach_title",
)
# built when needed (a large list takes seconds): on download, or on the Follow-up page
plan_maker = partial(make_plan, records, people, conditions, batches, title=title)
state.set_draft_plan(plan_maker)


st.warning(PERSONAL_DATA_NOTICE, icon=":material/lock:")
passphrase = st.text_input(
    "Passphrase for the plan file",
    type="password",
    key="outreach_passphrase",
    help="The plan holds personal data, so it is saved encrypted. You need this passphrase "
    "to open it on the Follow-up page; it cannot be recovered.",
)
if len(passphrase) >= MIN_PASSPHRASE_CHARS:

    def _plan_bytes(maker=plan_maker, secret=passphrase) -> bytes:
        return maker().to_sealed(secret)

    common.download(
        "Download the plan (encrypted)",
        _plan_bytes,
        "outreach-plan.owl",
        "outreach_download_plan",
        help="Load this file on the Follow-up page next season, with the new roster.",
        icon=":material/save:",
    )
else:
    st.caption(
        f"Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters to download the "
        "plan: it is saved encrypted."
    )
st.caption(
    "Next season, open Follow-up, load this plan and the programme's new roster to see "
    "how many of these people you reached."
)
st.page_link(common.PAGES["follow-up"], label="Go to Follow-up", icon=":material/arrow_forward:")
