"""The normalise stage: a mapped roster's canonical fields in, matching keys out.

``normalise_fields`` runs each kind's vectorised path on a whole roster and
puts the rows together with pyarrow kernels; ``normalise_record`` is the
plain row-by-row reference the tests hold it to.

Names: first/middle/last columns win; ``full_name`` fills the parts that are
missing. A trailing one-letter initial in the first-name column ("John M")
becomes the middle name when there is none.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import pandas as pd
import pyarrow as pa

from overlap.evidence import is_evidence_column, normalise_column
from overlap.mapping import CANONICAL_FIELDS
from overlap.normalise._arrow import (
    _and_not,
    _any_text,
    _arrow,
    _as_str,
    _blank,
    _derived,
    _distinct,
    _fill,
    _filled,
    _not_filled,
    _per_distinct,
    _spread,
    _to_series,
    _where,
)
from overlap.normalise.addresses import (
    _address_columns,
    _zips_fast,
    normalise_city,
    normalise_state,
    normalise_zip,
)
from overlap.normalise.categories import normalise_category
from overlap.normalise.dates import _dates_column
from overlap.normalise.emails import _emails_fast, normalise_email
from overlap.normalise.ids import _record_ids_fast, _ssns_fast, normalise_ssn
from overlap.normalise.names import (
    _first_parts,
    _first_split,
    _names_fast,
    name_sound,
    normalise_suffix,
    parse_full_name,
)
from overlap.normalise.nicknames import _first_key_table
from overlap.normalise.phones import _phones_column
from overlap.normalise.record import OUTPUT_COLUMNS, normalise_record  # noqa: F401 - re-exported
from overlap.normalise.sex import normalise_sex
from overlap.normalise.streets import normalise_unit
from overlap.normalise.surnames import surname_key

INPUT_FIELDS = CANONICAL_FIELDS  # the raw fields a mapped roster may hold


def normalise_fields(fields: pd.DataFrame, timings: dict[str, float] | None = None) -> pd.DataFrame:
    """Normalise a mapped roster's canonical fields into matching keys.

    Every per-value parser runs once per distinct value; phones, dates,
    emails, ZIPs, streets and one-line addresses take a vectorised pyarrow
    fast path for their common clean forms first, and rows are put together
    with pyarrow kernels, not Python loops.

    Args:
        fields: one column per canonical field (missing columns count as
            empty), raw strings, "" where missing; several values may be
            joined with " | ".
        timings: if given, gets the seconds spent per field group ("names",
            "dob", "sex", "address", "phone", "email", ...) added to it, for
            progress reports (counts and timings only, never values).

    Returns:
        DataFrame with ``OUTPUT_COLUMNS`` (all str), same index as ``fields``.
    """
    return _normalise_fields_timed(fields, timings)


def _normalise_fields_timed(fields: pd.DataFrame, timings: dict[str, float] | None) -> pd.DataFrame:
    """``normalise_fields``, optionally recording seconds per field group in ``timings``.

    Arrays here are pyarrow ``large_string``; ``None`` stands for a column
    that is "" on every row (a field the roster lacks, or one that never
    parses), so filling from it or choosing it costs nothing.
    """
    lap = _Laps(timings)
    roster = _Fields(fields)
    lap("setup")
    out = _name_columns(roster)
    lap("names")
    dob = roster.col["dob"]
    out["dob"] = _dates_column(dob, date.today()) if dob is not None else None
    lap("dob")
    out["sex"] = roster.column("sex", normalise_sex)
    lap("sex")
    out.update(_place_columns(roster))
    lap("address")
    out["phone"] = _phones_column(roster.raw["phone"]) if "phone" in roster.present else None
    lap("phone")
    out["email"] = roster.column("email", normalise_email, _emails_fast)
    lap("email")
    out.update(_id_columns(roster))
    lap("ids")
    out["birth_place"] = roster.column("birth_place", normalise_category)
    lap("categories")
    blank = _blank(roster.n)
    frame = pd.DataFrame(
        {c: _to_series(blank if out[c] is None else out[c], roster.index) for c in OUTPUT_COLUMNS},
        index=roster.index,
    )
    for column in fields.columns:  # columns several rosters share, compared as evidence
        if is_evidence_column(column):
            frame[column] = normalise_column(column, fields[column]).to_numpy()
    lap("assemble")
    return frame


# nearly all distinct, and decided row by row by vectorised code: never factorized whole
_ROW_WISE = {"record_id", "phone"}


class _Laps:
    """Seconds since the last lap, added to ``timings`` under each lap's name (if given)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[name] = self.timings.get(name, 0.0) + now - self.last
        self.last = now


