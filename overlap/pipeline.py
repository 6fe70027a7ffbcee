"""Run the matching stages in order and report progress.

``prepare_records`` stacks mapped rosters into the normalised records frame;
``match_rosters`` blocks, compares, fits the model, scores and clusters;
``recluster`` re-draws persons for a new threshold or new user decisions
without scoring again (the dashboard calls it when the strictness control
moves or a pair is accepted). Progress goes to a callback, one call per
stage, with counts and timings only (never personal data).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from overlap.block import candidate_pairs
from overlap.cluster import cluster_records
from overlap.compare import compare_pairs, reuse_record_arrays
from overlap.errors import MappingError, OverlapError
from overlap.fields import NAME_FIELDS, Comparison, comparisons_for
from overlap.model import FittedModel, canonical_order, fit_model, score
from overlap.results import DEFAULT_THRESHOLD  # the one default strictness, named there

DECISION_COLUMNS = ["programme_a", "row_a", "programme_b", "row_b", "decision"]

Progress = Callable[[str, dict], None]


@dataclass
class MatchResult:
    """Everything a match produced (see docs/architecture.md)."""

    records: pd.DataFrame
    attributes: pd.DataFrame
    pairs: pd.DataFrame
    comparisons: list[Comparison]
    model: FittedModel
    threshold: float
    decisions: pd.DataFrame
    stats: list[dict] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    # the mapped fields as each roster wrote them, by rid (for display; None from a records frame)
    as_typed: pd.DataFrame | None = None

    @property
    def scored_pairs(self) -> pd.DataFrame:
        """The scored pairs as kept: ``pairs`` without the per-comparison weight columns
        when the match left them to be made on first use (what counting and grouping read)."""
        return self.__dict__["pairs"]

    @property
    def links(self) -> pd.DataFrame:
        """Scored pairs at or above the threshold (with their weight columns)."""
        kept = self.scored_pairs
        return _with_weights(kept[kept["probability"] >= self.threshold], self)


def _get_pairs(result: MatchResult) -> pd.DataFrame:
    """Every scored pair with its level and weight per comparison; the weights are made
    here, once, for a match that left them out (``overlap match`` never needs them all)."""
    kept = result.__dict__["pairs"]
    full = _with_weights(kept, result)
    if full is not kept:
        result.__dict__["pairs"] = full
    return full


def _set_pairs(result: MatchResult, pairs: pd.DataFrame) -> None:
    result.__dict__["pairs"] = pairs


# a property under the dataclass field's name (kept in the instance's __dict__ under it):
# ``MatchResult(pairs=...)``, ``result.pairs`` and ``result.__dict__`` are as before, and the
# weight columns cost nothing until someone reads them
MatchResult.pairs = property(_get_pairs, _set_pairs, doc=_get_pairs.__doc__)


def _with_weights(pairs: pd.DataFrame, result: MatchResult) -> pd.DataFrame:
    """``pairs`` with each comparison's weight column beside its level (as ``score`` gives)."""
    missing = [c for c in result.comparisons if c.weight_column not in pairs.columns]
    if not missing or not len(result.comparisons):
        return pairs
    from overlap.model import comparison_weights

    weights = comparison_weights(result.model, result.records, pairs)
    return _pairs_columns(pairs.assign(**weights), result.comparisons)


def _has_names(fields: pd.DataFrame) -> bool:
    for column in NAME_FIELDS:
        if (
            column in fields.columns
            and (fields[column].fillna("").astype(str).str.strip() != "").any()
        ):
            return True
    return False


