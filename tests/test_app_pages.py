"""Each dashboard page in its states, driven through Streamlit's AppTest.

Rosters go in through the real file uploader (AppTest supports ``set_value``
on it since 1.5x) and the real library does the reading and matching.
"""

from __future__ import annotations

import csv
import io
import random
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from overlap import analyse
from overlap.results import DEFAULT_THRESHOLD

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 90
PAIR_WORDS = re.compile(r"\*\*A\*\*: row (\d+) of “([^”]+)” and \*\*B\*\*: row (\d+) of “([^”]+)”")
FIRSTS = ["Robert", "Maria", "James", "Linda", "Carlos", "Ana", "Wei", "Fatima", "Kwame", "Olga"]
LASTS = ["Garcia", "Okafor", "Nguyen", "Kowalski", "Haddad", "Chen", "Lopez", "Brown"]


def _people(n: int = 40, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "first": rng.choice(FIRSTS),
            "last": rng.choice(LASTS),
            "dob": f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "street": f"{rng.randint(1, 999)} {rng.choice(['N Main St', 'W Lake St', 'Oak Ave'])}",
            "zip": rng.choice(["60601", "60605", "60614"]),
            "phone": f"312555{rng.randint(1000, 9999)}",
            "lang": rng.choice(["English", "Spanish"]),
        }
        for _ in range(n)
    ]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


PEOPLE = _people()
FOOD_BANK = _csv(
    [["First Name", "Last Name", "DOB", "Address", "ZIP", "Phone", "Language"]]
    + [
        [p["first"], p["last"], p["dob"], p["street"], p["zip"], p["phone"], p["lang"]]
        for p in PEOPLE[:28]
    ]
)


def _tax_row(i: int, p: dict) -> list[str]:
    """The tax clinic's version of a person, with a few deliberately hard cases."""
    first, dob, street, phone = p["first"], p["dob"], p["street"], p["phone"]
    if i == 19:  # a sibling: same home and last name, different first name and birth date
        first, dob = ("Wei" if first != "Wei" else "Olga"), "2001-06-15"
    if i == 21:  # moved house and changed phone: only name and birth date agree
        street, phone = "77 Elm Ct", "3125550000"
    if i == 23:  # a typo in the birth date and a new phone
        dob, phone = dob[:-1] + ("1" if dob[-1] != "1" else "2"), "3125550001"
    month_day_year = "/".join([dob[5:7], dob[8:], dob[:4]])
    return [f"{p['last']}, {first}", month_day_year, street, p["zip"], phone]


TAX_CLINIC = _csv(
    [["Client", "Birth date", "Street", "Zip code", "Mobile"]]
    + [_tax_row(i, p) for i, p in enumerate(PEOPLE) if i >= 18]
)
FILES = [("food_bank.csv", FOOD_BANK, "text/csv"), ("tax_clinic.csv", TAX_CLINIC, "text/csv")]


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def _upload(at: AppTest, files=FILES) -> AppTest:
    at.file_uploader[0].set_value(files).run()
    assert not at.exception
    return at


def _matched() -> AppTest:
    at = _upload(_app())
    at.switch_page("pages/match.py").run()
    at.button(key="run_match").click().run()
    assert not at.exception
    assert at.session_state["ov_result"] is not None
    return at


@pytest.fixture(scope="module")
def matched() -> AppTest:
    return _matched()


@pytest.mark.parametrize(
    "page", ["pages/match.py", "pages/review.py", "pages/shared_people.py", "pages/reach.py"]
)
def test_pages_without_rosters_say_what_to_do_first(page):
    at = _app()
    at.switch_page(page).run()
    assert not at.exception
    assert any("Start by adding your rosters" in i.value for i in at.info)


def test_rosters_page_starts_empty():
    at = _app()
    assert at.title[0].value == "Your rosters"
    assert any("No rosters yet" in i.value for i in at.info)
    assert at.file_uploader[0].allowed_type == [
        ".csv",
        ".tsv",
        ".txt",
        ".xlsx",
        ".xls",
        ".ods",
    ] or set(t.lstrip(".") for t in at.file_uploader[0].allowed_type) == {
        "csv",
        "tsv",
        "txt",
        "xlsx",
        "xls",
        "ods",
    }


