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
