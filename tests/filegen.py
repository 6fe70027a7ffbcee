"""Write real roster files of every format the tests need.

Tests must read files as users' systems write them, so these helpers produce
real bytes with the real writers (csv, xlsxwriter, openpyxl, xlwt, odf,
msoffcrypto) instead of hand-made frames. Every person here is made up.

Import from any test in ``tests/`` with ``import filegen``.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import zipfile
from pathlib import Path

HEADER = ["First Name", "Last Name", "DOB", "ZIP", "Phone", "Email"]

PEOPLE = [
    ["María", "Núñez", "1984-02-29", "02139", "(617) 555-0101", "maria.nunez@example.org"],
    ["José", "Peña", "1979-11-05", "60623", "312-555-0102", "jpena@example.org"],
    ["Zoë", "O'Brien", "1990-07-14", "60608", "3125550103", "zoe.obrien@example.net"],
    ["Chloé", "Lefèvre", "2001-01-01", "02139", "617.555.0104", "chloe@example.com"],
]


def people_rows(n: int = 4) -> list[list[str]]:
    """``n`` made-up people (cycling through a small fixed list, with numbered names)."""
    rows = []
    for i in range(n):
        first, last, dob, zip_code, phone, email = PEOPLE[i % len(PEOPLE)]
        suffix = "" if i < len(PEOPLE) else str(i)
        rows.append([first + suffix, last, dob, zip_code, phone, email])
    return rows


# ---------------------------------------------------------------------------
# Text files


def text_bytes(
    rows: list[list[str]],
    delimiter: str = ",",
    encoding: str = "utf-8",
    line_ending: str = "\n",
    bom: bool = False,
) -> bytes:
    """Rows as delimited text, quoted where needed, exactly as a spreadsheet exports them."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_ending)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    if bom and encoding in ("utf-8", "utf8"):
        data = b"\xef\xbb\xbf" + data
    return data


def write_text(path: Path, rows: list[list[str]], **options) -> Path:
    path.write_bytes(text_bytes(rows, **options))
    return path


def excel_unicode_text(path: Path, rows: list[list[str]]) -> Path:
    """Excel's "Unicode Text (*.txt)": UTF-16 LE with a byte-order mark, tabs, CRLF."""
    body = "\r\n".join("\t".join(row) for row in rows) + "\r\n"
    path.write_bytes(b"\xff\xfe" + body.encode("utf-16-le"))
    return path


def million_row_csv(path: Path, n_rows: int = 1_000_000, n_columns: int = 10) -> Path:
    """A large regular CSV written in well under a second (a block of rows repeated)."""
    header = ",".join(f"col{i}" for i in range(n_columns)) + "\n"
    block_rows = 1000
    block = "".join(
        ",".join(f"v{r}x{c}" for c in range(n_columns)) + "\n" for r in range(block_rows)
    ).encode()
    full, rest = divmod(n_rows, block_rows)
    with path.open("wb") as out:
        out.write(header.encode())
        out.write(block * full)
        out.write(b"".join(block.splitlines(keepends=True)[:rest]))
    return path


# ---------------------------------------------------------------------------
# Workbooks


def write_xlsx(path: Path, sheets: dict[str, list[list]], hidden_rows=(), merged=()) -> Path:
    """An .xlsx via xlsxwriter; dates become real date cells, numbers real numbers.

    Args:
        sheets: sheet name -> rows of str / int / float / date / datetime values.
        hidden_rows: (sheet, 0-based row) pairs hidden in Excel.
        merged: (sheet, first_row, first_col, last_row, last_col, value) areas.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "mm/dd/yyyy"})
    datetime_format = workbook.add_format({"num_format": "mm/dd/yyyy hh:mm"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                _write_xlsx_cell(sheet, r, c, value, date_format, datetime_format)
        for hidden_sheet, row in hidden_rows:
            if hidden_sheet == name:
                sheet.set_row(row, None, None, {"hidden": True})
        for merged_sheet, r0, c0, r1, c1, value in merged:
            if merged_sheet == name:
                sheet.merge_range(r0, c0, r1, c1, value)
    workbook.close()
    return path


def _write_xlsx_cell(sheet, r, c, value, date_format, datetime_format) -> None:
    if isinstance(value, dt.datetime):
        sheet.write_datetime(r, c, value, datetime_format)
    elif isinstance(value, dt.date):
        sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
    elif isinstance(value, Formula):
        sheet.write_formula(r, c, value.text, None, value.cached)
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, str):
        sheet.write_string(r, c, value)
    elif value is None:
        pass
    else:
        sheet.write_number(r, c, value)


class Formula:
    """A formula cell; ``cached`` is the result Excel would have saved with it."""

    def __init__(self, text: str, cached=None):
        self.text, self.cached = text, cached


def write_xlsx_openpyxl(path: Path, rows: list[list]) -> Path:
    """An .xlsx via openpyxl, which saves formulas without a result (no calculation engine)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append([v.text if isinstance(v, Formula) else v for v in row])
    workbook.save(path)
    return path


def write_xls(path: Path, sheets: dict[str, list[list]], merged=()) -> Path:
    """A real Excel 97-2003 .xls via xlwt, with date cells formatted as dates.

    Args:
        merged: (sheet, first_row, first_col, last_row, last_col, value) areas.
    """
    import xlwt

    workbook = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="MM/DD/YYYY")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                elif value is not None:
                    sheet.write(r, c, value)
        for merged_sheet, r0, c0, r1, c1, value in merged:
            if merged_sheet == name:
                sheet.write_merge(r0, r1, c0, c1, value)
    workbook.save(str(path))
    return path


def write_ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An OpenDocument spreadsheet via pandas' odf writer (odfpy): typed cells."""
    import pandas as pd

    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            frame = pd.DataFrame(rows[1:], columns=rows[0]) if rows else pd.DataFrame()
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


def encrypt_xlsx(source: Path, target: Path, password: str = "secret") -> Path:
    """A password-protected copy, encrypted as Excel does (ECMA-376 agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as plain, target.open("wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return target


# ---------------------------------------------------------------------------
# Things that are not rosters


def pdf_bytes() -> bytes:
    """A minimal but well-formed one-page PDF."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    """A 1x1 PNG image."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    """The skeleton of a Word document (what a renamed .docx looks like inside)."""
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def binary_junk(n: int = 4096, seed: int = 7) -> bytes:
    """Random bytes, fixed seed: what a corrupted download looks like."""
    import random

    return random.Random(seed).randbytes(n)
