"""Seasons: a workspace's people over time, a new season's rosters, and whether outreach worked."""

import pandas as pd
import streamlit as st

from overlap.analyse import suppress_small_counts
from overlap.crypto import PassphraseError
from overlap.errors import OverlapError
from overlap.follow_up import follow_up_people, progress_chart
from overlap.outreach import OutreachPlan
from overlap.uncertainty import in_words, summary_ranges
from overlap.workspace import default_season
from overlap.workspace.figures import (
    flows_figure,
    people_by_season_figure,
    shared_over_time_figure,
)
from overlap.workspace.seasons import (
    add_plan,
    flows,
    plan_progress,
    programme_seasons,
    shared_by_season,
    stored_plans,
)
from ui import common, state

st.title("Seasons")
st.write(
    "A workspace keeps your rosters from season to season: each person keeps the same ID, so "
    "you can see who is new, who came back, who moved from one programme to another, and "
    "whether last season's outreach brought people in."
)

ws = state.synced_workspace()
if ws is None:
    st.info(
        "Open a workspace in the sidebar (“Workspace”), or match this season's rosters and keep "
        "them there as a workspace; next season, add the new rosters here.",
        icon=":material/inventory_2:",
    )
    st.stop()

# --- Add a season ---------------------------------------------------------------------------
with st.expander("Add a season's rosters", icon=":material/add_circle:", expanded=not ws.uploads):
    files = st.file_uploader(
        "The rosters of one season (CSV, Excel or OpenDocument)",
        type=state.UPLOAD_TYPES,
        accept_multiple_files=True,
        key=state.season_uploader_key(),
    )
    season = st.text_input("Season", value=default_season(), key="season_label")
    programmes = []
    for i, upload in enumerate(files or []):
        stem = upload.name.rsplit(".", 1)[0]
        options = list(dict.fromkeys([*ws.programmes, stem]))
        programmes.append(
            st.selectbox(
                f"Programme of {upload.name}",
                options,
                index=options.index(stem),
                accept_new_options=True,
                key=f"season_programme_{i}_{upload.name}",
                help="Pick the programme this roster is the new season of, or type a new one.",
            )
        )
    if st.button(
        "Add to the workspace",
        type="primary",
        icon=":material/group_add:",
        disabled=not files,
        key="season_add",
    ):
        with st.status("Adding the season…", expanded=True) as status:

            def progress(stage: str, info: dict) -> None:
                counts = ", ".join(
                    f"{k.replace('_', ' ')} {v:,}" for k, v in info.items() if isinstance(v, int)
                )
                status.write(f"{stage}: {counts} ({info.get('seconds', 0):.1f} s)")

            try:
                report = state.add_season(
                    [(f.name, f.getvalue()) for f in files], programmes, season, progress
                )
            except OverlapError as error:
                status.update(label="The season could not be added", state="error")
                st.error(str(error))
                st.stop()
            status.update(label="Done", state="complete", expanded=False)
        for sentence in report.skipped:
            st.warning(sentence, icon=":material/content_copy:")
        if report.changed:
            st.success(
                f"Added {report.records:,} records: {report.new_people:,} new people, "
                f"{report.returning_people:,} already known; {report.merges:,} merged and "
                f"{report.splits:,} split (listed under “Changes to people”).",
                icon=":material/check:",
            )
            for note in report.notes:
                st.info(note)

if not ws.uploads:
    st.stop()
# Widgets whose choices are the seasons start afresh when a season is added (a kept choice
# would still name the seasons there were, and the newest would not be shown).
SEASONS_KEY = len(ws.seasons)

# --- Overview -------------------------------------------------------------------------------
suppress = common.suppress_toggle("seasons_suppress")
table = programme_seasons(ws)
people, seasons_metric, rosters_metric = st.columns(3)
people.metric("People in the workspace", f"{len(set(ws.person_id.tolist())):,}")
seasons_metric.metric("Seasons", len(ws.seasons))
rosters_metric.metric("Rosters", len(ws.uploads))

