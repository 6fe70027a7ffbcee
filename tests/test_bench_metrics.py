"""The benchmark's pair metrics agree with counting pairs one by one."""

from __future__ import annotations

import importlib.util
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

_SPEC = importlib.util.spec_from_file_location(
    "bench_metrics", Path(__file__).resolve().parents[1] / "bench" / "metrics.py"
)
metrics = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = metrics  # dataclasses look their module up by name
_SPEC.loader.exec_module(metrics)


def reference_counts(pred, truth, roster):
    """Enumerate every pair of records: (tp, predicted, true) for all, cross and within."""
    out = {k: [0, 0, 0] for k in ("all", "cross", "within")}
    for i, j in combinations(range(len(pred)), 2):
        kinds = ["all", "within" if roster[i] == roster[j] else "cross"]
        same_pred = pred[i] == pred[j]
        same_true = truth[i] == truth[j]
        for k in kinds:
            out[k][0] += same_pred and same_true
            out[k][1] += same_pred
            out[k][2] += same_true
    return out


def reference_shared(pred, truth, roster):
    names = list(dict.fromkeys(roster))
    result = {}
    for a, b in combinations(names, 2):
        t = len(
            {truth[i] for i in range(len(truth)) if roster[i] == a}
            & {truth[i] for i in range(len(truth)) if roster[i] == b}
        )
        p = len(
            {pred[i] for i in range(len(pred)) if roster[i] == a}
            & {pred[i] for i in range(len(pred)) if roster[i] == b}
        )
        result[(a, b)] = (t, p)
    return result


@pytest.mark.parametrize("seed", range(25))
def test_pairwise_and_shared_match_enumeration(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    truth = rng.integers(0, max(1, n // 2), n)
    # a prediction that is right most of the time, wrong sometimes
    pred = np.where(rng.random(n) < 0.7, truth, rng.integers(0, n, n)) * 7 + 3
    roster = rng.choice(["a", "b", "c"], n)

    got = metrics.pairwise_scores(pred, truth, roster)
    want = reference_counts(pred.tolist(), truth.tolist(), roster.tolist())
    for kind in ("all", "cross", "within"):
        counts = getattr(got, kind)
        assert [counts.true_positive, counts.predicted, counts.true] == want[kind]

    shared = metrics.shared_people_error(pred, truth, roster)
    ref = reference_shared(pred.tolist(), truth.tolist(), roster.tolist())
    assert {(r["a"], r["b"]): (r["true"], r["predicted"]) for r in shared.pairs} == ref
    assert shared.union_true == len(set(truth.tolist()))
    assert shared.union_predicted == len(set(pred.tolist()))


def test_known_example():
    # two rosters; persons 1 (a,b), 2 (a,a,b), 3 (b). The tool merges 3 into 2 and splits 1.
    roster = ["a", "b", "a", "a", "b", "b"]
    truth = [1, 1, 2, 2, 2, 3]
    pred = [10, 11, 20, 20, 20, 20]
    s = metrics.pairwise_scores(pred, truth, roster)
    # true pairs: (0,1) cross; (2,3) within; (2,4),(3,4) cross -> 3 cross, 1 within
    # predicted pairs among {2,3,4,5}: 6, of which within (2,3),(4,5) -> 4 cross, 2 within
    assert (s.cross.true_positive, s.cross.predicted, s.cross.true) == (2, 4, 3)
    assert (s.within.true_positive, s.within.predicted, s.within.true) == (1, 2, 1)
    assert s.all.precision == pytest.approx(3 / 6)
    assert s.all.recall == pytest.approx(3 / 4)
    assert s.all.f1 == pytest.approx(2 * 0.5 * 0.75 / 1.25)
    sh = metrics.shared_people_error(pred, truth, roster)
    assert sh.pairs == [{"a": "a", "b": "b", "true": 2, "predicted": 1, "relative_error": -0.5}]
    assert (sh.union_true, sh.union_predicted) == (3, 3)
    assert sh.union_error == 0.0


def test_perfect_clustering_scores_one():
    truth = np.repeat(np.arange(1000), 3)
    roster = np.tile(["x", "y", "z"], 1000)
    s = metrics.pairwise_scores(truth[::-1].copy()[::-1], truth, roster)
    assert (s.all.f1, s.cross.f1, s.within.f1) == (1.0, 1.0, 1.0)
    assert metrics.shared_people_error(truth + 5, truth, roster).weighted_error == 0.0
