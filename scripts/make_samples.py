"""Write Overlap's sample rosters and their truth, from a fixed seed.

    python scripts/make_samples.py                     # data/samples/* and data/truth/*
    python scripts/make_samples.py --out DIR           # the same into DIR/samples, DIR/truth
    python scripts/make_samples.py --next-season OUT   # next season's tax-clinic roster (+ truth)
    python scripts/make_samples.py --pair N OUT_DIR    # two linked rosters of N rows (bench)
    python scripts/make_samples.py --rosters K N OUT_DIR   # K linked rosters of N rows

Re-running gives byte-for-byte identical files. Each sample is written the way
its system would export it: the parish directory as cp1252 CSV with title lines
above the header and CRLF line ends; the tax clinic as an XLSX workbook with
real Excel dates; the job programme as semicolon-separated UTF-8; the employer
as plain CSV. The truth (file, row, person_id, household_id, relation,
corruptions) is written apart, never inside a sample.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXED_TIME = dt.datetime(2026, 11, 2, 15, 14, 0)
TRUTH_FILE = "samples_truth.csv"
RATES_FILE = "label_rates.csv"
NEXT_SEASON_TRUTH = "next_season_truth.csv"


def _csv_text(frame: pd.DataFrame, delimiter: str, line_end: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(
        buf, delimiter=delimiter, lineterminator=line_end, quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow(list(frame.columns))
    writer.writerows(frame.itertuples(index=False, name=None))
    return buf.getvalue()


def write_parish(frame: pd.DataFrame, path: Path) -> None:
    """A church office's directory report: cp1252, CRLF, two title lines and a blank line."""
    title = (
        "St. Agnes Parish \u2014 Membership Directory\r\n"
        f"Report generated {FIXED_TIME:%m/%d/%Y %I:%M %p} by Parish Office\r\n"
        "\r\n"
    )
    path.write_bytes((title + _csv_text(frame, ",", "\r\n")).encode("cp1252"))


def write_csv(frame: pd.DataFrame, path: Path, delimiter: str = ",") -> None:
    path.write_bytes(_csv_text(frame, delimiter, "\n").encode("utf-8"))


def _excel_date(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, "%m/%d/%Y")
    except ValueError:
        return None


def write_vita(frame: pd.DataFrame, path: Path, season: int = 2026, seed: int = 0) -> None:
    """The clinic's workbook: dates of birth as real Excel dates (a few typed as text), ZIPs as text."""
    rng = np.random.default_rng([seed, season, 99])
    typed_as_text = rng.random(len(frame)) < 0.03
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties(
        {"created": FIXED_TIME, "author": "VITA site coordinator", "title": "Clients"}
    )
    bold = wb.add_format({"bold": True})
    date_fmt = wb.add_format({"num_format": "mm/dd/yyyy"})
    ws = wb.add_worksheet(f"Clients {season}")
    columns = list(frame.columns)
    for c, name in enumerate(columns):
        ws.write_string(0, c, name, bold)
    date_cols = {"Date of Birth", "Appointment date"}
    for r, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        for c, (name, value) in enumerate(zip(columns, values, strict=True)):
            if value == "":
                continue
            if name in date_cols and not (name == "Date of Birth" and typed_as_text[r - 1]):
                when = _excel_date(value)
                if when is not None:
                    ws.write_datetime(r, c, when, date_fmt)
                    continue
            if name == "Household size":
                ws.write_number(r, c, int(value))
            else:
                ws.write_string(r, c, value)
    ws.set_column(0, len(columns) - 1, 14)
    summary = wb.add_worksheet("Summary")
    summary.write_string(0, 0, "Returns prepared", bold)
    summary.write_number(0, 1, len(frame))
    summary.write_string(1, 0, "Season", bold)
    summary.write_number(1, 1, season)
    wb.close()


def write_export(frame: pd.DataFrame, style: str, path: Path, seed: int) -> None:
    """One roster written as its system exports it (parish CSV, clinic XLSX, ...)."""
    if style == "parish":
        write_parish(frame, path)
    elif style == "vita":
        write_vita(frame, path, seed=seed)
    elif style == "job":
        write_csv(frame, path, delimiter=";")
    else:
        write_csv(frame, path)


