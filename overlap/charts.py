"""Plotly figures for the dashboard: pure functions of frames, no Streamlit.

Every chart that shows counts takes ``suppress``: when true, counts from 1 to
10 are drawn as empty and labelled "<11", so a figure can be shared with
partners without singling out a small group (see ``analyse.suppress_small_counts``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from overlap.analyse import (
    SMALL_CELL_THRESHOLD,
    exclusive_intersections,
    inclusive_intersections,
    pairwise_matrix,
)

PALETTE = ["#1f6f8b", "#e07a5f", "#81b29a", "#f2cc8f", "#6d597a", "#3d405b", "#99c1de", "#b56576"]
DOT_OFF = "#d9d9d9"
DOT_ON = "#1f2937"


def _hidden(n: float, suppress: bool) -> bool:
    return suppress and 0 < n < SMALL_CELL_THRESHOLD


def _count_text(n: float, suppress: bool) -> str:
    return f"<{SMALL_CELL_THRESHOLD}" if _hidden(n, suppress) else f"{int(n):,}"


def _shown(n: float, suppress: bool) -> float:
    return 0 if _hidden(n, suppress) else n


def _count_bar(axis: str, counts: list[int], suppress: bool, **bar) -> go.Bar:
    """A bar per count along ``axis`` ("x" or "y"), length and label hiding small counts."""
    lengths = {axis: [_shown(n, suppress) for n in counts]}
    return go.Bar(**lengths, text=[_count_text(n, suppress) for n in counts], **bar)


# --- UpSet ----------------------------------------------------------------------------------


def upset_figure(
    membership: pd.DataFrame,
    mode: str = "exclusive",
    max_bars: int = 20,
    suppress: bool = False,
) -> go.Figure:
    """An UpSet chart: bars for each combination of programmes, a dot matrix below.

    Args:
        membership: one row per person, one boolean column per programme
            (``analyse.person_programmes``).
        mode: "exclusive" (people in exactly these programmes) or "inclusive"
            (people in at least these programmes).
        max_bars: show the largest combinations only.
        suppress: hide counts below 11.

    Returns:
        A plotly figure (bars top right, set sizes bottom left, matrix bottom right).
    """
    if mode not in {"exclusive", "inclusive"}:
        raise ValueError("mode must be 'exclusive' or 'inclusive'")
    programmes = list(membership.columns)
    if mode == "exclusive":
        combos = exclusive_intersections(membership)
        title = "People in exactly these programmes (each person counted once)"
    else:
        combos = inclusive_intersections(membership)
        title = "People in at least these programmes (a person can count in several bars)"
    combos = [c for c in combos if c["people"] > 0][:max_bars]
    sizes = membership.to_numpy(dtype=np.int64).sum(axis=0)
    position = {p: i for i, p in enumerate(programmes)}

    xs = list(range(len(combos)))
    counts = [c["people"] for c in combos]
    ys = list(range(len(programmes)))
    set_counts = [int(sizes[i]) for i in ys]
    traces = [
        _count_bar(
            "y",
            counts,
            suppress,
            x=xs,
            textposition="outside",
            marker_color=PALETTE[0],
            hovertext=[" + ".join(c["programmes"]) for c in combos],
            hoverinfo="text+y",
            name="people",
            showlegend=False,
            xaxis="x",
            yaxis="y",
        ),
        *_upset_matrix(combos, position, len(programmes)),
        _count_bar(
            "x",
            set_counts,
            suppress,
            y=ys,
            textposition="inside",
            insidetextanchor="start",
            orientation="h",
            marker_color=PALETTE[1],
            hoverinfo="text",
            hovertext=[
                f"{p}: {_count_text(n, suppress)} people"
                for p, n in zip(programmes, set_counts, strict=True)
            ],
            showlegend=False,
            xaxis="x2",
            yaxis="y2",
        ),
    ]
    layout = _upset_layout(programmes, len(combos), title)
    return go.Figure(data=traces, layout=layout)


def _upset_matrix(combos: list[dict], position: dict[str, int], n_programmes: int) -> list:
    """The dot matrix under the bars: a grey dot per bar and programme, the members' dots joined."""
    xs = list(range(len(combos)))
    ys = list(range(n_programmes))
    # The dot matrix is two traces: grey dots everywhere, then every bar's member dots
    # joined by a line, bars separated by None (one trace, not one per bar: faster to
    # build and to draw).
    member_x: list[int | None] = []
    member_y: list[int | None] = []
    for x, combo in zip(xs, combos, strict=True):
        if member_x:
            member_x.append(None)
            member_y.append(None)
        rows = [position[p] for p in combo["programmes"]]
        member_x += [x] * len(rows)
        member_y += rows
    return [
        go.Scatter(
            x=[x for x in xs for _ in ys],
            y=[y for _ in xs for y in ys],
            mode="markers",
            marker={"size": 12, "color": DOT_OFF},
            hoverinfo="skip",
            showlegend=False,
            xaxis="x3",
            yaxis="y3",
        ),
        go.Scatter(
            x=member_x,
            y=member_y,
            mode="markers+lines",
            marker={"size": 12, "color": DOT_ON},
            line={"color": DOT_ON, "width": 3},
            connectgaps=False,
            hoverinfo="skip",
            showlegend=False,
            xaxis="x3",
            yaxis="y3",
        ),
    ]


