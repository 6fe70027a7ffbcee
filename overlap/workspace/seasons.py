"""Change over time: who is new, returning and gone, who is shared, who moved where, did outreach work.

Everything here counts people by their stable ID (``Workspace.person_id``),
per programme and season:

* ``programme_seasons``: per programme and season, people, new (never in
  this programme before), returning (in it in an earlier season), gone (in
  its previous season, not in this one) and new to every programme.
* ``shared_by_season``: people two programmes share, season by season.
* ``flows``: people in a programme one season and in a programme the next
  (the same one: they stayed), for a Sankey diagram.
* Outreach plans kept in the workspace (``add_plan``) are measured against
  later seasons (``plan_progress``): a person on the plan is reached once
  they appear in a target programme (the plan's "not in" programmes, or any)
  in a season after the plan was made, per batch and area against the goals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from overlap.errors import OverlapError
from overlap.follow_up import conversion_report
from overlap.outreach import MATCH_FIELDS, OutreachPlan
from overlap.workspace.store import Workspace, now

LEFT = "not seen"  # a flow's target for people in no programme the next season
ARRIVED = "new"  # a flow's source for people in no programme the season before


def presence(ws: Workspace) -> pd.DataFrame:
    """One row per person, programme and season they appear in (``season_order`` their rank)."""
    owner = ws.upload_of(np.arange(ws.n_records))
    programme = np.array([u.programme for u in ws.uploads], dtype=object)[owner]
    season = np.array([u.season for u in ws.uploads], dtype=object)[owner]
    frame = pd.DataFrame({"person_id": ws.person_id, "programme": programme, "season": season})
    frame = frame.drop_duplicates(ignore_index=True)
    frame["season_order"] = frame["season"].map({s: i for i, s in enumerate(ws.seasons)})
    return frame


def programme_seasons(ws: Workspace) -> pd.DataFrame:
    """Per programme and season: people, new, returning, gone, new to every programme.

    Returns:
        Columns ``programme, season, people, new, returning, gone, new_to_all``,
        programmes in the order they were added, seasons in order.
    """
    seen = presence(ws)
    first_any = seen.groupby("person_id")["season_order"].min()
    rows = []
    for programme in ws.programmes:
        mine = seen[seen["programme"] == programme]
        orders = sorted(mine["season_order"].unique().tolist())
        earlier: set = set()
        previous: set = set()
        for order in orders:
            people = set(mine.loc[mine["season_order"] == order, "person_id"].tolist())
            returning = len(people & earlier)
            firsts = first_any.reindex(list(people)).to_numpy()
            rows.append(
                {
                    "programme": programme,
                    "season": ws.seasons[order],
                    "people": len(people),
                    "new": len(people) - returning,
                    "returning": returning,
                    "gone": len(previous - people),
                    "new_to_all": int((firsts == order).sum()),
                }
            )
            earlier |= people
            previous = people
    return pd.DataFrame(
        rows, columns=["programme", "season", "people", "new", "returning", "gone", "new_to_all"]
    )


def shared_by_season(ws: Workspace) -> pd.DataFrame:
    """People each pair of programmes shares, season by season (pairs with a roster each that season).

    Returns:
        Columns ``season, programme_a, programme_b, pair, shared``.
    """
    seen = presence(ws)
    both = seen.merge(seen, on=["person_id", "season", "season_order"])
    rank = {p: i for i, p in enumerate(ws.programmes)}
    both = both[both["programme_x"].map(rank) < both["programme_y"].map(rank)]
    counts = both.groupby(["season_order", "programme_x", "programme_y"]).size()
    present = seen.groupby("season_order")["programme"].unique().map(set)
    rows = []
    for order, season in enumerate(ws.seasons):
        here = [p for p in ws.programmes if p in present.get(order, set())]
        for i, a in enumerate(here):
            for b in here[i + 1 :]:
                shared = int(counts.get((order, a, b), 0))
                rows.append(
                    {
                        "season": season,
                        "programme_a": a,
                        "programme_b": b,
                        "pair": f"{a} & {b}",
                        "shared": shared,
                    }
                )
    return pd.DataFrame(rows, columns=["season", "programme_a", "programme_b", "pair", "shared"])


def flows(ws: Workspace, seasons: list[str] | None = None) -> pd.DataFrame:
    """People moving from a programme in one season to a programme in the next chosen season.

    A person in several programmes counts in each. People in no programme
    the next season flow to "not seen"; people new that season flow from "new".

    Args:
        ws: the workspace.
        seasons: the seasons to chain, in order (default: all).

    Returns:
        Columns ``source_season, source, target_season, target, people``.
    """
    seasons = list(ws.seasons if seasons is None else seasons)
    seen = presence(ws)
    rows = []
    for before, after in zip(seasons, seasons[1:], strict=False):
        a = seen[seen["season"] == before][["person_id", "programme"]]
        b = seen[seen["season"] == after][["person_id", "programme"]]
        moved = a.merge(b, on="person_id", suffixes=("_a", "_b"))
        counts = moved.groupby(["programme_a", "programme_b"]).size()
        for (source, target), people in counts.items():
            rows.append((before, source, after, target, int(people)))
        left = a[~a["person_id"].isin(b["person_id"])].groupby("programme").size()
        rows += [(before, p, after, LEFT, int(n)) for p, n in left.items()]
        came = b[~b["person_id"].isin(a["person_id"])].groupby("programme").size()
        rows += [(before, ARRIVED, after, p, int(n)) for p, n in came.items()]
    return pd.DataFrame(
        rows, columns=["source_season", "source", "target_season", "target", "people"]
    )


# ------------------------------------------------------------------------------ plans


def add_plan(ws: Workspace, plan: OutreachPlan, records: pd.DataFrame | None = None) -> int:
    """Keep an outreach plan in the workspace, each person on it tied to their stable ID.

    The plan's targets carry the normalised details of their records; the
    workspace records holding exactly those details give each target's person.

    Args:
        ws: the workspace the plan's list was drawn from.
        plan: the plan (``outreach.make_plan``).
        records: the records the list came from (default: the workspace's).

    Returns:
        The plan's number in the workspace.
    """
    ids = _target_people(ws, plan)
    if not ids:
        raise OverlapError("None of the people on this plan is in the workspace.")
    plan_id = int(ws.plans["plan_id"].max()) + 1 if len(ws.plans) else 1
    data = {"plan": plan.to_dict(), "people": ids}
    row = pd.DataFrame(
        {
            "plan_id": [plan_id],
            "title": [plan.title or "Outreach plan"],
            "season": [ws.seasons[-1] if ws.seasons else ""],
            "created": [now()],
            "data": [json.dumps(data, ensure_ascii=False)],
        }
    ).astype(ws.plans.dtypes.to_dict())
    ws.plans = pd.concat([ws.plans, row], ignore_index=True) if len(ws.plans) else row
    return plan_id


def _target_people(ws: Workspace, plan: OutreachPlan) -> dict[str, int]:
    """Each target's stable ID: the workspace records with exactly the target's stored details."""
    variants = pd.DataFrame(
        [
            {"target": t["key"], **{f: str(v.get(f, "")) for f in MATCH_FIELDS}}
            for t in plan.targets
            for v in t["records"]
        ],
        columns=["target", *MATCH_FIELDS],
    )
    if variants.empty:
        return {}
    records = ws.records(columns=[c for c in MATCH_FIELDS])
    records = records[MATCH_FIELDS].fillna("").astype(str).assign(person_id=ws.person_id)
    hits = variants.astype(str).merge(records, on=MATCH_FIELDS)
    best = hits.groupby(["target", "person_id"]).size().rename("n").reset_index()
    best = best.sort_values(["target", "n", "person_id"], ascending=[True, False, True])
    best = best.drop_duplicates("target")
    return {str(k): int(v) for k, v in zip(best["target"], best["person_id"], strict=True)}


@dataclass
class StoredPlan:
    """A plan kept in a workspace: the plan, its people's IDs, the season it was made in."""

    plan_id: int
    plan: OutreachPlan
    people: dict[str, int]  # target key -> stable person ID when the plan was kept
    season: str


def stored_plans(ws: Workspace) -> list[StoredPlan]:
    """Every plan kept in the workspace, oldest first."""
    out = []
    for row in ws.plans.itertuples(index=False):
        data = json.loads(row.data)
        plan = OutreachPlan.from_json(json.dumps(data["plan"]), source=f"plan {row.title}")
        out.append(StoredPlan(int(row.plan_id), plan, dict(data["people"]), row.season))
    return out


def current_ids(ws: Workspace, ids: dict[str, int]) -> dict[str, int]:
    """Person IDs followed through later merges (a merged person's records carry the new ID)."""
    merged = ws.events[ws.events["kind"] == "merged"]
    into = {}
    for row in merged.itertuples(index=False):
        for old in json.loads(row.other_ids):
            into[int(old)] = int(row.person_id)
    out = {}
    for key, pid in ids.items():
        seen = set()
        while pid in into and pid not in seen:
            seen.add(pid)
            pid = into[pid]
        out[key] = pid
    return out


def plan_progress(ws: Workspace, stored: StoredPlan, season: str, cumulative: bool = True):
    """How many people on a plan appear in its target programmes by (or in) a later season.

    Args:
        ws: the workspace.
        stored: a plan from ``stored_plans``.
        season: a season after the one the plan was made in.
        cumulative: count people reached in any season up to ``season``
            (False: in ``season`` only).

    Returns:
        An ``outreach.ConversionReport`` (per target, batch and area, against the goals).
    """
    made = ws.season_position(stored.season)
    upto = ws.season_position(season)
    if upto <= made:
        raise OverlapError(f"Season {season} is not after {stored.season}, when the plan was made.")
    targets = plan_targets(ws, stored.plan)
    chosen = range(made + 1, upto + 1) if cumulative else [upto]
    wanted = {ws.seasons[i] for i in chosen}
    positions = [
        i for i, u in enumerate(ws.uploads) if u.season in wanted and u.programme in targets
    ]
    owner = ws.upload_of(np.arange(ws.n_records))
    inside = np.flatnonzero(np.isin(owner, positions))
    labels = np.array([u.label for u in ws.uploads], dtype=object)
    rows = ws.records(inside, columns=["row"])["row"].to_numpy() if len(inside) else []
    where = pd.DataFrame(
        {"person_id": ws.person_id[inside], "place": labels[owner[inside]], "row": rows}
    )
    people = current_ids(ws, stored.people)
    found = {}
    by_person = (
        where.groupby("person_id")["row"].agg(list) if len(where) else pd.Series(dtype=object)
    )
    for key, pid in people.items():
        hit = by_person.get(pid)
        if hit is not None:
            found[key] = sorted(int(r) for r in hit)
    name = f"{', '.join(sorted(targets))}, {'up to ' if cumulative else ''}{season}"
    return conversion_report(stored.plan, found, roster_name=name, roster_rows=len(inside))


def plan_targets(ws: Workspace, plan: OutreachPlan) -> set[str]:
    """The programmes a plan wants its people to reach: its "not in" ones, else every programme.

    A plan drawn on the dashboard names rosters "Programme (season)"; those
    are read as their programme.
    """
    by_label = {u.label: u.programme for u in ws.uploads}
    wanted = {by_label.get(p, p) for p in plan.conditions.not_in}
    known = set(ws.programmes)
    return (wanted & known) or known
