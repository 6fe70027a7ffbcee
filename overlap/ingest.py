"""Read a roster file (CSV, TSV, semicolon, pipe, XLSX, XLS, ODS) into a frame of strings.

Rosters come from dozens of systems, so nothing about a file is trusted: the
format is decided by its content (not its extension), the encoding and the
delimiter are detected, title lines above the header are skipped, and every
cell stays the text the file holds (ZIP 02139 stays "02139"). Rows with the
wrong number of fields are kept and reported, never dropped; files that are
not rosters at all are refused with one sentence that names the file.

Messages and notes never quote a cell: cells hold personal data.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from overlap.errors import RosterError
from overlap.repair import (
    SAMPLE_ROWS,
    UNSPLIT_COLUMN,
    RowFitter,
    count_non_utf8,
    decode_utf8_with_cp1252,
    may_hold_garbled_text,
    repair_garbled_cells,
)

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ROWS = 2_000_000

TEXT_FORMATS = {",": "csv", "\t": "tsv", ";": "semicolon", "|": "pipe"}
ROSTER_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".xlsx", ".xlsm", ".xls", ".ods"}

SAMPLE_LINES = 200
SAMPLE_CHARS = 2 * 1024 * 1024
LISTED_LINES = 10  # line numbers listed in a note before "and N more"

csv.field_size_limit(2**31 - 1)  # a 1 MB cell is a legitimate (if odd) cell


@dataclass(frozen=True)
class IngestLimits:
    """What a single roster may cost: refuse beyond this rather than exhaust memory."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = DEFAULT_MAX_ROWS


@dataclass
class RowProblem:
    """A data row that was kept but is not what the header promised."""

    row: int  # 1-based data row (header not counted)
    line: int | None  # physical line / sheet row in the file, where known
    reason: str  # plain words, never a cell's content


@dataclass
class Roster:
    """One file read into strings, with what was detected on the way."""

    name: str
    frame: pd.DataFrame
    format: str
    encoding: str | None
    delimiter: str | None
    header_row: int
    sheet: str | None
    sheets: list[str]
    problems: list[RowProblem]
    notes: list[str] = field(default_factory=list)  # things done to the file that lose nothing
    file_name: str = ""  # the file's own name, for messages


# ---------------------------------------------------------------------------
# Entry point


def read_roster(
    source: str | Path | bytes,
    name: str | None = None,
    sheet: str | None = None,
    limits: IngestLimits | None = None,
) -> Roster:
    """Read one roster file into a frame in which every cell is a string.

    Args:
        source: a path, or the file's bytes (an upload; never written to disk).
        name: for bytes, the uploaded file's name (its extension is only a hint);
            for a path, the programme name to use instead of the file stem.
        sheet: the workbook sheet to read; default the first one with data.
        limits: size and row limits; defaults to ``IngestLimits()``.

    Returns:
        A ``Roster``: the frame (row ``i`` is data row ``i + 1``), what was
        detected, the rows with problems and notes on what was tidied.

    Raises:
        RosterError: the file cannot be read as a roster; the message is one
        sentence naming the file.

    Example:
        ```py
        from overlap import read_roster

        roster = read_roster("data/samples/employer_new_hires.csv", name="Employer")
        summary = (roster.format, roster.encoding, len(roster.frame))  # never a cell
        reasons = [(problem.row, problem.reason) for problem in roster.problems]
        ```
    """
    limits = limits or IngestLimits()
    data, file_name = _load_bytes(source, name, limits)
    programme = _programme_name(source, name, file_name)
    if not _NOT_BLANK_BYTE.search(data) or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE):
        raise RosterError(f"{file_name} is empty.")
    container = _sniff_container(data, file_name)
    if container == "text":
        roster = _read_text(data, file_name, limits)
    else:
        from overlap.workbooks import read_workbook  # it builds on this module's helpers

        roster = read_workbook(data, file_name, container, sheet, limits)
    if container != "text" or may_hold_garbled_text(data):
        roster.frame, garbled_notes = repair_garbled_cells(roster.frame)
        roster.notes.extend(garbled_notes)
    roster.name = programme
    roster.file_name = file_name
    return roster


