"""The hostile-input corpus (tests/hostile.py) through every door: inspect, match, export,
encode and the dashboard's Rosters page. Each input's expected rows and messages are
asserted exactly; every hint an error gives is followed, and must then work."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import hostile
import pandas as pd
import pytest

from overlap.cli import main
from overlap.ingest import read_roster

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line_error(code: int, err: str) -> str:
    """The single stderr line of a refused command (exit 2, no traceback)."""
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("overlap: "), err
    assert "Traceback" not in err
    return lines[0].removeprefix("overlap: ")


def hint(message: str, option: str) -> str:
    """The option value a message suggests, e.g. '--sheet a.xlsx:SHEET' -> 'a.xlsx:SHEET'."""
    found = re.search(rf"{option} (\S+?)[.,;)]?(?:\s|$)", message)
    assert found, message
    return found.group(1)


@pytest.fixture()
def partner(tmp_path) -> Path:
    """A second roster sharing the first 20 people of the corpus's rosters."""
    return hostile.partner_csv(tmp_path, "partner.csv", seed=0, n=20)


# --------------------------------------------------------------------------- ragged rows


def test_ragged_rows_through_inspect(tmp_path, capsys):
    path = hostile.ragged_csv(tmp_path)
    code, out, _ = run(capsys, "inspect", path)
    assert code == 0
    assert "Rows:        40" in out
    assert "Rows with problems: 5 (every one kept; what was done is said per row)" in out
    for row, reason in hostile.RAGGED_PROBLEMS.items():
        assert f"  row {row} (line {row + 1}): {reason}" in out
    for row in (12, 20):  # "Unit B" has no digit: told apart by the space after the comma
        assert f"  row {row} (line {row + 1}): {hostile.RAGGED_PROBLEMS[5]}" in out
    assert (
        "Unsplit fields  -> attribute: fields of rows that could not be told apart, as written"
        in out
    )
    for person in hostile.people(40):
        assert person[0] not in out and person[7] not in out  # no cell is ever printed


def test_ragged_rows_keep_every_value_through_match(tmp_path, partner, capsys):
    path = hostile.ragged_csv(tmp_path)
    code, _, err = run(capsys, "match", path, partner, "--out", tmp_path / "out")
    assert code == 0, err
    records = pd.read_csv(tmp_path / "out" / "records.csv", dtype=str, keep_default_na=False)
    ragged = records[records["programme"] == "ragged"].set_index("row")
    expected = hostile.people(40)
    assert len(ragged) == 40
    # every email survived: in 524 of 615 rows they used to be joined into the last column
    assert ragged["email"].tolist() == [p[7] for p in expected]
    assert ragged["zip"].tolist() == [p[5] for p in expected]
    assert ragged.loc["5", "street"] == "104 main st" and ragged.loc["5", "unit"] == "apt 2"
    assert ragged.loc["35", "state"] == "" and ragged.loc["35", "dob"] == expected[34][8]
    assert ragged.loc["30", "street"] == "" and ragged.loc["30", "city"] == ""
    assert ragged.loc["30", "Unsplit fields"] == f"{expected[29][2]}, Rear,Chi,cago"
    # the 20 people of the partner are found again, row 30 included (name, phone, email agree)
    shared = pd.read_json(tmp_path / "out" / "overlap.json", typ="series")["pairwise"][0]
    assert shared["shared_people"] == 20


def test_ragged_rows_through_encode(tmp_path, capsys):
    path = hostile.ragged_csv(tmp_path)
    secret = tmp_path / "partners.secret"
    secret.write_bytes(b"a fixed test secret, 32 bytes!!!")
    code, out, err = run(
        capsys, "encode", path, "--secret-file", secret, "--out", tmp_path / "ragged.clk"
    )
    assert code == 0, err
    assert "Encoded 40 records of ragged" in out
    assert f"  row 5: {hostile.RAGGED_PROBLEMS[5]}" in out


# --------------------------------------------------------------------------- encodings


def test_smart_quotes_in_a_utf8_file_are_repaired_and_said(tmp_path, capsys):
    path = hostile.smart_quotes_csv(tmp_path)
    roster = read_roster(path)
    for row, (first, last) in hostile.SMART_NAMES.items():
        assert roster.frame.loc[row - 1, ["First Name", "Last Name"]].tolist() == [first, last]
    assert "\ufffd" not in roster.frame.to_csv()
    code, out, _ = run(capsys, "inspect", path)
    assert code == 0 and "Encoding:    utf-8-sig" in out
    assert f"  - {hostile.SMART_NOTE}" in out


