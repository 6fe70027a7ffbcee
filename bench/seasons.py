"""Seasons: adding a roster to a workspace, against matching everything again.

    python bench/seasons.py accuracy [--datasets NAME ...]
    python bench/seasons.py speed [--n 1000000] [--rows 10000] [--repeat 3]

**accuracy** — each labelled data set (bench/datasets.py) is split into
three seasons: every roster's rows are dealt at random into halves and
quarters (``split_into_seasons``), so each programme sends a roster every
season and people come back across seasons. The seasons are added to a
workspace one by one (``overlap.workspace.add_rosters``, the library
``overlap workspace add`` runs). After the last season the same records are
matched again in full (``pipeline.match_rosters``). Reported: the share of
records the two put with exactly the same people, pairwise F1 against the
truth of both and their difference, and the share of earlier records that
kept their person ID when each season was added (the smallest over the
seasons). Targets (issue 13): same people >= 99.5%, |F1 difference| <= 0.002,
IDs kept >= 99.5%.

**speed** — a workspace holding two generated rosters of N rows each (N =
1,000,000 by default: ``bench/datasets.scale_pair``), then ``overlap
workspace add`` of a next-season roster of ROWS rows as a child process,
measured whole (interpreter start, decrypting, matching, encrypting and
saving): wall seconds, CPU seconds and peak RSS. The next-season roster is
drawn from the same generated population (60% returning people, re-typed
with fresh mistakes; 40% people new to both rosters), with its truth, so the
added season's accuracy is measured too. Target: <= 5 s and <= 3 GB.

Results are appended to bench/out/seasons.md and bench/out/seasons.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import datasets  # noqa: E402
from bench.metrics import pairwise_scores  # noqa: E402
from bench.tools import PYTHON, run_measured  # noqa: E402

OUT = ROOT / "bench" / "out"
WORK = OUT / "seasons"
PASSPHRASE = "bench seasons passphrase"
ACCURACY_SETS = ["synth-1x", "synth-2x", "synth-3x", "febrl1", "febrl2", "febrl3", "febrl4", "pp-default", "pp-heavy", "pp-ssa-taxes",
                 "pp-surveys-ssa"]  # fmt: skip


# ------------------------------------------------------------------------------ accuracy


def same_people_share(a: np.ndarray, b: np.ndarray) -> float:
    """Share of records grouped with exactly the same other records by both labellings."""
    frame = pd.DataFrame({"a": pd.factorize(a)[0], "b": pd.factorize(b)[0]})
    one_to_one = (frame.groupby("a")["b"].transform("nunique") == 1) & (
        frame.groupby("b")["a"].transform("nunique") == 1
    )
    return float(one_to_one.mean())


SEASON_SHARES = (0.5, 0.25, 0.25)  # of each roster's rows: the first season, then two more
SPLIT_SEED = 20261213


def split_into_seasons(
    dataset: datasets.Dataset,
) -> tuple[list[list[tuple[Path, str]]], pd.DataFrame]:
    """Each roster's rows dealt at random into seasons: every programme has a roster each season.

    A coalition's partners send a roster every season; here each roster of
    the data set is cut into ``SEASON_SHARES`` (fixed seed), so the same
    person may come back in a later season, in the same programme or another.

    Returns:
        (per season the files and their programme, truth keyed by programme,
        season number and row of the season's file).
    """
    from overlap.ingest import read_roster

    folder = WORK / "split" / dataset.name
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SPLIT_SEED)
    seasons: list[list[tuple[Path, str]]] = [[] for _ in SEASON_SHARES]
    truths = []
    for path, programme in zip(dataset.files, dataset.programmes, strict=True):
        frame = read_roster(path).frame
        order = rng.permutation(len(frame))
        cuts = np.cumsum(np.round(np.array(SEASON_SHARES) * len(frame)).astype(int))[:-1]
        truth = dataset.truth[dataset.truth["programme"] == programme].set_index("row")["true_id"]
        for number, rows in enumerate(np.split(order, cuts), start=1):
            rows = np.sort(rows)
            target = folder / f"{Path(path).stem}__season{number}.csv"
            frame.iloc[rows].to_csv(target, index=False)
            seasons[number - 1].append((target, programme))
            truths.append(
                pd.DataFrame(
                    {
                        "programme": programme,
                        "season": f"season {number}",
                        "row": np.arange(1, len(rows) + 1),
                        "true_id": truth.reindex(rows + 1).to_numpy(),
                    }
                )
            )
    return seasons, pd.concat(truths, ignore_index=True)


def run_accuracy(dataset: datasets.Dataset) -> dict:
    """Add the data set season by season; compare with one full match of the same records."""
    from overlap.pipeline import match_rosters
    from overlap.workspace import Workspace, add_rosters, read_arrival

    seasons, truth_table = split_into_seasons(dataset)
    ws = Workspace()
    kept, seconds, modes = [], [], []
    for number, files in enumerate(seasons, start=1):
        arrivals = [read_arrival(path, name=programme) for path, programme in files]
        before = ws.person_id.copy()
        started = time.perf_counter()
        report = add_rosters(ws, arrivals, season=f"season {number}")
        seconds.append(round(time.perf_counter() - started, 2))
        modes.append(report.mode)
        if len(before):
            kept.append(float((ws.person_id[: len(before)] == before).mean()))
    records = ws.records()
    started = time.perf_counter()
    full = match_rosters(records.drop(columns="rid"), ws.threshold)
    full_seconds = round(time.perf_counter() - started, 2)
    owner = ws.upload_of(np.arange(ws.n_records))
    keys = pd.DataFrame(
        {
            "programme": np.array([u.programme for u in ws.uploads], dtype=object)[owner],
            "season": np.array([u.season for u in ws.uploads], dtype=object)[owner],
            "row": records["row"].to_numpy(),
        }
    )
    truth = keys.merge(truth_table, on=["programme", "season", "row"], how="left")["true_id"]
    if truth.isna().any():
        raise RuntimeError(f"{dataset.name}: {int(truth.isna().sum())} records have no truth")
    roster = records["programme"]
    incremental_f1 = pairwise_scores(ws.person_id, truth, roster).all.f1
    full_f1 = pairwise_scores(full.records["person_id"], truth, roster).all.f1
    return {
        "dataset": dataset.name,
        "seasons": len(seasons),
        "rosters": len(ws.uploads),
        "records": ws.n_records,
        "modes": modes,
        "same_people": same_people_share(ws.person_id, full.records["person_id"].to_numpy()),
        "f1_incremental": incremental_f1,
        "f1_full": full_f1,
        "f1_difference": incremental_f1 - full_f1,
        "ids_kept_min": min(kept) if kept else 1.0,
        "ids_kept": kept,
        "add_seconds": seconds,
        "full_match_seconds": full_seconds,
    }


def accuracy_table(rows: list[dict]) -> str:
    head = (
        "| data set | seasons | records | same people | F1 incremental | F1 full | difference "
        "| IDs kept (worst season) | seconds per season added | full match s |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = [
        f"| {r['dataset']} | {r['seasons']} | {r['records']:,} | {r['same_people']:.2%} "
        f"| {r['f1_incremental']:.4f} | {r['f1_full']:.4f} | {r['f1_difference']:+.4f} "
        f"| {r['ids_kept_min']:.2%} | {', '.join(f'{s:g}' for s in r['add_seconds'])} "
        f"| {r['full_match_seconds']:g} |"
        for r in rows
    ]
    return head + "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ speed


def next_season(n: int, rows: int, seed: int = 7, returning: float = 0.6):
    """A next-season roster for ``datasets.scale_pair(n, seed)``: the same people, typed anew.

    The generator's population is drawn again from the same seed (as
    ``synth.make_linked_pair`` draws it), so its people are the scale pair's:
    ``returning`` of the rows are people of those two rosters, the rest people
    in neither. Returns (frame, truth with ``true_id``).
    """
    synth, _ = datasets._import_scripts()
    rng = np.random.default_rng(seed)
    unique = n - round(n * 0.02)
    shared = round(0.3 * unique)
    pop = synth._population_for(2 * unique - shared, rng, None)
    adults = np.flatnonzero(pop.age >= 18)
    picked = adults[rng.permutation(len(adults))[: 2 * unique - shared]]
    fresh = np.setdiff1d(adults, picked)
    draw = np.random.default_rng([seed, 2027])
    back = draw.choice(picked, round(rows * returning), replace=False)
    new = draw.choice(fresh, rows - len(back), replace=False)
    frame, truth = synth.build_roster(pop, np.concatenate([back, new]), "vita", draw, n_rows=rows)
    return frame, truth.rename(columns={"person_id": "true_id"})


def speed_files(n: int, rows: int) -> tuple[datasets.Dataset, Path, Path]:
    big = datasets.scale_pair(n)
    WORK.mkdir(parents=True, exist_ok=True)
    roster = WORK / f"next_season_{n}_{rows}.csv"
    truth = WORK / f"next_season_{n}_{rows}_truth.csv"
    if not (roster.exists() and truth.exists()):
        frame, table = next_season(n, rows)
        frame.to_csv(roster, index=False)
        table.to_csv(truth, index=False)
    return big, roster, truth


def made_by() -> list:
    """What a stored first season depends on: the comparisons, their levels and the blocking rules."""
    from overlap.block import BLOCKING_RULES
    from overlap.fields import COMPARISONS
    from overlap.workspace.store import SCHEMA_VERSION

    return [
        SCHEMA_VERSION,
        [[c.name, c.n_levels] for c in COMPARISONS],
        [r.name for r in BLOCKING_RULES],
    ]


def overlap_cli(*args: str) -> list[str]:
    return [PYTHON, "-m", "overlap", "workspace", *args]


def base_workspace(big: datasets.Dataset, n: int, env: dict) -> tuple[Path, dict]:
    """The first season's workspace (both big rosters, a full match), made once and kept."""
    path = WORK / f"workspace_{n}.owl"
    info_path = WORK / f"workspace_{n}.json"
    if path.exists() and info_path.exists():
        info = json.loads(info_path.read_text())
        if info.get("made_by") == made_by():
            return path, info
    # made by code that compares or blocks otherwise: adding to it would be a full match
    path.unlink(missing_ok=True)
    made = run_measured(overlap_cli("new", str(path)), env=env)
    if made.code:
        raise RuntimeError(made.stderr)
    first = run_measured(
        overlap_cli("add", str(path), *map(str, big.files), "--season", "season 1"), env=env
    )
    if first.code:
        raise RuntimeError(first.stderr)
    info = {
        "made_by": made_by(),
        "seconds": round(first.seconds, 1),
        "cpu_seconds": round(first.cpu_seconds, 1),
        "peak_rss_mb": round(first.rss_mb),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "stages": [ln for ln in first.stderr.splitlines() if ln.startswith("overlap:")],
    }
    info_path.write_text(json.dumps(info, indent=1))
    return path, info