def _upset_layout(programmes: list[str], n_combos: int, title: str) -> dict:
    """Where the bars, the set sizes and the matrix sit, and the axes of each."""
    ys = list(range(len(programmes)))
    # The grid make_subplots would give (bars top right = x/y, set sizes bottom left =
    # x2/y2, matrix bottom right = x3/y3), written out: make_subplots costs more than
    # the rest of the figure.
    left, right = [0.0, 0.22 * 0.99], [0.22 * 0.99 + 0.01, 1.0]
    bottom, top = [0.0, 0.38 * 0.98], [1.0 - 0.62 * 0.98, 1.0]
    n_bars = max(n_combos, 1)
    layout = {
        "xaxis": {"domain": right, "anchor": "y", "visible": False, "matches": "x3"},
        "yaxis": {
            "domain": top,
            "anchor": "x",
            "title": {"text": "people"},
            "rangemode": "tozero",
        },
        "xaxis2": {
            "domain": left,
            "anchor": "y2",
            "autorange": "reversed",
            "title": {"text": "people per programme"},
        },
        "yaxis2": {
            "domain": bottom,
            "anchor": "x2",
            "tickvals": ys,
            "ticktext": programmes,
            "range": [len(programmes) - 0.4, -0.6],  # first programme on top
        },
        "xaxis3": {
            "domain": right,
            "anchor": "y3",
            "visible": False,
            "range": [-0.6, n_bars - 0.4],
        },
        "yaxis3": {"domain": bottom, "anchor": "x3", "visible": False, "matches": "y2"},
        "title": {"text": title},
        "height": 420 + 24 * len(programmes),
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        "plot_bgcolor": "white",
    }
    return layout


# --- Venn / Euler ---------------------------------------------------------------------------


def _lens_area(r1: float, r2: float, d: float) -> float:
    """Area shared by two circles of radii r1, r2 whose centres are d apart."""
    if d >= r1 + r2:
        return 0.0
    if d <= abs(r1 - r2):
        return math.pi * min(r1, r2) ** 2
    a1 = r1 * r1 * math.acos((d * d + r1 * r1 - r2 * r2) / (2 * d * r1))
    a2 = r2 * r2 * math.acos((d * d + r2 * r2 - r1 * r1) / (2 * d * r2))
    a3 = 0.5 * math.sqrt((-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2))
    return a1 + a2 - a3


