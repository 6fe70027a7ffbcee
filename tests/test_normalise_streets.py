"""overlap.normalise.streets: street lines and units, and the fast path held to
``parse_street``."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from normalise_cases import COLUMNS, FAST, STREETS, UNITS, large, messy_text

from overlap import normalise as nz
from overlap.normalise.streets import _streets_fast


@pytest.mark.parametrize(("raw", "expected"), STREETS)
def test_parse_street_examples(raw, expected):
    assert nz.parse_street(raw) == expected
    assert nz.normalise_street(raw) == expected[0]


@pytest.mark.parametrize(("raw", "expected"), UNITS)
def test_normalise_unit_examples(raw, expected):
    assert nz.normalise_unit(raw) == expected


@pytest.mark.parametrize(
    "streets",
    [
        ["123 N Main St", "45 Elm Ave Apt 2", "7 Oak", "123 N Main St"],  # every line decided
        ["123 N Main St", "PO Box 12", "", "9 W 1st Street #4", "12-14 Elm Rd"],  # some not
    ],
)
def test_street_fast_path_spreads_its_lines_back_in_order(streets):
    decided = _streets_fast(large(streets))
    for i, street in enumerate(streets):
        if decided[0][i].is_valid:
            assert tuple(p[i].as_py() for p in decided) == nz.parse_street(street), street
    assert decided[0][0].is_valid and decided[0][-1].is_valid


@FAST
@given(value=messy_text)
def test_street_parser_never_raises_and_is_stable(value):
    street = nz.parse_street(value)
    assert nz.normalise_unit(street[3]) == street[3]
    assert nz.parse_street(value) == street


@FAST
@given(values=st.lists(messy_text, max_size=20))
def test_street_fast_path_agrees_with_parse_street(values):
    streets = _streets_fast(large(values))
    for i, value in enumerate(values):
        if streets[0][i].is_valid:
            assert tuple(p[i].as_py() for p in streets) == nz.parse_street(value), value


@COLUMNS
@given(values=st.lists(st.one_of(st.sampled_from([r for r, _ in UNITS]), messy_text), max_size=20))
def test_unit_column_agrees_with_normalise_unit(values):
    out = nz.normalise_fields(pd.DataFrame({"unit": values}, dtype=str))
    assert out["unit"].tolist() == [nz.normalise_unit(v) for v in values]