def write_samples(out_dir: Path = ROOT / "data", seed: int = synth.SAMPLE_SEED) -> dict[str, int]:
    """Write the four samples to out_dir/samples and their truth to out_dir/truth.

    Returns:
        rows per sample file.
    """
    samples_dir, truth_dir = out_dir / "samples", out_dir / "truth"
    samples_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    rosters = synth.make_samples(seed)
    rows = {}
    for style, (frame, _truth) in rosters.items():
        path = samples_dir / synth.SAMPLE_FILES[style]
        write_export(frame, style, path, seed)
        rows[path.name] = len(frame)
    truth = pd.concat([t for _, t in rosters.values()], ignore_index=True)
    write_csv(truth.astype(str), truth_dir / TRUTH_FILE)
    rates = synth.label_rates(seed)
    rates["rate"] = rates["rate"].map(lambda r: "" if pd.isna(r) else f"{r:.4f}")
    rates["intended"] = rates["intended"].map(
        lambda r: "" if r is None or pd.isna(r) else f"{r:.4f}"
    )
    write_csv(rates.astype(str), truth_dir / RATES_FILE)
    return rows


def write_next_season(out: Path, seed: int = synth.SAMPLE_SEED) -> tuple[Path, Path]:
    """Next season's tax-clinic roster and its truth.

    ``out`` is a directory (files named as synth.NEXT_SEASON_FILE and
    next_season_truth.csv) or an .xlsx path (truth beside it, ``<stem>_truth.csv``).
    """
    frame, truth = synth.make_next_season(seed)
    if out.suffix.lower() == ".xlsx":
        roster_path, truth_path = out, out.with_name(out.stem + "_truth.csv")
        truth["file"] = out.name
    else:
        roster_path, truth_path = out / synth.NEXT_SEASON_FILE, out / NEXT_SEASON_TRUTH
    roster_path.parent.mkdir(parents=True, exist_ok=True)
    write_vita(frame, roster_path, season=2027, seed=seed)
    write_csv(truth.astype(str), truth_path)
    return roster_path, truth_path


def write_pair(
    n: int, out_dir: Path, seed: int = 1, shared: float = 0.3, corruption: float = 1.0
) -> None:
    """Two linked rosters of n rows (a.csv, b.csv) and truth.csv, UTF-8 CSV."""
    out_dir.mkdir(parents=True, exist_ok=True)
    a, b, truth = synth.make_linked_pair(n, seed, shared, corruption=corruption)
    a.to_csv(out_dir / "a.csv", index=False)
    b.to_csv(out_dir / "b.csv", index=False)
    truth.to_csv(out_dir / "truth.csv", index=False)


def write_rosters(
    n_files: int, rows_each: int, out_dir: Path, seed: int = 1, corruption: float = 1.0
) -> None:
    """n_files linked rosters (roster_1.csv, ...) and truth.csv, UTF-8 CSV."""
    out_dir.mkdir(parents=True, exist_ok=True)
    frames, truth = synth.make_rosters(n_files, rows_each, seed, corruption=corruption)
    for i, frame in enumerate(frames, start=1):
        frame.to_csv(out_dir / f"roster_{i}.csv", index=False)
    truth.to_csv(out_dir / "truth.csv", index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "data",
        help="directory that gets samples/ and truth/ (default: data/)",
    )
    parser.add_argument("--seed", type=int, default=synth.SAMPLE_SEED)
    parser.add_argument(
        "--next-season",
        type=Path,
        metavar="OUT",
        help="write next season's tax-clinic roster to OUT (directory or .xlsx)",
    )
    parser.add_argument(
        "--pair",
        nargs=2,
        metavar=("N", "OUT_DIR"),
        help="write two linked rosters of N rows each to OUT_DIR",
    )
    parser.add_argument(
        "--rosters",
        nargs=3,
        metavar=("K", "N", "OUT_DIR"),
        help="write K linked rosters of N rows each to OUT_DIR",
    )
    parser.add_argument(
        "--corruption",
        type=float,
        default=1.0,
        help="multiply every corruption rate of --pair/--rosters (3 = very messy)",
    )
    args = parser.parse_args(argv)
    if args.next_season:
        roster, truth = write_next_season(args.next_season, args.seed)
        print(f"wrote {roster} and {truth}")
    elif args.pair:
        write_pair(int(args.pair[0]), Path(args.pair[1]), args.seed, corruption=args.corruption)
        print(f"wrote two rosters of {args.pair[0]} rows to {args.pair[1]}")
    elif args.rosters:
        write_rosters(
            int(args.rosters[0]),
            int(args.rosters[1]),
            Path(args.rosters[2]),
            args.seed,
            corruption=args.corruption,
        )
        print(f"wrote {args.rosters[0]} rosters of {args.rosters[1]} rows to {args.rosters[2]}")
    else:
        rows = write_samples(args.out, args.seed)
        for name, n in rows.items():
            print(f"{name}: {n} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
