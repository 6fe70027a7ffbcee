"""Safe CSV and XLSX writing: no cell a spreadsheet would run as a formula.

Exports leave Overlap and are opened in Excel, LibreOffice or Google Sheets,
where a cell such as ``=HYPERLINK("http://x","y")`` runs as a formula
(CSV/formula injection, OWASP). Every download goes through this module.

The rule (for string cells and column names, in both formats):

* A value whose first character is ``=``, ``+``, ``-``, ``@``, tab, carriage
  return or line feed (or their full-width forms ``＝ ＋ － ＠``), also after
  leading spaces, is *formula-looking* and gets a leading single quote
  (OWASP): ``=1+1`` is written ``'=1+1``. Nothing else of the value changes,
  so it stays readable; the quote marks it as text.
* A value that already starts with single quotes followed by a
  formula-looking rest (``'=1+1``) gets one more quote too, so that reading
  the file back (``read_safe_csv``) can take exactly one quote off every
  quoted value and give back what was written, whatever it was.
* Two kinds of value are not formulas and are left exactly as they are:

  - a plain number led by a minus sign, such as ``-5`` or ``-3.25``: every
    spreadsheet reads it as that number and it cannot hold a function call;
  - in XLSX only, a phone-shaped value: ``+`` then only digits, spaces and
    ``( ) . - /`` (``+1 (555) 010-2000``). XLSX cells are written as text
    (``strings_to_formulas`` is off), and with no letters such a value could
    never call a function even if someone re-typed it. In CSV the same value
    *is* prefixed: Excel would evaluate ``+1 (555) 010-2000`` on opening a
    CSV and show an error instead of the number, so ``'+1 (555) 010-2000``
    is both the safe and the readable form there.

XLSX files are written with xlsxwriter options ``strings_to_formulas``,
``strings_to_urls`` and ``strings_to_numbers`` all off, so a string cell is
always a text cell. CSV files are UTF-8 with a byte-order mark (so Excel
reads accents right), every field quoted.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from overlap.errors import OverlapError

XLSX_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_FORMULA_LEAD_RE = re.compile(r"^ *[=+\-@\t\r\n＝＋－＠]")
_NEGATIVE_NUMBER_RE = re.compile(r"^-(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
# "+1 (555) 010-2000", also a "; "-joined list of them: no letters, so no function call
_PHONE_SHAPE_RE = re.compile(r"^\+\d[\d ().\-/;+]*$")

_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
XLSX_MAX_ROWS = 1_048_576


def needs_quote(value: str, *, keep_phones: bool = False) -> bool:
    """Whether ``value`` is written with a leading quote (see module rule)."""
    value = value.lstrip("'")  # quotes already there: one more, so reading back is exact
    if not _FORMULA_LEAD_RE.match(value):
        return False
    if _NEGATIVE_NUMBER_RE.match(value):
        return False
    return not (keep_phones and _PHONE_SHAPE_RE.match(value))


def _neutralise_series(series: pd.Series, keep_phones: bool) -> pd.Series:
    """Prefix formula-looking strings of one column with a single quote (vectorised)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)  # its categories may be formula-looking text
    if pd.api.types.is_string_dtype(series) and series.dtype != object:
        text = series
    elif series.dtype == object:
        # mixed column: only real str cells can be formulas
        text = series.where(series.map(lambda v: isinstance(v, str)).astype(bool)).astype("str")
    else:
        return series  # numbers, booleans, dates: never formulas
    text = text.str.lstrip("'")  # quotes already there get one more (see needs_quote)
    flagged = text.str.match(_FORMULA_LEAD_RE).fillna(False).astype(bool)
    if not flagged.any():
        return series
    exempt = text.str.match(_NEGATIVE_NUMBER_RE).fillna(False).astype(bool)
    if keep_phones:
        exempt |= text.str.match(_PHONE_SHAPE_RE).fillna(False).astype(bool)
    quote = (flagged & ~exempt).to_numpy()
    if not quote.any():
        return series
    out = series.copy()
    out[quote] = "'" + series[quote].astype("str")
    return out


def neutralise_formulas(frame: pd.DataFrame, *, keep_phones: bool = False) -> pd.DataFrame:
    """Return a copy of ``frame`` in which no string cell or column name looks like a formula.

    Args:
        frame: any table; only string cells (and the column names) change.
        keep_phones: leave phone-shaped ``+…`` values alone (safe for XLSX
            text cells, not for CSV; see the module docstring).

    Returns:
        A new frame with formula-looking strings prefixed by ``'``.
    """
    out = frame.copy()
    out.columns = [
        "'" + str(c) if needs_quote(str(c), keep_phones=keep_phones) else str(c)
        for c in frame.columns
    ]
    for position in range(out.shape[1]):
        out.isetitem(position, _neutralise_series(out.iloc[:, position], keep_phones))
    return out


def safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV bytes (UTF-8 with BOM, every field quoted), formulas neutralised.

    Args:
        frame: the table to export; its index is not written.

    Returns:
        The file's bytes, ready for ``st.download_button`` or a file.
    """
    safe = neutralise_formulas(frame, keep_phones=False)
    text = safe.to_csv(index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _restore_series(series: pd.Series) -> pd.Series:
    """Undo ``_neutralise_series`` (CSV rule) on one column of strings read back from our CSV.

    A value was quoted exactly when, without its leading quotes, it looks like
    a formula and is not a negative number; such a value is read back with
    one quote fewer. Nothing else changes.
    """
    unquoted = series.str.lstrip("'")
    quoted = series.str.startswith("'") & unquoted.str.match(_FORMULA_LEAD_RE)
    quoted &= ~unquoted.str.match(_NEGATIVE_NUMBER_RE)
    if not quoted.any():
        return series
    return series.where(~quoted, series.str.slice(1))


def read_safe_csv(source, **read_options) -> pd.DataFrame:
    """Read back a CSV written by ``safe_csv_bytes``, every cell as typed before export.

    Overlap's own files (a match table, a decisions file) go out with
    formula-looking cells prefixed by ``'``; reading them in again takes off
    exactly that quote and nothing else, so any text survives the round trip.

    Args:
        source: a path or a file-like object (an upload).
        read_options: passed on to ``pandas.read_csv`` (e.g. ``skip_blank_lines``).

    Returns:
        A frame of strings, "" for empty cells.
    """
    frame = pd.read_csv(
        source, dtype=str, keep_default_na=False, encoding="utf-8-sig", **read_options
    )
    frame.columns = _restore_series(pd.Series([str(c) for c in frame.columns], dtype=str)).tolist()
    for position in range(frame.shape[1]):
        frame.isetitem(position, _restore_series(frame.iloc[:, position].astype(str)))
    return frame


def _sheet_title(name: str) -> str:
    """An Excel-legal sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    cleaned = _SHEET_NAME_BAD.sub(" ", name).strip().strip("'") or "Sheet1"
    return cleaned[:31]


def _cell_writer(worksheet, column: pd.Series, col: int, header_rows: int) -> None:
    """Write one column: numbers as numbers, everything else as text cells."""
    is_number = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    values = column.tolist()
    if is_number:
        for i, value in enumerate(values):
            if value is None or (isinstance(value, float) and not np.isfinite(value)):
                continue
            worksheet.write_number(header_rows + i, col, value)
        return
    for i, value in enumerate(values):
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            continue
        text = value if isinstance(value, str) else str(value)
        if text:
            worksheet.write_string(header_rows + i, col, text)


def safe_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "Overlap") -> bytes:
    """The frame as an XLSX workbook (one sheet) with no formula cells.

    Args:
        frame: the table to export; its index is not written.
        sheet_name: the sheet's title (made Excel-legal).

    Returns:
        The workbook's bytes.

    Raises:
        OverlapError: the table has more rows than a worksheet holds.
    """
    if len(frame) + 1 > XLSX_MAX_ROWS:
        raise OverlapError(
            f"The table has {len(frame):,} rows, more than a spreadsheet sheet holds; "
            "export it as CSV instead."
        )
    safe = neutralise_formulas(frame, keep_phones=True)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, **XLSX_OPTIONS})
    worksheet = workbook.add_worksheet(_sheet_title(sheet_name))
    bold = workbook.add_format({"bold": True})
    for col, name in enumerate(safe.columns):
        worksheet.write_string(0, col, str(name), bold)
        _cell_writer(worksheet, safe.iloc[:, col], col, header_rows=1)
        widest = max([len(str(name))] + [len(str(v)) for v in safe.iloc[:200, col].tolist()])
        worksheet.set_column(col, col, min(max(widest + 2, 8), 60))
    if len(safe.columns):
        worksheet.freeze_panes(1, 0)
        worksheet.autofilter(0, 0, max(len(safe), 1), len(safe.columns) - 1)
    workbook.close()
    return buffer.getvalue()


def write_table(frame: pd.DataFrame, path: str | Path, sheet_name: str = "Overlap") -> Path:
    """Write ``frame`` to ``path`` as CSV or XLSX, chosen by the file's extension.

    Args:
        frame: the table to export.
        path: a ``.csv`` or ``.xlsx`` file name.
        sheet_name: the sheet's title for XLSX.

    Returns:
        The path written.

    Raises:
        OverlapError: the extension is neither ``.csv`` nor ``.xlsx``.

    Example:
        ```py
        from overlap import write_table

        write_table(table, "to-contact.xlsx", sheet_name="Outreach list")
        ```
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".csv":
        data = safe_csv_bytes(frame)
    elif suffix == ".xlsx":
        data = safe_xlsx_bytes(frame, sheet_name=sheet_name)
    else:
        raise OverlapError(
            f"Cannot export to {target.name}: the file name must end in .csv or .xlsx."
        )
    target.write_bytes(data)
    return target