draws = state.workspace_draws()
ranges = summary_ranges(draws) if draws is not None else {"programmes": {}, "pairwise": {}}
labels = {(u.programme, u.season): u.label for u in ws.uploads}


def _people_range(row) -> str:
    low, high = ranges["programmes"].get(labels[(row.programme, row.season)], (None, None))
    return in_words(int(row.people), low, high)


over_time, shared_tab, flows_tab, changes_tab, follow_tab = st.tabs(
    ["People by season", "Shared people", "Flows", "Changes to people", "Outreach follow-up"]
)
count_columns = ["people", "new", "returning", "gone", "new_to_all"]
column_config = {
    "programme": st.column_config.TextColumn("Programme"),
    "season": st.column_config.TextColumn("Season"),
    "people": st.column_config.NumberColumn("People"),
    "people_range": st.column_config.TextColumn("People (range)"),
    "new": st.column_config.NumberColumn("New to the programme"),
    "returning": st.column_config.NumberColumn("Returning"),
    "gone": st.column_config.NumberColumn("Gone since the season before"),
    "new_to_all": st.column_config.NumberColumn("New to every programme"),
}
with over_time:
    st.plotly_chart(people_by_season_figure(table, suppress), key="seasons_people_chart")
    shown = suppress_small_counts(table, count_columns) if suppress else table.copy()
    shown.insert(3, "people_range", [_people_range(row) for row in table.itertuples()])
    if suppress:
        shown["people_range"] = shown["people_range"].where(shown["people"].notna(), "")
    st.dataframe(
        shown, hide_index=True, width="stretch", column_config=column_config, key="seasons_table"
    )
    st.caption(
        "Returning: in this programme in an earlier season. Gone: in its previous season, not "
        "in this one. The range is where the true count lies 9 times in 10, given how sure "
        "the matches are."
    )
    common.download_counts(
        "Download people by season (CSV)", table, "people-by-season.csv", "seasons_download",
        count_columns,
    )  # fmt: skip

with shared_tab:
    shared = shared_by_season(ws)
    if shared.empty:
        st.info("No season has rosters of two programmes yet.")
    else:
        st.plotly_chart(shared_over_time_figure(shared, suppress), key="seasons_shared_chart")
        pairs = ranges["pairwise"]

        def _shared_range(row) -> str:
            a, b = labels[(row.programme_a, row.season)], labels[(row.programme_b, row.season)]
            low, high = pairs.get((a, b), pairs.get((b, a), (None, None)))
            return in_words(int(row.shared), low, high)

        shared_shown = shared.assign(shared_range=[_shared_range(r) for r in shared.itertuples()])
        if suppress:
            hidden = suppress_small_counts(shared_shown, ["shared"])
            shared_shown = hidden.assign(
                shared_range=shared_shown["shared_range"].where(hidden["shared"].notna(), "")
            )
        st.dataframe(
            shared_shown.drop(columns="pair"),
            hide_index=True,
            width="stretch",
            key="seasons_shared",
        )

with flows_tab:
    chosen = st.multiselect(
        "Seasons to follow, in order",
        ws.seasons,
        default=ws.seasons[-2:],
        key=f"seasons_flow_{SEASONS_KEY}",
    )
    chosen = [s for s in ws.seasons if s in chosen]
    if len(chosen) < 2:
        st.info("Choose two seasons or more.")
    else:
        moves = flows(ws, chosen)
        st.plotly_chart(flows_figure(moves, suppress), key="seasons_sankey")
        st.caption(
            "A person in two programmes counts in each. “not seen” holds the people in no "
            "programme the next season; “new” the people in none the season before."
        )

