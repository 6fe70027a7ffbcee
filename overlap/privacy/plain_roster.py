"""From a roster file's bytes to the records the encoder reads, in plain Python.

This is the part of encoding that also runs in a partner's browser (Pyodide,
where numpy, pandas and pyarrow do not exist), so it uses the standard
library and the pure-Python parts of Overlap only:

- :func:`read_csv_table` reads a CSV/TSV/semicolon/pipe file the way
  ``overlap.ingest.read_roster`` does for a well-formed file (encoding,
  delimiter and header line detected the same way); what only the full
  reader can repair (rows that do not line up, text garbled upstream) is
  refused with a sentence saying to use ``overlap encode``;
- :func:`guess_fields` guesses which column holds which field as
  ``overlap.mapping.guess_mapping`` does (same header words, same value
  sniffing, written without pandas);
- :func:`mapped_fields` puts columns together as ``apply_mapping`` does;
- :func:`normalise_for_encoding` normalises with the row-by-row reference
  ``overlap.normalise.record.normalise_record`` and decides the date column's
  day/month order and placeholders as ``normalise_fields`` does.

``overlap encode`` normalises with :func:`normalise_for_encoding` too, so the
browser and the command produce the same .clk by construction; reading and
guessing are tested equal to the library's on the sample rosters and on
generated ones.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from overlap.errors import MappingError, RosterError
from overlap.fields import (
    CANONICAL_FIELDS,
    DATE_PARTS,
    FIELD_BY_NAME,
    MULTI_COLUMN_FIELDS,
    NAME_FIELDS,
)
from overlap.fields import STREET_PARTS as _STREET_PARTS
from overlap.headers import _AMBIGUOUS_ADDRESS, _AMBIGUOUS_NOMBRE, _field_from_header
from overlap.mapping import (
    _DATE_PART_RANGE,
    _EMAIL,
    _ISO_DATE,
    _LAST_FIRST,
    _ONE_LINE_ADDRESS,
    _PHONE,
    _SEXES,
    _SLASH_DATE,
    _SSN,
    _STATES,
    _STREET,
    _WORD_DATE,
    _ZIP,
    SNIFF_SAMPLE,
    SNIFF_SHARE,
    _may_sniff,
    _one_address,
)

TEXT_DELIMITERS = (",", "\t", ";", "|")  # in ingest's order of preference on a tie
SAMPLE_LINES = 200
SAMPLE_CHARS = 2 * 1024 * 1024
FULL_READER = "encode it with `overlap encode` on your computer instead"
PROGRESS_EVERY = 250  # rows between two reports to a progress callback
Progress = Callable[[str, float], None]  # (what is being done, share done)


@dataclass
class PlainTable:
    """A roster read into text: unique column names and rows of cells (blank rows dropped)."""

    name: str
    columns: list[str]
    rows: list[list[str]]

    def column(self, raw: str) -> list[str]:
        """One column's cells, top to bottom."""
        i = self.columns.index(raw)
        return [row[i] for row in self.rows]


# ---------------------------------------------------------------------------- reading


def read_csv_table(data: bytes, file_name: str) -> PlainTable:
    """Read a delimited text roster as ``overlap.ingest.read_roster`` reads a well-formed one.

    Raises:
        RosterError: not a text roster, or something only the full reader can repair.
    """
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise RosterError(
            f"{file_name} is a workbook; the encoder in your browser reads CSV files: save it "
            f"as CSV (File > Save as > CSV UTF-8) or {FULL_READER}."
        )
    text = _decode(data, file_name).replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    if not text.strip():
        raise RosterError(f"{file_name} is empty.")
    if any(mark in text for mark in ("Ã", "Â", "â€")):
        raise RosterError(f"{file_name} may hold text garbled by a wrong encoding; {FULL_READER}.")
    delimiter = _choose_delimiter(_sample(text), file_name)
    records = _records(text, delimiter)
    widths = [_trimmed_width(fields) for _, fields in records[:SAMPLE_LINES]]
    header_at = _find_header(widths)
    header_line, header = records[header_at]
    width = _data_width(header, records[header_at + 1 : header_at + SAMPLE_LINES])
    rows, bad = [], []
    for line, fields in records[header_at + 1 :]:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) > width and not any(f.strip() for f in fields[width:]):
            fields = fields[:width]
        if len(fields) != width:
            bad.append(line)
        rows.append(fields)
    if bad:
        shown = ", ".join(str(n) for n in bad[:10]) + (" …" if len(bad) > 10 else "")
        raise RosterError(
            f"{file_name} has lines whose values do not line up with the header "
            f"(line {shown}); {FULL_READER}, which repairs them."
        )
    if not rows:
        raise RosterError(f"{file_name} has a header row but no data rows.")
    header = [h.strip() for h in header[:width]] + [""] * (width - len(header))
    keep = [i for i, h in enumerate(header) if h or any(r[i].strip() for r in rows)] or [0]
    names = _column_names([header[i] for i in keep], keep)
    return PlainTable(PurePath(file_name).stem, names, [[row[i] for i in keep] for row in rows])