def circle_distance(r1: float, r2: float, overlap_area: float) -> float:
    """Distance between centres so two circles share ``overlap_area`` (bisection)."""
    lo, hi = abs(r1 - r2), r1 + r2
    if overlap_area <= 0:
        return hi
    if overlap_area >= math.pi * min(r1, r2) ** 2:
        return lo
    for _ in range(60):
        mid = (lo + hi) / 2
        if _lens_area(r1, r2, mid) > overlap_area:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def venn_layout(membership: pd.DataFrame) -> pd.DataFrame:
    """Circle centres and radii whose areas match each programme's people.

    Two circles overlap by exactly the shared people; with three, each pair's
    overlap is exact and the triple region is as close as circles allow.

    Returns:
        One row per programme: ``programme``, ``x``, ``y``, ``r``, ``people``.
    """
    programmes = list(membership.columns)
    if not 2 <= len(programmes) <= 3:
        raise ValueError("A Venn diagram needs two or three programmes.")
    sizes = membership.sum(axis=0).astype(float)
    radii = {p: math.sqrt(max(sizes[p], 1e-9) / math.pi) for p in programmes}
    shared = pairwise_matrix(membership)
    d = {}
    for i, a in enumerate(programmes):
        for b in programmes[i + 1 :]:
            d[a, b] = d[b, a] = circle_distance(radii[a], radii[b], float(shared.loc[a, b]))
    a, b = programmes[0], programmes[1]
    centres = {a: (0.0, 0.0), b: (d[a, b], 0.0)}
    if len(programmes) == 3:
        c = programmes[2]
        dab, dac, dbc = d[a, b], d[a, c], d[b, c]
        if dab > 0:
            x = (dab * dab + dac * dac - dbc * dbc) / (2 * dab)
            x = max(-dac, min(dac, x))  # no triangle: the closest circles allow
        else:
            x = 0.0
        y = math.sqrt(max(dac * dac - x * x, 0.0))
        centres[c] = (x, -y)
    return pd.DataFrame(
        {
            "programme": programmes,
            "x": [centres[p][0] for p in programmes],
            "y": [centres[p][1] for p in programmes],
            "r": [radii[p] for p in programmes],
            "people": [int(sizes[p]) for p in programmes],
        }
    )


def venn_figure(membership: pd.DataFrame, suppress: bool = False) -> go.Figure:
    """An area-proportional Venn (Euler) diagram for two or three programmes.

    Each region is labelled with the people in exactly that combination.
    """
    layout = venn_layout(membership)
    programmes = list(layout["programme"])
    circles = list(layout.itertuples(index=False))
    xmin = float((layout["x"] - layout["r"]).min())
    xmax = float((layout["x"] + layout["r"]).max())
    ymin = float((layout["y"] - layout["r"]).min())
    ymax = float((layout["y"] + layout["r"]).max())
    shapes = [
        {
            "type": "circle",
            "x0": c.x - c.r,
            "x1": c.x + c.r,
            "y0": c.y - c.r,
            "y1": c.y + c.r,
            "fillcolor": PALETTE[i % len(PALETTE)],
            "opacity": 0.35,
            "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
        }
        for i, c in enumerate(circles)
    ]
    # Label each exclusive region at the centre of its points on a fine grid.
    n = 240
    gx, gy = np.meshgrid(np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n))
    inside = np.stack([(gx - c.x) ** 2 + (gy - c.y) ** 2 <= c.r**2 for c in circles])
    weights = np.left_shift(1, np.arange(len(programmes)))
    region = np.tensordot(weights, inside.astype(np.int64), axes=1)
    label_x, label_y, label_text = [], [], []
    for combo in exclusive_intersections(membership):
        mask = sum(1 << programmes.index(p) for p in combo["programmes"])
        hit = region == mask
        if not hit.any():
            continue
        label_x.append(float(gx[hit].mean()))
        label_y.append(float(gy[hit].mean()))
        label_text.append(_count_text(combo["people"], suppress))
    labels = go.Scatter(
        x=label_x,
        y=label_y,
        text=label_text,
        mode="text",
        textfont={"size": 16, "color": "#111"},
        hoverinfo="skip",
        showlegend=False,
    )
    annotations = _venn_names(layout, circles, suppress)
    pad = 0.25 * max(xmax - xmin, ymax - ymin)
    return go.Figure(
        data=[labels],
        layout={
            "shapes": shapes,
            "annotations": annotations,
            "xaxis": {"visible": False, "range": [xmin - pad, xmax + pad]},
            "yaxis": {
                "visible": False,
                "range": [ymin - pad, ymax + pad],
                "scaleanchor": "x",
                "scaleratio": 1,
            },
            "title": {"text": "Shared people (circle areas are to scale)"},
            "height": 460,
            "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
            "plot_bgcolor": "white",
        },
    )


