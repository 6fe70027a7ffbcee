"""Adding rosters to a workspace: the new records meet the people already known.

The first rosters of a workspace are matched in full (``pipeline.match_rosters``).
After that, adding a roster compares only the pairs that involve a new record:
new with known, new with new. Blocking uses the same rules as a full match
through the workspace's index (``blockindex``), comparison is
``compare.compare_pairs`` on just the records involved, scoring is
``model.score`` with the stored model, and ``cluster.cluster_records`` groups
again only the people the new links touch (whole connected groups, so the
result is the one clustering everything would give). ``registry.assign_ids``
then keeps every known person's ID, gives new people new IDs and records
merges and splits with their reasons. Review decisions always hold.

``refit=True`` (or a stored model or index this Overlap cannot use) matches
every record again in full; people still keep their IDs.

Nothing in the workspace changes until everything has been computed, so a
failure leaves it as it was; adding the very same roster again changes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.cluster import cluster_records
from overlap.compare import compare_pairs
from overlap.errors import OverlapError
from overlap.fields import comparisons_for
from overlap.model import FittedModel, canonical_order, score
from overlap.workspace.blockindex import BlockIndex
from overlap.workspace.registry import assign_ids
from overlap.workspace.store import Upload, Workspace, now

Progress = Callable[[str, dict], None]


@dataclass
class Arrival:
    """A roster to add: read and mapped, with what identifies its file."""

    mapped: object  # overlap.mapping.MappedRoster; its name is the programme
    file_name: str
    digest: str  # SHA-256 of the file's bytes
    content_digest: str  # of its rows: another export of the same rows is the same roster
    problem_rows: int = 0
    sheet: str | None = None

    @property
    def programme(self) -> str:
        return self.mapped.name


def content_digest(frame: pd.DataFrame) -> str:
    """A fingerprint of a roster's rows and columns, whatever file they came in."""
    hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    digest = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode("utf-8"))
    digest.update(hashed.tobytes())
    return digest.hexdigest()


def read_arrival(
    source: str | Path | bytes,
    name: str | None = None,
    file_name: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    overrides: Sequence[str] = (),
) -> Arrival:
    """Read, map and check one roster file to add.

    Args:
        source: a path, or the file's bytes (an upload).
        name: the programme (default: the file's stem, as ``overlap match`` names it).
        file_name: the file's name when ``source`` is bytes.
        sheet: which sheet of a workbook.
        mapping: the column mapping to use (default: Overlap's guess).
        overrides: ``FILE:RAW=FIELD`` corrections laid over the guess.

    Raises:
        OverlapError: the file cannot be read, has no rows or no name column.
    """
    from overlap.ingest import read_roster
    from overlap.mapping import (
        apply_mapping,
        apply_overrides,
        check_linkable,
        guess_mapping,
        overrides_for,
        parse_map_overrides,
    )

    if isinstance(source, bytes):
        data, label = source, file_name or "the roster"
    else:
        path = Path(source)
        if not path.is_file():
            raise OverlapError(f"{path} does not exist or is not a file.")
        data, label = path.read_bytes(), file_name or path.name
    roster = read_roster(data, name=label, sheet=sheet)
    if len(roster.frame) == 0:
        raise OverlapError(f"{label} has a header but no rows of people.")
    if mapping is None:
        guess = guess_mapping(roster.frame)
        parsed = parse_map_overrides(list(overrides))
        mapping = apply_overrides(guess, overrides_for(parsed, label), label).mapping
    check_linkable(mapping, label)
    mapped = apply_mapping(roster, mapping)
    programme = (name or "").strip() or Path(label).stem
    return Arrival(
        mapped=dataclasses.replace(mapped, name=programme),
        file_name=label,
        digest=hashlib.sha256(data).hexdigest(),
        content_digest=content_digest(roster.frame),
        problem_rows=len(roster.problems),
        sheet=roster.sheet,
    )


