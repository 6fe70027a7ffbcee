"""Speed and memory at scale: Overlap and Splink on the same generated rosters, same run.

    python bench/scale.py N [N ...] [--only overlap|splink] [--threshold P] [--profile] [--seed S]

For each N, two rosters of N rows each (~30% shared people, the sample
generator's realism) are generated once (cached under bench/out/scale/),
then ``overlap match`` and Splink (bench.splink_runner) run on the same files
as child processes. Printed per tool: wall time, peak RSS of the child,
candidate pairs, pairs scored per second, time per record, F1 (cross and
within roster) and shared-people error, then the ratios Overlap/Splink.
Results are appended to bench/out/scale.md and bench/out/scale.jsonl; each
tool's per-stage progress lines go to bench/out/scale/stages-N-TOOL.txt.

``--profile`` also runs Overlap once under pyinstrument and saves the report
to bench/out/scale/profile-N.txt and .html (that run is not timed).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import datasets  # noqa: E402
from bench.accuracy import SPLINK_DEFAULT_THRESHOLD, score_run  # noqa: E402
from bench.tools import PYTHON, ToolRun, run_command, run_overlap, run_splink  # noqa: E402

OUT = ROOT / "bench" / "out"
PAIRS_PATTERN = re.compile(r"([\d][\d,_]*)\s+(?:candidate\s+)?pairs\b", re.IGNORECASE)


def overlap_candidate_pairs(run: ToolRun) -> int | None:
    """Candidate pairs from Overlap's per-stage stderr lines (the blocking stage's count)."""
    for line in run.stats.get("stage_lines", []):
        low = line.lower()
        if "block" in low or "candidate" in low:
            match = PAIRS_PATTERN.search(line)
            if match:
                return int(match.group(1).replace(",", "").replace("_", ""))
            numbers = re.findall(r"candidate[_ ]pairs[=: ]+([\d,]+)", low)
            if numbers:
                return int(numbers[0].replace(",", ""))
    return None


def profile_overlap(dataset: datasets.Dataset, n: int, threshold: float | None) -> Path:
    """Run ``overlap match`` under pyinstrument; save text and HTML reports."""
    folder = OUT / "scale"
    folder.mkdir(parents=True, exist_ok=True)
    session = folder / f"profile-{n}.pyisession"
    cmd = [
        PYTHON,
        "-m",
        "pyinstrument",
        "-r",
        "pyisession",
        "-o",
        str(session),
        "-m",
        "overlap",
        "match",
    ]
    cmd += [*map(str, dataset.files), "--out", str(folder / f"profile-{n}-out")]
    if threshold is not None:
        cmd += ["--threshold", str(threshold)]
    code, seconds, _, stderr = run_command(cmd)
    if code != 0:
        print(f"profile run failed: {(stderr.strip().splitlines() or ['?'])[-1]}", file=sys.stderr)
        return session
    for renderer, suffix in (("text", "txt"), ("html", "html")):
        run_command(
            [
                PYTHON,
                "-m",
                "pyinstrument",
                "--load",
                str(session),
                "-r",
                renderer,
                "-o",
                str(folder / f"profile-{n}.{suffix}"),
            ]
        )
    session.unlink(missing_ok=True)  # large; the text and HTML reports are what we keep
    print(
        f"profile ({seconds:.1f}s under pyinstrument): {folder / f'profile-{n}.txt'}",
        file=sys.stderr,
    )
    return folder / f"profile-{n}.txt"


def describe(row: dict, run: ToolRun, n_records: int, pairs: int | None) -> dict:
    out = {
        "tool": run.tool,
        "ok": run.ok,
        "seconds": round(run.seconds, 2),
        "peak_rss_mb": round(run.peak_rss_mb),
        "candidate_pairs": pairs,
        "pairs_per_second": round(pairs / run.seconds) if pairs and run.seconds else None,
        "us_per_record": round(1e6 * run.seconds / n_records, 1) if run.ok else None,
        "error": run.error,
    }
    if run.ok and "f1" in row:
        out.update(
            {
                k: row[k]
                for k in (
                    "f1",
                    "cross_f1",
                    "within_f1",
                    "precision",
                    "recall",
                    "shared_error",
                    "union_error",
                )
            }
        )
    return out


def table(n: int, results: list[dict]) -> str:
    head = (
        "| N per roster | tool | wall s | peak RSS MB | candidate pairs | pairs/s | µs/record | F1 | cross F1 "
        "| within F1 | shared err | people err |"
    )
    lines = [head, "|" + "|".join(["---"] * 12) + "|"]
    for r in results:
        if not r["ok"]:
            lines.append(f"| {n:,} | {r['tool']} | failed: {r['error']} |" + " |" * 9)
            continue

        def num(v, f="{:,}"):
            return "-" if v is None else f.format(v)

        lines.append(
            f"| {n:,} | {r['tool']} | {r['seconds']:.1f} | {r['peak_rss_mb']:,} | {num(r['candidate_pairs'])} "
            f"| {num(r['pairs_per_second'])} | {r['us_per_record']} | {num(r.get('f1'), '{:.4f}')} "
            f"| {num(r.get('cross_f1'), '{:.4f}')} | {num(r.get('within_f1'), '{:.4f}')} "
            f"| {num(r.get('shared_error'), '{:.2%}')} | {num(r.get('union_error'), '{:+.2%}')} |"
        )
    by_tool = {r["tool"]: r for r in results if r["ok"]}
    if "overlap" in by_tool and "splink" in by_tool:
        o, s = by_tool["overlap"], by_tool["splink"]
        lines.append(
            f"\nOverlap/Splink at N={n:,}: time {o['seconds'] / s['seconds']:.2f}x, "
            f"peak memory {o['peak_rss_mb'] / max(s['peak_rss_mb'], 1):.2f}x, "
            f"F1 {o.get('f1', 0):.4f} vs {s.get('f1', 0):.4f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Overlap vs Splink speed and memory on generated rosters."
    )
    parser.add_argument(
        "sizes", nargs="+", type=lambda v: int(float(v)), help="rows per roster, e.g. 10000 1e5"
    )
    parser.add_argument("--only", choices=["overlap", "splink"])
    parser.add_argument(
        "--threshold", type=float, help="both tools (default: Overlap's own, Splink 0.95)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--zips",
        type=int,
        help="ZIP codes the people live in (default: the generator's, ~20,000 adults per "
        "ZIP, at least 9); --zips 9 crowds a million rows into nine ZIPs (a stress test)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="regenerate the rosters (after the generator changed)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile Overlap with pyinstrument"
    )
    args = parser.parse_args(argv)

    status = 0
    for n in args.sizes:
        t = time.perf_counter()
        if args.fresh:
            suffix = f"_zips{args.zips}" if args.zips else ""
            shutil.rmtree(OUT / "scale" / f"n{n}_seed{args.seed}{suffix}", ignore_errors=True)
        dataset = datasets.scale_pair(n, seed=args.seed, zips=args.zips)
        print(
            f"N={n:,}: rosters ready in {time.perf_counter() - t:.1f}s ({dataset.files[0].parent})",
            file=sys.stderr,
        )
        label = f"{n}" + (f"-zips{args.zips}" if args.zips else "")
        work = OUT / "scale" / f"run-{label}"
        results = []
        if args.only in (None, "overlap"):
            run = run_overlap(dataset, work / "overlap", args.threshold)
            results.append(
                describe(
                    score_run(run, dataset), run, dataset.n_records, overlap_candidate_pairs(run)
                )
            )
            (OUT / "scale" / f"stages-{label}-overlap.txt").write_text(run.stderr)
        if args.only in (None, "splink"):
            threshold = args.threshold if args.threshold is not None else SPLINK_DEFAULT_THRESHOLD
            run = run_splink(dataset, work / "splink", threshold)
            results.append(
                describe(
                    score_run(run, dataset),
                    run,
                    dataset.n_records,
                    run.stats.get("candidate_pairs"),
                )
            )
            (OUT / "scale" / f"stages-{label}-splink.txt").write_text(run.stderr)
        text = table(n, results)
        print(text)
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        with open(OUT / "scale.md", "a") as fh:
            fh.write(
                f"\n### N = {n:,} per roster, {dataset.name} ({stamp}, seed {args.seed})\n\n{text}\n"
            )
        with open(OUT / "scale.jsonl", "a") as fh:
            fh.write(
                json.dumps(
                    {
                        "n": n,
                        "seed": args.seed,
                        "zips": args.zips,
                        "when": stamp,
                        "results": results,
                    }
                )
                + "\n"
            )
        if args.profile and args.only in (None, "overlap"):
            profile_overlap(dataset, n, args.threshold)
        status |= 0 if all(r["ok"] for r in results) else 1
    return status


if __name__ == "__main__":
    sys.exit(main())
