"""``overlap encode``: turn a roster into an encoded file partners can match without seeing it.

The roster is read, mapped and normalised as for ``overlap match``; each
record becomes a keyed Bloom-filter encoding (see ``overlap.privacy``). Two
files are written: ``ROSTER.clk`` (to send) and ``ROSTER.key.csv`` (to keep:
it maps the random ids in the .clk back to your row numbers).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from overlap.cli import command
from overlap.cli.match_cmd import add_roster_options
from overlap.cli.output import say
from overlap.errors import OverlapError


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``overlap encode`` and return its parser."""
    parser = command(subparsers, "encode")
    parser.add_argument("roster", help="the roster file (CSV, TSV, XLSX, XLS or ODS)")
    parser.add_argument(
        "--secret-file",
        required=True,
        help="file holding the secret every partner uses (at least 16 random bytes)",
    )
    parser.add_argument("--out", required=True, help="the encoded file to write (ROSTER.clk)")
    parser.add_argument(
        "--share",
        default="",
        help="comma-separated columns to send in plain text, e.g. zip,city (default: none)",
    )
    parser.add_argument("--name", default=None, help="programme name (default: the file name)")
    add_roster_options(parser)
    parser.add_argument(
        "--force", action="store_true", help="replace an encoded file or key file already there"
    )
    return parser


def key_file_path(out: Path) -> Path:
    """Where the owner's key file goes: next to the .clk, ``NAME.key.csv``."""
    stem = out.name[: -len(".clk")] if out.name.lower().endswith(".clk") else out.name
    return out.with_name(f"{stem}.key.csv")


def run(args: argparse.Namespace) -> int:
    """Encode one roster; print what was written (never a cell of the roster)."""
    from overlap import privacy
    from overlap.inputs import check_sheet_applies, maps_per_file, sheets_per_file
    from overlap.results import check_outputs

    out = Path(args.out)
    key_path = key_file_path(out)
    roster_path = Path(args.roster)
    if not roster_path.is_file():
        raise OverlapError(f"{roster_path} does not exist or is not a file.")
    [sheet] = sheets_per_file(args.sheet, [args.roster])
    [overrides] = maps_per_file(args.map, [args.roster])
    check_outputs([out, key_path], [roster_path, Path(args.secret_file)], overwrite=args.force)
    secret = privacy.read_secret(args.secret_file)
    share = [c.strip() for c in args.share.split(",") if c.strip()]
    encoded, keymap, roster = privacy.encode_file(
        roster_path,
        secret,
        share_columns=share,
        name=args.name,
        sheet=sheet,
        overrides=overrides,
    )
    check_sheet_applies(roster, sheet)
    out.parent.mkdir(parents=True, exist_ok=True)
    privacy.write_encoded(encoded, out)
    privacy.write_key_map(keymap, key_path)
    shared = ", ".join(share) if share else "nothing"
    say(f"Encoded {len(encoded.frame):,} records of {encoded.name} into {out} (send this file).")
    say(f"Sent in plain text: {shared}.")
    say(
        f"Key file {key_path}: KEEP IT ON THIS COMPUTER. It turns the random ids in a match "
        "back into your row numbers; never send it, nor the secret file, with the .clk."
    )
    for problem in roster.problems[:5]:
        say(f"  row {problem.row}: {problem.reason}")
    if len(roster.problems) > 5:
        say(f"  ... and {len(roster.problems) - 5} more rows with problems")
    return 0
