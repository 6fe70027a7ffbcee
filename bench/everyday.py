"""Everyday rosters: three exports of 6,000 rows each, matched end to end.

    python bench/everyday.py [--rows-each N] [--files K] [--repeat R] [--seed S]

The programme manager's case from issue 6: a parish CSV (cp1252, title lines,
"LAST, FIRST"), a tax clinic's XLSX and a job programme's semicolon CSV, as
``scripts/synth.make_rosters`` generates them with the samples' realism and
``scripts/make_samples`` writes them (cached under bench/out/everyday/). Each
repeat runs ``overlap match`` as a child process, from reading the files to
writing ``overlap.json``, and reports wall time, peak memory, the stage lines
and pairwise F1 against the generator's truth. Target: under 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from bench import datasets  # noqa: E402
from bench.accuracy import score_run  # noqa: E402
from bench.tools import run_overlap  # noqa: E402

OUT = ROOT / "bench" / "out" / "everyday"
STYLES = ["parish", "vita", "job", "employer"]


def everyday_rosters(rows_each: int, n_files: int, seed: int) -> datasets.Dataset:
    """The generated exports, each in its own system's format, and their truth."""
    folder = OUT / f"{n_files}x{rows_each}-seed{seed}"
    styles = [STYLES[i % len(STYLES)] for i in range(n_files)]
    return datasets.generated_rosters("everyday", folder, styles, rows_each, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Three everyday rosters, matched end to end.")
    parser.add_argument("--rows-each", type=int, default=6000)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    dataset = everyday_rosters(args.rows_each, args.files, args.seed)
    times, peaks, last = [], [], None
    for _ in range(args.repeat):
        run = run_overlap(dataset, OUT / "run")
        if not run.ok:
            print(f"overlap match failed: {run.error}", file=sys.stderr)
            return 1
        times.append(run.seconds)
        peaks.append(run.peak_rss_mb)
        last = run
    row = score_run(last, dataset)
    print(
        f"{args.files} rosters x {args.rows_each:,} rows ({dataset.n_records:,} records): "
        f"median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, "
        f"{args.repeat} runs), peak {max(peaks):,.0f} MB, F1 {row['f1']:.4f}, "
        f"shared-people error {row['shared_error']:.2%}"
    )
    for line in last.stats["stage_lines"]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
