"""Reading real roster files of every accepted format and encoding."""

from __future__ import annotations

import datetime as dt

import filegen
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.ingest import IngestLimits, Roster, RowProblem, read_roster

ROWS = [filegen.HEADER] + filegen.people_rows(4)
EXPECTED = pd.DataFrame(ROWS[1:], columns=ROWS[0])


def assert_people(roster: Roster) -> None:
    """The frame holds exactly the people written, every cell the text written."""
    assert list(roster.frame.columns) == filegen.HEADER
    assert roster.frame.values.tolist() == EXPECTED.values.tolist()
    assert all(pd.api.types.is_string_dtype(roster.frame[c]) for c in roster.frame.columns)
    assert roster.problems == []


TEXT_CASES = [
    # (file name, writer options, format, encoding, delimiter)
    ("utf8.csv", {}, "csv", "utf-8", ","),
    ("bom.csv", {"bom": True}, "csv", "utf-8-sig", ","),
    ("crlf.csv", {"line_ending": "\r\n"}, "csv", "utf-8", ","),
    ("old-mac.csv", {"line_ending": "\r"}, "csv", "utf-8", ","),
    ("windows.csv", {"encoding": "cp1252", "line_ending": "\r\n"}, "csv", "cp1252", ","),
    ("tabs.tsv", {"delimiter": "\t"}, "tsv", "utf-8", "\t"),
    ("tabs-named.csv", {"delimiter": "\t"}, "tsv", "utf-8", "\t"),
    ("euro.csv", {"delimiter": ";", "encoding": "cp1252"}, "semicolon", "cp1252", ";"),
    ("semi.txt", {"delimiter": ";"}, "semicolon", "utf-8", ";"),
    ("pipes.txt", {"delimiter": "|"}, "pipe", "utf-8", "|"),
    ("utf16le.txt", {"delimiter": "\t", "encoding": "utf-16"}, "tsv", "utf-16", "\t"),
    ("utf16be.csv", {"encoding": "utf-16-be"}, "csv", "utf-16-be", ","),
]


@pytest.mark.parametrize("file_name,options,fmt,encoding,delimiter", TEXT_CASES)
def test_text_files_of_every_delimiter_and_encoding(
    tmp_path, file_name, options, fmt, encoding, delimiter
):
    path = filegen.write_text(tmp_path / file_name, ROWS, **options)
    roster = read_roster(path)
    assert_people(roster)
    assert (roster.format, roster.encoding, roster.delimiter) == (fmt, encoding, delimiter)
    assert roster.header_row == 1
    assert roster.sheets == [] and roster.sheet is None
    assert roster.name == path.stem


def test_excel_unicode_text_utf16_le_with_bom_and_tabs(tmp_path):
    roster = read_roster(filegen.excel_unicode_text(tmp_path / "export.txt", ROWS))
    assert_people(roster)
    assert (roster.format, roster.encoding, roster.delimiter) == ("tsv", "utf-16", "\t")


def test_bytes_and_path_read_the_same_and_name_comes_from_the_upload(tmp_path):
    data = filegen.text_bytes(ROWS)
    path = tmp_path / "members.csv"
    path.write_bytes(data)
    from_bytes = read_roster(data, name="Members.csv")
    from_path = read_roster(path)
    pd.testing.assert_frame_equal(from_bytes.frame, from_path.frame)
    assert from_bytes.name == "Members" and from_bytes.file_name == "Members.csv"
    assert read_roster(path, name="Parish").name == "Parish"


def test_zip_codes_and_phones_stay_text(tmp_path):
    rows = [["Name", "Zip", "Phone", "Id"], ["A", "02139", "0044 20 7946 0000", "007"]]
    roster = read_roster(filegen.write_text(tmp_path / "z.csv", rows))
    assert roster.frame.iloc[0].tolist() == ["A", "02139", "0044 20 7946 0000", "007"]


def test_cells_keep_their_spaces_and_quotes(tmp_path):
    rows = [["Name", "Note"], ["  Ann ", 'said "hi", left'], ["NA", "null"]]
    roster = read_roster(filegen.write_text(tmp_path / "q.csv", rows))
    assert roster.frame.values.tolist() == [["  Ann ", 'said "hi", left'], ["NA", "null"]]


