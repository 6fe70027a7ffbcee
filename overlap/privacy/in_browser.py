"""The encoder that runs in a partner's own browser (Pyodide): a roster's bytes in, a .clk out.

The page's script (``overlap/privacy/browser/encoder.js``) loads Pyodide and
Overlap's plain-Python modules from the dashboard, calls :func:`prepare`
once, then :func:`describe` when a file is picked and :func:`encode` when
the partner presses *Encode*. The roster is read by the browser from the
partner's disk and never sent anywhere: what these functions return stays
in the page until the partner downloads it.

The same functions run in CPython (the tests compare :func:`encode` with
``overlap encode`` on the same roster and secret).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from pathlib import Path

import overlap

SHAREABLE_FIELDS = ("zip", "city", "state")  # as the dashboard offers them


def prepare() -> None:
    """Make Overlap's plain-Python modules importable where numpy and pandas are not.

    - ``jellyfish`` (Metaphone) and ``pycrfsuite`` (usaddress's tagger) are
      compiled libraries with no browser build: their pure-Python stand-ins,
      held equal to them by the tests, take their names;
    - ``overlap.normalise`` is entered as a bare package, so importing its
      plain modules does not run its ``__init__`` (which loads the pyarrow
      stage for whole rosters).

    Harmless where everything is installed: nothing is replaced that is already loaded.
    """
    from overlap.privacy import crf_tagger, metaphone

    for name, stand_in in (("jellyfish", metaphone), ("pycrfsuite", crf_tagger)):
        try:
            __import__(name)
        except ImportError:
            sys.modules[name] = stand_in
    if "overlap.normalise" not in sys.modules:
        try:
            import pyarrow  # noqa: F401 - only to learn whether the whole stage can load
        except ImportError:
            package = types.ModuleType("overlap.normalise")
            package.__path__ = [str(Path(overlap.__file__).parent / "normalise")]
            sys.modules["overlap.normalise"] = package


def describe(data: bytes, file_name: str) -> dict:
    """What the page shows once a file is picked: its columns, their fields, and the options.

    Returns:
        ``name``, ``rows``, ``columns`` (each ``{"column", "field"}``, field "" when
        the column is kept as it is), ``shareable`` (fields and columns that may be sent in
        plain text) and ``ssn_columns``. Never a value of the roster.
    """
    from overlap.fields import FIELD_WORDS
    from overlap.privacy import plain_roster

    table = plain_roster.read_csv_table(data, file_name)
    mapping = plain_roster.guess_fields(table)
    fields = set(mapping.values())
    return {
        "name": table.name,
        "rows": len(table.rows),
        "columns": [
            {"column": raw, "field": FIELD_WORDS.get(mapping.get(raw, ""), "")}
            for raw in table.columns
        ],
        "shareable": [f for f in SHAREABLE_FIELDS if f in fields]
        + [raw for raw in table.columns if raw not in mapping],
        "ssn_columns": [raw for raw, f in mapping.items() if f == "ssn"],
    }


def encode(
    data: bytes,
    file_name: str,
    secret: bytes,
    share_columns: list[str] | tuple[str, ...] = (),
    leave_out_ssn: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> dict:
    """Encode a roster file as ``overlap encode`` does, with the standard library only.

    Args:
        data: the roster file's bytes (CSV, TSV, semicolon or pipe separated).
        file_name: its name (the programme is its stem, as for ``overlap encode``).
        secret: the partners' secret (a trailing newline is not part of it).
        share_columns: fields or columns to send in plain text.
        leave_out_ssn: send no social security number at all (``--map "SSN=ignore"``).
        progress: if given, hears (what is being done, share of the whole done) now and then.

    Returns:
        ``name``, ``records``, ``clk`` (the .clk file's bytes) and ``key`` (the key file's).

    Raises:
        OverlapError: the file, the secret or an option cannot be used; one sentence.
    """
    from overlap.mapping import _validate, check_linkable
    from overlap.privacy import plain_encoding, plain_roster
    from overlap.privacy.scheme import check_secret, key_settings

    secret = check_secret(bytes(secret).rstrip(b"\r\n"), "the secret")
    table = plain_roster.read_csv_table(bytes(data), file_name)
    mapping = plain_roster.guess_fields(table)
    overrides = {raw: "ignore" for raw, f in mapping.items() if f == "ssn"} if leave_out_ssn else {}
    mapping.update(overrides)
    label = Path(file_name).name
    check_linkable(mapping, label)
    _validate(mapping, table.columns, label)
    halves = (
        (
            lambda what, share: progress(what, share / 2),
            lambda what, share: progress(what, 0.5 + share / 2),
        )
        if progress is not None
        else (None, None)
    )
    records = plain_roster.encoding_records(table, mapping, halves[0])
    rows = [int(r["row"]) for r in records]  # a row naming two people is two records
    attributes = plain_roster.attribute_columns(table, mapping, rows)
    clk, ids = plain_encoding.encode_records(
        records, secret, table.name, list(share_columns), attributes, halves[1]
    )
    settings = key_settings(table.name, len(records), bytes(data), None, overrides)
    return {
        "name": table.name,
        "records": len(records),
        "clk": clk,
        "key": plain_encoding.key_file(ids, settings, rows),
    }
