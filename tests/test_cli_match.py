"""``overlap match``: the command-line contract of DESIGN.md, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from overlap.cli import main

CHURCH = """Member ID,First Name,Last Name,Birth Date,Street,Zip,Phone,Email
M1,Maria,Garcia,03/14/1980,12 Oak St,60608,312-555-0100,maria.garcia@mail.example.com
M2,Robert,Nowak,01/02/1975,4 Pine Ave,60601,312-555-0199,
M3,Keisha,Johnson,07/04/1990,88 Elm St,60629,,keisha.j@mail.example.com
M4,Kevin,Huang,06/29/2007,3438 S Morgan St,60608,773-555-0142,
M5,Jenny,Huang,06/29/2007,3438 S Morgan St,60608,773-555-0142,
"""

CLINIC = """Client;Full Name;DOB;Address;Telephone
C-10;GARCIA, MARIA;1980-03-14;12 Oak Street 60608;(312) 555-0100
C-11;Bob Nowak;1975-01-02;4 Pine Avenue 60601;3125550199
C-12;Zbigniew Okonkwo;1961-12-01;70 Lake Dr 60616;
C-13;Kevin Huang;2007-06-29;3438 South Morgan Street 60608;7735550142
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "overlap", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def rosters(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rosters")
    (folder / "church.csv").write_text(CHURCH)
    (folder / "clinic.csv").write_text(CLINIC)
    return folder


@pytest.fixture(scope="module")
def matched(rosters) -> tuple[Path, subprocess.CompletedProcess]:
    out = rosters / "out"
    done = run(
        "match",
        "church.csv",
        "clinic.csv",
        "--out",
        str(out),
        "--name",
        "St Agnes",
        "--name",
        "Tax Clinic",
        cwd=rosters,
    )
    return out, done


def test_writes_the_three_files_with_the_contract_columns(matched):
    out, done = matched
    assert done.returncode == 0, done.stderr
    records = pd.read_csv(out / "records.csv", dtype=str, keep_default_na=False)
    assert list(records.columns[:3]) == ["programme", "row", "person_id"]
    for field in ["first_name", "last_name", "dob", "street", "zip", "phone", "email"]:
        assert field in records.columns
    assert len(records) == 9  # every input row
    assert "ssn" not in records.columns  # never written out
    assert set(records["programme"]) == {"St Agnes", "Tax Clinic"}
    assert records.groupby("programme")["row"].apply(list).to_dict() == {
        "St Agnes": ["1", "2", "3", "4", "5"],
        "Tax Clinic": ["1", "2", "3", "4"],
    }
    links = pd.read_csv(out / "links.csv")
    assert list(links.columns[:5]) == [
        "programme_a",
        "row_a",
        "programme_b",
        "row_b",
        "probability",
    ]
    assert "first_name_level" in links.columns and "dob_level" in links.columns
    assert (links["probability"] >= 0.5).all()
    summary = json.loads((out / "overlap.json").read_text())
    assert summary["programmes"]["St Agnes"]["records"] == 5
    assert summary["pairwise"][0]["shared_people"] == 3  # Maria, Robert/Bob, Kevin


def test_twins_are_not_merged_and_matches_are(matched):
    out, _ = matched
    records = pd.read_csv(out / "records.csv", dtype=str, keep_default_na=False)
    pid = dict(zip(records["programme"] + ":" + records["row"], records["person_id"], strict=True))
    assert pid["St Agnes:1"] == pid["Tax Clinic:1"]  # Maria Garcia
    assert pid["St Agnes:2"] == pid["Tax Clinic:2"]  # Robert / Bob Nowak
    assert pid["St Agnes:4"] == pid["Tax Clinic:4"]  # Kevin Huang
    assert pid["St Agnes:4"] != pid["St Agnes:5"]  # his twin Jenny


def test_one_progress_line_per_stage_without_personal_data(matched):
    _, done = matched
    lines = done.stderr.strip().splitlines()
    stages = [line.split(":")[1].strip() for line in lines[:-1]]
    assert stages == [
        "reading", "cleaning", "pairing", "comparing", "learning", "scoring", "grouping"
    ]  # fmt: skip
    assert all(line.endswith(" s)") for line in lines[:-1])
    for secret in ["Garcia", "garcia", "Nowak", "nowak", "1980", "555", "60608", "Morgan"]:
        assert secret not in done.stderr


def test_map_overrides_and_threshold(rosters):
    out = rosters / "out_map"
    done = run(
        "match",
        "church.csv",
        "clinic.csv",
        "--out",
        str(out),
        "--threshold",
        "0.999",
        "--map",
        "church.csv:Member ID=ignore",
        cwd=rosters,
    )
    assert done.returncode == 0, done.stderr
    links = pd.read_csv(out / "links.csv")
    assert (links["probability"] >= 0.999).all()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["missing.csv", "--out", "o"], "does not exist"),
        (["church.csv", "--out", "o", "--threshold", "2"], "threshold"),
        (["church.csv", "clinic.csv", "--out", "o", "--name", "Only one"], "--name"),
        (["church.csv", "--out", "o", "--map", "church.csv:Nope=first_name"], "Nope"),
        (["church.csv", "--out", "o", "--map", "church.csv:Zip=shoe_size"], "shoe_size"),
        (["nameless.csv", "--out", "o"], "name"),
    ],
)
def test_bad_input_exits_non_zero_with_one_readable_line(rosters, args, words, monkeypatch, capsys):
    (rosters / "nameless.csv").write_text("DOB,ZIP\n1980-03-14,60608\n")
    monkeypatch.chdir(rosters)
    code = main(["match", *args])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("overlap: ") and words in lines[0]
    assert "Traceback" not in err


def test_local_engine_never_imports_dask(rosters):
    code = (
        "import sys; from overlap.cli import main; "
        "rc = main(['match', 'church.csv', 'clinic.csv', '--out', 'o_nodask']); "
        "assert rc == 0; assert 'dask' not in sys.modules, 'dask imported'"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=rosters, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_decisions_file_overrides_the_model(rosters, monkeypatch, capsys):
    monkeypatch.chdir(rosters)
    (rosters / "decisions.csv").write_text(
        "programme_a,row_a,programme_b,row_b,decision\nchurch,1,clinic,1,different\n"
        "church,3,clinic,3,same\n"
    )
    code = main(
        ["match", "church.csv", "clinic.csv", "--out", "o_dec", "--decisions", "decisions.csv"]
    )
    assert code == 0, capsys.readouterr().err
    records = pd.read_csv(rosters / "o_dec" / "records.csv", dtype=str, keep_default_na=False)
    pid = dict(zip(records["programme"] + ":" + records["row"], records["person_id"], strict=True))
    assert pid["church:1"] != pid["clinic:1"]  # Maria kept apart by the user
    assert pid["church:3"] == pid["clinic:3"]  # Keisha and Zbigniew joined by the user
    assert main(["match", "church.csv", "--out", "o_dec", "--decisions", "nope.csv"]) == 2
    assert "nope.csv" in capsys.readouterr().err
