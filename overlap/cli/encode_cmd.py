"""``overlap encode``: turn a roster into an encoded file partners can match without seeing it.

The roster is read, mapped and normalised as for ``overlap match``; each
record becomes a keyed Bloom-filter encoding (see ``overlap.privacy``). Two
files are written: ``ROSTER.clk`` (to send) and ``ROSTER.key.csv`` (to keep:
it maps the random ids in the .clk back to your row numbers).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from overlap.errors import MappingError, OverlapError


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
        help="map a column to a field, overriding the guess (repeatable)",
    )
    return parser


def key_file_path(out: Path) -> Path:
    """Where the owner's key file goes: next to the .clk, ``NAME.key.csv``."""
    stem = out.name[: -len(".clk")] if out.name.lower().endswith(".clk") else out.name
    return out.with_name(f"{stem}.key.csv")


def parse_map_overrides(items: list[str]) -> dict[str, str]:
    """``["Surname=last_name", ...]`` -> ``{"Surname": "last_name"}``."""
    out = {}
    for item in items:
        raw, sep, field = item.rpartition("=")
        if not sep or not raw or not field:
            raise MappingError(f"--map {item!r} must look like RAW=FIELD, e.g. Surname=last_name")
        out[raw] = field
    return out


def run(args: argparse.Namespace) -> int:
    """Encode one roster; print what was written (never a cell of the roster)."""
    from overlap import privacy
    from overlap.ingest import read_roster
    from overlap.mapping import apply_mapping, guess_mapping
    from overlap.pipeline import prepare_records

    secret = privacy.read_secret(args.secret_file)
    out = Path(args.out)
    key_path = key_file_path(out)
    if out.resolve() == Path(args.roster).resolve():
        raise OverlapError(f"--out {out} would overwrite the roster itself")
    share = [c.strip() for c in args.share.split(",") if c.strip()]

    roster = read_roster(args.roster, name=args.name, sheet=args.sheet)
    mapping = dict(guess_mapping(roster.frame).mapping)
    overrides = parse_map_overrides(args.map)
    for raw, field in overrides.items():
        mapping = {r: f for r, f in mapping.items() if r != raw}
        mapping[raw] = field
    mapped = apply_mapping(roster, mapping)
    records, attributes = prepare_records([mapped])
    encoded, keymap = privacy.encode_roster(
        records, secret, share_columns=share, attributes=attributes, name=roster.name
    )
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    privacy.write_encoded(encoded, out)
    privacy.write_key_map(keymap, key_path)
    shared = ", ".join(share) if share else "nothing"
    print(f"Encoded {len(encoded.frame):,} records of {encoded.name} into {out} (send this file).")
    print(f"Sent in plain text: {shared}.")
    print(
        f"Key file {key_path}: KEEP IT ON THIS COMPUTER. It turns the random ids in matches "
        "back into your row numbers; never send it, nor the secret file, with the .clk."
    )
    for problem in roster.problems[:5]:
        print(f"  row {problem.row}: {problem.reason}")
    if len(roster.problems) > 5:
        print(f"  ... and {len(roster.problems) - 5} more rows with problems")
    return 0
