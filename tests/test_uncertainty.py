"""Ranges of counts (issue 12 item 5): the method against plain references, and its promises.

* ``guarded_merge`` (whole-array rounds) against a one-link-at-a-time loop.
* The draws against exact enumeration of every link set on a tiny match.
* Every range holds its count; reviewed pairs narrow the ranges.
* overlap.json keeps every key and gains ``_low``/``_high`` beside each count.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap import uncertainty
from overlap.analyse import overlap_summary
from overlap.cluster import cluster_records
from overlap.pipeline import MatchResult
from overlap.records import DECISION_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


# ---------------------------------------------------------------- plain reference twin


def reference_merge(n, a, b, strength, codes, cannot=(), forced=()):
    """The rule of ``guarded_merge``, one link at a time: a set of record sets."""
    group = {i: {i} for i in range(n)}
    owner = list(range(n))

    def join(x, y):
        gx, gy = owner[x], owner[y]
        if gx == gy:
            return
        for r in group[gy]:
            owner[r] = gx
        group[gx] |= group.pop(gy)

    for x, y in [(x, y) for x, y in zip(a, b, strict=True) if codes[x] == codes[y]]:
        join(x, y)
    for x, y in forced:
        join(x, y)
    apart = {frozenset(p) for p in cannot}
    cross = [i for i in range(len(a)) if codes[a[i]] != codes[b[i]]]
    cross.sort(key=lambda i: -strength[i])  # stable: earlier link first on ties
    for i in cross:
        gx, gy = owner[a[i]], owner[b[i]]
        if gx == gy:
            continue
        if {codes[r] for r in group[gx]} & {codes[r] for r in group[gy]}:
            continue
        if any(frozenset((x, y)) in apart for x in group[gx] for y in group[gy]):
            continue
        join(a[i], b[i])
    return {frozenset(g) for g in group.values()}


def partition(labels) -> set[frozenset]:
    out: dict[int, set] = {}
    for i, label in enumerate(labels.tolist()):
        out.setdefault(label, set()).add(i)
    return {frozenset(g) for g in out.values()}


@st.composite
def linked_records(draw):
    n = draw(st.integers(2, 12))
    codes = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(-20, 20)),
            max_size=25,
        )
    )
    pairs = [(x, y, w) for x, y, w in pairs if x != y]
    extra = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3))
    extra = [(x, y) for x, y in extra if x != y]
    split = draw(st.integers(0, len(extra)))
    return n, np.array(codes), pairs, extra[:split], extra[split:]


@settings(max_examples=300, deadline=None)
@given(linked_records())
def test_guarded_merge_equals_one_link_at_a_time(case):
    n, codes, pairs, cannot, forced = case
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    strength = np.array([p[2] for p in pairs], dtype=np.float64)
    labels = uncertainty.guarded_merge(
        n,
        a,
        b,
        strength,
        codes,
        cannot=(np.array([c[0] for c in cannot]), np.array([c[1] for c in cannot]))
        if cannot
        else None,
        forced=(np.array([f[0] for f in forced]), np.array([f[1] for f in forced]))
        if forced
        else None,
    )
    expected = reference_merge(n, a.tolist(), b.tolist(), strength.tolist(), codes, cannot, forced)
    assert partition(labels) == expected


# ---------------------------------------------------------------- tiny matches


def tiny_result(programmes, pairs, threshold=0.5, decisions=None) -> MatchResult:
    """A match result from programme names per record and (a, b, match weight) pairs."""
    records = pd.DataFrame({"programme": programmes})
    records["row"] = records.groupby("programme").cumcount() + 1
    records.insert(0, "rid", np.arange(len(records)))
    weight = np.array([w for _, _, w in pairs], dtype=np.float64)
    frame = pd.DataFrame(
        {
            "rid_a": np.array([p[0] for p in pairs], dtype=np.int64),
            "rid_b": np.array([p[1] for p in pairs], dtype=np.int64),
            "probability": 1.0 / (1.0 + np.exp2(-weight)),
            "match_weight": weight,
        }
    )
    decisions = pd.DataFrame(columns=DECISION_COLUMNS) if decisions is None else decisions.copy()
    from overlap.pipeline import decisions_to_rids

    codes = pd.factorize(records["programme"])[0]
    records["person_id"] = cluster_records(
        len(records), frame, threshold, decisions_to_rids(records, decisions), codes
    )
    return MatchResult(
        records=records,
        attributes=pd.DataFrame(index=records.index),
        pairs=frame,
        comparisons=[],
        model=None,
        threshold=threshold,
        decisions=decisions,
    )


def test_draws_follow_exact_enumeration_of_link_sets():
    """Three records in three rosters, three uncertain pairs: 8 link sets, each with its
    probability; the share of draws giving each union count matches the exact one."""
    weights = [1.2, -0.6, -2.0]  # log2 odds: p = 0.70, 0.40, 0.20
    result = tiny_result(
        ["A", "B", "C"], [(0, 1, weights[0]), (1, 2, weights[1]), (0, 2, weights[2])]
    )
    draws = uncertainty.draw_counts(result, draws=4000, temper=1.0, band=1e-9, seed=3)
    p = [1.0 / (1.0 + 2.0**-w) for w in weights]
    exact: dict[int, float] = {}
    for kept in itertools.product([0, 1], repeat=3):
        chance = float(np.prod([pi if k else 1 - pi for pi, k in zip(p, kept, strict=True)]))
        links = [pair for pair, k in zip([(0, 1), (1, 2), (0, 2)], kept, strict=True) if k]
        people = len(
            reference_merge(
                3, [x for x, _ in links], [y for _, y in links], [1.0] * len(links), [0, 1, 2]
            )
        )
        exact[people] = exact.get(people, 0.0) + chance
    union = draws.draws[:, draws.masks != 0].sum(axis=1)
    for people, chance in exact.items():
        assert abs(float(np.mean(union == people)) - chance) < 0.03
    assert draws.n_draws == 4000


def test_pairs_far_from_the_threshold_are_not_drawn():
    result = tiny_result(["A", "B", "A", "B"], [(0, 1, 40.0), (2, 3, -40.0)])
    draws = uncertainty.draw_counts(result)
    assert draws.stats["drawn_pairs"] == 0
    ranges = uncertainty.summary_ranges(draws)
    # nothing uncertain: the range is the count and the floor of one person
    assert ranges["union_people"] == (2, 4)


@st.composite
def small_matches(draw):
    n = draw(st.integers(2, 10))
    programmes = draw(st.lists(st.sampled_from("ABC"), min_size=n, max_size=n))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(-12, 12)),
            max_size=15,
        )
    )
    seen, unique = set(), []
    for x, y, w in pairs:
        key = (min(x, y), max(x, y))
        if x != y and key not in seen:
            seen.add(key)
            unique.append((key[0], key[1], w))
    threshold = draw(st.sampled_from([0.3, 0.5, 0.9]))
    return programmes, unique, threshold


@settings(max_examples=80, deadline=None)
@given(small_matches())
def test_every_range_holds_its_count(case):
    programmes, pairs, threshold = case
    result = tiny_result(programmes, pairs, threshold)
    summary = overlap_summary(result.records)
    document = uncertainty.ranged_summary(result, uncertainty.draw_counts(result, draws=60))
    assert document["union_people_low"] <= summary["union_people"] <= document["union_people_high"]
    for name, node in document["programmes"].items():
        assert 0 <= node["people_low"] <= node["people"] <= node["people_high"]
        assert node["people"] == summary["programmes"][name]["people"]
    for node in document["pairwise"]:
        assert 0 <= node["shared_people_low"] <= node["shared_people"] <= node["shared_people_high"]
    for node in document["intersections"]:
        assert 0 <= node["people_low"] <= node["people"] <= node["people_high"]


# ---------------------------------------------------------------- a real match


@pytest.fixture(scope="module")
def samples_match():
    from overlap.pipeline import match_files

    return match_files(sorted(SAMPLES.iterdir()))


def _widths(document: dict) -> float:
    total = document["union_people_high"] - document["union_people_low"]
    for node in document["pairwise"]:
        total += node["shared_people_high"] - node["shared_people_low"]
    return total


def test_reviewed_pairs_narrow_the_ranges(samples_match):
    before = uncertainty.ranged_summary(samples_match)
    draws = uncertainty.draw_counts(samples_match)
    assert draws.stats["drawn_pairs"] > 0
    # review the 150 pairs nearest the threshold, each decided as the model did
    pairs = samples_match.pairs
    nearest = pairs.iloc[np.argsort(np.abs(pairs["match_weight"].to_numpy()))[:150]]
    records = samples_match.records
    decisions = pd.DataFrame(
        {
            "programme_a": records["programme"].to_numpy()[nearest["rid_a"]],
            "row_a": records["row"].to_numpy()[nearest["rid_a"]],
            "programme_b": records["programme"].to_numpy()[nearest["rid_b"]],
            "row_b": records["row"].to_numpy()[nearest["rid_b"]],
            "decision": np.where(nearest["probability"] >= 0.5, "same", "different"),
        }
    )
    from overlap.pipeline import recluster

    reviewed = recluster(samples_match, samples_match.threshold, decisions)
    after_draws = uncertainty.draw_counts(reviewed)
    after = uncertainty.ranged_summary(reviewed, after_draws)
    assert after_draws.reviewed == 150
    assert after_draws.widen < draws.widen  # the model agreed with every label
    assert _widths(after) < _widths(before)


def test_a_label_the_model_got_wrong_widens():
    pairs = [(0, 1, 0.5), (2, 3, 0.8), (4, 5, -0.3)]
    result = tiny_result(["A", "B"] * 3, pairs)
    records = result.records
    wrong = pd.DataFrame(
        {
            "programme_a": ["A", "A", "A"],
            "row_a": [1, 2, 3],
            "programme_b": ["B", "B", "B"],
            "row_b": [1, 2, 3],
            "decision": ["different", "different", "same"],
        }
    )
    labelled = tiny_result(list(records["programme"]), pairs, decisions=wrong)
    assert uncertainty.draw_counts(labelled).widen > uncertainty.draw_counts(result).widen


def test_the_same_match_gives_the_same_ranges(samples_match):
    assert uncertainty.ranged_summary(samples_match) == uncertainty.ranged_summary(samples_match)


# ---------------------------------------------------------------- overlap.json


def test_overlap_json_keeps_every_key_and_gains_ranges(tmp_path):
    files = sorted(SAMPLES.iterdir())[:2]
    done = subprocess.run(
        [sys.executable, "-m", "overlap", "match", *map(str, files), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads((tmp_path / "overlap.json").read_text())
    records = pd.read_csv(tmp_path / "records.csv", usecols=["programme", "person_id"])
    plain = overlap_summary(records)
    for key in plain:
        assert key in document
    assert document["union_people"] == plain["union_people"]
    assert document["union_people_low"] <= document["union_people"] <= document["union_people_high"]
    for name, node in plain["programmes"].items():
        ranged = document["programmes"][name]
        assert {k: ranged[k] for k in node} == node
        assert ranged["people_low"] <= ranged["people"] <= ranged["people_high"]
    assert len(document["pairwise"]) == len(plain["pairwise"])
    for plain_node, node in zip(plain["pairwise"], document["pairwise"], strict=True):
        assert {k: node[k] for k in plain_node} == plain_node
        assert node["shared_people_low"] <= node["shared_people"] <= node["shared_people_high"]
    for plain_node, node in zip(plain["intersections"], document["intersections"], strict=True):
        assert {k: node[k] for k in plain_node} == plain_node
        assert node["people_low"] <= node["people"] <= node["people_high"]


def test_group_ranges_hold_every_area_count(samples_match):
    from overlap import analyse

    draws = uncertainty.draw_counts(samples_match)
    records, attributes = samples_match.records, samples_match.attributes
    by_area = analyse.overlap_by_group_ranged(records, "zip", draws, attributes)
    plain = analyse.overlap_by_group(records, "zip", attributes)
    assert list(by_area["group"]) == list(plain["group"])
    partners = samples_match.programmes[:2]
    reach = analyse.reach_ranking_ranged(records, "zip", draws, partners, attributes)
    for table, counts in (
        (by_area, plain),
        (reach, analyse.reach_ranking(records, "zip", partners, attributes)),
    ):
        for column in counts.columns.drop("group"):
            assert (table[column] == counts[column]).all()
            assert (table[f"{column}_low"] <= table[column]).all()
            assert (table[column] <= table[f"{column}_high"]).all()
    # summed over areas, the union ranges cover the union range's own count
    assert by_area["union"].sum() == analyse.overlap_summary(records)["union_people"]


# ---------------------------------------------------------------- the dashboard (AppTest)


def _range_in(text: str, label: str) -> tuple[int, int, int]:
    """(count, low, high) from "LABEL: 1,234 (between 1,200 and 1,260)" in a caption."""
    import re

    found = re.search(re.escape(label) + r": ([\d,]+) \(between ([\d,]+) and ([\d,]+)\)", text)
    assert found, text
    count, low, high = (int(g.replace(",", "")) for g in found.groups())
    return count, low, high


def test_overlap_page_shows_each_headline_number_with_its_range():
    from test_app_pages import _matched

    at = _matched()
    at.switch_page("pages/shared_people.py").run()
    assert not at.exception
    summary = overlap_summary(at.session_state["ov_result"].records)
    caption = next(c.value for c in at.caption if c.value.startswith("People reached:"))
    count, low, high = _range_in(caption, "People reached")
    assert count == summary["union_people"]
    assert low <= count <= high
    assert "9 times in 10" in caption
    assert any(e.label == "How sure each bar and each pair is" for e in at.expander)
    at.switch_page("pages/reach.py").run()
    assert not at.exception
    assert any(e.label.startswith("How sure each") for e in at.expander)


def test_review_decisions_show_the_ranges_before_and_after():
    from test_app_pages import _matched_balanced

    at = _matched_balanced()
    at.switch_page("pages/review.py").run()
    at.button(key="accept").click().run()
    assert len(at.session_state["ov_decisions"]) == 1
    at.switch_page("pages/shared_people.py").run()
    assert not at.exception
    said = [c.value for c in at.caption if c.value.startswith("Before your review")]
    assert said and "with your 1 decision(s)" in said[0]


def test_the_board_report_from_the_dashboard_carries_the_ranges():
    from test_app_pages import _matched

    at = _matched()
    at.switch_page("pages/shared_people.py").run()
    at.button(key="overlap_report_make").click().run()
    assert not at.exception
    page = at.session_state["ov_board_reports"]["overlap_report"][1][1].decode()
    draws = at.session_state["ov_draws"][1]
    low, high = uncertainty.summary_ranges(draws)["union_people"]
    union = overlap_summary(at.session_state["ov_result"].records)["union_people"]
    assert f"{union:,} ({low:,} to {high:,})" in page
