"""overlap.normalise.dates: dates of birth, day/month order per column, and the
column fast path held to ``normalise_date``."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
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
def test_a_day_or_month_too_big_for_a_date_leaves_at_most_the_year_not_a_crash(raw):
    assert nz.normalise_date(raw) in ("", "1984")
    column = nz.normalise_fields(pd.DataFrame({"dob": [raw]}, dtype=str))["dob"].tolist()
    assert column == [nz.normalise_date(raw)]


@FAST
@given(value=messy_text, dayfirst=st.booleans())
def test_dates_are_iso_past_and_stable(value, dayfirst):
    out = nz.normalise_date(value, dayfirst, today=TODAY)
    if len(out) in (4, 7):  # a year alone, or a year and a month
        assert 1000 <= int(out[:4]) <= TODAY.year
        assert nz.normalise_date(out, not dayfirst, today=TODAY) == out
    elif out:
        when = date.fromisoformat(out)
        assert date(1000, 1, 1) <= when <= TODAY
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
    assert column.tolist() == _column_reference(raws, column_order)


@COLUMNS
@given(values=st.lists(messy_text, max_size=20))
def test_date_column_agrees_with_normalise_date_on_any_text(values):
    series = pd.Series(values, dtype=str)
    order = nz.infer_dayfirst(series)
    column = nz.normalise_dates(series, today=TODAY)
    assert column.tolist() == _column_reference(values, order)


def _column_reference(values, dayfirst):
    """The plain reference of a column: each value read alone, then the column's own patterns."""
    one_by_one = [nz.normalise_date(v, dayfirst, today=TODAY) for v in values]
    return _partial_reference(one_by_one)


def _partial_reference(dates: list[str]) -> list[str]:
    """partial_dates, written plainly: placeholders, then years or months alone."""
    full = [d for d in dates if len(d) == 10]
    if not full:
        return list(dates)
    counts = {d: full.count(d) for d in set(full)}
    mean = len(full) / len(counts)
    placeholders = {d for d, n in counts.items() if n >= max(10, 20 * mean)}
    rest = [d for d in full if d not in placeholders]
    total = max(len(rest), 1)
    jan1 = [d for d in rest if d[5:] == "01-01"]
    firsts = [d for d in rest if d[8:] == "01" and d[5:] != "01-01"]
    year_only = len(jan1) >= 10 and len(jan1) / total >= 0.03 and len(set(jan1)) >= 5
    month_only = len(firsts) >= 10 and len(firsts) / total >= 0.2 and len(set(firsts)) >= 5
    out = []
    for d in dates:
        if d in placeholders:
            d = ""
        elif year_only and d in jan1:
            d = d[:4]
        elif not year_only and d in ("1900-01-01", "1901-01-01"):
            d = ""
        elif month_only and d[8:] == "01" and (d in firsts or not year_only):
            d = d[:7]
        out.append(d)
    return out


def test_a_date_many_records_share_is_a_placeholder():
    real = [f"19{50 + i % 40:02d}-{1 + i % 12:02d}-{1 + i % 27:02d}" for i in range(400)]
    column = nz.normalise_dates(pd.Series(real + ["1970-01-01"] * 60), today=TODAY)
    assert set(column.iloc[-60:]) == {""}
    assert column.iloc[:400].tolist() == real


def test_fixed_placeholders_are_missing_in_a_column_of_whole_dates():
    column = nz.normalise_dates(pd.Series(["1980-03-04", "1900-01-01", "01/01/1901"]), today=TODAY)
    assert column.tolist() == ["1980-03-04", "", ""]


def test_a_column_of_january_firsts_is_read_as_birth_years():
    historical = [f"{1700 + 7 * i}-01-01" for i in range(30)] + ["1861-03-02", "1900-01-01"]
    column = nz.normalise_dates(pd.Series(historical), today=TODAY)
    assert column.tolist()[:3] == ["1700", "1707", "1714"]
    assert column.tolist()[-2:] == ["1861-03-02", "1900"]


def test_a_column_of_firsts_of_the_month_is_read_as_months():
    months = [f"{1950 + i}-{1 + i % 12:02d}-01" for i in range(30)] + ["1980-05-17"]
    column = nz.normalise_dates(pd.Series(months), today=TODAY)
    assert column.tolist()[:2] == ["1950-01", "1951-02"] and column.iloc[-1] == "1980-05-17"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "1980-03-04",
                "1900-01-01",
                "1861-01-01",
                "1790-01-01",
                "1955-07-01",
                "1961-01-01",
                "2001-11-30",
                "",
                "1850",
            ]
        ),
        max_size=80,
    )
)
def test_partial_dates_matches_its_plain_reference(dates):
    column = pa.array(dates, type=pa.large_string())
    assert nz.partial_dates(column).to_pylist() == _partial_reference(dates)
