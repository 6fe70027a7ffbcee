"""Stable person IDs: a new grouping keeps the IDs people had, and says what merged and split."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.workspace.registry import assign_ids


def test_the_same_grouping_changes_no_id():
    old = np.array([5, 5, 7, 9, 9, 9])
    groups = np.array([1, 1, 2, 3, 3, 3]) * 100
    got = assign_ids(old, groups, next_id=10)
    np.testing.assert_array_equal(got.person_id, old)
    assert got.next_id == 10 and got.events.empty and got.new_people == 0


def test_new_records_alone_are_new_people_numbered_in_record_order():
    old = np.array([1, -1, -1, -1])
    groups = np.array([0, 8, 3, 8])
    got = assign_ids(old, groups, next_id=2)
    np.testing.assert_array_equal(got.person_id, [1, 2, 3, 2])
    assert got.next_id == 4 and got.new_people == 2 and got.events.empty


def test_a_merge_keeps_the_id_with_most_records_and_a_split_keeps_the_larger_part():
    # people 1 (two records), 2 (one), 3 (three); then a new record joins 1 and 2,
    # and person 3 falls apart into two records and one
    old = np.array([1, 1, 2, 3, 3, 3, -1, -1])
    groups = np.array([10, 10, 10, 20, 20, 30, 10, 40])
    got = assign_ids(old, groups, next_id=4, reason_merge="joined", reason_split="apart")
    np.testing.assert_array_equal(got.person_id, [1, 1, 1, 3, 3, 4, 1, 5])
    assert got.new_people == 1  # record 7; id 4 is the part split from 3
    merged = got.events[got.events["kind"] == "merged"].iloc[0]
    assert (merged["person_id"], merged["other_ids"], merged["reason"]) == (1, [2], "joined")
    split = got.events[got.events["kind"] == "split"].iloc[0]
    assert (split["person_id"], split["other_ids"], split["records"]) == (3, [4], 1)


def test_on_a_tie_the_older_id_wins():
    got = assign_ids(np.array([4, 2]), np.array([0, 0]), next_id=5)
    np.testing.assert_array_equal(got.person_id, [2, 2])
    assert got.events.iloc[0]["other_ids"] == [4]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-1, 6), st.integers(0, 6)), min_size=1, max_size=40),
    st.integers(7, 20),
)
def test_any_regrouping_gives_one_id_per_group_and_keeps_undisturbed_people(rows, next_id):
    old = np.array([o for o, _ in rows])
    groups = np.array([g for _, g in rows])
    got = assign_ids(old, groups, next_id)
    ids = got.person_id
    for g in np.unique(groups):  # one ID per group, different groups different IDs
        assert len(np.unique(ids[groups == g])) == 1
    assert len(np.unique(ids)) == len(np.unique(groups))
    assert all(i in set(old.tolist()) or next_id <= i < got.next_id for i in ids.tolist())
    for person in set(old[old >= 0].tolist()):  # a person regrouped intact, alone, keeps the ID
        mine = groups[old == person]
        if len(np.unique(mine)) == 1:
            others = old[(groups == mine[0]) & (old >= 0)]
            if set(others.tolist()) == {person}:
                assert (ids[old == person] == person).all()
    # every retired ID is reported as merged, every divided one as split
    kept = set(ids.tolist())
    retired = set(old[old >= 0].tolist()) - kept
    merged = {i for row in got.events[got.events["kind"] == "merged"]["other_ids"] for i in row}
    assert retired == merged
