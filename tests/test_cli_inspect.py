"""``overlap inspect``: what it prints for good files, and that it never prints a cell."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import filegen

from overlap.cli import main

ROWS = [filegen.HEADER] + filegen.people_rows(4)


def _inspect(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["inspect", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_inspect_csv_shows_detection_problems_and_mapping(tmp_path, capsys):
    rows = [["Parish members export"], [], ROWS[0] + ["Emergency Contact Phone"]]
    rows += [r + ["773-555-0199"] for r in ROWS[1:]] + [["Ann", "Lee"]]
    path = filegen.write_text(tmp_path / "parish.csv", rows, encoding="cp1252")
    code, out, err = _inspect(capsys, str(path))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:9] == [
        "File:        parish.csv",
        "Programme:   parish",
        "Format:      CSV (comma-separated text)",
        "Encoding:    cp1252",
        "Delimiter:   comma",
        "Header:      line 3",
        "Rows:        5",
        "Columns:     7",
        "",
    ]
    assert "Rows with problems: 1 (every one kept; what was done is said per row)" in lines
    assert (
        "  row 5 (line 8): has 2 fields, the header has 7; the missing fields were left empty"
        in lines
    )
    assert "  - Lines above the header (1 to 2) were skipped as titles." in lines
    mapping = "\n".join(lines[lines.index("Columns:") :])
    for column, target in [
        ("First Name", "first_name (first name): the header 'First Name' means first name"),
        ("DOB", "dob (date of birth): the header 'DOB' means date of birth"),
        ("ZIP", "zip (ZIP code): the header 'ZIP' means ZIP code"),
        ("Emergency Contact Phone", "attribute: the header 'Emergency Contact Phone' is about"),
    ]:
        assert any(
            line.strip().startswith(column) and f"-> {target}" in line
            for line in mapping.splitlines()
        ), column


def test_inspect_never_prints_a_cell(tmp_path, capsys):
    path = filegen.write_text(tmp_path / "people.csv", ROWS)
    code, out, _ = _inspect(capsys, str(path))
    assert code == 0
    for row in ROWS[1:]:
        for value in row:
            assert value not in out, "a cell was printed"


def test_inspect_workbook_lists_sheets_and_picks_one(tmp_path, capsys):
    sheets = {"Cover": [], "Clients": ROWS, "Staff": [["Name"], ["Zed"]]}
    path = filegen.write_xlsx(tmp_path / "clinic.xlsx", sheets)
    code, out, _ = _inspect(capsys, str(path))
    assert code == 0
    assert "Sheets:      'Cover', 'Clients', 'Staff'" in out
    assert "Sheet read:  'Clients'" in out
    assert "Format:      Excel workbook (.xlsx)" in out
    assert "Encoding" not in out
    code, out, _ = _inspect(capsys, str(path), "--sheet", "Staff")
    assert "Sheet read:  'Staff'" in out and "Rows:        1" in out


def test_inspect_xls_and_ods(tmp_path, capsys):
    rows = [["Nombre", "Apellido", "Fecha de nacimiento"], ["Ana", "Ruiz", dt.date(1980, 5, 6)]]
    for path, words in [
        (filegen.write_xls(tmp_path / "a.xls", {"Hoja1": rows}), "Excel 97-2003 workbook (.xls)"),
        (filegen.write_ods(tmp_path / "b.ods", {"Hoja1": rows}), "OpenDocument spreadsheet (.ods)"),
    ]:
        code, out, _ = _inspect(capsys, str(path))
        assert code == 0 and f"Format:      {words}" in out
        assert "-> first_name (first name): the header 'Nombre' means first name" in out


def test_inspect_map_overrides_change_the_mapping(tmp_path, capsys):
    rows = [["Client", "Notes"], ["Ann Lee", "x"], ["Bo Ruiz", "y"]]
    path = filegen.write_text(tmp_path / "jobs.csv", rows)
    code, out, _ = _inspect(capsys, str(path))
    assert "Missing: a name column (a full name, or first and last names)" in out
    code, out, _ = _inspect(
        capsys, str(path), "--map", "Client=full_name", "--map", "jobs:Notes=ignore"
    )
    assert code == 0
    assert "-> full_name (full name): you chose full name for this column" in out
    assert "-> left out: you chose to leave this column out" in out
    assert "Missing:" not in out


def test_inspect_bad_map_is_one_line(tmp_path, capsys):
    path = filegen.write_text(tmp_path / "jobs.csv", ROWS)
    code, out, err = _inspect(capsys, str(path), "--map", "Nope=full_name")
    assert code == 2 and out == ""
    assert err.startswith("overlap: jobs.csv has no column named 'Nope'; its columns are: ")
    assert err.count("\n") == 1


def test_inspect_map_for_another_file_is_refused_not_ignored(tmp_path, capsys):
    path = filegen.write_text(tmp_path / "jobs.csv", [["Phone: home", "Name"], ["1", "Ann"]])
    code, _, err = _inspect(capsys, str(path), "--map", "Phone: home=phone")
    assert code == 2
    assert err == (
        "overlap: --map 'Phone: home=phone' names the file 'Phone', which is not one of the "
        "files given (jobs.csv); write --map FILE:..., FILE being one of them (for a column "
        "whose name holds ':', write the file first: --map jobs.csv:Phone: home=phone).\n"
    )
    code, out, _ = _inspect(capsys, str(path), "--map", "jobs.csv:Phone: home=phone")
    assert code == 0 and "-> phone (phone): you chose phone for this column" in out


def test_inspect_problem_list_is_capped(tmp_path, capsys):
    rows = [["A", "B", "C"]] + [["1", "2"]] * 25
    path = filegen.write_text(tmp_path / "ragged.csv", rows)
    _, out, _ = _inspect(capsys, str(path))
    assert "Rows with problems: 25 (every one kept; what was done is said per row)" in out
    assert out.count("  row ") == 20
    assert "  ... and 5 more" in out


def test_inspect_as_a_real_command_refuses_without_traceback(tmp_path):
    path = tmp_path / "scan.csv"
    path.write_bytes(filegen.pdf_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "overlap", "inspect", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "overlap: scan.csv is a PDF document, not a roster; "
        "export the roster as CSV or Excel instead.\n"
    )