def _decode(data: bytes, file_name: str) -> str:
    """Byte-order mark, else UTF-8 (stray Windows-1252 bytes read as such), else Windows-1252."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, None),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            if encoding is None:
                return _utf8_with_cp1252(data[len(bom) :])
            return data.decode(encoding, errors="replace").removeprefix("\ufeff")
    if b"\x00" in data[:4096]:
        raise RosterError(f"{file_name} is not a UTF-8 or Windows text file; {FULL_READER}.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        damaged = len(re.findall(r"[\udc80-\udcff]", data.decode("utf-8", "surrogateescape")))
        high = len(data) - len(data.translate(None, bytes(range(128, 256))))
        if damaged * 5 > (high - damaged) / 2:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
        else:
            text = _utf8_with_cp1252(data)
    control = re.findall(r"[\x00-\x08\x0e-\x1f\x7f]", text[:65536])
    if "\x00" in text[:65536] or len(control) > max(2, len(text[:65536]) // 200):
        raise RosterError(f"{file_name} is not a text or spreadsheet file (it holds binary data).")
    return text


def _utf8_with_cp1252(data: bytes) -> str:
    """UTF-8 whose stray bytes are Windows-1252 characters (U+FFFD where cp1252 has none)."""

    def as_cp1252(match: re.Match) -> str:
        raw = match.group().encode("utf-8", "surrogateescape")
        return "".join(bytes([b]).decode("cp1252", errors="replace") for b in raw)

    return re.sub(r"[\udc80-\udcff]+", as_cp1252, data.decode("utf-8", "surrogateescape"))


def _sample(text: str) -> str:
    end = 0
    for _ in range(SAMPLE_LINES):
        nxt = text.find("\n", end)
        if nxt < 0:
            return text
        if nxt > SAMPLE_CHARS:
            return text[: end or SAMPLE_CHARS]
        end = nxt + 1
    return text[:end]


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(first line number, fields) of each record; quoted newlines stay in their field."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out, start = [], 1
    for fields in reader:
        out.append((start, fields))
        start = reader.line_num + 1
    return out


def _choose_delimiter(sample: str, file_name: str) -> str:
    preferred = "\t" if file_name.lower().endswith((".tsv", ".tab")) else ","
    best, best_score = preferred, None
    for delimiter in TEXT_DELIMITERS:
        widths = [len(f) for _, f in _records(sample, delimiter) if _trimmed_width(f)]
        if not widths:
            continue
        width = _typical_width(widths)
        score = (
            width > 1,
            round(widths.count(width) / len(widths), 1),
            width,
            delimiter == preferred,
        )
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


def _typical_width(widths: list[int]) -> int:
    wide = Counter(w for w in widths if w > 1)
    if not wide:
        return 1 if widths else 0
    return max(wide.items(), key=lambda item: (item[1], item[0]))[0]


def _trimmed_width(fields: list[str]) -> int:
    for i in range(len(fields) - 1, -1, -1):
        if fields[i].strip():
            return i + 1
    return 0


def _find_header(widths: list[int]) -> int:
    filled = [w for w in widths if w]
    if not filled:
        return 0
    typical = _typical_width(filled)
    needed = max(2, math.ceil(typical / 2)) if typical >= 2 else 1
    return next(i for i, width in enumerate(widths) if width >= needed)


def _data_width(header: list[str], records: list) -> int:
    named = _trimmed_width(header)
    widths = [w for w in (_trimmed_width(f) for _, f in records) if w]
    wider = [w for w in widths if w > named]
    if widths and len(wider) > len(widths) / 2:
        return max(named, Counter(wider).most_common(1)[0][0])
    return max(named, 1)


def _column_names(header: list[str], positions: list[int]) -> list[str]:
    """Unique names: a blank header is 'Column N', a repeated one 'Name (2)'."""
    taken = {h.casefold() for h in header if h}
    names = []
    for position, name in zip(positions, header, strict=True):
        if not name:
            name = _unique(f"Column {position + 1}", taken)
            taken.add(name.casefold())
        names.append(name)
    seen: Counter = Counter()
    for i, name in enumerate(names):
        seen[name.casefold()] += 1
        if seen[name.casefold()] > 1:
            names[i] = _unique(f"{name} ({seen[name.casefold()]})", taken)
            taken.add(names[i].casefold())
    return names


def _unique(candidate: str, taken: set[str]) -> str:
    base, n = candidate, 2
    while candidate.casefold() in taken:
        candidate = f"{base} ({n})"
        n += 1
    return candidate


# ---------------------------------------------------------------------------- mapping


def guess_fields(table: PlainTable) -> dict[str, str]:
    """Which column holds which field: ``overlap.mapping.guess_mapping(...).mapping``."""
    header_fields = {raw: _field_from_header(raw) for raw in table.columns}
    mapping: dict[str, str] = {}
    said: dict[str, str] = {}
    for raw in table.columns:
        guessed = header_fields[raw]
        if guessed is None:
            continue
        canonical = _settle_ambiguous(raw, guessed, header_fields, table)
        if canonical is None:
            said[raw] = "refused"
        elif canonical in mapping.values() and canonical not in MULTI_COLUMN_FIELDS:
            said[raw] = "taken"
        else:
            mapping[raw] = canonical
    for raw in table.columns:
        if raw in mapping or raw in said or not _may_sniff(raw, header_fields[raw]):
            continue
        sniffed = _sniff(_sample_values(table.column(raw)))
        if sniffed is not None and sniffed not in mapping.values():
            mapping[raw] = sniffed
    mapping = {raw: mapping[raw] for raw in table.columns if raw in mapping}
    _one_address(mapping, {})
    _street_without_number(mapping, table)
    _check_date_parts(mapping, table)
    return mapping


def _settle_ambiguous(raw: str, guessed: str, header_fields: dict, table: PlainTable):
    if guessed == "someone-else":
        return None
    if guessed in _AMBIGUOUS_ADDRESS:
        if any(f in ("city", "zip", "state") for f in header_fields.values()):
            return "street"
        share = _share(_sample_values(table.column(raw)), _ONE_LINE_ADDRESS)
        return "address" if share >= 0.5 else "street"
    if guessed in _AMBIGUOUS_NOMBRE:
        return "first_name" if "last_name" in header_fields.values() else "full_name"
    return guessed


def _sample_values(values: list[str]) -> list[str]:
    """``mapping._sample_values``: up to SNIFF_SAMPLE filled values spread over the column."""
    values = values[:: max(1, len(values) // (SNIFF_SAMPLE * 10))]
    filled = [v.strip() for v in values if v.strip() != ""]
    step = max(1, len(filled) // SNIFF_SAMPLE)
    return filled[::step][:SNIFF_SAMPLE]


def _share(sample: list[str], pattern: re.Pattern) -> float:
    return sum(1 for v in sample if pattern.match(v)) / len(sample) if sample else 0.0


def _zip_share(sample: list[str]) -> float:
    if len(sample) >= 20 and len(set(sample)) > 0.7 * len(sample):
        return 0.0
    return _share(sample, _ZIP)


def _birth_date_share(sample: list[str]) -> float:
    years = []
    for value in sample:
        found = None
        for pattern, group in ((_ISO_DATE, 1), (_SLASH_DATE, 3), (_WORD_DATE, 4)):
            match = pattern.search(value)
            if match and match.group(group) is not None:
                found = match.group(group)
                break
        years.append(found)
    share = sum(1 for y in years if y is not None) / len(years)
    full = [int(y) for y in years if y is not None and len(y) == 4]
    if len(full) >= 5:
        if max(full) - min(full) < 15 or statistics.median(full) > date.today().year - 10:
            return 0.0
    return share


def _last_first_share(sample: list[str]) -> float:
    if len(sample) >= 20 and len(set(sample)) < 0.5 * len(sample):
        return 0.0
    return _share(sample, _LAST_FIRST)


def _state_share(sample: list[str]) -> float:
    return sum(1 for v in sample if v.upper().rstrip(".") in _STATES) / len(sample)


def _sex_share(sample: list[str]) -> float:
    if len(set(sample)) > 6:
        return 0.0
    return sum(1 for v in sample if v.lower() in _SEXES) / len(sample)


_SNIFFERS = [
    ("email", lambda s: _share(s, _EMAIL)),
    ("ssn", lambda s: _share(s, _SSN)),
    ("phone", lambda s: _share(s, _PHONE)),
    ("dob", _birth_date_share),
    ("zip", _zip_share),
    ("address", lambda s: _share(s, _ONE_LINE_ADDRESS)),
    ("street", lambda s: _share(s, _STREET)),
    ("full_name", _last_first_share),
    ("state", _state_share),
    ("sex", _sex_share),
]


def _sniff(sample: list[str]) -> str | None:
    if len(sample) < 3:
        return None
    for canonical, test in _SNIFFERS:
        if test(sample) >= SNIFF_SHARE:
            return canonical
    return None


def _street_without_number(mapping: dict[str, str], table: PlainTable) -> None:
    fields = set(mapping.values())
    if "house_number" not in fields or "street_name" in fields:
        return
    for raw, canonical in list(mapping.items()):
        if canonical == "street":
            sample = _sample_values(table.column(raw))
            if sample and _share(sample, re.compile(r"^\d")) < 0.5:
                mapping[raw] = "street_name"


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _check_date_parts(mapping: dict[str, str], table: PlainTable) -> None:
    parts = [raw for raw, canonical in mapping.items() if canonical in DATE_PARTS]
    for raw in parts:
        low, high = _DATE_PART_RANGE[mapping[raw]]
        sample = [re.sub(r"\.0+$", "", v) for v in _sample_values(table.column(raw))]
        fits = [_NUMBER.fullmatch(v) is not None and low <= float(v) <= high for v in sample]
        if not sample or sum(fits) / len(fits) < SNIFF_SHARE:
            del mapping[raw]
    kept = [raw for raw in parts if raw in mapping]
    if kept and "birth_year" not in {mapping[raw] for raw in kept}:
        for raw in kept:
            del mapping[raw]


# ------------------------------------------------------------------ fields and records


def mapped_fields(table: PlainTable, mapping: Mapping[str, str]) -> list[dict[str, str]]:
    """Each row's canonical fields, columns put together as ``apply_mapping`` does.

    A field no column is mapped to is left out of the row (it counts as "").
    """
    sources = {
        f: [table.columns.index(raw) for raw in table.columns if mapping.get(raw) == f]
        for f in CANONICAL_FIELDS
    }
    sources = {f: where for f, where in sources.items() if where}
    joins = {f: FIELD_BY_NAME[f].join for f in sources}
    out = []
    for row in table.rows:
        fields = {
            f: joins[f].join(v for v in (row[i].strip() for i in where) if v)
            for f, where in sources.items()
        }
        _assemble_street(fields)
        _assemble_dob(fields)
        out.append(fields)
    return out


def _assemble_street(fields: dict[str, str]) -> None:
    house, name, box = (fields.get(f, "") for f in _STREET_PARTS)
    parts = (house + " " + name).strip()
    if not parts and box:
        parts = "PO Box " + box
    if parts and not fields.get("street"):
        fields["street"] = parts


def _assemble_dob(fields: dict[str, str]) -> None:
    year, month, day = (re.sub(r"\.0+$", "", fields.get(f, "")).strip() for f in DATE_PARTS)
    dob = f"{year}-{month.zfill(2)}" if year and month else year
    if year and month and day:
        dob = f"{year}-{month.zfill(2)}-{day.zfill(2)}"
    if dob and not fields.get("dob"):
        fields["dob"] = dob


def normalise_for_encoding(
    fields: Sequence[Mapping[str, str]], progress: Progress | None = None
) -> list[dict[str, str]]:
    """Normalised records (``overlap.normalise.OUTPUT_COLUMNS``) of one roster's fields.

    Row by row with the reference ``normalise_record``; the date of birth,
    which it reads alone, once per distinct value, its day/month order and the
    dates that are placeholders or known in part decided on the whole column,
    as ``normalise_fields`` decides them. Plain ten-digit US phones take the
    vectorised stage's shortcut (:func:`_plain_phone`), the rest ``normalise_phone``.
    ``progress`` (if given) hears the share of rows done now and then.
    """
    from overlap.normalise.dates import normalise_date
    from overlap.normalise.phones import normalise_phone
    from overlap.normalise.record import normalise_record

    dayfirst = _dayfirst({row.get("dob", "") for row in fields})
    today = date.today()
    dates = {v: normalise_date(v, dayfirst, today) for v in {row.get("dob", "") for row in fields}}
    records = []
    for i, row in enumerate(fields):
        if progress is not None and i % PROGRESS_EVERY == 0:
            progress("Cleaning names, dates and addresses", i / len(fields))
        phone = row.get("phone", "")
        record = normalise_record({**row, "dob": "", "phone": ""}, dayfirst)
        shortcut = _plain_phone(phone)
        record["phone"] = normalise_phone(phone) if shortcut is None else shortcut
        record["dob"] = dates[row.get("dob", "")]
        records.append(record)
    for record, dob in zip(records, _partial_dates([r["dob"] for r in records]), strict=True):
        record["dob"] = dob
    return records


_PRINTABLE = re.compile(r"[ -~]*")
_US_PHONE = re.compile(r"(?:\+?1)?[2-9][0-9]{9}")


def _plain_phone(value: str) -> str | None:
    """``phones._phones_fast`` for one value: a plain ten-digit US number (an extension
    allowed) in E.164, "" for a placeholder, None where ``normalise_phone`` must decide."""
    from overlap.normalise.phones import _PHONE_EXTENSION, _PHONE_PLACEHOLDERS

    if not _PRINTABLE.fullmatch(value):
        return None
    text = value.lower().strip(" ")
    if "x" in text:  # every extension word has an x
        text = re.sub(_PHONE_EXTENSION, "", text)
    digits = text.translate(_PHONE_PUNCTUATION)
    if not _US_PHONE.fullmatch(digits):
        return None
    return "" if digits[-10:] in _PHONE_PLACEHOLDERS else "+1" + digits[-10:]


_PHONE_PUNCTUATION = str.maketrans("", "", " ().-")


def _dayfirst(values: set[str]) -> bool:
    """``dates.infer_dayfirst``: more 25/03/1980 than 03/25/1980 means day first."""
    from overlap.normalise.dates import _NUMERIC_DMY_NAMED

    pattern = re.compile(_NUMERIC_DMY_NAMED)
    if any("|" in v for v in values):
        values = {p.strip() for v in values for p in v.split("|")}
    day = month = 0
    for value in values:
        match = pattern.fullmatch(value)
        if match:
            a, b = int(match["a"]), int(match["b"])
            day += a > 12 and b <= 12
            month += b > 12 and a <= 12
    return day > month


def _partial_dates(dates: list[str]) -> list[str]:
    """``dates.partial_dates``: placeholders blanked, dates known only in part cut short."""
    from overlap.normalise import dates as d

    counts = Counter(dates)
    full = {v: n for v, n in counts.items() if len(v) == 10}
    if not full:
        return dates
    mean = sum(full.values()) / len(full)
    placeholder = {
        v for v, n in full.items() if n >= max(d.PLACEHOLDER_MIN, d.PLACEHOLDER_TIMES_MEAN * mean)
    }
    rest = {v: n for v, n in full.items() if v not in placeholder}
    jan1 = {v for v in rest if v[5:] == "01-01"}
    first = {v for v in rest if v.endswith("-01")}
    total = max(sum(rest.values()), 1)

    def pattern(chosen: set[str], share: float) -> bool:
        n = sum(counts[v] for v in chosen)
        return n >= d.PARTIAL_MIN and n / total >= share and len(chosen) >= d.PARTIAL_MIN_YEARS

    year_only = pattern(jan1, d.YEAR_ONLY_SHARE)
    month_only = pattern(first - jan1, d.MONTH_ONLY_SHARE)
    fixed = set() if year_only else {v for v in full if v in d._PLACEHOLDER_TEXT}
    new = {v: v for v in counts}
    for v in placeholder | fixed:
        new[v] = ""
    if year_only:
        for v in jan1:
            new[v] = v[:4]
    if month_only:
        for v in first - (jan1 if year_only else fixed):
            new[v] = v[:7]
    return [new[v] for v in dates]


def split_rows_naming_two(
    fields: Sequence[Mapping[str, str]],
) -> tuple[list[dict[str, str]], list[int]]:
    """``overlap.split_rows.split_shared_rows`` row by row: a row naming two people is two records.

    Returns:
        The records (a shared row twice, in place: the first person, then the second, who
        keeps none of the first's personal fields) and each record's 0-based row.
    """
    from overlap import split_rows as s

    joined = re.compile(rf"\s{s._AND_OR_LETTER}\s", re.IGNORECASE)
    out: list[dict[str, str]] = []
    source: list[int] = []
    for i, row in enumerate(fields):
        full, first = row.get("full_name", ""), row.get("first_name", "")
        pair = None
        if joined.search(full) or joined.search(first):
            pair = _two_full_names(full, s)
            column = "full_name"
            if pair is None:
                pair, column = _two_first_names(first, row.get("last_name", ""), s), "first_name"
        if pair is None:
            out.append(dict(row))
            source.append(i)
            continue
        second = {**row, column: pair[1], **{f: "" for f in s.PERSONAL if f in row}}
        out += [{**row, column: pair[0]}, second]
        source += [i, i]
    return out, source


def _two_full_names(name: str, s) -> tuple[str, str] | None:
    """``split_rows._split_full`` for one name: the two people's names, or None."""
    comma = re.search(s._COMMA_FORM, name, re.IGNORECASE)
    if comma and len(comma["f1"].split()) <= 2 and len(comma["f2"].split()) <= 2:
        return f"{comma['last']}, {comma['f1']}", f"{comma['last']}, {comma['f2']}"
    plain = re.search(s._PLAIN_FORM, name, re.IGNORECASE)
    if plain is None:
        return None
    left, right = len(plain["left"].split()), len(plain["right"].split())
    if left == 1 and right >= 2 and len(plain["word"]) != 1:
        return plain["left"] + " " + re.sub(r"^\S+\s*", "", plain["right"]), plain["right"]
    if left >= 2 and right >= 2:
        return plain["left"], plain["right"]
    return None


def _two_first_names(first: str, last: str, s) -> tuple[str, str] | None:
    """``split_rows._split_first`` for one row: two given names beside one surname, or None."""
    found = re.search(s._FIRST_FORM, first, re.IGNORECASE)
    if found is None or not found["f1"] or not last.strip():
        return None
    return found["f1"], found["f2"]


def encoding_records(
    table: PlainTable, mapping: Mapping[str, str], progress: Progress | None = None
) -> list[dict[str, str]]:
    """The normalised records the encoder reads, from a table and its column mapping.

    A row naming two people is two records (:func:`split_rows_naming_two`); each record's
    ``row`` is its 1-based row in the roster.

    Raises:
        MappingError: no name is filled in anywhere (as ``prepare_records`` refuses).
    """
    fields = mapped_fields(table, mapping)
    if fields and not any(row.get(f, "").strip() for row in fields for f in NAME_FIELDS):
        raise MappingError(
            f"Roster '{table.name}' has no column for names (first, last or full name); "
            "map one so its people can be matched."
        )
    fields, source = split_rows_naming_two(fields)
    records = normalise_for_encoding(fields, progress)
    for record, i in zip(records, source, strict=True):
        record["row"] = str(i + 1)
    return records


def attribute_columns(
    table: PlainTable, mapping: Mapping[str, str], rows: Sequence[int] | None = None
) -> dict[str, list[str]]:
    """The columns kept as attributes (not mapped, or mapped to ``attribute``), by header.

    ``rows`` (1-based, the records' ``row``) repeats a row that is two records; None: each row once.
    """
    out = {}
    for raw in table.columns:
        if mapping.get(raw) in (None, "attribute", "evidence"):
            cells = table.column(raw)
            out[raw] = cells if rows is None else [cells[r - 1] for r in rows]
    return out
