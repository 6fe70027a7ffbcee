"""The Dask engine against the local engine on the same generated rosters, same run.

    python bench/dask_scale.py N [N ...] [--only local|dask] [--scheduler ADDR] [--seed S]

For each N, two rosters of N rows each (~30% shared people; bench.datasets,
cached under bench/out/scale/) go through ``overlap match`` (local engine)
and ``overlap match --engine dask`` as child processes. Without
``--scheduler`` the Dask run starts its own LocalCluster (one single-threaded
worker process per core), so its wall time includes starting the cluster.
Printed per engine: wall time, peak memory (the sum of the resident memory
of the child and every process under it, sampled every 0.2 s: the workers
count), F1 and shared-people error against the generator's truth, and
whether both engines put the records into exactly the same persons. Both
engines run from one frozen copy of ``overlap/`` taken at the start (others
commit to the checkout meanwhile); ``--live`` runs the checkout itself.
Results are appended to bench/out/dask_scale.md and .jsonl; the progress
lines of each run go to bench/out/scale/stages-N-ENGINE.txt.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import datasets  # noqa: E402
from bench.accuracy import score_run  # noqa: E402
from bench.tools import PYTHON, ToolRun, tree_rss  # noqa: E402

OUT = ROOT / "bench" / "out"


def snapshot_code() -> Path:
    """A frozen copy of ``overlap/`` both engines run from (others may commit meanwhile)."""
    folder = OUT / "scale" / "code-snapshot"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(
        ROOT / "overlap", folder / "overlap", ignore=shutil.ignore_patterns("__pycache__")
    )
    return folder


def run_engine(
    dataset: datasets.Dataset,
    engine: str,
    scheduler: str | None,
    out_dir: Path,
    code: Path = ROOT,
) -> tuple[ToolRun, str]:
    """One ``overlap match`` child: wall time, peak tree memory, its records and stderr."""
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [PYTHON, "-m", "overlap", "match", *map(str, dataset.files), "--out", str(out_dir)]
    for name in dataset.programmes:
        cmd += ["--name", name]
    if engine == "dask":
        cmd += ["--engine", "dask"]
        if scheduler:
            cmd += ["--scheduler", scheduler]
    err_path = out_dir.with_suffix(".stderr.txt")
    err_path.parent.mkdir(parents=True, exist_ok=True)
    peak = 0
    with err_path.open("wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=code, stdout=subprocess.DEVNULL, stderr=err)
        watched = psutil.Process(child.pid)
        while child.poll() is None:
            peak = max(peak, tree_rss(watched))
            time.sleep(0.2)
        seconds = time.perf_counter() - started
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    run = ToolRun(engine, dataset.name, child.returncode == 0, seconds, peak / 2**20, stderr=stderr)
    if not run.ok:
        run.error = (stderr.strip().splitlines() or [f"exit {child.returncode}"])[-1][:300]
        return run, stderr
    run.records = pd.read_csv(
        out_dir / "records.csv",
        usecols=["programme", "row", "person_id"],
        dtype={"programme": str, "row": "int64", "person_id": str},
        keep_default_na=False,
    )
    return run, stderr


def same_persons(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two runs put the records into the same groups (ids may differ)."""
    merged = a.merge(b, on=["programme", "row"], suffixes=("_a", "_b"))
    if len(merged) != len(a) or len(a) != len(b):
        return False
    combos = merged[["person_id_a", "person_id_b"]].drop_duplicates()
    return len(combos) == merged["person_id_a"].nunique() == merged["person_id_b"].nunique()


def stage_seconds(stderr: str) -> str:
    """'block 12.3, compare 40.1, ...' from the progress lines."""
    parts = []
    for line in stderr.splitlines():
        if line.startswith("overlap: ") and line.rstrip().endswith(" s)"):
            stage = line.split(":")[1].strip()
            parts.append(f"{stage} {line.rsplit('(', 1)[1].split()[0]}")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=lambda s: int(float(s)), metavar="N")
    parser.add_argument("--only", choices=["local", "dask"], default=None)
    parser.add_argument("--scheduler", default=None, help="an existing Dask scheduler")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--live",
        action="store_true",
        help="run the checkout's code as it is at each start (default: a frozen copy for both)",
    )
    args = parser.parse_args(argv)
    engines = [args.only] if args.only else ["local", "dask"]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scale").mkdir(parents=True, exist_ok=True)
    lines = []
    code = ROOT if args.live else snapshot_code()
    for n in args.sizes:
        started = time.perf_counter()
        dataset = datasets.scale_pair(n, seed=args.seed)
        print(f"N={n:,}: data ready ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        runs = {}
        rows = []
        for engine in engines:
            out_dir = OUT / "scale" / f"dask-bench-{n}-{engine}"
            run, stderr = run_engine(dataset, engine, args.scheduler, out_dir, code)
            (OUT / "scale" / f"stages-{n}-{engine}.txt").write_text(stderr, encoding="utf-8")
            runs[engine] = run
            scored = score_run(run, dataset)
            row = {
                "n_per_roster": n,
                "engine": engine,
                "ok": run.ok,
                "seconds": round(run.seconds, 1),
                "peak_mb": round(run.peak_rss_mb),
                "f1": scored.get("f1"),
                "shared_error": scored.get("shared_error"),
                "stages": stage_seconds(stderr),
                "error": run.error,
                "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "scheduler": args.scheduler or "local cluster started by the run",
            }
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
        same = None
        if all(r.ok for r in runs.values()) and len(runs) == 2:
            same = same_persons(runs["local"].records, runs["dask"].records)
        for row in rows:
            row["same_persons"] = same
        with (OUT / "dask_scale.jsonl").open("a", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row) + "\n")
        lines.append(f"\n### N = {n:,} per roster ({rows[0]['when']})\n")
        lines.append("| engine | wall s | peak MB (all processes) | F1 | shared err | stages (s) |")
        lines.append("|---|---|---|---|---|---|")
        for row in rows:
            f1 = f"{row['f1']:.4f}" if row["f1"] is not None else row["error"]
            err = f"{row['shared_error']:.2%}" if row["shared_error"] is not None else ""
            lines.append(
                f"| {row['engine']} | {row['seconds']} | {row['peak_mb']:,} | {f1} | {err} "
                f"| {row['stages']} |"
            )
        if same is not None:
            lines.append(f"\nSame persons from both engines: {'yes' if same else 'NO'}")
    text = "\n".join(lines) + "\n"
    print(text)
    with (OUT / "dask_scale.md").open("a", encoding="utf-8") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
