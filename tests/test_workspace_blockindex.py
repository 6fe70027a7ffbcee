"""The workspace's blocking index finds exactly the pairs a full blocking run finds that touch a new record."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.block import BLOCKING_RULES, candidate_pairs
from overlap.normalise import normalise_fields
from overlap.workspace.blockindex import BlockIndex

FIRST = ["Ann", "Anne", "Bob", "Robert", "Maria", "Mario", "Lee", "Chen", ""]
LAST = [
    "Lee",
    "Li",
    "Zhang",
    "Chang",
    "Mohammed",
    "Muhammad",
    "Garcia",
    "Garza",
    "Smith",
    "Chen",
    "Ann",
    "",
]
DOB = ["1980-01-02", "1980-02-01", "1975-07-07", "1980-01-03", ""]
ZIP = ["60623", "60624", ""]
PHONE = ["312-555-0101", "312-555-0199", ""]
STREET = ["12 Main St", "12 Main Street", "40 Oak Ave", ""]

row = st.fixed_dictionaries(
    {
        "first_name": st.sampled_from(FIRST),
        "last_name": st.sampled_from(LAST),
        "dob": st.sampled_from(DOB),
        "zip": st.sampled_from(ZIP),
        "phone": st.sampled_from(PHONE),
        "street": st.sampled_from(STREET),
        "email": st.sampled_from(["ann@example.org", "bob@example.net", ""]),
    }
)


def normalised(rows: list[dict], programmes: list[str]) -> pd.DataFrame:
    records = normalise_fields(pd.DataFrame(rows).fillna("").astype(str))
    records.insert(0, "programme", programmes)
    return records


def unbudgeted():
    """The rules without pair budgets: their caps do not depend on how many records there are."""
    return [dataclasses.replace(r, pairs_per_record=None) for r in BLOCKING_RULES]


def pair_set(pairs: pd.DataFrame) -> set[tuple[int, int, int]]:
    return set(
        zip(pairs["rid_a"].tolist(), pairs["rid_b"].tolist(), pairs["rule"].tolist(), strict=True)
    )


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(row, min_size=2, max_size=40),
    cut=st.floats(0.1, 0.9),
    max_block=st.integers(2, 6),
)
def test_new_records_meet_the_known_ones_exactly_as_a_full_blocking_run(rows, cut, max_block):
    n_known = max(1, min(len(rows) - 1, int(len(rows) * cut)))
    programmes = ["a" if i % 2 else "b" for i in range(n_known)] + ["c"] * (len(rows) - n_known)
    records = normalised(rows, programmes)
    rules = unbudgeted()
    index = BlockIndex.build(records.iloc[:n_known], [(1, 0, n_known)], rules, max_block)
    found, update = index.pairs_for(
        records.iloc[n_known:].reset_index(drop=True), n_known, [(2, n_known, len(rows) - n_known)]
    )
    full, _ = candidate_pairs(records, rules, max_block)
    touching = full[full["rid_b"] >= n_known]
    assert pair_set(found) == pair_set(touching)
    assert (found["rid_a"] < found["rid_b"]).all()
    assert found[["rid_a", "rid_b"]].equals(
        found[["rid_a", "rid_b"]].sort_values(["rid_a", "rid_b"])
    )


@settings(max_examples=15, deadline=None)
@given(rows=st.lists(row, min_size=3, max_size=30), max_block=st.integers(2, 5))
def test_each_of_three_uploads_finds_what_a_full_run_then_finds(rows, max_block):
    """Keys over the cap are remembered: a block skipped once stays skipped as it grows.

    A pair found earlier stays found (that season's matching stands) even
    once its block outgrows the cap; each step equals a full run at that step.
    """
    third = max(1, len(rows) // 3)
    bounds = [(0, third), (third, 2 * third), (2 * third, len(rows))]
    records = normalised(rows, [f"p{min(i // third, 2)}" for i in range(len(rows))])
    rules = unbudgeted()
    index = BlockIndex.build(records.iloc[: bounds[0][1]], [(1, 0, bounds[0][1])], rules, max_block)
    for upload, (start, stop) in enumerate(bounds[1:], start=2):
        new = records.iloc[start:stop].reset_index(drop=True)
        pairs, update = index.pairs_for(new, start, [(upload, start, stop - start)])
        index.apply(update)
        full, _ = candidate_pairs(records.iloc[:stop], rules, max_block)
        assert pair_set(pairs) == pair_set(full[full["rid_b"] >= start])


def test_the_budgeted_rules_keep_the_cap_the_full_match_chose():
    rows = [{"first_name": "Ann", "last_name": "Lee", "dob": "1980-01-02"}] * 30
    records = normalised(rows, ["a"] * 30)
    index = BlockIndex.build(records, [(1, 0, 30)], list(BLOCKING_RULES), max_block=10)
    assert (index.caps <= 10).all()
    # every block of these 30 identical records is over the cap: nothing is kept, all is remembered
    assert sum(len(codes) for codes, _ in index.parts.values()) == 0
    more, _ = index.pairs_for(records.iloc[:2].reset_index(drop=True), 30, [(2, 30, 2)])
    assert more.empty


def test_an_index_knows_when_the_rules_changed():
    records = normalised([{"first_name": "Ann", "last_name": "Lee"}], ["a"])
    index = BlockIndex.build(records, [(1, 0, 1)])
    assert index.is_current()
    changed = [dataclasses.replace(BLOCKING_RULES[0], key="first_name"), *BLOCKING_RULES[1:]]
    assert not index.is_current(changed)
    np.testing.assert_array_equal(index.caps, BlockIndex.build(records, [(1, 0, 1)]).caps)


def test_spellings_of_one_surname_meet_through_the_index():
    """Zhang and Cheung, same first initial, nothing else shared: only the surname-key rule finds them."""
    rows = [
        {"first_name": "Wei", "last_name": "Zhang", "dob": "1980-01-02", "zip": "60623"},
        {"first_name": "Wen", "last_name": "Cheung", "dob": "1975-07-07", "zip": "60624"},
    ]
    records = normalised(rows, ["a", "b"])
    rule = [r.name for r in BLOCKING_RULES].index("last_key_first_initial")
    index = BlockIndex.build(records.iloc[:1], [(1, 0, 1)])
    found, _ = index.pairs_for(records.iloc[1:].reset_index(drop=True), 1, [(2, 1, 1)])
    assert pair_set(found) == {(0, 1, rule)}
    full, _ = candidate_pairs(records)
    assert pair_set(found) == pair_set(full)
