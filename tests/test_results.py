"""overlap/results.py: the match folder, decisions files, our safe CSVs, where outputs may go."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap import results
from overlap.errors import OverlapError
from overlap.export import read_safe_csv, safe_csv_bytes
from overlap.ingest import read_roster
from overlap.mapping import apply_mapping, guess_mapping
from overlap.pipeline import match_rosters

CHURCH = b"""Member ID,First Name,Last Name,Birth Date,Street,Zip,Phone,Email,Language
M1,Maria,Garcia,03/14/1980,12 Oak St,60608,312-555-0100,maria.garcia@mail.example.com,Spanish
M2,Robert,Nowak,01/02/1975,4 Pine Ave,60601,312-555-0199,,=Polish
M3,Keisha,Johnson,07/04/1990,88 Elm St,60629,,keisha.j@mail.example.com,English
M4,Kevin,Huang,06/29/2007,3438 S Morgan St,60608,773-555-0142,,
M5,Jenny,Huang,06/29/2007,3438 S Morgan St,60608,773-555-0142,,"English, Mandarin"
"""

CLINIC = b"""Client;Full Name;DOB;Address;Telephone
C-10;GARCIA, MARIA;1980-03-14;12 Oak Street 60608;(312) 555-0100
C-11;Bob Nowak;1975-01-02;4 Pine Avenue 60601;3125550199
C-12;Zbigniew Okonkwo;1961-12-01;70 Lake Dr 60616;
C-13;Kevin Huang;2007-06-29;3438 South Morgan Street 60608;7735550142
"""


def _mapped(data: bytes, name: str):
    roster = read_roster(data, name=name)
    return apply_mapping(roster, guess_mapping(roster.frame).mapping)


@pytest.fixture(scope="module")
def result():
    return match_rosters([_mapped(CHURCH, "church.csv"), _mapped(CLINIC, "clinic.csv")])


def test_a_saved_match_loads_back_equal(result, tmp_path):
    written = results.save_result(result, tmp_path / "out")
    assert [p.name for p in written] == ["records.csv", "links.csv", "overlap.json"]
    loaded = results.load_result(tmp_path / "out")

    expected = results.records_table(result)
    assert list(expected.columns[:3]) == ["programme", "row", "person_id"]
    assert "ssn" not in expected.columns and "rid" not in expected.columns
    assert len(loaded.records) == 9 and not loaded.encoded
    expected = expected.astype(
        {c: "str" for c in expected.columns if c not in ("row", "person_id")}
    )
    pd.testing.assert_frame_equal(
        loaded.records.reset_index(drop=True),
        expected.astype({"row": np.int64, "person_id": np.int64}),
        check_dtype=False,
    )
    assert loaded.records["row"].dtype == np.int64
    pd.testing.assert_frame_equal(loaded.links, results.links_table(result), check_dtype=False)
    assert loaded.overlap == results.overlap_document(result)
    assert loaded.overlap["pairwise"][0]["shared_people"] == 3  # Maria, Robert/Bob, Kevin
    # the attribute column came through, formula-looking value and all, and is an attribute
    assert loaded.attribute_columns == ["Language", "Client"]
    assert "=Polish" in set(loaded.attributes["Language"])


def test_records_columns_are_written_generically_with_part_after_row(result, tmp_path):
    """Columns a later stage adds (``part``) take their place without a change here."""
    records = result.records.copy()
    records["part"] = ""
    records["season"] = "2024"
    with_part = type(result)(**{**result.__dict__, "records": records})
    results.save_result(with_part, tmp_path)
    header = list(pd.read_csv(tmp_path / "records.csv", nrows=0).columns)
    assert header[:4] == ["programme", "row", "part", "person_id"]
    assert "season" in header and header[-2:] == ["Language", "Client"]
    assert results.load_result(tmp_path).attribute_columns == ["season", "Language", "Client"]


def test_save_refuses_to_replace_a_match_unless_asked(result, tmp_path):
    results.save_result(result, tmp_path)
    with pytest.raises(OverlapError, match="records.csv already exists; add --force"):
        results.save_result(result, tmp_path)
    results.save_result(result, tmp_path, overwrite=True)


def test_an_encoded_match_is_saved_by_the_same_function(tmp_path):
    from overlap import privacy

    secret = b"a fixed test secret, 32 bytes!!!"
    church, _, _ = privacy.encode_file(
        CHURCH, secret, file_name="church.csv", share_columns=["zip"]
    )
    clinic, _, _ = privacy.encode_file(CLINIC, secret, file_name="clinic.csv")
    match = privacy.match_encoded([church, clinic])
    results.save_result(match, tmp_path)
    loaded = results.load_result(tmp_path)
    assert loaded.encoded
    assert list(loaded.records.columns) == ["programme", "row", "person_id", "zip"]
    assert loaded.records["row"].str.startswith("r").all()  # random ids, not row numbers
    assert loaded.attribute_columns == ["zip"]
    assert loaded.overlap == match.summary  # one overlap document for plain and encoded
    assert loaded.links["row_a"].map(type).eq(str).all()
    assert (tmp_path / "overlap.json").read_text().endswith("}\n")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "has no records.csv; run `overlap match --out"),
        ({"records.csv": "a,b\n1,2\n"}, "lacks the column(s) programme, row, person_id"),
        ({"records.csv": "programme,row,person_id\nA,1,x\n"}, "person_id that is not a whole"),
        (
            {"records.csv": "programme,row,person_id\nA,1,0\n", "links.csv": "x\n1\n"},
            "lacks the programme/row/probability columns",
        ),
        (
            {"records.csv": "programme,row,person_id\nA,1,0\n", "overlap.json": "[1"},
            "cannot be read as the overlap document",
        ),
    ],
)
def test_a_folder_that_is_not_a_match_gets_one_sentence(tmp_path, files, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(OverlapError, match=message.replace("(", r"\(").replace(")", r"\)")):
        results.load_result(tmp_path)


# --------------------------------------------------------------------------- decisions


def test_decisions_bad_rows_are_reported_with_row_numbers_and_the_rest_kept():
    data = (
        b"programme_a,row_a,programme_b,row_b,decision\n"
        b"church,1,clinic,1,Same\n"  # row 1: fine (any letter case)
        b"church,x,clinic,2,same\n"  # row 2: not a row number
        b"\n"  # a blank line: skipped, not counted
        b"church,3,clinic,3,maybe\n"  # row 3: unknown decision
        b",4,clinic,4,different\n"  # row 4: no programme
        b"church,0,clinic,5,same\n"  # row 5: rows start at 1
        b"'=church,6,clinic, 6 ,different\n"  # row 6: our own formula quote, spaces
    )
    loaded = results.read_decisions(data, "decisions.csv")
    assert loaded.frame.to_dict("records") == [
        {"programme_a": "church", "row_a": 1, "programme_b": "clinic", "row_b": 1,
         "decision": "same"},
        {"programme_a": "=church", "row_a": 6, "programme_b": "clinic", "row_b": 6,
         "decision": "different"},
    ]  # fmt: skip
    assert [(p.row, p.line) for p in loaded.problems] == [(2, 3), (3, 5), (4, 6), (5, 7)]
    assert loaded.describe() == [
        "decisions.csv row 2 (line 3): row_a must be a row number (1, 2, ...); "
        "the row was left out",
        "decisions.csv row 3 (line 5): a decision must be “same” or “different”; "
        "the row was left out",
        "decisions.csv row 4 (line 6): programme_a is empty; the row was left out",
        "decisions.csv row 5 (line 7): row_a must be a row number (1, 2, ...); "
        "the row was left out",
    ]
    assert list(loaded.file_rows) == [1, 6]


def test_decisions_naming_records_outside_the_match_are_reported(result):
    data = (
        b"programme_a,row_a,programme_b,row_b,decision\n"
        b"church,1,clinic,1,different\nchurch,99,clinic,1,same\nparish,1,clinic,2,same\n"
    )
    loaded = results.read_decisions(data, "d.csv")
    found = results.decisions_not_found(result.records, loaded)
    assert [p.row for p in found] == [2, 3]
    assert loaded.describe(found)[0] == (
        "d.csv row 2: names a record that is not in this match; the row was left out"
    )


def test_decisions_written_by_us_read_back_unchanged():
    frame = pd.DataFrame(
        [["=Food bank", 3, "tax_clinic", 12, "same"], ["-clinic", 4, "@parish", 7, "different"]],
        columns=results.DECISION_COLUMNS,
    )
    loaded = results.read_decisions(results.decisions_csv_bytes(frame), "d.csv")
    assert not loaded.problems
    pd.testing.assert_frame_equal(loaded.frame, frame, check_dtype=False)


def test_decisions_of_an_encoded_match_keep_their_ids():
    data = b"programme_a,row_a,programme_b,row_b,decision\nA,r0a1,B,r9f2,same\nA,,B,r1,same\n"
    loaded = results.read_decisions(data, "d.csv", row_ids=True)
    assert loaded.frame[["row_a", "row_b"]].values.tolist() == [["r0a1", "r9f2"]]
    assert [p.reason for p in loaded.problems] == ["row_a is empty; the row was left out"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a,b\n1,2\n", r"lacks the column\(s\) programme_a, row_a"),
        (b"", "is not a readable CSV file of decisions"),
        (b"\xff\xfe\x00\x01garbage", "is not a readable CSV file of decisions"),
    ],
)
def test_a_file_that_is_not_a_decisions_file_gets_one_sentence(data, message):
    with pytest.raises(OverlapError, match=message):
        results.read_decisions(data, "d.csv")


def test_a_missing_decisions_file_is_named(tmp_path):
    with pytest.raises(OverlapError, match="The decisions file .*nope.csv does not exist"):
        results.read_decisions(tmp_path / "nope.csv")


# --------------------------------------------------------------------------- safe CSV


FORMULA_LIKE = st.from_regex(r"\A'*[ ]*[=+\-@\t\r\n＝＋－＠][\s\S]{0,8}\Z")
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(ANY_TEXT, FORMULA_LIKE), min_size=1, max_size=6))
def test_any_text_survives_our_safe_csv_write_then_read(values):
    frame = pd.DataFrame({"value": values, "same": values})
    back = read_safe_csv(io.BytesIO(safe_csv_bytes(frame)))
    assert back["value"].tolist() == values
    assert back["same"].tolist() == values


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("'=1+1", "''=1+1"),  # a quote the user typed stays: one more is added, one taken off
        ("'hello", "'hello"),  # not formula-looking: left as it is
        ("-5", "-5"),  # a negative number is no formula
        ("'-5", "'-5"),
        ("O'Brien", "O'Brien"),
    ],
)
def test_the_writer_quotes_only_what_the_reader_unquotes(value, written):
    data = safe_csv_bytes(pd.DataFrame({"v": [value]})).decode("utf-8-sig")
    assert data.splitlines()[1] == f'"{written}"'
    assert read_safe_csv(io.BytesIO(data.encode()))["v"].tolist() == [value]


# --------------------------------------------------------------------------- outputs


def test_outputs_are_checked_before_the_work(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("x")
    with pytest.raises(OverlapError, match="is one of the files being read"):
        results.check_outputs([roster], inputs=[roster], overwrite=True)
    with pytest.raises(OverlapError, match="roster.csv already exists; add --force"):
        results.check_outputs([roster])
    results.check_outputs([roster], overwrite=True)
    results.check_outputs([tmp_path / "new" / "deeper" / "records.csv"])  # made later
    with pytest.raises(OverlapError, match=r"Cannot write .*roster.csv is a file, not a folder"):
        results.check_outputs([roster / "records.csv"])
    with pytest.raises(OverlapError, match="is a folder; give a file name"):
        results.check_outputs([tmp_path])


def test_overlap_json_is_the_summary_of_the_records(result):
    document = results.overlap_document(result)
    assert json.loads(json.dumps(document)) == document
    assert set(document) >= {"programmes", "union_people", "pairwise", "intersections"}
