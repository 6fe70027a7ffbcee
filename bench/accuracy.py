"""Accuracy of Overlap and Splink side by side, on labelled data, in the same run.

    python bench/accuracy.py [--dataset NAME ...] [--only overlap|splink]
                             [--threshold P] [--no-encoded] [--no-reference]
    python bench/accuracy.py --encoded-vs-plain [--dataset NAME ...]

For each data set (``bench/datasets.py``: FEBRL 1-4, RLdata10000, pseudopeople
roster sets, our generator at three corruption levels, our samples) both tools
read the same roster files: Overlap exactly as a user runs it (``overlap match
FILES --out DIR``, nothing configured), Splink through ``bench.splink_runner``.
Their person ids are scored against the truth: pairwise precision, recall and
F1 over cross-roster and within-roster pairs; cross-roster recall and
precision per group of people where the data set knows each person's group,
and the gap between the best and the worst group; the error in distinct
people and in the people each pair of programmes shares; and, where
overlap.json carries ranges beside its counts, how often they hold the truth
and how wide they are. The table is printed and written to
``bench/out/accuracy.md`` (everything in ``bench/out/accuracy.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from bench import datasets  # noqa: E402
from bench.metrics import (  # noqa: E402
    GAP_MIN_TRUE_PAIRS,
    group_gap,
    group_scores,
    range_scores,
    score_clustering,
    true_counts,
)
from bench.tools import ToolRun, run_overlap, run_overlap_encoded, run_splink  # noqa: E402

OUT = ROOT / "bench" / "out"
SPLINK_DEFAULT_THRESHOLD = 0.95  # Splink's 50k example clusters at 0.95
DASH = "–"


def score_run(run: ToolRun, dataset: datasets.Dataset) -> dict:
    """Join a tool's person ids to the truth by (programme, row) and score them."""
    row = {
        "dataset": dataset.name,
        "tool": run.tool,
        "ok": run.ok,
        "seconds": round(run.seconds, 2),
        "cpu_seconds": round(run.cpu_seconds, 2),
        "peak_rss_mb": round(run.peak_rss_mb),
        "error": run.error,
    }
    if not run.ok or run.records is None:
        return row
    merged = dataset.truth.merge(run.records, on=["programme", "row"], how="left")
    missing = int(merged["person_id"].isna().sum())
    if missing:
        # A record the tool did not return counts as a person on its own.
        merged.loc[merged["person_id"].isna(), "person_id"] = [
            f"missing-{i}" for i in range(missing)
        ]
    merged["person_key"] = merged["person_id"].astype(str)
    scores = score_clustering(merged["person_key"], merged["true_id"], merged["programme"])
    pw, sh = scores["pairwise"], scores["shared"]
    row.update(
        {
            "records": len(merged),
            "records_missing": missing,
            "precision": pw["all"]["precision"],
            "recall": pw["all"]["recall"],
            "f1": pw["all"]["f1"],
            "cross_precision": pw["cross"]["precision"],
            "cross_recall": pw["cross"]["recall"],
            "cross_f1": pw["cross"]["f1"],
            "true_cross_pairs": pw["cross"]["true"],
            "within_precision": pw["within"]["precision"],
            "within_recall": pw["within"]["recall"],
            "within_f1": pw["within"]["f1"],
            "true_within_pairs": pw["within"]["true"],
            "predicted_within_pairs": pw["within"]["predicted"],
            "shared_error": sh["weighted_error"],
            "shared_error_max": sh["max_error"],
            "union_error": sh["union_error"],
            "union_true": sh["union_true"],
            "union_predicted": sh["union_predicted"],
            "shared_pairs": sh["pairs"],
            "candidate_pairs": run.stats.get("candidate_pairs"),
        }
    )
    if dataset.has_groups:
        groups = group_scores(
            merged["person_key"], merged["true_id"], merged["programme"], merged["group"]
        )
        row["groups"] = groups
        row["group_gap"] = group_gap(groups)
    summary = run.stats.get("overlap_json")
    if summary is not None:
        row["ranges"] = range_scores(summary, true_counts(merged["true_id"], merged["programme"]))
    return row


