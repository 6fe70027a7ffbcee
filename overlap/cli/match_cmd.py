"""``overlap match``: find the people several rosters share.

Writes ``records.csv`` (every input row with its ``person_id``),
``links.csv`` (every scored pair at or above the threshold, with each
comparison's level) and ``overlap.json`` into ``--out DIR``
(``overlap.results``). One progress line per stage goes to stderr, with
counts and timings only. Before any work: the output folder is checked
(writable, no earlier results replaced without ``--force``, no input
overwritten), and the same roster given twice is refused unless
``--allow-same``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from pathlib import Path

from overlap.cli import check_roster_files, command
from overlap.cli.output import ProgressLines, tell
from overlap.errors import OverlapError
from overlap.results import DEFAULT_THRESHOLD, MATCH_FILES


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``overlap match`` and return its parser."""
    parser = command(subparsers, "match")
    parser.add_argument("files", nargs="+", metavar="FILE", help="roster files (CSV, Excel, ODS)")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the results")
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="P",
        help=f"link records whose match probability is at least P (default {DEFAULT_THRESHOLD})",
    )
    parser.add_argument(
        "--name",
        action="append",
        default=None,
        metavar="NAME",
        help="programme name for each file, in order (default: the file name)",
    )
    add_roster_options(parser)
    parser.add_argument(
        "--decisions",
        metavar="FILE",
        default=None,
        help="your review decisions: the dashboard's encrypted file, or a CSV "
        "programme_a,row_a,programme_b,row_b,decision",
    )
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=None,
        help="file holding the passphrase of an encrypted decisions file "
        "(or set OVERLAP_PASSPHRASE; never give it on the command line)",
    )
    parser.add_argument(
        "--allow-same",
        action="store_true",
        help="match even when two files hold the very same roster (refused by default)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace the results of an earlier match in DIR"
    )
    parser.add_argument("--engine", choices=["local", "dask"], default="local")
    parser.add_argument("--scheduler", metavar="ADDR", default=None, help="Dask scheduler address")
    return parser


def add_roster_options(parser: argparse.ArgumentParser) -> None:
    """``--map`` and ``--sheet``, the same for every command that reads rosters."""
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FILE:COLUMN=FIELD",
        help=(
            "set a column's field yourself, e.g. --map clients.csv:DOB=dob (FIELD may be "
            "'ignore' or 'attribute'; FILE may be left out when one file is given); repeatable"
        ),
    )
    parser.add_argument(
        "--sheet",
        action="append",
        default=[],
        metavar="FILE:SHEET",
        help=(
            "the sheet of a workbook to read, e.g. --sheet clients.xlsx:Clients "
            "(default: the first sheet holding a roster); repeatable"
        ),
    )


def _read_decisions(path: str | None, encoded: bool, passphrase_file: str | None = None):
    """The decisions file, its bad rows told on stderr (they are left out, never silently)."""
    if path is None:
        return None
    from overlap import crypto
    from overlap.results import read_decisions

    passphrase = None
    if Path(path).is_file() and crypto.is_sealed(Path(path).read_bytes()[:16]):
        passphrase = crypto.read_passphrase(passphrase_file)
    decisions = read_decisions(path, file_name=path, row_ids=encoded, passphrase=passphrase)
    for line in decisions.describe():
        tell(f"overlap: {line}")
    return decisions


def _tell_unknown_decisions(result, decisions) -> None:
    if decisions is None:
        return
    from overlap.results import decisions_not_found

    for line in decisions.describe(decisions_not_found(result.records, decisions)):
        tell(f"overlap: {line}")


def _dask_engine():
    if importlib.util.find_spec("overlap.dask_engine") is None:
        raise OverlapError(
            "The Dask engine is not available in this installation; use --engine local."
        )
    return importlib.import_module("overlap.dask_engine")