@dataclass
class AddReport:
    """What adding rosters did: counts and reasons, never a cell."""

    added: list[Upload] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one sentence per roster left out
    mode: str = "none"  # "incremental", "full" or "none" (nothing added)
    records: int = 0
    new_people: int = 0
    returning_people: int = 0  # people of the new records already known
    merges: int = 0
    splits: int = 0
    candidate_pairs: int = 0
    links: int = 0
    notes: list[str] = field(default_factory=list)
    stats: list[dict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.mode != "none"


def default_season(today: date | None = None) -> str:
    """The season label when none is given: the year and month (``2025-03``)."""
    return (today or date.today()).strftime("%Y-%m")


# ------------------------------------------------------------------------------ adding


def add_rosters(
    ws: Workspace,
    arrivals: Sequence[Arrival],
    season: str | None = None,
    refit: bool = False,
    progress: Progress | None = None,
) -> AddReport:
    """Add rosters of one season to the workspace and link their people.

    Args:
        ws: the workspace (changed in place only if everything succeeds).
        arrivals: the rosters (``read_arrival``), each one programme.
        season: the season's label (default: this year and month).
        refit: fit the model again on every record (a full match; IDs still kept).
        progress: called once per stage with counts and seconds, never data.

    Returns:
        An ``AddReport``.

    Raises:
        OverlapError: a programme already has a roster in this season, two
            rosters share a programme name, or a roster cannot be matched.
    """
    season = " ".join((season or default_season()).split())
    report = AddReport()
    fresh = _fresh_arrivals(ws, arrivals, season, report)
    if not fresh and not refit:
        return report
    steps = _Steps(progress, report)
    prefetch = ws.prefetch() if ws.uploads and not refit else []
    uploads = _new_uploads(ws, fresh, season)
    try:
        new_records, attributes, as_typed = _prepare(fresh, uploads, ws.n_records)
    finally:
        for thread in prefetch:
            thread.join()
    steps.done("read", records=len(new_records), rosters=len(uploads))
    full_reason = _needs_full_match(ws, new_records, refit)
    if full_reason is not None:
        outcome = _full_match(ws, uploads, new_records, steps)
        report.mode = "full"
        if full_reason:
            report.notes.append(full_reason)
    else:
        outcome = _incremental_match(ws, uploads, new_records, steps)
        report.mode = "incremental"
    _commit(ws, uploads, new_records, as_typed, attributes, outcome)
    _fill_report(report, ws, uploads, outcome)
    return report


class _Steps:
    """Stage timings, as ``pipeline.match_rosters`` reports them."""

    def __init__(self, progress: Progress | None, report: AddReport) -> None:
        self.progress, self.report, self.started = progress, report, time.perf_counter()

    def done(self, stage: str, **info) -> None:
        entry = {"stage": stage, "seconds": round(time.perf_counter() - self.started, 3), **info}
        self.report.stats.append(entry)
        if self.progress is not None:
            self.progress(stage, dict(entry))
        self.started = time.perf_counter()


def _fresh_arrivals(
    ws: Workspace, arrivals: Sequence[Arrival], season: str, report: AddReport
) -> list[Arrival]:
    """The rosters not in the workspace yet; refuse a programme twice in one season."""
    names = [a.programme for a in arrivals]
    for name in names:
        if names.count(name) > 1:
            raise OverlapError(
                f"Two rosters are both called '{name}'; give each a different programme name."
            )
    fresh = []
    for arrival in arrivals:
        same = next(
            (
                u
                for u in ws.uploads
                if u.digest == arrival.digest or u.content_digest == arrival.content_digest
            ),
            None,
        )
        if same is not None:
            report.skipped.append(
                f"{arrival.file_name} is already in the workspace as {same.programme} "
                f"({same.season}, from {same.file_name}); it was not added again."
            )
            continue
        if any(u.programme == arrival.programme and u.season == season for u in ws.uploads):
            raise OverlapError(
                f"{arrival.programme} already has a roster for season {season}; give another "
                "--season, or another programme name with --name."
            )
        fresh.append(arrival)
    return fresh


def _new_uploads(ws: Workspace, fresh: list[Arrival], season: str) -> list[Upload]:
    next_id = max((u.upload_id for u in ws.uploads), default=0) + 1
    start, added_at, uploads = ws.n_records, now(), []
    for offset, arrival in enumerate(fresh):
        rows = len(arrival.mapped.fields)
        uploads.append(
            Upload(
                upload_id=next_id + offset,
                programme=arrival.programme,
                season=season,
                file_name=arrival.file_name,
                digest=arrival.digest,
                content_digest=arrival.content_digest,
                rows=rows,
                first_rid=start,
                added_at=added_at,
                mapping=dict(arrival.mapped.mapping),
                sheet=arrival.sheet,
                problem_rows=arrival.problem_rows,
            )
        )
        start += rows
    return uploads


def _prepare(fresh: list[Arrival], uploads: list[Upload], first_rid: int):
    """The new records (numbered after the known ones), their other columns and as-typed fields."""
    from overlap.pipeline import prepare_records

    if not fresh:
        empty = pd.DataFrame()
        return pd.DataFrame({"rid": np.zeros(0, np.int64)}), [], [empty]
    named = [
        dataclasses.replace(a.mapped, name=u.label) for a, u in zip(fresh, uploads, strict=True)
    ]
    records, _ = prepare_records(named)
    records["rid"] = records["rid"].to_numpy() + first_rid
    attributes = [a.mapped.attributes.reset_index(drop=True).astype(str) for a in fresh]
    as_typed = [a.mapped.fields.reset_index(drop=True).astype(str) for a in fresh]
    return records, attributes, as_typed


def _needs_full_match(ws: Workspace, new_records: pd.DataFrame, refit: bool) -> str | None:
    """Why every record must be matched again ("" when simply asked to; None: it need not)."""
    if refit:
        return "The model was fitted again on every record (--refit); people kept their IDs."
    if ws.model is None or not ws.uploads:
        return ""
    if len(ws.uploads) == 1 and ws.model.prior_cross is None:
        return (
            "The model had been fitted on one roster alone, which teaches it nothing about "
            "people across rosters, so every record was matched again; people kept their IDs."
        )
    stored = [(c.name, c.n_levels) for c in ws.model.comparisons]
    current = [(c.name, c.n_levels) for c in comparisons_for(new_records)]
    if stored != current:
        return (
            "The workspace's model was fitted by another version of Overlap, so every record "
            "was matched again; people kept their IDs."
        )
    return None


# ------------------------------------------------------------------------------ outcome


@dataclass
class _Outcome:
    person_id: np.ndarray  # every record's stable ID, new ones included
    next_id: int
    events: pd.DataFrame
    pairs: pd.DataFrame  # scored pairs to keep (all of them when ``replace``)
    replace: bool
    index: BlockIndex | None  # a new index (full match), or None
    index_update: object | None  # what the incremental match files in the index
    model: FittedModel | None
    new_people: int
    candidate_pairs: int
    known_ids_below: int = 0  # IDs under this were given before the addition


def _matched_outcome(result, assignment, index: BlockIndex, known_ids_below: int) -> _Outcome:
    """The outcome of a full match (``pipeline.match_rosters``): it replaces pairs and index."""
    return _Outcome(
        person_id=assignment.person_id,
        next_id=assignment.next_id,
        events=assignment.events,
        pairs=result.pairs,
        replace=True,
        index=index,
        index_update=None,
        model=result.model,
        new_people=assignment.new_people,
        candidate_pairs=len(result.pairs),
        known_ids_below=known_ids_below,
    )


def _full_match(ws: Workspace, uploads: list[Upload], new_records: pd.DataFrame, steps: _Steps):
    """Every record matched again by the library's full match, then stable IDs assigned."""
    from overlap.pipeline import match_rosters

    frame = pd.concat([ws.records(), new_records], ignore_index=True)
    decisions = _decisions_by_row(ws, frame)
    result = match_rosters(frame, ws.threshold, decisions)
    steps.done("match", pairs=len(result.pairs), links=len(result.links))
    everyone = [*ws.uploads, *uploads]
    index = BlockIndex.build(result.records, [(u.upload_id, u.first_rid, u.rows) for u in everyone])
    steps.done("index", records=len(result.records))
    old = np.concatenate([ws.person_id, np.full(len(new_records), -1, dtype=np.int64)])
    labels = ", ".join(u.label for u in uploads) or "no new roster"
    assignment = assign_ids(
        old,
        result.records["person_id"].to_numpy(),
        ws.next_person_id,
        reason_merge=f"Every record was matched again (with {labels}); these people are one.",
        reason_split=f"Every record was matched again (with {labels}); these records are apart.",
    )
    steps.done("people", people=int(len(np.unique(assignment.person_id))))
    return _matched_outcome(result, assignment, index, ws.next_person_id)


def _decisions_by_row(ws: Workspace, frame: pd.DataFrame) -> pd.DataFrame:
    """The stored decisions keyed by roster label and row, as ``match_rosters`` takes them."""
    d = ws.decisions
    label = frame["programme"].to_numpy()
    row = frame["row"].to_numpy()
    a, b = d["rid_a"].to_numpy(), d["rid_b"].to_numpy()
    return pd.DataFrame(
        {
            "programme_a": label[a],
            "row_a": row[a],
            "programme_b": label[b],
            "row_b": row[b],
            "decision": d["decision"].to_numpy(),
        }
    )


def _incremental_match(
    ws: Workspace, uploads: list[Upload], new_records: pd.DataFrame, steps: _Steps
) -> _Outcome:
    """Only pairs involving a new record are blocked, compared and scored; touched people regrouped."""
    n_known = ws.n_records
    index = ws.index
    note = None
    if index is None or not index.is_current():
        index = BlockIndex.build(
            ws.records(), [(u.upload_id, u.first_rid, u.rows) for u in ws.uploads]
        )
        note = index
    bounds = [(u.upload_id, u.first_rid, u.rows) for u in uploads]
    pairs, update = index.pairs_for(new_records.drop(columns="rid"), n_known, bounds)
    steps.done("block", candidate_pairs=len(pairs))
    scored, model = _score_pairs(ws, pairs, new_records, [u.rows for u in uploads])
    steps.done("compare and score", pairs=len(scored))
    person_id, assignment = _regroup(ws, new_records, scored, uploads)
    steps.done("cluster", people_regrouped=int(len(np.unique(assignment.person_id))))
    return _Outcome(
        person_id=person_id,
        next_id=assignment.next_id,
        events=assignment.events,
        pairs=scored,
        replace=False,
        index=note,
        index_update=update,
        model=model,
        new_people=assignment.new_people,
        candidate_pairs=len(pairs),
        known_ids_below=ws.next_person_id,
    )


def _score_pairs(
    ws: Workspace, pairs: pd.DataFrame, new_records: pd.DataFrame, new_sizes: list[int]
):
    """Compare the pairs on just the records they involve, score them with the stored model.

    Returns the scored pairs and the model with its priors brought up to date.
    """
    from overlap.pipeline import records_from_frame

    n_known = ws.n_records
    involved = np.unique(np.concatenate([pairs["rid_a"].to_numpy(), pairs["rid_b"].to_numpy()]))
    known = involved[involved < n_known]
    sub = pd.concat([ws.records(known), new_records], ignore_index=True)
    rids = sub["rid"].to_numpy()
    local = pd.DataFrame(
        {
            "rid_a": np.searchsorted(rids, pairs["rid_a"].to_numpy()),
            "rid_b": np.searchsorted(rids, pairs["rid_b"].to_numpy()),
        }
    )
    frame, _ = records_from_frame(sub)
    levels = compare_pairs(frame, local, ws.model.comparisons)
    frequencies = _frequencies(ws, new_records, frame)
    scored = score(ws.model, frame, levels, frequencies)
    model = updated_priors(ws.model, scored, [u.rows for u in ws.uploads], new_sizes)
    if model is not ws.model:
        scored = score(model, frame, levels, frequencies)
    scored["rid_a"] = rids[scored["rid_a"].to_numpy()]
    scored["rid_b"] = rids[scored["rid_b"].to_numpy()]
    return scored, model


def _frequencies(ws: Workspace, new_records: pd.DataFrame, frame: pd.DataFrame) -> dict:
    """Each involved record's term frequency, counted over every record, known and new.

    The model weighs a shared rare name more than a shared common one; a full
    match counts names over all its records, and so does this, from the
    workspace's stored value counts rather than from the records themselves.
    """
    out = {}
    for comparison in ws.model.comparisons:
        if not (comparison.term_frequency and comparison.reads):
            continue
        column = comparison.reads[0]
        if column not in frame.columns or column in out:
            continue
        counts = ws.value_counts(column)
        fresh = new_records[column].fillna("").astype(str).value_counts()
        counts = counts.add(fresh, fill_value=0)
        counts = counts.drop("", errors="ignore")
        present = float(counts.sum())
        values = frame[column].fillna("").astype(str)
        out[column] = (values.map(counts).fillna(0.0) / max(present, 1.0)).to_numpy(np.float64)
    return out


def _pair_totals(sizes: list[int]) -> tuple[float, float]:
    """All possible pairs inside one roster, and across two, of rosters of these sizes."""
    n = float(sum(sizes))
    within = float(sum(s * (s - 1) / 2 for s in sizes))
    return within, n * (n - 1) / 2 - within


def updated_priors(model: FittedModel, scored: pd.DataFrame, known: list[int], new: list[int]):
    """The model with its priors brought up to date with the new pairs (m and u unchanged).

    A prior is the chance that two records picked at random are one person:
    the expected matches among the candidate pairs over all possible pairs.
    The known pairs' expected matches are the old prior times the old pair
    count; the new candidate pairs' are their posteriors, found at the fixed
    point, as the full match finds its prior (``model.fit_model``). A new
    season of different people (or of many returning ones) thus moves the
    prior the way matching everything again would.
    """
    if not len(scored) or not new:
        return model
    before = dict(zip(("within", "cross"), _pair_totals(known), strict=True))
    after = dict(zip(("within", "cross"), _pair_totals(known + new), strict=True))
    cross = scored["cross"].to_numpy().astype(bool)
    weight = scored["match_weight"].to_numpy(np.float64)
    changes = {}
    for kind, mask in (("cross", cross), ("within", ~cross)):
        prior = getattr(model, f"prior_{kind}")
        if prior is None or after[kind] <= 0:
            continue
        evidence = weight[mask] - np.log2(prior / (1 - prior))  # the pairs' Bayes factors
        old_matches, estimate = prior * before[kind], prior
        for _ in range(50):
            logit = np.clip(evidence + np.log2(estimate / (1 - estimate)), -60, 60)
            matches = old_matches + float((1.0 / (1.0 + np.exp2(-logit))).sum())
            new_estimate = float(np.clip(matches / after[kind], 1e-12, 0.5))
            done = abs(np.log(new_estimate) - np.log(estimate)) < 1e-6
            estimate = new_estimate
            if done:
                break
        changes[f"prior_{kind}"] = estimate
    return dataclasses.replace(model, **changes) if changes else model


def _regroup(ws: Workspace, new_records: pd.DataFrame, scored: pd.DataFrame, uploads):
    """Group again the people the new links touch; stable IDs for them."""
    n_known, n_new = ws.n_records, len(new_records)
    n = n_known + n_new
    threshold = ws.threshold
    columns = ["rid_a", "rid_b", "probability"]
    candidates = pd.concat([ws.pairs(columns), scored[columns]], ignore_index=True)
    strong = candidates[candidates["probability"].to_numpy() >= threshold]
    same = ws.decisions[ws.decisions["decision"] == "same"]
    link_a = np.concatenate([strong["rid_a"], same["rid_a"]]).astype(np.int64)
    link_b = np.concatenate([strong["rid_b"], same["rid_b"]]).astype(np.int64)
    members = _closure(n, np.arange(n_known, n), link_a, link_b)
    rids = np.flatnonzero(members)
    old = np.concatenate([ws.person_id, np.full(n_new, -1, dtype=np.int64)])
    sub = pd.concat([ws.records(rids[rids < n_known]), new_records], ignore_index=True)
    links = _within(candidates, members).copy()
    links["rid_a"] = np.searchsorted(rids, links["rid_a"].to_numpy())
    links["rid_b"] = np.searchsorted(rids, links["rid_b"].to_numpy())
    decisions = ws.decisions.pipe(_within, members).copy()
    decisions["rid_a"] = np.searchsorted(rids, decisions["rid_a"].to_numpy())
    decisions["rid_b"] = np.searchsorted(rids, decisions["rid_b"].to_numpy())
    tie = np.empty(len(sub), dtype=np.int64)
    tie[canonical_order(sub.drop(columns="rid"))] = np.arange(len(sub))
    groups = cluster_records(
        len(rids),
        links,
        threshold,
        decisions,
        programme_codes=pd.factorize(sub["programme"])[0].astype(np.int64),
        tie_order=tie,
    )
    labels = ", ".join(u.label for u in uploads)
    assignment = assign_ids(
        old[rids],
        groups,
        ws.next_person_id,
        reason_merge=f"Records added with {labels} match each of them.",
        reason_split=(
            f"When {labels} was added these records were grouped again and no longer all "
            "belong together (records of one roster stay apart unless they match directly)."
        ),
    )
    person_id = old.copy()
    person_id[rids] = assignment.person_id
    assignment.events = _merge_reasons(assignment.events, person_id, new_records, n_known)
    return person_id, assignment


def _within(frame: pd.DataFrame, members: np.ndarray) -> pd.DataFrame:
    """The rows of a pairs frame whose two records are both members."""
    keep = members[frame["rid_a"].to_numpy()] & members[frame["rid_b"].to_numpy()]
    return frame[keep]


def _closure(n: int, seeds: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Records connected to the seeds by the links (whole groups, so regrouping them is exact).

    A person is a set of records joined by links at the threshold (or a
    reviewer's "same"), so these groups hold whole people.
    """
    members = np.zeros(n, dtype=bool)
    members[seeds] = True
    while True:
        touch = members[a] != members[b]
        if not touch.any():
            return members
        members[a[touch]] = True
        members[b[touch]] = True


def _merge_reasons(events: pd.DataFrame, person_id, new_records: pd.DataFrame, n_known: int):
    """A merge's reason names the new records that joined the people (roster and row, no cell)."""
    merged = events["kind"] == "merged"
    if not merged.any():
        return events
    new_ids = person_id[n_known:]
    wanted = np.isin(new_ids, events.loc[merged, "person_id"].to_numpy())
    places = (
        new_records["programme"].astype(str).to_numpy()[wanted]
        + " row "
        + new_records["row"].astype(str).to_numpy()[wanted]
    )
    by_person: dict[int, list[str]] = {}
    for pid, place in zip(new_ids[wanted].tolist(), places.tolist(), strict=True):
        by_person.setdefault(pid, []).append(place)  # the few records of merged people only
    events = events.copy()
    reasons = events["reason"].to_numpy(dtype=object)
    for i in np.flatnonzero(merged.to_numpy()):
        pid = int(events["person_id"].iloc[i])
        where = by_person.get(pid)
        if where:
            ids = [pid, *events["other_ids"].iloc[i]]
            names = ", ".join(str(x) for x in ids[:-1]) + f" and {ids[-1]}"
            reasons[i] = f"{'; '.join(where[:3])} matched people {names}, so they are one person."
    events["reason"] = reasons
    return events


# ------------------------------------------------------------------------------ commit


def _commit(ws, uploads, new_records, as_typed, attributes, outcome: _Outcome) -> None:
    """Change the workspace, all at once, after everything was computed."""
    at = now()
    if outcome.index is not None:
        ws.index = outcome.index
    if outcome.index_update is not None:
        ws.index.apply(outcome.index_update)
    for position, upload in enumerate(uploads):
        mine = new_records.iloc[upload.first_rid - uploads[0].first_rid :][: upload.rows]
        ws.add_upload(upload, mine, as_typed[position], attributes[position])
    ws.person_id = np.asarray(outcome.person_id, dtype=np.int64)
    ws.add_pairs(outcome.pairs, replace=outcome.replace)
    if outcome.model is not None:
        ws.model = outcome.model
    ws.settings["next_person_id"] = int(outcome.next_id)
    ws.add_events(outcome.events, uploads[0].upload_id if uploads else None, at)


def _fill_report(report: AddReport, ws: Workspace, uploads: list[Upload], outcome: _Outcome):
    report.added = list(uploads)
    report.records = sum(u.rows for u in uploads)
    report.new_people = outcome.new_people
    report.merges = int((outcome.events["kind"] == "merged").sum())
    report.splits = int((outcome.events["kind"] == "split").sum())
    report.candidate_pairs = outcome.candidate_pairs
    report.links = int((outcome.pairs["probability"].to_numpy() >= ws.threshold).sum())
    if uploads:
        first = uploads[0].first_rid
        known_before = outcome.known_ids_below
        mine = np.unique(ws.person_id[first:])
        report.returning_people = int((mine < known_before).sum())


# ------------------------------------------------------------------------------ from a match


def start_from_match(result, arrivals: Sequence[Arrival], season: str | None = None) -> Workspace:
    """A workspace whose first season is a match already made (the dashboard's session).

    Nothing is matched again: the match's records, scored pairs, model,
    decisions and grouping become the workspace's, each person a new ID.

    Args:
        result: a ``pipeline.MatchResult`` of exactly these rosters, in order.
        arrivals: the rosters the match was made of (their programme names as in the match).
        season: the season's label (default: this year and month).

    Raises:
        OverlapError: the match is not of these rosters.
    """
    from overlap.pipeline import decisions_to_rids

    season = " ".join((season or default_season()).split())
    ws = Workspace(threshold=result.threshold)
    records = result.records
    uploads = _new_uploads(ws, list(arrivals), season)
    names = records["programme"].astype(str).to_numpy()
    for upload, arrival in zip(uploads, arrivals, strict=True):
        mine = names[upload.first_rid : upload.stop]
        if len(mine) != upload.rows or (mine != arrival.programme).any():
            raise OverlapError("This match is not of these rosters; run the match again first.")
    if sum(u.rows for u in uploads) != len(records):
        raise OverlapError("This match is not of these rosters; run the match again first.")
    labels = np.repeat([u.label for u in uploads], [u.rows for u in uploads])
    labelled = records.drop(columns="person_id").assign(programme=pd.array(labels, dtype="str"))
    index = BlockIndex.build(labelled, [(u.upload_id, u.first_rid, u.rows) for u in uploads])
    assignment = assign_ids(
        np.full(len(records), -1, dtype=np.int64), records["person_id"].to_numpy(), 1
    )
    outcome = _matched_outcome(result, assignment, index, 1)
    attributes = [a.mapped.attributes.reset_index(drop=True).astype(str) for a in arrivals]
    as_typed = [a.mapped.fields.reset_index(drop=True).astype(str) for a in arrivals]
    _commit(ws, uploads, labelled, as_typed, attributes, outcome)
    rid = decisions_to_rids(records, result.decisions)
    ws.decisions = pd.DataFrame(
        {
            "rid_a": rid["rid_a"].to_numpy(np.int64),
            "rid_b": rid["rid_b"].to_numpy(np.int64),
            "decision": rid["decision"].astype(str).to_numpy(),
            "decided_at": now(),
        }
    )
    return ws