_NOT_BLANK_BYTE = re.compile(rb"[^ \t\r\n\x00]")  # searched, not stripped: no copy of the file


def _load_bytes(source: str | Path | bytes, name: str | None, limits: IngestLimits):
    """The file's bytes and the name to use in messages, size limit checked first."""
    if isinstance(source, bytes | bytearray | memoryview):
        file_name = Path(name).name if name else "the uploaded file"
        data = bytes(source)
        _check_size(len(data), file_name, limits)
        return data, file_name
    path = Path(source)
    file_name = path.name
    if not path.exists():
        raise RosterError(f"{file_name} was not found.")
    if path.is_dir():
        raise RosterError(f"{file_name} is a folder, not a roster file.")
    _check_size(path.stat().st_size, file_name, limits)
    try:
        return path.read_bytes(), file_name
    except OSError as exc:
        raise RosterError(f"{file_name} could not be opened ({exc.strerror}).") from None


def _check_size(size: int, file_name: str, limits: IngestLimits) -> None:
    if size > limits.max_bytes:
        raise RosterError(
            f"{file_name} is {_megabytes(size)}, over the limit of {_megabytes(limits.max_bytes)}."
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"


def _programme_name(source, name: str | None, file_name: str) -> str:
    """A path's stem unless a name is given; for bytes, the stem of the upload's name."""
    if name is None:
        return Path(file_name).stem
    if isinstance(source, bytes | bytearray | memoryview) or Path(name).suffix.lower() in (
        ROSTER_SUFFIXES
    ):
        return Path(name).stem
    return name


# ---------------------------------------------------------------------------
# What kind of file is it?

_MAGIC = [
    (b"%PDF", "is a PDF document, not a roster; export the roster as CSV or Excel instead"),
    (b"\x89PNG", "is an image, not a roster"),
    (b"\xff\xd8\xff", "is an image, not a roster"),
    (b"GIF8", "is an image, not a roster"),
    (b"BM", None),  # too short a signature to trust alone
    (b"\x1f\x8b", "is a compressed (gzip) file, not a roster; unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "is a compressed (7-Zip) file, not a roster; unpack it first"),
    (b"Rar!", "is a compressed (RAR) file, not a roster; unpack it first"),
    (b"SQLite format 3", "is a database file, not a roster; export the table as CSV first"),
    (b"{\\rtf", "is a Word (RTF) document, not a roster; export the roster as CSV or Excel"),
]


def _sniff_container(data: bytes, file_name: str) -> str:
    """'text', 'xlsx', 'ods' or 'xls' by the file's first bytes; refuse the rest."""
    for magic, reason in _MAGIC:
        if reason and data.startswith(magic):
            raise RosterError(f"{file_name} {reason}.")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, file_name)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _sniff_ole(data, file_name)
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table")):
        raise RosterError(
            f"{file_name} is a web page (HTML), not a spreadsheet; "
            "open it in Excel and save it as .xlsx or CSV."
        )
    return "text"


def _sniff_zip(data: bytes, file_name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except Exception:  # noqa: BLE001 - a damaged archive fails in many ways (EOFError, zlib...)
        raise RosterError(
            f"{file_name} is a damaged ZIP or Excel file and cannot be read."
        ) from None
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    if "word/document.xml" in names or mimetype.startswith(
        b"application/vnd.oasis.opendocument.text"
    ):
        raise RosterError(
            f"{file_name} is a text document, not a spreadsheet; export the roster as CSV or Excel."
        )
    raise RosterError(
        f"{file_name} is a ZIP archive, not a spreadsheet; unzip it and upload the roster inside."
    )


def _sniff_ole(data: bytes, file_name: str) -> str:
    """Old-style Office container: an .xls, or an encrypted workbook, or not a spreadsheet."""
    import msoffcrypto
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = {"/".join(entry) for entry in ole.listdir()}
        ole.close()
    except Exception:  # noqa: BLE001 - any parser failure means "damaged"
        raise RosterError(f"{file_name} is a damaged Office file and cannot be read.") from None
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        raise _password_error(file_name)
    if "Workbook" not in streams and "Book" not in streams:
        raise RosterError(
            f"{file_name} is an Office file but not a spreadsheet; "
            "export the roster as CSV or Excel."
        )
    try:
        encrypted = msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted()
    except Exception:  # noqa: BLE001 - msoffcrypto cannot parse every old file; calamine decides
        encrypted = False
    if encrypted:
        raise _password_error(file_name)
    return "xls"


def _password_error(file_name: str) -> RosterError:
    return RosterError(
        f"{file_name} is protected with a password; open it in Excel, remove the password "
        "and save it again."
    )


# ---------------------------------------------------------------------------
# Text files


def _read_text(data: bytes, file_name: str, limits: IngestLimits) -> Roster:
    text, encoding, notes = _decode(data, file_name)
    # the file's own bytes are the text's UTF-8 when it decoded cleanly as UTF-8
    exact_bytes = encoding == "utf-8" and not notes
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        exact_bytes = False
    # The text ends at ``stop`` (trailing newlines dropped). A file is large, so
    # the body is an offset into it rather than a copy.
    stop = len(text)
    while stop and text[stop - 1] == "\n":
        stop -= 1
    if not _NOT_SPACE.search(text, 0, stop):
        raise RosterError(f"{file_name} is empty.")
    sample = _sample(text, stop)
    delimiter = _choose_delimiter(sample, file_name)
    records = list(_records(sample, delimiter))
    header_index = _find_header([_trimmed_width(rec) for _, rec in records])
    header_line, header = records[header_index]
    body_line = header_line + _record_lines(header)
    body = _Body(text, _line_offset(text, body_line, stop), stop, data if exact_bytes else None)
    if not re.compile(f"[^ \t\n{re.escape(delimiter)}]").search(text, body.start, stop):
        raise RosterError(f"{file_name} has a header row but no data rows.")
    if header_line > 1:
        notes.append(f"Lines above the header (1 to {header_line - 1}) were skipped as titles.")
    width = _data_width(header, records[header_index + 1 :])
    columns = [str(h) for h in header[:width]] + [""] * (width - len(header))
    fitter = _LazyFitter(columns, delimiter)
    frame, problems, blank_lines = _parse_body(body, body_line, delimiter, len(header), fitter)
    if quote_note := _unclosed_quote_note(problems):
        notes.append(quote_note)
    if fitter.unsplit:
        header = columns + [_unique(UNSPLIT_COLUMN, {c.casefold() for c in columns})]
        unsplit = np.full(len(frame), "", dtype=object)
        unsplit[list(fitter.unsplit)] = list(fitter.unsplit.values())
        frame[f"c{width}"] = pd.Series(unsplit, index=frame.index, dtype="str")
    roster = _finish(
        frame,
        header,
        problems,
        blank_lines,
        notes,
        file_name,
        limits,
        where="line",
    )
    roster.format = TEXT_FORMATS[delimiter]
    roster.encoding = encoding
    roster.delimiter = delimiter
    roster.header_row = header_line
    return roster


def _decode(data: bytes, file_name: str) -> tuple[str, str, list[str]]:
    """Text and encoding name: byte-order mark first, then UTF-8, then the Windows code pages."""
    for bom, encoding, label in (
        (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
    ):
        if data.startswith(bom) and encoding == "utf-8-sig":
            text, notes = decode_utf8_with_cp1252(data[len(bom) :])
            _refuse_binary_text(text, file_name)
            return text, label, notes
        if data.startswith(bom):
            return _decode_as(data, encoding, label, file_name)
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data[:4096])
        if utf16 is None:
            raise _binary_error(file_name)
        return _decode_as(data, utf16, utf16, file_name)
    notes: list[str] = []
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding, notes = _decode_mostly_utf8(data) or (*_decode_legacy(data), [])
    _refuse_binary_text(text, file_name)
    return text, encoding, notes


def _decode_mostly_utf8(data: bytes) -> tuple[str, str, list[str]] | None:
    """UTF-8 with a few bytes of Windows-1252 pasted in stays UTF-8, those bytes repaired.

    None when nearly every byte above 127 is not UTF-8: then the file is Windows-1252.
    """
    damaged = count_non_utf8(data)
    high_bytes = len(data) - len(data.translate(None, bytes(range(128, 256))))
    well_formed = (high_bytes - damaged) / 2  # accented letters take two bytes or more
    if damaged * 5 > well_formed:  # Windows-1252 text: nearly every high byte is "damaged"
        return None
    text, notes = decode_utf8_with_cp1252(data)
    return text, "utf-8", notes


def _decode_as(data: bytes, encoding: str, label: str, file_name: str):
    notes = []
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
        notes.append(f"Some characters are not valid {label} and were replaced by '\ufffd'.")
    text = text.removeprefix("\ufeff")
    _refuse_binary_text(text, file_name)
    return text, label, notes


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text has a zero byte in (almost) every other position; junk does not."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Not UTF-8: almost always Windows-1252 (Excel's 'CSV' on US Windows), else Latin-1."""
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("latin-1"), "latin-1"


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # FileMaker puts \x0b in cells


def _refuse_binary_text(text: str, file_name: str) -> None:
    """Text files hold almost no control characters; binary junk is full of them."""
    head = text[:65536]
    if "\x00" in head or len(_CONTROL.findall(head)) > max(2, len(head) // 200):
        raise _binary_error(file_name)


def _binary_error(file_name: str) -> RosterError:
    return RosterError(
        f"{file_name} is not a text or spreadsheet file (it holds binary data); "
        "export the roster as CSV or Excel."
    )


_NOT_SPACE = re.compile(r"\S")  # what str.strip keeps


def _sample(text: str, stop: int | None = None) -> str:
    """The first lines of ``text[:stop]``, enough to decide delimiter and header."""
    stop = len(text) if stop is None else stop
    end = 0
    for _ in range(SAMPLE_LINES):
        nxt = text.find("\n", end, stop)
        if nxt < 0:
            return text[:stop]
        if nxt > SAMPLE_CHARS:
            return text[: end or SAMPLE_CHARS]
        end = nxt + 1
    return text[:end]


def _records(text: str, delimiter: str, quoting: int = csv.QUOTE_MINIMAL):
    """(first line number, fields) for each record; quoted newlines stay in their field."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def _choose_delimiter(sample: str, file_name: str) -> str:
    """The delimiter that splits the sample into the most consistent number of fields."""
    preferred = "\t" if file_name.lower().endswith((".tsv", ".tab")) else ","
    best, best_score = preferred, None
    for delimiter in TEXT_FORMATS:
        widths = [len(rec) for _, rec in _records(sample, delimiter) if _trimmed_width(rec)]
        if not widths:
            continue
        width = _typical_width(widths)
        consistency = round(widths.count(width) / len(widths), 1)
        score = (width > 1, consistency, width, delimiter == preferred)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


def _typical_width(widths: list[int]) -> int:
    """The most common row width above one field (titles have one), larger on ties."""
    wide = Counter(w for w in widths if w > 1)
    if not wide:
        return 1 if widths else 0
    return max(wide.items(), key=lambda item: (item[1], item[0]))[0]


def _trimmed_width(fields: list[str]) -> int:
    """Number of fields up to the last non-blank one."""
    for i in range(len(fields) - 1, -1, -1):
        if fields[i].strip():
            return i + 1
    return 0


def _data_width(header: list[str], records: list) -> int:
    """Columns to read: the header's, or more when most data rows are wider.

    Some exporters write one more value than header names on every row; those
    values get a "Column N" name rather than a problem report on every row.
    """
    named = _trimmed_width(header)
    widths = [w for w in (_trimmed_width(rec) for _, rec in records) if w]
    wider = [w for w in widths if w > named]
    if widths and len(wider) > len(widths) / 2:
        return max(named, Counter(wider).most_common(1)[0][0])
    return max(named, 1)


def _find_header(widths: list[int]) -> int:
    """Index of the header: the first row about as wide as the data; titles are narrow."""
    filled = [w for w in widths if w]
    if not filled:
        return 0
    typical = _typical_width(filled)
    needed = max(2, math.ceil(typical / 2)) if typical >= 2 else 1
    return next(i for i, width in enumerate(widths) if width >= needed)


def _record_lines(fields: list[str]) -> int:
    """Physical lines a record takes (a quoted cell may hold newlines)."""
    return 1 + sum(f.count("\n") for f in fields)


def _text_from_line(text: str, line: int) -> str:
    """The text from 1-based physical line ``line`` on."""
    return text[_line_offset(text, line, len(text)) :]


def _line_offset(text: str, line: int, stop: int) -> int:
    """Where 1-based physical line ``line`` starts in ``text[:stop]`` (``stop`` if it has fewer)."""
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset, stop) + 1
        if offset == 0:
            return stop
    return offset


_SCAN_CHUNK = 1 << 24  # bytes looked at per numpy pass (bounds the temporary arrays)


@dataclass
class _Body:
    """The data rows: ``text[start:stop]``, and the file's bytes when they are exactly
    that text in UTF-8 (then pyarrow reads them in place, with no copy)."""

    text: str
    start: int
    stop: int
    utf8: bytes | None = None

    def __str__(self) -> str:
        return self.text[self.start : self.stop]

    def shape(self) -> tuple[bool, int]:
        """Whether a line is blank (the first, or two newlines in a row), and how
        many quote marks the body holds."""
        if self.utf8 is None:
            blank = self.text.find("\n\n", self.start, self.stop) >= 0
            blank = blank or self.text.startswith("\n", self.start, self.stop)
            return blank, self.text.count('"', self.start, self.stop)
        body = np.frombuffer(self.buffer(), dtype=np.uint8)  # numpy beats str.find here
        blank = bool(len(body)) and body[0] == ord("\n")
        quotes, step = 0, _SCAN_CHUNK
        for at in range(0, len(body), step):
            chunk = body[at : at + step + 1]  # one byte more: a pair across chunks
            newline = chunk == ord("\n")
            blank = blank or bool(np.any(newline[1:] & newline[:-1]))
            quotes += int(np.count_nonzero(chunk[:step] == ord('"')))
        return blank, quotes

    def buffer(self) -> pa.Buffer:
        """The body in UTF-8 for pyarrow."""
        if self.utf8 is None:
            return pa.py_buffer(str(self).encode("utf-8", errors="surrogatepass"))
        # the head is short; after ``stop`` come only newlines, one byte each
        head = len(self.text[: self.start].encode("utf-8"))
        tail = len(self.text) - self.stop
        return pa.py_buffer(self.utf8).slice(head, len(self.utf8) - tail - head)


class _LazyFitter:
    """The ``repair.RowFitter`` for a file, made at the first row that needs it.

    Keeps what each irregular row could not place (``unsplit``: frame row -> text).
    """

    def __init__(self, columns: list[str], delimiter: str):
        self.columns = columns
        self.delimiter = delimiter
        self.width = len(columns)
        self.unsplit: dict[int, str] = {}
        self._fitter: RowFitter | None = None

    def fit(self, fields: list[str], frame_row: int, sample) -> tuple[list[str], str | None]:
        """The row as one value per column and the reason, if anything was done."""
        if len(fields) == self.width:
            return fields, None
        if self._fitter is None:
            self._fitter = RowFitter(self.columns, self.delimiter, sample())
        fitted = self._fitter.fit(fields)
        if fitted.unsplit:
            self.unsplit[frame_row] = fitted.unsplit
        return fitted.fields, fitted.reason


def _parse_body(body: _Body, first_line: int, delimiter: str, header_fields: int, fitter):
    """Data rows as a frame of ``width`` string columns, plus problems and blank lines.

    Three paths, fastest first: pyarrow (multi-threaded) when every record has
    the header's number of fields; for text without quote marks, where every
    line is one record, fields are counted per line and only irregular lines
    are handled in Python; otherwise the csv module reads record by record.
    """
    width = fitter.width
    blank_lines, quotes = body.shape()
    if not blank_lines and quotes % 2 == 0:
        # without a quote mark in it the text is read with quoting off: the same, faster
        table = _arrow_table(body.buffer(), delimiter, max(header_fields, width), quotes > 0)
        if table is not None and _all_blank_after(table, width):
            frame = table.select(list(range(width))).to_pandas()
            return frame, [], _blank_rows_fast(frame, first_line)
    if not quotes:
        return _parse_unquoted(str(body), first_line, delimiter, fitter)
    return _parse_slow(str(body), first_line, delimiter, fitter)


def _arrow_table(
    body: str | pa.Buffer, delimiter: str, width: int, quoted: bool = True
) -> pa.Table | None:
    """The body parsed by pyarrow, or None if any record is irregular."""
    names = [f"c{i}" for i in range(width)]
    irregular = []

    def on_invalid(row) -> str:
        irregular.append(row)
        return "skip"

    if isinstance(body, str):
        body = pa.py_buffer(body.encode("utf-8", errors="surrogatepass"))
    try:
        table = pa_csv.read_csv(
            body,
            read_options=pa_csv.ReadOptions(column_names=names, block_size=16 << 20),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"' if quoted else False,
                newlines_in_values=quoted,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pa_csv.ConvertOptions(
                # large_string is what pandas' str columns hold: no copy to convert
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, UnicodeEncodeError):
        return None
    return None if irregular else table


def _all_blank_after(table: pa.Table, width: int) -> bool:
    """True if columns past ``width`` hold nothing (a trailing delimiter on every line)."""
    for column in table.columns[width:]:
        if not pc.all(pc.equal(pc.utf8_trim_whitespace(column), "")).as_py():
            return False
    return True


def _parse_unquoted(body: str, first_line: int, delimiter: str, fitter: _LazyFitter):
    """Text without quote marks: one record per line, irregular lines fixed one by one.

    Lines are records here, so a row's line number is known without parsing quotes.
    """
    width = fitter.width
    lines = body.split("\n")
    counts = np.fromiter((line.count(delimiter) for line in lines), np.int64, len(lines)) + 1
    is_regular = counts == width
    regular = np.flatnonzero(is_regular)
    good = _arrow_table("\n".join(lines[i] for i in regular), delimiter, width, quoted=False)
    if good is None or good.num_rows != len(regular):
        is_regular[:], good = False, None  # pyarrow skipped some blank lines: do all in Python
        regular = regular[:0]
    irregular = np.flatnonzero(~is_regular)
    fixed, problems, blank_irregular = [], [], []
    for i in irregular.tolist():
        fields = lines[i].split(delimiter)
        if not any(f.strip() for f in fields):
            blank_irregular.append(i)
            fixed.append([""] * width)
            continue
        fields, reason = fitter.fit(fields, i, lambda: _table_rows(good, SAMPLE_ROWS))
        fixed.append(fields)
        if reason:
            problems.append(RowProblem(row=i, line=first_line + i, reason=reason))
    parts, positions = [], []
    if good is not None and good.num_rows:
        parts.append(good)
        positions.append(regular)
    if fixed:
        names = [f"c{i}" for i in range(width)]
        columns = {
            n: pa.array([row[c] for row in fixed], pa.large_string()) for c, n in enumerate(names)
        }
        parts.append(pa.table(columns))
        positions.append(irregular)
    order = np.argsort(np.concatenate(positions), kind="stable")
    frame = pa.concat_tables(parts).take(pa.array(order)).to_pandas()
    blank = set(blank_irregular) | {i for i, _ in _blank_rows_fast(frame, first_line)}
    blank = sorted(blank - set(fitter.unsplit))  # a row kept whole is not blank
    is_blank = np.zeros(len(lines), dtype=bool)
    is_blank[blank] = True
    data_row = np.cumsum(~is_blank)
    for problem in problems:
        problem.row = int(data_row[problem.row])
    return frame, problems, [(i, first_line + i) for i in blank]


def _blank_rows_fast(frame: pd.DataFrame, first_line: int) -> list[tuple[int, int | None]]:
    """(frame index, line) of rows whose every field is blank, found without a Python loop."""
    candidates = np.arange(len(frame))  # rows blank in every column looked at so far
    for column in frame.columns:
        values = frame[column]
        if len(candidates) < len(frame):
            values = values.iloc[candidates]
        candidates = candidates[(values.str.strip() == "").to_numpy(dtype=bool)]
        if not len(candidates):
            return []
    blank = pd.Series(False, index=frame.index)
    blank.iloc[candidates] = True
    newlines = pd.Series(0, index=frame.index)
    for column in frame.columns:
        if frame[column].str.contains("\n", regex=False).any():
            newlines += frame[column].str.count("\n")
    lines = first_line + frame.index.to_numpy() + newlines.cumsum().shift(fill_value=0).to_numpy()
    idx = blank.to_numpy().nonzero()[0]
    return [(int(i), int(lines[i])) for i in idx]


def _table_rows(table: pa.Table | None, limit: int) -> list[list[str]]:
    """The first rows of an arrow table of strings, as lists (the repair's sample)."""
    if table is None or not table.num_rows:
        return []
    head = table.slice(0, limit)
    return [list(row) for row in zip(*(c.to_pylist() for c in head.columns), strict=True)]


def _parse_slow(body: str, first_line: int, delimiter: str, fitter: _LazyFitter):
    """Record by record; rows with too many or too few fields laid out by ``repair``."""
    rows: list[list[str]] = []
    problems: list[RowProblem] = []
    blank: list[tuple[int, int | None]] = []
    width = fitter.width
    records, unclosed_line = _records_despite_stray_quote(body, delimiter)

    def sample() -> list[list[str]]:
        regular = (fields for _, fields in records if len(fields) == width)
        return [fields for _, fields in zip(range(SAMPLE_ROWS), regular, strict=False)]

    for line, fields in records:
        unclosed = line == unclosed_line
        line += first_line - 1
        if not any(f.strip() for f in fields):
            blank.append((len(rows), line))
            rows.append([""] * width)
            continue
        fields, reason = fitter.fit(fields, len(rows), sample)
        rows.append(fields)
        if unclosed:
            reason = _UNCLOSED if reason is None else f"{_UNCLOSED}; it also {reason}"
        if reason:
            problems.append(RowProblem(row=len(rows) - len(blank), line=line, reason=reason))
    return _frame_from_rows(rows, width), problems, blank


_UNCLOSED = "opens a quote that is never closed; from here on quotes were read as plain characters"


def _records_despite_stray_quote(body: str, delimiter: str) -> tuple[list, int | None]:
    """All records, and the line of a never-closed quote (which would swallow the file).

    With an odd number of quote marks the csv module reads everything after
    the stray quote as one field; that record and the rest are read again
    with quotes as plain characters, so no row disappears into one cell.
    """
    records = list(_records(body, delimiter))
    if not (body.count('"') % 2 and records and _record_lines(records[-1][1]) > 1):
        return records, None
    start, _ = records[-1]
    rest = _records(_text_from_line(body, start), delimiter, quoting=csv.QUOTE_NONE)
    return records[:-1] + [(line + start - 1, fields) for line, fields in rest], start


def _unclosed_quote_note(problems: list[RowProblem]) -> str | None:
    for problem in problems:
        if problem.reason.startswith(_UNCLOSED):
            return (
                f"Line {problem.line} opens a quote that is never closed; "
                "from there on quotes were read as plain characters."
            )
    return None


def _frame_from_rows(rows: list[list[str]], width: int) -> pd.DataFrame:
    names = [f"c{i}" for i in range(width)]
    if not rows:
        return pd.DataFrame({name: pd.Series([], dtype="str") for name in names})
    columns = zip(*rows, strict=True)
    return pd.DataFrame(
        {name: pd.Series(col, dtype="str") for name, col in zip(names, columns, strict=True)}
    )


# ---------------------------------------------------------------------------
# Shared finishing: header names, blank rows, limits


def _finish(
    frame: pd.DataFrame,
    header: list,
    problems: list[RowProblem],
    blank: list[tuple[int, int | None]],
    notes: list[str],
    file_name: str,
    limits: IngestLimits,
    where: str,
    sheet_label: str = "",
) -> Roster:
    """Name the columns, drop blank rows (noting them) and check the row limit."""
    if blank:
        keep = pd.Series(True, index=frame.index)
        keep.iloc[[i for i, _ in blank]] = False
        frame = frame[keep.to_numpy()].reset_index(drop=True)
        notes.append(_blank_note(blank, where))
    header = [str(h).strip() if h is not None else "" for h in list(header)[: frame.shape[1]]]
    header += [""] * (frame.shape[1] - len(header))
    positions = _columns_holding_anything(frame, header)
    frame = frame.iloc[:, positions]
    columns, header_notes = _column_names([header[i] for i in positions], positions)
    frame.columns = columns
    notes.extend(header_notes)
    if len(frame) == 0:
        raise RosterError(f"{file_name}{sheet_label} has a header row but no data rows.")
    if len(frame) > limits.max_rows:
        raise RosterError(
            f"{file_name} has {len(frame):,} rows, over the limit of {limits.max_rows:,} rows."
        )
    return Roster(
        name="",
        frame=frame,
        format="",
        encoding=None,
        delimiter=None,
        header_row=0,
        sheet=None,
        sheets=[],
        problems=problems,
        notes=notes,
    )


def _blank_note(blank: list[tuple[int, int | None]], where: str) -> str:
    lines = [line for _, line in blank if line is not None]
    listed = ", ".join(str(line) for line in lines[:LISTED_LINES])
    more = f" and {len(lines) - LISTED_LINES} more" if len(lines) > LISTED_LINES else ""
    plural = "s" if len(blank) != 1 else ""
    return f"{len(blank)} blank row{plural} skipped ({where}{plural} {listed}{more})."


def _column_names(header: list[str], positions: list[int]) -> tuple[list[str], list[str]]:
    """Header cells as unique column names; a blank one becomes 'Column N' (its place in the file)."""
    raw = header
    names: list[str] = []
    notes: list[str] = []
    blanks = [p + 1 for p, h in zip(positions, raw, strict=True) if not h]
    taken = {h.casefold() for h in raw if h}
    for position, header_name in zip(positions, raw, strict=True):
        if not header_name:
            header_name = _unique(f"Column {position + 1}", taken)
            taken.add(header_name.casefold())
        names.append(header_name)
    seen: Counter = Counter()
    renamed = []
    for i, header_name in enumerate(names):
        seen[header_name.casefold()] += 1
        if seen[header_name.casefold()] > 1:
            new = _unique(f"{header_name} ({seen[header_name.casefold()]})", taken)
            taken.add(new.casefold())
            renamed.append((header_name, new))
            names[i] = new
    if blanks:
        shown = ", ".join(str(b) for b in blanks[:LISTED_LINES])
        notes.append(f"Column(s) {shown} have no header name; they are called 'Column N'.")
    for old, new in renamed:
        notes.append(f"The header '{old}' appears more than once; the repeat is called '{new}'.")
    return names, notes


def _unique(candidate: str, taken: set[str]) -> str:
    base, n = candidate, 2
    while candidate.casefold() in taken:
        candidate = f"{base} ({n})"
        n += 1
    return candidate


def _columns_holding_anything(frame: pd.DataFrame, header: list[str]) -> list[int]:
    """Positions of columns with a header or a value; the rest are exporter artefacts."""
    keep = [
        i for i, name in enumerate(header) if name or (frame.iloc[:, i].str.strip() != "").any()
    ]
    return keep or [0]
