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
import json
from pathlib import Path

import pandas as pd

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


def _read_decisions(path: str | None) -> pd.DataFrame | None:
    if path is None:
        return None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise OverlapError(f"The decisions file {path} does not exist.") from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError):
        raise OverlapError(f"The decisions file {path} is not a readable CSV file.") from None


def _dask_engine():
    if importlib.util.find_spec("overlap.dask_engine") is None:
        raise OverlapError(
            "The Dask engine is not available in this installation; use --engine local."
        )
    return importlib.import_module("overlap.dask_engine")


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV as pandas writes it, by pyarrow's writer (several times faster on big results)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    table = pa.Table.from_pandas(frame, preserve_index=False)
    pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="needed"))


def write_outputs(result, out: Path) -> None:
    """records.csv, links.csv and overlap.json of a match result."""
    from overlap.analyse import overlap_summary

    out.mkdir(parents=True, exist_ok=True)
    # a social security number is not written out: records.csv gets shared and mailed
    records = result.records.drop(columns=["rid", "ssn"], errors="ignore")
    front = ["programme", "row", "person_id"]
    records = records[front + [c for c in records.columns if c not in front]]
    attributes = result.attributes
    if len(attributes.columns):
        extra = attributes[[c for c in attributes.columns if c not in records.columns]]
        records = pd.concat([records, extra.reset_index(drop=True)], axis=1)
    _write_csv(records, out / "records.csv")
    links = result.links
    programme = result.records["programme"].to_numpy()
    row = result.records["row"].to_numpy()
    ia = links["rid_a"].to_numpy()
    ib = links["rid_b"].to_numpy()
    table = pd.DataFrame(
        {
            "programme_a": programme[ia],
            "row_a": row[ia],
            "programme_b": programme[ib],
            "row_b": row[ib],
            "probability": links["probability"].round(6).to_numpy(),
        }
    )
    for comparison in result.comparisons:
        table[f"{comparison.name}_level"] = links[f"{comparison.name}_level"].to_numpy()
    _write_csv(table, out / "links.csv")
    summary = overlap_summary(result.records)
    (out / "overlap.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


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
    from overlap.privacy import run_encoded_match

    # threshold None lets encoded matching use its own calibrated default
    result = run_encoded_match(
        args.files,
        out,
        names=args.name,
        threshold=args.threshold,
        decisions=decisions,
        progress=_progress_line,
    )
    people = int(result.records["person_id"].nunique())
    tell(
        f"overlap: wrote {len(result.records):,} encoded records ({people:,} people) and "
        f"{len(result.links):,} links to {out}"
    )
    return 0


def run(args: argparse.Namespace) -> int:
    """Match the files and write the three outputs."""
    from overlap.pipeline import DEFAULT_THRESHOLD, match_files

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
    decisions = _read_decisions(args.decisions)
    encoded = [Path(path).suffix.lower() == ".clk" for path in args.files]
    if any(encoded):
        return _run_encoded(args, out, decisions, all(encoded))
    if args.engine == "dask":
        engine = _dask_engine()
        result = engine.match_files(
            args.files,
            names=args.name,
            overrides=args.map,
            threshold=threshold,
            decisions=decisions,
            progress=_progress_line,
            scheduler=args.scheduler,
        )
    else:
        result = match_files(
            args.files,
            names=args.name,
            overrides=args.map,
            threshold=threshold,
            decisions=decisions,
            progress=_progress_line,
        )
    write_outputs(result, out)
    people = int(result.records["person_id"].nunique())
    tell(
        f"overlap: wrote {len(result.records):,} records ({people:,} people) and "
        f"{len(result.links):,} links to {out}"
    )
    return 0
