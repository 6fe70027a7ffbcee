"""``overlap report``: a printable report for a board or a funder, from a match folder.

Reads the folder ``overlap match --out DIR`` wrote and writes one
self-contained HTML file or a PDF (printed by the installed Chromium) with
counts only: headline numbers (with ranges when ``overlap.json`` has them),
the overlap charts, the map and the ranking of areas, and how the match was
made. No name, address, phone or email goes in; counts below 11 are hidden
unless ``--show-small-counts`` is given.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from overlap.cli import add_from_option, command
from overlap.cli.output import say, tell
from overlap.errors import OverlapError


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``overlap report`` and return its parser."""
    parser = command(subparsers, "report")
    add_from_option(parser)
    parser.add_argument("--out", required=True, metavar="FILE", help="FILE.pdf or FILE.html")
    parser.add_argument("--title", default="Who our programmes share", help="the report's title")
    parser.add_argument(
        "--by",
        default="zip",
        metavar="COLUMN",
        help="rank areas by this column of records.csv (default: zip)",
    )
    parser.add_argument(
        "--show-small-counts",
        action="store_true",
        help="show counts below 11 too (hidden by default: the report is for sharing)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the report; say where (never who)."""
    from overlap.report import report_data, write_report
    from overlap.results import load_result

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".html"):
        raise OverlapError(
            f"Cannot write a report to {out.name}: the name must end in .pdf or .html."
        )
    if not out.parent.is_dir():
        raise OverlapError(f"Cannot write {out}: the folder {out.parent} does not exist.")
    folder = Path(args.from_dir)
    match = load_result(folder)
    records, attributes = match.records, match.attributes
    summary = match.overlap or None
    if args.by not in records.columns:
        raise OverlapError(
            f"records.csv has no column {args.by}; rank by zip, city or a column it has."
        )
    tell("overlap: drawing the charts and laying out the report…")
    data = report_data(
        records,
        summary=summary,
        threshold=summary.get("threshold") if summary else None,
        reach_column=args.by,
        attributes=attributes,
        title=args.title,
    )
    write_report(data, out, suppress=not args.show_small_counts)
    say(f"Wrote the report ({len(data.summary['programmes'])} programmes) to {out}.")
    return 0
