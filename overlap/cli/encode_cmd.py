"""``overlap encode``: turn a roster into an encoded file partners can match without seeing it.

The roster is read, mapped and normalised as for ``overlap match``; each
record becomes a keyed Bloom-filter encoding (see ``overlap.privacy``). Two
files are written: ``ROSTER.clk`` (to send) and ``ROSTER.key.csv`` (to keep:
it maps the random ids in the .clk back to your row numbers).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from overlap.cli.output import say
from overlap.errors import OverlapError


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``overlap encode`` and return its parser."""
    parser = subparsers.add_parser(
        "encode",
        help="encode a roster so partners can measure overlap without seeing names",
        description=(
            "Encode a roster with a secret shared by the partners. Send the .clk file; "
            "keep the .key.csv file (and the secret) on your own computer."
        ),
    )
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
    parser.add_argument("--sheet", default=None, help="sheet of a workbook (default: the first)")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="RAW=FIELD",
        help="map a column to a field, overriding the guess, e.g. Surname=last_name (repeatable)",
    )
    return parser


def key_file_path(out: Path) -> Path:
    """Where the owner's key file goes: next to the .clk, ``NAME.key.csv``."""
    stem = out.name[: -len(".clk")] if out.name.lower().endswith(".clk") else out.name
    return out.with_name(f"{stem}.key.csv")


def run(args: argparse.Namespace) -> int:
    """Encode one roster; print what was written (never a cell of the roster)."""
    from overlap import privacy
    from overlap.mapping import overrides_for, parse_map_overrides

    secret = privacy.read_secret(args.secret_file)
    out = Path(args.out)
    key_path = key_file_path(out)
    roster_path = Path(args.roster)
    if out.resolve() == roster_path.resolve() or key_path.resolve() == roster_path.resolve():
        raise OverlapError(f"--out {out} would overwrite the roster itself; choose another name")
    share = [c.strip() for c in args.share.split(",") if c.strip()]
    overrides = overrides_for(parse_map_overrides(list(args.map)), roster_path.name)

    encoded, keymap, roster = privacy.encode_file(
        roster_path,
        secret,
        share_columns=share,
        name=args.name,
        sheet=args.sheet,
        overrides=overrides,
    )
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
    problems = getattr(roster, "problems", [])
    for problem in problems[:5]:
        say(f"  row {problem.row}: {problem.reason}")
    if len(problems) > 5:
        say(f"  ... and {len(problems) - 5} more rows with problems")
    return 0
