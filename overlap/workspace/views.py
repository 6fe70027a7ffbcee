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


def export_tables(ws: Workspace) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """records.csv, links.csv and overlap.json of the workspace, as frames and a document."""
    from overlap.analyse import overlap_summary

    result = match_result(ws)
    records = result.records
    owner = ws.upload_of(records["rid"].to_numpy())
    programme = np.array([u.programme for u in ws.uploads], dtype=object)[owner]
    season = np.array([u.season for u in ws.uploads], dtype=object)[owner]
    named = records.assign(programme=programme)
    named.insert(named.columns.get_loc("row"), "season", season)
    front = ["programme", "row", "person_id", "season"]
    table = named.drop(columns=["rid", "ssn"], errors="ignore")
    table = table[front + [c for c in table.columns if c not in front]]
    attributes = result.attributes
    extra = [c for c in attributes.columns if c not in table.columns]
    if extra:
        table = pd.concat(
            [table.reset_index(drop=True), attributes[extra].reset_index(drop=True)], axis=1
        )
    links = result.links
    ia, ib = links["rid_a"].to_numpy(), links["rid_b"].to_numpy()
    row = records["row"].to_numpy()
    link_table = pd.DataFrame(
        {
            "programme_a": programme[ia],
            "row_a": row[ia],
            "programme_b": programme[ib],
            "row_b": row[ib],
            "probability": links["probability"].round(6).to_numpy(),
        }
    )
    for comparison in result.comparisons:
        link_table[comparison.level_column] = links[comparison.level_column].to_numpy()
    link_table["season_a"] = season[ia]
    link_table["season_b"] = season[ib]
    return table.reset_index(drop=True), link_table, overlap_summary(named)


def export_folder(ws: Workspace, out: str | Path) -> list[Path]:
    """Write records.csv, links.csv and overlap.json into ``out`` (made if missing)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    records, links, document = export_tables(ws)
    paths = [folder / "records.csv", folder / "links.csv", folder / "overlap.json"]
    options = pa_csv.WriteOptions(quoting_style="needed")
    for frame, path in ((records, paths[0]), (links, paths[1])):
        pa_csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), path, options)
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