def run_speed(n: int, rows: int, repeat: int) -> dict:
    big, roster, _ = speed_files(n, rows)
    env = {**os.environ, "OVERLAP_PASSPHRASE": PASSPHRASE}
    base, first = base_workspace(big, n, env)
    runs = []
    for _ in range(repeat):
        copy = WORK / f"workspace_{n}_plus.owl"
        shutil.copyfile(base, copy)
        m = run_measured(
            overlap_cli("add", str(copy), str(roster), "--season", "season 2"), env=env
        )
        if m.code:
            raise RuntimeError(m.stderr)
        runs.append(
            {
                "seconds": round(m.seconds, 2),
                "cpu_seconds": round(m.cpu_seconds, 2),
                "peak_rss_mb": round(m.rss_mb),
                "stages": [ln for ln in m.stderr.splitlines() if ln.startswith("overlap:")],
            }
        )
    best = min(runs, key=lambda r: r["seconds"])
    return {
        "n": n,
        "rows": rows,
        "load": os.getloadavg()[0],
        "first_season": first,
        "runs": runs,
        "best": best,
        "file_mb_after": round((WORK / f"workspace_{n}_plus.owl").stat().st_size / 1e6, 1),
    }


def speed_text(result: dict) -> str:
    best, first = result["best"], result["first_season"]
    lines = [
        f"Workspace of 2 x {result['n']:,} records (first season: full match "
        f"{first['seconds']} s wall, {first['cpu_seconds']} s CPU, {first['peak_rss_mb']:,} MB peak; "
        f"file {first['file_mb']} MB), adding a {result['rows']:,}-row roster:",
        "",
        "| run | wall s | CPU s | peak RSS MB |",
        "|---|---|---|---|",
    ]
    for i, run in enumerate(result["runs"], start=1):
        lines.append(f"| {i} | {run['seconds']} | {run['cpu_seconds']} | {run['peak_rss_mb']:,} |")
    lines += ["", "Stages of the fastest run:", "", *[f"    {s}" for s in best["stages"]]]
    lines.append(f"\nLoad average at the end: {result['load']:.1f} (2 cores).")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    acc = commands.add_parser("accuracy")
    acc.add_argument("--datasets", nargs="+", default=ACCURACY_SETS)
    speed = commands.add_parser("speed")
    speed.add_argument("--n", type=int, default=1_000_000)
    speed.add_argument("--rows", type=int, default=10_000)
    speed.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H:%M")
    if args.command == "accuracy":
        rows = []
        for name in args.datasets:
            row = run_accuracy(datasets.load(name))
            print(json.dumps(row), flush=True)
            rows.append(row)
        text = accuracy_table(rows)
    else:
        rows = [run_speed(args.n, args.rows, args.repeat)]
        text = speed_text(rows[0])
    print(text)
    with open(OUT / "seasons.md", "a", encoding="utf-8") as report:
        report.write(f"\n## {args.command} ({stamp})\n\n{text}")
    with open(OUT / "seasons.jsonl", "a", encoding="utf-8") as log:
        for row in rows:
            log.write(json.dumps({"command": args.command, "at": stamp, **row}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
