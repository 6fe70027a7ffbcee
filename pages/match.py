"""Step 2: check the data quality, choose how strict to be, and match."""

import time

import pandas as pd
import streamlit as st

from overlap.errors import OverlapError
from ui import common, state

st.title("Find the people your programmes share")

if not common.need_rosters():
    st.stop()

entries = state.rosters()

st.subheader("How complete are your rosters?")
st.write(
    "Matching works best when records carry more than a name. Each column shows the share "
    "of people in that roster with the detail filled in."
)
rows, unlinkable = [], []
with st.spinner("Checking how complete each roster is…"):
    qualities = [state.quality(entry) for entry in entries]
for entry, (share, link) in zip(entries, qualities, strict=True):
    rows.append(
        {
            "Programme": entry.programme,
            "People (rows)": entry.rows,
            **{name: round(100 * value, 1) for name, value in share.items()},
        }
    )
    unlinkable.append(
        {
            "Programme": entry.programme,
            "No name (cannot be linked)": link["no name"],
            "Name only (matched on names alone)": link["name only"],
            "Ready to match": link["linkable"],
        }
    )
quality = pd.DataFrame(rows)
percent_columns = [c for c in quality.columns if c not in ("Programme", "People (rows)")]
st.dataframe(
    quality,
    hide_index=True,
    width="stretch",
    column_config={
        "Programme": st.column_config.TextColumn("Programme", pinned=True),
        **{c: st.column_config.NumberColumn(c, format="%.0f%%") for c in percent_columns},
    },
)
links = pd.DataFrame(unlinkable)
st.dataframe(links, hide_index=True, width="stretch")
cannot = int(links["No name (cannot be linked)"].sum())
if cannot:
    st.caption(
        f"{cannot:,} record(s) have no name; they still count as people in their own programme, "
        "but cannot be found in another."
    )
names_alone = int(links["Name only (matched on names alone)"].sum())
if names_alone:
    st.caption(
        f"{names_alone:,} record(s) have a name and nothing else. They are matched on the name "
        "alone, so two people of the same name may be taken for one: the counts that involve them "
        "are rough (the Overlap page says how rough). A date of birth, address, phone or email "
        "column would let them be told apart."
    )

st.subheader("How strict should matching be?")
labels = list(state.STRICTNESS)
choice = st.radio(
    "Strictness",
    labels,
    index=labels.index(state.strictness()),
    horizontal=True,
    captions=[
        "Fewer matches, almost never wrong.",
        "Only matches the model is quite sure of.",
        "The default: records more likely than not the same person; a few may be family "
        "members or namesakes — check them on Review.",
    ],
    key="strictness_choice",
    label_visibility="collapsed",
)
if choice != state.strictness():
    state.set_strictness(choice)  # re-groups the existing match; no new matching needed
    if state.result() is not None:
        st.toast("Strictness changed: the people and charts were updated.", icon=":material/tune:")


STAGE_WORDS = {
    "read": "Reading the files",
    "normalise": "Tidying names, dates, addresses and phones",
    "block": "Finding records that could be the same person",
    "compare": "Comparing them field by field",
    "model": "Learning what a match looks like in these rosters",
    "score": "Scoring each possible pair",
    "cluster": "Grouping records into people",
}
COUNT_WORDS = {
    "files": "files",
    "rows": "rows",
    "problem_rows": "rows with problems",
    "records": "records",
    "programmes": "programmes",
    "candidate_pairs": "possible pairs",
    "skipped_blocks": "over-large groups left out",
    "pairs": "pairs",
    "comparisons": "fields compared",
    "links": "likely matches",
    "household_guarded": "pairs kept apart as likely family members",
    "people": "people",
}


def _stage_line(info) -> str:
    """One stage of the match in plain words: what it did, its counts and its time."""
    if not isinstance(info, dict):
        return str(info)
    stage = str(info.get("stage", ""))
    counts = [
        f"{value:,} {COUNT_WORDS[name]}"
        for name, value in info.items()
        if name in COUNT_WORDS
        and isinstance(value, int)
        and not isinstance(value, bool)
        and not (name == "skipped_blocks" and value == 0)
    ]
    text = f"**{STAGE_WORDS.get(stage, stage.replace('_', ' ').capitalize())}**"
    if counts:
        text += ": " + ", ".join(counts)
    seconds = info.get("seconds")
    if isinstance(seconds, int | float):
        text += f" — {seconds:.1f} s"
    return text


total_rows = sum(e.rows for e in entries)
button_label = "Match again" if state.result() is not None else "Find shared people"
if st.button(button_label, type="primary", icon=":material/join_inner:", key="run_match"):
    started = time.perf_counter()
    with st.status(
        f"Matching {total_rows:,} records from {len(entries)} rosters…", expanded=True
    ) as status:

        def progress(stage, info=None):
            info = dict(info or {})
            info.setdefault("stage", stage)
            status.write(_stage_line(info))
            status.update(label=f"Matching… {STAGE_WORDS.get(stage, stage)}: done")

        try:
            result = state.run_match(progress)
        except OverlapError as error:
            status.update(label="The match could not run", state="error", expanded=True)
            st.error(str(error))
            st.stop()
        except Exception as error:  # never show a traceback (it could quote a cell)
            status.update(label="The match stopped unexpectedly", state="error", expanded=True)
            st.error(
                f"The match stopped unexpectedly ({type(error).__name__}). Nothing was saved; "
                "check the column choices on Rosters and try again."
            )
            st.stop()
        elapsed = time.perf_counter() - started
        status.update(
            label=f"Done: {total_rows:,} records matched in {elapsed:.1f} s",
            state="complete",
            expanded=False,
        )

result = state.result()
if result is not None:
    if state.result_is_stale():
        st.warning("Your rosters or column choices changed since this match; run it again.")
    people = int(result.records["person_id"].nunique())
    st.success(
        f"{len(result.records):,} records are {people:,} different people "
        f"({state.strictness().split(' —')[0].lower()} matching)."
    )
    stats = state.match_stats()
    if stats:
        with st.expander("What the match did, step by step"):
            for info in stats:
                st.markdown("- " + _stage_line(info))
    st.page_link(
        common.PAGES["review"],
        label="Next: review the uncertain pairs",
        icon=":material/fact_check:",
    )
    st.page_link(
        common.PAGES["overlap"],
        label="Or go straight to the overlap",
        icon=":material/bubble_chart:",
    )
