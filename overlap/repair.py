"""Repairs made while reading a roster, each one said in plain words.

Two things exports get wrong that can often be put right without guessing:

* **Rows whose fields do not line up with the header**: an unquoted comma
  inside an address splits it in two and pushes every later value one column
  to the right; a missing value pulls them left. The columns' own kinds (a ZIP,
  a phone, an email, a date, a two-letter state, text without digits), learnt
  from the rows that do line up, usually allow only one way to put the fields
  back. Where they allow several, the columns they agree on are filled and the
  rest of the row is kept as written in a column of its own: no value is lost.
* **Characters in another encoding**: a UTF-8 file with a few Windows-1252
  bytes pasted in (curly quotes, accented letters) has those bytes read as
  Windows-1252; text garbled by a wrong decoding somewhere upstream ("JosÃ©")
  is put right by ``ftfy``. What cannot be repaired is reported.

Reasons name rows, lines and columns, never a cell's content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

UNSPLIT_COLUMN = "Unsplit fields"
DELIMITER_WORDS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
LISTED = 10  # row or line numbers listed before "and N more"

# ---------------------------------------------------------------------------
# Rows whose fields do not line up

_KINDS: list[tuple[str, re.Pattern]] = [
    ("email", re.compile(r"[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}")),
    ("date", re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?")),
    ("ZIP code", re.compile(r"\d{5}(-\d{4})?")),
    ("phone", re.compile(r"(\+?\d{1,2}[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}")),
    ("state", re.compile(r"[A-Za-z]{2}")),
    ("number", re.compile(r"-?\d+(\.\d+)?")),
    ("text without digits", re.compile(r"[^\d]*")),
]
KIND_SHARE = 0.95  # share of a column's filled values that must be of one kind
KIND_MIN_VALUES = 5  # fewer filled values than this: the column's kind is not known
SAMPLE_ROWS = 1000


def column_kind(values: list[str]) -> re.Pattern | None:
    """The pattern nearly all filled values of a column fit, or None (any text)."""
    filled = [v.strip() for v in values if v.strip()]
    if len(filled) < KIND_MIN_VALUES:
        return None
    for _, pattern in _KINDS:
        if sum(1 for v in filled if pattern.fullmatch(v)) >= KIND_SHARE * len(filled):
            return pattern
    return None


@dataclass
class FittedRow:
    """A row laid onto the header's columns."""

    fields: list[str]  # exactly one value per column
    unsplit: str = ""  # the fields that could not be placed, as written ("" if none)
    reason: str | None = None  # what was done, for the row's problem report