def test_uploads_show_programme_format_and_name_fields():
    at = _upload(_app())
    entries = at.session_state["ov_rosters"]
    assert [e.programme for e in entries] == ["food_bank", "tax_clinic"]
    assert [e.rows for e in entries] == [28, 22]
    assert {h.value for h in at.subheader} >= {"food_bank", "tax_clinic"}
    assert any("comma-separated text (CSV)" in c.value for c in at.caption)
    assert at.text_input(key="name_r0").value == "food_bank"
    assert at.selectbox(key="sector_r1").options == ["nonprofit", "faith", "government", "business"]
    # the guessed mapping found the name and contact columns of the second file
    assert entries[1].mapping.get("Client") == "full_name"
    assert entries[1].mapping.get("Mobile") == "phone"


def test_renaming_a_programme_and_choosing_a_sector_is_kept():
    at = _upload(_app())
    at.text_input(key="name_r0").input("Food Bank").run()
    at.selectbox(key="sector_r0").select("faith").run()
    entry = at.session_state["ov_rosters"][0]
    assert (entry.programme, entry.sector) == ("Food Bank", "faith")


def test_a_bad_file_gets_a_sentence_and_the_good_ones_are_kept():
    files = [
        ("empty.csv", b"", "text/csv"),
        FILES[0],
        ("junk.xlsx", b"\x00\x01\x02 not a workbook" * 20, "application/octet-stream"),
    ]
    at = _upload(_app(), files)
    errors = [e.value for e in at.error]
    assert any(e.startswith("empty.csv") for e in errors)
    assert any("junk.xlsx" in e for e in errors)
    assert [e.programme for e in at.session_state["ov_rosters"]] == ["food_bank"]
    assert not any("Traceback" in e for e in errors)


def test_the_same_file_twice_is_added_once_with_a_warning():
    at = _upload(_app(), [FILES[0], ("copy of food bank.csv", FOOD_BANK, "text/csv")])
    assert len(at.session_state["ov_rosters"]) == 1
    assert any("very same file" in w.value for w in at.warning)


def test_match_page_shows_quality_then_matches(matched):
    at = matched
    assert not at.exception
    result = at.session_state["ov_result"]
    stages = [s["stage"] for s in at.session_state["ov_match_stats"]]
    assert stages[-1] == "cluster" and "block" in stages
    people = result.records["person_id"].nunique()
    assert any(f"{people:,} different people" in s.value for s in at.success)
    # the data-quality tables come first
    assert len(at.dataframe) >= 2
    # the progress box tells each stage in plain words, with its counts and time
    status = at.status[0]
    assert status.label.startswith("Done:")
    lines = [m.value for m in status.markdown]
    assert any(
        line.startswith("**Finding records that could be the same person**") for line in lines
    )
    assert any("possible pairs" in line and line.endswith(" s") for line in lines)


def test_matching_agrees_with_the_library_run_directly(matched):
    """The page's numbers equal a direct library run on the same bytes."""
    from overlap.ingest import read_roster
    from overlap.mapping import apply_mapping, guess_mapping
    from overlap.pipeline import match_rosters

    mapped = []
    for name, data, _ in FILES:
        roster = read_roster(data, name=name)
        mapped.append(apply_mapping(roster, guess_mapping(roster.frame).mapping))
    direct = match_rosters(mapped, threshold=DEFAULT_THRESHOLD)
    page = matched.session_state["ov_result"]
    assert analyse.overlap_summary(page.records) == analyse.overlap_summary(direct.records)


def test_strictness_change_regroups_without_matching_again():
    at = _matched()
    before = at.session_state["ov_result"]
    assert before.threshold == DEFAULT_THRESHOLD  # the command line's default too
    at.radio(key="strictness_choice").set_value("Balanced").run()
    after = at.session_state["ov_result"]
    assert after is not before
    assert after.scored_pairs is before.scored_pairs  # re-clustered, not re-matched
    assert after.threshold == 0.8


