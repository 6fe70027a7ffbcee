"""Every download the dashboard offers is safe to open in a spreadsheet, and loses nothing.

One journey through the real app (AppTest, the real uploader and buttons,
the real library) with two rosters full of hostile values: names and
extra columns holding ``=HYPERLINK(...)``, ``@SUM(1)``, ``+1 (555) 010-2000``,
``-5`` and tab-led text, programmes called ``=cmd`` and ``@SUM(1)``. Every
download button of every page is pressed (its bytes taken from Streamlit's
media store, deferred ones built as a click would) and the file is parsed
with the csv module or openpyxl:

* no cell is a formula: a cell a spreadsheet would run (leading ``= + - @``,
  tab, CR, LF, also full-width and after spaces) carries the ``'`` mark;
  plain negative numbers stay numbers, and in XLSX text cells phone-shaped
  ``+1 ...`` values stay as they are (the rule of ``overlap/export.py``);
* every hostile value the file should hold is there, intact once the ``'``
  mark is taken off.

JSON files (plans, summaries) and the machine-read .clk/.key/secret files
of the private page are not spreadsheets; they are checked to hold the
values intact. A test also counts the download buttons in the source, so a
new download cannot slip past this file.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

import openpyxl
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 120

HYPERLINK = '=HYPERLINK("http://x","y")'
HOSTILE = [HYPERLINK, "@SUM(1)", "+1 (555) 010-2000", "-5", "\tcmd"]
PROGRAMME_A, PROGRAMME_B = "=cmd", "@SUM(1)"
HEADER = ["First Name", "Last Name", "DOB", "ZIP", "Phone", "Language", "Notes"]

# What a spreadsheet would run, and the two exemptions (see overlap/export.py's rule).
FORMULA_LEAD = re.compile(r"^ *[=+\-@\t\r\n＝＋－＠]")
NEGATIVE_NUMBER = re.compile(r"^-(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
PHONE_SHAPE = re.compile(r"^\+\d[\d ().\-/;+]*$")


def _people() -> list[list[str]]:
    rng = random.Random(3)
    firsts = ["Robert", "Maria", "James", "Linda", "Carlos", "Ana", "Wei", "Fatima"]
    lasts = ["Garcia", "Okafor", "Nguyen", "Kowalski", "Haddad", "Chen"]
    people = [
        [
            rng.choice(firsts),
            rng.choice(lasts),
            f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            rng.choice(["60601", "60605"]),
            f"312555{1000 + i}",
            HOSTILE[i % 5],
            HOSTILE[(i + 2) % 5],
        ]
        for i in range(30)
    ]
    people[0][0] = HYPERLINK  # a first name
    people[1][1] = "@SUM(1)"  # a last name
    people[2][4] = "+1 (555) 010-2000"  # a phone
    return people


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


PEOPLE = _people()
# People 0-7 only in A, 8-21 in both, 22-29 only in B; A has one ragged row (a problem row).
ROSTER_A = _csv([HEADER, *PEOPLE[:22], [*PEOPLE[3][:5], "Polish", "x", "an extra field"]])
ROSTER_B = _csv([HEADER, *PEOPLE[8:]])
DECISIONS = _csv(
    [
        ["programme_a", "row_a", "programme_b", "row_b", "decision"],
        [PROGRAMME_A, "9", PROGRAMME_B, "1", "different"],
    ]
)


# ---------------------------------------------------------------------------
# Reading what a download button holds


class _RecordingMediaFileManager(MediaFileManager):
    """Streamlit's own media store, remembered so a test can read a download's bytes."""

    made: list[MediaFileManager] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _RecordingMediaFileManager.made.append(self)


def _downloads(at: AppTest) -> dict[str, tuple[str, bytes]]:
    """Each download button of the last run: key -> (file name, bytes as a click gives them)."""
    manager = _RecordingMediaFileManager.made[-1]
    found = {}
    for button in at.download_button:
        proto = button.proto
        url = (
            manager.execute_deferred(proto.deferred_file_id)
            if proto.deferred_file_id
            else proto.url
        )
        stored = manager._storage.get_file(url.rsplit("/", 1)[1])
        found[button.key] = (stored.filename, stored.content)
    return found


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.fixture(scope="module")
def downloads() -> dict[str, tuple[str, bytes]]:
    """The whole journey with hostile rosters; every download of every page, by key."""
    found: dict[str, tuple[str, bytes]] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app_test_module, "MediaFileManager", _RecordingMediaFileManager)
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        _ok(at.run())
        files = [(f"{PROGRAMME_A}.csv", ROSTER_A, "text/csv")]
        files.append((f"{PROGRAMME_B}.csv", ROSTER_B, "text/csv"))
        _ok(at.file_uploader[0].set_value(files).run())
        found.update(_downloads(at))  # the problem rows of roster A
        _ok(at.switch_page("pages/match.py").run())
        _ok(at.button(key="run_match").click().run())

        _ok(at.switch_page("pages/review.py").run())
        loader = next(u for u in at.file_uploader if "decisions_upload" in u.key)
        _ok(loader.set_value(("decisions.csv", DECISIONS, "text/csv")).run())
        _ok(at.text_input(key="decisions_passphrase").set_value(PLAN_PASSPHRASE).run())
        found.update(_downloads(at))

        _ok(at.switch_page("pages/shared_people.py").run())
        _ok(at.selectbox(key="overlap_group").set_value("Language").run())
        found.update(_downloads(at))
        _ok(at.switch_page("pages/reach.py").run())
        _ok(at.selectbox(key="reach_group").set_value("Language").run())
        found.update(_downloads(at))

        _ok(at.switch_page("pages/outreach.py").run())
        _ok(at.text_input(key="outreach_passphrase").set_value(PLAN_PASSPHRASE).run())
        found.update(_downloads(at))
        _ok(at.switch_page("pages/follow_up.py").run())  # uses this session's plan
        new_roster = at.file_uploader(key="follow_roster_file")
        _ok(new_roster.set_value((f"{PROGRAMME_B}.csv", ROSTER_B, "text/csv")).run())
        _ok(at.button(key="follow_check").click().run())
        found.update(_downloads(at))

        _ok(at.switch_page("pages/private_overlap.py").run())
        how = at.radio(key="ov_private_encode_secret_how")
        _ok(how.set_value("Make a new secret (first partner only)").run())
        encoded = {}
        for name, data in [(PROGRAMME_A, ROSTER_A), (PROGRAMME_B, ROSTER_B)]:
            upload = at.file_uploader(key="ov_private_roster_upload")
            _ok(upload.set_value((f"{name}.csv", data, "text/csv")).run())
            _ok(at.multiselect(key="ov_private_share").set_value(["Language", "Notes"]).run())
            _ok(at.button(key="ov_private_encode").click().run())
            encoded[name] = _downloads(at)
        found.update(encoded[PROGRAMME_A])
        clk = [
            (f"{n}.clk", d["ov_private_clk_download"][1], "text/csv") for n, d in encoded.items()
        ]
        _ok(at.file_uploader(key="ov_private_clk_upload").set_value(clk).run())
        _ok(at.button(key="ov_private_match").click().run())
        found.update(_downloads(at))
        shared = found["ov_private_partner_0"][1]  # the file for the first partner (A)
        key_file = encoded[PROGRAMME_A]["ov_private_key_download"][1]
        _ok(
            at.file_uploader(key="ov_private_records")
            .set_value(("shared.csv", shared, "text/csv"))
            .run()
        )
        _ok(
            at.file_uploader(key="ov_private_keyfile")
            .set_value(("k.csv", key_file, "text/csv"))
            .run()
        )
        found.update(_downloads(at))
        found.update(encoded[PROGRAMME_A])  # the page still offers the last encoding's files
    return {("problems" if k.startswith("problems_") else k): v for k, v in found.items()}


# ---------------------------------------------------------------------------
# Parsing and judging the files


def _csv_cells(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _xlsx_cells(data: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data))  # formulas kept as formulas
    rows = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
            rows.append([cell.value for cell in row])
    return rows


def _runs_as_formula(value: str, xlsx: bool) -> bool:
    if not FORMULA_LEAD.match(value) or NEGATIVE_NUMBER.match(value):
        return False
    return not (xlsx and PHONE_SHAPE.match(value))


def _unmarked(value: str) -> str:
    """A cell as the user typed it: the safety mark taken off."""
    return value[1:] if value.startswith("'") and FORMULA_LEAD.match(value[1:]) else value


def _spreadsheet_cells(file_name: str, data: bytes) -> list[str]:
    """Every text cell of a CSV or XLSX download, after checking none would run."""
    xlsx = file_name.endswith(".xlsx")
    rows = _xlsx_cells(data) if xlsx else _csv_cells(data)
    cells = [v for row in rows for v in row if isinstance(v, str)]
    running = [v for v in cells if _runs_as_formula(v, xlsx)]
    assert not running, f"{file_name}: {len(running)} cell(s) would run as formulas"
    return [_unmarked(v) for v in cells]


def _holds(cells: list[str], values: list[str], whole: bool = True) -> list[str]:
    """The values missing from the cells (whole cells, or inside a cell)."""
    if whole:
        return [v for v in values if v not in cells]
    return [v for v in values if not any(v in c for c in cells)]


PLAN_PASSPHRASE = "season two lanterns"
PROGRAMMES = [PROGRAMME_A, PROGRAMME_B]
LANGUAGES = [v.strip() for v in HOSTILE]  # a group is its value without outer spaces

# key -> (values every file must hold, whole cells or inside cells); None: nothing checked
SPREADSHEETS: dict[str, tuple[list[str], bool] | None] = {
    "problems": None,  # row numbers and reasons only
    "dl_pairs": (PROGRAMMES, True),
    "dl_combos": ([PROGRAMME_A, PROGRAMME_B, f"{PROGRAMME_A} + {PROGRAMME_B}"], True),
    "dl_groups": (LANGUAGES + PROGRAMMES, True),
    "dl_reach": (LANGUAGES, True),
    # outreach lists show names as typed, hostile ones too (inside "first last" cells)
    "outreach_download_csv": ([PROGRAMME_A, HYPERLINK, "@SUM(1)"], False),
    "outreach_download_xlsx": ([PROGRAMME_A, HYPERLINK, "@SUM(1)"], False),
    "outreach_download_batches": ([PROGRAMME_A, HYPERLINK, "@SUM(1)"], False),
    "follow_download_batch": None,  # batch names and counts
    "follow_download_area": None,
    "follow_download_people": ([HYPERLINK], False),  # names as typed, batches, row numbers
    "ov_private_key_download": None,  # random ids and row numbers
    # each partner's own shared ids, with the other programmes they are in
    "ov_private_partner_0": ([PROGRAMME_B], True),
    "ov_private_partner_1": ([PROGRAMME_A], True),
    "ov_private_rows_download": ([PROGRAMME_B], True),
}
NOT_SPREADSHEETS = [
    "decisions_download",  # encrypted: checked below once opened
    "outreach_download_plan",
    "ov_private_summary_download",
    "ov_private_encode_secret_download",
    "ov_private_clk_download",
]


def test_every_download_of_every_page_was_pressed(downloads):
    assert set(downloads) == set(SPREADSHEETS) | set(NOT_SPREADSHEETS)


def test_no_download_button_is_left_out_of_this_file():
    """Download buttons per source file: a new one must be added to the journey above."""
    calls = {}
    for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"]:
        n = path.read_text(encoding="utf-8").count("st.download_button(")
        if n:
            calls[str(path.relative_to(ROOT))] = n
    helpers = {"ui/common.py": 1}  # common.download, behind every other page's downloads
    assert calls == helpers


@pytest.mark.parametrize("key", SPREADSHEETS)
def test_spreadsheet_download_runs_no_formula_and_keeps_every_value(downloads, key):
    file_name, data = downloads[key]
    cells = _spreadsheet_cells(file_name, data)
    assert cells, f"{file_name} is empty"
    expected = SPREADSHEETS[key]
    if expected is not None:
        values, whole = expected
        assert _holds(cells, values, whole) == []


def test_phones_and_negative_numbers_need_no_mark(downloads):
    """No mark where none is needed: phones are written "(312) 555-1000" (nothing a
    spreadsheet would run, in CSV as in XLSX) and '-5' reads back exactly."""
    for key, cells in [
        ("outreach_download_csv", _csv_cells(downloads["outreach_download_csv"][1])),
        ("outreach_download_xlsx", _xlsx_cells(downloads["outreach_download_xlsx"][1])),
    ]:
        header, *rows = cells
        phones = [row[header.index("phones")] for row in rows if row[header.index("phones")]]
        assert phones, key
        for cell in phones:
            assert re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}(; \(\d{3}\) \d{3}-\d{4})*", cell), (
                key,
                cell,
            )
    _, data = downloads["dl_groups"]
    assert "-5" in [v for row in _csv_cells(data) for v in row]


def test_outreach_plan_and_private_summary_hold_the_programmes_intact(downloads):
    """JSON is read by Overlap, not a spreadsheet: values stay exactly as they were."""
    from overlap.outreach import OutreachPlan

    file_name, sealed = downloads["outreach_download_plan"]
    assert file_name == "outreach-plan.owl" and PROGRAMME_A.encode() not in sealed
    plan = OutreachPlan.open(sealed, PLAN_PASSPHRASE).to_dict()
    assert plan["programmes"] == PROGRAMMES
    summary = json.loads(downloads["ov_private_summary_download"][1])
    assert set(summary["programmes"]) == set(PROGRAMMES)


def test_private_secret_and_encoded_files_are_for_overlap_not_spreadsheets(downloads):
    """The secret is hex; the .clk is Overlap's own format and reads back intact."""
    from overlap import privacy

    _, secret = downloads["ov_private_encode_secret_download"]
    assert re.fullmatch(rb"[0-9a-f]{64}\n", secret)
    file_name, clk = downloads["ov_private_clk_download"]
    assert file_name == f"{PROGRAMME_A}.clk"
    encoded = privacy.read_encoded(clk, file_name=file_name)
    # A's ragged row cannot be told apart (Language and Notes both hold any text): both are
    # left empty and its fields kept as written in "Unsplit fields" (overlap/repair.py)
    assert set(encoded.frame["Language"]) == {*HOSTILE, ""}
    assert set(encoded.frame["Notes"]) >= set(HOSTILE)


def test_decisions_download_is_encrypted_and_opens_to_a_formula_safe_csv(downloads):
    from overlap import crypto

    file_name, sealed = downloads["decisions_download"]
    assert file_name == "overlap-decisions.owl" and PROGRAMME_B.encode() not in sealed
    plain = crypto.open_sealed(sealed, PLAN_PASSPHRASE, kind="decisions")
    cells = _spreadsheet_cells("decisions.csv", plain)
    assert _holds(cells, PROGRAMMES) == []
