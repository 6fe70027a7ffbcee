"""Accuracy of Overlap and Splink side by side, on labelled data, in the same run.

    python bench/accuracy.py [--dataset febrl4|samples|scale-N ...] [--only overlap|splink]
                             [--threshold P] [--no-encoded]

For each data set both tools read the same roster files (Overlap through
``overlap match``, Splink through ``bench.splink_runner``) and their person
ids are scored against the truth: pairwise precision, recall and F1 over
cross-roster pairs and within-roster pairs, the error in the number of people
each pair of programmes shares, and wall time. The table is printed and
written to ``bench/out/accuracy.md`` (details in ``bench/out/accuracy.json``).
Encoded (privacy-preserving) linkage rows appear once ``overlap encode`` exists.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from bench import datasets  # noqa: E402
from bench.metrics import score_clustering  # noqa: E402
from bench.tools import ToolRun, run_overlap, run_overlap_encoded, run_splink  # noqa: E402

OUT = ROOT / "bench" / "out"
DEFAULT_DATASETS = ["febrl4", "samples"]
SPLINK_DEFAULT_THRESHOLD = 0.95  # Splink's 50k example clusters at 0.95


def score_run(run: ToolRun, dataset: datasets.Dataset) -> dict:
    """Join a tool's person ids to the truth by (programme, row) and score them."""
    row = {
        "dataset": dataset.name,
        "tool": run.tool,
        "ok": run.ok,
        "seconds": round(run.seconds, 2),
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
            "records_missing": missing,
            "precision": pw["all"]["precision"],
            "recall": pw["all"]["recall"],
            "f1": pw["all"]["f1"],
            "cross_precision": pw["cross"]["precision"],
            "cross_recall": pw["cross"]["recall"],
            "cross_f1": pw["cross"]["f1"],
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
    return row


def fmt(value, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "-"
    if pct:
        return f"{value:+.2%}"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def markdown_table(rows: list[dict]) -> str:
    """The headline table: one line per (data set, tool)."""
    head = (
        "| dataset | tool | P | R | F1 | cross P | cross R | cross F1 | within P | within R | within F1 "
        "| shared err | worst pair | people err | time s | peak MB |"
    )
    lines = [head, "|" + "|".join(["---"] * 16) + "|"]
    for r in rows:
        if not r["ok"]:
            lines.append(f"| {r['dataset']} | {r['tool']} | failed: {r['error']} |" + " |" * 13)
            continue
        within = r["true_within_pairs"] > 0
        # No true within-roster duplicates: recall and F1 mean nothing; say how many false ones.
        no_within = f"none true, {r['predicted_within_pairs']} made"
        lines.append(
            "| "
            + " | ".join(
                [
                    r["dataset"],
                    r["tool"],
                    fmt(r["precision"]),
                    fmt(r["recall"]),
                    fmt(r["f1"]),
                    fmt(r["cross_precision"]),
                    fmt(r["cross_recall"]),
                    fmt(r["cross_f1"]),
                    fmt(r["within_precision"]) if within else no_within,
                    fmt(r["within_recall"]) if within else "n/a",
                    fmt(r["within_f1"]) if within else "n/a",
                    f"{r['shared_error']:.2%}",
                    f"{r['shared_error_max']:.2%}",
                    fmt(r["union_error"], pct=True),
                    f"{r['seconds']:.1f}",
                    str(r["peak_rss_mb"]),
                ]
            )
            + " |"
        )
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Overlap vs Splink accuracy on labelled rosters.")
    parser.add_argument(
        "--dataset", action="append", help="febrl4, samples or scale-N (repeatable)"
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
    parser.add_argument("--out", type=Path, default=OUT / "accuracy.md")
    args = parser.parse_args(argv)

    rows = []
    for name in args.dataset or DEFAULT_DATASETS:
        try:
            dataset = datasets.load(name)
        except (FileNotFoundError, ImportError) as exc:
            print(f"skip {name}: {exc}", file=sys.stderr)
            continue
        runs: list[ToolRun] = []
        work = OUT / "runs" / name
        if args.only in (None, "overlap"):
            runs.append(run_overlap(dataset, work / "overlap", args.threshold))
            if not args.no_encoded:
                encoded = run_overlap_encoded(dataset, work / "overlap_encoded", args.threshold)
                if encoded is not None:
                    runs.append(encoded)
        if args.only in (None, "splink"):
            threshold = args.threshold if args.threshold is not None else SPLINK_DEFAULT_THRESHOLD
            runs.append(run_splink(dataset, work / "splink", threshold))
            if name == "febrl4" and not args.no_reference:
                ref_threshold = (
                    args.threshold if args.threshold is not None else 0.99
                )  # as the example
                runs.append(
                    run_splink(dataset, work / "splink_example", ref_threshold, febrl4_example=True)
                )
        for run in runs:
            row = score_run(run, dataset)
            rows.append(row)
            status = f"F1 {row['f1']:.4f}" if run.ok else f"FAILED: {run.error}"
            print(f"{name:>10} {run.tool[:24]:<24} {status}  {run.seconds:.1f}s", file=sys.stderr)
            if run.tool == "overlap" and run.ok:
                for line in run.stats.get("stage_lines", []):
                    print(f"           | {line}", file=sys.stderr)

    table = markdown_table(rows)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    threshold_note = (
        f"threshold {args.threshold} for both tools"
        if args.threshold is not None
        else f"Overlap at its default threshold, Splink at {SPLINK_DEFAULT_THRESHOLD}"
    )
    args.out.write_text(
        "# Accuracy: Overlap vs Splink\n\n"
        f"Pairwise scores over all, cross-roster and within-roster pairs; {threshold_note}.\n"
        "shared err = sum over programme pairs of |predicted - true shared people| / sum of true; "
        "worst pair = largest relative error of one pair; people err = distinct people, "
        "predicted vs true.\n\n"
        + table
        + "\n\n## Shared people per programme pair\n\n"
        + shared_detail(rows)
        + "\n"
    )
    args.out.with_suffix(".json").write_text(json.dumps(rows, indent=2, default=str))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
