"""``overlap export``: a target list from the output of ``overlap match``.

Reads ``DIR/records.csv`` (and ``DIR/links.csv`` for match confidence),
keeps the people meeting the conditions, merges each person's records into one
row and writes a CSV or XLSX with spreadsheet formulas neutralised.
Columns of ``records.csv`` beyond the normalised fields are treated as roster
attributes, so ``--where`` can filter on them when the match writes them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from overlap.cli import add_from_option, command
from overlap.cli.output import say
from overlap.errors import OverlapError
from overlap.export import write_table
from overlap.outreach import (
    TargetConditions,
    build_target_list,
    display_targets,
    where_matches,
)
from overlap.results import MATCH_FILES, check_outputs, load_result


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``overlap export`` and return its parser."""
    parser = command(subparsers, "export")
    add_from_option(parser)
    for flag, dest, meaning in (
        ("--in", "in_any", "people in this programme (repeat: in any of them)"),
        ("--in-all", "in_all", "people in every one of these programmes (repeatable)"),
        ("--not-in", "not_in", "leave out people in this programme (repeatable)"),
    ):
        parser.add_argument(
            flag, dest=dest, action="append", default=[], metavar="PROGRAMME", help=meaning
        )
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="COLUMN=VALUE",
        help=(
            "keep people any of whose records has this value (the list shows the value "
            "that matched); repeat a column for 'one of'"
        ),
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="the list to write: FILE.csv or FILE.xlsx",
    )
    parser.add_argument(
        "--key-file",
        default=None,
        metavar="KEY.csv",
        help="for a match of encoded (.clk) files: your key file, to list your own people",
    )
    parser.add_argument(
        "--roster",
        default=None,
        metavar="FILE",
        help="for a match of encoded (.clk) files: the roster you encoded",
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    return parser


def parse_where(items: list[str]) -> dict[str, list[str]]:
    """``["zip=60623", "zip=60608", "language=Spanish"]`` -> ``{"zip": [...], "language": [...]}``."""
    where: dict[str, list[str]] = {}
    for item in items:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise OverlapError(
                "--where needs COLUMN=VALUE (for example --where zip=60623); one was missing the '='."
            )
        where.setdefault(column.strip(), []).append(value.strip())
    return where


def run(args: argparse.Namespace) -> int:
    """Write the list; print how many people it holds (never who)."""
    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise OverlapError(f"Cannot export to {out.name}: the file name must end in .csv or .xlsx.")
    folder = Path(args.from_dir)
    inputs = [folder, *(folder / name for name in MATCH_FILES)] + [
        Path(p) for p in (args.key_file, args.roster) if p
    ]
    check_outputs([out], inputs, overwrite=args.force)
    conditions = TargetConditions(
        in_any=list(args.in_any),
        in_all=list(args.in_all),
        not_in=list(args.not_in),
        where=parse_where(args.where),
    )
    from overlap.privacy import home

    as_typed = None
    if folder.exists() and home.is_encoded_result(folder):
        records, attributes = home.own_people(folder, args.key_file, args.roster)
        links = None
    else:
        match = load_result(folder)
        records, attributes, links = match.records, match.attributes, match.links
        as_typed = match.as_typed
    people = build_target_list(
        records, conditions, attributes=attributes, links=links, as_typed=as_typed
    )
    table = display_targets(people)
    matched = where_matches(records, conditions, attributes).reindex(people.index)
    for column in conditions.where:
        table[_matched_label(column)] = matched[column].fillna("").to_numpy()
    out.parent.mkdir(parents=True, exist_ok=True)  # checked writable before the work
    write_table(table, out, sheet_name="Outreach list")
    noun = "person" if len(people) == 1 else "people"
    say(f"Wrote {len(people)} {noun} ({conditions.describe()}) to {out}.")
    for column in conditions.where:
        say(_where_sentence(table, column))
    return 0


def _matched_label(column: str) -> str:
    return f"{column} (matched --where)"


def _where_sentence(table, column: str) -> str:
    """Which record --where tested, and how often the list shows another value."""
    label = _matched_label(column)
    text = (
        f"--where {column}: a person is on the list when any one of their records has that "
        f"{column}; the column '{label}' shows the value that matched."
    )
    if column not in table.columns or table.empty:
        return text
    shown = table[column].astype("str").str.strip().str.casefold()
    pairs = pd.DataFrame({"shown": shown, "matched": table[label].str.casefold().str.split("; ")})
    pairs = pairs.explode("matched")
    same = (pairs["shown"] == pairs["matched"]).groupby(level=0).any()
    other = int((~same).sum())
    if other:
        text += (
            f" For {other} of them the {column} shown is another one: the list shows the "
            "address of their most complete record."
        )
    return text