def _matched_balanced() -> AppTest:
    """Matched, then at "Balanced": these small rosters' hard pairs sit near 0.8, not 0.5."""
    at = _matched()
    at.radio(key="strictness_choice").set_value("Balanced").run()
    return at


def test_review_accept_skip_and_undo():
    at = _matched_balanced()
    at.switch_page("pages/review.py").run()
    assert not at.exception
    left = int(at.metric[0].value.replace(",", ""))
    assert left >= 1  # the hard cases in the tax clinic roster
    assert any("likely the same person" in m.value for m in at.markdown)
    at.button(key="accept").click().run()
    decisions = at.session_state["ov_decisions"]
    assert list(decisions["decision"]) == ["same"]
    assert at.metric[1].value == "1"
    at.button(key="undo").click().run()
    assert len(at.session_state["ov_decisions"]) == 0


def test_overlap_page_headline_numbers(matched):
    at = matched
    at.switch_page("pages/shared_people.py").run()
    assert not at.exception
    summary = analyse.overlap_summary(at.session_state["ov_result"].records)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["People reached (each once)"] == f"{summary['union_people']:,}"
    shared = summary["pairwise"][0]["shared_people"]
    assert metrics["In two or more programmes"] == f"{shared:,}"
    per_programme = at.table[0].value  # a table, so long programme names wrap
    for name, info in summary["programmes"].items():
        assert per_programme.loc[name, "People"] == f"{info['people']:,}"


def test_overlap_page_hides_small_counts_when_asked(matched):
    at = matched
    at.switch_page("pages/shared_people.py").run()
    at.toggle(key="suppress_overlap").set_value(True).run()
    assert not at.exception
    values = [m.value for m in at.metric]
    assert "<11" in values  # 22 + 28 records with a few shared: the shared count is small


def test_reach_page_ranks_areas(matched):
    at = matched
    at.switch_page("pages/reach.py").run()
    assert not at.exception
    assert any("The most people are in" in m.value for m in at.markdown)
    at.selectbox(key="reach_rank_by").select("people new to tax_clinic").run()
    assert not at.exception
    assert any("The most people new to tax_clinic are in" in m.value for m in at.markdown)
    at.selectbox(key="reach_group").select("Language").run()
    assert not at.exception


def _clearing_app():
    import streamlit as st

    from ui import state

    state.init()
    if not state.rosters():
        with open(st.session_state["roster_path"], "rb") as handle:
            state.add_file("food_bank.csv", handle.read())
        st.session_state["name_r0"] = "widget value"
    if st.button("Clear my data", key="clear"):
        state.clear_my_data()
    st.write(f"rosters: {len(state.rosters())}")


def test_clear_my_data_forgets_everything(tmp_path):
    """The button's action on a real session (the browser test clicks the real button)."""
    path = tmp_path / "food_bank.csv"
    path.write_bytes(FOOD_BANK)
    at = AppTest.from_function(_clearing_app, default_timeout=TIMEOUT)
    at.session_state["roster_path"] = str(path)
    at.run()
    assert at.markdown[-1].value == "rosters: 1"
    at.button(key="clear").click().run()
    assert not at.exception
    assert at.markdown[-1].value == "rosters: 0"
    assert "name_r0" not in at.session_state
    assert at.session_state["ov_result"] is None


def test_nothing_is_kept_in_a_cache_shared_between_sessions():
    """No dashboard code calls st.cache_data / st.cache_resource (shared across sessions)."""
    import ast

    sources = [
        ROOT / "app.py",
        *sorted((ROOT / "ui").glob("*.py")),
        *sorted((ROOT / "pages").glob("*.py")),
    ]
    for path in sources:
        tree = ast.parse(path.read_text(), filename=str(path))
        used = {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr in {"cache_data", "cache_resource", "cache"}
        }
        assert not used, f"{path.name} uses st.{used.pop()}"


