"""The board report: counts only, printable, from the dashboard's result or a match folder."""

from __future__ import annotations

import csv
import json
import random
import re

import pytest
from pypdf import PdfReader

from overlap import analyse
from overlap.cli import main

FIRSTS = ["Zebulon", "Ottoline", "Peregrine", "Wilhelmina", "Thaddeus", "Philippa", "Ignatius"]
LASTS = ["Quackenbush", "Fitzwilliam", "Higginbottom", "Papadakis", "Oyelaran"]


def _people(n: int = 60, seed: int = 11) -> list[list[str]]:
    rng = random.Random(seed)
    return [
        [
            rng.choice(FIRSTS),
            rng.choice(LASTS),
            f"19{rng.randint(40, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"{rng.randint(100, 9999)} W Juniperberry Ave",
            rng.choice(["60623", "60608", "60804"]),
            f"773555{rng.randint(1000, 9999)}",
            f"{rng.choice(FIRSTS).lower()}{i}@mailbox.example",
        ]
        for i in range(n)
    ]


HEADER = ["First Name", "Last Name", "DOB", "Street", "ZIP", "Phone", "Email"]
PEOPLE = _people()


def _write(path, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *rows])


@pytest.fixture(scope="module")
def match_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    _write(folder / "pantry.csv", PEOPLE[:45])
    _write(folder / "clinic.csv", PEOPLE[15:])
    out = folder / "match"
    assert (
        main(["match", str(folder / "pantry.csv"), str(folder / "clinic.csv"), "--out", str(out)])
        == 0
    )
    return out


def _personal_values() -> set[str]:
    """Every name, street, email and phone of the rosters (phones also as a list shows them)."""
    values = {v for row in PEOPLE for v in [*row[:2], row[3], row[6], row[5]]}
    return values | {f"({r[5][:3]}) {r[5][3:6]}-{r[5][6:]}" for r in PEOPLE}


def test_the_pdf_holds_the_headline_numbers_and_no_name(match_dir, tmp_path):
    out = tmp_path / "report.pdf"
    assert main(["report", "--from", str(match_dir), "--out", str(out)]) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    summary = json.loads((match_dir / "overlap.json").read_text())
    assert f"{summary['union_people']:,}" in text
    for name, entry in summary["programmes"].items():
        assert name in text and f"{entry['people']:,}" in text
    assert "Juniperberry" not in text and "mailbox.example" not in text
    for value in _personal_values():
        assert value not in text, "a person's details are in the report"


def test_the_html_is_self_contained_and_hides_small_counts(match_dir, tmp_path):
    out = tmp_path / "report.html"
    assert main(["report", "--from", str(match_dir), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<script" not in page and "<link" not in page
    assert page.count("<svg") >= 3  # Venn, UpSet, heatmap (and the map)
    assert "fewer than 11" in page or "&lt;11" in page
    for value in _personal_values():
        assert value not in page


def test_ranges_from_overlap_json_are_shown(match_dir, tmp_path):
    import pandas as pd

    from overlap.report import report_html

    records = pd.read_csv(match_dir / "records.csv", dtype=str, keep_default_na=False)
    records["person_id"] = records["person_id"].astype(int)
    summary = analyse.overlap_summary(records)
    summary["union_people_low"], summary["union_people_high"] = 70, 74
    from overlap.report import report_data

    data = report_data(records, summary=summary, threshold=0.5)
    page = report_html(data, svgs={})
    assert f"{summary['union_people']:,} (70 to 74)" in page
    assert "at least 50%" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "report.docx"], "must end in .pdf or .html"),
        (["--out", "report.pdf", "--by", "shoe_size"], "no column shoe_size"),
    ],
)
def test_bad_report_requests_get_one_sentence(match_dir, tmp_path, capsys, args, message):
    args = [a if not a.startswith("report.") else str(tmp_path / a) for a in args]
    assert main(["report", "--from", str(match_dir), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
