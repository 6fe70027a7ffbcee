"""overlap.normalise.addresses: city, state, ZIP and one-line addresses, and their
fast paths held to the per-value functions."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from normalise_cases import (
    ADDRESS_KEYS,
    ADDRESSES,
    CITIES,
    COLUMNS,
    FAST,
    STATES,
    ZIPS,
    decided_agree,
    large,
    messy_text,
)

from overlap import normalise as nz
from overlap.normalise.addresses import _addresses_fast, _zips_fast


@pytest.mark.parametrize(("raw", "expected"), ZIPS)
def test_normalise_zip_examples(raw, expected):
    assert nz.normalise_zip(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), STATES)
def test_normalise_state_examples(raw, expected):
    assert nz.normalise_state(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), CITIES)
def test_normalise_city_examples(raw, expected):
    assert nz.normalise_city(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), ADDRESSES)
def test_parse_address_examples(raw, expected):
    parsed = nz.parse_address(raw)
    assert tuple(parsed[k] for k in ADDRESS_KEYS) == expected


ZIP_LIKE = st.one_of(
    messy_text,
    st.text(alphabet="0123456789 -.|", max_size=12),
    st.sampled_from(
        ["60623", " 60623-9234 ", "606239234", "2139", "60623.0", "60623 9234", "00000"]
    ),
)


@FAST
@given(values=st.lists(ZIP_LIKE, max_size=20))
def test_zip_fast_path_agrees_with_single_value(values):
    decided = decided_agree(_zips_fast, nz.normalise_zip, values)
    plain = [v for v in values if all(" " <= c <= "~" for c in v) and "|" not in v]
    # a postcode of letters and digits (SW1A 1AA) is left to normalise_zip
    mixed = [v for v in plain if any(c.isdigit() for c in v) and any(c.isalpha() for c in v)]
    assert sum(z is not None for z in decided) >= len(plain) - len(mixed)


@FAST
@given(value=messy_text)
def test_address_parser_never_raises(value):
    parsed = nz.parse_address(value)
    assert set(parsed) == set(ADDRESS_KEYS)
    assert parsed["state"] == "" or len(parsed["state"]) == 2
    assert parsed["zip"] == "" or (len(parsed["zip"]) == 5 and parsed["zip"].isdigit())


@COLUMNS
@given(
    values=st.lists(
        st.one_of(st.sampled_from(ZIPS + CITIES + STATES).map(lambda c: c[0]), messy_text),
        max_size=20,
    )
)
def test_city_state_zip_columns_agree_with_the_single_value_functions(values):
    out = nz.normalise_fields(
        pd.DataFrame({"city": values, "state": values, "zip": values}, dtype=str)
    )
    assert out["city"].tolist() == [nz.normalise_city(v) for v in values]
    assert out["state"].tolist() == [nz.normalise_state(v) for v in values]
    assert out["zip"].tolist() == [nz.normalise_zip(v) for v in values]


ONE_LINE_ADDRESS = st.builds(
    "{} {}{}, {}{}{}{}".format,
    st.sampled_from(["123", "4b", "12-14", "7", "0", "12 1/2"]),
    st.sampled_from(
        ["N Main St", "Elm Avenue", "w 1st street", "MAPLE", "Oak Rd SE", "Calle 5", "Box 9"]
    ),
    st.sampled_from(["", " Apt 4B", ", Unit 2", " #12", ", Suite 4-B", " Apt"]),
    st.sampled_from(["Springfield", "St. Louis", "new york", "Winston-Salem", "O'Fallon", "X1"]),
    st.sampled_from([", ", " ", ",", " , "]),
    st.sampled_from(["IL", "Illinois", "N.Y.", "Calif", "ZZ", "dc", "il."]),
    st.sampled_from(["", " 62704", " 2139", " 62704-1234", " 00000", " 627", "  62704"]),
)


@FAST
@given(
    values=st.lists(
        st.one_of(ONE_LINE_ADDRESS, st.sampled_from([r for r, _ in ADDRESSES]), messy_text),
        max_size=20,
    )
)
def test_address_fast_path_agrees_with_parse_address(values):
    """One-line addresses decided in pyarrow (house number split off, each distinct
    remainder parsed once) come out as ``parse_address`` has them."""
    decided = _addresses_fast(large(values))
    for i, value in enumerate(values):
        if decided[0][i].is_valid:
            parsed = nz.parse_address(value)
            assert tuple(p[i].as_py() for p in decided) == tuple(parsed[k] for k in ADDRESS_KEYS), (
                value
            )
        else:
            assert all(not p[i].is_valid for p in decided)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SW1A 1AA", "SW1A1AA"),
        ("k1a 0b1", "K1A0B1"),
        ("1234 AB", "1234AB"),
        ("D02 X285", "D02X285"),
        ("2139", "02139"),
        ("60623-1234", "60623"),
        ("00000", ""),
        ("abc", ""),
        ("0A", ""),
    ],
)
def test_postcodes_of_other_countries(raw, expected):
    assert nz.normalise_zip(raw) == expected
    column = nz.normalise_fields(pd.DataFrame({"zip": [raw]}, dtype=str))["zip"].tolist()
    assert column == [expected]