def test_decisions_round_trip_through_the_safe_csv():
    """A downloaded decisions file (formula-safe) loads back unchanged."""
    import pandas as pd

    from overlap.export import safe_csv_bytes
    from ui.state import DECISION_COLUMNS, parse_decisions

    decisions = pd.DataFrame(
        [["=Food bank", 3, "tax_clinic", 12, "same"], ["tax_clinic", 4, "@parish", 7, "different"]],
        columns=DECISION_COLUMNS,
    )
    back = parse_decisions(safe_csv_bytes(decisions), "decisions.csv")
    pd.testing.assert_frame_equal(back, decisions, check_dtype=False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a,b\n1,2\n", r"lacks the column\(s\)"),
        (b"programme_a,row_a,programme_b,row_b,decision\nA,1,B,x,same\n", "row 1"),
        (b"programme_a,row_a,programme_b,row_b,decision\nA,1,B,2,maybe\n", "must be"),
    ],
)
def test_a_bad_decisions_file_gets_a_sentence(content, message):
    from overlap.errors import OverlapError
    from ui.state import parse_decisions

    with pytest.raises(OverlapError, match=message):
        parse_decisions(content, "decisions.csv")


def test_a_roster_without_names_is_flagged_and_not_matched():
    no_names = _csv(
        [
            ["Member ID", "Phone", "ZIP"],
            ["A1", "3125550100", "60601"],
            ["A2", "3125550101", "60605"],
        ]
    )
    at = _upload(_app(), [FILES[0], ("phone_list.csv", no_names, "text/csv")])
    assert any("no column with names" in w.value for w in at.warning)
    at.switch_page("pages/match.py").run()
    at.button(key="run_match").click().run()
    assert not at.exception
    assert any("phone_list.csv" in e.value and "no name column" in e.value for e in at.error)
    assert at.session_state["ov_result"] is None


def test_a_roster_with_one_row_is_matched():
    one = _csv(
        [
            ["First Name", "Last Name", "DOB"],
            [PEOPLE[20]["first"], PEOPLE[20]["last"], PEOPLE[20]["dob"]],
        ]
    )
    at = _upload(_app(), [FILES[0], ("one_person.csv", one, "text/csv")])
    at.switch_page("pages/match.py").run()
    at.button(key="run_match").click().run()
    assert not at.exception
    result = at.session_state["ov_result"]
    assert analyse.overlap_summary(result.records)["programmes"]["one_person"]["records"] == 1


def test_privacy_note_page():
    at = _app()
    at.switch_page("pages/privacy_note.py").run()
    assert not at.exception
    assert "never" in at.markdown[0].value


def test_mapping_table_edits_become_the_mapping():
    from ui.common import FIELD_LABELS, IGNORE, KEEP, mapping_after_edits

    before = {"Client": "full_name", "Mobile": "phone", "Notes": "email"}
    columns = ["Client", "Mobile", "Notes", "Language"]
    edits = {2: {"Means": KEEP}, 3: {"Means": FIELD_LABELS["city"]}, 1: {"Means": IGNORE}}
    after = mapping_after_edits(before, columns, edits)
    assert after == {"Client": "full_name", "Mobile": "ignore", "Language": "city"}
    assert before["Notes"] == "email"  # the old mapping is left as it was


def test_try_with_sample_rosters_loads_every_sample():
    from ui.state import sample_files

    at = _app()
    at.button(key="load_samples").click().run()
    assert not at.exception
    entries = at.session_state["ov_rosters"]
    assert [e.file_name for e in entries] == [p.name for p in sample_files()]
    assert len(entries) >= 2
    sectors = {e.programme: e.sector for e in entries}
    assert sectors.get("st_agnes_parish_members") == "faith"
    assert sectors.get("employer_new_hires") == "business"
    captions = " ".join(c.value for c in at.caption)
    assert "Excel workbook (.xlsx)" in captions
    # a second press adds nothing: every sample is the very same file as one already loaded
    at.button(key="load_samples").click().run()
    assert len(at.session_state["ov_rosters"]) == len(entries)
    assert any("very same file" in w.value for w in at.warning)


