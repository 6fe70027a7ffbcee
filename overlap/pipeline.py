"""The matching stages, written once, and the engine that runs them in this process.

``run_stages`` is the one sequence of a match: normalise -> block -> compare
-> model -> score -> cluster, one progress report per stage (counts and
timings only, never personal data), then the ``MatchResult``. Where each
stage runs is an engine's business (``Engine``): ``LocalEngine`` here
(pandas, numpy and DuckDB in this process, the default), ``DaskEngine`` in
``overlap.dask_engine`` (the same functions spread over a Dask cluster).

``match_rosters`` and ``match_files`` run the sequence; ``recluster``
re-draws persons for a new threshold or new user decisions without scoring
again (the dashboard calls it when the strictness control moves or a pair
is accepted).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from overlap.block import candidate_pairs
from overlap.cluster import cluster_records
from overlap.compare import compare_pairs, reuse_record_arrays
from overlap.errors import OverlapError
from overlap.fields import Comparison, comparisons_for
from overlap.model import FittedModel, canonical_order, fit_model, score
from overlap.records import (
    as_typed_fields,
    decisions_to_rids,
    empty_decisions,
    prepare_records,
    programme_codes,
    records_from_frame,
)
from overlap.results import DEFAULT_THRESHOLD  # the one default strictness, named there

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


# ---------------------------------------------------------------- the stages, once


class Engine(Protocol):
    """Where the stages of a match run.

    Entered (``with engine:``) for one match. What ``block``, ``compare`` and
    ``score`` return (pairs, levels, scored pairs: frames here, futures on a
    cluster) is only handed to the next stage, never read by the sequence;
    each stage returns the counts its progress report needs.
    """

    def __enter__(self) -> Engine: ...

    def __exit__(self, *exc) -> None: ...

    def normalise(self, rosters: list) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``prepare_records``: the records frame and the attributes."""

    def block(self, records: pd.DataFrame) -> tuple[Any, dict]:
        """Candidate pairs, and ``candidate_pairs``, ``skipped_blocks``, ``rules`` (pairs per rule)."""

    def compare(self, records: pd.DataFrame, pairs: Any, comparisons: list[Comparison]) -> Any:
        """Every candidate pair's comparison levels."""

    def fit(self, records: pd.DataFrame, levels: Any, comparisons: list[Comparison]) -> FittedModel:
        """The model, learnt from these records and their pairs' levels."""

    def score(
        self, model: FittedModel, records: pd.DataFrame, levels: Any, threshold: float
    ) -> tuple[Any, dict]:
        """Scored pairs, and ``links`` (at the threshold) and ``household_guarded``."""

    def cluster(
        self, records: pd.DataFrame, scored: Any, threshold: float, rid_decisions: pd.DataFrame
    ) -> np.ndarray:
        """A person id per record, as ``cluster.cluster_records`` numbers them."""

    def scored_pairs(self, scored: Any, comparisons: list[Comparison]) -> pd.DataFrame:
        """Every scored pair as ``MatchResult.pairs`` holds them (``pairs_columns``)."""


class StageLog:
    """One stats entry and one progress call per stage; each report starts the next one's clock."""

    def __init__(self, progress: Progress | None = None):
        self.stats: list[dict] = []
        self.progress = progress
        self.started = time.perf_counter()

    def report(self, stage: str, **info) -> None:
        now = time.perf_counter()
        entry = {"stage": stage, "seconds": round(now - self.started, 3), **info}
        self.stats.append(entry)
        if self.progress is not None:
            self.progress(stage, dict(entry))
        self.started = time.perf_counter()


def check_threshold(threshold: float) -> None:
    """Refuse a threshold that is not a probability."""
    if not 0.0 <= threshold <= 1.0:
        raise OverlapError("The threshold must be a probability between 0 and 1.")