def prepare_records(mapped_rosters: Sequence) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Normalise and stack mapped rosters in the order given.

    Args:
        mapped_rosters: ``MappedRoster`` objects (``name``, ``fields``,
            ``attributes``, ``mapping``).

    Returns:
        ``(records, attributes)``: records has ``rid`` (also the index),
        ``programme``, ``row`` (1-based) and the normalised fields;
        attributes is indexed by rid with every roster's other columns.

    Raises:
        MappingError: a roster has no column mapped to a name, or two
            rosters share a programme name.
    """
    from overlap.normalise import normalise_fields

    if not mapped_rosters:
        raise OverlapError("No rosters were given to match.")
    names = [m.name for m in mapped_rosters]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise MappingError(
            f"Two rosters are both called '{dup}'; give each a different programme name."
        )
    frames, attributes = [], []
    for mapped in mapped_rosters:
        fields = mapped.fields
        mapping = mapped.mapping
        mapped_names = set(mapping.values()) & set(NAME_FIELDS) if mapping else set(NAME_FIELDS)
        if len(fields) and (not mapped_names or not _has_names(fields)):
            raise MappingError(
                f"Roster '{mapped.name}' has no column for names (first, last or full name); "
                "map one so its people can be matched."
            )
        normalised = normalise_fields(fields.reset_index(drop=True))
        rows = mapped.rows
        if rows is None:
            rows = np.arange(1, len(fields) + 1, dtype=np.int64)
        normalised.insert(0, "row", np.asarray(rows, dtype=np.int64))
        normalised.insert(0, "programme", mapped.name)
        parts = mapped.parts
        if parts is not None:  # a row that names two people: parts 1 and 2, else empty
            normalised.insert(2, "part", pd.array(np.where(parts > 0, parts, 0), dtype="Int64"))
            normalised.loc[np.asarray(parts) == 0, "part"] = pd.NA
        frames.append(normalised)
        attrs = mapped.attributes
        attributes.append(attrs.reset_index(drop=True).astype(str))
    records = pd.concat(frames, ignore_index=True)
    records["programme"] = records["programme"].astype(str)
    for column in records.columns:  # an evidence column some rosters lack: "" there
        if column != "part" and records[column].hasnans:
            records[column] = records[column].fillna("").astype("str")
    if "part" in records.columns:
        records["part"] = records["part"].astype("Int64")
    records.insert(0, "rid", np.arange(len(records), dtype=np.int64))
    records.index = pd.RangeIndex(len(records), name=None)
    attrs = _stack_attributes(attributes)
    attrs.index = pd.RangeIndex(len(attrs), name="rid")
    return records, attrs


def as_typed_fields(mapped_rosters: Sequence) -> pd.DataFrame:
    """Every record's mapped fields as its roster wrote them (before cleaning), indexed by rid.

    Lists and review show people's own spelling; matching keys stay internal.
    Arrow-backed strings keep the copy small.
    """
    frames = [m.fields.reset_index(drop=True) for m in mapped_rosters]
    typed = pd.concat(frames, ignore_index=True).astype(pd.StringDtype("pyarrow")).fillna("")
    typed.index = pd.RangeIndex(len(typed), name="rid")
    return typed


def _stack_attributes(attributes: list[pd.DataFrame]) -> pd.DataFrame:
    """Every roster's other columns stacked, "" where a roster lacks a column.

    Each frame is widened to all columns (filled with "") before stacking,
    rather than filling the stacked frame's gaps: at a million rows that
    fill-and-convert pass cost most of a second.
    """
    columns = list(dict.fromkeys(c for frame in attributes for c in frame.columns))
    widened = [
        frame if list(frame.columns) == columns else frame.reindex(columns=columns, fill_value="")
        for frame in attributes
    ]
    stacked = pd.concat(widened, ignore_index=True)
    if any(stacked[c].dtype != "str" for c in stacked.columns):
        stacked = stacked.fillna("").astype(str)
    return stacked


def records_from_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An already normalised records frame, renumbered 0..N-1, with no attributes.

    For callers (tests, the Dask engine, re-matching) that hand the engines
    records rather than rosters.
    """
    records = frame.reset_index(drop=True).copy()
    if "rid" in records.columns:
        records = records.drop(columns=["rid"])
    records.insert(0, "rid", np.arange(len(records), dtype=np.int64))
    return records, pd.DataFrame(index=pd.RangeIndex(len(records), name="rid"))


