"""Step 4: whom the programmes share — headline numbers, Venn, UpSet, heatmap, by place."""

import pandas as pd
import streamlit as st

from overlap import analyse, charts
from overlap.audit import audit_words
from ui import common, state
from ui.board_report import board_report_block

st.title("Who your programmes share")

result = common.result_or_stop()
records = result.records
membership = analyse.person_programmes(records)
summary = analyse.overlap_summary(records)
programmes = list(membership.columns)
shared_people = int((membership.sum(axis=1) >= 2).sum())
duplicates = analyse.duplicates_within(records).set_index("programme")

suppress = common.suppress_toggle("suppress_overlap")


def show(n: int) -> str:
    return "<11" if suppress and 0 < n < analyse.SMALL_CELL_THRESHOLD else f"{n:,}"


st.subheader("At a glance")
top = st.columns(3)
top[0].metric(
    "People reached (each once)",
    show(summary["union_people"]),
    help="All programmes together: each person counted once, however many programmes they are in.",
)
top[1].metric("In two or more programmes", show(shared_people))
top[2].metric("Records uploaded", f"{len(records):,}")
common.how_sure(summary, shared_people, suppress)
# One row per programme (a table wraps long programme names; metrics would cut them off)
st.table(
    pd.DataFrame(
        {
            "Programme": programmes,
            "People": [show(summary["programmes"][p]["people"]) for p in programmes],
            "Records": [f"{summary['programmes'][p]['records']:,}" for p in programmes],
            "Repeats inside the roster": [
                f"{int(duplicates.loc[p, 'duplicates']):,}" for p in programmes
            ],
        }
    ).set_index("Programme"),
)
st.caption(
    "Repeats inside the roster: records that are the same person as another record of the "
    "same roster."
)

st.subheader("How the programmes overlap")
if 2 <= len(programmes) <= 3:
    st.plotly_chart(charts.venn_figure(membership, suppress=suppress), key="venn")
elif len(programmes) > 3:
    venn_of = (
        st.pills(
            "Draw the circles (Venn diagram) for two or three programmes",
            programmes,
            selection_mode="multi",
            default=programmes[:3],
            key="venn_programmes",
        )
        or []
    )[:3]
    if len(venn_of) >= 2:
        chosen = membership[venn_of]
        st.plotly_chart(
            charts.venn_figure(chosen[chosen.any(axis=1)], suppress=suppress), key="venn"
        )
mode_label = st.radio(
    "Count each person…",
    [
        "once, in the exact combination of programmes they are in (exclusive)",
        "in every combination they are part of (inclusive)",
    ],
    key="upset_mode",
    help="Exclusive bars add up to everyone reached. Inclusive bars answer “how many are in at "
    "least A and B?”, so one person can count in several bars.",
)
mode = "inclusive" if "inclusive" in mode_label else "exclusive"
st.plotly_chart(charts.upset_figure(membership, mode=mode, suppress=suppress), key="upset")
st.plotly_chart(charts.heatmap_figure(membership, suppress=suppress), key="heatmap")

pairwise = pd.DataFrame(summary["pairwise"]).rename(
    columns={"a": "programme", "b": "other programme", "shared_people": "shared people"}
)
intersections = (
    analyse.exclusive_intersections(membership)
    if mode == "exclusive"
    else analyse.inclusive_intersections(membership)
)
combos = pd.DataFrame(
    {
        "programmes": [" + ".join(c["programmes"]) for c in intersections],
        "people": [c["people"] for c in intersections],
    }
)
d1, d2 = st.columns(2)
with d1:
    common.download_counts(
        "Download shared people per pair (CSV)",
        pairwise,
        "overlap-pairs.csv",
        "dl_pairs",
        ["shared people"],
    )
with d2:
    common.download_counts(
        f"Download the {mode} combinations (CSV)",
        combos,
        f"overlap-{mode}.csv",
        "dl_combos",
        ["people"],
    )

common.range_tables(summary, intersections, mode == "inclusive", suppress)

st.subheader("Where: by ZIP code")
if "zip" in records.columns and (records["zip"] != "").any():
    by_zip = analyse.overlap_by_group(records, "zip")
    title = "People shared by 2+ programmes, by ZIP"
    common.zip_map(by_zip, "shared", title, suppress, key="zip_map")
else:
    st.info("These rosters have no ZIP codes, so there is no map.")

st.subheader("By any column")
options = common.group_columns(result)
if options:
    label = st.selectbox("Group people by", list(options), key="overlap_group")
    table = analyse.overlap_by_group(records, options[label], result.attributes)
    known, not_given = charts.set_aside_unknown(table)
    st.plotly_chart(
        charts.bar_by_group(known, programmes, suppress=suppress, title=f"People by {label}"),
        key="group_bars",
    )
    common.not_given_note(not_given, label)
    shown_table = analyse.suppress_small_counts(table) if suppress else table
    shown_table = shown_table.rename(columns={"group": label})
    st.dataframe(
        shown_table,
        hide_index=True,
        width="stretch",
        column_config=common.narrow_columns(shown_table, label),
    )
    common.download_counts(
        f"Download people by {label} (CSV)",
        table.rename(columns={"group": label}),
        "overlap-by-group.csv",
        "dl_groups",
        [*programmes, "shared", "union"],
    )
else:
    st.info("No column to group by: the rosters have no ZIP, city or extra columns.")

audits = state.community_audits()
if audits:
    st.subheader("Is any community matched less well?")
    st.caption(
        "The share of each group's people found in two or more rosters, with its range. A group "
        "far below the others either uses fewer of your programmes, or is matched less well: "
        "check some of its pairs on the Review page. Groups under 11 people are left out."
    )
    for audit in audits:
        for line in audit_words(audit):
            st.warning(line, icon=":material/diversity_3:")
        table = audit.table.assign(
            shown=[
                f"{s:.0%} (between {lo:.0%} and {hi:.0%})"
                for s, lo, hi in zip(
                    audit.table["share"],
                    audit.table["share_low"],
                    audit.table["share_high"],
                    strict=True,
                )
            ]
        )
        st.dataframe(
            table[["group", "people", "shown"]].rename(
                columns={
                    "group": audit.column,
                    "people": "People",
                    "shown": "In two or more rosters",
                }
            ),
            hide_index=True,
            width="stretch",
        )

board_report_block("overlap_report")

st.page_link(
    common.PAGES["reach"],
    label="Next: where working together reaches most",
    icon=":material/arrow_forward:",
)
