"""``overlap inspect FILE``: show what Overlap reads in a roster, before matching it.

A programme manager runs this to check that the right sheet, header and
columns were found. It prints what was detected and the column mapping with
the reason for each guess; it never prints a cell (cells hold personal data).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from overlap.cli.output import say
from overlap.errors import MappingError
from overlap.ingest import Roster, read_roster
from overlap.mapping import (
    FIELD_WORDS,
    IGNORE,
    MappingGuess,
    apply_overrides,
    guess_mapping,
    override_applies,
    overrides_for,
    parse_map_overrides,
)

MAX_PROBLEMS_SHOWN = 20

FORMAT_WORDS = {
    "csv": "CSV (comma-separated text)",
    "tsv": "TSV (tab-separated text)",
    "semicolon": "semicolon-separated text",
    "pipe": "pipe-separated text",
    "xlsx": "Excel workbook (.xlsx)",
    "xls": "Excel 97-2003 workbook (.xls)",
    "ods": "OpenDocument spreadsheet (.ods)",
}

DELIMITER_WORDS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "inspect",
        help="show how a roster file is read and which columns are used for matching",
        description=(
            "Read one roster and show its format, encoding, header row, row count, "
            "rows with problems and the guessed column mapping. No cell is printed."
        ),
    )
    parser.add_argument("file", help="a roster: CSV, TSV, TXT, XLSX, XLS or ODS")
    parser.add_argument("--sheet", help="the workbook sheet to read (default: the first with data)")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help=(
            "set a column's field yourself (FIELD may be 'ignore' or 'attribute'); repeatable; "
            "write FILE:COLUMN=FIELD when the column name holds ':'"
        ),
    )
    return parser


def run(args: argparse.Namespace) -> int:
    roster = read_roster(args.file, sheet=args.sheet)
    file_name = Path(args.file).name
    overrides = parse_map_overrides(args.map, default_file=file_name)
    for key in overrides:
        if not override_applies(key, file_name):
            raise MappingError(
                f"--map names the file '{key}', but the file inspected is {file_name}; "
                f"write COLUMN=FIELD, or {file_name}:COLUMN=FIELD for a column name with ':'."
            )
    guess = guess_mapping(roster.frame)
    guess = apply_overrides(guess, overrides_for(overrides, args.file), roster.file_name)
    say(render_report(roster, guess))
    return 0


def render_report(roster: Roster, guess: MappingGuess) -> str:
    """The inspection as plain text: what was detected, problems, mapping with reasons."""
    return "\n".join(
        _detected_lines(roster)
        + _problem_lines(roster)
        + _note_lines(roster)
        + _mapping_lines(guess)
    )


def _detected_lines(roster: Roster) -> list[str]:
    lines = [
        f"File:        {roster.file_name}",
        f"Programme:   {roster.name}",
        f"Format:      {FORMAT_WORDS.get(roster.format, roster.format)}",
    ]
    if roster.encoding:
        lines.append(f"Encoding:    {roster.encoding}")
    if roster.delimiter:
        lines.append(
            f"Delimiter:   {DELIMITER_WORDS.get(roster.delimiter, repr(roster.delimiter))}"
        )
    if roster.sheets:
        listed = ", ".join(f"'{s}'" for s in roster.sheets)
        lines.append(f"Sheets:      {listed}")
        lines.append(f"Sheet read:  '{roster.sheet}'")
    where = "row" if roster.sheets else "line"
    lines.append(f"Header:      {where} {roster.header_row}")
    lines.append(f"Rows:        {len(roster.frame):,}")
    lines.append(f"Columns:     {roster.frame.shape[1]:,}")
    return lines


def _problem_lines(roster: Roster) -> list[str]:
    problems = roster.problems
    if not problems:
        return ["", "Rows with problems: none"]
    lines = ["", f"Rows with problems: {len(problems):,} (kept, as read)"]
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        where = f" (line {problem.line})" if problem.line is not None else ""
        lines.append(f"  row {problem.row}{where}: {problem.reason}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(f"  ... and {len(problems) - MAX_PROBLEMS_SHOWN:,} more")
    return lines


def _note_lines(roster: Roster) -> list[str]:
    if not roster.notes:
        return []
    return ["", "Notes:"] + [f"  - {note}" for note in roster.notes]


def _mapping_lines(guess: MappingGuess) -> list[str]:
    width = max([len(c) for c in guess.columns] + [6])
    lines = ["", "Columns:"]
    for raw in guess.columns:
        field = guess.mapping.get(raw)
        if field == IGNORE:
            target = "left out"
        else:
            target = f"{field} ({FIELD_WORDS[field]})" if field else "attribute"
        why = guess.evidence.get(raw)
        lines.append(f"  {raw:<{width}}  -> {target}" + (f": {why}" if why else ""))
    for missing in guess.missing_required:
        lines.append("")
        lines.append(
            f"Missing: {missing}; matching needs one. Use --map COLUMN=full_name to choose it."
        )
    return lines
