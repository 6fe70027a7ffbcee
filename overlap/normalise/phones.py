"""Phones in E.164 (``+13125550100``), or "".

Phones drop extensions (they do not identify a person). Numbers without an
area code (7 digits) cannot be written in E.164 and give "".

``normalise_phone`` (phonenumbers) reads one value: it is the reference.
``_phones_fast`` decides plain 10-digit US numbers for every row of a column
on bytes and in pyarrow; phonenumbers takes the distinct values it leaves.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from overlap.normalise._text import _first_valid

if TYPE_CHECKING:  # annotations only: the vectorised paths import these where they run
    import pandas as pd
    import pyarrow as pa

_PHONE_PLACEHOLDERS = {str(d) * 10 for d in range(10)} | {"1234567890", "0123456789", "9876543210"}


def _phone_e164(number) -> str:
    import phonenumbers

    if not phonenumbers.is_possible_number(number):
        return ""
    national = str(number.national_number)
    if number.italian_leading_zero:
        national = "0" * (number.number_of_leading_zeros or 1) + national
    if number.country_code == 1 and (len(national) != 10 or national[0] in "01"):
        return ""
    if len(set(national)) == 1 or national in _PHONE_PLACEHOLDERS:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_PHONE_NOISE = re.compile(r"[^\d\s().+\-]")


def _phone_one(value: str, region: str) -> str:
    text = value.strip()
    if not text or len(text) > 60 or not any(c.isdigit() for c in text):
        return ""
    if re.fullmatch(r"\d+\.0+", text):  # a number stored as float in a workbook
        text = text.split(".")[0]
    import phonenumbers

    try:
        found = _phone_e164(phonenumbers.parse(text, region))
    except phonenumbers.NumberParseException:
        found = ""
    if found or not _PHONE_NOISE.search(text):
        return found
    # words or separators around the number: "Cell: 312-555-0100", "312-555-0100 / 773-..."
    for match in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.POSSIBLE
    ):
        found = _phone_e164(match.number)
        if found:
            return found
    return ""


def normalise_phone(value: str, region: str = "US") -> str:
    """A phone number in E.164 (``+13125550100``), or "".

    Extensions are dropped (they do not identify a person). Placeholders such
    as 000-000-0000, 123-456-7890 and 555-555-5555 (any number of one repeated
    digit) give "". US numbers need a 10-digit number whose area code does
    not start with 0 or 1.
    """
    return _first_valid(value, lambda v: _phone_one(v, region))


_PHONE_EXTENSION = r" *(?:x|ext|ext\.|extension) *[0-9]{1,7}$"


def _phones_fast(values: pa.Array) -> pa.Array:
    """Vectorised path for plain 10-digit US numbers (an extension allowed).

    Only printable ASCII is taken (anything else goes to phonenumbers), so
    the regexes run in pyarrow (RE2) and read it as Python would. Null where
    it cannot decide.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from overlap.normalise._arrow import (
        _LARGE,
        _NOTHING,
        _UNDECIDED,
        _drop_bytes,
        _fullmatch,
        _printable,
    )

    plain = _printable(values)
    # only printable ASCII is decided here, so ASCII lower case is lower case
    text = pc.utf8_trim(pc.ascii_lower(values), " ")
    has_x = pc.match_substring(text, "x")  # every extension word has an x
    if has_x.true_count:
        cut = pc.replace_substring_regex(text.filter(has_x), _PHONE_EXTENSION, "")
        text = pc.replace_with_mask(text, has_x, cut)
    stripped = _drop_bytes(text, b" ().-")
    ok = pc.and_(plain, _fullmatch(stripped, r"(?:\+?1)?[2-9][0-9]{9}"))
    ten = pc.utf8_slice_codeunits(stripped, -10)
    placeholder = pc.is_in(ten, value_set=pa.array(sorted(_PHONE_PLACEHOLDERS), type=_LARGE))
    e164 = pc.binary_join_element_wise(pa.scalar("+1", _LARGE), ten, _NOTHING)
    return pc.if_else(ok, pc.if_else(placeholder, _NOTHING, e164), _UNDECIDED)


def normalise_phones(values: pd.Series, region: str = "US") -> pd.Series:
    """Normalise a column of phones (distinct values, vectorised fast path first)."""
    from overlap.normalise._arrow import _as_str, _or_blank, _to_series

    series = _as_str(values)
    return _to_series(_or_blank(_phones_column(series, region), len(series)), series.index)


def _phones_column(series: pd.Series, region: str = "US") -> pa.Array | None:
    """Phones are nearly all distinct: the fast path reads every row, phonenumbers the
    distinct values it leaves."""
    from overlap.normalise._arrow import _distinct, _per_distinct, _rows_then_distinct, _spread

    if region == "US":
        return _rows_then_distinct(series, lambda v: normalise_phone(v, region), _phones_fast)
    found = _distinct(series)
    (phones,) = _per_distinct(found.values, lambda v: (normalise_phone(v, region),), 1)
    return _spread(phones, found.codes)
