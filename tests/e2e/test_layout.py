"""Eight rosters with long programme names, at 1,280 and 1,920 px: nothing cut off.

The four sample rosters, each split in two (so people repeat across
programmes), are uploaded through the real file picker. On every page of the
journey the test measures the DOM: a metric's label or value, a table or a
data grid whose content is wider than its box is a failure. Screenshots go
to docs/screenshots/layout-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
WIDTHS = (1280, 1920)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# Elements whose content is wider than their box (scrollWidth > clientWidth): cut off.
CLIPPED_JS = """
() => {
  const clipped = [];
  const wider = (el) => el.scrollWidth > el.clientWidth + 1;
  for (const box of document.querySelectorAll('[data-testid="stMetric"]')) {
    for (const el of [box, ...box.querySelectorAll('*')]) {
      if (el.clientWidth > 0 && wider(el)) { clipped.push('metric: ' + box.innerText.split('\\n')[0]); break; }
    }
  }
  for (const el of document.querySelectorAll('[data-testid="stTable"]')) {
    if (wider(el)) clipped.push('table: ' + el.innerText.slice(0, 60));
  }
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    const scroller = grid.querySelector('.dvn-scroller');
    if (scroller && wider(scroller)) clipped.push('data grid of ' + scroller.scrollWidth + ' px in ' + scroller.clientWidth + ' px');
  }
  return clipped;
}
"""


@pytest.fixture(scope="module")
def eight_rosters(tmp_path_factory) -> list[Path]:
    """The samples split in halves, as CSV files with long programme names."""
    from overlap.ingest import read_roster

    folder = tmp_path_factory.mktemp("eight")
    paths = []
    for sample in sorted(p for p in SAMPLES.iterdir() if p.is_file()):
        frame = read_roster(sample.read_bytes(), name=sample.name).frame
        half = len(frame) // 2
        for part, rows in (("north_side_2026", frame.iloc[:half]), ("south_side_2026", frame)):
            if part.startswith("south"):
                rows = frame.iloc[half // 2 :]  # overlaps the north half: shared people
            path = folder / f"{sample.stem}_{part}.csv"
            rows.to_csv(path, index=False)
            paths.append(path)
    assert len(paths) == 8
    return paths


def _check(app, page: str, width: int) -> None:
    app.page.set_viewport_size({"width": width, "height": 1000})
    app.page.wait_for_timeout(600)  # tables and charts lay themselves out again
    clipped = app.page.evaluate(CLIPPED_JS)
    assert clipped == [], f"{page} at {width} px cuts off: {clipped}"


def test_eight_rosters_fit_at_1280_and_1920(new_page, eight_rosters):
    app = new_page()
    app.page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        [str(p) for p in eight_rosters]
    )
    app.page.locator('[data-testid="stSidebar"]').get_by_text(
        "8 roster(s) loaded", exact=False
    ).first.wait_for()
    app.wait_idle()
    height = app.page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
    )
    assert height < 3500, f"the Rosters page is {height} px tall with 8 rosters"
    for width in WIDTHS:
        _check(app, "Rosters", width)
    app.nav("Match")
    app.click("Find shared people")
    app.wait_for_text("different people")
    for page in ("Match", "Review", "Overlap", "Reach"):
        if page != "Match":
            app.nav(page)
        for width in WIDTHS:
            _check(app, page, width)
            if page in ("Match", "Overlap", "Reach"):
                app.page.set_viewport_size({"width": width, "height": 1000})
                app.screenshot(f"layout-{page.lower()}-8-rosters-{width}")
    for path in eight_rosters:  # every partner of the Reach picker is on screen, by name
        assert app.page.get_by_role("button", name=path.stem, exact=True).first.is_visible()
