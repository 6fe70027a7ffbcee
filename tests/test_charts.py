"""Charts draw the numbers they are given: checked on the figure data, not pixels."""

import math

import pandas as pd
import pytest

from overlap import analyse, charts

# 40 people: 20 only in A, 8 only in B, 5 in A+B, 4 in A+C, 3 in A+B+C (C has 7)
MEMBERSHIP = pd.DataFrame(
    [(True, False, False)] * 20
    + [(False, True, False)] * 8
    + [(True, True, False)] * 5
    + [(True, False, True)] * 4
    + [(True, True, True)] * 3,
    columns=["A", "B", "C"],
)


def test_upset_exclusive_bars_are_exclusive_counts():
    fig = charts.upset_figure(MEMBERSHIP, mode="exclusive")
    bars = fig.data[0]
    assert list(bars.y) == [20, 8, 5, 4, 3]
    assert sum(bars.y) == len(MEMBERSHIP)
    assert "exactly" in fig.layout.title.text


def test_upset_inclusive_bars_count_at_least():
    fig = charts.upset_figure(MEMBERSHIP, mode="inclusive")
    by_combo = dict(zip(fig.data[0].hovertext, fig.data[0].y, strict=True))
    assert by_combo["A"] == 32
    assert by_combo["A + B"] == 8
    assert by_combo["A + B + C"] == 3
    assert "at least" in fig.layout.title.text
    with pytest.raises(ValueError):
        charts.upset_figure(MEMBERSHIP, mode="both")


def _member_dots(fig) -> list[tuple[int, list[int]]]:
    """(bar, rows) for each bar's line of member dots (one trace, bars split by None)."""
    dots, current = [], []
    for x, y in zip(fig.data[2].x, fig.data[2].y, strict=True):
        if x is None:
            dots.append(current)
            current = []
        else:
            current.append((x, y))
    dots.append(current)
    return [(line[0][0], [y for _, y in line]) for line in dots if line]


def test_upset_matrix_marks_members():
    fig = charts.upset_figure(MEMBERSHIP, mode="exclusive")
    # one line of dots per bar: A, B, A+B, A+C, A+B+C
    assert _member_dots(fig) == [(0, [0]), (1, [1]), (2, [0, 1]), (3, [0, 2]), (4, [0, 1, 2])]
    assert len(fig.data) == 4  # bars, grey dots, member dots, set sizes
    set_sizes = fig.data[-1]
    assert list(set_sizes.x) == [32, 16, 7]


def test_upset_axes_are_the_subplot_grid():
    """The hand-written axes give the grid make_subplots would (bars above the matrix)."""
    from plotly.subplots import make_subplots

    grid = make_subplots(
        rows=2,
        cols=2,
        column_widths=[0.22, 0.78],
        row_heights=[0.62, 0.38],
        specs=[[None, {}], [{}, {}]],
        horizontal_spacing=0.01,
        vertical_spacing=0.02,
    )
    fig = charts.upset_figure(MEMBERSHIP)
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3"):
        assert list(fig.layout[axis].domain) == pytest.approx(list(grid.layout[axis].domain))
        assert fig.layout[axis].anchor == grid.layout[axis].anchor
    assert fig.data[0].xaxis == "x" and fig.data[2].xaxis == "x3" and fig.data[3].yaxis == "y2"


def test_upset_suppression_hides_small_bars():
    fig = charts.upset_figure(MEMBERSHIP, mode="exclusive", suppress=True)
    assert list(fig.data[0].text) == ["20", "<11", "<11", "<11", "<11"]
    assert list(fig.data[0].y) == [20, 0, 0, 0, 0]


def test_circle_distance_gives_the_wanted_overlap():
    r1, r2 = math.sqrt(32 / math.pi), math.sqrt(16 / math.pi)
    d = charts.circle_distance(r1, r2, 8.0)
    assert charts._lens_area(r1, r2, d) == pytest.approx(8.0, rel=1e-6)
    assert charts.circle_distance(r1, r2, 0) == pytest.approx(r1 + r2)
    assert charts.circle_distance(r1, r2, 100) == pytest.approx(r1 - r2)


def test_venn_layout_is_area_proportional():
    layout = charts.venn_layout(MEMBERSHIP).set_index("programme")
    for name in ["A", "B", "C"]:
        assert math.pi * layout.loc[name, "r"] ** 2 == pytest.approx(MEMBERSHIP[name].sum())
    a, b = layout.loc["A"], layout.loc["B"]
    d = math.hypot(a.x - b.x, a.y - b.y)
    assert charts._lens_area(a.r, b.r, d) == pytest.approx(8.0, rel=1e-4)


def test_venn_figure_labels_regions_and_refuses_four_sets():
    fig = charts.venn_figure(MEMBERSHIP[["A", "B"]])
    # A only 24 (20 + the 4 also in C, not drawn), B only 8, both 8
    assert sorted(fig.data[0].text) == ["24", "8", "8"]
    assert len(fig.layout.shapes) == 2
    four = MEMBERSHIP.assign(D=True)
    with pytest.raises(ValueError):
        charts.venn_figure(four)