def _venn_names(layout: pd.DataFrame, circles: list, suppress: bool) -> list[dict]:
    """Programme names outside their circles, with totals."""
    cx, cy = float(layout["x"].mean()), float(layout["y"].mean())
    annotations = []
    for i, c in enumerate(circles):
        dx, dy = c.x - cx, c.y - cy
        norm = math.hypot(dx, dy)
        if norm < 1e-9:  # centres coincide: put the name above
            dx, dy, norm = 0.0, 1.0, 1.0
        annotations.append(
            {
                "x": c.x + dx / norm * c.r * 1.1,
                "y": c.y + dy / norm * c.r * 1.1,
                "text": f"<b>{c.programme}</b><br>{_count_text(c.people, suppress)} people",
                "showarrow": False,
                "font": {"color": PALETTE[i % len(PALETTE)], "size": 13},
            }
        )
    return annotations


# --- Pairwise heatmap -----------------------------------------------------------------------


def heatmap_figure(membership: pd.DataFrame, suppress: bool = False) -> go.Figure:
    """Shared people for every pair of programmes (diagonal: the programme's own people)."""
    matrix = pairwise_matrix(membership)
    values = matrix.to_numpy(dtype=float)
    text = [[_count_text(v, suppress) for v in row] for row in values]
    shown = np.where((values > 0) & (values < SMALL_CELL_THRESHOLD) & suppress, np.nan, values)
    return go.Figure(
        go.Heatmap(
            z=shown,
            x=list(matrix.columns),
            y=list(matrix.index),
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            hovertemplate="%{y} and %{x}: %{text} people<extra></extra>",
            colorbar={"title": {"text": "people"}},
        ),
        layout={
            "yaxis": {"autorange": "reversed"},
            "title": {"text": "People each pair of programmes shares"},
            "height": max(320, 80 * len(matrix) + 120),
            "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        },
    )


# --- Bars by any column ---------------------------------------------------------------------


def bar_by_group(
    table: pd.DataFrame,
    programmes: Sequence[str],
    top: int = 15,
    suppress: bool = False,
    title: str = "",
) -> go.Figure:
    """Grouped bars per group value: each programme's people, plus the shared people.

    Args:
        table: ``analyse.overlap_by_group`` output.
        programmes: the programme columns to draw.
        top: the largest groups only.
        suppress: hide counts below 11.
        title: the chart title.
    """
    head = table.head(top)
    groups = head["group"].astype(str).tolist()
    traces = []
    for i, name in enumerate([*programmes, "shared"]):
        counts = head[name].astype(int).tolist()
        traces.append(
            _count_bar(
                "y",
                counts,
                suppress,
                x=groups,
                name="shared (2+ programmes)" if name == "shared" else name,
                marker_color=PALETTE[i % len(PALETTE)] if name != "shared" else DOT_ON,
            )
        )
    return go.Figure(
        data=traces,
        layout={
            "barmode": "group",
            "title": {"text": title},
            "height": 420,
            "xaxis": {"type": "category"},
            "yaxis": {"title": {"text": "people"}},
            "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
            "legend": {"orientation": "h", "y": -0.2},
        },
    )


def reach_bar(ranked: pd.DataFrame, top: int = 15, suppress: bool = False) -> go.Figure:
    """Union reach per area, with the people shared by two or more partners inside it."""
    head = ranked.head(top)
    groups = head["group"].astype(str).tolist()
    union = head["union"].astype(int).tolist()
    shared = head["shared"].astype(int).tolist()
    return go.Figure(
        data=[
            _count_bar(
                "y",
                union,
                suppress,
                x=groups,
                name="people reached (any partner)",
                marker_color=PALETTE[0],
            ),
            _count_bar(
                "y",
                shared,
                suppress,
                x=groups,
                name="already shared by 2+ partners",
                marker_color=PALETTE[1],
            ),
        ],
        layout={
            "barmode": "overlay",
            "title": {"text": "Where a joint initiative reaches the most people"},
            "xaxis": {"type": "category"},
            "yaxis": {"title": {"text": "people"}},
            "height": 420,
            "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
            "legend": {"orientation": "h", "y": -0.2},
        },
    )


# --- ZIP map -------------------------------------------------------------------------------

NOT_GIVEN = "(not given)"  # analyse's label for people with no value in a column
MAP_LABELS = 12  # the largest areas are labelled with their ZIP; the rest on hover


def set_aside_unknown(
    table: pd.DataFrame, column: str = "group", value: str = "union"
) -> tuple[pd.DataFrame, int]:
    """Rows of a table by area, without the "(not given)" row, and how many people it held.

    People with no value are a count to show apart, never an area to rank.

    Args:
        table: ``analyse.overlap_by_group`` or ``reach_ranking`` output.
        column: the area column.
        value: the count column to add up for the people set aside.

    Returns:
        ``(known areas, people without an area)``.
    """
    unknown = (table[column].astype(str) == NOT_GIVEN).to_numpy()
    people = int(table.loc[unknown, value].sum())
    return table.loc[~unknown].reset_index(drop=True), people


def _map_box(lon: np.ndarray, lat: np.ndarray, aspect: float = 2.0) -> tuple[tuple, tuple]:
    """A view around the points, wide as the chart (``aspect``), with a margin.

    At least ~30 km across, so county borders and shores around a city show.
    """
    if not len(lon):
        return (-125.0, -66.0), (24.0, 50.0)
    lat_span = max(float(np.ptp(lat)) * 1.3, 0.3)
    # on a Mercator map a degree of longitude looks cos(latitude) as wide as one of latitude
    squeeze = max(math.cos(math.radians(float(lat.mean()))), 0.2)
    lon_span = max(float(np.ptp(lon)) * 1.3, aspect * lat_span / squeeze)
    lat_span = max(lat_span, lon_span * squeeze / aspect)
    lon_mid, lat_mid = (float(lon.min()) + float(lon.max())) / 2, float(lat.min() + lat.max()) / 2
    return (
        (lon_mid - lon_span / 2, lon_mid + lon_span / 2),
        (lat_mid - lat_span / 2, lat_mid + lat_span / 2),
    )


def _outline_traces(lon_range: tuple, lat_range: tuple) -> list[go.Scattergeo]:
    """County (light) and state (darker) borders in the view, from the shipped outlines."""
    from overlap.geo import outlines

    wide = lon_range[1] - lon_range[0] > 8  # many states: county borders would be clutter
    lines = outlines(lon_range, lat_range, counties=not wide)
    return [
        go.Scattergeo(
            lon=lines[kind][0],
            lat=lines[kind][1],
            mode="lines",
            line={"color": color, "width": width},
            hoverinfo="skip",
            showlegend=False,
            name=kind,
        )
        for kind, color, width in (("counties", "#b9c0c8", 0.8), ("states", "#6b7280", 1.6))
    ]


def _bubble_labels(where: pd.DataFrame) -> tuple[list[str], str]:
    """Each of the largest bubbles labelled with its ZIP, and its town when not the main one.

    Returns:
        ``(labels, main place)``; labels sit inside their own bubble, so two labels
        only touch where the bubbles do.
    """
    places = where["place"].astype(str)
    main = places.mode().iloc[0] if len(places) else ""
    labels = []
    for i, (zip_code, town, place) in enumerate(
        zip(where.index, where["city"], places, strict=True)
    ):
        if i >= MAP_LABELS:
            labels.append("")
        else:
            labels.append(zip_code if place == main else f"{zip_code}<br><i>{town}</i>")
    return labels, main


def _located(table: pd.DataFrame, value: str, zip_column: str) -> tuple:
    """The areas with a known ZIP (largest first), their counts, and the people left off the map."""
    from overlap.geo import zip_table

    known_table, not_given = set_aside_unknown(table, zip_column, value)
    zips = known_table[zip_column].astype(str).str[:5]
    where = zip_table().reindex(pd.Index(zips.tolist()))
    found = where["lat"].notna().to_numpy()
    counts = known_table[value].astype(int).to_numpy()
    off_map = not_given + int(counts[~found].sum())
    where, counts = where[found], counts[found]
    order = np.argsort(-counts, kind="stable")
    return where.iloc[order], counts[order], off_map


def zip_bubble_map(
    table: pd.DataFrame,
    value: str = "union",
    zip_column: str = "group",
    suppress: bool = False,
    title: str = "People by ZIP code",
    tiles: str | None = None,
) -> go.Figure:
    """Bubbles at ZIP centroids over county and state borders, area proportional to ``value``.

    Everything drawn ships with Overlap (``overlap.geo``): the map works with no
    network and asks plotly for no base map (``geo.visible`` off, so plotly.js
    never fetches its own outlines). ``tiles`` (a ``{z}/{x}/{y}`` URL that
    whoever runs the server configured) draws a tile map instead: each viewer's
    browser then asks that service for the tiles around these ZIPs.

    Args:
        table: one row per area, with ``zip_column`` and ``value`` (counts).
        value: the count to draw.
        zip_column: the column holding ZIP codes.
        suppress: hide counts below 11.
        title: the chart title.
        tiles: a tile URL template, or None for the shipped outlines.

    Returns:
        A plotly figure; people without a ZIP, or with one not in the ZIP
        table, are counted in the subtitle, not drawn.
    """
    where, counts, off_map = _located(table, value, zip_column)
    shown = np.where(suppress & (counts > 0) & (counts < SMALL_CELL_THRESHOLD), 0, counts)
    biggest = float(shown.max()) if len(shown) and shown.max() > 0 else 1.0
    labels, main_place = _bubble_labels(where)
    bubbles = dict(
        lon=where["lon"].to_numpy(dtype=float),
        lat=where["lat"].to_numpy(dtype=float),
        marker={
            "size": np.where(shown > 0, shown, 0.5).astype(float),
            "sizemode": "area",
            "sizeref": 2.0 * biggest / (60.0**2),
            "sizemin": 4,
            "color": PALETTE[0],
            "opacity": 0.65,
        },
        customdata=[
            [z, place, _count_text(n, suppress)]
            for z, place, n in zip(where.index, where["place"], counts, strict=True)
        ]
        or None,
        hovertemplate="ZIP %{customdata[0]} (%{customdata[1]}): %{customdata[2]} people"
        "<extra></extra>",
        showlegend=False,
        name="people",
    )
    layout = {
        "title": {"text": _map_title(title, main_place, off_map)},
        "height": 560,
        "margin": {"l": 0, "r": 0, "t": 70, "b": 0},
    }
    lon_range, lat_range = _map_box(bubbles["lon"], bubbles["lat"])
    if tiles:
        return _tile_map(bubbles, tiles, lon_range, lat_range, layout)
    traces = _outline_traces(lon_range, lat_range)
    traces.append(
        go.Scattergeo(
            **bubbles,
            text=labels,
            mode="markers+text",
            textposition="middle center",
            textfont={"size": 11, "color": "#111827", "shadow": "auto"},
        )
    )
    layout["geo"] = {
        "visible": False,  # no plotly base map: nothing is fetched
        "projection": {"type": "mercator"},
        "lonaxis": {"range": list(lon_range)},
        "lataxis": {"range": list(lat_range)},
        "bgcolor": "#f7f9fb",
    }
    return go.Figure(data=traces, layout=layout)


def _map_title(title: str, main_place: str | None, off_map: int) -> str:
    """The map's title, the place it centres on, and who is counted apart (no ZIP to draw)."""
    subtitle = (
        f"<br><sup>{off_map:,} people with no ZIP on file, or a ZIP not in the ZIP table, "
        "are counted apart, not on the map</sup>"
        if off_map
        else ""
    )
    around = f" — around {main_place}" if main_place else ""
    return title + around + subtitle


def _tile_map(bubbles: dict, tiles: str, lon_range, lat_range, layout: dict) -> go.Figure:
    """The bubbles on tiles from the service the server's operator configured."""
    style = {
        "version": 8,
        "sources": {"tiles": {"type": "raster", "tiles": [tiles], "tileSize": 256}},
        "layers": [{"id": "tiles", "type": "raster", "source": "tiles"}],
    }
    span = max(lon_range[1] - lon_range[0], lat_range[1] - lat_range[0], 0.01)
    layout["map"] = {
        "style": style,
        "center": {"lon": sum(lon_range) / 2, "lat": sum(lat_range) / 2},
        "zoom": float(np.clip(np.log2(360 / span) - 0.5, 1, 15)),
    }
    return go.Figure(data=[go.Scattermap(**bubbles, mode="markers")], layout=layout)


# --- Match-weight waterfall -----------------------------------------------------------------


def waterfall_figure(
    weights: Mapping[str, float],
    prior_weight: float,
    total: float | None = None,
) -> go.Figure:
    """How each field moved the evidence for one pair, from the starting odds to the verdict.

    Args:
        weights: plain-word comparison title -> its match weight (log2 Bayes factor);
            positive is evidence for the same person, negative against.
        prior_weight: log2 of the prior odds that two records are the same person.
        total: the pair's final match weight; when it differs from the sum (for
            example a name-frequency adjustment) the difference is drawn as its own step.

    Returns:
        A plotly waterfall, with the probability the final weight means in the title.
    """
    labels = ["Starting odds"]
    values = [prior_weight]
    measures = ["absolute"]
    for title, w in weights.items():
        if w is None or (isinstance(w, float) and math.isnan(w)):
            continue
        labels.append(title)
        values.append(float(w))
        measures.append("relative")
    running = sum(values)
    if total is not None and abs(total - running) > 1e-6:
        labels.append("How common the values are")
        values.append(float(total - running))
        measures.append("relative")
        running = total
    labels.append("Final score")
    values.append(0.0)
    measures.append("total")
    probability = 1.0 / (1.0 + 2.0 ** (-running))
    fig = go.Figure(
        go.Waterfall(
            x=labels,
            y=values,
            measure=measures,
            text=[
                f"{v:+.1f}" if m == "relative" else f"{v:.1f}"
                for v, m in zip(values, measures, strict=True)
            ][:-1]
            + [f"{running:.1f}"],
            increasing={"marker": {"color": "#2a9d8f"}},
            decreasing={"marker": {"color": "#e76f51"}},
            totals={"marker": {"color": PALETTE[0]}},
            connector={"line": {"color": "#999"}},
        )
    )
    fig.update_layout(
        title=f"Evidence, field by field: {probability:.0%} likely the same person",
        yaxis_title="match weight (up: same person, down: different)",
        height=400,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        showlegend=False,
    )
    return fig
