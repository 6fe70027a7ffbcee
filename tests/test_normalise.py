"""Tests for the normalise stage as a whole: every single-value normaliser's
properties, and the vectorised ``normalise_fields`` against the plain
row-by-row reference ``normalise_record``. Each kind of field has its own
file (test_normalise_names.py, ..._dates, ..._addresses ...)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from normalise_cases import (
    ADDRESSES,
    CITIES,
    DATES,
    EMAILS,
    FAST,
    FULL_NAMES,
    NAME_PARTS,
    PHONES,
    SEXES,
    STATES,
    STREETS,
    SUFFIXES,
    UNITS,
    ZIPS,
    messy_text,
)

from overlap import normalise as nz

SINGLE_VALUE_FUNCTIONS = [
    nz.normalise_name,
    nz.normalise_suffix,
    nz.normalise_date,
    nz.normalise_phone,
    nz.normalise_email,
    nz.normalise_sex,
    nz.normalise_zip,
    nz.normalise_state,
    nz.normalise_city,
    nz.normalise_street,
    nz.normalise_unit,
    nz.normalise_ssn,
    nz.normalise_record_id,
]


@pytest.mark.parametrize("func", SINGLE_VALUE_FUNCTIONS, ids=lambda f: f.__name__)
@FAST
@given(value=messy_text)
def test_single_value_normalisers_never_raise_are_idempotent_and_deterministic(func, value):
    once = func(value)
    assert isinstance(once, str)
    assert func(value) == once
    assert func(once) == once


def _sample_fields() -> pd.DataFrame:
    """A small messy roster: every field kind, several layouts, repeats, blanks."""
    rng = np.random.default_rng(7)
    n = 400

    def pick(values):
        return [values[i] for i in rng.integers(0, len(values), n)]

    frame = pd.DataFrame(
        {
            "record_id": pick(["A-1001", "a1001", "1001 | 77", "", "#42"]),
            "ssn": pick(
                [
                    "234-56-7891",
                    "234567891",
                    "5304218",
                    "123-45-6789",
                    "000-00-0000",
                    "",
                    "x | 345-67-8912",
                ]
            ),
            "full_name": pick([r for r, _ in FULL_NAMES] + [""] * 10),
            "first_name": pick([r for r, *_ in NAME_PARTS] + ["John M", "Bob", "Pepe", ""]),
            "middle_name": pick(["", "", "Q", "Ann"]),
            "last_name": pick([r for r, *_ in NAME_PARTS] + [""] * 5),
            "suffix": pick([r for r, _ in SUFFIXES] + [""] * 10),
            "dob": pick([r for r, *_ in DATES] + ["14/02/1990", "02/14/1990"]),
            "sex": pick([r for r, _ in SEXES]),
            "address": pick([r for r, _ in ADDRESSES] + [""] * 5),
            "street": pick([r for r, _ in STREETS] + [""] * 5),
            "unit": pick([r for r, _ in UNITS] + [""] * 8),
            "city": pick([r for r, _ in CITIES] + [""] * 3),
            "state": pick([r for r, _ in STATES] + [""] * 3),
            "zip": pick([r for r, _ in ZIPS] + [""] * 3),
            "phone": pick([r for r, _ in PHONES] + ["(773) 555-0199", "773 555 0199"]),
            "email": pick([r for r, _ in EMAILS]),
        },
        dtype=str,
    )
    frame.index = pd.RangeIndex(100, 100 + n)
    return frame


def test_normalise_fields_equals_row_by_row_reference():
    fields = _sample_fields()
    out = nz.normalise_fields(fields)
    assert list(out.columns) == nz.OUTPUT_COLUMNS
    assert out.index.equals(fields.index)
    assert all(out[c].dtype == "str" for c in out.columns)
    dayfirst = nz.infer_dayfirst(fields["dob"])
    reference = pd.DataFrame(
        [nz.normalise_record(row, dayfirst) for row in fields.to_dict("records")],
        index=fields.index,
    )
    # placeholders and dates known in part are decided on the whole column (tested apart)
    column = pa.array(reference["dob"].tolist(), type=pa.large_string())
    reference["dob"] = nz.partial_dates(column).to_pylist()
    for column in nz.OUTPUT_COLUMNS:
        assert out[column].tolist() == reference[column].tolist(), column


def test_normalise_fields_examples_and_fallbacks():
    fields = pd.DataFrame(
        {
            "full_name": ["SMITH, JOHN M", "", "Dr. Jane Doe"],
            "first_name": ["", "Bob", ""],
            "last_name": ["", "O'Brien Jr.", ""],
            "dob": ["03/05/1980", "1975-12-25", "29221"],
            "address": ["123 N Main St Apt 4B, Springfield, IL 62704", "", ""],
            "street": ["", "456 Elm Avenue #12", ""],
            "city": ["", "Chicago", ""],
            "state": ["", "Illinois", ""],
            "zip": ["", "2139", ""],
            "phone": ["(312) 555-0100", "555-555-5555 | 773.555.0102", ""],
            "email": [" John@Example.com ", "none@none.com", ""],
            "sex": ["Male", "H", "Mujer"],
        }
    )
    out = nz.normalise_fields(fields)
    assert out.loc[0, ["first_name", "middle_name", "last_name"]].tolist() == [
        "john",
        "m",
        "smith",
    ]
    assert out.loc[1, ["first_name", "last_name", "suffix", "first_key"]].tolist() == [
        "bob",
        "obrien",
        "jr",
        "robert",
    ]
    assert out.loc[2, ["first_name", "last_name", "dob"]].tolist() == ["jane", "doe", "1980-01-01"]
    assert out.loc[0, ["street", "house_number", "street_name", "unit"]].tolist() == [
        "123 n main st",
        "123",
        "main",
        "apt 4b",
    ]
    assert out.loc[0, ["city", "state", "zip"]].tolist() == ["springfield", "IL", "62704"]
    assert out.loc[1, ["street", "unit", "city", "state", "zip"]].tolist() == [
        "456 elm ave",
        "apt 12",
        "chicago",
        "IL",
        "02139",
    ]
    assert out["phone"].tolist() == ["+13125550100", "+17735550102", ""]
    assert out["email"].tolist() == ["john@example.com", "", ""]
    assert out["sex"].tolist() == ["m", "m", "f"]
    assert out.loc[0, "first_sound"] == nz.name_sound("john")
    assert out.loc[1, "last_sound"] == nz.name_sound("obrien")


def test_street_cell_holding_a_whole_address_fills_city_state_zip():
    fields = pd.DataFrame(
        {
            "street": ["123 Main St, Springfield, IL 62704", "456 Elm Ave Apt 2 Chicago IL 60601"],
            "city": ["", "Evanston"],
        }
    )
    out = nz.normalise_fields(fields)
    assert out[["street", "unit", "city", "state", "zip"]].values.tolist() == [
        ["123 main st", "", "springfield", "IL", "62704"],
        ["456 elm ave", "apt 2", "evanston", "IL", "60601"],
    ]


def test_normalise_fields_missing_columns_and_empty_frame():
    out = nz.normalise_fields(pd.DataFrame({"phone": ["3125550100"]}))
    assert list(out.columns) == nz.OUTPUT_COLUMNS
    assert out.loc[0, "phone"] == "+13125550100"
    assert (out.drop(columns="phone").iloc[0] == "").all()
    empty = nz.normalise_fields(
        pd.DataFrame({f: pd.Series([], dtype=str) for f in nz.INPUT_FIELDS})
    )
    assert list(empty.columns) == nz.OUTPUT_COLUMNS
    assert len(empty) == 0


def test_normalise_fields_accepts_object_columns_with_missing_values():
    fields = pd.DataFrame(
        {"first_name": np.array(["Ann", None], dtype=object), "zip": [None, "2139"]}
    )
    out = nz.normalise_fields(fields)
    assert out["first_name"].tolist() == ["ann", ""]
    assert out["zip"].tolist() == ["", "02139"]


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "full_name": messy_text,
                "first_name": messy_text,
                "last_name": messy_text,
                "dob": messy_text,
                "street": messy_text,
                "address": messy_text,
                "zip": messy_text,
                "phone": messy_text,
                "email": messy_text,
                "ssn": messy_text,
                "record_id": messy_text,
            }
        ),
        min_size=1,
        max_size=8,
    )
)
def test_frame_matches_reference_on_any_text(rows):
    fields = pd.DataFrame(rows, dtype=str)
    out = nz.normalise_fields(fields)
    dayfirst = nz.infer_dayfirst(fields["dob"])
    reference = [nz.normalise_record(row, dayfirst) for row in rows]
    # placeholders and dates known in part are decided on the whole column (tested apart)
    dates = nz.partial_dates(pa.array([r["dob"] for r in reference], type=pa.large_string()))
    for i, row in enumerate(reference):
        assert out.iloc[i].to_dict() == {**row, "dob": dates[i].as_py()}
