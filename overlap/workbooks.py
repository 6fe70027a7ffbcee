"""Workbooks (XLSX, XLS, ODS) read into a roster, through calamine (and xlrd for .xls).

The sheet read is the one asked for, or the first holding a roster (a table
with a column of names): a cover sheet before the data is passed over, and
a note says so. Typed cells become the text a person sees (dates ISO, 60623.0
as "60623"); merged areas from the header down are filled in; hidden rows
and formulas without a saved result are noted. ``overlap.ingest.read_roster``
is the entry point; this module is its workbook half.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

import pandas as pd

from overlap.errors import RosterError
from overlap.ingest import (
    SAMPLE_LINES,
    IngestLimits,
    Roster,
    _blank_rows_fast,
    _column_names,
    _find_header,
    _finish,
    _password_error,
)


def read_workbook(
    data: bytes, file_name: str, fmt: str, sheet: str | None, limits: IngestLimits
) -> Roster:
    load = _load_xls_sheet if fmt == "xls" else _load_sheet
    try:
        name, sheets, rows, start, merged, pick_note = load(data, file_name, sheet, limits)
    except (RosterError, KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine also panics (a BaseException)
        if "password" in str(exc).lower() or type(exc).__name__ == "PasswordError":
            raise _password_error(file_name) from None
        raise RosterError(
            f"{file_name} looks like a spreadsheet but could not be read (it may be damaged)."
        ) from None
    label = f" (sheet '{name}')"
    widths = [_trimmed_width_cells(r) for r in rows[:SAMPLE_LINES]]
    header_index = _find_header(widths)  # before filling merged cells: a merged title is narrow
    fill_note = _fill_merged(rows, merged, header_index)
    notes = [note for note in (pick_note, fill_note) if note]
    if fmt == "xlsx":
        notes.extend(_xlsx_sheet_notes(data, sheets.index(name)))
    header = [_cell_text(v) for v in rows[header_index]]
    body = rows[header_index + 1 :]
    while body and not any(_cell_text(v).strip() for v in body[-1]):
        body.pop()  # the used range often ends in formatted but empty rows
    if len(body) > limits.max_rows:
        raise RosterError(
            f"{file_name} has {len(body):,} rows, over the limit of {limits.max_rows:,} rows."
        )
    header_row = start + header_index + 1
    if header_index:
        notes.append(f"Rows above the header (1 to {header_row - 1}) were skipped as titles.")
    frame = _cells_frame(body, len(header))
    blank = _blank_rows_fast(frame, header_row + 1)
    for i, (index, _) in enumerate(blank):
        blank[i] = (index, header_row + 1 + index)  # sheet rows never span lines
    roster = _finish(frame, header, [], blank, notes, file_name, limits, "row", label)
    roster.format = fmt
    roster.sheet = name
    roster.sheets = sheets
    roster.header_row = header_row
    return roster


def _load_sheet(data: bytes, file_name: str, wanted: str | None, limits: IngestLimits):
    """XLSX and ODS through calamine: sheet name, all sheets, rows, first row, merged areas."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = list(workbook.sheet_names)
    found = {}
    unreadable: list[str] = []

    def read(name: str):
        try:
            ws = workbook.get_sheet_by_name(name)
        except Exception:  # noqa: BLE001 - chart sheets and the like cannot be read
            unreadable.append(name)
            return None
        _check_sheet_height(ws.height, file_name, limits)
        found[name] = ws
        return ws.to_python(skip_empty_area=True)

    name, rows, note = _pick_sheet(sheets, wanted, file_name, read, unreadable)
    ws = found[name]
    start_row, start_col = ws.start if ws.start else (0, 0)
    try:
        merged = [
            ((r0 - start_row, c0 - start_col), (r1 - start_row, c1 - start_col))
            for (r0, c0), (r1, c1) in ws.merged_cell_ranges or []
        ]
    except Exception:  # noqa: BLE001 - not every format reports merged cells
        merged = []
    return name, sheets, rows, start_row, merged, note


