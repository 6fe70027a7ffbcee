"""Choosing the constants of the count ranges (overlap/uncertainty.py) on every labelled set.

    python bench/coverage.py [--dataset NAME ...] [--temper T,T] [--spread S,S]
                             [--floor F,F] [--rematch]

Each labelled data set of ``bench/accuracy.py`` is matched once in this
process exactly as ``overlap match`` matches it (``pipeline.match_files``,
nothing configured) and the result kept under ``bench/out/coverage/`` (delete
it, or ``--rematch``, after the matcher changes). Then for every combination
of the constants given, the draws are made and every count overlap.json
carries (everyone, each programme, each pair, each exclusive intersection)
is compared with the truth: coverage (share of counts whose truth lies in
the range) and median half-width over the count, per data set and pooled
over all counts of all data sets, and the widest median half-width among
the data sets with cross-roster F1 >= 0.95. One combination is chosen for all data
sets; the published figures come from ``bench/accuracy.py``, which reads
the ranges from the overlap.json a real ``overlap match`` writes.
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench import datasets  # noqa: E402
from bench.metrics import true_counts  # noqa: E402

OUT = ROOT / "bench" / "out" / "coverage"


def matched(name: str, rematch: bool = False):
    """(match result, true id per record) of a data set, matched once and kept on disk."""
    from overlap.pipeline import match_files

    path = OUT / f"{name}.pkl"
    if path.exists() and not rematch:
        with path.open("rb") as handle:
            return pickle.load(handle)
    dataset = datasets.load(name)
    names = dataset.programmes if dataset.programmes != [f.stem for f in dataset.files] else None
    result = match_files(dataset.files, names=names)
    keys = result.records[["programme", "row"]]
    truth = keys.merge(dataset.truth, on=["programme", "row"], how="left")["true_id"]
    kept = (result, truth.fillna("missing").astype(str).to_numpy())
    OUT.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        pickle.dump(kept, handle)
    return kept


def count_rows(draws, truth: dict) -> list[dict]:
    """Each count overlap.json carries: kind, point, true value, and its values in the draws."""
    from overlap.uncertainty import _has

    masks, names = draws.masks, draws.programmes
    rows = [("union", masks != 0, truth["union_people"])]
    rows += [
        ("programme", _has(masks, i), truth["programmes"].get(n, 0)) for i, n in enumerate(names)
    ]
    for i, j in itertools.combinations(range(len(names)), 2):
        rows.append(
            (
                "pairwise",
                _has(masks, i) & _has(masks, j),
                truth["pairwise"].get((names[i], names[j]), 0),
            )
        )
    for k in np.flatnonzero((masks != 0) & (draws.point > 0)):
        combo = frozenset(n for i, n in enumerate(names) if masks[k] >> i & 1)
        rows.append(("intersection", masks == masks[k], truth["intersections"].get(combo, 0)))
    selectors = np.vstack([r[1] for r in rows]).astype(np.float64).T
    point = draws.point @ selectors
    values = draws.draws @ selectors - draws.reference @ selectors + point
    return [
        {"kind": kind, "point": point[i], "truth": true, "values": values[:, i]}
        for i, (kind, _, true) in enumerate(rows)
    ]


def score(rows: list[dict], spread: float, floor: float) -> tuple[list[bool], list[float]]:
    """Inside or not, and relative half-width, of each count's range."""
    from overlap.uncertainty import _interval

    inside, width = [], []
    for row in rows:
        low, high = _interval(np.array([row["point"]]), row["values"][:, None], spread, floor)
        inside.append(bool(low[0] <= row["truth"] <= high[0]))
        width.append((high[0] - low[0]) / 2 / max(row["point"], 1.0))
    return inside, width


def cross_f1(result, truth_id) -> float:
    from bench.metrics import pairwise_scores

    records = result.records
    return pairwise_scores(records["person_id"], truth_id, records["programme"]).cross.f1


def main(argv: list[str] | None = None) -> int:
    from overlap import uncertainty

    parser = argparse.ArgumentParser(description="Coverage of the count ranges per constant.")
    parser.add_argument("--dataset", action="append", help="data set(s), comma-separated")
    parser.add_argument("--temper", default=str(uncertainty.TEMPER))
    parser.add_argument("--spread", default=str(uncertainty.SPREAD))
    parser.add_argument("--floor", default=str(uncertainty.FLOOR_SHARE))
    parser.add_argument("--band", type=float, default=None, help="BAND to try")
    parser.add_argument("--rematch", action="store_true", help="match again (matcher changed)")
    args = parser.parse_args(argv)
    names = [n for a in (args.dataset or datasets.DEFAULT_DATASETS) for n in a.split(",") if n]
    tempers, spreads, floors = (
        [float(v) for v in text.split(",")] for text in (args.temper, args.spread, args.floor)
    )
    rows_of, f1 = {}, {}
    for name in names:
        try:
            result, truth_id = matched(name, args.rematch)
        except Exception as exc:  # a data set Overlap cannot match is reported, not fatal
            print(f"skip {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        f1[name] = cross_f1(result, truth_id)
        truth = true_counts(truth_id, result.records["programme"].to_numpy())
        for temper in tempers:
            started = time.perf_counter()
            band = uncertainty.BAND if args.band is None else args.band
            draws = uncertainty.draw_counts(result, temper=temper, band=band)
            rows_of[(name, temper)] = count_rows(draws, truth)
            seconds = time.perf_counter() - started
            print(f"{name:>15} temper {temper}: {draws.stats} {seconds:.1f}s", file=sys.stderr)
    print("cross F1: " + ", ".join(f"{n} {v:.3f}" for n, v in f1.items()))
    table = []
    for temper, spread, floor in itertools.product(tempers, spreads, floors):
        row = {"temper": temper, "spread": spread, "floor": floor}
        pooled, good = [], []
        for name in f1:
            inside, width = score(rows_of[(name, temper)], spread, floor)
            pooled += inside
            row[name] = f"{np.mean(inside):.2f}/{np.median(width):.3f}"
            if f1[name] >= 0.95:
                good.append(float(np.median(width)))
        row["coverage"] = round(float(np.mean(pooled)), 3) if pooled else None
        row["worst width (F1>=0.95)"] = round(max(good), 3) if good else None
        row["counts"] = len(pooled)
        table.append(row)
    with pd.option_context("display.width", 250, "display.max_columns", 40):
        print(pd.DataFrame(table).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
