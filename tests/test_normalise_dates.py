"""overlap.normalise.dates: dates of birth, day/month order per column, and the
column fast path held to ``normalise_date``."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from normalise_cases import COLUMNS, DATES, FAST, TODAY, messy_text

from overlap import normalise as nz


@pytest.mark.parametrize(("raw", "dayfirst", "expected"), DATES)
def test_normalise_date_examples(raw, dayfirst, expected):
    assert nz.normalise_date(raw, dayfirst, today=TODAY) == expected


def test_two_digit_year_never_in_the_future():
    assert nz.normalise_date("01/01/26", today=TODAY) == "2026-01-01"
    assert nz.normalise_date("12/31/26", today=TODAY) == "1926-12-31"


@pytest.mark.parametrize(
    ("values", "dayfirst"),
    [
        (["03/05/1980", "25/12/1975", "01/02/1990"], True),
        (["03/05/1980", "12/25/1975", "01/02/1990"], False),
        (["03/05/1980", "01/02/1990"], False),  # no proof: US order
        (["1980-03-05", "March 5, 1980"], False),
        (["25.12.1975", "13-01-1980", "12/31/1980"], True),  # two votes to one
        (["", "", "31/01/1980 | 01/02/1980"], True),
    ],
)
def test_infer_dayfirst(values, dayfirst):
    assert nz.infer_dayfirst(pd.Series(values)) is dayfirst


def test_normalise_dates_decides_per_column():
    day_first = pd.Series(["03/05/1980", "25/12/1975", "", "1980-03-05"], index=[10, 11, 12, 13])
    out = nz.normalise_dates(day_first, today=TODAY)
    assert list(out) == ["1980-05-03", "1975-12-25", "", "1980-03-05"]
    assert list(out.index) == [10, 11, 12, 13]
    month_first = pd.Series(["03/05/1980", "12/25/1975"])
    assert list(nz.normalise_dates(month_first, today=TODAY)) == ["1980-03-05", "1975-12-25"]


@pytest.mark.parametrize(
    "raw",
    ["2/312555010202/1984", "312555010202/2/1984", "2/312555010202/84", "1984-02-312555010202"],
)
def test_a_day_or_month_too_big_for_a_date_is_missing_not_a_crash(raw):
    assert nz.normalise_date(raw) == ""
    assert nz.normalise_fields(pd.DataFrame({"dob": [raw]}, dtype=str))["dob"].tolist() == [""]


@FAST
@given(value=messy_text, dayfirst=st.booleans())
def test_dates_are_iso_past_and_stable(value, dayfirst):
    out = nz.normalise_date(value, dayfirst, today=TODAY)
    if out:
        when = date.fromisoformat(out)
        assert date(1900, 1, 1) < when <= TODAY
        assert nz.normalise_date(out, not dayfirst, today=TODAY) == out


@settings(max_examples=40, deadline=None)
@given(
    dates=st.lists(
        st.tuples(
            st.dates(min_value=date(1890, 1, 1), max_value=date(2030, 12, 31)),
            st.sampled_from(
                [
                    "%m/%d/%Y",
                    "%d/%m/%Y",
                    "%Y-%m-%d",
                    "%Y-%m-%d 00:00:00",
                    "%Y%m%d",
                    "%m%d%Y",
                    "%d%m%Y",
                    " %Y%m%d",
                    "%B %d, %Y",
                ]
            ),
        ),
        min_size=1,
        max_size=40,
    ),
    dayfirst=st.booleans(),
)
def test_date_fast_path_matches_single_value(dates, dayfirst):
    raws = [when.strftime(layout) for when, layout in dates]
    raws.append("13/01/1980" if dayfirst else "01/13/1980")  # a vote for one order
    column_order = nz.infer_dayfirst(pd.Series(raws))
    column = nz.normalise_dates(pd.Series(raws), today=TODAY)
    assert column.tolist() == [nz.normalise_date(r, column_order, today=TODAY) for r in raws]


@COLUMNS
@given(values=st.lists(messy_text, max_size=20))
def test_date_column_agrees_with_normalise_date_on_any_text(values):
    series = pd.Series(values, dtype=str)
    order = nz.infer_dayfirst(series)
    column = nz.normalise_dates(series, today=TODAY)
    assert column.tolist() == [nz.normalise_date(v, order, today=TODAY) for v in values]