def test_smart_quotes_reach_the_match_and_the_list(tmp_path, capsys):
    path = hostile.smart_quotes_csv(tmp_path)
    other = hostile.partner_csv(tmp_path, "partner.csv", seed=3, n=12)
    code, _, err = run(capsys, "match", path, other, "--out", tmp_path / "out")
    assert code == 0, err
    code, out, err = run(
        capsys, "export", "--from", tmp_path / "out", "--in", "smart_quotes",
        "--out", tmp_path / "list.csv",
    )  # fmt: skip
    assert code == 0, err
    listed = pd.read_csv(tmp_path / "list.csv", dtype=str, keep_default_na=False)
    assert len(listed) == 12 and not listed["name"].str.contains("\ufffd").any()
    records = pd.read_csv(tmp_path / "out" / "records.csv", dtype=str, keep_default_na=False)
    smart = records[records["programme"] == "smart_quotes"].set_index("row")
    assert smart.loc["4", ["first_name", "last_name"]].tolist() == ["robert", "ostanman"]
    assert smart.loc["8", "first_name"] == "zoe"  # accents folded for matching, not lost


def test_garbled_text_is_repaired_and_said(tmp_path, capsys):
    path = hostile.garbled_csv(tmp_path)
    roster = read_roster(path)
    for row, (first, last) in hostile.GARBLED_NAMES.items():
        assert roster.frame.loc[row - 1, ["First Name", "Last Name"]].tolist() == [first, last]
    code, out, _ = run(capsys, "inspect", path)
    assert f"  - {hostile.GARBLED_NOTE}" in out


# --------------------------------------------------------------------------- sheets


def test_roster_on_the_third_sheet_is_found_and_said(tmp_path, partner, capsys):
    book = hostile.third_sheet_xlsx(tmp_path)
    code, out, _ = run(capsys, "inspect", book)
    assert code == 0
    assert "Sheets:      'Cover', 'Notes', 'Clients'" in out
    assert "Sheet read:  'Clients'" in out and f"  - {hostile.THIRD_SHEET_NOTE}" in out
    assert "Rows:        25" in out
    code, _, err = run(capsys, "match", book, partner, "--out", tmp_path / "out")
    assert code == 0, err
    records = pd.read_csv(tmp_path / "out" / "records.csv", dtype=str)
    assert (records["programme"] == "clients_export").sum() == 25


def test_every_sheet_hint_works_when_followed(tmp_path, partner, capsys):
    book = hostile.third_sheet_xlsx(tmp_path)
    out = tmp_path / "out"
    # a sheet without names: the error says which other sheets there are and how to pick one
    code, _, err = run(
        capsys, "match", book, partner, "--out", out, "--sheet", f"{book.name}:Cover"
    )
    message = one_line_error(code, err)
    assert message == (
        "clients_export.xlsx has no name column that Overlap recognises; tell it which column "
        "holds names, e.g. --map clients_export:COLUMN=full_name. It has other sheets ('Notes', "
        "'Clients'); to read one, add --sheet clients_export.xlsx:SHEET."
    )
    followed = hint(message, "--sheet").replace("SHEET", "Clients")
    assert run(capsys, "match", book, partner, "--out", out, "--sheet", followed)[0] == 0
    # a sheet that does not exist: the error lists the sheets
    code, _, err = run(capsys, "inspect", book, "--sheet", "clients_export:Client")
    message = one_line_error(code, err)
    assert message == (
        "clients_export.xlsx has no sheet named 'Client'; its sheets are 'Cover', 'Notes', "
        "'Clients'."
    )
    assert run(capsys, "inspect", book, "--sheet", "clients_export:Clients")[0] == 0
    # --sheet without its file while two files are given
    code, _, err = run(
        capsys, "match", book, partner, "--out", out, "--force", "--sheet", "Clients"
    )
    message = one_line_error(code, err)
    assert message == (
        "--sheet 'Clients' does not say which file it is for; write --sheet FILE:Clients, "
        "e.g. --sheet clients_export.xlsx:Clients."
    )
    followed = hint(message, "e.g. --sheet")
    assert run(capsys, "match", book, partner, "--out", out, "--force", "--sheet", followed)[0] == 0
    # a sheet for a text file
    code, _, err = run(capsys, "inspect", partner, "--sheet", "Clients")
    assert one_line_error(code, err) == (
        "--sheet names a sheet of partner.csv, which is a text file without sheets; "
        "leave --sheet out for it."
    )


