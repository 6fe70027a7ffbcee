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


# --- The fast paths against plain pandas references on random small matches ------------------
# The references are the first, straightforward implementations (crosstab, groupby on
# strings); the library now works on integer codes computed once per records frame.

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROGRAMMES = ["Parish", "Tax clinic", "Jobs", "City"]
ZIPS = ["", "60601", "60602", " 60603 ", "(not given)"]


def ref_person_programmes(records: pd.DataFrame) -> pd.DataFrame:
    programmes = list(dict.fromkeys(records["programme"]))
    membership = (
        pd.crosstab(records["person_id"], records["programme"]).reindex(columns=programmes) > 0
    )
    membership.columns.name = None
    return membership


def ref_group_values(records, column, attributes=None) -> pd.Series:
    if column in records.columns:
        values = records[column]
    else:
        values = attributes[column].reindex(records.index)
    frame = pd.DataFrame(
        {
            "person_id": records["person_id"].to_numpy(),
            "value": values.fillna("").astype(str).str.strip().to_numpy(),
        }
    )
    frame["order"] = range(len(frame))
    filled = frame[frame["value"] != ""]
    counts = (
        filled.groupby(["person_id", "value"], sort=False)
        .agg(n=("order", "size"), first=("order", "min"))
        .reset_index()
        .sort_values(["person_id", "n", "first"], ascending=[True, False, True])
    )
    best = counts.drop_duplicates("person_id").set_index("person_id")["value"]
    people = pd.Index(pd.unique(frame["person_id"]), name="person_id")
    return best.reindex(people, fill_value="").astype(str)


def ref_overlap_by_group(records, column, attributes=None) -> pd.DataFrame:
    membership = ref_person_programmes(records)
    groups = ref_group_values(records, column, attributes).reindex(membership.index)
    groups = groups.replace("", "(not given)")
    counts = membership.astype("int64").groupby(groups.to_numpy()).sum()
    in_how_many = membership.sum(axis=1)
    counts["shared"] = (in_how_many >= 2).astype("int64").groupby(groups.to_numpy()).sum()
    counts["union"] = membership.any(axis=1).astype("int64").groupby(groups.to_numpy()).sum()
    counts.index.name = "group"
    counts = counts.reset_index().sort_values(["union", "group"], ascending=[False, True])
    return counts.reset_index(drop=True)


def ref_reach_ranking(records, column, programmes=None, attributes=None) -> pd.DataFrame:
    membership = ref_person_programmes(records)
    chosen = list(programmes) if programmes else list(membership.columns)
    membership = membership[chosen]
    membership = membership[membership.any(axis=1)]
    groups = ref_group_values(records, column, attributes).reindex(membership.index)
    keys = groups.replace("", "(not given)").to_numpy()
    frame = pd.DataFrame(index=membership.index)
    frame["union"] = 1
    frame["shared"] = (membership.sum(axis=1) >= 2).astype("int64")
    for name in chosen:
        frame[f"new to {name}"] = (~membership[name]).astype("int64")
    ranked = frame.groupby(keys).sum()
    ranked.index.name = "group"
    ranked = ranked.reset_index().sort_values(["union", "group"], ascending=[False, True])
    return ranked.reset_index(drop=True)


@st.composite
def matches(draw):
    """A small random match: records (programme, person_id, zip) and an attribute frame."""
    n = draw(st.integers(1, 40))
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(PROGRAMMES),
                st.integers(0, 12),
                st.sampled_from(ZIPS),
                st.sampled_from(["es", "en", "", " es", "(not given)"]),
            ),
            min_size=n,
            max_size=n,
        )
    )
    records = pd.DataFrame(
        {
            "programme": [r[0] for r in rows],
            "row": range(1, n + 1),
            "person_id": [r[1] for r in rows],
            "zip": [r[2] for r in rows],
        }
    )
    attributes = pd.DataFrame({"Language": [r[3] for r in rows]}, index=records.index)
    return records, attributes


