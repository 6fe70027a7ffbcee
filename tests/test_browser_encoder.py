"""The encoder that runs in a partner's browser gives what ``overlap encode`` gives.

The browser has no numpy, pandas, pyarrow, jellyfish or python-crfsuite, so
it runs a plain-Python path: its own CSV reader and column guess (held equal
to ``read_roster`` and ``guess_mapping`` here), the normalisers' row-by-row
reference, pure-Python stand-ins for Metaphone and for usaddress's tagger
(held equal to the compiled ones here), and the plain encoder. ``overlap
encode`` normalises with that same path, and the .clk files are compared
after parsing (ids are random on every run; everything else must agree, row
by row through the key files). One test runs it in a Python where the
compiled libraries cannot be imported, as in Pyodide.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import filegen
import jellyfish
import normalise_cases as cases
import pandas as pd
import pycrfsuite
import pytest
import usaddress
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overlap import privacy
from overlap.errors import RosterError
from overlap.ingest import read_roster
from overlap.mapping import apply_mapping, guess_mapping
from overlap.normalise import OUTPUT_COLUMNS, normalise_fields
from overlap.privacy import browser_bundle, crf_tagger, in_browser, plain_roster
from overlap.privacy.metaphone import metaphone
from overlap.split_rows import split_shared_rows

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.csv"))
SECRET = b"the partners' secret, 32 bytes!!"


def parsed(clk: bytes, key: bytes) -> tuple[dict, list[str], dict, dict]:
    """A .clk and its key file: (settings without checksum, header, row -> its records' cells,
    key settings)."""
    first, _, body = clk.partition(b"\n")
    settings_line = json.loads(first.split(b" ", 1)[1])
    settings_line.pop("digest")
    records = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    key_first, _, key_body = key.partition(b"\n")
    rows = dict(list(csv.reader(io.StringIO(key_body.decode("utf-8"))))[1:])
    by_row: dict[int, list] = {}  # a row naming two people has two records
    for cells in records[1:]:
        by_row.setdefault(int(rows[cells[0]]), []).append(cells[1:])
    by_row = {row: sorted(both) for row, both in by_row.items()}
    return settings_line, records[0], by_row, json.loads(key_first.split(b" ", 1)[1])


def command_encoding(data: bytes, file_name: str, **options) -> tuple:
    encoded, keymap, _ = privacy.encode_file(data, SECRET, file_name=file_name, **options)
    return parsed(privacy.encoded_bytes(encoded), privacy.key_map_bytes(keymap))


def browser_encoding(data: bytes, file_name: str, **options) -> tuple:
    out = in_browser.encode(data, file_name, SECRET, **options)
    return parsed(out["clk"], out["key"])


# ------------------------------------------------------------ the compiled libraries' twins


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzAEGHKNPSTWX", max_size=14))
def test_plain_metaphone_equals_jellyfish(word):
    assert metaphone(word) == jellyfish.metaphone(word)


def test_plain_metaphone_on_real_names():
    names = ["knight", "gnome", "wright", "aebersold", "xavier", "thompson", "schmidt", "philips",
             "hugh", "bough", "dodge", "science", "ciara", "mbeki", "lamb", "shaw", "whitney"]  # fmt: skip
    assert [metaphone(n) for n in names] == [jellyfish.metaphone(n) for n in names]


def _both_taggers():
    plain = crf_tagger.Tagger()
    plain.open(usaddress.MODEL_PATH)
    compiled = pycrfsuite.Tagger()
    compiled.open(usaddress.MODEL_PATH)
    return plain, compiled


ADDRESS_WORDS = ["123", "4B", "N", "West", "Main", "St.", "Ave", "Apt", "#", "Suite", "PO", "Box",
                 "Rural", "Route", "2", "Chicago,", "IL", "60614", "&", "1/2", "Calle", "José",
                 "7th", "Fl", "o'hara", "c/o", "Bldg", "(rear)", "Hwy", "99"]  # fmt: skip


def test_plain_crf_tagger_equals_pycrfsuite_on_real_addresses():
    plain, compiled = _both_taggers()
    lines = [raw for raw, _ in cases.STREETS] + [raw for raw, _ in cases.ADDRESSES]
    for path in SAMPLES:
        table = plain_roster.read_csv_table(path.read_bytes(), path.name)
        mapping = plain_roster.guess_fields(table)
        for raw, field in mapping.items():
            if field in ("street", "address"):
                lines += table.column(raw)[:150]
    assert len(lines) > 300
    for line in lines:
        tokens = usaddress.tokenize(line)
        if tokens:
            features = usaddress.tokens2features(tokens)
            assert plain.tag(features) == compiled.tag(features), line


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ADDRESS_WORDS), min_size=1, max_size=10))
def test_plain_crf_tagger_equals_pycrfsuite_on_any_words(words):
    plain, compiled = _both_taggers()
    features = usaddress.tokens2features(usaddress.tokenize(" ".join(words)))
    assert plain.tag(features) == compiled.tag(features)


# ------------------------------------------------------------------ reading and guessing


def test_samples_read_and_guess_as_the_library_does():
    for path in SAMPLES:
        data = path.read_bytes()
        table = plain_roster.read_csv_table(data, path.name)
        roster = read_roster(data, name=path.name)
        assert table.name == roster.name
        assert table.columns == [str(c) for c in roster.frame.columns]
        assert table.rows == roster.frame.to_numpy().tolist()
        assert plain_roster.guess_fields(table) == guess_mapping(roster.frame).mapping


def test_samples_normalise_as_the_matcher_does():
    """The encoder's normalisation is the reference the vectorised stage is held to."""
    for path in [*SAMPLES, ROOT / "data" / "samples" / "vita_tax_clinic_clients.xlsx"]:
        roster = read_roster(path)
        mapping = guess_mapping(roster.frame).mapping
        fast = normalise_fields(apply_mapping(roster, mapping).fields)
        table = plain_roster.PlainTable(
            roster.name, list(roster.frame.columns), roster.frame.to_numpy().tolist()
        )
        plain = plain_roster.encoding_records(table, mapping)
        for column in OUTPUT_COLUMNS:
            assert fast[column].tolist() == [r[column] for r in plain], (path.name, column)