def _load_xls_sheet(data: bytes, file_name: str, wanted: str | None, limits: IngestLimits):
    """Excel 97-2003 through xlrd, which fails with an exception on a damaged file
    where calamine's reader aborts with a panic message on stderr."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=_NullLog())
    except NotImplementedError:
        book = xlrd.open_workbook(file_contents=data, logfile=_NullLog())
    sheets = book.sheet_names()

    def read(name: str):
        sheet = book.sheet_by_name(name)
        _check_sheet_height(sheet.nrows, file_name, limits)
        return [_xls_row(sheet, r, book.datemode) for r in range(sheet.nrows)]

    name, rows, note = _pick_sheet(sheets, wanted, file_name, read)
    merged = [
        ((r0, c0), (r1 - 1, c1 - 1)) for r0, r1, c0, c1 in book.sheet_by_name(name).merged_cells
    ]
    top = next(i for i, row in enumerate(rows) if _trimmed_width_cells(row))
    left = min(_leading_empty(row) for row in rows if _trimmed_width_cells(row))
    rows = [row[left:] for row in rows[top:]]
    merged = [((r0 - top, c0 - left), (r1 - top, c1 - left)) for (r0, c0), (r1, c1) in merged]
    return name, sheets, rows, top, merged, note


class _NullLog:
    """xlrd writes warnings about odd records to a log; they may quote cells, so drop them."""

    def write(self, _text: str) -> None:
        pass


def _xls_row(sheet, r: int, datemode: int) -> list:
    """One xlrd row as typed values, dates as datetimes (like calamine gives)."""
    import xlrd

    row = []
    for kind, value in zip(sheet.row_types(r), sheet.row_values(r), strict=True):
        if kind == xlrd.XL_CELL_DATE:
            try:
                value = xlrd.xldate.xldate_as_datetime(value, datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                pass  # an impossible date stays the number it is
        elif kind == xlrd.XL_CELL_BOOLEAN:
            value = bool(value)
        elif kind == xlrd.XL_CELL_ERROR:
            value = xlrd.error_text_from_code.get(value, "")
        row.append(value)
    return row


def _leading_empty(row: list) -> int:
    return next((i for i, v in enumerate(row) if _cell_text(v).strip()), len(row))


def _check_sheet_height(height: int, file_name: str, limits: IngestLimits) -> None:
    if height > limits.max_rows + 1_000:
        raise RosterError(
            f"{file_name} has {height:,} rows, over the limit of {limits.max_rows:,} rows."
        )


def _pick_sheet(
    sheets: list[str], wanted: str | None, file_name: str, read, unreadable: list[str] = ()
) -> tuple[str, list, str | None]:
    """The requested sheet, or the first one holding a roster: (name, rows, note).

    A roster is a table with a column of names; a cover sheet or a sheet of
    notes before it is passed over, and the note says so. With no roster in
    any sheet, the first sheet holding any value is read (and matching will
    say it has no names). ``read(name)`` gives a sheet's rows, or None for a
    sheet that holds no cells (a chart) or that the reader could not parse
    (then its name is in ``unreadable``): a workbook whose only sheets failed
    to parse is damaged, not empty, and is told so.
    """
    if wanted is not None and wanted not in sheets:
        listed = ", ".join(f"'{s}'" for s in sheets)
        raise RosterError(f"{file_name} has no sheet named '{wanted}'; its sheets are {listed}.")
    first = None
    for name in [wanted] if wanted is not None else sheets:
        rows = read(name)
        if rows and any(_cell_text(v).strip() for row in rows for v in row):
            if wanted is not None or _holds_roster(rows):
                note = None
                if first is not None:
                    note = (
                        f"The sheet '{first[0]}' holds no roster (no column of names), "
                        f"so the sheet '{name}' was read."
                    )
                return name, rows, note
            first = first or (name, rows)
        elif wanted is not None:
            raise RosterError(f"Sheet '{name}' of {file_name} is empty.")
    if first is not None:
        return first[0], first[1], None
    if unreadable:
        raise RosterError(
            f"{file_name} looks like a spreadsheet but could not be read (it may be damaged)."
        )
    raise RosterError(f"{file_name} has no sheet with any data.")


def _holds_roster(rows: list[list]) -> bool:
    """Whether a sheet's table has a column of names (as the column mapping would find it)."""
    from overlap.mapping import guess_mapping, missing_required

    widths = [_trimmed_width_cells(r) for r in rows[:SAMPLE_LINES]]
    header_index = _find_header(widths)
    header = [_cell_text(v).strip() for v in rows[header_index]]
    body = rows[header_index + 1 : header_index + 1 + SAMPLE_LINES]
    if sum(1 for h in header if h) < 2 or not body:
        return False
    frame = _cells_frame([list(r) for r in body], len(header))
    names, _ = _column_names(
        header + [""] * (frame.shape[1] - len(header)), list(range(frame.shape[1]))
    )
    frame.columns = names
    return not missing_required(guess_mapping(frame).mapping)


