"""Step 5: where a joint initiative of the chosen programmes reaches the most people."""

import pandas as pd
import streamlit as st

from overlap import analyse, charts
from ui import common
from ui.board_report import board_report_block

st.title("Where working together reaches the most people")

result = common.result_or_stop()
records = result.records
membership = analyse.person_programmes(records)
all_programmes = list(membership.columns)

partners = (
    st.pills(
        "Partners in the initiative",
        all_programmes,
        selection_mode="multi",
        default=all_programmes,
        key="reach_partners",
    )
    or []
)
options = common.group_columns(result)
if not options:
    st.info("No column to group by: the rosters have no ZIP, city or extra columns.")
    st.stop()
label = st.selectbox("Areas (or any column)", list(options), key="reach_group")
if len(partners) < 1:
    st.info("Choose at least one partner.")
    st.stop()

suppress = common.suppress_toggle("suppress_reach")
ranked, not_given = charts.set_aside_unknown(
    analyse.reach_ranking(records, options[label], partners, result.attributes)
)
rank_options = {"everyone the partners reach": "union"} | {
    f"people new to {p}": f"new to {p}" for p in partners if len(partners) > 1
}
sort_col, top_col = st.columns(2)
rank_by = sort_col.selectbox("Rank areas by", list(rank_options), key="reach_rank_by")
top = top_col.slider("How many areas to show", 5, 50, 15, key="reach_top")
ranked = ranked.sort_values(
    [rank_options[rank_by], "union", "group"], ascending=[False, False, True], kind="stable"
).reset_index(drop=True)

best = ranked.iloc[0] if len(ranked) else None
if best is not None:
    reached = int(best["union"])
    reached_text = "fewer than 11" if suppress and reached < 11 else f"{reached:,}"
    if rank_options[rank_by] == "union":
        st.markdown(
            f"The most people are in **{label} {best['group']}**: {reached_text} people served "
            "by at least one partner."
        )
    else:
        new = int(best[rank_options[rank_by]])
        new_text = "fewer than 11" if suppress and 0 < new < 11 else f"{new:,}"
        st.markdown(
            f"The most {rank_by} are in **{label} {best['group']}**: {new_text}, out of "
            f"{reached_text} people the partners reach there."
        )
st.plotly_chart(charts.reach_bar(ranked, top=top, suppress=suppress), key="reach_bar")
common.not_given_note(not_given, label)
if options[label] == "zip":
    common.zip_map(ranked, "union", "People reached, by ZIP", suppress, key="reach_map")

st.write(
    "“New to P” counts the people the other partners already serve in that area whom P does "
    "not serve yet: the people P would meet through the partnership."
)
count_columns = [c for c in ranked.columns if c != "group"]
shown = analyse.suppress_small_counts(ranked, count_columns) if suppress else ranked
shown = shown.head(top).rename(
    columns={"group": label, "union": "reached", "shared": "shared by 2+"}
)
st.dataframe(
    shown, hide_index=True, width="stretch", column_config=common.narrow_columns(shown, label)
)
common.reach_ranges(ranked.head(top), options[label], partners, label, suppress)
common.download_counts(
    "Download the ranking (CSV)",
    ranked.rename(columns={"group": label, "union": "reached", "shared": "shared by 2+"}),
    "overlap-reach.csv",
    "dl_reach",
    [
        c if c not in ("union", "shared") else {"union": "reached", "shared": "shared by 2+"}[c]
        for c in count_columns
    ],
)

if len(partners) >= 2:
    st.subheader("Untapped: in one partner's network, not yet served by another")
    chosen = membership[partners]
    rows = [
        {"in the network of": a, "not yet served by": b, "people": analyse.untapped(chosen, a, b)}
        for a in partners
        for b in partners
        if a != b
    ]
    untapped = pd.DataFrame(rows)
    st.dataframe(
        analyse.suppress_small_counts(untapped, ["people"]) if suppress else untapped,
        hide_index=True,
        width="stretch",
    )

board_report_block("reach_report", partners=partners, column=options[label])
