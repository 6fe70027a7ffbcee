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
import datetime as dt
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
        roster = _read_workbook(data, file_name, container, sheet, limits)
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
    frame, problems, blank_lines = _parse_body(body, body_line, delimiter, len(header), width)
    if quote_note := _unclosed_quote_note(problems):
        notes.append(quote_note)
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
    """UTF-8 with a few damaged bytes (a bad copy-paste) stays UTF-8 rather than mojibake."""
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd") - data.count("\ufffd".encode())
    high_bytes = len(data) - len(data.translate(None, bytes(range(128, 256))))
    well_formed = (high_bytes - damaged) / 2  # accented letters take two bytes or more
    if damaged * 5 > well_formed:  # Windows-1252 text: nearly every high byte is "damaged"
        return None
    note = f"{damaged} character(s) are not valid UTF-8 and were replaced by '\ufffd'."
    return text, "utf-8", [note]


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


def _parse_body(body: _Body, first_line: int, delimiter: str, header_fields: int, width: int):
    """Data rows as a frame of ``width`` string columns, plus problems and blank lines.

    Three paths, fastest first: pyarrow (multi-threaded) when every record has
    the header's number of fields; for text without quote marks, where every
    line is one record, fields are counted per line and only irregular lines
    are handled in Python; otherwise the csv module reads record by record.
    """
    blank_lines, quotes = body.shape()
    if not blank_lines and quotes % 2 == 0:
        # without a quote mark in it the text is read with quoting off: the same, faster
        table = _arrow_table(body.buffer(), delimiter, max(header_fields, width), quotes > 0)
        if table is not None and _all_blank_after(table, width):
            frame = table.select(list(range(width))).to_pandas()
            return frame, [], _blank_rows_fast(frame, first_line)
    if not quotes:
        return _parse_unquoted(str(body), first_line, delimiter, width)
    return _parse_slow(str(body), first_line, delimiter, width)


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


def _parse_unquoted(body: str, first_line: int, delimiter: str, width: int):
    """Text without quote marks: one record per line, irregular lines fixed one by one.

    Lines are records here, so a row's line number is known without parsing quotes.
    """
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
        fields, reason = _fit_fields(fields, width, delimiter)
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
    blank = sorted(set(blank_irregular) | {i for i, _ in _blank_rows_fast(frame, first_line)})
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


def _parse_slow(body: str, first_line: int, delimiter: str, width: int):
    """Record by record: pad short rows, join overflow into the last column, note both."""
    rows: list[list[str]] = []
    problems: list[RowProblem] = []
    blank: list[tuple[int, int | None]] = []
    records, unclosed_line = _records_despite_stray_quote(body, delimiter)
    for line, fields in records:
        unclosed = line == unclosed_line
        line += first_line - 1
        if not any(f.strip() for f in fields):
            blank.append((len(rows), line))
            rows.append([""] * width)
            continue
        fields, reason = _fit_fields(fields, width, delimiter)
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


def _fit_fields(fields: list[str], width: int, delimiter: str) -> tuple[list[str], str | None]:
    """The row cut or padded to ``width`` fields, and the reason if it had to be."""
    count = len(fields)
    if count > width and any(f.strip() for f in fields[width:]):
        last = delimiter.join(fields[width - 1 :])
        return fields[: width - 1] + [last], (
            f"has {count} fields, the header has {width}; "
            "the extra fields were joined into the last column"
        )
    if count > width:
        return fields[:width], None  # only empty fields beyond the header: trailing delimiters
    if count < width:
        return fields + [""] * (width - count), (
            f"has {count} fields, the header has {width}; the missing fields were left empty"
        )
    return fields, None


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


# ---------------------------------------------------------------------------
# Workbooks (XLSX, XLS, ODS) via calamine


def _read_workbook(
    data: bytes, file_name: str, fmt: str, sheet: str | None, limits: IngestLimits
) -> Roster:
    load = _load_xls_sheet if fmt == "xls" else _load_sheet
    try:
        name, sheets, rows, start, merged = load(data, file_name, sheet, limits)
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
    notes = [fill_note] if fill_note else []
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

    name, rows = _pick_sheet(sheets, wanted, file_name, read, unreadable)
    ws = found[name]
    start_row, start_col = ws.start if ws.start else (0, 0)
    try:
        merged = [
            ((r0 - start_row, c0 - start_col), (r1 - start_row, c1 - start_col))
            for (r0, c0), (r1, c1) in ws.merged_cell_ranges or []
        ]
    except Exception:  # noqa: BLE001 - not every format reports merged cells
        merged = []
    return name, sheets, rows, start_row, merged


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

    name, rows = _pick_sheet(sheets, wanted, file_name, read)
    merged = [
        ((r0, c0), (r1 - 1, c1 - 1)) for r0, r1, c0, c1 in book.sheet_by_name(name).merged_cells
    ]
    top = next(i for i, row in enumerate(rows) if _trimmed_width_cells(row))
    left = min(_leading_empty(row) for row in rows if _trimmed_width_cells(row))
    rows = [row[left:] for row in rows[top:]]
    merged = [((r0 - top, c0 - left), (r1 - top, c1 - left)) for (r0, c0), (r1, c1) in merged]
    return name, sheets, rows, top, merged


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
) -> tuple[str, list]:
    """The requested sheet, or the first one holding any value: (name, rows).

    ``read(name)`` gives a sheet's rows, or None for a sheet that holds no cells (a chart)
    or that the reader could not parse (then its name is in ``unreadable``): a workbook
    whose only sheets failed to parse is damaged, not empty, and is told so.
    """
    if wanted is not None and wanted not in sheets:
        listed = ", ".join(f"'{s}'" for s in sheets)
        raise RosterError(f"{file_name} has no sheet named '{wanted}'; its sheets are {listed}.")
    for name in [wanted] if wanted is not None else sheets:
        rows = read(name)
        if rows and any(_cell_text(v).strip() for row in rows for v in row):
            return name, rows
        if wanted is not None:
            raise RosterError(f"Sheet '{name}' of {file_name} is empty.")
    if unreadable:
        raise RosterError(
            f"{file_name} looks like a spreadsheet but could not be read (it may be damaged)."
        )
    raise RosterError(f"{file_name} has no sheet with any data.")


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