HEADERS = {
    "first_name": ["First Name", "fname", "Given name", "FIRST"],
    "last_name": ["Last Name", "Surname", "apellido", "LNAME"],
    "full_name": ["Name", "Client Name", "Nombre completo"],
    "dob": ["DOB", "Date of Birth", "birth_dt", "Fecha de nacimiento"],
    "street": ["Street", "Address 1", "home_addr1"],
    "address": ["Address", "Mailing address"],
    "zip": ["ZIP", "Postal code", "zipcode"],
    "phone": ["Phone", "Mobile", "Telefono"],
    "email": ["Email", "E-mail address"],
    "ssn": ["SSN", "Social Security Number"],
}
VALUES = {
    "first_name": [raw for raw, _, _ in cases.NAME_PARTS],
    "last_name": [raw for raw, _, _ in cases.NAME_PARTS],
    "full_name": [raw for raw, *_ in cases.FULL_NAMES],
    "dob": [raw for raw, _, _ in cases.DATES],
    "street": [raw for raw, _ in cases.STREETS],
    "address": [raw for raw, _ in cases.ADDRESSES],
    "zip": [raw for raw, _ in cases.ZIPS],
    "phone": [raw for raw, _ in cases.PHONES],
    "email": [raw for raw, _ in cases.EMAILS],
    "ssn": ["123-45-6788", "078051121", "219-09-9998", "", "12-345-6789"],
}


@st.composite
def rosters(draw) -> tuple[bytes, str]:
    """A roster file as a spreadsheet would export it: header words, delimiter, encoding,
    title lines, and cells from the normalisers' own example lists (blanks included)."""
    names = draw(st.sampled_from([["first_name", "last_name"], ["full_name"]]))
    others = draw(st.lists(st.sampled_from(["dob", "street", "address", "zip", "phone", "email",
                                            "ssn"]), unique=True, max_size=5))  # fmt: skip
    fields = names + others
    header = [draw(st.sampled_from(HEADERS[f])) for f in fields] + ["Notes"]
    rows = [
        [draw(st.sampled_from(VALUES[f] + [""])) for f in fields] + [draw(st.sampled_from(["", "vip", "new"]))]
        for _ in range(draw(st.integers(3, 25)))
    ]
    titles = [["Member list"], ["printed by the office"]][: draw(st.integers(0, 2))]
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "cp1252"]))
    text = [[c.encode(encoding, "replace").decode(encoding) for c in r] for r in [*titles, header, *rows]]
    data = filegen.text_bytes(text, delimiter=delimiter, encoding=encoding, bom=draw(st.booleans()))
    return data, draw(st.sampled_from(["roster.csv", "clients.txt", "list.tsv"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters())
def test_generated_rosters_encode_as_overlap_encode_does(roster):
    data, file_name = roster
    try:
        expected = command_encoding(data, file_name, share_columns=["zip"])
    except Exception as exc:  # the command refuses it (no name filled in, say): so must the page
        with pytest.raises(type(exc)):
            browser_encoding(data, file_name, share_columns=["zip"])
        return
    table = plain_roster.read_csv_table(data, file_name)
    roster_read = read_roster(data, name=file_name)
    assert table.rows == roster_read.frame.to_numpy().tolist()
    assert plain_roster.guess_fields(table) == guess_mapping(roster_read.frame).mapping
    assert browser_encoding(data, file_name, share_columns=["zip"]) == expected


NAME_WORDS = ["John", "Mary", "Smith", "Lopez", "Maria", "E", "Jr", "&", "and", "AND", "y", "e",
              "+", "und", "et", ",", "Ann Lee", "José", "Ortega", " "]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(*[st.lists(st.sampled_from(NAME_WORDS), max_size=6).map(" ".join)] * 3),
        min_size=1,
        max_size=6,
    )
)
def test_rows_naming_two_split_as_the_library_splits_them(names):
    """The row-by-row split is the reference ``split_shared_rows`` is held to (and the browser's)."""
    fields = pd.DataFrame(names, columns=["full_name", "first_name", "last_name"], dtype="str")
    fields["dob"] = "1960-03-14"
    fields["zip"] = "60608"
    fast, source, _ = split_shared_rows(fields)
    plain, rows = plain_roster.split_rows_naming_two(fields.to_dict("records"))
    assert rows == source.tolist()
    assert plain == fast.to_dict("records")