class RowFitter:
    """Lays rows with too many or too few fields onto the header's columns.

    Args:
        columns: the header's names (for reasons), one per column.
        delimiter: the file's delimiter.
        sample: rows that have exactly one field per column (the kinds are learnt from them).
    """

    def __init__(self, columns: list[str], delimiter: str, sample: list[list[str]]):
        self.width = len(columns)
        self.names = [c.strip() or f"column {i + 1}" for i, c in enumerate(columns)]
        self.delimiter = delimiter
        sample = sample[:SAMPLE_ROWS]
        self.kinds = [column_kind([row[c] for row in sample]) for c in range(self.width)]
        later = [row[c] for row in sample for c in range(1, self.width) if row[c]]
        space_led = sum(1 for v in later if v[:1].isspace())
        # a value after a delimiter rarely starts with a space: one that does continues the last
        self.space_continues = bool(later) and space_led <= 0.02 * len(later)

    def fit(self, fields: list[str]) -> FittedRow:
        """The row as one value per column, and what was done to it."""
        width, count = self.width, len(fields)
        while len(fields) > width and not fields[-1].strip():
            fields = fields[:-1]  # trailing delimiters: nothing there
        if len(fields) == width:
            return FittedRow(list(fields))
        said = f"has {count} fields, the header has {width}"
        if len(fields) < width:
            padded = list(fields) + [""] * (width - len(fields))
            if all(self._fits(c, padded[c]) for c in range(width)):
                return FittedRow(padded, reason=f"{said}; the missing fields were left empty")
        sizes = (0, 1) if len(fields) < width else tuple(range(1, len(fields) - width + 2))
        spans = self._spans(fields, sizes, strict=False)
        longer = len(fields) > width
        if spans is not None and not _all_agree(spans) and self.space_continues and longer:
            strict = self._spans(fields, sizes, strict=True)
            spans = strict if strict is not None else spans
        if spans is None:
            return FittedRow(
                [""] * width,
                unsplit=self.delimiter.join(fields),
                reason=f"{said} and they cannot be told apart; the whole row is kept as "
                f"written in the column '{UNSPLIT_COLUMN}'",
            )
        return self._laid(fields, spans, said)

    def _fits(self, column: int, value: str) -> bool:
        kind = self.kinds[column]
        value = value.strip()
        return kind is None or not value or kind.fullmatch(value) is not None

    def _spans(self, fields: list[str], sizes: tuple, strict: bool) -> list[set] | None:
        """Per column, every (first field, number of fields) some valid reading gives it.

        A reading gives each column a run of consecutive fields (``sizes``
        says how many) so that every value fits its column's kind; ``strict``
        also wants every field joined onto another to start with a space.
        None if no reading exists.
        """
        n, width = len(fields), self.width
        memo: dict[tuple[int, int, int], bool] = {}

        def fits(column: int, start: int, size: int) -> bool:
            key = (column, start, size)
            if key not in memo:
                pieces = fields[start : start + size]
                ok = not strict or all(p[:1].isspace() for p in pieces[1:])
                memo[key] = ok and self._fits(column, self.delimiter.join(pieces))
            return memo[key]

        forward = np.zeros((width + 1, n + 1), dtype=bool)
        forward[0, 0] = True
        for column in range(width):
            for start in np.flatnonzero(forward[column]).tolist():
                for size in sizes:
                    if start + size <= n and fits(column, start, size):
                        forward[column + 1, start + size] = True
        if not forward[width, n]:
            return None
        backward = np.zeros((width + 1, n + 1), dtype=bool)
        backward[width, n] = True
        spans: list[set] = [set() for _ in range(width)]
        for column in range(width - 1, -1, -1):
            for start in np.flatnonzero(forward[column]).tolist():
                for size in sizes:
                    end = start + size
                    if end <= n and backward[column + 1, end] and fits(column, start, size):
                        backward[column, start] = True
                        spans[column].add((start, size))
        return spans

    def _laid(self, fields: list[str], spans: list[set], said: str) -> FittedRow:
        """Columns every reading agrees on are filled; the others go to the unsplit column."""
        values, placed, unsure = [""] * self.width, set(), []
        for column, options in enumerate(spans):
            if len(options) == 1 or all(size == 0 for _, size in options):
                start, size = next(iter(options))
                values[column] = self.delimiter.join(fields[start : start + size])
                placed.update(range(start, start + size))
            else:
                unsure.append(self.names[column])
        if not unsure:
            return FittedRow(values, reason=f"{said}; {self._what_was_done(spans)}")
        rest = self.delimiter.join(f for i, f in enumerate(fields) if i not in placed)
        listed = ", ".join(unsure)
        return FittedRow(
            values,
            unsplit=rest,
            reason=f"{said} and {listed} cannot be told apart: "
            f"{'they were' if len(unsure) > 1 else 'it was'} left empty and those fields are "
            f"kept as written in the column '{UNSPLIT_COLUMN}'",
        )

    def _what_was_done(self, spans: list[set]) -> str:
        word = DELIMITER_WORDS.get(self.delimiter, "delimiter")
        joined = [self.names[c] for c, s in enumerate(spans) if next(iter(s))[1] > 1]
        emptied = [self.names[c] for c, s in enumerate(spans) if next(iter(s))[1] == 0]
        if joined:
            where = ", ".join(joined)
            return f"repaired: the {word} inside {where} is part of the value (told apart by the kinds of the columns around it)"
        return (
            f"repaired: {', '.join(emptied)} left empty "
            "(told apart by the kinds of the columns around it)"
        )


def _all_agree(spans: list[set]) -> bool:
    return all(len(s) == 1 or all(size == 0 for _, size in s) for s in spans)


# ---------------------------------------------------------------------------
# Characters in another encoding

# bytes that mean nothing in Windows-1252: no repair is possible for them
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_ESCAPED = re.compile(r"[\udc80-\udcff]+")


def count_non_utf8(data: bytes) -> int:
    """How many bytes of ``data`` are not part of valid UTF-8."""
    text = data.decode("utf-8", errors="surrogateescape")
    return sum(len(run) for run in _ESCAPED.findall(text))


