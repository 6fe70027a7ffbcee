"""``overlap inspect FILE``: show what Overlap reads in a roster, before matching it.

A programme manager runs this to check that the right sheet, header and
columns were found. It prints what was detected and the column mapping with
the reason for each guess; it never prints a cell (cells hold personal data).
"""

from __future__ import annotations

import argparse

from overlap.cli.output import say
from overlap.ingest import Roster, read_roster
from overlap.mapping import FIELD_WORDS, IGNORE, MappingGuess

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
    from overlap.cli import command
    from overlap.cli.match_cmd import add_roster_options

    parser = command(subparsers, "inspect")
    parser.add_argument("file", help="a roster: CSV, TSV, TXT, XLSX, XLS or ODS")
    add_roster_options(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from overlap.inputs import (
        check_sheet_applies,
        guess_with_corrections,
        maps_per_file,
        sheets_per_file,
    )

    [sheet] = sheets_per_file(args.sheet, [args.file])
    [corrections] = maps_per_file(args.map, [args.file])
    roster = read_roster(args.file, sheet=sheet)
    check_sheet_applies(roster, sheet)
    guess = guess_with_corrections(roster, corrections)
    say(render_report(roster, guess))
    return 0


def render_report(roster: Roster, guess: MappingGuess) -> str:
    """The inspection as plain text: what was detected, problems, mapping with reasons."""
    return "\n".join(
        _detected_lines(roster)
        + _problem_lines(roster)
        + _note_lines(roster)
        + _mapping_lines(guess, roster.file_name)
        + _shared_row_lines(roster, guess)
        + _other_sheet_lines(roster, guess)
    )


def _shared_row_lines(roster: Roster, guess: MappingGuess) -> list[str]:
    """How many rows name two people ("Smith, John & Mary"): each is matched as two people."""
    from overlap.mapping import apply_mapping
    from overlap.split_rows import describe_rows_naming_two, rows_naming_two

    sentence = describe_rows_naming_two(rows_naming_two(apply_mapping(roster, guess.mapping)))
    return ["", sentence] if sentence else []


def _other_sheet_lines(roster: Roster, guess: MappingGuess) -> list[str]:
    others = [s for s in roster.sheets if s != roster.sheet]
    if not guess.missing_required or not others:
        return []
    listed = ", ".join(f"'{s}'" for s in others)
    return [f"Other sheets: {listed}; read one with --sheet {roster.file_name}:SHEET."]


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
    lines = [
        "",
        f"Rows with problems: {len(problems):,} (every one kept; what was done is said per row)",
    ]
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


def _mapping_lines(guess: MappingGuess, file_name: str) -> list[str]:
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
            f"Missing: {missing}; matching needs one. Use --map {file_name}:COLUMN=full_name "
            "to choose it."
        )
    return lines
