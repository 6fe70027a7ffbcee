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

from overlap.cli.output import say
from overlap.errors import OverlapError
from overlap.export import write_table
from overlap.outreach import TargetConditions, build_target_list, display_targets
from overlap.results import load_result


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``overlap export`` and return its parser."""
    parser = subparsers.add_parser(
        "export",
        help="write an outreach list (one row per person) from a match",
        description=(
            "Write an outreach list from the folder `overlap match --out DIR` made: one row "
            "per person, contact details merged from all their records. The file holds "
            "personal data; share it with care."
        ),
    )
    parser.add_argument(
        "--from",
        dest="from_dir",
        required=True,
        metavar="DIR",
        help="the folder written by `overlap match --out DIR`",
    )
    parser.add_argument(
        "--in",
        dest="in_any",
        action="append",
        default=[],
        metavar="PROGRAMME",
        help="people in this programme (repeat: in any of them)",
    )
    parser.add_argument(
        "--in-all",
        dest="in_all",
        action="append",
        default=[],
        metavar="PROGRAMME",
        help="people in every one of these programmes (repeatable)",
    )
    parser.add_argument(
        "--not-in",
        dest="not_in",
        action="append",
        default=[],
        metavar="PROGRAMME",
        help="leave out people in this programme (repeatable)",
    )
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="COLUMN=VALUE",
        help="keep people with this value in any of their records; repeat a column for 'one of'",
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
    if not out.parent.is_dir():
        raise OverlapError(f"Cannot export to {out}: the folder {out.parent} does not exist.")
    conditions = TargetConditions(
        in_any=list(args.in_any),
        in_all=list(args.in_all),
        not_in=list(args.not_in),
        where=parse_where(args.where),
    )
    from overlap.privacy import home

    if Path(args.from_dir).exists() and home.is_encoded_result(args.from_dir):
        records, attributes = home.own_people(args.from_dir, args.key_file, args.roster)
        links = None
    else:
        match = load_result(args.from_dir)
        records, attributes, links = match.records, match.attributes, match.links
    people = build_target_list(records, conditions, attributes=attributes, links=links)
    write_table(display_targets(people), out, sheet_name="Outreach list")
    noun = "person" if len(people) == 1 else "people"
    say(f"Wrote {len(people)} {noun} ({conditions.describe()}) to {out}.")
    return 0