def decode_utf8_with_cp1252(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 text in which bytes that are not UTF-8 are read as Windows-1252.

    A Windows program pasting into a UTF-8 file writes its curly quotes and
    accented letters as single Windows-1252 bytes, which are never valid
    UTF-8; reading each such byte as Windows-1252 gives back the character.

    Returns:
        The text and notes saying on which lines characters were repaired,
        and which bytes could not be (replaced by U+FFFD).
    """
    text = data.decode("utf-8", errors="surrogateescape")
    runs = list(_ESCAPED.finditer(text))
    if not runs:
        return text, []
    repaired_lines: list[int] = []
    lost_lines: list[int] = []
    repaired = lost = 0
    pieces, at, line, seen = [], 0, 1, 0
    for run in runs:
        line += text.count("\n", seen, run.start())
        seen = run.start()
        raw = run.group().encode("utf-8", errors="surrogateescape")
        out = []
        for byte in raw:
            if byte in _CP1252_UNDEFINED:
                out.append("\ufffd")
                lost += 1
                _add_line(lost_lines, line)
            else:
                out.append(bytes([byte]).decode("cp1252"))
                repaired += 1
                _add_line(repaired_lines, line)
        pieces.append(text[at : run.start()])
        pieces.append("".join(out))
        at = run.end()
    pieces.append(text[at:])
    notes = []
    if repaired:
        notes.append(
            f"{repaired} character(s) on {_lines(repaired_lines, 'line')} were not UTF-8 like the "
            "rest of the file; they were read as Windows-1252 (curly quotes, dashes, accented "
            "letters pasted from a Windows program)."
        )
    if lost:
        notes.append(
            f"{lost} byte(s) on {_lines(lost_lines, 'line')} are neither UTF-8 nor Windows-1252 "
            "and were replaced by '\ufffd'; check those lines in the file."
        )
    return "".join(pieces), notes


def _add_line(lines: list[int], line: int) -> None:
    if not lines or lines[-1] != line:
        lines.append(line)


def _lines(numbers: list[int], word: str) -> str:
    listed = ", ".join(str(n) for n in numbers[:LISTED])
    more = f" and {len(numbers) - LISTED} more" if len(numbers) > LISTED else ""
    return f"{word}{'s' if len(numbers) != 1 else ''} {listed}{more}"


# Text garbled upstream: UTF-8 read as Windows-1252 ("Ã©" for "é", "â€™" for "’")
_GARBLED = r"[ÂÃ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|â€"
_GARBLED_BYTES = (b"\xc3\x82", b"\xc3\x83", b"\xc3\xa2\xe2\x82\xac")  # their UTF-8 leads


def may_hold_garbled_text(data: bytes) -> bool:
    """A fast look at a UTF-8 file's bytes: could any cell hold garbled text?"""
    return any(lead in data for lead in _GARBLED_BYTES)


def repair_garbled_cells(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Cells garbled by a wrong decoding upstream, put right by ``ftfy.fix_encoding``.

    Only cells showing the garbling's marks are looked at; a cell ftfy
    cannot put right is left as it is and its row reported.

    Returns:
        The frame (a copy if anything changed) and notes naming the rows.
    """
    fixed_rows: set[int] = set()
    stuck_rows: set[int] = set()
    out = frame
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        marked = column.str.contains(_GARBLED, regex=True).to_numpy(dtype=bool)
        if not marked.any():
            continue
        import ftfy

        rows = np.flatnonzero(marked)
        before = column.to_numpy()[rows].tolist()
        after = [ftfy.fix_encoding(value) for value in before]
        changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        stuck_rows.update(int(rows[i]) + 1 for i in range(len(rows)) if before[i] == after[i])
        if changed:
            if out is frame:
                out = frame.copy()
            values = column.to_numpy(dtype=object).copy()
            values[rows[changed]] = [after[i] for i in changed]
            out.isetitem(position, pd.Series(values, index=frame.index, dtype="str"))
            fixed_rows.update(int(rows[i]) + 1 for i in changed)
    notes = []
    if fixed_rows:
        notes.append(
            f"Text garbled by a wrong encoding (such as 'Ã©' for 'é') was repaired on "
            f"{_lines(sorted(fixed_rows), 'row')}."
        )
    if stuck_rows - fixed_rows:
        notes.append(
            f"Text on {_lines(sorted(stuck_rows - fixed_rows), 'row')} looks garbled by a wrong "
            "encoding but could not be repaired; check those rows in the file."
        )
    return out, notes
