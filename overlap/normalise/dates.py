"""Dates of birth, read in any common layout and written as ISO ``YYYY-MM-DD``.

Day/month order is decided per column (``infer_dayfirst``); a two-digit year
takes the century that keeps the birth date in the past; dates before the
year 1000 and in the future are "". Historical rosters hold births of every
century, so old dates are kept.

Some births are known only to the year or the month: a year alone ("1861")
becomes ``YYYY``, and a roster column that writes unknown parts as the 1st
(far more January 1sts, or 1sts of the month, than births fall on) has those
dates read as ``YYYY`` (or ``YYYY-MM``): a shared "1861-01-01" then says
"born the same year", not "born the same day". A date shared by implausibly
many records of one column is a placeholder ("unknown"), as are 1900-01-01
and 1901-01-01 in a column that holds whole dates: "" (``partial_dates``).

``normalise_date`` reads one value: it is the reference. ``_dates_fast``
decides a column's ISO, slash and eight-digit dates at once (pyarrow regexes,
pandas dates); what it leaves goes through ``normalise_date``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from overlap.normalise._text import _first_valid

if TYPE_CHECKING:  # annotations only: the vectorised paths import these where they run
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from overlap.normalise._arrow import _Distinct

_MONTHS = {
    "jan": 1,
    "january": 1,
    "ene": 1,
    "enero": 1,
    "feb": 2,
    "february": 2,
    "febrero": 2,
    "mar": 3,
    "march": 3,
    "marzo": 3,
    "apr": 4,
    "april": 4,
    "abr": 4,
    "abril": 4,
    "may": 5,
    "mayo": 5,
    "jun": 6,
    "june": 6,
    "junio": 6,
    "jul": 7,
    "july": 7,
    "julio": 7,
    "aug": 8,
    "august": 8,
    "ago": 8,
    "agosto": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "set": 9,
    "septiembre": 9,
    "setiembre": 9,
    "oct": 10,
    "october": 10,
    "octubre": 10,
    "nov": 11,
    "november": 11,
    "noviembre": 11,
    "dec": 12,
    "december": 12,
    "dic": 12,
    "diciembre": 12,
}
_DATE_FILLER = {
    "st",
    "nd",
    "rd",
    "th",
    "of",
    "de",
    "del",
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
}
_DATE_PLACEHOLDERS = {date(1900, 1, 1), date(1901, 1, 1)}
_PLACEHOLDER_TEXT = sorted(d.isoformat() for d in _DATE_PLACEHOLDERS)
_EARLIEST_BIRTH = date(1000, 1, 1)
_EXCEL_EPOCH = date(1899, 12, 30)
_TIME_TAIL = re.compile(
    r"(?:[ t]+|^)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm|a\.m\.|p\.m\.|z|utc|[+-]\d{2}:?\d{2})?\s*$"
)
_DATE_TOKENS = re.compile(r"\d+|[a-z]+")
_NUMERIC_DMY_NAMED = (
    r"^ *(?P<a>[0-9]{1,2}) *[/.\-] *(?P<b>[0-9]{1,2}) *[/.\-] *(?P<c>[0-9]{2,4}) *$"
)


def _valid_birth(y: int, m: int, d: int, today: date) -> str:
    """The ISO date; its year alone when the month or day is a typo (13, 0, 64); else ""."""
    if not _EARLIEST_BIRTH.year <= y <= today.year:
        return ""
    try:
        when = date(y, m, d)
    except (ValueError, OverflowError):  # a day or month too big for C ints
        return f"{y:04d}"
    if when > today:
        return ""
    return when.isoformat()


def _two_digit_year(yy: int, m: int, d: int, today: date) -> int:
    """Birth dates are in the past: 80 -> 1980, 05 -> 2005, 30 -> 1930 (in 2026)."""
    year = 2000 + yy
    try:
        if date(year, m, d) <= today:
            return year
    except (ValueError, OverflowError):
        return year
    return 1900 + yy


def _ymd(y_text: str, m: int, d: int, today: date) -> str:
    y = int(y_text)
    if len(y_text) <= 2:
        y = _two_digit_year(y, m, d, today)
    elif len(y_text) != 4:
        return ""
    return _valid_birth(y, m, d, today)


def _parse_date_one(value: str, dayfirst: bool, today: date) -> str:
    text = value.strip().lower()
    if not text or len(text) > 60:
        return ""
    if re.fullmatch(r"\d+\.0*", text):  # a number from a spreadsheet cell
        text = text.split(".")[0]
    text = _TIME_TAIL.sub("", text).strip()
    tokens = _DATE_TOKENS.findall(text)
    nums = [t for t in tokens if t.isdigit()]
    words = [t for t in tokens if not t.isdigit()]
    months = [_MONTHS[w] for w in words if w in _MONTHS]
    if any(w not in _MONTHS and w not in _DATE_FILLER for w in words) or len(months) > 1:
        return ""
    if months:
        if len(nums) != 2:
            return ""
        month = months[0]
        if len(nums[0]) == 4 or (len(nums[0]) > 2 and len(nums[1]) <= 2):
            year_text, day_text = nums
        else:
            day_text, year_text = nums
        if len(day_text) > 2:
            return ""
        return _ymd(year_text, month, int(day_text), today)
    if len(nums) == 1:
        digits = nums[0]
        if len(digits) == 8:
            y, m, d = int(digits[:4]), int(digits[4:6]), int(digits[6:])
            if 1800 <= y <= 2200:
                return _valid_birth(y, m, d, today)
            a, b, y = int(digits[:2]), int(digits[2:4]), int(digits[4:])
            m, d = (b, a) if (a > 12 or (dayfirst and b <= 12)) else (a, b)
            return _valid_birth(y, m, d, today)
        if len(digits) == 6:
            a, b = int(digits[:2]), int(digits[2:4])
            m, d = (b, a) if (a > 12 or (dayfirst and b <= 12)) else (a, b)
            return _ymd(digits[4:], m, d, today)
        if 3 <= len(digits) <= 5:
            serial = int(digits)
            if len(digits) == 4 and _EARLIEST_BIRTH.year <= serial <= today.year:
                return digits  # a year alone: the birth year is known, not the day
            if len(digits) == 4 and serial > today.year:
                return ""
            return _valid_birth_from(_EXCEL_EPOCH + timedelta(days=serial), today)
        return ""
    if len(nums) == 2 and not words:  # a year and a month: 1985-03, 03/1985
        year_text, month_text = nums if len(nums[0]) == 4 else nums[::-1]
        if len(year_text) == 4 and len(month_text) <= 2 and 1 <= int(month_text) <= 12:
            whole = _valid_birth(int(year_text), int(month_text), 1, today)
            return whole[:7] if len(whole) == 10 else whole
        return ""
    if len(nums) != 3:
        return ""
    a, b, c = nums
    if len(a) == 4:
        return _ymd(a, int(b), int(c), today)
    if len(a) > 2 or len(b) > 2 or len(c) not in (2, 4):
        return ""
    x, y = int(a), int(b)
    m, d = (y, x) if (x > 12 or (dayfirst and y <= 12)) else (x, y)
    return _ymd(c, m, d, today)


def _valid_birth_from(when: date, today: date) -> str:
    return _valid_birth(when.year, when.month, when.day, today)


def normalise_date(value: str, dayfirst: bool = False, today: date | None = None) -> str:
    """A date of birth in any common format as ISO ``YYYY-MM-DD``, else "".

    Reads MM/DD/YYYY (DD/MM/YYYY when ``dayfirst``, or when the first part is
    over 12), YYYY-MM-DD, YYYYMMDD, "March 5, 1980", "5-Mar-80", "5 de marzo
    de 1980", Excel serial numbers (29221) and workbook datetimes. Two-digit
    years go to the latest century that keeps the date in the past. A year
    alone gives ``YYYY``. Dates before the year 1000 and in the future give "".

    Args:
        value: the raw cell.
        dayfirst: how to read an ambiguous 03/05/1980 (see :func:`infer_dayfirst`).
        today: the reference day for "in the future" (default: today).

    Returns:
        ``YYYY-MM-DD`` or "".
    """
    today = today or date.today()
    return _first_valid(value, lambda v: _parse_date_one(v, dayfirst, today))


def infer_dayfirst(values: pd.Series) -> bool:
    """Decide day/month order for a whole column of dates.

    A value like 25/03/1980 proves the column is day-first, 03/25/1980 that it
    is month-first; the side with more proof wins, and a tie (or no proof)
    means month-first, the US order.
    """
    from overlap.normalise._arrow import _as_str, _factorize

    _codes, uniques = _factorize(_as_str(values))
    return _infer_dayfirst_uniques(uniques)


def _infer_dayfirst_uniques(uniques: pd.Series) -> bool:
    from overlap.normalise._arrow import _extract

    if uniques.str.contains("|", regex=False).any():
        uniques = uniques.str.split("|").explode().astype(str).str.strip()
    parts = _extract(uniques, _NUMERIC_DMY_NAMED).dropna()
    if parts.empty:
        return False
    first = parts["a"].astype(int)
    second = parts["b"].astype(int)
    day_first_votes = int(((first > 12) & (second <= 12)).sum())
    month_first_votes = int(((second > 12) & (first <= 12)).sum())
    return day_first_votes > month_first_votes


# [0-9], not \d: run by pyarrow (RE2); anything they miss goes to the slow path
_FAST_ISO = r"^(?P<a>[0-9]{4})-(?P<b>[0-9]{2})-(?P<c>[0-9]{2})(?:[ T]00:00:00)?$"
_FAST_SLASH = r"^(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})/(?P<c>[0-9]{4})$"
_FAST_EIGHT = r"^(?P<a>[0-9]{8})$"  # on the unstripped cell: Python's strip decides nothing


def _dates_fast(
    uniques: pd.Series, dayfirst: bool, today: date, raw: pd.Series | None = None
) -> pd.Series:
    """Vectorised path for ISO and slash dates with 4-digit years, and (given the
    unstripped ``raw`` values) for cells of exactly eight digits; None elsewhere."""
    import numpy as np
    import pandas as pd

    from overlap.normalise._arrow import _extract

    out = pd.Series([None] * len(uniques), index=uniques.index, dtype=object)
    iso = _extract(uniques, _FAST_ISO).dropna()
    slash = _extract(uniques, _FAST_SLASH).dropna()
    frames = []
    if raw is not None and not (eight := _extract(raw, _FAST_EIGHT).dropna()).empty:
        # as _parse_date_one reads them: YYYYMMDD when the first four digits are
        # 1800-2200, else MMDDYYYY (DDMMYYYY when day-first or the first pair is over 12)
        digits = eight["a"]
        first_year = digits.str[:4].astype(int)
        a, b = digits.str[:2].astype(int), digits.str[2:4].astype(int)
        swap = (a > 12) | (dayfirst & (b <= 12))
        ymd = (first_year >= 1800) & (first_year <= 2200)
        frames.append(
            pd.DataFrame(
                {
                    "year": np.where(ymd, first_year, digits.str[4:].astype(int)),
                    "month": np.where(ymd, digits.str[4:6].astype(int), np.where(swap, b, a)),
                    "day": np.where(ymd, digits.str[6:].astype(int), np.where(swap, a, b)),
                },
                index=eight.index,
            )
        )
    if not iso.empty:
        frames.append(
            pd.DataFrame(
                {
                    "year": iso["a"].astype(int),
                    "month": iso["b"].astype(int),
                    "day": iso["c"].astype(int),
                }
            )
        )
    if not slash.empty:
        a = slash["a"].astype(int)
        b = slash["b"].astype(int)
        swap = (a > 12) | (dayfirst & (b <= 12))
        frames.append(
            pd.DataFrame(
                {
                    "year": slash["c"].astype(int),
                    "month": np.where(swap, b, a),
                    "day": np.where(swap, a, b),
                },
                index=slash.index,
            )
        )
    if not frames:
        return out
    ymd = pd.concat(frames)
    if ymd.empty:
        return out
    year = ymd["year"].to_numpy(np.int64)
    real, past = _valid_ymd(
        year, ymd["month"].to_numpy(np.int64), ymd["day"].to_numpy(np.int64), today
    )
    bad = ~(real & past)
    # a month or day that is a typo leaves the year (a date known in part)
    year_only = ~real & (year >= _EARLIEST_BIRTH.year) & (year <= today.year)
    iso_text = (
        ymd["year"].astype(str).str.zfill(4)
        + "-"
        + ymd["month"].astype(str).str.zfill(2)
        + "-"
        + ymd["day"].astype(str).str.zfill(2)
    )
    result = iso_text.where(~bad, "").where(~year_only, ymd["year"].astype(str).str.zfill(4))
    out.loc[result.index] = result.astype(object)
    return out


_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid_ymd(
    year: np.ndarray, month: np.ndarray, day: np.ndarray, today: date
) -> tuple[np.ndarray, np.ndarray]:
    """Which (year, month, day) are real dates from the year 1000 on, and which are not after today."""
    import numpy as np

    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    good_month = (month >= 1) & (month <= 12)
    last_day = np.array(_DAYS_IN_MONTH)[np.clip(month, 0, 12)] + (leap & (month == 2))
    real = good_month & (day >= 1) & (day <= last_day) & (year >= _EARLIEST_BIRTH.year)
    stamp = year * 10_000 + month * 100 + day
    return real, stamp <= today.year * 10_000 + today.month * 100 + today.day


def normalise_dates(values: pd.Series, today: date | None = None) -> pd.Series:
    """Normalise a whole column of dates of birth, day/month order decided per column.

    Args:
        values: raw strings ("" where missing).
        today: reference day for "in the future" (default: today).

    Returns:
        Series of ISO dates or "", same index.
    """
    from overlap.normalise._arrow import _as_str, _distinct, _or_blank, _to_series

    series = _as_str(values)
    return _to_series(
        _or_blank(_dates_column(_distinct(series), today or date.today()), len(series)),
        series.index,
    )


def _dates_column(found: _Distinct, today: date) -> pa.Array | None:
    import pyarrow as pa

    from overlap.normalise._arrow import _LARGE, _per_distinct, _spread

    dayfirst = _infer_dayfirst_uniques(found.values)

    def fast(_values: pa.Array) -> list[pa.Array]:
        decided = _dates_fast(found.values.str.strip(), dayfirst, today, found.values)
        return [pa.array(decided.to_numpy(dtype=object), type=_LARGE)]  # None: undecided

    (dates,) = _per_distinct(found.values, lambda v: (normalise_date(v, dayfirst, today),), 1, fast)
    spread = _spread(dates, found.codes)
    return None if spread is None else partial_dates(spread)


PLACEHOLDER_MIN = 10  # a date this many records share may be a placeholder...
PLACEHOLDER_TIMES_MEAN = 20  # ...if that is this many times the average for one date
PARTIAL_MIN = 10  # 1sts this many records share may mean "day unknown"...
YEAR_ONLY_SHARE = 0.03  # ...if January 1sts are this share of the dates (1 in 365 by chance)
MONTH_ONLY_SHARE = 0.2  # ...or 1sts of the month this share (1 in 30 by chance)
PARTIAL_MIN_YEARS = 5  # ...spread over at least this many years (not one placeholder)


def partial_dates(dates: pa.Array) -> pa.Array:
    """A column's ISO dates with placeholders blanked and dates known only in part cut short.

    Decided on the whole column (a single value cannot tell): a date shared
    by implausibly many records is a placeholder ("" ); when January 1sts (or
    1sts of the month) are far more frequent than births are, the column
    writes unknown parts as 1, and those dates become ``YYYY`` (or
    ``YYYY-MM``); otherwise 1900-01-01 and 1901-01-01 are placeholders.

    Args:
        dates: one ISO date (or "", or ``YYYY``) per record.

    Returns:
        The same column, amended.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from overlap.normalise._arrow import _LARGE

    encoded = pc.dictionary_encode(pc.fill_null(dates, ""))
    values = encoded.dictionary.to_numpy(zero_copy_only=False).astype(object)
    counts = np.bincount(
        encoded.indices.to_numpy(zero_copy_only=False), minlength=len(values)
    ).astype(np.int64)
    lengths = np.fromiter(map(len, values), np.int64, len(values))
    full = lengths == 10
    if not full.any():
        return dates
    mean = counts[full].sum() / full.sum()
    placeholder = full & (counts >= max(PLACEHOLDER_MIN, PLACEHOLDER_TIMES_MEAN * mean))
    rest = full & ~placeholder
    month_day = np.array([v[5:] if len(v) == 10 else "" for v in values], dtype=object)
    jan1 = rest & (month_day == "01-01")
    first = rest & np.array([d.endswith("-01") for d in month_day], dtype=bool)
    total = max(int(counts[rest].sum()), 1)
    year_only = _partial_pattern(counts, jan1, total, YEAR_ONLY_SHARE)
    month_only = _partial_pattern(counts, first & ~jan1, total, MONTH_ONLY_SHARE)
    fixed = np.isin(values, _PLACEHOLDER_TEXT) & (not year_only)
    new = values.copy()
    new[placeholder | fixed] = ""
    if year_only:
        new[jan1] = [v[:4] for v in values[jan1]]
    if month_only:
        cut = first & ~(jan1 if year_only else fixed)
        new[cut] = [v[:7] for v in values[cut]]
    if (new == values).all():
        return dates
    return pc.take(pa.array(new, type=_LARGE), encoded.indices)


def _partial_pattern(counts: np.ndarray, chosen: np.ndarray, total: int, share: float) -> bool:
    """Whether the chosen dates are frequent enough, over enough years, to mean "part unknown"."""
    n = int(counts[chosen].sum())
    return n >= PARTIAL_MIN and n / total >= share and int(chosen.sum()) >= PARTIAL_MIN_YEARS