class _Fields:
    """A mapped roster's fields read once: as strings, each column factorized.

    Every parser gives "" for "", so a column of "" is no column at all
    (``col`` holds None for it). The ``_ROW_WISE`` fields are not factorized.
    """

    def __init__(self, fields: pd.DataFrame) -> None:
        self.n = len(fields)
        self.index = fields.index
        self.raw = {f: _as_str(fields[f]) for f in INPUT_FIELDS if f in fields.columns}
        self.present = {f for f in self.raw if _any_text(self.raw[f])}
        self.col = {
            f: _distinct(self.raw[f]) if f in self.present and f not in _ROW_WISE else None
            for f in INPUT_FIELDS
        }

    def columns(self, field: str, func: Callable[[str], tuple], width: int, fast=None) -> list:
        """``func`` (a ``width``-tuple) of each distinct value of ``field``, spread to rows."""
        found = self.col[field]
        if found is None:
            return [None] * width
        parts = _per_distinct(found.values, func, width, fast)
        return [_spread(p, found.codes) for p in parts]

    def column(self, field: str, func: Callable[[str], str], fast=None) -> pa.Array | None:
        """``func`` of each distinct value of ``field``, spread to rows."""
        return self.columns(field, lambda v: (func(v),), 1, fast and (lambda u: [fast(u)]))[0]


def _name_columns(roster: _Fields) -> dict[str, pa.Array | None]:
    """Name parts, suffix, sounds and first-name key: the columns win, ``full_name`` fills."""
    out: dict[str, pa.Array | None] = {}
    first, fsuf, first_head, first_initial = roster.columns(
        "first_name", _first_parts, 4, lambda v: _names_fast(v, 4)
    )
    middle, msuf = roster.columns("middle_name", _first_split, 2, lambda v: _names_fast(v, 2))
    last, lsuf = roster.columns("last_name", _first_split, 2, lambda v: _names_fast(v, 2))
    takes_initial = _and_not(_filled(first_initial), _filled(middle))
    first = _where(takes_initial, first_head, first)
    middle_from_first = _where(takes_initial, first_initial, None)
    full_first, full_middle, full_last, full_suffix = roster.columns(
        "full_name", parse_full_name, 4
    )
    no_parts = _and_not(_not_filled(first), _filled(last))
    out["first_name"] = _fill(first, full_first)
    out["last_name"] = _fill(last, full_last)
    out["middle_name"] = _where(
        no_parts, _fill(middle, full_middle), _fill(_fill(middle, middle_from_first), full_middle)
    )
    suffix = roster.column("suffix", normalise_suffix)
    for fallback in (lsuf, fsuf, msuf, full_suffix):
        suffix = _fill(suffix, fallback)
    out["suffix"] = suffix
    table = _first_key_table()
    out["first_sound"], out["first_key"] = _derived(
        out["first_name"], lambda v: (name_sound(v), table.get(v, v)), 2
    )
    out["last_sound"], out["last_key"] = _derived(
        out["last_name"], lambda v: (name_sound(v), surname_key(v)), 2
    )
    return out


def _place_columns(roster: _Fields) -> dict[str, pa.Array | None]:
    """Street parts, unit, city, state, ZIP: their own columns first, a one-line address fills."""
    out = _address_columns(roster.col)
    out["unit"] = _fill(roster.column("unit", normalise_unit), out["unit"])
    for key, func, fast in (
        ("city", normalise_city, None),
        ("state", normalise_state, None),
        ("zip", normalise_zip, _zips_fast),
    ):
        out[key] = _fill(roster.column(key, func, fast), out[key])
    return out


def _id_columns(roster: _Fields) -> dict[str, pa.Array | None]:
    """Record IDs and SSNs."""
    # IDs are nearly all distinct and the vectorised form decides every one: no factorizing
    record_ids = roster.raw["record_id"] if "record_id" in roster.present else None
    return {
        "record_id": _record_ids_fast(_arrow(record_ids)) if record_ids is not None else None,
        "ssn": roster.column("ssn", normalise_ssn, _ssns_fast),
    }