def decisions_to_rids(records: pd.DataFrame, decisions: pd.DataFrame | None) -> pd.DataFrame:
    """Map programme/row decisions to rid pairs; unknown rows are ignored."""
    empty = pd.DataFrame(
        {"rid_a": np.zeros(0, np.int64), "rid_b": np.zeros(0, np.int64), "decision": []}
    )
    if decisions is None or len(decisions) == 0:
        return empty
    missing = [c for c in DECISION_COLUMNS if c not in decisions.columns]
    if missing:
        raise OverlapError(f"The decisions file lacks the column(s) {', '.join(missing)}.")
    key = pd.MultiIndex.from_arrays(
        [records["programme"].astype(str), records["row"].astype(np.int64)]
    )
    lookup = pd.Series(np.arange(len(records)), index=key)
    lookup = lookup[~lookup.index.duplicated()]
    a_key = pd.MultiIndex.from_arrays(
        [decisions["programme_a"].astype(str), pd.to_numeric(decisions["row_a"], errors="coerce")]
    )
    b_key = pd.MultiIndex.from_arrays(
        [decisions["programme_b"].astype(str), pd.to_numeric(decisions["row_b"], errors="coerce")]
    )
    ra = lookup.reindex(a_key).to_numpy()
    rb = lookup.reindex(b_key).to_numpy()
    kind = decisions["decision"].astype(str).str.strip().str.lower().to_numpy()
    ok = (
        ~np.isnan(ra.astype(float))
        & ~np.isnan(rb.astype(float))
        & np.isin(kind, ["same", "different"])
    )
    ra = ra[ok].astype(np.int64)
    rb = rb[ok].astype(np.int64)
    keep = ra != rb
    out = pd.DataFrame(
        {
            "rid_a": np.minimum(ra, rb)[keep],
            "rid_b": np.maximum(ra, rb)[keep],
            "decision": kind[ok][keep],
        }
    )
    # the latest decision on a pair wins
    return out.drop_duplicates(["rid_a", "rid_b"], keep="last").reset_index(drop=True)


def _programme_codes(records: pd.DataFrame) -> np.ndarray:
    return pd.factorize(records["programme"])[0].astype(np.int64)


def _tie_order(records: pd.DataFrame, order: np.ndarray | None = None) -> np.ndarray:
    rank = np.empty(len(records), dtype=np.int64)
    rank[canonical_order(records) if order is None else order] = np.arange(len(records))
    return rank


def _cluster(records, pairs, threshold, decisions, order: np.ndarray | None = None) -> np.ndarray:
    rid_decisions = decisions_to_rids(records, decisions)
    return cluster_records(
        len(records),
        pairs,
        threshold,
        rid_decisions,
        programme_codes=_programme_codes(records),
        tie_order=_tie_order(records, order),
    )


def _empty_decisions() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=str) for c in DECISION_COLUMNS})


def match_rosters(
    rosters,
    threshold: float = DEFAULT_THRESHOLD,
    decisions: pd.DataFrame | None = None,
    progress: Progress | None = None,
) -> MatchResult:
    """Find the persons across (and within) the rosters.

    Args:
        rosters: a list of ``MappedRoster`` or an already normalised records
            frame (``programme``, ``row`` and the normalised fields).
        threshold: link pairs whose match probability is at least this.
        decisions: user decisions (``programme_a,row_a,programme_b,row_b,
            decision``) that override the model.
        progress: called once per stage as ``progress(stage, info)``; info
            holds counts and ``seconds``, never personal data.

    Returns:
        A ``MatchResult``.
    """
    if not 0.0 <= threshold <= 1.0:
        raise OverlapError("The threshold must be a probability between 0 and 1.")
    stats: list[dict] = []

    def report(stage: str, started: float, **info) -> None:
        entry = {"stage": stage, "seconds": round(time.perf_counter() - started, 3), **info}
        stats.append(entry)
        if progress is not None:
            progress(stage, dict(entry))

    started = time.perf_counter()
    as_typed = None
    if isinstance(rosters, pd.DataFrame):
        records, attributes = records_from_frame(rosters)
    else:
        rosters = list(rosters)
        records, attributes = prepare_records(rosters)
        as_typed = as_typed_fields(rosters)
    programmes = [str(p) for p in pd.unique(records["programme"])]
    report("normalise", started, records=len(records), programmes=len(programmes))

    started = time.perf_counter()
    pairs, block_report = candidate_pairs(records)
    report(
        "block",
        started,
        candidate_pairs=len(pairs),
        skipped_blocks=block_report["skipped_blocks"],
        rules={r["rule"]: r["new_pairs"] for r in block_report["rules"]},
    )

    with reuse_record_arrays():  # u's random pairs are compared on the same records
        started = time.perf_counter()
        comparisons = comparisons_for(records)
        levels = compare_pairs(records, pairs, comparisons)
        del pairs  # levels carries rid_a and rid_b
        report("compare", started, pairs=len(levels), comparisons=len(comparisons))

        started = time.perf_counter()
        # hashed once: u's random pairs and clustering's tie-break both use it
        order = canonical_order(records)
        model = fit_model(records, levels, order=order, comparisons=comparisons)
    report(
        "model",
        started,
        prior=float(f"{model.prior:.3g}"),
        training_pairs={k: v.get("pairs", 0) for k, v in model.stats["sessions"].items()},
    )

    started = time.perf_counter()
    # per-comparison weights are made when first read (``MatchResult.pairs``): 1.4 GB at 30M pairs
    scored = score(model, records, levels, weights=False)
    del levels  # scored holds the levels too: free the copy before clustering
    report(
        "score",
        started,
        pairs=len(scored),
        links=int((scored["probability"] >= threshold).sum()),
        household_guarded=int(scored["household_guard"].sum()),
    )

    started = time.perf_counter()
    decisions = _empty_decisions() if decisions is None else decisions.copy()
    person_id = _cluster(records, scored, threshold, decisions, order)
    records["person_id"] = person_id
    report("cluster", started, people=int(person_id.max() + 1) if len(person_id) else 0)

    return MatchResult(
        records=records,
        attributes=attributes,
        pairs=_pairs_columns(scored, comparisons),
        comparisons=comparisons,
        model=model,
        threshold=threshold,
        decisions=decisions,
        stats=stats,
        programmes=programmes,
        as_typed=as_typed,
    )


