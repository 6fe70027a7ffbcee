"""Comparison levels on hand-made pairs, through the real normaliser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap import compare as cmp
from overlap.compare import COMPARISONS, compare_pairs
from overlap.normalise import normalise_fields


def records_from(rows: list[dict]) -> pd.DataFrame:
    """Raw canonical fields -> a normalised records frame (rid = position)."""
    fields = pd.DataFrame(rows).fillna("").astype(str)
    records = normalise_fields(fields)
    records.insert(0, "programme", "p")
    records.insert(0, "rid", np.arange(len(records)))
    return records


def levels_of(a: dict, b: dict) -> pd.Series:
    """Levels of the one pair (a, b)."""
    records = records_from([a, b])
    pairs = pd.DataFrame({"rid_a": [0], "rid_b": [1]})
    return compare_pairs(records, pairs).iloc[0]


def test_every_comparison_has_a_column_labels_and_a_starting_guess():
    records = records_from([{"first_name": "Ann"}, {"first_name": "Ann"}])
    out = compare_pairs(records, pd.DataFrame({"rid_a": [0], "rid_b": [1]}))
    for c in COMPARISONS:
        assert out[f"{c.name}_level"].dtype == np.int8
        assert len(c.labels) == len(c.initial_m) == c.n_levels
        assert abs(sum(c.initial_m) - 1) < 0.05


def test_missing_is_minus_one_not_disagreement():
    lv = levels_of({"first_name": "Ann", "dob": "1980-01-02"}, {"first_name": "Ann"})
    assert lv["dob_level"] == -1
    assert lv["phone_level"] == -1
    assert lv["first_name_level"] == cmp.FIRST_EXACT


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Robert", "Bob", cmp.FIRST_NICK),
        ("Elizabeth", "Liz", cmp.FIRST_NICK),
        ("Terrence", "Terry", cmp.FIRST_NICK),  # short form
        ("Patricia", "Patrica", cmp.FIRST_VERY_CLOSE),
        ("Ana", "Aan", cmp.FIRST_CLOSE),  # one transposition in a short name
        ("J", "John", cmp.FIRST_INITIAL),
        ("Maria", "Maria", cmp.FIRST_EXACT),
        ("Kevin", "Patricia", cmp.FIRST_ELSE),
        ("Juan", "Juana", cmp.FIRST_ELSE),  # male and female forms: twins, siblings
        ("Mario", "Maria", cmp.FIRST_ELSE),
        ("Maria", "Mary", cmp.FIRST_NICK),
        ("Jorge", "George", cmp.FIRST_NICK),
        ("Gerardo", "Jerry", cmp.FIRST_NICK),
        ("Hector", "Tito", cmp.FIRST_NICK),
        ("Fernando", "Nano", cmp.FIRST_NICK),
        ("Josefina", "Fina", cmp.FIRST_NICK),
        ("Rogelio", "Roger", cmp.FIRST_NICK),
        ("Juan", "Johnny", cmp.FIRST_NICK),
        ("Beatriz", "Betty", cmp.FIRST_NICK),
        ("Jasmine", "Jazz", cmp.FIRST_NICK),
        ("Mohammed", "Muhammad", cmp.FIRST_NICK),
        ("Mohamed", "Muhammad", cmp.FIRST_NICK),
        ("Derek", "Derrick", cmp.FIRST_NICK),
        ("Pete", "Peter", cmp.FIRST_NICK),
    ],
)
def test_first_name_levels(a, b, level):
    assert levels_of({"first_name": a}, {"first_name": b})["first_name_level"] == level


def test_nicknames_matched_as_text_when_a_name_holds_the_separator(monkeypatch):
    """The nickname lookup by code falls back to text keys; both give the same levels."""
    names = ["Robert", "Bob", "Rob", "Liz", "Elizabeth", "Jorge", "George", "Maria Martha", "Mary"]
    records = records_from([{"first_name": n} for n in names])
    ia, ib = np.triu_indices(len(names), 1)
    pairs = pd.DataFrame({"rid_a": np.concatenate([ia, ib]), "rid_b": np.concatenate([ib, ia])})
    by_code = compare_pairs(records, pairs)
    monkeypatch.setattr(cmp, "_nickname_halves", lambda: None)
    assert compare_pairs(records, pairs).equals(by_code)
    assert (by_code["first_name_level"] == cmp.FIRST_NICK).sum() >= 6


def test_first_name_matching_the_others_middle_name():
    lv = levels_of(
        {"first_name": "John", "middle_name": "Michael", "last_name": "Reed"},
        {"first_name": "Michael", "last_name": "Reed"},
    )
    assert lv["first_name_level"] == cmp.FIRST_INITIAL


def test_swapped_first_and_last_names_compare_crosswise():
    lv = levels_of(
        {"first_name": "Adriana", "last_name": "Perez"},
        {"first_name": "Perez", "last_name": "Adriana"},
    )
    assert lv["name_swap"] == 1
    assert lv["first_name_level"] == cmp.FIRST_VERY_CLOSE
    assert lv["last_name_level"] == cmp.LAST_VERY_CLOSE
    straight = levels_of(
        {"first_name": "Adriana", "last_name": "Perez"},
        {"first_name": "Adriana", "last_name": "Perez"},
    )
    assert straight["name_swap"] == 0


def test_double_barrelled_surname_is_part_of_the_other():
    lv = levels_of({"last_name": "Garcia Lopez"}, {"last_name": "Lopez"})
    assert lv["last_name_level"] == cmp.LAST_PART


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("1980-03-14", "1980-03-14", cmp.DOB_EXACT),
        ("1980-03-04", "1980-04-03", cmp.DOB_SWAPPED),
        ("1980-03-14", "1980-03-15", cmp.DOB_ONE_OFF),
        ("1985-03-14", "1958-03-14", cmp.DOB_FAR_YEARS),  # same birthday, 27 years apart
        ("1952-06-01", "1981-06-01", cmp.DOB_FAR_YEARS),  # father and son
        ("1980-03-14", "1980-10-14", cmp.DOB_ONE_PART),
        ("1980-03-14", "1980-11-02", cmp.DOB_WITHIN_YEAR),
        ("1980-03-14", "1964-11-02", cmp.DOB_ELSE),
    ],
)
def test_dob_levels(a, b, level):
    assert levels_of({"dob": a}, {"dob": b})["dob_level"] == level


def test_address_levels():
    home = {"street": "123 N Main Street", "zip": "60601"}
    assert levels_of(home, {"street": "123 n main st", "zip": "60601"})["address_level"] == (
        cmp.ADDR_EXACT
    )
    apt = levels_of(
        {**home, "unit": "Apt 4B"}, {"street": "123 N Main St", "unit": "Apt 5C", "zip": "60601"}
    )
    assert apt["address_level"] == cmp.ADDR_BUILDING
    typo = levels_of(home, {"street": "123 N Mian St", "zip": "60601"})
    assert typo["address_level"] == cmp.ADDR_CLOSE
    moved = levels_of(home, {"street": "9 Oak Ave", "zip": "60601"})
    assert moved["address_level"] == cmp.ADDR_AREA
    elsewhere = levels_of(home, {"street": "9 Oak Ave", "zip": "10001"})
    assert elsewhere["address_level"] == cmp.ADDR_ELSE
    no_number = levels_of({"street": "Main Street"}, {"street": "Main St"})
    assert no_number["address_level"] == cmp.ADDR_STREET


def test_phone_email_sex_suffix_levels():
    lv = levels_of(
        {"phone": "312-555-0142", "email": "ann.lee@mail.com", "sex": "F", "suffix": "Jr"},
        {"phone": "(773) 555-0142", "email": "ann.lee@other.org", "sex": "female", "suffix": "Sr"},
    )
    assert lv["phone_level"] == cmp.PHONE_LOCAL
    assert lv["email_level"] == cmp.EMAIL_USER
    assert lv["sex_level"] == 1
    assert lv["suffix_level"] == 0  # Jr vs Sr: a conflict
    same = levels_of(
        {"phone": "312-555-0142", "email": "Ann.Lee@mail.com"},
        {"phone": "+1 312 555 0142", "email": "ann.lee@mail.com"},
    )
    assert same["phone_level"] == cmp.PHONE_EXACT
    assert same["email_level"] == cmp.EMAIL_EXACT


def test_many_pairs_at_once_align_with_their_rows():
    rows = [{"first_name": n} for n in ["Bob", "Robert", "Rob", "Zed"]]
    records = records_from(rows)
    pairs = pd.DataFrame({"rid_a": [0, 0, 1, 2], "rid_b": [1, 3, 2, 3]})
    out = compare_pairs(records, pairs)
    assert out["rid_a"].tolist() == [0, 0, 1, 2]
    assert out["first_name_level"].tolist()[0] == cmp.FIRST_NICK
    assert out["first_name_level"].tolist()[1] == cmp.FIRST_ELSE
    empty = compare_pairs(records, pairs.iloc[:0])
    assert len(empty) == 0 and "dob_level" in empty.columns


def test_chunked_comparison_equals_one_pass(monkeypatch):
    rows = [
        {"first_name": f, "last_name": s, "dob": d, "phone": p}
        for f, s, d, p in [
            ("Bob", "Lee", "1980-01-02", "3125550100"),
            ("Robert", "Lee", "1980-02-01", "7735550100"),
            ("Ann", "Wu", "", ""),
            ("Anne", "Wu", "1970-05-05", "3125550100"),
            ("Jose", "Diaz", "1960-01-01", ""),
        ]
    ] * 8
    records = records_from(rows)
    ia, ib = np.triu_indices(len(records), 1)
    pairs = pd.DataFrame({"rid_a": ia, "rid_b": ib})
    whole = compare_pairs(records, pairs)
    monkeypatch.setattr(cmp, "CHUNK_PAIRS", 97)
    assert compare_pairs(records, pairs).equals(whole)
    monkeypatch.setattr(cmp, "DENSE_CODES", 2)  # most name pairs hashed instead of tabled
    assert compare_pairs(records, pairs).equals(whole)
    monkeypatch.setattr(cmp, "PREPARE_AHEAD_PAIRS", 0)  # fields prepared in another thread
    assert compare_pairs(records, pairs).equals(whole)


def test_middle_name_typed_into_the_first_name_field():
    lv = levels_of({"first_name": "Maria Martha"}, {"first_name": "Maria"})
    assert lv["first_name_level"] == cmp.FIRST_EXACT
    both = levels_of({"first_name": "Juan Carlos"}, {"first_name": "Juan Pablo"})
    assert both["first_name_level"] <= cmp.FIRST_CLOSE  # two compound names: not the same
    swapped = levels_of(
        {"first_name": "Lucia", "last_name": "Salceda"},
        {"first_name": "Salceda", "last_name": "Lucia Rosa"},
    )
    assert swapped["name_swap"] == 1


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("234-56-7891", "234567891", cmp.SSN_EXACT),
        ("234-56-7891", "234-56-7881", cmp.SSN_ONE_OFF),  # one digit off
        ("234-56-7891", "234-65-7891", cmp.SSN_ONE_OFF),  # two adjacent digits swapped
        ("234-56-7891", "345-67-8912", cmp.SSN_ELSE),
        ("234-56-7891", "000-00-0000", cmp.MISSING),  # a placeholder is missing
    ],
)
def test_ssn_levels(a, b, level):
    assert (
        levels_of({"first_name": "Ann", "ssn": a}, {"first_name": "Ann", "ssn": b})["ssn_level"]
        == level
    )


def test_record_id_counts_inside_one_roster_only():
    records = records_from([{"first_name": "Ann", "record_id": "1001"}] * 3)
    records["programme"] = ["parish", "parish", "clinic"]
    pairs = pd.DataFrame({"rid_a": [0, 0], "rid_b": [1, 2]})
    levels = compare_pairs(records, pairs)["record_id_level"].tolist()
    assert levels == [cmp.ID_EXACT, cmp.MISSING]  # Member #1001 and Client #1001: unrelated


def test_distinct_pair_levels_equal_pair_by_pair_levels():
    rows = [
        {"first_name": f, "last_name": last, "middle_name": m, "dob": d}
        for f, last, m, d in [
            ("Robert", "Smith", "", "1980-01-02"),
            ("Bob", "Smith", "J", "1980-02-01"),
            ("Smith", "Robert", "", "1980-01-02"),
            ("J", "Smyth", "Robert", ""),
            ("Juana", "Smith", "", "1980-01-03"),
            ("Robert", "Smith", "", "1980-01-02"),
        ]
    ]
    records = records_from(rows)
    ia, ib = np.triu_indices(len(rows), k=1)
    together = compare_pairs(records, pd.DataFrame({"rid_a": ia, "rid_b": ib}))
    for k, (a, b) in enumerate(zip(ia.tolist(), ib.tolist(), strict=True)):
        alone = compare_pairs(records, pd.DataFrame({"rid_a": [a], "rid_b": [b]})).iloc[0]
        assert together.iloc[k].equals(alone), (a, b)


def test_date_edit_distance_equals_rapidfuzz_osa_capped_at_two():
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    a = np.array(
        ["1980-01-02", "1980-01-02", "1980-10-02", "1980-01-02x", "é980-01-02", "", "1980-01-02"],
        dtype=object,
    )
    b = np.array(
        ["1980-01-03", "1908-01-02", "1980-01-02", "1980-01-02", "1980-01-02", "1", "1981-02-02"],
        dtype=object,
    )
    expected = np.minimum(process.cpdist(a.tolist(), b.tolist(), scorer=OSA.distance), 2)
    assert cmp._one_edit_apart(a, b).tolist() == expected.tolist()
    assert cmp._one_edit_apart(a[:3], b[:3]).tolist() == expected[:3].tolist()  # ASCII path


def _osa_capped(a: list[str], b: list[str]) -> list[int]:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    return np.minimum(process.cpdist(a, b, scorer=OSA.distance), 2).tolist()


@st.composite
def _near_pairs(draw):
    """Pairs of strings a few random edits apart (typos, swaps, letters added or dropped)."""
    alphabet = "ab1-é\x00"  # few letters, so edits collide; a non-ASCII letter and a NUL
    a = draw(st.text(alphabet=alphabet, max_size=18))  # across both words and past them
    b = list(a)
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["drop", "add", "change", "swap"]))
        if op == "drop" and b:
            del b[draw(st.integers(0, len(b) - 1))]
        elif op == "add":
            b.insert(draw(st.integers(0, len(b))), draw(st.sampled_from(alphabet)))
        elif op == "change" and b:
            b[draw(st.integers(0, len(b) - 1))] = draw(st.sampled_from(alphabet))
        elif op == "swap" and len(b) > 1:
            i = draw(st.integers(0, len(b) - 2))
            b[i], b[i + 1] = b[i + 1], b[i]
    return a, "".join(b)


@settings(max_examples=200, deadline=None)
@given(st.lists(_near_pairs(), min_size=1, max_size=40))
def test_edit_distance_on_byte_rows_equals_rapidfuzz_osa_capped_at_two(pairs):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    got = cmp._one_edit_apart(np.array(a, dtype=object), np.array(b, dtype=object))
    assert got.tolist() == _osa_capped(a, b)


def test_edit_distance_of_long_values_falls_back_to_rapidfuzz():
    long = "x" * (cmp.WORD_BYTES + 3)
    a = [long, long, "ab" * 20, "short1", "short1"]
    b = [long[:-1], long + "y", "ab" * 20 + "c", "short2", "shrot1"]
    got = cmp._one_edit_apart(np.array(a, dtype=object), np.array(b, dtype=object))
    assert got.tolist() == _osa_capped(a, b) == [1, 1, 1, 1, 1]
    full = "abcdefghijklmnop"  # exactly two words
    a = [full, full, full, full, full, full[:-1]]
    b = [full[:-1], full[:7] + full[8] + full[7] + full[9:], full + "q", full[::-1], full, full]
    got = cmp._one_edit_apart(np.array(a, dtype=object), np.array(b, dtype=object))
    assert got.tolist() == _osa_capped(a, b) == [1, 1, 1, 2, 0, 1]


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("A1002345", "A1002345", cmp.ID_EXACT),
        ("A1002345", "A1002346", cmp.ID_ONE_OFF),  # one character off
        ("A1002345", "A1003245", cmp.ID_ONE_OFF),  # two neighbours swapped
        ("A1002345", "A100234", cmp.ID_ONE_OFF),  # one character dropped
        ("A1002345", "A10023456", cmp.ID_ONE_OFF),  # one character added
        ("A1002345", "A1002354x", cmp.ID_ELSE),  # a swap and an added character
        ("A1002345", "B2002346", cmp.ID_ELSE),
        ("10023", "10024", cmp.ID_ELSE),  # too short to call a typo
    ],
)
def test_record_id_levels(a, b, level):
    lv = levels_of({"first_name": "Ann", "record_id": a}, {"first_name": "Ann", "record_id": b})
    assert lv["record_id_level"] == level


@pytest.mark.parametrize("dense_codes", [2, 4096])  # some pairs hashed, or all in the table
def test_code_pairs_are_computed_once_over_all_chunks(monkeypatch, dense_codes):
    monkeypatch.setattr(cmp, "DENSE_CODES", dense_codes)
    seen: list[tuple[int, int, int]] = []

    def compute(ua, ub, flag):
        seen.extend(zip(ua.tolist(), ub.tolist(), flag.tolist(), strict=True))
        return (ua * 7 + ub * 3 + flag).astype(np.int8)

    chunks = [
        (np.array([5, 3, 5, 1]), np.array([1, 0, 1, 1]), np.array([0, 1, 0, 1])),
        (np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([], dtype=bool)),
        (np.array([3, 4, 1, 1]), np.array([0, 2, 1, 1]), np.array([1, 0, 1, 0])),
    ]
    frequency = np.array([5, 9, 1, 4, 0, 2])  # codes 1 and 0 are the most frequent
    values = cmp._on_code_pairs(iter(chunks), compute, 6, frequency, n_flags=2)
    assert [v.tolist() for v in values] == [(a * 7 + b * 3 + f).tolist() for a, b, f in chunks]
    distinct = {
        p for a, b, f in chunks for p in zip(a.tolist(), b.tolist(), f.tolist(), strict=True)
    }
    assert sorted(seen) == sorted(distinct)  # each once


def test_byte_words_of_a_column_built_from_several_pieces():
    column = pd.concat(
        [pd.Series(["ab"], dtype="str"), pd.Series(["abc", None, "é1"], dtype="str")],
        ignore_index=True,
    )  # Arrow holds it in chunks
    words = cmp._byte_words(column)
    assert words.forward[:, :4].tolist() == [[97, 98, 0, 0], [97, 98, 99, 0], [0] * 4, [0] * 4]
    assert words.head.tolist() == [0x6261, 0x636261, 0, 0]
    assert words.back_head.tolist() == [0x6162, 0x616263, 0, 0]
    assert words.lengths.tolist() == [2, 3, 0, 0]
    assert words.fits.tolist() == [True, True, True, False]  # not ASCII: left to rapidfuzz


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="ab -\t\u00a0é.", min_size=1, max_size=6), min_size=2, max_size=20)
)
def test_two_different_single_words_are_never_part_of_each_other(names):
    """The last-name shortcut: token_set_ratio reaches 100 only where a name has several words."""
    from rapidfuzz import fuzz, process

    a = pd.Series(names[:-1], dtype="str")
    b = pd.Series(names[1:], dtype="str")
    ratio = process.cpdist(
        a.str.replace("-", " ").tolist(),
        b.str.replace("-", " ").tolist(),
        scorer=fuzz.token_set_ratio,
    )
    single = cmp._one_word(a) & cmp._one_word(b) & (a != b).to_numpy()
    assert not (single & (ratio >= 100)).any()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(min_size=8, max_size=8), min_size=1, max_size=30))
def test_differing_bytes_counts_non_zero_bytes(words):
    x = np.frombuffer(b"".join(words), dtype=np.uint64)
    expected = [sum(byte != 0 for byte in w) for w in words]
    assert cmp._differing_bytes(x).tolist() == expected
    assert cmp._differing_bytes(x.view(np.uint16)[::4]).tolist() == [
        (w[0] != 0) + (w[1] != 0) for w in words
    ]  # narrower words too (the last two bytes of a date)


def test_put_sets_levels_where_the_mask_is_true():
    level = np.array([-1, 0, 6, 3, 2], dtype=np.int8)
    where = np.array([True, False, True, True, False])
    expected = level.copy()
    expected[where] = cmp.MISSING
    cmp._put(level, where, cmp.MISSING)
    assert level.tolist() == expected.tolist()
    cmp._put(level, ~where, 6)
    assert level.tolist() == [-1, 6, -1, -1, 6]


@pytest.mark.parametrize("table_cells", [cmp.SCORE_TABLE_CELLS, 0])  # kept table, per-chunk
def test_distinct_scores_equal_scoring_every_pair(monkeypatch, table_cells):
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler

    monkeypatch.setattr(cmp, "SCORE_TABLE_CELLS", table_cells)
    monkeypatch.setattr(cmp._per_call, "cache", {}, raising=False)  # as inside compare_pairs
    streets = ["main st", "mian st", "oak ave", "", "main st", "elm st"]
    records = pd.DataFrame({"street_name": streets})
    ia, ib = np.triu_indices(len(streets), 1)
    expected = process.cpdist(
        [streets[i] for i in ia], [streets[i] for i in ib], scorer=JaroWinkler.similarity
    )
    for _ in range(2):  # the second call reads the kept table
        got = cmp._distinct_scores(records, "street_name", ia, ib, JaroWinkler.similarity)
        assert got.tolist() == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="ab@1 -", max_size=5), min_size=1, max_size=30))
def test_codes_are_equal_exactly_where_the_derived_values_are(values):
    records = pd.DataFrame({"email": pd.Series(values, dtype="str")})
    ia, ib = np.meshgrid(np.arange(len(values)), np.arange(len(values)))
    ia, ib = ia.ravel(), ib.ravel()
    for derive in (None, cmp._email_user, cmp._initial):
        derived = pd.Series(values, dtype="str")
        derived = derived if derive is None else derive(derived)
        derived = derived.fillna("").to_numpy(dtype=object)
        ca, cb = cmp._codes(records, "email", ia, ib, derive)
        assert ((ca == cb) == (derived[ia] == derived[ib])).all()
        assert ((ca == -1) == (derived[ia] == "")).all()


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("1861", "1861-03-02", cmp.DOB_YEAR_ONLY),  # one date gives only the year
        ("1861", "1861", cmp.DOB_YEAR_ONLY),  # two birth years: never "the same day"
        ("1861", "1862-03-02", cmp.DOB_WITHIN_YEAR),
        ("1861", "1870", cmp.DOB_ELSE),
        ("1985-03", "1985-03-17", cmp.DOB_YEAR_ONLY),
        ("1985-03", "1985-07-17", cmp.DOB_WITHIN_YEAR),
        ("1600-02-29", "1600-02-29", cmp.DOB_EXACT),  # before pandas' timestamps begin
        ("1600-03-01", "1600-03-02", cmp.DOB_ONE_OFF),
        ("1650-05-05", "1690-05-05", cmp.DOB_FAR_YEARS),
    ],
)
def test_dob_levels_of_dates_known_in_part_and_old_dates(a, b, level):
    records = records_from([{"dob": "1980-01-01"}, {"dob": "1980-01-01"}])
    records["dob"] = [a, b]  # as partial_dates writes them
    pairs = pd.DataFrame({"rid_a": [0], "rid_b": [1]})
    assert compare_pairs(records, pairs).iloc[0]["dob_level"] == level


def test_address_levels_by_postcode_district_city_and_crowded_addresses():
    district = levels_of(
        {"street": "9 Oak Ave", "zip": "60601"}, {"street": "1 Elm", "zip": "60614"}
    )
    assert district["address_level"] == cmp.ADDR_DISTRICT
    city = levels_of(
        {"street": "9 Oak Ave", "city": "Cicero"}, {"street": "1 Elm", "city": "cicero"}
    )
    assert city["address_level"] == cmp.ADDR_CITY
    # a shelter: many surnames at one street address is not one household's home
    shelter = [
        {"last_name": name, "street": "800 W Madison St", "zip": "60607"}
        for name in ["Lee", "Diaz", "Kowalski", "Okafor", "Nguyen", "Smith", "Brown"]
    ]
    records = records_from(shelter + [{"last_name": "Ruiz", "street": "12 Oak St", "zip": "60607"}])
    records = pd.concat([records, records_from([{"last_name": "Ruiz", "street": "12 Oak St"}])])
    records["rid"] = np.arange(len(records))
    records = records.reset_index(drop=True)
    pairs = pd.DataFrame({"rid_a": [0, 7], "rid_b": [1, 8]})
    levels = compare_pairs(records, pairs)["address_level"].tolist()
    assert levels == [cmp.ADDR_CROWDED, cmp.ADDR_EXACT]


def test_suffix_on_one_side_only_and_place_of_birth():
    lv = levels_of({"suffix": "Jr"}, {"suffix": ""})
    assert lv["suffix_level"] == cmp.SUFFIX_ONE_SIDE
    # Jr and II both name the second generation; II and III do not
    assert levels_of({"suffix": "Jr"}, {"suffix": "II"})["suffix_level"] == cmp.SUFFIX_SAME
    assert levels_of({"suffix": "2nd"}, {"suffix": "III"})["suffix_level"] == cmp.SUFFIX_ELSE
    assert levels_of({}, {})["suffix_level"] == -1
    assert levels_of({"birth_place": "London"}, {"birth_place": "london"})["birth_place_level"] == (
        cmp.PLACE_EXACT
    )
    alike = levels_of({"birth_place": "London"}, {"birth_place": "London, England"})
    assert alike["birth_place_level"] == cmp.PLACE_ALIKE
    other = levels_of({"birth_place": "Leeds"}, {"birth_place": "São Paulo"})
    assert other["birth_place_level"] == cmp.PLACE_ELSE
