"""What a roster at the upload limit costs: rows, bytes, seconds and peak memory.

    python bench/upload_limit.py [--max-gib 16] [--max-minutes 30] [--only read|match]
                                 [--megabytes N] [--fresh]

A realistic roster CSV (``scripts/synth.py``: households, typos, nicknames,
missing fields, in the "vita" export style) is written as large as the
limits allow: just under ``IngestLimits.max_bytes`` (200 MB, the same as
``server.maxUploadSize`` in .streamlit/config.toml) or ``max_rows``
(2,000,000), whichever comes first. Cached under bench/out/upload_limit/.

Two child processes, each measured on its own (peak resident memory of the
child and everything under it, sampled every 0.2 s with psutil, and the
kernel's own high-water mark of the child from ``os.wait4``):

(a) ``read``: ``read_roster`` + ``guess_mapping`` + ``apply_mapping`` +
    ``normalise_fields``, what the dashboard does when the file is uploaded;
(b) ``match``: ``overlap match`` of the file against a sample roster
    (data/samples/st_agnes_parish_members.csv), the whole pipeline.

The machine is shared: a child that passes ``--max-gib`` of memory or
``--max-minutes`` is stopped and reported as such (its peak so far is the
lower bound). Results go to stdout and are appended to
bench/out/upload_limit.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "scripts"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from bench.tools import tree_rss  # noqa: E402
from overlap.ingest import IngestLimits  # noqa: E402

OUT = ROOT / "bench" / "out" / "upload_limit"
PYTHON = sys.executable
SAMPLE = ROOT / "data" / "samples" / "st_agnes_parish_members.csv"
SEED = 11

READ_CHILD = """
import json, sys, time
from overlap.ingest import read_roster
from overlap.mapping import apply_mapping, guess_mapping
from overlap.normalise import normalise_fields
laps = {}
t = time.perf_counter()
roster = read_roster(sys.argv[1])
laps["read"] = time.perf_counter() - t; t = time.perf_counter()
guess = guess_mapping(roster.frame)
mapped = apply_mapping(roster, guess.mapping)
laps["map"] = time.perf_counter() - t; t = time.perf_counter()
keys = normalise_fields(mapped.fields)
laps["normalise"] = time.perf_counter() - t
print(json.dumps({"rows": len(roster.frame), "columns": roster.frame.shape[1],
                  "problem_rows": len(roster.problems), "fields": sorted(set(guess.mapping.values())),
                  "normalised_rows": len(keys), "stages": {k: round(v, 1) for k, v in laps.items()}}))
"""


def make_roster(path: Path, limits: IngestLimits) -> tuple[int, int]:
    """Write the largest realistic roster the limits accept: (rows, bytes).

    ``limits`` may be smaller than the real ones, to measure a smaller roster.
    """
    import synth

    probe, _, _ = synth.make_linked_pair(20_000, seed=SEED, styles=("vita", "employer"))
    per_row = len(probe.to_csv(index=False).encode()) / len(probe)
    n = min(limits.max_rows, int(limits.max_bytes / per_row * 1.03))
    frame, _, _ = synth.make_linked_pair(n, seed=SEED, styles=("vita", "employer"))
    data = frame.to_csv(index=False).encode()
    if len(data) > limits.max_bytes:  # cut at the last whole line under the limit
        data = data[: data.rindex(b"\n", 0, limits.max_bytes) + 1]
    path.write_bytes(data)
    return data.count(b"\n") - 1, len(data)


def measure(command: list[str], max_bytes: int, max_seconds: float, log: Path) -> dict:
    """Run one child, polling its memory; stop it past the caps.

    Two peaks: the sum over the child's process tree sampled every 0.2 s, and
    the kernel's high-water mark of the child itself (``wait4``'s ``ru_maxrss``,
    which sees spikes shorter than a sample). The parent stays small (the
    roster is written by another process), since a fork's copy of the
    parent counts in the child's high-water mark too.
    """
    started = time.perf_counter()
    with log.open("w") as err, tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT, text=True)
        watched = psutil.Process(child.pid)
        peak, stopped, usage, status = 0, None, None, 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_rss(watched))
            if not stopped and peak > max_bytes:
                stopped = f"stopped: over {max_bytes / 2**30:.0f} GiB"
            elif not stopped and time.perf_counter() - started > max_seconds:
                stopped = f"stopped: over {max_seconds / 60:.0f} minutes"
            if stopped:
                child.kill()
            time.sleep(0.2)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        printed = out.read()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 1),
        "peak_mb": round(peak / 2**20),
        "child_high_water_mb": round(usage.ru_maxrss * 1024 / 2**20),  # KiB on Linux
        "exit": child.returncode,
        "stopped": stopped,
        "stdout": printed.strip()[-2000:],
        "stderr_tail": log.read_text().strip().splitlines()[-12:],
    }


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 24), b""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-gib", type=float, default=16.0, help="stop a child past this")
    parser.add_argument("--max-minutes", type=float, default=30.0, help="stop a child past this")
    parser.add_argument("--only", choices=["read", "match"], default=None)
    parser.add_argument("--fresh", action="store_true", help="write the roster again")
    parser.add_argument(
        "--megabytes",
        type=int,
        default=None,
        help="measure a roster of this size instead (a limit one is thinking of)",
    )
    parser.add_argument("--make-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    limits = IngestLimits()
    target = limits
    roster = OUT / "roster_at_limit.csv"
    if args.megabytes:
        target = IngestLimits(max_bytes=args.megabytes * 2**20, max_rows=limits.max_rows)
        roster = OUT / f"roster_{args.megabytes}mb.csv"
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if args.make_only:
        make_roster(roster, target)
        return 0
    if args.fresh or not roster.exists():  # in a child: keep this process small
        again = ["--megabytes", str(args.megabytes)] if args.megabytes else []
        subprocess.run([PYTHON, __file__, "--make-only", *again], check=True)
        print(f"wrote {roster} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    rows, size = _count_lines(roster) - 1, roster.stat().st_size
    total = psutil.virtual_memory().total
    print(
        f"roster: {rows:,} rows, {size:,} bytes ({size / 2**20:.1f} MB); limits "
        f"{limits.max_bytes / 2**20:.0f} MB / {limits.max_rows:,} rows; machine "
        f"{total / 2**30:.1f} GiB, {os.cpu_count()} cores"
    )
    caps = (args.max_gib * 2**30, args.max_minutes * 60)
    results = {"rows": rows, "bytes": size, "machine_gib": round(total / 2**30, 1)}
    results["load_average"] = [round(x, 1) for x in os.getloadavg()]
    if args.only in (None, "read"):
        results["read"] = measure(
            [PYTHON, "-c", READ_CHILD, str(roster)], *caps, OUT / "read.stderr.txt"
        )
        print("(a) read + map + normalise:", json.dumps(results["read"], indent=1))
    if args.only in (None, "match"):
        with tempfile.TemporaryDirectory(prefix="overlap-limit-") as out_dir:
            command = [PYTHON, "-m", "overlap", "match", str(roster), str(SAMPLE), "--out", out_dir]
            results["match"] = measure(command, *caps, OUT / "match.stderr.txt")
        print("(b) overlap match vs a sample:", json.dumps(results["match"], indent=1))
    results["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with (ROOT / "bench" / "out" / "upload_limit.jsonl").open("a") as log:
        log.write(json.dumps(results) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
