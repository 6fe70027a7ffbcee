"""``overlap match`` on bad input: one sentence naming the file, exit 2, nothing written.

``tests/test_bad_files.py`` covers the whole corpus through the library and
``overlap inspect``; this covers the command that does the work. A bad file
among good ones refuses the whole run (a partial result would silently leave
a programme out of the overlap), names the bad file and writes no output.
Runs in-process with ``capfd`` so anything written straight to the stderr
file descriptor (a Rust panic in a spreadsheet reader, a warning) is seen too;
one real subprocess checks the same for the installed entry point.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import filegen
import pandas as pd
import pytest

from overlap.cli import main

ROWS = [filegen.HEADER] + filegen.people_rows(6)
PASSWORD = "is protected with a password; open it in Excel, remove the password and save it again."
BINARY = (
    "is not a text or spreadsheet file (it holds binary data); export the roster as CSV or Excel."
)


def _encrypted(folder: Path) -> bytes:
    plain = filegen.write_xlsx(folder / "plain.xlsx", {"People": ROWS})
    return filegen.encrypt_xlsx(plain, folder / "locked-made.xlsx").read_bytes()


def _damaged_xlsx(folder: Path) -> bytes:
    """A real workbook cut short (a broken download)."""
    whole = filegen.write_xlsx(folder / "whole.xlsx", {"People": ROWS}).read_bytes()
    return whole[: len(whole) * 2 // 3]


# (file name, bytes maker or None for "absent", expected message after "overlap: ")
BAD_FILES = [
    ("empty.csv", lambda f: b"", "empty.csv is empty."),
    ("junk.csv", lambda f: filegen.binary_junk(), f"junk.csv {BINARY}"),
    (
        "roster.csv",
        lambda f: filegen.pdf_bytes(),
        "roster.csv is a PDF document, not a roster; export the roster as CSV or Excel instead.",
    ),
    ("locked.xlsx", _encrypted, f"locked.xlsx {PASSWORD}"),
    (
        "cut.xlsx",
        _damaged_xlsx,
        "cut.xlsx is a damaged ZIP or Excel file and cannot be read.",
    ),
    (
        "header.csv",
        lambda f: filegen.text_bytes([filegen.HEADER]),
        "header.csv has a header row but no data rows.",
    ),
    (
        "noname.csv",
        lambda f: filegen.text_bytes([[h for h in filegen.HEADER[2:]]] + [r[2:] for r in ROWS[1:]]),
        "noname.csv has no name column that Overlap recognises; tell it which column holds "
        "names, e.g. --map noname:COLUMN=full_name.",
    ),
    (
        # `overlap match` has no --sheet: the nearest case is a workbook with no sheet to read
        "nosheet.xlsx",
        lambda f: filegen.write_xlsx(f / "n.xlsx", {"Sheet1": [], "Notes": [[None]]}).read_bytes(),
        "nosheet.xlsx has no sheet with any data.",
    ),
    ("missing.csv", None, "missing.csv does not exist or is not a file."),
]
IDS = [name for name, _, _ in BAD_FILES]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Good rosters and every bad file, written once for the module."""
    folder = tmp_path_factory.mktemp("bad_input")
    filegen.write_text(folder / "good.csv", ROWS)
    filegen.write_text(folder / "copy_of_good.csv", ROWS)
    filegen.write_text(folder / "one.csv", ROWS[:2])
    filegen.write_xlsx(folder / "good.xlsx", {"People": ROWS})
    for name, make, _ in BAD_FILES:
        if make is not None:
            (folder / name).write_bytes(make(folder))
    (folder / "a_folder.csv").mkdir()
    return folder


@pytest.fixture
def inside(folder, monkeypatch) -> Path:
    """Run from the rosters' folder, as a user does: files named as typed."""
    monkeypatch.chdir(folder)
    return folder


def run_match(capfd, *args: str, out: str = "out") -> tuple[int, list[str]]:
    """``overlap match ARGS --out OUT`` in-process: exit code and stderr lines."""
    capfd.readouterr()
    code = main(["match", *args, "--out", out])
    captured = capfd.readouterr()
    assert captured.out == ""  # results go to files; stdout stays clean for scripts
    return code, captured.err.splitlines()


def assert_refused(code: int, lines: list[str], message: str, out: Path) -> None:
    assert code == 2
    assert lines == [f"overlap: {message}"]  # exactly one line: no traceback, no progress
    assert not out.exists()  # nothing half-written


@pytest.mark.parametrize(("name", "make", "message"), BAD_FILES, ids=IDS)
def test_a_bad_file_alone_is_refused_in_one_sentence(inside, capfd, name, make, message):
    code, lines = run_match(capfd, name, out=f"alone-{name}")
    assert_refused(code, lines, message, inside / f"alone-{name}")


