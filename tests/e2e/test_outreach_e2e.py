"""Outreach in a real browser: a target list from the samples, its download, the plan,
and a season later the plan against the next-season roster the sample script makes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from overlap.follow_up import check_conversions
from overlap.outreach import OutreachPlan, TargetConditions, build_target_list
from overlap.results import DEFAULT_THRESHOLD

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
SAMPLES_TRUTH = ROOT / "data" / "truth" / "samples_truth.csv"
PARISH = "st_agnes_parish_members"
CLINIC = "vita_tax_clinic_clients"

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _mapped(path: Path):
    """A roster read and mapped the way the dashboard reads an upload."""
    from overlap.ingest import read_roster
    from overlap.mapping import apply_mapping, guess_mapping

    roster = read_roster(path.read_bytes(), name=path.name)
    return apply_mapping(roster, guess_mapping(roster.frame).mapping)


@pytest.fixture(scope="module")
def sample_result():
    from overlap.pipeline import match_rosters

    paths = sorted(p for p in SAMPLES.iterdir() if p.suffix.lower() in {".csv", ".xlsx"})
    return match_rosters([_mapped(p) for p in paths], threshold=DEFAULT_THRESHOLD), paths


@pytest.fixture(scope="module")
def next_season(tmp_path_factory):
    out = tmp_path_factory.mktemp("next_season")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_samples.py"), "--next-season", str(out)],
        check=True,
        capture_output=True,
    )
    truth = pd.read_csv(next(out.glob("*truth*.csv")), dtype=str, keep_default_na=False)
    return next(out.glob("*.xlsx")), truth


def _choose(app, label: str, option: str) -> None:
    """Replace a multiselect's chosen options by one option, as a user would."""
    box = app.page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).first
    clear = box.get_by_role("button", name="Clear all")
    if clear.count():
        clear.first.click()
        app.wait_idle()
    field = box.get_by_role("combobox").first
    field.click()
    field.fill(option)
    app.page.get_by_role("option", name=option).first.click()
    app.page.keyboard.press("Escape")
    app.wait_idle()


PLAN_PASSPHRASE = "season two lanterns"


def _download(app, label: str, folder: Path) -> Path:
    with app.page.expect_download() as info:
        app.page.get_by_role("button", name=label).first.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def _truly_reached_people(result, paths, plan: OutreachPlan, next_truth) -> int:
    """How many of the plan's people really are in next season's roster (generator truth)."""
    truth = pd.read_csv(SAMPLES_TRUTH, dtype=str, keep_default_na=False)
    file_of = {p.stem: p.name for p in paths}
    records = result.records
    true_id = pd.Series(
        truth["person_id"].to_numpy(),
        index=pd.MultiIndex.from_arrays([truth["file"], truth["row"].astype(int)]),
    )
    index = pd.MultiIndex.from_arrays([records["programme"].map(file_of), records["row"]])
    real = pd.Series(true_id.reindex(index).to_numpy(), index=records["person_id"].to_numpy())
    people = build_target_list(
        records, plan.conditions, attributes=result.attributes, links=result.links
    )
    returning = set(next_truth["person_id"])
    hit = real[real.isin(returning)]
    return int(people.index.isin(hit.index).sum())


def test_outreach_list_plan_and_follow_up(new_page, sample_result, next_season, tmp_path):
    result, paths = sample_result
    roster_path, next_truth = next_season

    app = new_page()
    app.load_samples()
    app.nav("Match")
    app.click("Find shared people")

    # --- build the list: parishioners who are not yet tax-clinic clients
    app.nav("Outreach lists")
    _choose(app, "People in any of", PARISH)
    _choose(app, "but not in", CLINIC)
    conditions = TargetConditions(in_any=[PARISH], not_in=[CLINIC])
    expected = build_target_list(
        result.records, conditions, attributes=result.attributes, links=result.links
    )
    assert app.metrics()["People on the list"] == f"{len(expected):,}"
    app.screenshot("6-outreach")

    listed = _download(app, "Download the list (Excel)", tmp_path)
    sheet = openpyxl.load_workbook(listed).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == len(expected)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    programmes = header.index("programmes")
    for row in body:
        assert PARISH in row[programmes].split("; ")
        assert CLINIC not in row[programmes].split("; ")

    passphrase = app.page.get_by_role("textbox", name="Passphrase for the plan file")
    passphrase.fill(PLAN_PASSPHRASE)
    passphrase.press("Enter")
    app.wait_idle()
    plan_path = _download(app, "Download the plan", tmp_path)
    assert plan_path.name == "outreach-plan.owl"
    assert PARISH.encode() not in plan_path.read_bytes()  # encrypted: it holds personal data
    plan = OutreachPlan.open(plan_path.read_bytes(), PLAN_PASSPHRASE)
    assert len(plan.targets) == len(expected)
    assert plan.conditions == conditions
    assert sum(len(b.targets) for b in plan.batches) == len(expected)
    assert plan.batches[0].name.startswith("ZIP ")  # the default split is by ZIP code

    # --- a season later: the saved plan against the clinic's new roster
    app.nav("Follow-up")
    uploaders = app.page.locator('[data-testid="stFileUploader"]')
    uploaders.filter(has_text="plan file").locator('input[type="file"]').set_input_files(
        str(plan_path)
    )
    app.wait_idle()
    opener = app.page.get_by_role("textbox", name="The plan's passphrase")
    opener.fill(PLAN_PASSPHRASE)
    opener.press("Enter")
    app.wait_idle()
    assert f"{len(expected):,} people" in app.text()
    uploaders.filter(has_text="new roster").locator('input[type="file"]').set_input_files(
        str(roster_path)
    )
    app.wait_idle()
    app.click("Check who we reached")

    report = check_conversions(plan, _mapped(roster_path), threshold=DEFAULT_THRESHOLD)
    shown = app.metrics()
    assert shown["People reached"] == f"{report.reached:,}"
    assert shown["Goal"] == f"{plan.total_goal:,}"
    truly = _truly_reached_people(result, paths, plan, next_truth)
    assert truly > 50
    assert abs(report.reached - truly) <= 0.2 * truly  # the matcher agrees with the truth
    text = app.text()
    for batch in report.by_batch.head(3).itertuples():
        assert batch.batch in text
    app.screenshot("7-follow-up")

    progress = _download(app, "Download progress by batch (CSV)", tmp_path)
    by_batch = pd.read_csv(progress, encoding="utf-8-sig", dtype={"area": str})
    assert by_batch["reached"].tolist() == report.by_batch["reached"].tolist()
    assert by_batch["goal"].tolist() == report.by_batch["goal"].tolist()