def run_stages(
    engine: Engine,
    rosters,
    threshold: float = DEFAULT_THRESHOLD,
    decisions: pd.DataFrame | None = None,
    progress: Progress | None = None,
) -> MatchResult:
    """The one sequence of a match, on the given engine (arguments as ``match_rosters``)."""
    check_threshold(threshold)
    log = StageLog(progress)
    with engine:
        as_typed = None
        if isinstance(rosters, pd.DataFrame):
            records, attributes = records_from_frame(rosters)
        else:
            rosters = list(rosters)
            records, attributes = engine.normalise(rosters)
            as_typed = as_typed_fields(rosters)
        programmes = [str(p) for p in pd.unique(records["programme"])]
        log.report("normalise", records=len(records), programmes=len(programmes))

        pairs, counts = engine.block(records)
        log.report("block", **counts)

        comparisons = comparisons_for(records)
        levels = engine.compare(records, pairs, comparisons)
        del pairs  # levels carries rid_a and rid_b
        log.report("compare", pairs=counts["candidate_pairs"], comparisons=len(comparisons))

        model = engine.fit(records, levels, comparisons)
        sessions = model.stats["sessions"]
        log.report(
            "model",
            prior=float(f"{model.prior:.3g}"),
            training_pairs={k: v.get("pairs", 0) for k, v in sessions.items()},
        )

        scored, scored_counts = engine.score(model, records, levels, threshold)
        del levels  # the scored pairs hold the levels too: free them before clustering
        log.report("score", pairs=counts["candidate_pairs"], **scored_counts)

        decisions = empty_decisions() if decisions is None else decisions.copy()
        rid_decisions = decisions_to_rids(records, decisions)
        person_id = engine.cluster(records, scored, threshold, rid_decisions)
        records["person_id"] = person_id
        log.report("cluster", people=int(person_id.max() + 1) if len(person_id) else 0)
        pairs = engine.scored_pairs(scored, comparisons)
    return MatchResult(
        records=records,
        attributes=attributes,
        pairs=pairs,
        comparisons=comparisons,
        model=model,
        threshold=threshold,
        decisions=decisions,
        stats=log.stats,
        programmes=programmes,
        as_typed=as_typed,
    )


# ---------------------------------------------------------------- helpers both engines use


def block_counts(rule_pairs: dict[str, int], skipped_blocks: int) -> dict:
    """The blocking stage's report: candidate pairs, very common blocks skipped, pairs per rule."""
    return {
        "candidate_pairs": int(sum(rule_pairs.values())),
        "skipped_blocks": int(skipped_blocks),
        "rules": rule_pairs,
    }


def score_counts(scored: pd.DataFrame, threshold: float) -> dict:
    """The scoring stage's report for some scored pairs: links, and pairs kept apart as family."""
    return {
        "links": int((scored["probability"] >= threshold).sum()),
        "household_guarded": int(scored["household_guard"].sum()),
    }


def tie_order(records: pd.DataFrame, order: np.ndarray | None = None) -> np.ndarray:
    """Each record's rank in ``canonical_order``: clustering breaks ties by it, not by row order."""
    rank = np.empty(len(records), dtype=np.int64)
    rank[canonical_order(records) if order is None else order] = np.arange(len(records))
    return rank


def _pairs_columns(scored: pd.DataFrame, comparisons: list[Comparison]) -> pd.DataFrame:
    """rid_a, rid_b, probability, match_weight, then level/weight per comparison (the weight
    where the frame has it)."""
    ordered = ["rid_a", "rid_b", "probability", "match_weight"]
    for c in comparisons:
        ordered += [f"{c.name}_level", f"{c.name}_weight"]
    ordered = [c for c in ordered if c in scored.columns]
    ordered += [c for c in scored.columns if c not in ordered]
    return scored[ordered].reset_index(drop=True)


def _cluster(records, pairs, threshold, decisions, order: np.ndarray | None = None) -> np.ndarray:
    return cluster_records(
        len(records),
        pairs,
        threshold,
        decisions_to_rids(records, decisions),
        programme_codes=programme_codes(records),
        tie_order=tie_order(records, order),
    )


# ---------------------------------------------------------------- the local engine


