"""Run each tool as a child process and measure it the same way: wall time and peak RSS.

Both tools are commands that read roster files and write ``records.csv``
(``programme,row,person_id``): ``overlap match`` and ``bench.splink_runner``.
Running both as children keeps the measurement symmetric (interpreter start
and imports included for both) and gives each its own peak memory, read from
``os.wait4``'s resource usage of that one child.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bench.datasets import ROOT, Dataset

PYTHON = sys.executable


@dataclass
class ToolRun:
    """One tool on one data set: its person ids per record and what it cost."""

    tool: str
    dataset: str
    ok: bool
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    records: pd.DataFrame | None = None  # programme, row, person_id
    stderr: str = ""
    error: str = ""
    stats: dict = field(default_factory=dict)  # tool-reported: stages, candidate pairs
    cpu_seconds: float = 0.0  # user + system time of the child(ren)


@dataclass
class Measured:
    """One child process: exit code, wall and CPU seconds, peak RSS (MB), stderr."""

    code: int
    seconds: float
    rss_mb: float
    cpu_seconds: float
    stderr: str


def run_measured(cmd: list[str], cwd: Path = ROOT, env: dict | None = None) -> Measured:
    """Run a command; measure its wall time, its CPU time (user + system) and its peak RSS.

    CPU time is the steadier measure on a shared machine: other people's work
    stretches wall time but not the CPU seconds the child itself used.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Measured(
        os.waitstatus_to_exitcode(status),
        seconds,
        usage.ru_maxrss / 1024.0,
        usage.ru_utime + usage.ru_stime,
        stderr,
    )


def run_command(
    cmd: list[str], cwd: Path = ROOT, env: dict | None = None
) -> tuple[int, float, float, str]:
    """Run a command; return (exit code, wall seconds, peak RSS of the child in MB, stderr)."""
    m = run_measured(cmd, cwd, env)
    return m.code, m.seconds, m.rss_mb, m.stderr


def overlap_command() -> list[str]:
    """How to call the ``overlap`` command of this checkout."""
    return [PYTHON, "-m", "overlap"]


def overlap_has(subcommand: str) -> bool:
    """Whether ``overlap SUBCOMMAND --help`` works (sub-commands land one by one)."""
    proc = subprocess.run(
        [*overlap_command(), subcommand, "--help"], cwd=ROOT, capture_output=True, text=True
    )
    return proc.returncode == 0


def _read_records(out_dir: Path) -> pd.DataFrame:
    """programme,row,person_id of each record a tool wrote, one per roster row.

    Where a row names two people, Overlap writes two records with the same
    ``row`` and a ``part`` (1, 2; empty for ordinary rows, issue 12 item 4). The
    truth has one person per row (the first named: a 1040's primary filer), so
    the row's first part is the one scored.
    """
    path = out_dir / "records.csv"
    header = pd.read_csv(path, nrows=0).columns
    columns = ["programme", "row", "person_id"] + (["part"] if "part" in header else [])
    records = pd.read_csv(
        path,
        usecols=columns,
        dtype={"programme": str, "row": "int64", "person_id": str, "part": str},
        keep_default_na=False,
    )
    if "part" in records:
        records = records[records["part"].isin(["", "1", "1.0"])].drop(columns="part")
    return records


def run_overlap(
    dataset: Dataset, out_dir: Path, threshold: float | None = None, extra: list[str] = ()
) -> ToolRun:
    """``overlap match`` on the data set's files; person ids read from records.csv."""
    shutil.rmtree(out_dir, ignore_errors=True)
    # Exactly as a user runs it: the files and an output folder, nothing configured.
    cmd = [*overlap_command(), "match", *map(str, dataset.files), "--out", str(out_dir)]
    if dataset.programmes != [f.stem for f in dataset.files]:
        for name in dataset.programmes:
            cmd += ["--name", name]
    if threshold is not None:
        cmd += ["--threshold", str(threshold)]
    cmd += list(extra)
    m = run_measured(cmd)
    code, stderr = m.code, m.stderr
    run = ToolRun("overlap", dataset.name, code == 0, m.seconds, m.rss_mb, stderr=stderr)
    run.cpu_seconds = m.cpu_seconds
    if code != 0:
        run.error = (stderr.strip().splitlines() or [f"exit {code}"])[-1][:300]
        return run
    run.records = _read_records(out_dir)
    run.stats = {"stage_lines": [ln for ln in stderr.splitlines() if ln.strip()]}
    summary = out_dir / "overlap.json"
    if summary.exists():
        run.stats["overlap_json"] = json.loads(summary.read_text())
    return run


def run_splink(
    dataset: Dataset,
    out_dir: Path,
    threshold: float,
    u_max_pairs: float = 1e7,
    febrl4_example: bool = False,
) -> ToolRun:
    """Splink 5 (DuckDB) via ``bench.splink_runner`` on the same files.

    ``febrl4_example`` runs Splink's published FEBRL4 model instead (a
    hand-written reference for that one data set, SSN included).
    """
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [PYTHON, "-m", "bench.splink_runner", *map(str, dataset.files), "--out", str(out_dir)]
    for name in dataset.programmes:
        cmd += ["--name", name]
    cmd += ["--threshold", str(threshold), "--u-max-pairs", str(u_max_pairs)]
    if febrl4_example:
        cmd.append("--febrl4-example")
    m = run_measured(cmd)
    code, stderr = m.code, m.stderr
    tool = "splink (FEBRL4 example, hand-made, uses SSN)" if febrl4_example else "splink"
    run = ToolRun(tool, dataset.name, code == 0, m.seconds, m.rss_mb, stderr=stderr)
    run.cpu_seconds = m.cpu_seconds
    if code != 0:
        run.error = (stderr.strip().splitlines() or [f"exit {code}"])[-1][:300]
        return run
    run.records = _read_records(out_dir)
    run.stats = json.loads((out_dir / "splink_stats.json").read_text())
    return run


