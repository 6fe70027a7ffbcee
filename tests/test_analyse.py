"""Overlap numbers on small hand-built match results, counted by hand."""

import pandas as pd
import pytest

from overlap import analyse

# Five people across three programmes:
#   p1 in A, B, C   p2 in A, B   p3 in A (twice: a duplicate inside A)   p4 in B   p5 in C
RECORDS = pd.DataFrame(
    {
        "programme": ["A", "A", "A", "A", "B", "B", "B", "C", "C"],
        "row": [1, 2, 3, 4, 1, 2, 3, 1, 2],
        "person_id": [1, 2, 3, 3, 1, 2, 4, 1, 5],
        "zip": ["60601", "60601", "60602", "", "60601", "60602", "60602", "60601", "60603"],
    }
)
ATTRIBUTES = pd.DataFrame(
    {"Language": ["es", "en", "es", "es", "", "en", "en", "es", "en"]}, index=RECORDS.index
)


def test_summary_counts_people_not_rows():
    summary = analyse.overlap_summary(RECORDS)
    assert summary["programmes"]["A"] == {"records": 4, "people": 3}
    assert summary["union_people"] == 5
    pairs = {(p["a"], p["b"]): p["shared_people"] for p in summary["pairwise"]}
    assert pairs == {("A", "B"): 2, ("A", "C"): 1, ("B", "C"): 1}


def test_inclusive_intersections_count_at_least_membership():
    membership = analyse.person_programmes(RECORDS)
    inclusive = {
        tuple(d["programmes"]): d["people"] for d in analyse.inclusive_intersections(membership)
    }
    assert inclusive[("A",)] == 3
    assert inclusive[("A", "B")] == 2
    assert inclusive[("A", "C")] == 1
    assert inclusive[("A", "B", "C")] == 1
    assert inclusive[("C",)] == 2
    exclusive = {
        tuple(d["programmes"]): d["people"] for d in analyse.exclusive_intersections(membership)
    }
    # exclusive counts add up to the union; inclusive ones do not
    assert sum(exclusive.values()) == 5
    assert exclusive[("A", "B")] == 1


def test_inclusive_respects_max_size():
    membership = analyse.person_programmes(RECORDS)
    sizes = {len(d["programmes"]) for d in analyse.inclusive_intersections(membership, max_size=2)}
    assert sizes == {1, 2}


def test_pairwise_matrix_diagonal_is_people():
    matrix = analyse.pairwise_matrix(analyse.person_programmes(RECORDS))
    assert matrix.loc["A", "A"] == 3
    assert matrix.loc["A", "B"] == matrix.loc["B", "A"] == 2
    assert matrix.loc["B", "C"] == 1


def test_duplicates_within_each_roster():
    dups = analyse.duplicates_within(RECORDS).set_index("programme")
    assert dups.loc["A", "duplicates"] == 1
    assert dups.loc["B", "duplicates"] == 0


def test_group_values_takes_the_most_common_non_empty_value():
    zips = analyse.group_values(RECORDS, "zip")
    assert zips.loc[1] == "60601"
    assert zips.loc[3] == "60602"  # one row empty, one row 60602
    lang = analyse.group_values(RECORDS, "Language", ATTRIBUTES)
    assert lang.loc[1] == "es"  # es, "", es
    with pytest.raises(KeyError):
        analyse.group_values(RECORDS, "nope")


def test_overlap_by_group_per_zip():
    table = analyse.overlap_by_group(RECORDS, "zip").set_index("group")
    # person zips: p1 60601, p2 60601 (60601, 60602 tie -> first seen), p3 60602, p4 60602, p5 60603
    assert table.loc["60601", "union"] == 2
    assert table.loc["60601", "shared"] == 2
    assert table.loc["60602", "A"] == 1
    assert table.loc["60602", "B"] == 1
    assert table["union"].sum() == 5


def test_untapped_is_in_a_not_in_b():
    membership = analyse.person_programmes(RECORDS)
    assert analyse.untapped(membership, "A", "B") == 1  # p3
    assert analyse.untapped(membership, "B", "A") == 1  # p4
    assert analyse.untapped(membership, "C", "A") == 1  # p5


def test_reach_ranking_for_two_partners():
    ranked = analyse.reach_ranking(RECORDS, "zip", ["A", "C"])
    assert list(ranked["group"])[0] == "60601"
    top = ranked.set_index("group").loc["60601"]
    assert top["union"] == 2  # p1, p2 (p4 only in B is not reached)
    assert top["new to C"] == 1  # p2
    assert top["new to A"] == 0
    assert ranked["union"].sum() == 4  # p1, p2, p3, p5
    with pytest.raises(KeyError):
        analyse.reach_ranking(RECORDS, "zip", ["Z"])


def test_suppress_small_counts_hides_one_to_ten_keeps_zero():
    table = pd.DataFrame({"group": ["x", "y", "z"], "people": [0, 5, 11]})
    hidden = analyse.suppress_small_counts(table)
    assert hidden["people"].isna().tolist() == [False, True, False]
    assert hidden.loc[0, "people"] == 0
    assert hidden.loc[2, "people"] == 11
    assert table["people"].tolist() == [0, 5, 11]  # input untouched


FIELDS = pd.DataFrame(
    {
        "first_name": ["Ana", "", "Bo", "", "Cy"],
        "last_name": ["Diaz", "", "Li", "", "Ng"],
        "full_name": ["", "Eve Stone", "", "", ""],
        "dob": ["1990-01-02", "", "", "", ""],
        "street": ["", "", "", "1 Main St", ""],
        "address": ["", "", "", "", ""],
        "zip": ["", "60601", "", "", ""],
        "phone": ["", "", "", "", ""],
        "email": ["", "", "", "x@y.org", ""],
    }
)


def test_field_completeness_counts_alternatives():
    share = analyse.field_completeness(FIELDS)
    assert share["Name"] == pytest.approx(0.8)  # four of five, one via full name
    assert share["Date of birth"] == pytest.approx(0.2)
    assert share["Phone"] == 0.0
    assert analyse.field_completeness(FIELDS.head(0))["Name"] == 0.0


def test_linkability_needs_a_name_and_one_more_detail():
    counts = analyse.linkability(FIELDS)
    assert counts == {"no name": 1, "name only": 2, "linkable": 2}
