"""Plotly figures for the dashboard: pure functions of frames, no Streamlit.

Every chart that shows counts takes ``suppress``: when true, counts from 1 to
10 are drawn as empty and labelled "<11", so a figure can be shared with
partners without singling out a small group (see ``analyse.suppress_small_counts``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

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
    set_counts = [int(sizes[i]) for i in ys]
    traces = [
        go.Bar(
            x=xs,
            y=[_shown(n, suppress) for n in counts],
            text=[_count_text(n, suppress) for n in counts],
            textposition="outside",
            marker_color=PALETTE[0],
            hovertext=[" + ".join(c["programmes"]) for c in combos],
            hoverinfo="text+y",
            name="people",
            showlegend=False,
            xaxis="x",
            yaxis="y",
        ),
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
        go.Bar(
            y=ys,
            x=[_shown(n, suppress) for n in set_counts],
            text=[_count_text(n, suppress) for n in set_counts],
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
    # The grid make_subplots would give (bars top right = x/y, set sizes bottom left =
    # x2/y2, matrix bottom right = x3/y3), written out: make_subplots costs more than
    # the rest of the figure.
    left, right = [0.0, 0.22 * 0.99], [0.22 * 0.99 + 0.01, 1.0]
    bottom, top = [0.0, 0.38 * 0.98], [1.0 - 0.62 * 0.98, 1.0]
    n_bars = max(len(combos), 1)
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
    return go.Figure(data=traces, layout=layout)


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
    # Programme names outside their circles, with totals.
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
            go.Bar(
                x=groups,
                y=[_shown(n, suppress) for n in counts],
                text=[_count_text(n, suppress) for n in counts],
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
            go.Bar(
                x=groups,
                y=[_shown(n, suppress) for n in union],
                text=[_count_text(n, suppress) for n in union],
                name="people reached (any partner)",
                marker_color=PALETTE[0],
            ),
            go.Bar(
                x=groups,
                y=[_shown(n, suppress) for n in shared],
                text=[_count_text(n, suppress) for n in shared],
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


# --- ZIP bubble map -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _zip_table() -> pd.DataFrame:
    """ZIP centroids from the packaged ``zipcodes`` dataset (no network)."""
    import zipcodes

    rows = zipcodes.list_all()
    table = pd.DataFrame(
        {
            "zip": [r["zip_code"] for r in rows],
            "lat": pd.to_numeric([r["lat"] for r in rows], errors="coerce"),
            "lon": pd.to_numeric([r["long"] for r in rows], errors="coerce"),
            "place": [f"{r['city']}, {r['state']}" for r in rows],
        }
    )
    return table.dropna(subset=["lat", "lon"]).drop_duplicates("zip").set_index("zip")


def zip_centroids(zips: Sequence[str]) -> pd.DataFrame:
    """Latitude, longitude and place name of each known 5-digit ZIP (unknown ones dropped)."""
    table = _zip_table()
    wanted = pd.Index([str(z).strip()[:5] for z in zips])
    found = table.reindex(wanted).dropna(subset=["lat", "lon"])
    found.index.name = "zip"
    return found


def zip_bubble_map(
    table: pd.DataFrame,
    value: str = "union",
    zip_column: str = "group",
    suppress: bool = False,
    title: str = "People by ZIP code",
) -> go.Figure:
    """Bubbles at ZIP centroids, area proportional to ``value``.

    Drawn on plain longitude/latitude axes (no map tiles to fetch), with the
    latitude scaled so distances look right. Groups that are not a known ZIP
    are left out and counted in the subtitle.
    """
    zips = table[zip_column].astype(str).str[:5]
    where = _zip_table().reindex(pd.Index(zips.tolist()))
    known = where["lat"].notna().to_numpy() & where["lon"].notna().to_numpy()
    where = where[known]
    missing = int((~known).sum())
    counts = table[value].astype(int).to_numpy()[known]
    shown = np.where(suppress & (counts > 0) & (counts < SMALL_CELL_THRESHOLD), 0, counts)
    shown = shown.astype(float)
    biggest = float(shown.max()) if len(shown) and shown.max() > 0 else 1.0
    lat = where["lat"].to_numpy(dtype=float)
    places = where["place"].astype(str).tolist()
    scatter = go.Scatter(
        x=where["lon"].to_numpy(dtype=float),
        y=lat,
        mode="markers+text",
        text=where.index.tolist(),
        textposition="top center",
        marker={
            "size": np.where(shown > 0, shown, 0.5),
            "sizemode": "area",
            "sizeref": 2.0 * biggest / (55.0**2),
            "sizemin": 4,
            "color": PALETTE[0],
            "opacity": 0.6,
            "line": {"color": "white", "width": 1},
        },
        customdata=[
            [place, _count_text(n, suppress)] for place, n in zip(places, counts, strict=True)
        ]
        or None,
        hovertemplate="ZIP %{text} (%{customdata[0]}): %{customdata[1]} people<extra></extra>",
    )
    mean_lat = float(lat.mean()) if len(lat) else 40.0
    subtitle = f"<br><sup>{missing} group(s) without a known ZIP not shown</sup>" if missing else ""
    return go.Figure(
        data=[scatter],
        layout={
            "xaxis": {"title": {"text": "longitude"}, "showgrid": True, "zeroline": False},
            "yaxis": {
                "title": {"text": "latitude"},
                "scaleanchor": "x",
                "scaleratio": 1 / max(math.cos(math.radians(mean_lat)), 0.2),
                "showgrid": True,
                "zeroline": False,
            },
            "title": {"text": title + subtitle},
            "height": 520,
            "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
            "plot_bgcolor": "#f4f7f9",
        },
    )


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
