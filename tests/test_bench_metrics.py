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


def reference_groups(pred, truth, roster, group):
    """Enumerate every cross-roster pair: per group, (true, true positive, predicted touching)."""
    out = {g: [0, 0, 0] for g in set(group)}
    for i, j in combinations(range(len(pred)), 2):
        if roster[i] == roster[j]:
            continue
        same_pred, same_true = pred[i] == pred[j], truth[i] == truth[j]
        if same_true:
            out[group[i]][0] += 1
            out[group[i]][1] += same_pred
        if same_pred:
            for g in {group[i], group[j]}:
                out[g][2] += 1
    return out


@pytest.mark.parametrize("seed", range(25))
def test_group_scores_match_enumeration(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    truth = rng.integers(0, max(1, n // 2), n)
    pred = np.where(rng.random(n) < 0.7, truth, rng.integers(0, n, n))
    roster = rng.choice(["a", "b", "c"], n)
    person_group = rng.choice(["x", "y", ""], max(1, n // 2))
    group = person_group[truth]  # a record's group is its true person's

    got = {g["group"]: g for g in metrics.group_scores(pred, truth, roster, group)}
    want = reference_groups(pred.tolist(), truth.tolist(), roster.tolist(), group.tolist())
    assert set(got) == set(want)
    for name, (true, tp, touching) in want.items():
        g = got[name]
        assert (g["true_pairs"], g["true_positive"], g["predicted_pairs"]) == (true, tp, touching)
        assert g["recall"] == (tp / true if true else None)
        assert g["precision"] == (tp / touching if touching else None)
        assert g["records"] == int((group == name).sum())


def test_group_gap_leaves_out_unknown_and_thin_groups():
    groups = [
        {"group": "a", "recall": 0.95, "true_pairs": 500},
        {"group": "b", "recall": 0.90, "true_pairs": 200},
        {"group": "c", "recall": 0.10, "true_pairs": 5},  # too few pairs to count
        {"group": "", "recall": 0.20, "true_pairs": 900},  # unknown
    ]
    gap = metrics.group_gap(groups, min_true_pairs=100)
    assert gap["gap"] == pytest.approx(0.05)
    assert (gap["best"], gap["worst"], gap["groups_counted"]) == ("a", "b", 2)
    assert metrics.group_gap(groups[:1])["gap"] is None


def reference_true_counts(truth, roster):
    people = {}
    for t, r in zip(truth, roster, strict=True):
        people.setdefault(t, set()).add(r)
    names = list(dict.fromkeys(roster))
    combos = {}
    for progs in people.values():
        combos[frozenset(progs)] = combos.get(frozenset(progs), 0) + 1
    return {
        "union_people": len(people),
        "programmes": {n: sum(n in p for p in people.values()) for n in names},
        "pairwise": {
            (a, b): sum(a in p and b in p for p in people.values())
            for a in names
            for b in names
            if a != b
        },
        "intersections": combos,
    }


@pytest.mark.parametrize("seed", range(10))
def test_true_counts_match_sets(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 80))
    truth = rng.integers(0, max(1, n // 2), n)
    roster = rng.choice(["a", "b", "c", "d"], n)
    assert metrics.true_counts(truth, roster) == reference_true_counts(
        truth.tolist(), roster.tolist()
    )


def test_range_scores_coverage_and_width():
    # persons: 1 in a,b; 2 in a; 3 in b; 4 in a,b -> union 4, a 3, b 3, shared 2
    truth = [1, 1, 2, 3, 4, 4]
    roster = ["a", "b", "a", "b", "a", "b"]
    counts = metrics.true_counts(truth, roster)
    summary = {
        "programmes": {
            "a": {"people": 3, "people_low": 3, "people_high": 4},  # holds 3
            "b": {"people": 4, "people_low": 4, "people_high": 5},  # misses 3
        },
        "union_people": 4,
        "union_people_low": 3,
        "union_people_high": 5,  # holds 4
        "pairwise": [{"a": "a", "b": "b", "shared_people": 2}],  # no range: not counted
        "intersections": [
            {"programmes": ["a", "b"], "people": 2, "people_low": 2, "people_high": 2},
            {"programmes": ["a"], "people": 1, "people_low": 0, "people_high": 1},
        ],
    }
    got = metrics.range_scores(summary, counts)
    assert got["counts"] == 5
    assert got["coverage"] == pytest.approx(4 / 5)
    widths = sorted(e["relative_half_width"] for e in got["entries"])
    assert widths == pytest.approx(sorted([1 / 6, 1 / 8, 1 / 4, 0.0, 0.5]))
    assert got["median_relative_half_width"] == pytest.approx(1 / 6)
    assert metrics.range_scores({"union_people": 4}, counts)["coverage"] is None
