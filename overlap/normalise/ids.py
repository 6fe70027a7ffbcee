"""Identifiers: a roster's own record IDs and social security numbers.

``normalise_record_id`` and ``normalise_ssn`` read one value: they are the
reference. IDs are nearly all distinct, so their vectorised forms
(``_record_ids_fast`` on bytes, ``_ssns_fast`` in pyarrow) run on every row
rather than per distinct value.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from overlap.normalise._text import _first_valid

if TYPE_CHECKING:  # annotations only: the vectorised paths import these where they run
    import pyarrow as pa


def normalise_record_id(value: str) -> str:
    """A roster's own record ID as a comparable key: the first of joined values, letters and digits only, lower case."""
    if not isinstance(value, str):
        return ""
    return _NOT_ID_CHAR.sub("", value.split("|")[0].lower())


_NOT_ID_CHAR = re.compile(r"[^0-9a-z]")


def _record_ids_fast(values: pa.Array) -> pa.Array | None:
    """Vectorised ``normalise_record_id``; None if every ID comes out empty.

    Byte by byte after lower-casing: everything from the first "|" goes, and
    every byte that is not 0-9 or a-z (so every byte of a non-ASCII letter).
    """
    import numpy as np
    import pyarrow.compute as pc

    from overlap.normalise._arrow import _all_blank, _buffers, _drop_bytes_where

    lower = pc.utf8_lower(values)
    offsets, data = _buffers(lower)
    not_id_byte = np.ones(256, dtype=bool)
    not_id_byte[_ID_BYTES] = False
    drop = not_id_byte[data]
    pipe = data == ord("|")
    if pipe.any():  # bytes at or after the first "|" of their value
        seen = np.cumsum(pipe, dtype=np.int64)
        starts = np.concatenate(([0], seen))[offsets[:-1]]
        drop |= seen > np.repeat(starts, np.diff(offsets))
    ids = _drop_bytes_where(offsets, data, drop)
    return None if _all_blank(ids) else ids


_ID_BYTES = [*range(ord("0"), ord("9") + 1), *range(ord("a"), ord("z") + 1)]


# Numbers printed on sample cards, in adverts and typed to get past a form.
_SSN_PLACEHOLDERS = {"123456789", "078051120", "219099999", "987654321"}


def _ssn_one(value: str) -> str:
    digits = _NOT_DIGIT.sub("", value)
    if len(digits) < 7 or len(digits) > 9:
        return ""
    return _valid_ssn(digits.zfill(9))


_NOT_DIGIT = re.compile(r"[^0-9]")


def _valid_ssn(digits: str) -> str:
    """The 9 digits if they can be a social security number; "" for placeholders and impossible ones."""
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if (
        area in ("000", "666")
        or area[0] == "9"
        or group == "00"
        or serial == "0000"
        or len(set(digits)) == 1
        or digits in _SSN_PLACEHOLDERS
    ):
        return ""
    return digits


def normalise_ssn(value: str) -> str:
    """A social security number as 9 digits, or "" if missing, a placeholder or impossible.

    Punctuation and spaces are dropped; 7 or 8 digits are a number whose
    leading zeros a spreadsheet dropped. Numbers no one is issued (area 000,
    666 or 900-999, group 00, serial 0000), one digit repeated, and well-known
    sample numbers (123-45-6789) are placeholders.
    """
    return _first_valid(value, _ssn_one)


def _ssns_fast(values: pa.Array) -> pa.Array:
    """Vectorised ``normalise_ssn`` for single values; null where a value holds several."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from overlap.normalise._arrow import _LARGE, _NOTHING, _UNDECIDED

    digits = pc.replace_substring_regex(values, "[^0-9]", "")
    size = pc.utf8_length(digits)
    padded = pc.utf8_zfill(digits, 9)
    area = pc.utf8_slice_codeunits(padded, 0, 3)
    group = pc.utf8_slice_codeunits(padded, 3, 5)
    serial = pc.utf8_slice_codeunits(padded, 5)
    # one digit nine times (the sizes checked make padded exactly nine digits)
    repeated = pc.equal(padded, pc.binary_repeat(pc.utf8_slice_codeunits(padded, 0, 1), 9))
    checks = [
        pc.greater_equal(size, 7),
        pc.less_equal(size, 9),
        pc.invert(pc.is_in(area, value_set=pa.array(["000", "666"], type=_LARGE))),
        pc.invert(pc.starts_with(area, "9")),
        pc.not_equal(group, "00"),
        pc.not_equal(serial, "0000"),
        pc.invert(repeated),
        pc.invert(pc.is_in(padded, value_set=pa.array(sorted(_SSN_PLACEHOLDERS), type=_LARGE))),
    ]
    valid = checks[0]
    for check in checks[1:]:
        valid = pc.and_(valid, check)
    several = pc.match_substring(values, "|")
    return pc.if_else(several, _UNDECIDED, pc.if_else(valid, padded, _NOTHING))