def _fill_merged(rows: list[list], merged: list, header_index: int) -> str | None:
    """Give every cell of a merged area from the header down the value shown in it.

    A household name merged over its members' rows then reaches every member.
    Merged titles above the header are left alone. Returns a note, or None.
    """
    filled = 0
    for (r0, c0), (r1, c1) in merged:
        if not (header_index <= r0 < len(rows) and 0 <= c0 < len(rows[r0])):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                rows[r][c] = value
        filled += 1
    if not filled:
        return None
    return f"{filled} merged cell area(s) were filled in with the value shown in them."


def _trimmed_width_cells(row: list) -> int:
    for i in range(len(row) - 1, -1, -1):
        if _cell_text(row[i]).strip():
            return i + 1
    return 0


def _cells_frame(rows: list[list], header_width: int) -> pd.DataFrame:
    """Rows of typed cells as a frame of strings, one column at a time."""
    width = max([header_width] + [len(r) for r in rows[:1]])
    names = [f"c{i}" for i in range(width)]
    columns = {name: [] for name in names}
    if rows:
        for i, column in enumerate(zip(*[r + [""] * (width - len(r)) for r in rows], strict=True)):
            columns[names[i]] = [v if type(v) is str else _cell_text(v) for v in column]
    return pd.DataFrame({n: pd.Series(v, dtype="str") for n, v in columns.items()})


def _cell_text(value) -> str:
    """A typed cell as the text a person sees: dates ISO, 60623.0 as '60623'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_sheet_notes(data: bytes, index: int) -> list[str]:
    """Hidden rows and formulas without a saved result, read from the sheet's XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(_xlsx_sheet_path(archive, index))
    except Exception:  # noqa: BLE001 - notes are a courtesy, never a reason to fail
        return []
    notes = []
    hidden = len(re.findall(rb'<row\b[^>]*\bhidden="(?:1|true)"', xml))
    if hidden:
        notes.append(f"{hidden} hidden row(s) in the sheet were read like any other row.")
    unsaved = len(
        re.findall(
            rb"<c\b[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>", xml
        )
    )
    if unsaved:
        notes.append(
            f"{unsaved} formula cell(s) have no saved result and read as empty; "
            "open the file in Excel and save it to store the results."
        )
    return notes


def _xlsx_sheet_path(archive: zipfile.ZipFile, index: int) -> str:
    """The XML part of the ``index``-th sheet, following the workbook's relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    ids = re.findall(r"<(?:\w+:)?sheet\b[^>]*\br:id=\"([^\"]+)\"", workbook)
    targets = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r"<Relationship\b[^>]*\bId=\"([^\"]+)\"[^>]*\bTarget=\"([^\"]+)\"", rels
        )
    }
    for m in re.finditer(r"<Relationship\b[^>]*\bTarget=\"([^\"]+)\"[^>]*\bId=\"([^\"]+)\"", rels):
        targets.setdefault(m.group(2), m.group(1))
    target = targets[ids[index]]
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
