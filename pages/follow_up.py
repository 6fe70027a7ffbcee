"""Did the outreach work? A saved plan against the programme's new roster."""

import hashlib

import streamlit as st

from overlap.crypto import PassphraseError
from overlap.errors import OverlapError
from overlap.follow_up import check_conversions, follow_up_people, progress_chart
from overlap.outreach import OutreachPlan, plan_batches_table
from ui import common, state

st.title("Follow-up")
st.write(
    "Load the outreach plan you saved and the programme's new roster (for example next "
    "season's tax-clinic clients). Overlap matches the people on the plan against it and "
    "counts, batch by batch, how many of them now appear, against your goals."
)

# --- The plan -----------------------------------------------------------------------------
st.subheader("1. Your outreach plan")
plan_file = st.file_uploader(
    "The plan file you downloaded (outreach-plan.owl)",
    type=["owl", "json"],
    key="follow_plan_file",
)
plan = None
plan_digest = ""
if plan_file is not None:
    data = plan_file.getvalue()
    passphrase = st.text_input(
        "The plan's passphrase", type="password", key="follow_plan_passphrase"
    )
    try:
        plan = OutreachPlan.open(data, passphrase, source=plan_file.name)
        plan_digest = hashlib.sha256(data).hexdigest()
    except PassphraseError as error:
        st.info(str(error), icon=":material/key:")
    except OverlapError as error:
        st.error(str(error))
elif state.has_draft_plan():
    if st.toggle(
        "Use the plan built on Outreach lists in this session",
        value=True,
        key="follow_use_session_plan",
    ):
        plan = state.draft_plan()
        plan_digest = hashlib.sha256(plan.to_json()).hexdigest()

if plan is None:
    st.info("Load a plan to begin.", icon=":material/upload_file:")
    st.stop()

st.write(
    f"**{plan.title or 'Outreach plan'}** (made {plan.created}): {len(plan.targets):,} people "
    f"— {plan.to_dict()['conditions_in_words']}. Total goal: {plan.total_goal:,}."
)
st.dataframe(plan_batches_table(plan), hide_index=True, width="stretch", key="follow_plan_batches")

# --- The new roster -----------------------------------------------------------------------
st.subheader("2. The programme's new roster")
roster_file = st.file_uploader(
    "The new roster (CSV, Excel or OpenDocument)",
    type=state.UPLOAD_TYPES,
    key="follow_roster_file",
)
if roster_file is None:
    st.stop()

from overlap.ingest import read_roster  # noqa: E402 - only needed once a file is given
from overlap.mapping import apply_mapping, guess_mapping  # noqa: E402

roster_bytes = roster_file.getvalue()
try:
    roster = read_roster(roster_bytes, name=roster_file.name)
    guess = guess_mapping(roster.frame)
    mapped = apply_mapping(roster, guess.mapping)
except OverlapError as error:
    st.error(str(error))
    st.stop()
except Exception as error:  # an unforeseen file must not crash the page or leak content
    st.error(
        f"{roster_file.name} could not be read ({type(error).__name__}); "
        "try saving it again as CSV or XLSX."
    )
    st.stop()
used = mapped.mapping
st.caption(
    f"{len(roster.frame):,} rows. Columns used to recognise people: "
    + (", ".join(f"{raw} → {field.replace('_', ' ')}" for raw, field in used.items()) or "none")
    + "."
)
if roster.problems:
    st.warning(
        f"{len(roster.problems)} row(s) of {roster_file.name} need a look; they are kept.",
        icon=":material/warning:",
    )

# --- Check --------------------------------------------------------------------------------
fingerprint = (plan_digest, hashlib.sha256(roster_bytes).hexdigest(), state.threshold())
report = state.follow_report(fingerprint)
if st.button(
    "Check who we reached", type="primary", icon=":material/fact_check:", key="follow_check"
):
    with st.status("Looking for the people on the plan in the new roster…") as status:
        try:
            report = check_conversions(plan, mapped, threshold=state.threshold())
        except OverlapError as error:
            status.update(label="The check could not run", state="error")
            st.error(str(error))
            st.stop()
        except Exception as error:  # never show a traceback (it could quote a cell)
            status.update(label="The check stopped unexpectedly", state="error")
            st.error(
                f"The check stopped unexpectedly ({type(error).__name__}); "
                "no roster data was shown. Please report it."
            )
            st.stop()
        status.update(label="Done", state="complete")
    state.set_follow_report(fingerprint, report)

if report is None:
    st.stop()

# --- Results ------------------------------------------------------------------------------
st.subheader("3. How did we do?")
goal = report.goal
reached_metric, goal_metric, share_metric = st.columns(3)
reached_metric.metric("People reached", f"{report.reached:,}")
goal_metric.metric("Goal", f"{goal:,}")
share_metric.metric("Of the goal", f"{100 * report.reached / goal:.0f}%" if goal else "no goal set")
st.caption(
    f"“Reached” means the person on the plan now appears in {report.roster_name} "
    f"({report.roster_rows:,} rows), matched with the strictness chosen on the Match page "
    f"({state.strictness()})."
)

labels = {
    "batch": st.column_config.TextColumn("Batch"),
    "area": st.column_config.TextColumn("Area"),
    "people": st.column_config.NumberColumn("People on the plan"),
    "goal": st.column_config.NumberColumn("Goal"),
    "reached": st.column_config.NumberColumn("Reached"),
    "reached_pct": st.column_config.NumberColumn("Reached (% of people)", format="%.0f%%"),
    "goal_met_pct": st.column_config.NumberColumn("Reached (% of goal)", format="%.0f%%"),
}
by_batch_tab, by_area_tab, people_tab = st.tabs(["By batch", "By area", "People"])
with by_batch_tab:
    st.plotly_chart(progress_chart(report.by_batch), key="follow_chart_batch")
    st.dataframe(
        report.by_batch,
        hide_index=True,
        width="stretch",
        column_config=labels,
        key="follow_by_batch",
    )
with by_area_tab:
    st.plotly_chart(
        progress_chart(report.by_area, title="People reached by area"), key="follow_chart_area"
    )
    st.dataframe(
        report.by_area, hide_index=True, width="stretch", column_config=labels, key="follow_by_area"
    )
    st.caption("An area's goal is its people's share of their batches' goals.")
people = follow_up_people(plan, report)
with people_tab:
    st.dataframe(people, hide_index=True, width="stretch", key="follow_people")

common.download_csv(
    "Download progress by batch (CSV)",
    report.by_batch,
    "follow-up-by-batch.csv",
    "follow_download_batch",
)
common.download_csv(
    "Download progress by area (CSV)",
    report.by_area,
    "follow-up-by-area.csv",
    "follow_download_area",
)
common.download_xlsx(
    "Download who was reached (Excel)",
    people,
    "follow-up-people.xlsx",
    "follow_download_people",
    sheet_name="Follow-up",
    help="Holds names: share it only with the people doing the outreach.",
)