def test_every_refused_file_of_the_bad_corpus_gets_its_sentence_on_the_page(tmp_path):
    """The bad-file corpus (tests/test_bad_files.py) dropped on the page at once, with a good file."""
    from test_bad_files import REFUSALS

    cases = [c for c in REFUSALS if c.limits is None and c.sheet is None]
    assert len(cases) >= 15
    files = [(c.file_name, c.make(tmp_path), "application/octet-stream") for c in cases]
    at = _upload(_app(), [*files, FILES[0]])
    errors = [e.value for e in at.error]
    for case in cases:
        assert case.message in errors, case.kind
    assert [e.programme for e in at.session_state["ov_rosters"]] == ["food_bank"]
    assert not any("Traceback" in e or "Error:" in e for e in errors)


def test_choosing_another_sheet_of_a_workbook(tmp_path):
    import filegen

    people = [["First Name", "Last Name", "DOB"]] + [
        [p["first"], p["last"], p["dob"]] for p in PEOPLE[:6]
    ]
    book = filegen.write_xlsx(
        tmp_path / "clinic.xlsx",
        {"Notes": [["Note"], ["call back"], ["closed"]], "Clients": people},
    ).read_bytes()
    at = _upload(_app(), [("clinic.xlsx", book, "application/octet-stream")])
    entry = at.session_state["ov_rosters"][0]
    assert entry.roster.sheets == ["Notes", "Clients"]
    sheet_box = next(s for s in at.selectbox if s.label == "Sheet of the workbook to use")
    assert sheet_box.value == entry.roster.sheet
    sheet_box.select("Clients").run()
    assert not at.exception
    entry = at.session_state["ov_rosters"][0]
    assert (entry.roster.sheet, entry.rows) == ("Clients", 6)
    assert entry.mapping.get("DOB") == "dob"