def test_title_lines_above_the_header_are_skipped_and_noted(tmp_path):
    rows = [["Parish members export"], ["Generated 2026-03-01"], []] + ROWS
    roster = read_roster(filegen.write_text(tmp_path / "titled.csv", rows))
    assert_people(roster)
    assert roster.header_row == 4
    assert roster.notes == ["Lines above the header (1 to 3) were skipped as titles."]


def test_title_with_a_comma_is_not_taken_for_the_header(tmp_path):
    rows = [["Members", " exported March 2026"]] + ROWS
    roster = read_roster(filegen.write_text(tmp_path / "t.csv", rows))
    assert roster.header_row == 2
    assert_people(roster)


def test_xlsx_typed_cells_become_the_text_a_person_sees(tmp_path):
    rows = [
        ["Name", "DOB", "Visit", "ZIP", "Phone", "Score", "Member", "Code"],
        ["Ann", dt.date(1984, 2, 29), dt.datetime(2026, 3, 1, 9, 30), 60623, 3125550100, 0.1 + 0.2, True, "02139"],
    ]  # fmt: skip
    path = filegen.write_xlsx(tmp_path / "typed.xlsx", {"People": rows})
    roster = read_roster(path)
    assert roster.frame.iloc[0].tolist() == [
        "Ann", "1984-02-29", "2026-03-01T09:30:00", "60623", "3125550100", "0.3", "TRUE", "02139",
    ]  # fmt: skip
    assert (roster.format, roster.encoding, roster.delimiter) == ("xlsx", None, None)
    assert (roster.sheet, roster.sheets, roster.header_row) == ("People", ["People"], 1)


def test_xls_written_by_xlwt(tmp_path):
    rows = [["Name", "DOB", "ZIP"], ["Ann", dt.date(1990, 3, 4), 60623], ["Bo", "n/a", "02139"]]
    roster = read_roster(filegen.write_xls(tmp_path / "old.xls", {"Clients": rows}))
    assert roster.format == "xls"
    assert roster.frame.values.tolist() == [["Ann", "1990-03-04", "60623"], ["Bo", "n/a", "02139"]]


def test_ods_written_by_odf(tmp_path):
    rows = [["Name", "DOB", "ZIP", "Code"], ["Ann", dt.date(1990, 3, 4), 60623, "02139"]]
    roster = read_roster(filegen.write_ods(tmp_path / "libre.ods", {"Hoja1": rows}))
    assert roster.format == "ods"
    assert roster.sheets == ["Hoja1"]
    assert roster.frame.values.tolist() == [["Ann", "1990-03-04", "60623", "02139"]]


def test_workbook_content_decides_not_the_extension(tmp_path):
    path = filegen.write_xlsx(tmp_path / "really-a-workbook.csv", {"S": ROWS})
    roster = read_roster(path)
    assert roster.format == "xlsx"
    assert_people(roster)


def test_text_content_decides_not_the_extension(tmp_path):
    path = filegen.write_text(tmp_path / "really-text.xlsx", ROWS, delimiter=";")
    roster = read_roster(path)
    assert (roster.format, roster.delimiter) == ("semicolon", ";")
    assert_people(roster)


def test_quoted_delimiters_do_not_split_fields(tmp_path):
    rows = [["Name", "Address"], ["Ann", "12 Main St, Apt 4, Chicago, IL"]] * 1
    roster = read_roster(filegen.write_text(tmp_path / "a.csv", rows + [["Bo", "1 Elm"]]))
    assert roster.frame["Address"].tolist() == ["12 Main St, Apt 4, Chicago, IL", "1 Elm"]


def test_limits_default_to_generous_values():
    limits = IngestLimits()
    assert limits.max_bytes == 200 * 1024 * 1024
    assert limits.max_rows == 2_000_000