def test_encode_reads_the_sheet_asked_for(tmp_path, capsys):
    book = hostile.third_sheet_xlsx(tmp_path)
    secret = tmp_path / "s.secret"
    secret.write_bytes(b"a fixed test secret, 32 bytes!!!")
    code, out, err = run(
        capsys, "encode", book, "--secret-file", secret, "--out", tmp_path / "c.clk",
        "--sheet", "clients_export.xlsx:Clients",
    )  # fmt: skip
    assert code == 0, err
    assert "Encoded 25 records" in out


# --------------------------------------------------------------------------- --map


def test_map_naming_a_file_that_is_not_an_input_is_refused(tmp_path, partner, capsys):
    ragged = hostile.ragged_csv(tmp_path)
    out = tmp_path / "out"
    code, _, err = run(
        capsys, "match", ragged, partner, "--out", out, "--map", "c.xlsx:Phone=phone"
    )
    message = one_line_error(code, err)
    assert message == (
        "--map 'c.xlsx:Phone=phone' names the file 'c.xlsx', which is not one of the files "
        "given (ragged.csv, partner.csv); write --map FILE:..., FILE being one of them (for a "
        "column whose name holds ':', write the file first: --map ragged.csv:c.xlsx:Phone=phone)."
    )
    assert not out.exists()
    assert (
        run(capsys, "match", ragged, partner, "--out", out, "--map", "partner:Phone=phone")[0] == 0
    )
    # without FILE, with two files given: says so, and the example given works
    code, _, err = run(capsys, "match", ragged, partner, "--out", out, "--force",
                       "--map", "DOB=ignore")  # fmt: skip
    message = one_line_error(code, err)
    assert message == (
        "--map 'DOB=ignore' does not say which file it is for; write --map FILE:DOB=ignore, "
        "e.g. --map ragged.csv:DOB=ignore."
    )
    followed = hint(message, "e.g. --map")
    assert run(capsys, "match", ragged, partner, "--out", out, "--force", "--map", followed)[0] == 0


def test_one_map_syntax_for_inspect_match_and_encode(tmp_path, capsys):
    path = hostile.partner_csv(tmp_path, "jobs.csv", seed=0, n=12)
    secret = tmp_path / "s.secret"
    secret.write_bytes(b"a fixed test secret, 32 bytes!!!")
    spec = "jobs.csv:City=ignore"
    _, out, _ = run(capsys, "inspect", path, "--map", spec)
    assert re.search(r"\n  City +-> left out: you chose to leave this column out\n", out)
    assert run(capsys, "encode", path, "--secret-file", secret, "--out", tmp_path / "j.clk",
               "--map", spec)[0] == 0  # fmt: skip
    other = hostile.partner_csv(tmp_path, "other.csv", seed=5, n=12)
    assert run(capsys, "match", path, other, "--out", tmp_path / "o", "--map", spec)[0] == 0
    for command in (["inspect", path], ["encode", path, "--secret-file", secret, "--out",
                                        tmp_path / "k.clk"]):  # fmt: skip
        code, _, err = run(capsys, *command, "--map", "other.csv:City=ignore")
        assert "names the file 'other.csv', which is not one of the files given (jobs.csv)" in err
        assert code == 2


# --------------------------------------------------------------------------- the same roster twice


def test_the_same_roster_twice_is_refused_unless_asked(tmp_path, capsys):
    original, copy, workbook = hostile.same_twice(tmp_path)
    out = tmp_path / "out"
    code, _, err = run(capsys, "match", original, copy, "--out", out)
    message = one_line_error(code, err)
    assert message == (
        "food bank (copy).csv is the very same file as food_bank.csv (the same bytes); "
        "matching a roster with itself reports everyone as shared: leave one out, or add "
        "--allow-same to match them anyway."
    )
    code, _, err = run(capsys, "match", original, workbook, "--out", out)
    assert one_line_error(code, err) == (
        "food_bank_export.xlsx holds the very same rows as food_bank.csv; matching a roster "
        "with itself reports everyone as shared: leave one out, or add --allow-same to match "
        "them anyway."
    )
    assert not out.exists()
    code, _, err = run(capsys, "match", original, copy, "--out", out, "--allow-same")
    assert code == 0, err


def test_the_same_encoded_file_twice_is_refused(tmp_path, capsys):
    original, copy, _ = hostile.same_twice(tmp_path)
    secret = tmp_path / "s.secret"
    secret.write_bytes(b"a fixed test secret, 32 bytes!!!")
    clk = tmp_path / "a.clk"
    assert run(capsys, "encode", original, "--secret-file", secret, "--out", clk)[0] == 0
    shutil.copy(clk, tmp_path / "b.clk")
    code, _, err = run(capsys, "match", clk, tmp_path / "b.clk", "--out", tmp_path / "o")
    assert "b.clk is the very same file as a.clk" in one_line_error(code, err)


