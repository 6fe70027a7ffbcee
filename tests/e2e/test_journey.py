"""The whole journey in a real browser: samples -> match -> review -> overlap -> reach.

Also makes the README screenshots (docs/screenshots/*.png) from the real app.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from overlap import analyse
from overlap.results import DEFAULT_THRESHOLD

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
PAIR = re.compile(r"A: row (\d+) of “([^”]+)” and B: row (\d+) of “([^”]+)”")

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def sample_paths() -> list[Path]:
    return sorted(
        p
        for p in SAMPLES.iterdir()
        if p.suffix.lower() in {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods"}
    )


@pytest.fixture(scope="module")
def engine_result():
    """The engine's own result for the same files, read the way the dashboard reads uploads."""
    from overlap.ingest import read_roster
    from overlap.mapping import apply_mapping, guess_mapping
    from overlap.pipeline import match_rosters

    mapped = []
    for path in sample_paths():
        roster = read_roster(path.read_bytes(), name=path.name)
        mapped.append(apply_mapping(roster, guess_mapping(roster.frame).mapping))
    return match_rosters(mapped, threshold=DEFAULT_THRESHOLD)


def expected_metrics(records: pd.DataFrame) -> dict[str, str]:
    summary = analyse.overlap_summary(records)
    membership = analyse.person_programmes(records)
    expected = {
        "People reached (each once)": f"{summary['union_people']:,}",
        "In two or more programmes": f"{int((membership.sum(axis=1) >= 2).sum()):,}",
        "Records uploaded": f"{len(records):,}",
    }
    for name, info in summary["programmes"].items():
        expected[f"People in {name}"] = f"{info['people']:,}"
    return expected


def shown_numbers(app) -> dict[str, str]:
    """The Overlap page's metrics and its table of people per programme."""
    shown = app.metrics()
    for row in app.page.locator('[data-testid="stTable"] tbody tr').all():
        name = row.locator("th").first.inner_text().strip()
        shown[f"People in {name}"] = row.locator("td").first.inner_text().strip()
    return shown


def test_journey_from_samples_to_reach(new_page, engine_result):
    from overlap.pipeline import recluster

    app = new_page()
    assert "No rosters yet" in app.text()
    app.load_samples()
    text = app.text()
    for name in engine_result.programmes:
        assert name in text
    app.screenshot("1-rosters")

    app.nav("Match")
    app.click("Find shared people")
    app.wait_for_text("different people")
    app.screenshot("2-match")

    app.nav("Overlap")
    assert shown_numbers(app) == expected_metrics(engine_result.records)

    app.nav("Review")
    found = PAIR.search(app.text())
    assert found, "the Review page shows an uncertain pair"
    row_a, programme_a, row_b, programme_b = found.groups()
    app.screenshot("3-review")
    app.click("Same person", exact=False)  # its name carries the shortcut key (S)
    expect(app.metric("Same person")).to_have_text("1")

    decisions = pd.DataFrame(
        [[programme_a, int(row_a), programme_b, int(row_b), "same"]],
        columns=["programme_a", "row_a", "programme_b", "row_b", "decision"],
    )
    after = recluster(engine_result, DEFAULT_THRESHOLD, decisions)
    app.nav("Overlap")
    assert shown_numbers(app) == expected_metrics(after.records)
    app.screenshot("4-overlap")

    app.nav("Reach")
    assert "The most people are in" in app.text()
    app.screenshot("5-reach")

    app.page.get_by_role("button", name="Clear my data").click()
    app.wait_idle()
    app.nav("Rosters")
    assert "No rosters yet" in app.text()


def test_correcting_a_column_in_the_mapping_table(new_page, tmp_path):
    """A user changes what a column means in the table; the roster's mapping follows."""
    roster = tmp_path / "pantry.csv"
    roster.write_text(
        "First Name,Last Name,DOB,Language\nAna,Diaz,1990-01-02,Spanish\nBo,Li,1985-03-04,English\n"
    )
    app = new_page()
    app.page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        str(roster)
    )
    caption = app.page.get_by_text("Used for matching:", exact=False).first
    caption.wait_for()
    app.wait_idle()
    assert "Kept to group by: Language." in caption.inner_text()

    grid = app.page.locator('[data-testid="stDataFrame"]').first
    grid.locator("canvas").first.wait_for()
    wanted = "Used for matching: First Name, Last Name, DOB, Language."
    for _attempt in range(5):  # a grid still laying itself out can swallow the first double-click
        box = grid.bounding_box()
        row_height = box["height"] / 5  # header + the file's 4 columns
        # the "Means" cell of the fourth row (Language): double-click opens its list of choices
        app.page.mouse.dblclick(box["x"] + box["width"] * 0.30, box["y"] + row_height * 4.5)
        app.page.wait_for_timeout(300)  # the editor opens
        app.page.keyboard.type("City")
        app.page.wait_for_timeout(500)  # the list narrows to the typed choice (slow when loaded)
        app.page.keyboard.press("Enter")
        app.page.keyboard.press("Escape")
        app.wait_idle()
        if wanted in app.text():
            break
    expect(app.page.get_by_text("Used for matching:", exact=False).first).to_contain_text(wanted)
    assert "Kept to group by: nothing." in app.text()