def _pairs_columns(scored: pd.DataFrame, comparisons: list[Comparison]) -> pd.DataFrame:
    """rid_a, rid_b, probability, match_weight, then level/weight per comparison (the weight
    where the frame has it)."""
    ordered = ["rid_a", "rid_b", "probability", "match_weight"]
    for c in comparisons:
        ordered += [f"{c.name}_level", f"{c.name}_weight"]
    ordered = [c for c in ordered if c in scored.columns]
    ordered += [c for c in scored.columns if c not in ordered]
    return scored[ordered].reset_index(drop=True)


def recluster(
    result: MatchResult, threshold: float, decisions: pd.DataFrame | None = None
) -> MatchResult:
    """The same scored pairs grouped into persons again (no re-scoring).

    Args:
        result: an earlier ``match_rosters`` result.
        threshold: the new threshold.
        decisions: the user decisions to apply (None: keep the result's).

    Returns:
        A new ``MatchResult`` with new ``person_id`` values.
    """
    if not 0.0 <= threshold <= 1.0:
        raise OverlapError("The threshold must be a probability between 0 and 1.")
    started = time.perf_counter()
    decisions = result.decisions if decisions is None else decisions.copy()
    records = result.records.copy()
    records["person_id"] = _cluster(records, result.scored_pairs, threshold, decisions)
    stats = [s for s in result.stats if s["stage"] != "cluster"]
    stats.append(
        {
            "stage": "cluster",
            "seconds": round(time.perf_counter() - started, 3),
            "people": int(records["person_id"].max() + 1) if len(records) else 0,
        }
    )
    return dataclasses.replace(
        result,
        records=records,
        pairs=result.scored_pairs,  # as kept: weights still made on first use
        threshold=threshold,
        decisions=decisions,
        stats=stats,
    )


def match_files(
    paths: Sequence,
    names: Sequence[str] | None = None,
    overrides: Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    decisions: pd.DataFrame | None = None,
    progress: Progress | None = None,
    allow_same: bool = False,
) -> MatchResult:
    """Read, map and match files in one call (the ``overlap match`` command).

    Args:
        paths: roster files.
        names: programme names, one per file (default: each file's stem).
        overrides: ``FILE:COLUMN=FIELD`` mapping corrections (as ``--map`` takes them).
        threshold, decisions, progress: as ``match_rosters``.
        allow_same: match a roster given twice anyway (refused by default).

    Returns:
        A ``MatchResult``.
    """
    from overlap.inputs import read_inputs

    inputs = read_inputs(
        paths, names, maps=list(overrides or []), allow_same=allow_same, progress=progress
    )
    mapped = inputs.mapped
    read_seconds = inputs.seconds
    result = match_rosters(mapped, threshold=threshold, decisions=decisions, progress=progress)
    result.stats.insert(0, {"stage": "read", "seconds": read_seconds, "files": len(mapped)})
    return result
