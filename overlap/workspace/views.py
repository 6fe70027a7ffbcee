"""What a workspace looks like from outside: a match result, a match folder, a summary.

* ``match_result``: a ``pipeline.MatchResult`` of every record with its
  stable person ID, each upload a roster named "Programme (season)", so every
  page of the dashboard works on a workspace as on a fresh match.
* ``export_folder``: records.csv, links.csv and overlap.json as ``overlap
  match`` writes them, with the stable ``person_id``, the programme's own name
  and a ``season`` column (links.csv gains ``season_a`` and ``season_b``).
* ``summary``: programmes, seasons, people and changes, counts only (what
  ``overlap workspace show`` prints).
* ``apply_session``: a dashboard session's review decisions and strictness
  put back into the workspace, people keeping their IDs.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.errors import OverlapError
from overlap.workspace.registry import assign_ids
from overlap.workspace.store import Workspace, now


def _labels(ws: Workspace, rids: np.ndarray) -> np.ndarray:
    labels = np.array([u.label for u in ws.uploads], dtype=object)
    return labels[ws.upload_of(rids)]


def decisions_by_row(ws: Workspace) -> pd.DataFrame:
    """The stored decisions as the dashboard keeps them (roster label and row)."""
    d = ws.decisions
    a, b = d["rid_a"].to_numpy(), d["rid_b"].to_numpy()
    rows = ws.records(columns=["row"])["row"].to_numpy() if len(d) else np.zeros(0, np.int64)
    return pd.DataFrame(
        {
            "programme_a": _labels(ws, a) if len(d) else [],
            "row_a": rows[a].astype(int) if len(d) else [],
            "programme_b": _labels(ws, b) if len(d) else [],
            "row_b": rows[b].astype(int) if len(d) else [],
            "decision": d["decision"].astype(str).to_numpy(),
        }
    )


def match_result(ws: Workspace, threshold: float | None = None):
    """The workspace as a ``MatchResult`` (each upload a roster "Programme (season)").

    Args:
        ws: the workspace.
        threshold: the strictness to show (default: the workspace's); people
            are regrouped for it (``pipeline.recluster``) when it differs.

    Raises:
        OverlapError: the workspace holds no roster yet.
    """
    from overlap.pipeline import MatchResult, _pairs_columns, recluster

    if not ws.uploads or ws.model is None:
        raise OverlapError("The workspace holds no roster yet; add one first.")
    records = ws.records()
    records["person_id"] = ws.person_id
    pairs = _pairs_columns(ws.pairs(), ws.model.comparisons)
    result = MatchResult(
        records=records,
        attributes=ws.side_table("attributes"),
        pairs=pairs,
        comparisons=list(ws.model.comparisons),
        model=ws.model,
        threshold=ws.threshold,
        decisions=decisions_by_row(ws),
        stats=[],
        programmes=[u.label for u in ws.uploads],
    )
    if threshold is not None and threshold != ws.threshold:
        result = recluster(result, threshold)
    return result


def apply_session(ws: Workspace, result, reason: str = "") -> int:
    """Put a dashboard session's grouping back into the workspace, people keeping their IDs.

    The session may have re-grouped people (review decisions, another
    strictness); its decisions and threshold become the workspace's and its
    groups get stable IDs (merges and splits recorded). Returns the number of
    changes recorded.
    """
    from overlap.pipeline import decisions_to_rids

    if len(result.records) != ws.n_records:
        raise OverlapError("This match is not the workspace's: it holds other records.")
    rid = decisions_to_rids(result.records, result.decisions)
    at = now()
    ws.decisions = pd.DataFrame(
        {
            "rid_a": rid["rid_a"].to_numpy(np.int64),
            "rid_b": rid["rid_b"].to_numpy(np.int64),
            "decision": rid["decision"].astype(str).to_numpy(),
            "decided_at": at,
        }
    )
    ws.settings["threshold"] = float(result.threshold)
    why = reason or "Review decisions or the strictness changed in the dashboard."
    assignment = assign_ids(
        ws.person_id, result.records["person_id"].to_numpy(), ws.next_person_id, why, why
    )
    ws.person_id = assignment.person_id
    ws.settings["next_person_id"] = assignment.next_id
    ws.add_events(assignment.events, None, at)
    return len(assignment.events)


# ------------------------------------------------------------------------------ export


def export_result(ws: Workspace):
    """The workspace as ``overlap match`` writes a match: programme names, a season, stable IDs."""
    result = match_result(ws)
    owner = ws.upload_of(result.records["rid"].to_numpy())
    programme = np.array([u.programme for u in ws.uploads], dtype=object)[owner]
    season = np.array([u.season for u in ws.uploads], dtype=object)[owner]
    records = result.records.assign(programme=pd.array(programme, dtype="str"))
    records.insert(records.columns.get_loc("row") + 1, "season", pd.array(season, dtype="str"))
    return dataclasses.replace(result, records=records, programmes=ws.programmes)


def export_tables(ws: Workspace) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """records.csv, links.csv and overlap.json of the workspace (``overlap.results``' writers).

    links.csv gains ``season_a`` and ``season_b`` (a row number names a record
    only with its season). overlap.json counts people per programme over every
    season, each count with its range; reviewers' decisions are read by record
    (rows repeat from season to season), as the draws behind the ranges need them.
    """
    from overlap.results import links_table, overlap_document, records_table

    result = export_result(ws)
    records = result.records
    links = links_table(result)
    season = records["season"].to_numpy()
    links["season_a"] = season[result.links["rid_a"].to_numpy()]
    links["season_b"] = season[result.links["rid_b"].to_numpy()]
    rid = records["rid"].to_numpy()
    by_record = records.assign(row=rid + 1)  # unique rows: decisions keyed by record
    decisions = ws.decisions
    named = records["programme"].to_numpy()
    keyed = pd.DataFrame(
        {
            "programme_a": named[decisions["rid_a"].to_numpy()],
            "row_a": decisions["rid_a"].to_numpy() + 1,
            "programme_b": named[decisions["rid_b"].to_numpy()],
            "row_b": decisions["rid_b"].to_numpy() + 1,
            "decision": decisions["decision"].to_numpy(),
        }
    )
    document = overlap_document(dataclasses.replace(result, records=by_record, decisions=keyed))
    return records_table(result), links, document


def export_folder(ws: Workspace, out: str | Path, overwrite: bool = False) -> list[Path]:
    """Write records.csv, links.csv and overlap.json into ``out`` (made if missing).

    Raises:
        OverlapError: a file is there already and ``overwrite`` is off, or the
            folder cannot be written (before anything is written).
    """
    from overlap.results import MATCH_FILES, check_outputs, write_csv

    folder = Path(out)
    paths = [folder / name for name in MATCH_FILES]
    check_outputs(paths, overwrite=overwrite)
    records, links, document = export_tables(ws)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(records, paths[0])
    write_csv(links, paths[1])
    paths[2].write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return paths


# ------------------------------------------------------------------------------ summary


def summary(ws: Workspace, last_changes: int = 10) -> dict:
    """Programmes, seasons, people and changes, counts only (never a cell).

    Returns:
        ``{"records", "people", "threshold", "seasons", "uploads": [...],
        "programmes": {name: {"seasons", "records", "people"}}, "changes":
        {"merged", "split"}, "recent_changes": [...]}``.
    """
    owner = ws.upload_of(np.arange(ws.n_records))
    uploads = []
    for position, upload in enumerate(ws.uploads):
        ids = ws.person_id[owner == position]
        uploads.append(
            {
                "programme": upload.programme,
                "season": upload.season,
                "file": upload.file_name,
                "records": upload.rows,
                "people": int(len(np.unique(ids))),
                "added": upload.added_at,
            }
        )
    programmes: dict[str, dict] = {}
    for name in ws.programmes:
        positions = [i for i, u in enumerate(ws.uploads) if u.programme == name]
        ids = ws.person_id[np.isin(owner, positions)]
        programmes[name] = {
            "seasons": [ws.uploads[i].season for i in positions],
            "records": int(len(ids)),
            "people": int(len(np.unique(ids))),
        }
    events = ws.events
    recent = events.tail(last_changes)
    return {
        "records": ws.n_records,
        "people": int(len(np.unique(ws.person_id))),
        "threshold": ws.threshold,
        "seasons": list(ws.seasons),
        "uploads": uploads,
        "programmes": programmes,
        "changes": {
            "merged": int((events["kind"] == "merged").sum()),
            "split": int((events["kind"] == "split").sum()),
        },
        "recent_changes": [
            {
                "at": row.at,
                "kind": row.kind,
                "person_id": int(row.person_id),
                "other_ids": json.loads(row.other_ids),
                "records": int(row.records),
                "reason": row.reason,
            }
            for row in recent.itertuples(index=False)
        ],
    }