def fmt(value, digits: int = 4, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return DASH
    if pct:
        return f"{value:+.2%}"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


HEAD = [
    "dataset",
    "tool",
    "cross P",
    "cross R",
    "cross F1",
    "group gap",
    "within P",
    "within R",
    "within F1",
    "people err",
    "shared err",
    "worst pair",
    "range cover",
    "range ±",
    "wall s",
    "cpu s",
    "Splink/Overlap cpu",
]


def _cells(r: dict, overlap_seconds: float | None) -> list[str]:
    within = r["true_within_pairs"] > 0
    # No true within-roster duplicates: recall and F1 mean nothing; say how many false ones.
    gap = (r.get("group_gap") or {}).get("gap")
    ranges = r.get("ranges") or {}
    cpu = r.get("cpu_seconds") or 0.0
    ratio = (
        f"{cpu / overlap_seconds:.1f}x"
        if r["tool"].startswith("splink") and overlap_seconds and cpu
        else ""
    )
    return [
        r["dataset"],
        r["tool"],
        fmt(r["cross_precision"]),
        fmt(r["cross_recall"]),
        f"**{fmt(r['cross_f1'])}**",
        fmt(gap, 3),
        fmt(r["within_precision"]) if within else f"none true, {r['predicted_within_pairs']} made",
        fmt(r["within_recall"]) if within else "n/a",
        fmt(r["within_f1"]) if within else "n/a",
        fmt(r["union_error"], pct=True),
        f"{r['shared_error']:.2%}",
        f"{r['shared_error_max']:.2%}",
        fmt(ranges.get("coverage"), 2),
        fmt(ranges.get("median_relative_half_width"), pct=False, digits=3),
        f"{r['seconds']:.1f}",
        f"{cpu:.1f}" if cpu else DASH,
        ratio,
    ]


def markdown_table(rows: list[dict]) -> str:
    """The headline table: one line per (data set, tool)."""
    lines = ["| " + " | ".join(HEAD) + " |", "|" + "|".join(["---"] * len(HEAD)) + "|"]
    overlap_time = {
        r["dataset"]: r.get("cpu_seconds") for r in rows if r["tool"] == "overlap" and r["ok"]
    }
    for r in rows:
        if not r["ok"]:
            cells = [r["dataset"], r["tool"], f"failed: {r['error']}"] + [""] * (len(HEAD) - 3)
        else:
            cells = _cells(r, overlap_time.get(r["dataset"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def group_table(rows: list[dict]) -> str:
    """Per data set and group: true cross-roster pairs, each tool's recall and precision."""
    tools = list(dict.fromkeys(r["tool"] for r in rows if r.get("groups")))
    head = ["dataset", "group", "records", "true cross pairs"]
    for tool in tools:
        head += [f"{tool} R", f"{tool} P"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * len(head)) + "|"]
    by_dataset: dict[str, dict[str, dict]] = {}
    for r in rows:
        for g in r.get("groups") or []:
            by_dataset.setdefault(r["dataset"], {}).setdefault(g["group"], {})[r["tool"]] = g
    for name, groups in by_dataset.items():
        for group, per_tool in groups.items():
            any_tool = next(iter(per_tool.values()))
            cells = [
                name,
                group or "(unknown)",
                str(any_tool["records"]),
                str(any_tool["true_pairs"]),
            ]
            for tool in tools:
                g = per_tool.get(tool)
                cells += [fmt(g and g["recall"]), fmt(g and g["precision"])]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def shared_detail(rows: list[dict]) -> str:
    """Per programme pair: true vs predicted shared people."""
    lines = [
        "| dataset | tool | programmes | true shared | predicted | error |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        for p in r.get("shared_pairs", []):
            lines.append(
                f"| {r['dataset']} | {r['tool']} | {p['a']} & {p['b']} | {p['true']} | {p['predicted']} "
                f"| {p['relative_error']:+.2%} |"
            )
    return "\n".join(lines)


def dataset_table(loaded: list[datasets.Dataset]) -> str:
    """What each data set is: source, rosters and their sizes, people, true pairs."""
    from bench.metrics import pairwise_scores

    lines = [
        "| dataset | source | rosters (records) | people | true cross pairs | true within pairs | groups |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in loaded:
        t = d.truth
        sizes = t.groupby("programme", sort=False).size()
        rosters = ", ".join(f"{p} ({int(sizes.get(p, 0))})" for p in d.programmes)
        pw = pairwise_scores(t["true_id"], t["true_id"], t["programme"])
        groups = "yes" if d.has_groups else "no"
        lines.append(
            f"| {d.name} | {d.source} | {rosters} | {t['true_id'].nunique()} | {pw.cross.true} "
            f"| {pw.within.true} | {groups} |"
        )
    return "\n".join(lines)


def run_dataset(dataset: datasets.Dataset, args) -> list[ToolRun]:
    """Every tool the arguments ask for, on one data set, one after the other."""
    runs: list[ToolRun] = []
    work = OUT / "runs" / dataset.name
    if args.only in (None, "overlap"):
        runs.append(run_overlap(dataset, work / "overlap", args.threshold))
        if not args.no_encoded:
            encoded = run_overlap_encoded(dataset, work / "overlap_encoded", args.threshold)
            if encoded is not None:
                runs.append(encoded)
    if args.only in (None, "splink"):
        threshold = args.threshold if args.threshold is not None else SPLINK_DEFAULT_THRESHOLD
        runs.append(run_splink(dataset, work / "splink", threshold))
        if dataset.name == "febrl4" and not args.no_reference:
            ref_threshold = args.threshold if args.threshold is not None else 0.99  # as the example
            runs.append(
                run_splink(dataset, work / "splink_example", ref_threshold, febrl4_example=True)
            )
    return runs


def write_report(rows: list[dict], loaded: list[datasets.Dataset], args, started: str) -> str:
    table = markdown_table(rows)
    threshold_note = (
        f"threshold {args.threshold} for both tools"
        if args.threshold is not None
        else f"Overlap at its default threshold, Splink at {SPLINK_DEFAULT_THRESHOLD}"
    )
    text = (
        "# Accuracy: Overlap vs Splink\n\n"
        f"Run started {started}; {threshold_note}.\n\n"
        "cross/within = pairs of records from different rosters / the same roster; "
        f"group gap = best minus worst group's cross-roster recall (groups with at least "
        f"{GAP_MIN_TRUE_PAIRS} true cross pairs); people err = distinct people, predicted vs "
        "true; shared err = sum over programme pairs of |predicted - true shared| / sum of "
        "true; worst pair = largest relative error of one pair; range cover = share of "
        "overlap.json counts whose truth lies in [low, high]; range ± = median half-width "
        "over the count shown; wall s / cpu s = the tool's whole process, wall time and CPU "
        "time (user + system: steadier than wall time on a shared machine); Splink/Overlap "
        "cpu = Splink's CPU seconds over Overlap's.\n\n"
        + table
        + "\n\n## Data sets\n\n"
        + dataset_table(loaded)
        + "\n\n## Cross-roster recall and precision by group\n\n"
        + group_table(rows)
        + "\n\n## Shared people per programme pair\n\n"
        + shared_detail(rows)
        + "\n"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    args.out.with_suffix(".json").write_text(json.dumps(rows, indent=2, default=str))
    args.out.with_suffix(".meta.json").write_text(json.dumps({"started": started}))
    return table


def rewrite_report(args) -> int:
    """The report of an earlier run, its group gaps recomputed under today's rule."""
    rows = json.loads(args.from_json.read_text())
    for row in rows:
        if row.get("groups"):
            row["group_gap"] = group_gap(row["groups"])
    names = list(dict.fromkeys(r["dataset"] for r in rows))
    started = json.loads(args.from_json.with_suffix(".meta.json").read_text())["started"]
    print(write_report(rows, [datasets.load(n) for n in names], args, started))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Overlap vs Splink accuracy on labelled rosters.")
    parser.add_argument(
        "--dataset",
        action="append",
        help=f"data set(s), repeatable or comma-separated: {', '.join(datasets.REGISTRY)}, "
        "scale-N (default: all of the registry)",
    )
    parser.add_argument("--only", choices=["overlap", "splink"], help="run one tool only")
    parser.add_argument(
        "--threshold",
        type=float,
        help="match probability for both tools (default: Overlap's own default, Splink 0.95)",
    )
    parser.add_argument(
        "--no-encoded", action="store_true", help="skip encoded (privacy-preserving) rows"
    )
    parser.add_argument(
        "--no-reference", action="store_true", help="skip Splink's hand-made FEBRL4 example model"
    )
    parser.add_argument(
        "--encoded-vs-plain",
        action="store_true",
        help="encoded matching (shipped and fitted pair model) against plain matching, pair by "
        "pair of rosters, with recall at plain matching's precision (bench/encoded_vs_plain.py)",
    )
    parser.add_argument("--out", type=Path, default=OUT / "accuracy.md")
    parser.add_argument(
        "--from-json",
        type=Path,
        help="re-write the report from an earlier run's accuracy.json (no tool is run)",
    )
    args = parser.parse_args(argv)
    if args.from_json:
        return rewrite_report(args)
    if args.encoded_vs_plain:
        from bench import encoded_vs_plain

        return encoded_vs_plain.main([f"--dataset={d}" for d in args.dataset or []])
    names = [n for arg in (args.dataset or datasets.DEFAULT_DATASETS) for n in arg.split(",") if n]

    started = (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"(load average at start {os.getloadavg()[0]:.2f})"
    )
    t0 = time.perf_counter()
    rows, loaded = [], []
    for name in names:
        try:
            dataset = datasets.load(name)
        except (FileNotFoundError, ImportError) as exc:
            print(f"skip {name}: {exc}", file=sys.stderr)
            continue
        loaded.append(dataset)
        for run in run_dataset(dataset, args):
            row = score_run(run, dataset)
            rows.append(row)
            status = (
                f"cross F1 {row['cross_f1']:.4f}  gap {fmt((row.get('group_gap') or {}).get('gap'), 3)}"
                if run.ok
                else f"FAILED: {run.error}"
            )
            print(f"{name:>14} {run.tool[:28]:<28} {status}  {run.seconds:.1f}s", file=sys.stderr)
    table = write_report(rows, loaded, args, started)
    print(table)
    print(f"wrote {args.out} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