def test_problem_rows_are_numbered_as_data_rows(tmp_path):
    rows = [["A", "B", "C"], ["1", "2", "3"], ["4", "5"], ["6", "7", "8"]]
    roster = read_roster(filegen.write_text(tmp_path / "r.csv", rows))
    assert roster.problems == [
        RowProblem(
            row=2,
            line=3,
            reason="has 2 fields, the header has 3; the missing fields were left empty",
        )
    ]
    assert roster.frame.values.tolist() == [["1", "2", "3"], ["4", "5", ""], ["6", "7", "8"]]


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"])
def test_body_after_multibyte_titles_reads_the_same_in_place_or_copied(line_ending):
    """A clean UTF-8 file is parsed from its own bytes (no \\r: no copy); titles
    with accented letters above the header make byte and character offsets differ,
    and a CRLF copy of the same file (decoded, normalised, re-encoded) must read alike."""
    lines = [
        "Liste des bénévoles — été 2026",
        "Église Saint-Agnès en août",
        "First,Last,ZIP,Note",
        "Zoë,Müller,02139,",
        'Ann,"O\'Brien, Jr.",60623,"two\nlines"',
        "José,Núñez,60608,ß",
    ]
    data = (line_ending.join(lines) + line_ending * 3).encode("utf-8")
    roster = read_roster(data, name="titles.csv")
    assert roster.header_row == 3
    assert list(roster.frame.columns) == ["First", "Last", "ZIP", "Note"]
    assert roster.frame.values.tolist() == [
        ["Zoë", "Müller", "02139", ""],
        ["Ann", "O'Brien, Jr.", "60623", "two\nlines"],
        ["José", "Núñez", "60608", "ß"],
    ]
    assert roster.problems == []
    assert roster.encoding == "utf-8"


def test_quote_free_file_and_blank_rows_between_people(tmp_path):
    """Without a quote mark pyarrow reads with quoting off; rows of empty fields are
    dropped and noted with their line numbers, whichever column they start in."""
    text = "First,Last,ZIP\nAnn,Lee,60623\n , ,\nBo,,\n,,\n,Kim,02139\n"
    roster = read_roster(text.encode(), name="plain.csv")
    assert roster.frame.values.tolist() == [
        ["Ann", "Lee", "60623"],
        ["Bo", "", ""],
        ["", "Kim", "02139"],
    ]
    assert roster.notes == ["2 blank rows skipped (lines 3, 5)."]


def test_header_then_only_newlines_has_no_data_rows():
    from overlap.errors import RosterError

    with pytest.raises(RosterError, match="has a header row but no data rows"):
        read_roster(b"First,Last\n\n\n", name="empty.csv")
    with pytest.raises(RosterError, match="has a header row but no data rows"):
        read_roster(b"Title\nFirst,Last\n , ,\n", name="blank.csv")


@settings(max_examples=200, deadline=None)
@given(
    head=st.text(max_size=20).filter(lambda t: "\r" not in t),
    body=st.text(min_size=1, max_size=40).filter(lambda t: "\r" not in t and t[-1] != "\n"),
    newlines=st.integers(0, 3),
)
def test_body_bytes_taken_in_place_are_the_body_text_in_utf8(head, body, newlines):
    from overlap.ingest import _Body

    text = head + body + "\n" * newlines
    start, stop = len(head), len(head) + len(body)
    in_place = _Body(text, start, stop, text.encode("utf-8"))
    assert in_place.buffer().to_pybytes() == body.encode("utf-8")
    assert _Body(text, start, stop).buffer().to_pybytes() == body.encode("utf-8")


@pytest.mark.parametrize(
    "body",
    ["a,b\nc,d", "\na,b", "a,b\n\nc,d", 'a,"b\nc",d', 'x"y"z\n"', 'é,ü\n\u00a0,"', "a"],
)
@pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 24])
def test_body_shape_in_place_matches_the_text(body, chunk, monkeypatch):
    """Blank lines and quote marks, counted on the file's bytes (in chunks, so a
    pair of newlines may straddle two), as on its text."""
    from overlap import ingest
    from overlap.ingest import _Body

    monkeypatch.setattr(ingest, "_SCAN_CHUNK", chunk)

    text = "Título,Ñame\n" + body + "\n\n"
    start, stop = len("Título,Ñame\n"), len(text) - 2
    expected = ("\n\n" in body or body.startswith("\n"), body.count('"'))
    assert _Body(text, start, stop, text.encode("utf-8")).shape() == expected
    assert _Body(text, start, stop).shape() == expected