def test_an_unforeseen_failure_shows_a_sentence_not_a_traceback(monkeypatch, caplog):
    monkeypatch.delenv("OVERLAP_SHOW_ERRORS", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    # a state no page expects: the first run goes through app.py's router to the Rosters page
    at.session_state["ov_rosters"] = ["Maria Garcia 312-555-0142"]
    at.run()
    assert not at.exception
    assert any(e.value.startswith("Something went wrong on this page") for e in at.error)
    assert "Maria" not in caplog.text
    assert "Traceback" not in caplog.text


def test_problem_rows_are_listed_and_downloadable():
    ragged = b"First Name,Last Name,DOB\nAna,Diaz,1990-01-02\nBo,Li,1985-03-04,extra,more\nCy,Ng\n"
    at = _upload(_app(), [("ragged.csv", ragged, "text/csv")])
    assert not at.exception
    assert any("2 row(s) need a look" in w.value for w in at.warning)
    assert "Problems found (2)" in [t.label for t in at.tabs]
    problems = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert list(problems["row"]) == [2, 3]
    assert all(problems["reason"].str.len() > 0)
    assert "Ana" not in " ".join(problems["reason"])
    assert [b.label for b in at.get("download_button")] == ["Download the problem list (CSV)"]
    assert at.session_state["ov_rosters"][0].rows == 3  # every row kept


def test_decisions_saved_earlier_can_be_loaded_on_review():
    from overlap.explain import review_queue
    from overlap.export import safe_csv_bytes

    at = _matched_balanced()
    result = at.session_state["ov_result"]
    pair = review_queue(result.pairs, result.records, result.threshold).iloc[0]
    saved = pd.DataFrame(
        [
            [
                pair["programme_a"],
                int(pair["row_a"]),
                pair["programme_b"],
                int(pair["row_b"]),
                "different",
            ]
        ],
        columns=["programme_a", "row_a", "programme_b", "row_b", "decision"],
    )
    at.switch_page("pages/review.py").run()
    loader = next(u for u in at.file_uploader if u.label == "Load decisions saved earlier")
    loader.set_value(("decisions.csv", safe_csv_bytes(saved), "text/csv")).run()
    assert not at.exception
    loaded = at.session_state["ov_decisions"]
    assert loaded[["programme_a", "row_a", "decision"]].values.tolist() == [
        [pair["programme_a"], int(pair["row_a"]), "different"]
    ]
    assert at.session_state["ov_result"] is not result  # regrouped with the decision


def test_rosters_over_the_session_row_limit_are_sent_to_the_command_line(monkeypatch):
    """One server serves every session; a match bigger than the limit is refused in words."""
    import ui.state

    monkeypatch.setattr(ui.state, "MAX_SESSION_ROWS", 10)
    at = _upload(_app())
    at.switch_page("pages/match.py").run()
    at.button(key="run_match").click().run()
    assert not at.exception
    assert any("more than the dashboard matches at once (10)" in e.value for e in at.error), [
        e.value for e in at.error
    ]
    assert at.session_state["ov_result"] is None


def _dashboard_sources() -> list[Path]:
    """app.py, ui/ and every page."""
    pages = sorted((ROOT / "pages").glob("*.py"))
    return [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py")), *pages]


def test_pages_keep_their_state_through_ui_state_and_their_downloads_through_one_helper():
    """One style for every page: no session key outside ui/state.py, no hand-made download
    button outside ui/common.py, no getattr guarding the library's own classes."""
    import ast

    for path in _dashboard_sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        calls = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        if path.name != "state.py":
            assert "session_state" not in attributes, f"{path.name} reads st.session_state"
        if path.name != "common.py":
            assert "download_button" not in attributes, f"{path.name} makes its own download"
        assert "getattr" not in calls, f"{path.name} guards an attribute with getattr"


def test_one_page_list_names_every_page_file_and_keeps_the_url_paths():
    from ui.common import PAGE_LIST, PAGES

    files = {str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py")}
    assert {page.path for page in PAGE_LIST} == files
    assert PAGES["overlap"] == "pages/shared_people.py"  # the old URL (/overlap) still works
    app_source = (ROOT / "app.py").read_text()
    assert '"pages/' not in app_source and ".exists()" not in app_source


def test_no_page_file_shadows_the_library():
    """`python pages/review.py` must find the overlap package, not a page of that name."""
    assert not (ROOT / "pages" / "overlap.py").exists()


def test_review_shows_each_record_as_typed_beside_the_cleaned_values():
    at = _matched_balanced()
    at.switch_page("pages/review.py").run()
    assert not at.exception
    result = at.session_state["ov_result"]
    typed = at.table[0].value
    # the tax clinic wrote "Last, First" in one column: the reviewer sees exactly that
    row_a, programme_a, row_b, _ = PAIR_WORDS.search(
        " ".join(m.value for m in at.markdown)
    ).groups()
    clinic, row = ("A", int(row_a)) if programme_a == "tax_clinic" else ("B", int(row_b))
    rid = int(
        result.records.index[
            (result.records["programme"] == "tax_clinic") & (result.records["row"] == row)
        ][0]
    )
    assert typed.loc["Name", clinic] == result.as_typed.loc[rid, "full_name"]
    assert "," in typed.loc["Name", clinic]
    assert any("Pair 1 of" in (p.proto.text or "") for p in at.get("progress"))
    shortcuts = {b.key: b.proto.shortcut.upper() for b in at.button}
    assert [shortcuts[k] for k in ("accept", "reject", "skip", "undo")] == ["S", "D", "N", "U"]


def test_the_board_report_is_one_click_on_overlap_and_holds_no_name(matched):
    import io

    from pypdf import PdfReader

    at = matched
    at.switch_page("pages/shared_people.py").run()
    at.button(key="overlap_report_make").click().run()
    assert not at.exception
    buttons = {b.key for b in at.download_button}
    assert {"overlap_report_pdf", "overlap_report_html"} <= buttons
    pdf, page = at.session_state["ov_board_reports"]["overlap_report"][1]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    summary = analyse.overlap_summary(at.session_state["ov_result"].records)
    assert f"{summary['union_people']:,}" in text
    for person in PEOPLE:
        assert person["last"] not in text and person["street"] not in text
        assert person["last"] not in page.decode()