def test_a_row_naming_two_people_encodes_as_overlap_encode_does():
    rows = [["Name", "DOB", "ZIP", "Notes"], ["Smith, John & Mary", "03/14/1960", "60608", "a"],
            ["Garcia, Maria", "05/02/1985", "60608", "b"], ["", "", "", ""],
            ["Maria Lopez y Jose Lopez", "1970-01-02", "60609", "c"]]  # fmt: skip
    data = filegen.text_bytes(rows)
    expected = command_encoding(data, "couples.csv", share_columns=["zip", "Notes"])
    got = browser_encoding(data, "couples.csv", share_columns=["zip", "Notes"])
    assert got == expected
    assert got[0]["records"] == 5 and [len(got[2][row]) for row in (1, 2, 3)] == [2, 1, 2]


# ------------------------------------------------------------------------ whole encodings


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_rosters_encode_as_overlap_encode_does(path):
    data = path.read_bytes()
    expected = command_encoding(data, path.name, share_columns=["zip"])
    got = browser_encoding(data, path.name, share_columns=["zip"])
    assert got == expected
    assert len(got[2]) == len(read_roster(path).frame)


def test_leaving_social_security_numbers_out_matches_the_command(tmp_path):
    rows = [["First Name", "Last Name", "SSN"], ["Ana", "Ruiz", "123-45-6788"], ["Bo", "Li", ""]]
    data = filegen.text_bytes(rows)
    expected = command_encoding(data, "c.csv", overrides={"SSN": "ignore"})
    got = browser_encoding(data, "c.csv", leave_out_ssn=True)
    assert got == expected
    assert all(both[0][got[1].index("b_ssn") - 1] == "" for both in got[2].values())
    assert in_browser.describe(data, "c.csv")["ssn_columns"] == ["SSN"]


def test_what_only_the_full_reader_repairs_is_refused_in_a_sentence():
    ragged = filegen.text_bytes([["First Name", "Last Name", "ZIP"], ["Ana", "Ruiz"], ["Bo", "Li", "1"]])
    with pytest.raises(RosterError, match="line 2.*overlap encode"):
        plain_roster.read_csv_table(ragged, "r.csv")
    workbook = (ROOT / "data" / "samples" / "vita_tax_clinic_clients.xlsx").read_bytes()
    with pytest.raises(RosterError, match="save it as CSV"):
        plain_roster.read_csv_table(workbook, "v.xlsx")
    garbled = filegen.text_bytes([["First Name", "Last Name"], ["JosÃ©", "PeÃ±a"]])
    with pytest.raises(RosterError, match="garbled"):
        plain_roster.read_csv_table(garbled, "g.csv")


def test_describe_says_what_each_column_holds_and_never_a_value():
    data = SAMPLES[0].read_bytes()
    described = in_browser.describe(data, SAMPLES[0].name)
    assert described["rows"] == 1052 and described["name"] == SAMPLES[0].stem
    fields = {c["column"]: c["field"] for c in described["columns"]}
    assert fields["fname"] and fields["birth_dt"] and fields["dept"] == ""
    cells = {c for row in plain_roster.read_csv_table(data, "x.csv").rows for c in row if c}
    assert not cells & set(json.dumps(described).split('"'))


PURE_RUN = """
import json, sys
sys.path.insert(0, sys.argv[4])  # the bundle the page loads, and nothing else
from overlap.privacy import in_browser
in_browser.prepare()
data = open(sys.argv[1], "rb").read()
out = in_browser.encode(data, sys.argv[2], sys.argv[3].encode(), ["zip"])
loaded = sorted({m.split(".")[0] for m in sys.modules})
sys.stdout.buffer.write(json.dumps({"loaded": loaded, "clk": out["clk"].decode(),
                                    "key": out["key"].decode()}).encode())
"""


def test_the_bundle_the_page_loads_encodes_alone(tmp_path):
    """The zip the page unpacks into Pyodide, in a Python without site-packages (-I -S: no
    numpy, pandas, jellyfish or pycrfsuite, as in a browser), encodes as overlap encode does."""
    site = tmp_path / "site"
    with zipfile.ZipFile(browser_bundle.VENDOR_DIR / browser_bundle.python_bundle()) as bundle:
        bundle.extractall(site)
    path = SAMPLES[1]
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", PURE_RUN, str(path), path.name, SECRET.decode(),
         str(site)],  # fmt: skip
        capture_output=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    out = json.loads(done.stdout)
    assert not {"numpy", "pandas", "pyarrow", "duckdb", "rapidfuzz"} & set(out["loaded"])
    got = parsed(out["clk"].encode(), out["key"].encode())
    assert got == command_encoding(path.read_bytes(), path.name, share_columns=["zip"])
