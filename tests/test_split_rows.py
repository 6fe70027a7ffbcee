"""Rows that name two people become two records: same row, parts 1 and 2."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.split_rows import split_shared_rows

CASES = [
    # (full_name, first_name, last_name) -> the two people's names, or None when one person
    (("Smith, John & Mary", "", ""), [("full_name", "Smith, John"), ("full_name", "Smith, Mary")]),
    (("John and Mary Smith", "", ""), [("full_name", "John Smith"), ("full_name", "Mary Smith")]),
    (("JOHN AND MARY SMITH", "", ""), [("full_name", "JOHN SMITH"), ("full_name", "MARY SMITH")]),
    (
        ("Maria Lopez y Jose Lopez", "", ""),
        [("full_name", "Maria Lopez"), ("full_name", "Jose Lopez")],
    ),
    (("Ann Lee + Bo Park", "", ""), [("full_name", "Ann Lee"), ("full_name", "Bo Park")]),
    (("", "John & Mary", "Smith"), [("first_name", "John"), ("first_name", "Mary")]),
    (("José Ortega y Gasset", "", ""), None),  # a compound surname
    (("Maria E Lopez", "", ""), None),  # a middle initial, not "and"
    (("John E Smith Jr", "", ""), None),
    (("Johnson & Johnson", "", ""), None),  # one word each side: not two people
    (("", "Maria y Jose", "Lopez"), None),  # a one-letter "and" joins only whole names
    (("Ann Lee", "", ""), None),
]


@pytest.mark.parametrize(("names", "expected"), CASES)
def test_rows_naming_two_people(names, expected):
    full, first, last = names
    fields = pd.DataFrame(
        {
            "full_name": [full],
            "first_name": [first],
            "last_name": [last],
            "dob": ["1980-01-01"],
            "phone": ["312-555-0100"],
        }
    )
    out, source, part = split_shared_rows(fields)
    if expected is None:
        assert len(out) == 1 and part.tolist() == [0]
        return
    assert source.tolist() == [0, 0] and part.tolist() == [1, 2]
    assert [out.loc[i, column] for i, (column, _) in enumerate(expected)] == [
        v for _, v in expected
    ]
    assert out["phone"].tolist() == ["312-555-0100"] * 2  # written once for both
    assert out["dob"].tolist() == ["1980-01-01", ""]  # one person's own: stays with the first


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([c[0] for c in CASES]), min_size=1, max_size=15))
def test_every_row_is_kept_in_order_and_only_shared_rows_are_doubled(rows):
    fields = pd.DataFrame(rows, columns=["full_name", "first_name", "last_name"])
    out, source, part = split_shared_rows(fields)
    expected = {c[0]: c[1] is not None for c in CASES}
    assert sorted(source.tolist()) == source.tolist()
    assert set(source.tolist()) == set(range(len(rows)))
    for i, row in enumerate(rows):
        copies = (source == i).sum()
        assert copies == (2 if expected[row] else 1)
        assert set(part[source == i].tolist()) == ({1, 2} if expected[row] else {0})


def test_records_csv_gives_both_people_the_row_and_their_part(tmp_path):
    (tmp_path / "church.csv").write_text(
        'Name,Birth Date,Zip\n"Smith, John & Mary",03/14/1960,60608\n"Garcia, Maria",05/02/1985,60608\n'
    )
    (tmp_path / "clinic.csv").write_text(
        "First,Last,DOB,Zip\nMary,Smith,1962-07-01,60608\nMaria,Garcia,1985-05-02,60608\n"
    )
    run = [sys.executable, "-m", "overlap"]
    done = subprocess.run(
        [*run, "match", "church.csv", "clinic.csv", "--out", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    records = pd.read_csv(tmp_path / "out" / "records.csv", dtype=str, keep_default_na=False)
    assert list(records.columns[:4]) == ["programme", "row", "part", "person_id"]
    church = records[records["programme"] == "church"]
    assert church[["row", "part", "first_name"]].values.tolist() == [
        ["1", "1", "john"],
        ["1", "2", "mary"],
        ["2", "", "maria"],
    ]
    inspected = subprocess.run(
        [*run, "inspect", "church.csv"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert "1 row(s) name two people (row 1)" in inspected.stdout
    assert "Mary" not in inspected.stdout  # never a cell