# --------------------------------------------------------------------------- where outputs go


def test_outputs_never_replace_a_file_without_force_and_never_an_input(tmp_path, partner, capsys):
    ragged = hostile.ragged_csv(tmp_path)
    out = tmp_path / "out"
    assert run(capsys, "match", ragged, partner, "--out", out)[0] == 0
    code, _, err = run(capsys, "match", ragged, partner, "--out", out)
    assert one_line_error(code, err) == (
        f"{out} holds the results of an earlier match; add --force to replace them, "
        "or choose another --out."
    )
    assert run(capsys, "match", ragged, partner, "--out", out, "--force")[0] == 0
    listing = tmp_path / "invite.csv"
    listing.write_text("keep me")
    export = ["export", "--from", out, "--in", "ragged", "--out"]
    code, _, err = run(capsys, *export, listing)
    assert one_line_error(code, err) == (
        f"{listing} already exists; add --force to replace it, or choose another --out."
    )
    assert listing.read_text() == "keep me"
    assert run(capsys, *export, listing, "--force")[0] == 0
    code, _, err = run(capsys, *export, out / "records.csv", "--force")
    assert one_line_error(code, err) == (
        f"{out / 'records.csv'} is one of the files being read; Overlap never writes over its "
        "input. Choose another --out."
    )
    # an input as the encoded file or its key file: refused even with --force
    secret = tmp_path / "s.secret"
    secret.write_bytes(b"a fixed test secret, 32 bytes!!!")
    for target in (ragged, secret):
        code, _, err = run(capsys, "encode", ragged, "--secret-file", secret, "--out", target,
                           "--force")  # fmt: skip
        assert "is one of the files being read" in one_line_error(code, err)


def test_a_folder_that_cannot_be_written_is_found_before_the_work(tmp_path, partner, capsys):
    ragged = hostile.ragged_csv(tmp_path)
    blocker = tmp_path / "a file"
    blocker.write_text("")
    code, _, err = run(capsys, "match", ragged, partner, "--out", blocker / "results")
    assert one_line_error(code, err) == (
        f"Cannot write {blocker / 'results' / 'records.csv'}: {blocker} is a file, not a "
        "folder. Choose another --out."
    )


def test_a_read_only_folder_is_named_before_the_work(tmp_path, partner, capsys):
    """A real permission refusal. Root may write anywhere, except into /sys, so root uses that."""
    ragged = hostile.ragged_csv(tmp_path)
    if os.geteuid() == 0:
        locked = Path("/sys")
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        os.chmod(locked, 0o555)
    code, _, err = run(capsys, "match", ragged, partner, "--out", locked / "overlap-results")
    assert one_line_error(code, err) == (
        f"Cannot write into the folder {locked} (permission denied); choose another --out."
    )  # one line: said before any roster was read (no progress line came first)
    assert not (locked / "overlap-results").exists()


# --------------------------------------------------------------------------- words


