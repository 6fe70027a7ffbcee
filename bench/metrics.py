"""Accuracy of a clustering against true person ids, fast enough for millions of rows.

Pairwise precision/recall/F1 count *pairs of records placed in the same
person*; they are computed from contingency counts (records per predicted
cluster, per true person, per (cluster, person) cell), never by listing
pairs, so a million records cost a few group-bys. Pairs are split into
cross-roster (the two records come from different programmes: what overlap
counts) and within-roster (duplicates inside one programme).

The shared-people error compares, for each pair of programmes, how many
people the tool says they share with how many they truly share; the union
error does the same for the number of distinct people across all rosters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd


def _pairs(counts: np.ndarray) -> int:
    """Number of unordered pairs inside groups of the given sizes: sum of n*(n-1)/2."""
    counts = np.asarray(counts, dtype=np.int64)
    return int((counts * (counts - 1) // 2).sum())


def _group_pairs(keys: list[np.ndarray]) -> int:
    """Pairs of records that agree on every key array (one group per distinct key tuple).

    Keys are dense codes (0..k-1, from ``pd.factorize``); a tuple of them is
    folded into one int64 code, re-densified after each step so it never overflows.
    """
    code = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:
        code = code * (int(key.max(initial=0)) + 1) + key
        code = pd.factorize(code)[0].astype(np.int64)
    return _pairs(np.bincount(code)) if len(code) else 0


def _prf(tp: int, predicted: int, true: int) -> tuple[float, float, float]:
    precision = tp / predicted if predicted else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass
class PairCounts:
    """Pair counts and the precision, recall and F1 they give."""

    true_positive: int
    predicted: int
    true: int
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, tp: int, predicted: int, true: int) -> PairCounts:
        return cls(tp, predicted, true, *_prf(tp, predicted, true))


@dataclass
class PairwiseScores:
    """Pairwise scores over all pairs, cross-roster pairs and within-roster pairs."""

    all: PairCounts
    cross: PairCounts
    within: PairCounts


def pairwise_scores(
    predicted: np.ndarray | pd.Series,
    truth: np.ndarray | pd.Series,
    roster: np.ndarray | pd.Series,
) -> PairwiseScores:
    """Pairwise precision/recall/F1 of a predicted clustering, split by roster.

    Args:
        predicted: predicted cluster (person) id per record.
        truth: true person id per record (same order).
        roster: programme / file of each record (same order).

    Returns:
        Scores for all pairs, cross-roster pairs and within-roster pairs.
    """
    predicted = pd.factorize(np.asarray(predicted))[0]
    truth = pd.factorize(np.asarray(truth))[0]
    roster = pd.factorize(np.asarray(roster))[0]
    if not len(predicted) == len(truth) == len(roster):
        raise ValueError("predicted, truth and roster must have the same length")

    all_pred = _group_pairs([predicted])
    all_true = _group_pairs([truth])
    all_tp = _group_pairs([predicted, truth])
    within_pred = _group_pairs([roster, predicted])
    within_true = _group_pairs([roster, truth])
    within_tp = _group_pairs([roster, predicted, truth])
    return PairwiseScores(
        all=PairCounts.of(all_tp, all_pred, all_true),
        cross=PairCounts.of(all_tp - within_tp, all_pred - within_pred, all_true - within_true),
        within=PairCounts.of(within_tp, within_pred, within_true),
    )


@dataclass
class SharedPeopleError:
    """Shared-people counts per programme pair and the distinct-people count, predicted vs true."""

    pairs: list[dict] = field(default_factory=list)  # a, b, true, predicted, relative_error
    weighted_error: float = 0.0  # sum |predicted - true| / sum true over programme pairs
    max_error: float = 0.0  # largest |relative error| of any programme pair
    union_true: int = 0
    union_predicted: int = 0
    union_error: float = 0.0  # (predicted - true) / true, signed


def _shared_counts(person: np.ndarray, roster_code: np.ndarray, names: list) -> dict:
    """People present in both programmes, for every pair of programmes.

    ``person`` and ``roster_code`` are dense codes; ``names[i]`` is roster code i.
    """
    membership = np.zeros((int(person.max(initial=-1)) + 1, len(names)), dtype=np.int64)
    membership[person, roster_code] = 1
    both = membership.T @ membership  # people in programme i and programme j
    return {(a, b): int(both[i, j]) for (i, a), (j, b) in combinations(list(enumerate(names)), 2)}


def shared_people_error(
    predicted: np.ndarray | pd.Series,
    truth: np.ndarray | pd.Series,
    roster: np.ndarray | pd.Series,
) -> SharedPeopleError:
    """How far the tool's count of people shared by each pair of programmes is from the truth.

    Args:
        predicted: predicted person id per record.
        truth: true person id per record.
        roster: programme of each record.

    Returns:
        Per-pair counts and relative errors, their weighted and worst error, and
        the error in the number of distinct people across all programmes.
    """
    predicted = np.asarray(pd.factorize(np.asarray(predicted))[0])
    truth = np.asarray(pd.factorize(np.asarray(truth))[0])
    roster_code, roster_names = pd.factorize(np.asarray(roster).astype(str))
    names = [str(n) for n in roster_names]
    true_shared = _shared_counts(truth, roster_code, names)
    pred_shared = _shared_counts(predicted, roster_code, names)
    rows = []
    for key, t in true_shared.items():
        p = pred_shared[key]
        rel = (p - t) / t if t else (0.0 if p == 0 else float("inf"))
        rows.append({"a": key[0], "b": key[1], "true": t, "predicted": p, "relative_error": rel})
    total_true = sum(r["true"] for r in rows)
    abs_diff = sum(abs(r["predicted"] - r["true"]) for r in rows)
    union_true = int(len(np.unique(truth)))
    union_pred = int(len(np.unique(predicted)))
    return SharedPeopleError(
        pairs=rows,
        weighted_error=abs_diff / total_true if total_true else float(abs_diff > 0),
        max_error=max((abs(r["relative_error"]) for r in rows), default=0.0),
        union_true=union_true,
        union_predicted=union_pred,
        union_error=(union_pred - union_true) / union_true if union_true else 0.0,
    )


def score_clustering(
    predicted: np.ndarray | pd.Series,
    truth: np.ndarray | pd.Series,
    roster: np.ndarray | pd.Series,
) -> dict:
    """Every accuracy figure the benchmarks print, as one flat-ish dict."""
    pw = pairwise_scores(predicted, truth, roster)
    sh = shared_people_error(predicted, truth, roster)
    return {"pairwise": asdict(pw), "shared": asdict(sh)}


# ---------------------------------------------------------------- groups (issue 18)


GAP_MIN_TRUE_PAIRS = 50  # a group needs this many true cross-roster pairs to count in the gap


def _cross_counts(predicted: np.ndarray, truth: np.ndarray, roster: np.ndarray) -> PairCounts:
    """Cross-roster pair counts of the records given (dense codes, as pairwise_scores takes)."""
    if not len(predicted):
        return PairCounts.of(0, 0, 0)
    return pairwise_scores(predicted, truth, roster).cross


def group_scores(
    predicted: np.ndarray | pd.Series,
    truth: np.ndarray | pd.Series,
    roster: np.ndarray | pd.Series,
    group: np.ndarray | pd.Series,
) -> list[dict]:
    """Cross-roster recall and precision per group of people (e.g. race/ethnicity, name origin).

    A true pair belongs to the group of its person (both records are the same
    person, so the same group). Recall of group g: its true cross-roster pairs
    the tool put together. Precision of group g: of the predicted cross-roster
    pairs with at least one record of g, the share that are true; a false link
    between two groups counts against both. Computed from contingency counts
    (pairs of all records minus pairs among the records outside g), never by
    listing pairs.

    Args:
        predicted: predicted person id per record.
        truth: true person id per record.
        roster: programme of each record.
        group: group label per record (its true person's); "" where unknown.

    Returns:
        One dict per group, largest first: group, records, true_pairs,
        true_positive, predicted_pairs (touching the group), recall, precision.
    """
    predicted = pd.factorize(np.asarray(predicted))[0]
    truth = pd.factorize(np.asarray(truth))[0]
    roster = pd.factorize(np.asarray(roster))[0]
    labels = pd.Series(np.asarray(group, dtype=object)).fillna("").astype(str).to_numpy()
    everyone = _cross_counts(predicted, truth, roster)
    out = []
    names, sizes = np.unique(labels, return_counts=True)
    for name, size in sorted(zip(names, sizes, strict=True), key=lambda t: (-t[1], t[0])):
        inside = labels == name
        mine = _cross_counts(predicted[inside], truth[inside], roster[inside])
        rest = _cross_counts(predicted[~inside], truth[~inside], roster[~inside])
        touching = everyone.predicted - rest.predicted
        out.append(
            {
                "group": name,
                "records": int(size),
                "true_pairs": mine.true,
                "true_positive": mine.true_positive,
                "predicted_pairs": int(touching),
                "recall": mine.true_positive / mine.true if mine.true else None,
                "precision": mine.true_positive / touching if touching else None,
            }
        )
    return out


def group_gap(groups: list[dict], min_true_pairs: int = GAP_MIN_TRUE_PAIRS) -> dict:
    """Best minus worst cross-roster recall over the known groups with enough true pairs.

    Groups labelled "" (unknown) and groups with fewer than ``min_true_pairs``
    true cross-roster pairs (too few to measure a recall to a point) are left out.
    """
    counted = [
        g
        for g in groups
        if g["group"] and g["recall"] is not None and g["true_pairs"] >= min_true_pairs
    ]
    if len(counted) < 2:
        return {"gap": None, "best": None, "worst": None, "groups_counted": len(counted)}
    best = max(counted, key=lambda g: g["recall"])
    worst = min(counted, key=lambda g: g["recall"])
    return {
        "gap": best["recall"] - worst["recall"],
        "best": best["group"],
        "best_recall": best["recall"],
        "worst": worst["group"],
        "worst_recall": worst["recall"],
        "groups_counted": len(counted),
    }


# ---------------------------------------------------------------- count ranges (issue 12 item 5)


def true_counts(truth: np.ndarray | pd.Series, roster: np.ndarray | pd.Series) -> dict:
    """Every count overlap.json reports, computed from the truth.

    Returns:
        ``union_people``; ``programmes`` {name: people}; ``pairwise``
        {(a, b): shared people} for every pair of programmes (both orders);
        ``intersections`` {frozenset of programmes: people in exactly those}.
    """
    person, person_names = pd.factorize(np.asarray(truth))
    roster_code, roster_names = pd.factorize(np.asarray(roster).astype(str))
    names = [str(n) for n in roster_names]
    membership = np.zeros((len(person_names), len(names)), dtype=np.int64)
    membership[person, roster_code] = 1
    both = membership.T @ membership
    weights = np.left_shift(1, np.arange(len(names), dtype=np.int64))
    masks, counts = np.unique(membership @ weights, return_counts=True)
    pairwise = {}
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if i != j:
                pairwise[(a, b)] = int(both[i, j])
    return {
        "union_people": int(len(person_names)),
        "programmes": {n: int(both[i, i]) for i, n in enumerate(names)},
        "pairwise": pairwise,
        "intersections": {
            frozenset(n for i, n in enumerate(names) if mask >> i & 1): int(c)
            for mask, c in zip(masks.tolist(), counts.tolist(), strict=True)
        },
    }


def _range_entry(kind: str, key: str, node: dict, count_key: str, true_value: int) -> dict | None:
    low, high = node.get(f"{count_key}_low"), node.get(f"{count_key}_high")
    if low is None or high is None:
        return None
    estimate = node.get(count_key)
    half = (float(high) - float(low)) / 2
    return {
        "kind": kind,
        "key": key,
        "estimate": estimate,
        "low": low,
        "high": high,
        "truth": true_value,
        "inside": bool(float(low) <= true_value <= float(high)),
        "relative_half_width": half
        / max(float(estimate if estimate is not None else true_value), 1.0),
    }


def range_scores(summary: dict, truth_counts: dict) -> dict:
    """How well the ranges in an overlap.json hold the true counts.

    Reads, where present, ``union_people_low/_high``, each programme's
    ``people_low/_high``, each pair's ``shared_people_low/_high`` and each
    intersection's ``people_low/_high`` (issue 12 item 5).

    Args:
        summary: the overlap.json document.
        truth_counts: ``true_counts`` of the data set.

    Returns:
        ``entries`` (one per count with a range), ``counts`` (how many),
        ``coverage`` (share whose truth lies in [low, high]) and
        ``median_relative_half_width`` (half the range over the count shown);
        None where the file has no ranges.
    """
    entries = []
    entry = _range_entry("union", "all", summary, "union_people", truth_counts["union_people"])
    entries.append(entry)
    for name, node in (summary.get("programmes") or {}).items():
        true_value = truth_counts["programmes"].get(name, 0)
        entries.append(_range_entry("programme", name, node, "people", true_value))
    for node in summary.get("pairwise") or []:
        true_value = truth_counts["pairwise"].get((node.get("a"), node.get("b")), 0)
        key = f"{node.get('a')} & {node.get('b')}"
        entries.append(_range_entry("pairwise", key, node, "shared_people", true_value))
    for node in summary.get("intersections") or []:
        combo = frozenset(node.get("programmes") or [])
        true_value = truth_counts["intersections"].get(combo, 0)
        key = " & ".join(sorted(combo))
        entries.append(_range_entry("intersection", key, node, "people", true_value))
    entries = [e for e in entries if e is not None]
    if not entries:
        return {"entries": [], "counts": 0, "coverage": None, "median_relative_half_width": None}
    return {
        "entries": entries,
        "counts": len(entries),
        "coverage": float(np.mean([e["inside"] for e in entries])),
        "median_relative_half_width": float(np.median([e["relative_half_width"] for e in entries])),
    }
