"""`overlap match` on .clk files: the privacy-preserving path through the real command."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from overlap.cli import main
from overlap.ingest import read_roster

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TRUTH = ROOT / "data" / "truth" / "samples_truth.csv"
PARISH = SAMPLES / "st_agnes_parish_members.csv"
JOBS = SAMPLES / "job_placement_participants.csv"


@pytest.fixture(scope="module")
def encoded(tmp_path_factory) -> Path:
    """Two sample rosters encoded with one shared secret, as two partners would."""
    folder = tmp_path_factory.mktemp("encoded")
    secret = folder / "partners.secret"
    secret.write_bytes(b"a fixed test secret, 32 bytes!!!")  # deterministic encodings
    for roster in (PARISH, JOBS):
        out = folder / f"{roster.stem}.clk"
        assert main(["encode", str(roster), "--secret-file", str(secret), "--out", str(out)]) == 0
    return folder


def _true_shared() -> int:
    truth = pd.read_csv(TRUTH, dtype=str)
    people = truth.groupby("file")["person_id"].agg(set)
    return len(people[PARISH.name] & people[JOBS.name])


def test_match_on_encodings_writes_the_plain_outputs(encoded, capsys):
    out = encoded / "result"
    code = main(["match", str(encoded / f"{PARISH.stem}.clk"), str(encoded / f"{JOBS.stem}.clk"),
                 "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    assert "encoded records" in err.splitlines()[-1]
    summary = json.loads((out / "overlap.json").read_text())
    assert set(summary["programmes"]) == {PARISH.stem, JOBS.stem}
    shared = summary["pairwise"][0]["shared_people"]
    true = _true_shared()
    # accuracy is measured in bench/accuracy.py; here: the counts are the real ones, roughly
    assert abs(shared - true) <= 0.1 * true, (shared, true)
    records = pd.read_csv(out / "records.csv", dtype=str)
    assert {"programme", "row", "person_id"} <= set(records.columns)
    rows = sum(len(read_roster(path).frame) for path in (PARISH, JOBS))
    assert len(records) == rows  # every encoded row, once
    assert not (set(records.columns) & {"first_name", "last_name", "dob", "phone", "email"})


def test_encoded_and_plain_files_are_not_mixed(encoded, capsys):
    code = main(["match", str(encoded / f"{PARISH.stem}.clk"), str(JOBS), "--out",
                 str(encoded / "mixed")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [
        "overlap: Cannot mix encoded (.clk) files and plain rosters in one match; "
        "encode every roster with `overlap encode` first."
    ]
    assert not (encoded / "mixed").exists()