@pytest.mark.parametrize(("name", "make", "message"), BAD_FILES, ids=IDS)
def test_a_bad_file_among_good_ones_refuses_the_whole_run(inside, capfd, name, make, message):
    """Good files first and after: the run stops, names the bad one, writes nothing."""
    out = f"mixed-{name}"  # good.csv and good.xlsx hold the same rows: allowed here
    code, lines = run_match(capfd, "good.csv", name, "good.xlsx", "--allow-same", out=out)
    assert_refused(code, lines, message, inside / out)


def test_a_folder_given_as_a_roster_is_refused(inside, capfd):
    code, lines = run_match(capfd, "good.csv", "a_folder.csv", out="folder-run")
    assert_refused(
        code, lines, "a_folder.csv does not exist or is not a file.", inside / "folder-run"
    )


def test_the_same_content_under_two_names_is_refused_unless_asked(inside, capfd):
    """The very same roster twice: refused (everyone would be 'shared'); when asked for,
    every row meets its twin row, nothing lost."""
    code, lines = run_match(capfd, "good.csv", "copy_of_good.csv", out="twins")
    assert_refused(
        code,
        lines,
        "copy_of_good.csv is the very same file as good.csv (the same bytes); matching a "
        "roster with itself reports everyone as shared: leave one out, or add --allow-same "
        "to match them anyway.",
        inside / "twins",
    )
    code, lines = run_match(capfd, "good.csv", "copy_of_good.csv", "--allow-same", out="twins")
    assert code == 0, lines
    assert not any("Traceback" in line for line in lines)
    records = pd.read_csv(inside / "twins" / "records.csv", dtype=str, keep_default_na=False)
    assert len(records) == 2 * (len(ROWS) - 1)
    by_row = records.pivot(index="row", columns="programme", values="person_id")
    assert list(by_row.columns) == ["copy_of_good", "good"]
    assert (by_row["good"] == by_row["copy_of_good"]).all()
    summary = json.loads((inside / "twins" / "overlap.json").read_text())
    assert "good" in json.dumps(summary) and "copy_of_good" in json.dumps(summary)


def test_the_same_path_twice_is_refused_then_asks_for_programme_names(inside, capfd):
    code, lines = run_match(capfd, "good.csv", "good.csv", out="same-path")
    assert_refused(
        code,
        lines,
        "good.csv is given twice; matching a roster with itself reports everyone as shared: "
        "leave one out, or add --allow-same to match them anyway.",
        inside / "same-path",
    )
    code, lines = run_match(capfd, "good.csv", "good.csv", "--allow-same", out="same-path")
    assert code == 2
    assert lines[-1] == (
        "overlap: Two rosters are both called 'good'; give each a different programme name."
    )
    assert all(line.startswith("overlap: ") for line in lines)  # progress lines, no traceback
    assert not (inside / "same-path").exists()
    capfd.readouterr()
    code = main(
        ["match", "good.csv", "good.csv", "--name", "Spring", "--name", "Autumn"]
        + ["--allow-same", "--out", "same-path-named"]
    )
    assert code == 0, capfd.readouterr().err
    records = pd.read_csv(inside / "same-path-named" / "records.csv", dtype=str)
    assert set(records["programme"]) == {"Spring", "Autumn"}
    assert len(records) == 2 * (len(ROWS) - 1)


def test_a_one_row_roster_matches_alone_and_with_another(inside, capfd):
    code, lines = run_match(capfd, "one.csv", out="one-alone")
    assert code == 0, lines
    records = pd.read_csv(inside / "one-alone" / "records.csv", dtype=str)
    assert len(records) == 1
    code, lines = run_match(capfd, "one.csv", "good.csv", out="one-with-good")
    assert code == 0, lines
    records = pd.read_csv(inside / "one-with-good" / "records.csv", dtype=str)
    assert len(records) == 1 + len(ROWS) - 1
    shared = records.groupby("person_id")["programme"].nunique()
    one_person = records.loc[records["programme"] == "one", "person_id"].iloc[0]
    assert shared[one_person] == 2  # the one person is also on the good roster


def test_the_real_command_refuses_without_traceback(folder):
    """The installed entry point, as a user runs it: same sentence, exit 2, one line."""
    done = subprocess.run(
        [sys.executable, "-m", "overlap", "match", "good.csv", "cut.xlsx", "--out", "sub-out"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "overlap: cut.xlsx is a damaged ZIP or Excel file and cannot be read."
    ]
    assert not (folder / "sub-out").exists()


def test_a_date_with_a_huge_month_or_day_is_no_crash(inside, capfd):
    """From bench/fuzz_ingest.py: digits pasted into a date cell ('1984-02-312555010202')."""
    rows = [ROWS[0], *ROWS[1:3], [*ROWS[3][:2], "1984-02-312555010202", *ROWS[3][3:]]]
    filegen.write_text(inside / "odd_date.csv", rows)
    code, lines = run_match(capfd, "odd_date.csv", "good.csv", out="odd-date")
    assert code == 0, lines
    records = pd.read_csv(inside / "odd-date" / "records.csv", dtype=str)
    assert len(records) == 3 + len(ROWS) - 1