with changes_tab:
    events = ws.events
    if events.empty:
        st.info("No person has been merged or split yet.")
    else:
        st.dataframe(
            events[["at", "kind", "person_id", "other_ids", "records", "reason"]].iloc[::-1],
            hide_index=True,
            width="stretch",
            column_config={
                "at": st.column_config.TextColumn("When"),
                "kind": st.column_config.TextColumn("Change"),
                "person_id": st.column_config.NumberColumn("Person ID", format="%d"),
                "other_ids": st.column_config.TextColumn("Other IDs"),
                "records": st.column_config.NumberColumn("Records moved"),
                "reason": st.column_config.TextColumn("Why"),
            },
            key="seasons_events",
        )
        st.caption(
            "Merged: new evidence showed several IDs are one person; the ID with most records "
            "stays. Split: one person's records no longer belong together; the larger part "
            "keeps the ID."
        )

# --- Outreach follow-up ---------------------------------------------------------------------
with follow_tab:
    st.write(
        "Outreach plans kept in the workspace are measured against every later season: a person "
        "on the plan counts as reached once they appear in a programme the plan aimed at."
    )
    keep_left, keep_right = st.columns(2)
    if state.has_draft_plan() and keep_left.button(
        "Keep the plan from Outreach lists", icon=":material/bookmark_add:", key="seasons_keep_plan"
    ):
        try:
            number = add_plan(ws, state.draft_plan())
            st.success(f"Kept as plan {number} of season {ws.seasons[-1]}.")
        except OverlapError as error:
            st.error(str(error))
    with keep_right.popover("Keep a saved plan file", icon=":material/upload_file:"):
        plan_file = st.file_uploader("Plan file (.owl)", type=["owl", "json"], key="seasons_plan")
        plan_pass = st.text_input("Its passphrase", type="password", key="seasons_plan_pass")
        if plan_file is not None and st.button("Keep it", key="seasons_plan_keep"):
            try:
                plan = OutreachPlan.open(plan_file.getvalue(), plan_pass, source=plan_file.name)
                st.success(f"Kept as plan {add_plan(ws, plan)}.")
            except PassphraseError as error:
                st.info(str(error), icon=":material/key:")
            except OverlapError as error:
                st.error(str(error))
    plans = stored_plans(ws)
    if not plans:
        st.info("No outreach plan is kept in this workspace yet.")
        st.stop()
    names = {f"{p.plan.title or 'Outreach plan'} (season {p.season})": p for p in plans}
    chosen_plan = names[st.selectbox("Plan", list(names), key="seasons_plan_pick")]
    later = ws.seasons[ws.season_position(chosen_plan.season) + 1 :]
    if not later:
        st.info(
            f"This plan was made in {chosen_plan.season}, the latest season: add next season's "
            "rosters to see who it reached."
        )
        st.stop()
    upto = st.selectbox(
        "Reached by the end of", later, index=len(later) - 1, key=f"seasons_upto_{SEASONS_KEY}"
    )
    report = plan_progress(ws, chosen_plan, upto)
    reached, goal, share = st.columns(3)
    reached.metric("People reached", f"{report.reached:,}")
    goal.metric("Goal", f"{report.goal:,}")
    share.metric(
        "Of the goal", f"{100 * report.reached / report.goal:.0f}%" if report.goal else "no goal"
    )
    by_batch, by_area, who = st.tabs(["By batch", "By area", "People"])
    with by_batch:
        st.plotly_chart(progress_chart(report.by_batch), key="seasons_follow_batch")
        st.dataframe(report.by_batch, hide_index=True, width="stretch", key="seasons_batch")
    with by_area:
        st.plotly_chart(
            progress_chart(report.by_area, title="People reached by area"),
            key="seasons_follow_area",
        )
        st.dataframe(report.by_area, hide_index=True, width="stretch", key="seasons_area")
    with who:
        listed = follow_up_people(chosen_plan.plan, report)
        st.dataframe(pd.DataFrame(listed), hide_index=True, width="stretch", key="seasons_people")
    common.download_counts(
        "Download progress by batch (CSV)", report.by_batch, "plan-progress-by-batch.csv",
        "seasons_follow_download", ["people", "goal", "reached"],
    )  # fmt: skip
