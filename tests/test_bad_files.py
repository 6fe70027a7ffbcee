"""A corpus of bad and awkward roster files, each with its exact answer.

Files are generated here (not hand-picked from what already works). Every
refusal is one sentence naming the file, the same through the library and
through ``overlap inspect`` (exit 2, one line on stderr, no traceback);
every awkward but readable file keeps all its rows and reports exactly the
rows and notes asserted.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import filegen
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from overlap.cli import main
from overlap.errors import MappingError, RosterError
from overlap.ingest import IngestLimits, RowProblem, read_roster
from overlap.mapping import check_linkable, guess_mapping

ROWS = [filegen.HEADER] + filegen.people_rows(4)
PEOPLE_CSV = filegen.text_bytes(ROWS)


def _xlsx(tmp_path: Path, sheets: dict, **options) -> bytes:
    return filegen.write_xlsx(tmp_path / "made.xlsx", sheets, **options).read_bytes()


def _encrypted(tmp_path: Path) -> bytes:
    plain = filegen.write_xlsx(tmp_path / "plain.xlsx", {"People": ROWS})
    return filegen.encrypt_xlsx(plain, tmp_path / "locked.xlsx").read_bytes()


@dataclass
class Refusal:
    kind: str
    file_name: str
    make: object  # tmp_path -> bytes
    message: str
    limits: IngestLimits | None = None
    sheet: str | None = None


PASSWORD = "is protected with a password; open it in Excel, remove the password and save it again."
BINARY = (
    "is not a text or spreadsheet file (it holds binary data); export the roster as CSV or Excel."
)

REFUSALS = [
    Refusal("empty file", "empty.csv", lambda t: b"", "empty.csv is empty."),
    Refusal("only blank lines", "blank.csv", lambda t: b"\r\n\n  \n", "blank.csv is empty."),
    Refusal("only a byte-order mark", "bom.csv", lambda t: b"\xef\xbb\xbf", "bom.csv is empty."),
    Refusal(
        "header only",
        "header.csv",
        lambda t: b"First Name,Last Name,DOB\n",
        "header.csv has a header row but no data rows.",
    ),
    Refusal(
        "header then blank lines",
        "header2.csv",
        lambda t: b"First Name,Last Name\n\n\n,\n",
        "header2.csv has a header row but no data rows.",
    ),
    Refusal("binary junk", "junk.csv", lambda t: filegen.binary_junk(), f"junk.csv {BINARY}"),
    Refusal(
        "binary with NUL bytes",
        "nul.txt",
        lambda t: b"Name,Zip\x00\x00\x01\x02" * 50,
        f"nul.txt {BINARY}",
    ),
    Refusal(
        "renamed PDF",
        "roster.csv",
        lambda t: filegen.pdf_bytes(),
        "roster.csv is a PDF document, not a roster; export the roster as CSV or Excel instead.",
    ),
    Refusal(
        "renamed image",
        "photo.xlsx",
        lambda t: filegen.png_bytes(),
        "photo.xlsx is an image, not a roster.",
    ),
    Refusal(
        "renamed ZIP archive",
        "archive.xlsx",
        lambda t: filegen.zip_bytes({"members.csv": PEOPLE_CSV}),
        "archive.xlsx is a ZIP archive, not a spreadsheet; unzip it and upload the roster inside.",
    ),
    Refusal(
        "renamed Word document",
        "letter.xlsx",
        lambda t: filegen.docx_bytes(),
        "letter.xlsx is a text document, not a spreadsheet; export the roster as CSV or Excel.",
    ),
    Refusal(
        "gzip-compressed CSV",
        "members.csv",
        lambda t: filegen.gzip_bytes(PEOPLE_CSV),
        "members.csv is a compressed (gzip) file, not a roster; unpack it first.",
    ),
    Refusal(
        "web page saved as .xls",
        "report.xls",
        lambda t: b"<html><body><table><tr><td>Name</td></tr></table></body></html>",
        "report.xls is a web page (HTML), not a spreadsheet; "
        "open it in Excel and save it as .xlsx or CSV.",
    ),
    Refusal("password-protected XLSX", "locked.xlsx", _encrypted, f"locked.xlsx {PASSWORD}"),
    Refusal(
        "damaged (truncated) XLSX",
        "cut.xlsx",
        lambda t: _xlsx(t, {"People": ROWS})[:700],
        "cut.xlsx is a damaged ZIP or Excel file and cannot be read.",
    ),
    Refusal(
        "over the size limit",
        "big.csv",
        lambda t: PEOPLE_CSV,
        "big.csv is 0.0 MB, over the limit of 0.0 MB.",
        limits=IngestLimits(max_bytes=100),
    ),
    Refusal(
        "over the row limit",
        "long.csv",
        lambda t: PEOPLE_CSV,
        "long.csv has 4 rows, over the limit of 3 rows.",
        limits=IngestLimits(max_rows=3),
    ),
    Refusal(
        "workbook over the row limit",
        "long.xlsx",
        lambda t: _xlsx(t, {"People": ROWS}),
        "long.xlsx has 4 rows, over the limit of 3 rows.",
        limits=IngestLimits(max_rows=3),
    ),
    Refusal(
        "workbook with only empty sheets",
        "blank.xlsx",
        lambda t: _xlsx(t, {"Sheet1": [], "Sheet2": []}),
        "blank.xlsx has no sheet with any data.",
    ),
    Refusal(
        "unknown sheet name",
        "book.xlsx",
        lambda t: _xlsx(t, {"Members": ROWS, "Notes": [["x"]]}),
        "book.xlsx has no sheet named 'Clients'; its sheets are 'Members', 'Notes'.",
        sheet="Clients",
    ),
    Refusal(
        "workbook header only",
        "head.xlsx",
        lambda t: _xlsx(t, {"People": [filegen.HEADER]}),
        "head.xlsx (sheet 'People') has a header row but no data rows.",
    ),
    Refusal(
        "chosen sheet is empty",
        "two.xlsx",
        lambda t: _xlsx(t, {"People": ROWS, "Empty": []}),
        "Sheet 'Empty' of two.xlsx is empty.",
        sheet="Empty",
    ),
]


@pytest.mark.parametrize("case", REFUSALS, ids=[c.kind for c in REFUSALS])
def test_refused_with_one_sentence_naming_the_file(tmp_path, case):
    data = case.make(tmp_path)
    path = tmp_path / case.file_name
    path.write_bytes(data)
    for source, name in ((path, None), (data, case.file_name)):
        with pytest.raises(RosterError) as caught:
            read_roster(source, name=name, sheet=case.sheet, limits=case.limits)
        assert str(caught.value) == case.message


CLI_REFUSALS = [c for c in REFUSALS if c.limits is None]


@pytest.mark.parametrize("case", CLI_REFUSALS, ids=[c.kind for c in CLI_REFUSALS])
def test_inspect_refuses_with_one_line_and_no_traceback(tmp_path, capsys, case):
    path = tmp_path / case.file_name
    path.write_bytes(case.make(tmp_path))
    argv = ["inspect", str(path)] + (["--sheet", case.sheet] if case.sheet else [])
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"overlap: {case.message}\n"


def test_missing_file_is_named(tmp_path, capsys):
    assert main(["inspect", str(tmp_path / "gone.csv")]) == 2
    assert capsys.readouterr().err == "overlap: gone.csv was not found.\n"


# ---------------------------------------------------------------------------
# Awkward files that must be read, with exactly these rows and notes


def read_text(tmp_path, rows, name="awkward.csv", **options):
    return read_roster(filegen.write_text(tmp_path / name, rows, **options))


def test_ragged_rows_are_kept_and_reported(tmp_path):
    rows = [["A", "B", "C"], ["1", "2", "3"], ["4", "5"], ["6", "7", "8", "9"], ["10"]]
    roster = read_text(tmp_path, rows)
    # one regular row tells nothing about the columns' kinds: the long row cannot be laid
    # out, so it is kept whole, as written, in a column of its own (no value destroyed)
    assert roster.frame.values.tolist() == [
        ["1", "2", "3", ""],
        ["4", "5", "", ""],
        ["", "", "", "6,7,8,9"],
        ["10", "", "", ""],
    ]
    assert list(roster.frame.columns) == ["A", "B", "C", "Unsplit fields"]
    assert roster.problems == [
        RowProblem(2, 3, "has 2 fields, the header has 3; the missing fields were left empty"),
        RowProblem(
            3,
            4,
            "has 4 fields, the header has 3 and A, B, C cannot be told apart: they were left "
            "empty and those fields are kept as written in the column 'Unsplit fields'",
        ),
        RowProblem(4, 5, "has 1 fields, the header has 3; the missing fields were left empty"),
    ]


def test_quoted_newlines_stay_in_their_cell_and_are_no_problem(tmp_path):
    rows = [["Name", "Address"], ["Ann", "12 Main St\nApt 4"], ["Bo", "1 Elm"], ["Cy", "x"]]
    roster = read_text(tmp_path, rows + [["Di", "5 Oak"]], line_ending="\r\n")
    assert roster.frame["Address"].tolist() == ["12 Main St\nApt 4", "1 Elm", "x", "5 Oak"]
    assert roster.problems == []


def test_quoted_newline_then_ragged_row_reports_the_right_line(tmp_path):
    rows = [["Name", "Address"], ["Ann", "12 Main St\nApt 4\nRear"], ["Bo"]]
    roster = read_text(tmp_path, rows)
    assert roster.problems == [
        RowProblem(2, 5, "has 1 fields, the header has 2; the missing fields were left empty")
    ]


def test_mixed_line_endings(tmp_path):
    data = b"Name,Zip\r\nAnn,02139\nBo,60623\rCy,60608\r\n"
    roster = read_roster(data, name="mixed.csv")
    assert roster.frame.values.tolist() == [["Ann", "02139"], ["Bo", "60623"], ["Cy", "60608"]]
    assert roster.problems == [] and roster.notes == []


def test_blank_rows_are_skipped_and_reported_with_their_lines(tmp_path):
    data = b"Name,Zip\nAnn,02139\n\nBo,60623\n,\n  ,  \nCy,60608\n"
    roster = read_roster(data, name="gaps.csv")
    assert roster.frame["Name"].tolist() == ["Ann", "Bo", "Cy"]
    assert roster.notes == ["3 blank rows skipped (lines 3, 5, 6)."]


def test_blank_rows_of_only_delimiters_on_the_fast_path(tmp_path):
    data = b"Name,Zip\nAnn,02139\n,\nBo,60623\n"
    roster = read_roster(data, name="gaps.csv")
    assert roster.frame["Name"].tolist() == ["Ann", "Bo"]
    assert roster.notes == ["1 blank row skipped (line 3)."]


def test_duplicate_header_names_are_numbered_and_noted(tmp_path):
    rows = [["Name", "Phone", "Phone", "phone"], ["Ann", "1", "2", "3"]]
    roster = read_text(tmp_path, rows)
    assert list(roster.frame.columns) == ["Name", "Phone", "Phone (2)", "phone (3)"]
    assert roster.notes == [
        "The header 'Phone' appears more than once; the repeat is called 'Phone (2)'.",
        "The header 'phone' appears more than once; the repeat is called 'phone (3)'.",
    ]


def test_blank_header_cells_get_column_names(tmp_path):
    rows = [["Name", "", "Zip", ""], ["Ann", "x", "02139", "y"]]
    roster = read_text(tmp_path, rows)
    assert list(roster.frame.columns) == ["Name", "Column 2", "Zip", "Column 4"]
    assert roster.notes == ["Column(s) 2, 4 have no header name; they are called 'Column N'."]


def test_trailing_delimiters_on_every_row_are_not_problems(tmp_path):
    roster = read_roster(b"Name,Zip,\nAnn,02139,\nBo,60623,,\n", name="trailing.csv")
    assert list(roster.frame.columns) == ["Name", "Zip"]
    assert roster.frame.values.tolist() == [["Ann", "02139"], ["Bo", "60623"]]
    assert roster.problems == []
    assert roster.notes == []


def test_trailing_delimiter_on_every_line_including_quoted_cells():
    data = b'Name,Address,\nAnn,"12 Main St, Apt 4",\nBo,"1 Elm",\n'
    roster = read_roster(data, name="trailing.csv")
    assert list(roster.frame.columns) == ["Name", "Address"]
    assert roster.frame.values.tolist() == [["Ann", "12 Main St, Apt 4"], ["Bo", "1 Elm"]]
    assert (roster.problems, roster.notes) == ([], [])


def test_unclosed_quote_does_not_swallow_the_rest_of_the_file():
    data = b'Name,Note\nAnn,"never closed\nBo,fine\nCy,fine\n'
    roster = read_roster(data, name="quote.csv")
    assert roster.frame["Name"].tolist() == ["Ann", "Bo", "Cy"]
    assert roster.problems == [
        RowProblem(
            1,
            2,
            "opens a quote that is never closed; from here on quotes were read as plain characters",
        )
    ]


def test_two_thousand_columns(tmp_path):
    header = [f"Field {i}" for i in range(2000)]
    rows = [header] + [[f"r{r}c{c}" for c in range(2000)] for r in range(3)]
    roster = read_text(tmp_path, rows)
    assert roster.frame.shape == (3, 2000)
    assert roster.frame.iloc[2, 1999] == "r2c1999"


def test_one_megabyte_cell(tmp_path):
    big = "x" * (1024 * 1024)
    rows = [["Name", "Notes", "Zip"], ["Ann", big, "02139"], ["Bo", "short", "60623"]]
    roster = read_text(tmp_path, rows)
    assert roster.frame["Notes"].str.len().tolist() == [1024 * 1024, 5]
    assert roster.frame["Zip"].tolist() == ["02139", "60623"]


def test_one_million_rows(tmp_path):
    path = filegen.million_row_csv(tmp_path / "million.csv")
    roster = read_roster(path)
    assert roster.frame.shape == (1_000_000, 10)
    assert roster.frame.iloc[-1].tolist() == [f"v999x{c}" for c in range(10)]
    assert roster.problems == []


def test_every_field_missing_for_some_rows_keeps_them(tmp_path):
    rows = [filegen.HEADER, filegen.people_rows(1)[0], ["", "", "", "", "", "x@example.org"]]
    rows += [["Bo", "", "", "", "", ""]]
    roster = read_text(tmp_path, rows)
    assert len(roster.frame) == 3
    assert roster.problems == []


def test_no_name_column_reads_but_cannot_be_matched(tmp_path):
    rows = [["DOB", "ZIP", "Phone"], ["1984-02-29", "02139", "617-555-0101"]]
    roster = read_text(tmp_path, rows, name="noname.csv")
    guess = guess_mapping(roster.frame)
    assert guess.missing_required == ["a name column (a full name, or first and last names)"]
    with pytest.raises(MappingError) as caught:
        check_linkable(guess.mapping, roster.file_name)
    assert str(caught.value) == (
        "noname.csv has no name column that Overlap recognises; tell it which column holds "
        "names, e.g. --map noname:COLUMN=full_name."
    )


def test_roster_with_one_row(tmp_path):
    roster = read_text(tmp_path, ROWS[:2])
    assert roster.frame.values.tolist() == [ROWS[1]]


def test_two_uploads_of_the_same_file_read_identically():
    first = read_roster(PEOPLE_CSV, name="members.csv")
    second = read_roster(PEOPLE_CSV, name="members.csv")
    assert first.frame.equals(second.frame)
    assert (first.name, first.problems, first.notes) == (second.name, [], [])


def test_csv_in_utf16_as_excel_unicode_text_writes_it(tmp_path):
    roster = read_roster(filegen.excel_unicode_text(tmp_path / "unicode.txt", ROWS))
    assert (roster.encoding, roster.delimiter) == ("utf-16", "\t")
    assert roster.frame.values.tolist() == ROWS[1:]


def test_csv_with_a_utf8_byte_order_mark_keeps_the_first_header_clean():
    roster = read_roster(filegen.text_bytes(ROWS, bom=True), name="bom.csv")
    assert roster.encoding == "utf-8-sig"
    assert list(roster.frame.columns)[0] == "First Name"
    assert roster.frame.values.tolist() == ROWS[1:]


def test_utf16_without_byte_order_mark():
    data = "Name\tZip\nAnn\t02139\n".encode("utf-16-le")
    roster = read_roster(data, name="nobom.txt")
    assert (roster.encoding, roster.frame.values.tolist()) == ("utf-16-le", [["Ann", "02139"]])


def test_cp1252_accents_and_euro_sign():
    data = "Nombre;Apellido;Cuota\nJosé;Núñez;5 €\n".encode("cp1252")
    roster = read_roster(data, name="cuotas.csv")
    assert roster.encoding == "cp1252"
    assert roster.frame.values.tolist() == [["José", "Núñez", "5 €"]]


def test_bytes_not_in_cp1252_fall_back_without_error():
    data = b"Name,Note\nAnn,\x81\x8d\xe9\n"
    roster = read_roster(data, name="odd.csv")
    assert roster.encoding not in ("utf-8", "cp1252")
    assert len(roster.frame) == 1


def test_utf8_with_stray_bytes_stays_utf8_repairs_what_it_can_and_says_so():
    data = "Nombre,Ciudad\nJosé,Bogotá\nNúñez,Cúcuta\nPeña,Medellín\nÁngel,Túquerres\nMuñoz,Ibagué\n".encode()
    data += b"Bad\xff,x\n" + b"Worse\x81,y\n"  # \xff is Windows-1252's y-umlaut; \x81 is nothing
    roster = read_roster(data, name="damaged.csv")
    assert roster.encoding == "utf-8"
    assert roster.frame["Nombre"].tolist() == [
        "José", "Núñez", "Peña", "Ángel", "Muñoz", "Badÿ", "Worse\ufffd"
    ]  # fmt: skip
    assert roster.notes == [
        "1 character(s) on line 7 were not UTF-8 like the rest of the file; they were read as "
        "Windows-1252 (curly quotes, dashes, accented letters pasted from a Windows program).",
        "1 byte(s) on line 8 are neither UTF-8 nor Windows-1252 and were replaced by '\ufffd'; "
        "check those lines in the file.",
    ]


def test_filemaker_vertical_tabs_inside_cells_are_text_not_binary():
    data = b"Name,Address\n" + b"Ann,12 Main St\x0bApt 4\n" * 20
    roster = read_roster(data, name="filemaker.csv")
    assert roster.frame["Address"].iloc[0] == "12 Main St\x0bApt 4"


# ---------------------------------------------------------------------------
# Awkward workbooks


def test_xlsx_merged_cells_are_filled_in(tmp_path):
    rows = [["Household", "Name"], [None, "Ann"], [None, "Bo"], ["Lee", "Cy"]]
    path = filegen.write_xlsx(
        tmp_path / "merged.xlsx", {"S": rows}, merged=[("S", 1, 0, 2, 0, "Núñez")]
    )
    roster = read_roster(path)
    assert roster.frame.values.tolist() == [["Núñez", "Ann"], ["Núñez", "Bo"], ["Lee", "Cy"]]
    assert roster.notes == ["1 merged cell area(s) were filled in with the value shown in them."]


def test_xlsx_merged_title_above_the_header_is_not_the_header(tmp_path):
    rows = [["Food bank households"], [], ROWS[0]] + ROWS[1:]
    path = filegen.write_xlsx(
        tmp_path / "title.xlsx", {"S": rows}, merged=[("S", 0, 0, 0, 5, "Food bank households")]
    )
    roster = read_roster(path)
    assert roster.header_row == 3
    assert roster.frame.values.tolist() == ROWS[1:]
    assert roster.notes == ["Rows above the header (1 to 2) were skipped as titles."]


def test_xlsx_formulas_with_saved_results_read_as_results(tmp_path):
    rows = [["Name", "Age", "Next"], ["Ann", 41, filegen.Formula("=B2+1", 42)]]
    roster = read_roster(filegen.write_xlsx(tmp_path / "f.xlsx", {"S": rows}))
    assert roster.frame.values.tolist() == [["Ann", "41", "42"]]
    assert roster.notes == []


def test_xlsx_formulas_without_saved_results_are_empty_and_noted(tmp_path):
    rows = [["Name", "Age", "Next"], ["Ann", 41, filegen.Formula("=B2+1")], ["Bo", 30, 31]]
    roster = read_roster(filegen.write_xlsx_openpyxl(tmp_path / "o.xlsx", rows))
    assert roster.frame.values.tolist() == [["Ann", "41", ""], ["Bo", "30", "31"]]
    assert roster.notes == [
        "1 formula cell(s) have no saved result and read as empty; "
        "open the file in Excel and save it to store the results."
    ]


def test_xlsx_dates_as_serials_and_as_date_cells(tmp_path):
    rows = [["Name", "DOB", "Serial"], ["Ann", dt.date(1984, 2, 29), 30741]]
    roster = read_roster(filegen.write_xlsx(tmp_path / "d.xlsx", {"S": rows}))
    # A date cell becomes ISO; a bare number stays the number (normalise decides later).
    assert roster.frame.values.tolist() == [["Ann", "1984-02-29", "30741"]]


def test_xlsx_several_sheets_default_to_first_with_data(tmp_path):
    sheets = {"Cover": [], "Members": ROWS, "Staff": [["Name"], ["Zed"]]}
    path = filegen.write_xlsx(tmp_path / "book.xlsx", sheets)
    roster = read_roster(path)
    assert (roster.sheet, roster.sheets) == ("Members", ["Cover", "Members", "Staff"])
    assert roster.frame.values.tolist() == ROWS[1:]
    staff = read_roster(path, sheet="Staff")
    assert (staff.sheet, staff.frame.values.tolist()) == ("Staff", [["Zed"]])


def test_xlsx_hidden_rows_are_read_and_noted(tmp_path):
    path = filegen.write_xlsx(tmp_path / "h.xlsx", {"S": ROWS}, hidden_rows=[("S", 2)])
    roster = read_roster(path)
    assert roster.frame.values.tolist() == ROWS[1:]
    assert roster.notes == ["1 hidden row(s) in the sheet were read like any other row."]


def test_xlsx_title_rows_and_blank_rows(tmp_path):
    rows = [["Job placement participants"], [], ROWS[0], ROWS[1], [], ROWS[2]]
    roster = read_roster(filegen.write_xlsx(tmp_path / "t.xlsx", {"S": rows}))
    assert roster.header_row == 3
    assert roster.frame.values.tolist() == [ROWS[1], ROWS[2]]
    assert roster.notes == [
        "Rows above the header (1 to 2) were skipped as titles.",
        "1 blank row skipped (row 5).",
    ]


def test_xls_title_merged_cells_several_sheets_and_an_empty_first_column(tmp_path):
    rows = [[], [], [None, "Household", "Name", "DOB", "ZIP"]]  # merged cells written below
    rows += [[None, None, "Ana", dt.date(1980, 1, 2), 2139], [None, None, "Bo", None, "60623"]]
    path = filegen.write_xls(
        tmp_path / "clinic.xls",
        {"Notes": [], "Clients": rows, "Staff": [["Name"], ["Zed"]]},
        merged=[("Clients", 0, 1, 0, 4, "Tax clinic 2026"), ("Clients", 3, 1, 4, 1, "Núñez")],
    )
    roster = read_roster(path)
    assert (roster.format, roster.sheet, roster.sheets) == ("xls", "Clients", ["Notes", "Clients", "Staff"])  # fmt: skip
    assert roster.header_row == 3
    assert list(roster.frame.columns) == ["Household", "Name", "DOB", "ZIP"]
    assert roster.frame.values.tolist() == [
        ["Núñez", "Ana", "1980-01-02", "2139"],
        ["Núñez", "Bo", "", "60623"],
    ]
    assert roster.notes == [
        "1 merged cell area(s) were filled in with the value shown in them.",
        "Rows above the header (1 to 2) were skipped as titles.",
    ]


def test_damaged_xls_is_refused_in_one_sentence(tmp_path, capfd):
    whole = filegen.write_xls(tmp_path / "ok.xls", {"S": ROWS}).read_bytes()
    with pytest.raises(RosterError) as caught:
        read_roster(whole[:-100], name="cut.xls")
    assert str(caught.value) == (
        "cut.xls looks like a spreadsheet but could not be read (it may be damaged)."
    )
    assert capfd.readouterr().err == ""  # no reader's panic message on the terminal


def test_empty_columns_without_a_header_are_left_out():
    roster = read_roster(b",Name,,Zip,\n,Ann,,02139,\n,Bo,x,60623,\n", name="gaps.csv")
    assert list(roster.frame.columns) == ["Name", "Column 3", "Zip"]
    assert roster.frame.values.tolist() == [["Ann", "", "02139"], ["Bo", "x", "60623"]]
    assert roster.notes == ["Column(s) 3 have no header name; they are called 'Column N'."]


# ---------------------------------------------------------------------------
# Any bytes in: a Roster or a RosterError, never anything else, same answer twice


def _outcome(data: bytes):
    try:
        roster = read_roster(data, name="x.csv")
    except RosterError as exc:
        return ("refused", str(exc))
    return ("read", roster.frame.to_dict("split"), roster.problems, roster.notes)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_roster_or_a_roster_error(data):
    assert _outcome(data) == _outcome(data)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=8), max_size=5),
        max_size=6,
    ),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]),
)
def test_any_table_of_text_gives_a_roster_or_a_roster_error(rows, delimiter, encoding):
    data = filegen.text_bytes(rows, delimiter=delimiter, encoding=encoding)
    assert _outcome(data) == _outcome(data)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["", " ", "a", "Ann", "02139", "é"]), min_size=0, max_size=5),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=1, max_value=4),
)
def test_line_by_line_path_agrees_with_the_csv_module(rows, width):
    """Text without quotes takes a faster path; it must read exactly as the csv module does."""
    from overlap import ingest

    body = "\n".join(",".join(row) for row in rows)
    assume(body.strip(" ,\n") and not body.endswith("\n"))  # as ingest hands it over
    columns = [f"c{i}" for i in range(width)]
    fast_fitter, slow_fitter = ingest._LazyFitter(columns, ","), ingest._LazyFitter(columns, ",")
    fast = ingest._parse_unquoted(body, 2, ",", fast_fitter)
    slow = ingest._parse_slow(body, 2, ",", slow_fitter)
    assert fast[1:] == slow[1:]  # same problems, same blank lines
    assert fast_fitter.unsplit == slow_fitter.unsplit  # same rows kept as written
    blank = {i for i, _ in slow[2]}
    kept = [i for i in range(len(slow[0])) if i not in blank]
    assert fast[0].iloc[kept].values.tolist() == slow[0].iloc[kept].values.tolist()


def test_workbook_whose_sheet_xml_is_cut_short_is_called_damaged_not_empty(tmp_path):
    """A valid ZIP whose only sheet's XML is cut off: the reader fails on it, and the
    user must hear the file is damaged, not that it has no data."""
    import zipfile

    whole = filegen.write_xlsx(tmp_path / "whole.xlsx", {"People": [["A", "B"], ["1", "2"]]})
    cut = io.BytesIO()
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(cut, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    with pytest.raises(RosterError) as caught:
        read_roster(cut.getvalue(), name="half.xlsx")
    assert str(caught.value) == (
        "half.xlsx looks like a spreadsheet but could not be read (it may be damaged)."
    )
