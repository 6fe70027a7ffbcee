"""The community audit: linked shares per group, with ranges, and groups that fall behind."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from overlap.audit import audit_columns, audit_group, audit_words
from overlap.pipeline import match_files

FIRST = ["ana", "ben", "cara", "dev", "eli", "fay", "gus", "hana", "ivo", "jun"]
LAST = ["ortiz", "baker", "chen", "dunn", "evans", "ford", "gray", "hill", "ibsen", "jones"]


def _rosters(tmp_path):
    people = [
        (
            first,
            last,
            f"19{50 + i % 40:02d}-0{1 + i % 9}-1{i % 9}",
            "Spanish" if i % 2 else "Tagalog",
        )
        for i, (first, last) in enumerate((f, s) for f in FIRST for s in LAST)
    ]
    a = pd.DataFrame(people, columns=["First", "Last", "DOB", "Language"])
    # roster b holds every Spanish speaker and only a fifth of the Tagalog speakers
    keep = [i for i, p in enumerate(people) if p[3] == "Spanish" or i % 10 == 0]
    b = a.iloc[keep].drop(columns="Language")
    a.to_csv(tmp_path / "a.csv", index=False)
    b.to_csv(tmp_path / "b.csv", index=False)
    return tmp_path / "a.csv", tmp_path / "b.csv"


def test_columns_about_who_people_are_are_audited():
    frame = pd.DataFrame(
        {
            "Preferred language": ["en", "es", "en"],
            "Race/ethnicity": ["a", "b", "c"],
            "Ministry": ["x", "y", "z"],
            "Country of birth": ["MX", "US", "PL"],
        }
    )
    assert audit_columns(frame) == ["Preferred language", "Race/ethnicity", "Country of birth"]
    assert (
        audit_columns(pd.DataFrame({"Language": ["en"] * 5})) == []
    )  # one group: nothing to compare


def test_a_group_far_less_often_found_in_two_rosters_is_flagged_with_its_range(tmp_path):
    result = match_files(list(_rosters(tmp_path)))
    [column] = audit_columns(result.attributes)
    audit = audit_group(result, column)
    table = audit.table.set_index("group")
    assert table.loc["Spanish", "share"] > 0.9 and table.loc["Tagalog", "share"] < 0.3
    assert (table["share_low"] <= table["share"]).all() and (
        table["share"] <= table["share_high"]
    ).all()
    assert audit.flagged == ["Tagalog"]
    [sentence] = audit_words(audit)
    assert "Tagalog" in sentence and "Review" in sentence
    assert not any(name in sentence.lower() for name in FIRST + LAST)  # never a person's data


def test_match_prints_the_audit(tmp_path):
    a, b = _rosters(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "overlap", "match", str(a), str(b), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "by Language, people found in two or more rosters: Spanish" in done.stderr
    assert "'Tagalog' are found in two or more rosters" in done.stderr


def test_the_overlap_page_shows_the_audit_and_the_group_that_falls_behind(tmp_path):
    from streamlit.testing.v1 import AppTest
    from test_app_pages import APP, TIMEOUT

    a, b = _rosters(tmp_path)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.file_uploader[0].set_value(
        [("a.csv", a.read_bytes(), "text/csv"), ("b.csv", b.read_bytes(), "text/csv")]
    ).run()
    at.switch_page("pages/match.py").run()
    at.button(key="run_match").click().run()
    at.switch_page("pages/shared_people.py").run()
    assert not at.exception
    assert any("Is any community matched less well?" in s.value for s in at.subheader)
    assert any("'Tagalog'" in w.value for w in at.warning)