def _check_arguments(args: argparse.Namespace) -> float:
    """What can be refused before any file is read; returns the threshold."""
    from overlap.results import check_outputs

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0.0 <= threshold <= 1.0:
        raise OverlapError("--threshold must be a probability between 0 and 1, such as 0.5.")
    check_roster_files(args.files, args.name)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise OverlapError(f"--out {out} is a file; give a folder.")
    if args.decisions is not None and not Path(args.decisions).is_file():
        raise OverlapError(f"The decisions file {args.decisions} does not exist.")
    inputs = [*args.files, *([args.decisions] if args.decisions else [])]
    try:
        check_outputs([out / name for name in MATCH_FILES], inputs, overwrite=args.force)
    except OverlapError as error:
        if "already exists" not in str(error):
            raise
        raise OverlapError(
            f"{out} holds the results of an earlier match; add --force to replace them, "
            "or choose another --out."
        ) from None
    return threshold


def _run_encoded(args: argparse.Namespace, out: Path, decisions, progress) -> int:
    """Privacy-preserving overlap: the same three outputs from .clk encodings only."""
    from overlap.inputs import refuse_same_files
    from overlap.privacy import match_encoded
    from overlap.results import save_result

    if not all(Path(path).suffix.lower() == ".clk" for path in args.files):
        raise OverlapError(
            "Cannot mix encoded (.clk) files and plain rosters in one match; "
            "encode every roster with `overlap encode` first."
        )
    if args.map or args.sheet:
        option = "--map" if args.map else "--sheet"
        raise OverlapError(f"{option} does not apply to .clk files: they were read when encoding.")
    if args.engine == "dask":
        raise OverlapError(
            "Encoded (.clk) files are matched by the local engine; drop --engine dask."
        )
    refuse_same_files(args.files, args.allow_same)
    result = match_encoded(
        args.files,
        names=args.name,
        threshold=args.threshold,
        decisions=None if decisions is None else decisions.frame,
    )
    for info in result.stats:
        progress(info["stage"], info)
    _tell_unknown_decisions(result, decisions)
    save_result(result, out, overwrite=True)  # checked before the work started
    people = int(result.records["person_id"].nunique())
    tell(
        f"overlap: wrote {len(result.records):,} encoded records ({people:,} people) and "
        f"{len(result.links):,} links to {out}"
    )
    return 0


def run(args: argparse.Namespace) -> int:
    """Match the files and write the three outputs."""
    from overlap.results import save_result

    threshold = _check_arguments(args)
    out = Path(args.out)
    progress = ProgressLines(threshold)
    encoded = any(Path(path).suffix.lower() == ".clk" for path in args.files)
    decisions = _read_decisions(args.decisions, encoded, args.passphrase_file)
    if encoded:
        return _run_encoded(args, out, decisions, progress)
    from overlap.inputs import read_inputs

    inputs = read_inputs(
        args.files, args.name, args.sheet, args.map, args.allow_same, progress=progress
    )
    engine = _dask_engine().DaskEngine(args.scheduler) if args.engine == "dask" else None
    result = importlib.import_module("overlap.pipeline").match_rosters(
        inputs.mapped,
        threshold=threshold,
        decisions=None if decisions is None else decisions.frame,
        progress=progress,
        engine=engine,
    )
    _tell_unknown_decisions(result, decisions)
    draws = _draws(result)
    save_result(result, out, overwrite=True, draws=draws)  # checked before the work started
    people = int(result.records["person_id"].nunique())
    tell(
        f"overlap: wrote {len(result.records):,} records ({people:,} people) and "
        f"{len(result.links):,} links to {out}"
    )
    _tell_audit(result, draws)
    return 0


def _draws(result):
    """The count ranges' draws, made once for overlap.json and the audit (None: no ranges)."""
    from overlap.uncertainty import MAX_PROGRAMMES, draw_counts

    if len(result.programmes) > MAX_PROGRAMMES or not len(result.records):
        return None
    return draw_counts(result)


def _tell_audit(result, draws) -> None:
    """Per community column: the share of each group found in two or more rosters."""
    from overlap.audit import audit_columns, audit_group, audit_words

    if draws is None:
        return
    for column in audit_columns(result.attributes):
        audit = audit_group(result, column, draws)
        shares = ", ".join(
            f"{row.group} {row.share:.0%}" for row in audit.table.itertuples(index=False)
        )
        tell(f"overlap: by {column}, people found in two or more rosters: {shares}")
        for line in audit_words(audit):
            tell(f"overlap: {line}")