def run_overlap_encoded(
    dataset: Dataset,
    out_dir: Path,
    threshold: float | None = None,
    secret: bytes = b"bench-shared-secret",
) -> ToolRun | None:
    """Privacy-preserving linkage: ``overlap encode`` each roster, then ``overlap match`` the encodings.

    Returns None while ``overlap encode`` does not exist yet (issue 8). The
    encodings carry random ids instead of row numbers; the owner's key file
    maps them back, so person ids are joined back to (programme, row) through
    it. Wall time and peak memory cover the whole job (encoding included).
    """
    if not overlap_has("encode"):
        return None
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    key = out_dir / "secret.key"
    key.write_bytes(secret)
    total_seconds, peak, stderr_all, encoded = 0.0, 0.0, [], []
    for path, name in zip(dataset.files, dataset.programmes, strict=True):
        target = out_dir / f"{name}.clk"
        cmd = [
            *overlap_command(),
            "encode",
            str(path),
            "--secret-file",
            str(key),
            "--out",
            str(target),
        ]
        code, seconds, rss, stderr = run_command(cmd)
        total_seconds += seconds
        peak = max(peak, rss)
        stderr_all.append(stderr)
        if code != 0:
            err = (stderr.strip().splitlines() or [f"exit {code}"])[-1][:300]
            return ToolRun("overlap-encoded", dataset.name, False, total_seconds, peak, error=err)
        encoded.append(target)
    match_dir = out_dir / "match"
    cmd = [*overlap_command(), "match", *map(str, encoded), "--out", str(match_dir)]
    for name in dataset.programmes:
        cmd += ["--name", name]
    if threshold is not None:
        cmd += ["--threshold", str(threshold)]
    code, seconds, rss, stderr = run_command(cmd)
    tool = "overlap-encoded"
    if code != 0 and _library_can_match_encoded():
        # `overlap match` does not take .clk files yet: call the library entry point it will use.
        script = (
            "import sys; from overlap.privacy import run_encoded_match; "
            "t = None if sys.argv[2] == 'None' else float(sys.argv[2]); "
            "n = sys.argv[3].split('\\x1f'); "
            "run_encoded_match(sys.argv[4:], sys.argv[1], names=n, threshold=t)"
        )
        cmd = [
            PYTHON,
            "-c",
            script,
            str(match_dir),
            str(threshold),
            "\x1f".join(dataset.programmes),
        ]
        code, seconds, rss, stderr = run_command([*cmd, *map(str, encoded)])
        tool = "overlap-encoded (library)"
    run = ToolRun(tool, dataset.name, code == 0, total_seconds + seconds, max(peak, rss))
    run.stderr = "\n".join([*stderr_all, stderr])
    if code != 0:
        run.error = (stderr.strip().splitlines() or [f"exit {code}"])[-1][:300]
        return run
    try:
        run.records = _encoded_records_to_rows(match_dir, encoded, dataset.programmes)
    except (FileNotFoundError, KeyError, ValueError) as exc:
        run.ok, run.error = False, f"cannot map encoded ids back to rows: {exc}"
    return run


def _library_can_match_encoded() -> bool:
    proc = subprocess.run(
        [PYTHON, "-c", "from overlap.privacy import run_encoded_match"],
        cwd=ROOT,
        capture_output=True,
    )
    return proc.returncode == 0


def _encoded_records_to_rows(
    match_dir: Path, encoded: list[Path], programmes: list[str]
) -> pd.DataFrame:
    """An encoded run's records.csv carries random ids in ``row``: map them back with each key file.

    This is what each owner does at home with their own ``NAME.key.csv``
    (written by ``overlap encode`` next to ``NAME.clk``).
    """
    records = pd.read_csv(
        match_dir / "records.csv",
        usecols=["programme", "row", "person_id"],
        dtype=str,
        keep_default_na=False,
    )
    parts = []
    for path, name in zip(encoded, programmes, strict=True):
        mine = records[records["programme"] == name].copy()
        from overlap.privacy import read_key_map  # key files start with a settings line

        key = read_key_map(path.with_suffix(".key.csv")).frame
        lookup = dict(zip(key["id"].astype(str), key["row"].astype(int), strict=True))
        mine["row"] = mine["row"].map(lookup)
        if mine["row"].isna().any():
            raise ValueError(
                f"{int(mine['row'].isna().sum())} ids of {name} are not in its key file"
            )
        parts.append(mine.astype({"row": "int64"}))
    return pd.concat(parts, ignore_index=True)


def tree_rss(process) -> int:
    """Resident memory of a ``psutil.Process`` and all its descendants, in bytes."""
    import psutil

    total = 0
    try:
        family = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for member in family:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total
