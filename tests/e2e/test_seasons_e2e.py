"""Seasons in a real browser: keep a match as a workspace, save it, open it in a new session,
add next season's roster, read the Seasons view, save again and open again."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_outreach_e2e import _choose  # tests/e2e is on the path: the one way to pick options

from overlap.workspace import Workspace, add_rosters, read_arrival
from overlap.workspace.seasons import plan_progress, programme_seasons, stored_plans

ROOT = Path(__file__).resolve().parents[2]
PARISH = "st_agnes_parish_members"
CLINIC = "vita_tax_clinic_clients"
PASSPHRASE = "four seasons of soup"

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def next_season(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("next_season")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_samples.py"), "--next-season", str(out)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("*.xlsx"))


def _sidebar(app):
    return app.page.locator('[data-testid="stSidebar"]')


def _open_panel(app) -> None:
    """Expand the sidebar's workspace panel (it folds again when the page changes)."""
    panel = (
        _sidebar(app)
        .locator('[data-testid="stExpander"]')
        .filter(has_text="Workspace: keep your rosters for next season")
    )
    if not panel.locator("details[open]").count():
        panel.locator("summary").first.click()
        app.wait_idle()


def _fill(app, label: str, text: str, where=None) -> None:
    box = (where or app.page).get_by_role("textbox", name=label).first
    box.fill(text)
    box.press("Enter")
    app.wait_idle()


def _save(app, folder: Path, name: str) -> Path:
    _open_panel(app)
    _fill(app, "Passphrase to save with (8 characters or more)", PASSPHRASE, _sidebar(app))
    with app.page.expect_download() as info:
        _sidebar(app).get_by_role("button", name="Save workspace").click()
    path = folder / name
    info.value.save_as(path)
    return path


def _open(new_page, path: Path):
    app = new_page()
    _open_panel(app)
    _sidebar(app).get_by_text("Open workspace").first.click()  # the toggle
    app.wait_idle()
    _sidebar(app).locator('input[type="file"]').set_input_files(str(path))
    app.wait_idle()
    _fill(app, "The workspace's passphrase", PASSPHRASE, _sidebar(app))
    _sidebar(app).get_by_role("button", name="Open workspace", exact=True).click()
    app.wait_idle()
    return app


def test_keep_save_open_add_a_season_save_and_open_again(
    new_page, server_factory, next_season, tmp_path
):
    # a server of its own: on a server other tests have already walked through, Streamlit
    # (1.67) may route a sidebar link to another address than its href, and nav() waits
    # for the href's address
    server = server_factory()
    new_page = functools.partial(new_page, server)
    # --- this season: the samples matched, kept as a workspace, with an outreach plan
    app = new_page()
    app.load_samples()
    app.nav("Match")
    app.click("Find shared people")
    _open_panel(app)
    _fill(app, "Season of these rosters", "2024 autumn", _sidebar(app))
    _sidebar(app).get_by_role("button", name="Keep as a workspace").click()
    app.wait_idle()
    app.nav("Outreach lists")  # parishioners not yet at the clinic
    _choose(app, "People in any of", PARISH)
    _choose(app, "but not in", CLINIC)
    app.nav("Seasons")
    app.wait_for_text("People in the workspace")
    app.page.get_by_role("tab", name="Outreach follow-up").click()
    app.click("Keep the plan from Outreach lists")
    app.wait_for_text("Kept as plan 1 of season 2024 autumn")
    first = _save(app, tmp_path, "first.owl")
    assert PARISH.encode() not in first.read_bytes()  # encrypted: it holds personal data
    kept = Workspace.open(first, PASSPHRASE)
    assert kept.seasons == ["2024 autumn"] and len(kept.plans) == 1
    assert len(kept.uploads) == 4

    # --- next season, in a new session: open the file, add the clinic's new roster
    app = _open(new_page, first)
    app.nav("Seasons")
    app.wait_for_text("People in the workspace")
    app.page.get_by_text("Add a season's rosters").first.click()
    app.wait_idle()
    app.page.locator('[data-testid="stMain"] input[type="file"]').set_input_files(str(next_season))
    app.wait_idle()
    _fill(app, "Season", "2025 spring")
    picker = app.page.locator('[data-testid="stSelectbox"]').filter(has_text="Programme of")
    picker.first.click()
    app.page.get_by_role("option", name=CLINIC, exact=True).first.click()
    app.wait_idle()
    app.click("Add to the workspace")
    app.wait_for_text("already known")

    # the same season added by the library to the same file gives the same people
    expected = Workspace.open(first, PASSPHRASE)
    add_rosters(expected, [read_arrival(next_season, name=CLINIC)], season="2025 spring")
    shown = app.metrics()
    assert shown["Seasons"] == "2"
    assert shown["People in the workspace"] == f"{len(np.unique(expected.person_id)):,}"
    table = programme_seasons(expected)
    spring = table[(table["programme"] == CLINIC) & (table["season"] == "2025 spring")].iloc[0]
    text = app.text()
    assert f"{int(spring['returning']):,}" in text
    app.screenshot("8-seasons")

    app.page.get_by_role("tab", name="Flows").click()
    app.wait_idle()
    nodes = app.page.locator('[data-testid="stMain"] .js-plotly-plot .sankey-node')
    nodes.first.wait_for(timeout=60_000)  # the Sankey diagram is drawn, with its programmes
    assert nodes.count() >= 4

    app.page.get_by_role("tab", name="Outreach follow-up").click()
    app.wait_idle()
    report = plan_progress(expected, stored_plans(expected)[0], "2025 spring")
    assert report.reached > 0
    assert app.metrics()["People reached"] == f"{report.reached:,}"

    # --- saved again and opened again: the same people, both seasons
    second = _save(app, tmp_path, "second.owl")
    again = _open(new_page, second)
    again.nav("Seasons")
    again.wait_for_text("People in the workspace")
    assert again.metrics()["Seasons"] == "2"
    assert again.metrics()["People in the workspace"] == shown["People in the workspace"]
    reopened = Workspace.open(second, PASSPHRASE)
    assert (reopened.person_id == expected.person_id).all()
