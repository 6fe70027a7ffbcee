"""Plotly figures of change over time (pure functions of ``workspace.seasons`` tables).

Counts from 1 to 10 are hidden when ``suppress`` is on (the small-cell rule
every chart of the dashboard keeps): a hidden bar or line point is drawn as
0 and labelled "<11", a hidden flow is left out of the Sankey diagram.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from overlap.analyse import SMALL_CELL_THRESHOLD
from overlap.charts import PALETTE
from overlap.workspace.seasons import ARRIVED, LEFT


def _hidden(n: int, suppress: bool) -> bool:
    return suppress and 0 < n < SMALL_CELL_THRESHOLD


def _label(n: int, suppress: bool) -> str:
    return f"<{SMALL_CELL_THRESHOLD}" if _hidden(n, suppress) else f"{int(n):,}"


def people_by_season_figure(table: pd.DataFrame, suppress: bool = False) -> go.Figure:
    """Per programme and season: returning and new people, stacked, with the gone beside.

    Args:
        table: ``seasons.programme_seasons`` output.
        suppress: hide counts below the small-cell threshold.
    """
    figure = go.Figure()
    x = [table["programme"].tolist(), table["season"].tolist()]
    for column, name, colour in (
        ("returning", "Returning", PALETTE[0]),
        ("new", "New", PALETTE[2]),
        ("gone", "Gone since the season before", PALETTE[1]),
    ):
        values = table[column].astype(int).tolist()
        figure.add_bar(
            x=x,
            y=[0 if _hidden(v, suppress) else v for v in values],
            name=name,
            marker_color=colour,
            text=[_label(v, suppress) for v in values],
            offsetgroup="gone" if column == "gone" else "people",
            hovertemplate=f"%{{x}}: %{{text}} {name.lower()}<extra></extra>",
        )
    figure.update_layout(
        barmode="relative",
        title="People per programme and season",
        yaxis_title="People",
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def shared_over_time_figure(table: pd.DataFrame, suppress: bool = False) -> go.Figure:
    """Shared people of each pair of programmes, season by season (one line per pair).

    Args:
        table: ``seasons.shared_by_season`` output (``season``, ``pair``, ``shared``).
        suppress: hide counts below the small-cell threshold.
    """
    figure = go.Figure()
    for i, (pair, rows) in enumerate(table.groupby("pair", sort=False)):
        values = rows["shared"].astype(int).tolist()
        figure.add_scatter(
            x=rows["season"].tolist(),
            y=[0 if _hidden(v, suppress) else v for v in values],
            text=[_label(v, suppress) for v in values],
            mode="lines+markers+text",
            textposition="top center",
            name=pair,
            line={"color": PALETTE[i % len(PALETTE)], "width": 3},
            fill="tozeroy" if table["pair"].nunique() == 1 else None,
            hovertemplate=f"{pair}, %{{x}}: %{{text}} shared people<extra></extra>",
        )
    figure.update_layout(
        title="People two programmes share, season by season",
        xaxis={"type": "category", "title": "Season"},
        yaxis_title="Shared people",
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def flows_figure(table: pd.DataFrame, suppress: bool = False) -> go.Figure:
    """A Sankey diagram: people from a programme in one season to a programme in the next.

    Args:
        table: ``seasons.flows`` output.
        suppress: leave out flows below the small-cell threshold.
    """
    shown = table[~table["people"].map(lambda n: _hidden(int(n), suppress))]
    nodes: dict[tuple[str, str], int] = {}

    def node(season: str, programme: str) -> int:
        return nodes.setdefault((season, programme), len(nodes))

    # "new" people come in the later season: their node is named after it
    source_season = shown["source_season"].where(shown["source"] != ARRIVED, shown["target_season"])
    source = [node(s, p) for s, p in zip(source_season, shown["source"], strict=True)]
    target = [node(s, p) for s, p in zip(shown["target_season"], shown["target"], strict=True)]
    labels = [f"{p} ({s})" if p not in (LEFT, ARRIVED) else f"{p} in {s}" for (s, p) in nodes]
    programmes = sorted({p for _, p in nodes if p not in (LEFT, ARRIVED)})
    colour = {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(programmes)}
    figure = go.Figure(
        go.Sankey(
            node={
                "label": labels,
                "color": [colour.get(p, "#bdbdbd") for (_, p) in nodes],
                "pad": 18,
            },
            link={
                "source": source,
                "target": target,
                "value": shown["people"].astype(int).tolist(),
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,} people"
                "<extra></extra>",
            },
        )
    )
    figure.update_layout(
        title="Where people went from one season to the next",
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        height=max(360, 40 * len(nodes)),
    )
    return figure
