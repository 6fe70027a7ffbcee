"""overlap.normalise.ids: record IDs and SSNs, and their row-wise fast paths held
to the per-value functions."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from normalise_cases import FAST, decided_agree, large, messy_text

from overlap import normalise as nz
from overlap.normalise.ids import _record_ids_fast, _ssns_fast


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("234-56-7891", "234567891"),
        (" 234 56 7891 ", "234567891"),
        ("SSN: 234.56.7891", "234567891"),
        ("12-34-5678", "012345678"),  # a leading zero lost in a spreadsheet
        ("5304218", "005304218"),
        ("000-00-0000", ""),
        ("123-45-6789", ""),
        ("999-99-9999", ""),
        ("111-11-1111", ""),
        ("000-12-3456", ""),
        ("666-12-3456", ""),
        ("912-34-5678", ""),
        ("234-00-5678", ""),
        ("234-56-0000", ""),
        ("12345", ""),
        ("1234567890", ""),
        ("000-00-0000 | 234-56-7891", "234567891"),
        ("", ""),
    ],
)
def test_ssn_is_nine_digits_and_placeholders_are_missing(raw, expected):
    assert nz.normalise_ssn(raw) == expected
    assert nz.normalise_fields(pd.DataFrame({"ssn": [raw]}, dtype=str))["ssn"].tolist() == [
        expected
    ]


def test_record_id_keeps_letters_and_digits_of_the_first_value():
    assert nz.normalise_record_id("A-1001 | B-7") == "a1001"
    out = nz.normalise_fields(pd.DataFrame({"record_id": ["Client #42", ""]}, dtype=str))
    assert out["record_id"].tolist() == ["client42", ""]


@FAST
@given(values=st.lists(messy_text, max_size=20))
def test_record_ids_row_wise_match_single_value(values):
    out = _record_ids_fast(large(values))
    expected = [nz.normalise_record_id(v) for v in values]
    assert (out.to_pylist() if out is not None else [""] * len(values)) == expected


@FAST
@given(values=st.lists(messy_text, max_size=20))
def test_ssn_fast_path_agrees_with_normalise_ssn(values):
    decided_agree(_ssns_fast, nz.normalise_ssn, values)
