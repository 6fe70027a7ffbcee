"""``overlap match``: find the people several rosters share.

Writes ``records.csv`` (every input row with its ``person_id``),
``links.csv`` (every scored pair at or above the threshold, with each
comparison's level) and ``overlap.json`` into ``--out DIR``. One progress
line per stage goes to stderr, with counts and timings only.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from pathlib import Path

from overlap.cli.output import tell
from overlap.errors import OverlapError

STAGE_WORDS = {
    "read": "read",
    "normalise": "normalised",
    "block": "found candidate pairs",
    "compare": "compared",
    "model": "trained the model",
    "score": "scored",
    "cluster": "grouped into people",
}


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``overlap match`` and return its parser."""
    parser = subparsers.add_parser(
        "match",
        help="find the people your rosters share",
        description=(
            "Match the people of two or more rosters (and duplicates inside each) and write "
            "records.csv, links.csv and overlap.json into DIR."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="roster files (CSV, Excel, ODS)")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the results")
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="P",
        help="link records whose match probability is at least P (default 0.5)",
    )
    parser.add_argument(
        "--name",
        action="append",
        default=None,
        metavar="NAME",
        help="programme name for each file, in order (default: the file name)",
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FILE:RAW=FIELD",
        help="correct the column mapping, e.g. --map clients.csv:DOB=dob",
    )
    parser.add_argument(
        "--decisions",
        metavar="CSV",
        default=None,
        help="your review decisions (programme_a,row_a,programme_b,row_b,decision)",
    )
    parser.add_argument("--engine", choices=["local", "dask"], default="local")
    parser.add_argument("--scheduler", metavar="ADDR", default=None, help="Dask scheduler address")
    return parser


def _progress_line(stage: str, info: dict) -> None:
    """One line per stage: counts and seconds only (never data)."""
    words = STAGE_WORDS.get(stage, stage)
    parts = []
    for key, value in info.items():
        if key in ("stage", "seconds") or isinstance(value, (dict, list)):
            continue
        if isinstance(value, int):
            parts.append(f"{key.replace('_', ' ')} {value:,}")
        elif isinstance(value, float):
            parts.append(f"{key.replace('_', ' ')} {value:g}")
    detail = ", ".join(parts)
    tell(
        f"overlap: {stage}: {words}{': ' + detail if detail else ''} ({info.get('seconds', 0):.2f} s)"
    )


def _read_decisions(path: str | None, encoded: bool):
    """The decisions file, its bad rows told on stderr (they are left out, never silently)."""
    if path is None:
        return None
    from overlap.results import read_decisions

    decisions = read_decisions(path, file_name=path, row_ids=encoded)
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


def _run_encoded(args: argparse.Namespace, out: Path, decisions, every_file_encoded: bool) -> int:
    """Privacy-preserving overlap: the same three outputs from .clk encodings only."""
    if not every_file_encoded:
        raise OverlapError(
            "Cannot mix encoded (.clk) files and plain rosters in one match; "
            "encode every roster with `overlap encode` first."
        )
    if args.map:
        raise OverlapError("--map does not apply to .clk files: columns were mapped when encoding.")
    if args.engine == "dask":
        raise OverlapError(
            "Encoded (.clk) files are matched by the local engine; drop --engine dask."
        )
    from overlap.privacy import match_encoded
    from overlap.results import save_result

    result = match_encoded(
        args.files,
        names=args.name,
        threshold=args.threshold,
        decisions=None if decisions is None else decisions.frame,
    )
    for info in result.stats:
        _progress_line(info["stage"], info)
    _tell_unknown_decisions(result, decisions)
    save_result(result, out, overwrite=True)
    people = int(result.records["person_id"].nunique())
    tell(
        f"overlap: wrote {len(result.records):,} encoded records ({people:,} people) and "
        f"{len(result.links):,} links to {out}"
    )
    return 0


def run(args: argparse.Namespace) -> int:
    """Match the files and write the three outputs."""
    from overlap.pipeline import DEFAULT_THRESHOLD, match_files
    from overlap.results import save_result

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0.0 <= threshold <= 1.0:
        raise OverlapError("--threshold must be a probability between 0 and 1, such as 0.5.")
    if args.name is not None and len(args.name) != len(args.files):
        raise OverlapError(
            f"Got {len(args.name)} --name value(s) for {len(args.files)} file(s); "
            "give one per file, in the same order."
        )
    for path in args.files:
        if not Path(path).is_file():
            raise OverlapError(f"{path} does not exist or is not a file.")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise OverlapError(f"--out {out} is a file; give a folder.")
    encoded = [Path(path).suffix.lower() == ".clk" for path in args.files]
    decisions = _read_decisions(args.decisions, encoded=any(encoded))
    if any(encoded):
        return _run_encoded(args, out, decisions, all(encoded))
    engine_match = _dask_engine().match_files if args.engine == "dask" else match_files
    extra = {"scheduler": args.scheduler} if args.engine == "dask" else {}
    result = engine_match(
        args.files,
        names=args.name,
        overrides=args.map,
        threshold=threshold,
        decisions=None if decisions is None else decisions.frame,
        progress=_progress_line,
        **extra,
    )
    _tell_unknown_decisions(result, decisions)
    save_result(result, out, overwrite=True)
    people = int(result.records["person_id"].nunique())
    tell(
        f"overlap: wrote {len(result.records):,} records ({people:,} people) and "
        f"{len(result.links):,} links to {out}"
    )
    return 0
