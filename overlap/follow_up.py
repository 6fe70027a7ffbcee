"""Follow-up: a season later, how many people of a saved outreach plan now appear.

``check_conversions`` turns the plan's targets into a roster and matches it
against the programme's new roster with the real engine (exactly as two
uploads are matched), then counts, per batch and per area, how many targets
now appear, against the plan's goals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from overlap.errors import OverlapError
from overlap.outreach import LIST_SEPARATOR, MATCH_FIELDS, NAME_PARTS, NO_AREA, OutreachPlan

TARGETS_PROGRAMME = "Outreach targets"


def targets_frame(plan: OutreachPlan) -> pd.DataFrame:
    """The plan's targets as roster rows: one row per stored variant, canonical columns.

    ``target`` holds the target key, so a match result leads back to the target. It
    is kept as an attribute, not mapped to ``record_id``: the new roster's own IDs
    would never equal our keys, and the matcher must not read that as evidence.
    """
    rows = [
        {"target": target["key"], **variant}
        for target in plan.targets
        for variant in (target["records"] or [dict.fromkeys(MATCH_FIELDS, "")])
    ]
    frame = pd.DataFrame(rows, columns=["target", *MATCH_FIELDS])
    return frame.fillna("").astype("str")


def targets_roster(plan: OutreachPlan, name: str = TARGETS_PROGRAMME):
    """The plan's targets as a ``MappedRoster`` the matching engine takes like any upload."""
    from overlap.ingest import Roster
    from overlap.mapping import apply_mapping

    frame = targets_frame(plan)
    roster = Roster(
        name=name,
        frame=frame,
        format="csv",
        encoding="utf-8",
        delimiter=",",
        header_row=1,
        sheet=None,
        sheets=[],
        problems=[],
        file_name="outreach plan",
    )
    return apply_mapping(roster, {column: column for column in MATCH_FIELDS})


@dataclass
class ConversionReport:
    """How many of a plan's targets now appear in a new roster, against the goals."""

    roster_name: str
    roster_rows: int
    targets: pd.DataFrame  # target, batch, area, reached (bool), found_at (new roster rows)
    by_batch: pd.DataFrame  # batch, area, people, goal, reached, reached_pct, goal_met_pct
    by_area: pd.DataFrame  # area, people, goal, reached, reached_pct, goal_met_pct

    @property
    def reached(self) -> int:
        return int(self.targets["reached"].sum())

    @property
    def goal(self) -> int:
        return int(self.by_batch["goal"].sum())


def _target_areas(plan: OutreachPlan) -> pd.DataFrame:
    """Per target: its batch, its area and its share of the batch goal."""
    rows = []
    batch_of = {}
    for batch in plan.batches:
        share = batch.goal / len(batch.targets) if batch.targets else 0.0
        for key in batch.targets:
            batch_of[key] = (batch.name, batch.area, share)
    for target in plan.targets:
        name, area, share = batch_of.get(target["key"], ("(no batch)", "", 0.0))
        if not area:
            area = target.get("zip") or NO_AREA
        rows.append({"target": target["key"], "batch": name, "area": area, "goal_share": share})
    return pd.DataFrame(rows, columns=["target", "batch", "area", "goal_share"])


def _progress(frame: pd.DataFrame) -> pd.DataFrame:
    frame["reached_pct"] = (
        100 * frame["reached"] / frame["people"].where(frame["people"] > 0)
    ).round(1)
    frame["goal_met_pct"] = (100 * frame["reached"] / frame["goal"].where(frame["goal"] > 0)).round(
        1
    )
    return frame


def conversion_report(
    plan: OutreachPlan,
    found: dict[str, list[int]],
    roster_name: str = "",
    roster_rows: int = 0,
) -> ConversionReport:
    """Count conversions per batch and per area from which targets were found where.

    Args:
        plan: the saved plan.
        found: target key -> the new roster's row numbers holding that person
            (targets not found may be absent).
        roster_name: the new roster's programme name (for titles).
        roster_rows: how many rows the new roster has.

    Returns:
        The report; batch goals come from the plan; an area's goal is its
        targets' share of their batches' goals (equal to the batch goal when
        batches are by area), rounded.
    """
    targets = _target_areas(plan)
    targets["reached"] = targets["target"].map(lambda k: bool(found.get(k))).astype(bool)
    targets["found_at"] = targets["target"].map(
        lambda k: LIST_SEPARATOR.join(f"row {r}" for r in sorted(found.get(k, [])))
    )
    people_per_batch = targets.groupby("batch", sort=False).agg(
        people=("target", "size"), reached=("reached", "sum")
    )
    by_batch = pd.DataFrame(
        {
            "batch": [b.name for b in plan.batches],
            "area": [b.area for b in plan.batches],
            "goal": [int(b.goal) for b in plan.batches],
        }
    )
    by_batch["people"] = by_batch["batch"].map(people_per_batch["people"]).fillna(0).astype(int)
    by_batch["reached"] = by_batch["batch"].map(people_per_batch["reached"]).fillna(0).astype(int)
    by_batch = _progress(by_batch[["batch", "area", "people", "goal", "reached"]])
    by_area = (
        targets.groupby("area", sort=False)
        .agg(people=("target", "size"), goal=("goal_share", "sum"), reached=("reached", "sum"))
        .reset_index()
    )
    by_area["goal"] = np.round(by_area["goal"].to_numpy() + 1e-9).astype(int)
    by_area["reached"] = by_area["reached"].astype(int)
    by_area = _progress(by_area.sort_values(["people", "area"], ascending=[False, True]))
    return ConversionReport(
        roster_name=roster_name,
        roster_rows=int(roster_rows),
        targets=targets.drop(columns="goal_share").reset_index(drop=True),
        by_batch=by_batch.reset_index(drop=True),
        by_area=by_area.reset_index(drop=True),
    )