class LocalEngine:
    """Every stage in this process: pandas, numpy and DuckDB (the default engine)."""

    def __enter__(self) -> LocalEngine:
        # compare's per-record arrays, made for the candidate pairs and reused for
        # u's random pairs of the same records; freed once the model is fitted
        self._arrays: dict | None = {}
        # canonical_order, hashed once: u's random pairs and clustering's tie-break use it
        self._order: np.ndarray | None = None
        return self

    def __exit__(self, *exc) -> None:
        self._arrays = self._order = None

    def normalise(self, rosters: list) -> tuple[pd.DataFrame, pd.DataFrame]:
        return prepare_records(rosters)

    def block(self, records: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
        pairs, report = candidate_pairs(records)
        rules = {r["rule"]: r["new_pairs"] for r in report["rules"]}
        return pairs, block_counts(rules, report["skipped_blocks"])

    def compare(
        self, records: pd.DataFrame, pairs: pd.DataFrame, comparisons: list[Comparison]
    ) -> pd.DataFrame:
        with reuse_record_arrays(self._arrays):
            return compare_pairs(records, pairs, comparisons)

    def fit(
        self, records: pd.DataFrame, levels: pd.DataFrame, comparisons: list[Comparison]
    ) -> FittedModel:
        self._order = canonical_order(records)
        with reuse_record_arrays(self._arrays):
            model = fit_model(records, levels, order=self._order, comparisons=comparisons)
        self._arrays = None
        return model

    def score(
        self, model: FittedModel, records: pd.DataFrame, levels: pd.DataFrame, threshold: float
    ) -> tuple[pd.DataFrame, dict]:
        # per-comparison weights are made when first read (``MatchResult.pairs``): 1.4 GB
        # at 30M pairs
        scored = score(model, records, levels, weights=False)
        return scored, score_counts(scored, threshold)

    def cluster(
        self,
        records: pd.DataFrame,
        scored: pd.DataFrame,
        threshold: float,
        rid_decisions: pd.DataFrame,
    ) -> np.ndarray:
        return cluster_records(
            len(records),
            scored,
            threshold,
            rid_decisions,
            programme_codes=programme_codes(records),
            tie_order=tie_order(records, self._order),
        )

    def scored_pairs(self, scored: pd.DataFrame, comparisons: list[Comparison]) -> pd.DataFrame:
        return _pairs_columns(scored, comparisons)


# ---------------------------------------------------------------- entry points


def match_rosters(
    rosters,
    threshold: float = DEFAULT_THRESHOLD,
    decisions: pd.DataFrame | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
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
        engine: where the stages run (default: ``LocalEngine``, this process;
            ``overlap.dask_engine.DaskEngine`` for a Dask cluster).

    Returns:
        A ``MatchResult``.

    Example:
        ```py
        from overlap import match_rosters

        result = match_rosters(mapped, threshold=0.8)  # mapped: from map_rosters
        people, links = result.records["person_id"].nunique(), len(result.links)
        ```
    """
    return run_stages(engine or LocalEngine(), rosters, threshold, decisions, progress)


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

    Example:
        ```py
        from overlap import recluster

        strict = recluster(result, 0.95)  # no matching again: milliseconds
        assert strict.records["person_id"].nunique() >= result.records["person_id"].nunique()
        ```
    """
    check_threshold(threshold)
    log = StageLog()
    decisions = result.decisions if decisions is None else decisions.copy()
    records = result.records.copy()
    records["person_id"] = _cluster(records, result.scored_pairs, threshold, decisions)
    log.report("cluster", people=int(records["person_id"].max() + 1) if len(records) else 0)
    stats = [s for s in result.stats if s["stage"] != "cluster"] + log.stats
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
    engine: Engine | None = None,
) -> MatchResult:
    """Read, map and match files in one call (the ``overlap match`` command).

    Args:
        paths: roster files.
        names: programme names, one per file (default: each file's stem).
        overrides: ``FILE:COLUMN=FIELD`` mapping corrections (as ``--map`` takes them).
        threshold, decisions, progress, engine: as ``match_rosters``.
        allow_same: match a roster given twice anyway (refused by default).

    Returns:
        A ``MatchResult``; its first stats entry is the reading (``read``).

    Example:
        ```py
        from overlap import match_files

        result = match_files(
            ["data/samples/employer_new_hires.csv", "data/samples/job_placement_participants.csv"],
            names=["Employer", "Job programme"],
        )
        ```
    """
    from overlap.inputs import read_inputs

    check_threshold(threshold)
    inputs = read_inputs(
        paths, names, maps=list(overrides or []), allow_same=allow_same, progress=progress
    )
    result = match_rosters(inputs.mapped, threshold, decisions, progress, engine)
    result.stats.insert(
        0, {"stage": "read", "seconds": inputs.seconds, "files": len(inputs.mapped)}
    )
    return result