def test_heatmap_values_and_suppression():
    fig = charts.heatmap_figure(MEMBERSHIP)
    z = pd.DataFrame(fig.data[0].z, index=fig.data[0].y, columns=fig.data[0].x)
    assert z.loc["A", "B"] == 8
    assert z.loc["C", "C"] == 7
    hidden = charts.heatmap_figure(MEMBERSHIP, suppress=True)
    assert hidden.data[0].text[0][1] == "<11"
    assert math.isnan(hidden.data[0].z[0][1])


def test_bar_by_group_draws_each_programme_and_shared():
    records = pd.DataFrame(
        {
            "programme": ["A", "B", "A", "B"],
            "person_id": [1, 1, 2, 3],
            "city": ["evanston", "evanston", "skokie", "skokie"],
        }
    )
    table = analyse.overlap_by_group(records, "city")
    fig = charts.bar_by_group(table, ["A", "B"])
    assert [t.name for t in fig.data] == ["A", "B", "shared (2+ programmes)"]
    shared = dict(zip(fig.data[2].x, fig.data[2].y, strict=True))
    assert shared == {"evanston": 1, "skokie": 0}


def test_zip_centroids_come_from_the_packaged_dataset():
    from overlap.geo import zip_centroids

    found = zip_centroids(["02139", "00000"])
    assert list(found.index) == ["02139"]
    assert found.loc["02139", "lat"] == pytest.approx(42.36, abs=0.05)
    assert "Cambridge" in found.loc["02139", "place"]


def test_zip_map_draws_places_and_sets_unknown_areas_apart():
    table = pd.DataFrame(
        {"group": ["60623", "60804", "99999", "(not given)"], "union": [30, 5, 4, 529]}
    )
    fig = charts.zip_bubble_map(table, suppress=True)
    bubbles = fig.data[-1]
    assert list(bubbles.text) == ["60623", "60804<br><i>Cicero</i>"]  # largest first
    assert "around Chicago, IL" in fig.layout.title.text
    assert [row[2] for row in bubbles.customdata] == ["30", "<11"]
    assert "533 people with no ZIP on file" in fig.layout.title.text  # (not given) + unknown ZIP
    assert "(not given)" not in str(bubbles.customdata)
    # real geography from the shipped outlines, and no base map plotly would fetch
    counties, states = fig.data[0], fig.data[1]
    assert sum(v is None for v in [*counties.lon, *states.lon]) > 0  # e.g. the lake shore
    assert fig.layout.geo.visible is False
    assert not any(getattr(fig.layout.geo, f"show{k}") for k in ("land", "ocean", "lakes"))


def test_set_aside_unknown_never_ranks_not_given():
    table = pd.DataFrame({"group": ["(not given)", "60623"], "union": [529, 40], "shared": [3, 9]})
    known, people = charts.set_aside_unknown(table)
    assert known["group"].tolist() == ["60623"] and people == 529
    assert charts.set_aside_unknown(table, value="shared")[1] == 3


def test_a_configured_tile_service_is_the_only_thing_the_map_would_call():
    table = pd.DataFrame({"group": ["60623"], "union": [12]})
    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    fig = charts.zip_bubble_map(table, tiles=url)
    assert fig.layout.map.style["sources"]["tiles"]["tiles"] == (url,) or fig.layout.map.style[
        "sources"
    ]["tiles"]["tiles"] == [url]
    assert "https://" not in charts.zip_bubble_map(table).to_json()


def test_outlines_decode_like_the_plain_reference():
    from hypothesis import given, settings
    from hypothesis import strategies as hs

    from overlap.geo import decode_arcs, decode_arcs_plain

    point = hs.tuples(hs.integers(-500, 500), hs.integers(-500, 500))

    @settings(max_examples=60, deadline=None)
    @given(hs.lists(hs.lists(point, min_size=1, max_size=6), min_size=1, max_size=6))
    def check(arcs):
        points, starts = decode_arcs([[list(p) for p in a] for a in arcs], [0.5, 0.25], [-10, 3])
        plain = decode_arcs_plain(arcs, [0.5, 0.25], [-10, 3])
        assert [len(a) for a in plain] == list(starts[1:] - starts[:-1])
        flat = [v for a in plain for p in a for v in p]
        assert points.ravel().tolist() == pytest.approx(flat)

    check()


def test_waterfall_sums_prior_and_weights():
    fig = charts.waterfall_figure(
        {"Date of birth": 6.0, "First name": -2.0}, prior_weight=-5.0, total=0.0
    )
    wf = fig.data[0]
    assert list(wf.x) == [
        "Starting odds",
        "Date of birth",
        "First name",
        "How common the values are",
        "Final score",
    ]
    assert wf.y[3] == pytest.approx(1.0)
    assert "50% likely" in fig.layout.title.text
