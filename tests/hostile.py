"""A corpus of hostile inputs that Overlap accepts: files it used to read wrong without a word.

Each maker writes real bytes (the real csv writer, xlsxwriter) into a folder
and returns the path; the expected rows and messages sit beside each maker,
and ``tests/test_hostile_inputs.py`` runs the corpus through ``overlap
inspect``, ``match``, ``export``, ``encode`` and the dashboard's Rosters page.
Every person here is made up.

Import from any test in ``tests/`` with ``import hostile``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import filegen

FIRSTS = ["Ana", "Ben", "Cora", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jude", "Kai", "Lina"]
LASTS = ["Okafor", "Lindqvist", "Moreau", "Patel", "Quinn", "Rossi", "Sato", "Toure"]
STREETS = ["Oak St", "Elm Ave", "Lake Dr", "Pine Ct", "Main St", "Cedar Rd"]

HEADER = ["First Name", "Last Name", "Address", "City", "State", "ZIP", "Phone", "Email", "DOB"]


def people(n: int, seed: int = 0) -> list[list[str]]:
    """``n`` made-up people, one row each, in the order of ``HEADER``."""
    rows = []
    for i in range(n):
        k = i + seed
        first, last = FIRSTS[k % len(FIRSTS)], LASTS[(k // len(FIRSTS)) % len(LASTS)]
        rows.append(
            [
                first,
                last,
                f"{100 + k} {STREETS[k % len(STREETS)]}",
                "Chicago",
                "IL",
                f"606{k % 40:02d}",
                f"312-555-{1000 + k:04d}",
                f"{first.lower()}.{last.lower()}{k}@mail.example.org",
                f"19{50 + k % 45}-{1 + k % 12:02d}-{1 + k % 28:02d}",
            ]
        )
    return rows


def _csv(rows: list[list[str]], quoting=csv.QUOTE_MINIMAL) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n", quoting=quoting).writerows(rows)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# 1. Ragged rows: an unquoted comma inside the address of some rows

RAGGED_PEOPLE = 40
RAGGED_REPAIRED = {5: "Apt 2", 12: "Unit B", 20: "Suite 300"}  # row (1-based) -> unit
RAGGED_AMBIGUOUS_ROW = 30  # a comma inside the city as well: no reading is certain
RAGGED_SHORT_ROW = 35  # the state left out altogether: one field short


def ragged_csv(folder: Path) -> Path:
    """A CSV written by hand-rolled code that joins fields with commas and never quotes.

    Rows 5, 12 and 20 hold "12 Oak St, Apt 2" in the address (one field too
    many); row 30 also has "Chi,cago" (two too many, no way to tell which
    comma is real); row 35 lacks its state (one field short).
    """
    lines = [",".join(HEADER)]
    for i, row in enumerate(people(RAGGED_PEOPLE), start=1):
        row = list(row)
        if i in RAGGED_REPAIRED:
            row[2] = f"{row[2]}, {RAGGED_REPAIRED[i]}"
        if i == RAGGED_AMBIGUOUS_ROW:
            row[2], row[3] = f"{row[2]}, Rear", "Chi,cago"
        if i == RAGGED_SHORT_ROW:
            del row[4]
        lines.append(",".join(row))
    path = folder / "ragged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


RAGGED_PROBLEMS = {
    5: "has 10 fields, the header has 9; repaired: the comma inside Address is part of the "
    "value (told apart by the kinds of the columns around it)",
    30: "has 11 fields, the header has 9 and Address, City cannot be told apart: they were "
    "left empty and those fields are kept as written in the column 'Unsplit fields'",
    35: "has 8 fields, the header has 9; repaired: State left empty (told apart by the kinds "
    "of the columns around it)",
}


# ---------------------------------------------------------------------------
# 2. UTF-8 with a byte-order mark, and Windows-1252 smart quotes pasted in

SMART_ROWS = 12
SMART_LINES = (5, 9)  # physical lines holding Windows-1252 bytes
SMART_NAMES = {4: ("Robert “Bob”", "O’Stanman"), 8: ("Zoë", "Núñez—Díaz")}  # row -> names


def smart_quotes_csv(folder: Path) -> Path:
    """A UTF-8 file (with BOM) into which a Windows program pasted two rows in Windows-1252."""
    rows = people(SMART_ROWS, seed=3)
    data = b"\xef\xbb\xbf" + _csv([HEADER]).encode("utf-8")
    for i, row in enumerate(rows, start=1):
        if i in SMART_NAMES:
            row = [*SMART_NAMES[i], *row[2:]]
            data += _csv([row]).encode("cp1252")
        else:
            data += _csv([row]).encode("utf-8")
    path = folder / "smart_quotes.csv"
    path.write_bytes(data)
    return path


SMART_NOTE = (
    "8 character(s) on lines 5, 9 were not UTF-8 like the rest of the file; they were read as "
    "Windows-1252 (curly quotes, dashes, accented letters pasted from a Windows program)."
)


def garbled_csv(folder: Path) -> Path:
    """UTF-8 text that went through a wrong decoding upstream: "JosÃ©" for "José"."""
    rows = people(10, seed=5)
    rows[2][:2] = ["JosÃ©", "PeÃ±a"]
    rows[6][:2] = ["Maria", "Oâ€™Neil"]
    path = folder / "garbled.csv"
    path.write_text(_csv([HEADER, *rows]), encoding="utf-8")
    return path


GARBLED_NAMES = {3: ("José", "Peña"), 7: ("Maria", "O’Neil")}
GARBLED_NOTE = "Text garbled by a wrong encoding (such as 'Ã©' for 'é') was repaired on rows 3, 7."


# ---------------------------------------------------------------------------
# 3. A workbook whose roster sits on its third sheet

THIRD_SHEET_ROWS = 25


def third_sheet_xlsx(folder: Path) -> Path:
    """Cover sheet (a title and a date), a sheet of notes, then the clients."""
    return filegen.write_xlsx(
        folder / "clients_export.xlsx",
        {
            "Cover": [["Client export"], ["Prepared 2024-03-01"]],
            "Notes": [["Note", "By"], ["call back in May", "front desk"]],
            "Clients": [HEADER, *people(THIRD_SHEET_ROWS, seed=7)],
        },
    )


THIRD_SHEET_NOTE = (
    "The sheet 'Cover' holds no roster (no column of names), so the sheet 'Clients' was read."
)


# ---------------------------------------------------------------------------
# 4. The same roster twice


def same_twice(folder: Path) -> tuple[Path, Path, Path]:
    """A roster, a copy under another name (same bytes), and an XLSX of the same rows."""
    rows = [HEADER, *people(15, seed=11)]
    original = filegen.write_text(folder / "food_bank.csv", rows)
    copy = folder / "food bank (copy).csv"
    copy.write_bytes(original.read_bytes())
    workbook = filegen.write_xlsx(folder / "food_bank_export.xlsx", {"Sheet1": rows})
    return original, copy, workbook


# ---------------------------------------------------------------------------
# 5. Two rosters that share people, for match / export / encode


def partner_csv(folder: Path, name: str, seed: int, n: int = 20, moved: int | None = None) -> Path:
    """A partner's roster; ``moved`` (0-based) gets another ZIP on this roster."""
    rows = people(n, seed=seed)
    if moved is not None:
        rows[moved][5] = "60699"
    return filegen.write_text(folder / name, [HEADER, *rows])
