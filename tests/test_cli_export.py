"""``overlap export``: conditions from the command line, safe files out, clear errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from overlap.cli import main
from overlap.outreach import MATCH_FIELDS as FIELDS


def _row(programme, row, person_id, first, last, zip_code, phone="", email="", language=""):
    fields = dict.fromkeys(FIELDS, "")
    fields.update(first_name=first, last_name=last, zip=zip_code, phone=phone, email=email)
    return {
        "programme": programme,
        "row": row,
        "person_id": person_id,
        **fields,
        "language": language,
    }


@pytest.fixture()
def match_dir(tmp_path):
    """A folder shaped like `overlap match --out DIR` (records.csv, links.csv)."""
    rows = [
        _row("church", 1, 0, "maria", "garcia", "60623", "+13125550100", "m@example.org", "es"),
        _row("clinic", 1, 0, "maria", "garcia", "60623", "+13125550199", "", "es"),
        _row("jobs", 1, 0, "maria", "garcia", "60623", "", "mg@example.org", ""),
        _row("church", 2, 1, "=hyperlink", "smith", "60804", "+17085550123", "", "en"),
        _row("church", 3, 2, "ann", "lee", "60623", "", "", "en"),
        _row("clinic", 2, 2, "ann", "lee", "60623", "", "", ""),
        _row("church", 4, 3, "zed", "ng", "60608", "", "", "es"),
    ]
    pd.DataFrame(rows).to_csv(tmp_path / "records.csv", index=False)
    pd.DataFrame(
        {
            "programme_a": ["church", "church", "church"],
            "row_a": [1, 1, 3],
            "programme_b": ["clinic", "jobs", "clinic"],
            "row_b": [1, 1, 2],
            "probability": [0.98, 0.93, 0.99],
        }
    ).to_csv(tmp_path / "links.csv", index=False)
    return tmp_path


def _csv_rows(path):
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_in_not_in_to_csv(match_dir, capsys):
    out = match_dir / "targets.csv"
    code = main(
        [
            "export",
            "--from",
            str(match_dir),
            "--in",
            "church",
            "--not-in",
            "clinic",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    rows = _csv_rows(out)
    assert sorted(r["name"] for r in rows) == ["'=Hyperlink Smith", "Zed Ng"]
    said = capsys.readouterr().out
    assert "2 people" in said and "Smith" not in said and "hyperlink" not in said.casefold()


def test_in_twice_means_any_and_where_filters_attributes(match_dir):
    out = match_dir / "targets.xlsx"
    code = main(
        [
            "export",
            "--from",
            str(match_dir),
            "--in",
            "clinic",
            "--in",
            "church",
            "--where",
            "language=ES",
            "--where",
            "zip=60623",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) == 2  # only Maria: Spanish-speaking and in 60623
    maria = dict(zip(header, rows[1], strict=True))
    assert maria["name"] == "Maria Garcia"
    assert sorted(maria["phones"].split("; ")) == ["(312) 555-0100", "(312) 555-0199"]
    assert sorted(maria["emails"].split("; ")) == ["m@example.org", "mg@example.org"]
    assert maria["programmes"] == "church; clinic; jobs"
    assert maria["match_confidence"] == "93%"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_in_all(match_dir):
    out = match_dir / "both.csv"
    assert (
        main(
            [
                "export",
                "--from",
                str(match_dir),
                "--in-all",
                "church",
                "--in-all",
                "clinic",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert sorted(r["name"] for r in _csv_rows(out)) == ["Ann Lee", "Maria Garcia"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--in", "pantry"], "No programme named pantry"),
        (["--where", "zip60623"], "COLUMN=VALUE"),
        (["--where", "shoe=9"], "No column named shoe"),
    ],
)
def test_bad_conditions_exit_2_with_one_line(match_dir, capsys, extra, message):
    code = main(["export", "--from", str(match_dir), *extra, "--out", str(match_dir / "x.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (match_dir / "x.csv").exists()


def test_bad_output_and_missing_folder(tmp_path, match_dir, capsys):
    assert main(["export", "--from", str(match_dir), "--out", str(match_dir / "x.pdf")]) == 2
    assert ".csv or .xlsx" in capsys.readouterr().err
    assert main(["export", "--from", str(tmp_path / "nope"), "--out", str(tmp_path / "x.csv")]) == 2
    assert "not a folder" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["export", "--from", str(empty), "--out", str(tmp_path / "x.csv")]) == 2
    assert "no records.csv" in capsys.readouterr().err
    # a folder that does not exist yet is made, as for `overlap match --out`
    assert main(["export", "--from", str(match_dir), "--out", str(tmp_path / "no" / "x.csv")]) == 0
    assert (tmp_path / "no" / "x.csv").is_file()


ROOT = Path(__file__).resolve().parent.parent
PARISH = "st_agnes_parish_members"
CLINIC = "vita_tax_clinic_clients"


@pytest.fixture(scope="module")
def real_match_dir(tmp_path_factory):
    """`overlap match` run for real on two sample rosters."""
    out = tmp_path_factory.mktemp("match")
    samples = ROOT / "data" / "samples"
    code = main(
        [
            "match",
            str(samples / f"{PARISH}.csv"),
            str(samples / f"{CLINIC}.xlsx"),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    return out


def test_export_from_a_real_match_folder(real_match_dir, tmp_path):
    out = tmp_path / "targets.xlsx"
    code = main(
        [
            "export",
            "--from",
            str(real_match_dir),
            "--in",
            PARISH,
            "--not-in",
            CLINIC,
            "--where",
            "zip=60623",
            "--where",
            "language=ESPAÑOL",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    # the same selection worked out independently from records.csv
    records = pd.read_csv(real_match_dir / "records.csv", dtype=str, keep_default_na=False)
    language = next(c for c in records.columns if c.casefold() == "language")
    by_person = records.groupby("person_id")
    wanted = (
        by_person["programme"].agg(lambda p: PARISH in set(p) and CLINIC not in set(p))
        & by_person["zip"].agg(lambda z: "60623" in set(z))
        & by_person[language].agg(lambda v: "español" in {x.casefold() for x in v})
    )
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == int(wanted.sum()) > 0
    column = {name: i for i, name in enumerate(header)}
    assert all(r[column["programmes"]].split("; ")[0] == PARISH for r in body)
    assert all(CLINIC not in r[column["programmes"]] for r in body)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    # one row per person: no person's source rows appear twice
    sources = [s for r in body for s in r[column["found_in"]].split("; ")]
    assert len(sources) == len(set(sources))
