"""The scored pairs as a match keeps them: weights made on first read, scoring, pattern
counting and the ranges' split done a slice at a time. Each is checked against its plain
twin (every pair at once, every column kept): the same values, bit for bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap import model as model_module
from overlap import uncertainty
from overlap.model import _column_patterns, score
from overlap.pipeline import match_files, recluster
from overlap.uncertainty import BAND, TEMPER, soft_probability

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(scope="module")
def result():
    files = sorted(SAMPLES.glob("*"))
    if len(files) < 2:
        pytest.skip("samples not generated")
    return match_files(files)


def _levels(result) -> pd.DataFrame:
    kept = result.scored_pairs
    level_columns = [c.level_column for c in result.comparisons]
    return kept[["rid_a", "rid_b", *level_columns, "name_swap", "cross"]]


def test_weights_made_on_first_read_are_the_ones_score_keeps(result):
    fresh = recluster(result, result.threshold)  # a result whose weights were never read
    kept = fresh.scored_pairs
    assert not any(c.weight_column in kept.columns for c in fresh.comparisons)
    eager = score(result.model, result.records, _levels(result))  # weights kept
    pairs = fresh.pairs
    for c in fresh.comparisons:
        assert pairs[c.weight_column].dtype == np.float32
        np.testing.assert_array_equal(pairs[c.weight_column], eager[c.weight_column])
    for column in ("probability", "match_weight", "household_guard"):
        np.testing.assert_array_equal(pairs[column], eager[column])
    order = ["rid_a", "rid_b", "probability", "match_weight"]
    for c in fresh.comparisons:
        order += [c.level_column, c.weight_column]
    assert list(pairs.columns) == [*order, "name_swap", "cross", "household_guard"]
    # links: the same rows and columns as filtering the full pairs
    links = fresh.links
    full = pairs[pairs["probability"] >= fresh.threshold]
    pd.testing.assert_frame_equal(links, full, check_exact=True)


def test_score_in_slices_is_score_in_one_go(result, monkeypatch):
    levels = _levels(result)
    whole = score(result.model, result.records, levels)
    monkeypatch.setattr(model_module, "SCORE_SLICE", 997)
    sliced = score(result.model, result.records, levels)
    pd.testing.assert_frame_equal(sliced, whole, check_exact=True)
    lean = score(result.model, result.records, levels, weights=False)
    pd.testing.assert_frame_equal(lean, whole[lean.columns], check_exact=True)


def _patterns_reference(columns: list[np.ndarray], guard: np.ndarray):
    """Plain twin: distinct rows (levels, guard) in lexicographic order, and their counts."""
    matrix = np.column_stack([*columns, guard.astype(np.int8)])
    rows, counts = np.unique(matrix, axis=0, return_counts=True)
    return rows[:, :-1], rows[:, -1].astype(bool), counts.astype(np.float64)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4),
    st.lists(st.tuples(st.integers(-1, 9), st.integers(-1, 9), st.booleans()), max_size=300),
    st.integers(1, 50),
)
def test_pattern_counts_in_slices_match_the_plain_count(width, rows, slice_size):
    if not rows:
        return
    columns = [
        np.array([row[j % 2] for row in rows], dtype=np.int8) + np.int8(j % 3 == 2)
        for j in range(width)
    ]
    columns = [np.minimum(column, 14) for column in columns]
    guard = np.array([row[2] for row in rows], dtype=bool)
    expected = _patterns_reference(columns, guard)
    saved = model_module.SCORE_SLICE
    model_module.SCORE_SLICE = slice_size
    try:
        got = _column_patterns(columns, guard)
    finally:
        model_module.SCORE_SLICE = saved
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, e)


def _band_reference(result, rid_decisions, temper=TEMPER, band=BAND):
    """Plain twin of ``_band``: every scored pair, no slices, nothing left out."""
    pairs = result.scored_pairs
    n = len(result.records)
    a = pairs["rid_a"].to_numpy(np.int64)
    b = pairs["rid_b"].to_numpy(np.int64)
    probability = pairs["probability"].to_numpy(np.float64)
    weight = pairs["match_weight"].to_numpy(np.float64)
    soft = soft_probability(weight, temper)
    labelled = uncertainty._labelled(a, b, rid_decisions, n)
    point_on = probability >= result.threshold
    drawn = (soft > band) & (soft < 1.0 - band)
    drawn |= point_on != (soft >= 0.5)
    drawn &= labelled == 0
    fixed_on = ~drawn & (point_on | (labelled > 0)) & (labelled >= 0)
    return dict(
        a=a,
        b=b,
        fixed_on=fixed_on,
        drawn=drawn,
        soft=soft,
        probability=probability,
        weight=weight,
        labelled=labelled,
    )


def test_the_ranges_split_keeps_every_pair_a_draw_reads(result, monkeypatch):
    from overlap.pipeline import decisions_to_rids

    kept = result.scored_pairs
    some = kept.sample(40, random_state=1)
    records = result.records
    decisions = pd.DataFrame(
        {
            "programme_a": records["programme"].to_numpy()[some["rid_a"]],
            "row_a": records["row"].to_numpy()[some["rid_a"]],
            "programme_b": records["programme"].to_numpy()[some["rid_b"]],
            "row_b": records["row"].to_numpy()[some["rid_b"]],
            "decision": ["same", "different"] * 20,
        }
    )
    labelled = recluster(result, result.threshold, decisions)
    rid_decisions = decisions_to_rids(labelled.records, decisions)
    full = _band_reference(labelled, rid_decisions)
    keep = full["fixed_on"] | full["drawn"] | (full["labelled"] != 0)
    monkeypatch.setattr(uncertainty, "BAND_SLICE", 1009)
    split = uncertainty._band(labelled, rid_decisions, TEMPER, BAND)
    for key, values in full.items():
        np.testing.assert_array_equal(getattr(split, key), values[keep])
    assert (split.labelled != 0).sum() == (full["labelled"] != 0).sum() > 0
    # what the ranges read is the same whichever way the pairs are split
    sliced = uncertainty.ranged_summary(labelled)
    monkeypatch.setattr(uncertainty, "BAND_SLICE", 1 << 30)
    assert uncertainty.ranged_summary(labelled) == sliced