def _same_table(fast: pd.DataFrame, ref: pd.DataFrame) -> None:
    assert list(fast.columns) == list(ref.columns)
    assert fast["group"].astype(str).tolist() == ref["group"].astype(str).tolist()
    for col in fast.columns[1:]:
        assert fast[col].tolist() == ref[col].tolist(), col
        assert fast[col].dtype == "int64"


@settings(max_examples=100, deadline=None)
@given(matches())
def test_membership_summary_and_duplicates_match_the_reference(match):
    records, _ = match
    fast = analyse.person_programmes(records)
    ref = ref_person_programmes(records)
    pd.testing.assert_frame_equal(fast, ref, check_index_type=False)
    assert analyse.person_programmes(records) is not fast  # each caller gets its own copy
    summary = analyse.overlap_summary(records)
    assert summary["union_people"] == len(ref)
    assert summary["programmes"] == {
        p: {"records": int((records["programme"] == p).sum()), "people": int(ref[p].sum())}
        for p in ref.columns
    }
    assert summary["pairwise"] == [
        {"a": a, "b": b, "shared_people": int((ref[a] & ref[b]).sum())}
        for i, a in enumerate(ref.columns)
        for b in list(ref.columns)[i + 1 :]
    ]
    matrix = analyse.pairwise_matrix(ref)
    assert matrix.to_numpy().tolist() == (ref.astype(int).T @ ref.astype(int)).to_numpy().tolist()
    dups = analyse.duplicates_within(records)
    grouped = records.groupby("programme", sort=False)
    assert dups["programme"].tolist() == list(ref.columns)
    assert dups["records"].tolist() == grouped.size().tolist()
    assert dups["people"].tolist() == grouped["person_id"].nunique().tolist()
    assert dups["duplicates"].tolist() == (grouped.size() - grouped["person_id"].nunique()).tolist()


@settings(max_examples=50, deadline=None)
@given(matches(), st.sets(st.sampled_from(PROGRAMMES)))
def test_groupings_and_reach_match_the_reference(match, partners):
    records, attributes = match
    for column, attrs in (("zip", None), ("Language", attributes)):
        fast_values = analyse.group_values(records, column, attrs)
        ref_values = ref_group_values(records, column, attrs)
        assert fast_values.index.tolist() == ref_values.index.tolist()
        assert fast_values.tolist() == ref_values.tolist()
        _same_table(
            analyse.overlap_by_group(records, column, attrs),
            ref_overlap_by_group(records, column, attrs),
        )
        chosen = [p for p in PROGRAMMES if p in partners and p in set(records["programme"])]
        _same_table(
            analyse.reach_ranking(records, column, chosen or None, attrs),
            ref_reach_ranking(records, column, chosen or None, attrs),
        )


def test_counts_follow_a_changed_frame():
    """The per-frame memo is dropped when person ids or an attribute frame change."""
    records = RECORDS.copy()
    assert analyse.overlap_summary(records)["union_people"] == 5
    records["person_id"] = [1, 1, 1, 1, 1, 1, 1, 1, 1]  # everyone is one person now
    assert analyse.overlap_summary(records)["union_people"] == 1
    assert analyse.person_programmes(records).shape == (1, 3)
    first = analyse.group_values(RECORDS, "Language", ATTRIBUTES)
    other = ATTRIBUTES.assign(Language="fr")
    assert analyse.group_values(RECORDS, "Language", other).tolist() == ["fr"] * 5
    assert analyse.group_values(RECORDS, "Language", ATTRIBUTES).tolist() == first.tolist()
    table = analyse.overlap_by_group(RECORDS, "Language", other)
    assert table["group"].tolist() == ["fr"]


def test_groupings_follow_a_replaced_column():
    records = RECORDS.copy()
    assert analyse.overlap_by_group(records, "zip")["union"].sum() == 5
    records["zip"] = "60699"
    table = analyse.overlap_by_group(records, "zip")
    assert table["group"].tolist() == ["60699"]
    records["programme"] = "A"
    assert list(analyse.person_programmes(records).columns) == ["A"]
    attributes = ATTRIBUTES.copy()
    assert analyse.group_values(records, "Language", attributes).loc[1] == "es"
    attributes["Language"] = "fr"
    assert analyse.group_values(records, "Language", attributes).loc[1] == "fr"