def test_version_and_plain_progress_lines(tmp_path, partner, capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert re.fullmatch(r"overlap \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)
    ragged = hostile.ragged_csv(tmp_path)
    code, _, err = run(capsys, "match", ragged, partner, "--out", tmp_path / "out")
    assert code == 0
    lines = err.splitlines()
    stages = [line.split(":")[1].strip() for line in lines[:-1]]
    assert stages == ["reading", "cleaning", "pairing", "comparing", "learning", "scoring",
                      "grouping"]  # fmt: skip
    assert lines[0].startswith(
        "overlap: reading: 2 files, 60 rows, 5 of them with problems (kept; `overlap inspect` "
        "lists them) ("
    )
    assert re.match(r"overlap: grouping: 60 records are \d+ people \(", lines[6])
    for jargon in ("read: read", "comparisons 11", "household guarded", "_"):
        assert jargon not in err.replace(str(tmp_path), "")


def test_readme_examples_write_into_an_ignored_folder():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## The command line", 1)[1].split("```")[1]
    outs = re.findall(r"--out (\S+)", block)
    assert outs and all(out.startswith("results/") for out in outs), outs
    if shutil.which("git") and (ROOT / ".git").exists():
        for out in outs:
            ignored = subprocess.run(["git", "check-ignore", "-q", out], cwd=ROOT, check=False)
            assert ignored.returncode == 0, f"{out} is not ignored by git"


def test_where_says_which_record_it_tests_and_shows_the_value(tmp_path, capsys):
    a = hostile.partner_csv(tmp_path, "pantry.csv", seed=0, n=12)
    b = hostile.partner_csv(tmp_path, "clinic.csv", seed=0, n=12, moved=3)  # Dev moved
    assert run(capsys, "match", a, b, "--out", tmp_path / "out")[0] == 0
    code, out, err = run(
        capsys, "export", "--from", tmp_path / "out", "--in", "pantry", "--where", "zip=60699",
        "--out", tmp_path / "list.csv",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == [
        f"Wrote 1 person (in pantry; zip is 60699) to {tmp_path / 'list.csv'}.",
        "--where zip: a person is on the list when any one of their records has that zip; the "
        "column 'zip (matched --where)' shows the value that matched. For 1 of them the zip "
        "shown is another one: the list shows the address of their most complete record.",
    ]
    listed = pd.read_csv(tmp_path / "list.csv", dtype=str, keep_default_na=False)
    assert listed[["zip", "zip (matched --where)"]].values.tolist() == [["60603", "60699"]]


def test_bad_decision_rows_are_reported_not_dropped_silently(tmp_path, partner, capsys):
    ragged = hostile.ragged_csv(tmp_path)
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        "programme_a,row_a,programme_b,row_b,decision\n"
        "ragged,1,partner,1,different\nragged,two,partner,2,same\nragged,99,partner,3,same\n"
    )
    code, _, err = run(capsys, "match", ragged, partner, "--out", tmp_path / "o",
                       "--decisions", decisions)  # fmt: skip
    assert code == 0, err
    assert (
        f"overlap: {decisions} row 2 (line 3): row_a must be a row number (1, 2, ...); "
        "the row was left out" in err
    )
    assert (
        f"overlap: {decisions} row 3: names a record that is not in this match; the row "
        "was left out" in err
    )
    records = pd.read_csv(tmp_path / "o" / "records.csv", dtype=str)
    pid = dict(zip(records["programme"] + ":" + records["row"], records["person_id"], strict=True))
    assert pid["ragged:1"] != pid["partner:1"]  # the good row was applied


# --------------------------------------------------------------------------- the dashboard


def test_the_corpus_on_the_rosters_page(tmp_path):
    """Every hostile file dropped on the Rosters page at once, through the real uploader."""
    from streamlit.testing.v1 import AppTest

    original, copy, workbook = hostile.same_twice(tmp_path)
    paths = [
        hostile.ragged_csv(tmp_path),
        hostile.smart_quotes_csv(tmp_path),
        hostile.garbled_csv(tmp_path),
        hostile.third_sheet_xlsx(tmp_path),
        original,
        copy,
        workbook,
    ]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    files = [(p.name, p.read_bytes(), "application/octet-stream") for p in paths]
    at.file_uploader[0].set_value(files).run()
    assert not at.exception
    entries = {e.file_name: e for e in at.session_state["ov_rosters"]}
    assert list(entries) == [p.name for p in paths[:5]]  # the two repeats were not added
    warnings = [w.value for w in at.warning]
    assert (
        "food bank (copy).csv is the very same file as food_bank.csv (programme “food_bank”), "
        "so it was not added a second time." in warnings
    )
    assert (
        "food_bank_export.xlsx holds the very same rows as food_bank.csv (programme "
        "“food_bank”), so it was not added a second time." in warnings
    )
    captions = [c.value for c in at.caption]

    ragged = entries["ragged.csv"]
    assert ragged.rows == 40
    assert {
        p.row: p.reason for p in ragged.roster.problems if p.row in hostile.RAGGED_PROBLEMS
    } == (hostile.RAGGED_PROBLEMS)
    assert "Unsplit fields" not in ragged.mapping  # kept, shown, never matched on
    assert ragged.roster.frame["Email"].str.endswith("@mail.example.org").all()

    smart = entries["smart_quotes.csv"].roster
    assert smart.frame.loc[3, ["First Name", "Last Name"]].tolist() == ["Robert “Bob”", "O’Stanman"]
    assert f"ℹ️ {hostile.SMART_NOTE}" in captions

    garbled = entries["garbled.csv"].roster
    assert garbled.frame.loc[2, ["First Name", "Last Name"]].tolist() == ["José", "Peña"]
    assert f"ℹ️ {hostile.GARBLED_NOTE}" in captions

    book = entries["clients_export.xlsx"]
    assert (book.roster.sheet, book.rows) == ("Clients", hostile.THIRD_SHEET_ROWS)
    assert f"ℹ️ {hostile.THIRD_SHEET_NOTE}" in captions
    sheet_box = next(s for s in at.selectbox if s.label == "Sheet of the workbook to use")
    assert sheet_box.value == "Clients"
    problems = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert not problems["reason"].str.contains("Okafor|example.org|Main St").any()  # no cell