def check_conversions(plan: OutreachPlan, new_roster, threshold: float = 0.8, progress=None):
    """Match the plan's targets against a new roster and count who now appears.

    The targets become one roster and ``new_roster`` another; the real
    matching engine (``overlap.pipeline.match_rosters``) decides who is who,
    exactly as for any two uploads.

    Args:
        plan: a plan loaded with ``OutreachPlan.from_json``.
        new_roster: a ``MappedRoster`` (e.g. next season's tax-clinic roster).
        threshold: the match probability at which two records count as one person.
        progress: optional callback passed to the engine.

    Returns:
        A ``ConversionReport``.

    Raises:
        OverlapError: the plan has no targets or the roster no rows.
    """
    from overlap.pipeline import match_rosters

    if not plan.targets:
        raise OverlapError("The plan has no people on it, so there is nothing to follow up.")
    roster_rows = len(new_roster.fields)
    if roster_rows == 0:
        raise OverlapError(f"{new_roster.name} has no rows of people.")
    name = (
        TARGETS_PROGRAMME if new_roster.name != TARGETS_PROGRAMME else TARGETS_PROGRAMME + " (plan)"
    )
    targets = targets_roster(plan, name=name)
    keys = targets.attributes["target"].to_numpy()
    result = match_rosters([targets, new_roster], threshold, None, progress)
    records = result.records
    is_target = (records["programme"] == name).to_numpy()
    target_records = records[is_target]
    # rows of the targets roster come back in order: row i is keys[i - 1]
    target_keys = keys[target_records["row"].astype(int).to_numpy() - 1]
    new_records = records[~is_target]
    hits = pd.DataFrame(
        {"target": target_keys, "person_id": target_records["person_id"].to_numpy()}
    ).merge(new_records[["person_id", "row"]], on="person_id")
    found = {
        key: sorted({int(r) for r in rows})
        for key, rows in hits.groupby("target")["row"].agg(list).items()
    }
    return conversion_report(plan, found, roster_name=new_roster.name, roster_rows=roster_rows)


def progress_chart(by_batch: pd.DataFrame, title: str = "People reached against the goal"):
    """A plotly bar chart: people reached per batch (or area), with the goal marked.

    Args:
        by_batch: ``ConversionReport.by_batch`` or ``.by_area``.
        title: the chart title.

    Returns:
        A ``plotly.graph_objects.Figure``.
    """
    import plotly.graph_objects as go

    label_column = "batch" if "batch" in by_batch.columns else "area"
    labels = by_batch[label_column].astype("str").tolist()
    reached = by_batch["reached"].astype(int).tolist()
    goals = by_batch["goal"].astype(int).tolist()
    met = [r >= g for r, g in zip(reached, goals, strict=True)]
    figure = go.Figure()
    figure.add_bar(
        y=labels,
        x=goals,
        orientation="h",
        name="Goal",
        marker={"color": "rgba(0,0,0,0)", "line": {"color": "#555", "width": 2}},
        hovertemplate="%{y}: goal %{x}<extra></extra>",
    )
    figure.add_bar(
        y=labels,
        x=reached,
        orientation="h",
        name="Reached",
        marker={"color": ["#2e7d32" if m else "#f9a825" for m in met]},
        text=[f"{r} of {g}" for r, g in zip(reached, goals, strict=True)],
        textposition="outside",
        hovertemplate="%{y}: %{x} reached<extra></extra>",
    )
    figure.update_layout(
        title=title,
        barmode="overlay",
        xaxis_title="People",
        yaxis={"autorange": "reversed"},
        height=max(240, 48 * len(labels) + 120),
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 30, "t": 50, "b": 10},
    )
    return figure


def follow_up_people(plan: OutreachPlan, report: ConversionReport) -> pd.DataFrame:
    """Per target: name as typed, batch, area, reached and where (for calling or thanking)."""
    names = {}
    for target in plan.targets:
        if target.get("name"):
            names[target["key"]] = target["name"]
            continue  # plans saved before names were kept as typed: the cleaned name
        variants = target["records"] or [dict.fromkeys(MATCH_FIELDS, "")]
        best = max(
            variants,
            key=lambda v: (
                sum(bool(v[p]) for p in NAME_PARTS),
                len(" ".join(v[p] for p in NAME_PARTS)),
            ),
        )
        names[target["key"]] = " ".join(best[p] for p in NAME_PARTS if best[p]).title()
    out = report.targets.copy()
    out.insert(1, "name", out["target"].map(names).fillna(""))
    return out
