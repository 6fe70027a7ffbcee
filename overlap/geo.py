"""Places for the maps: ZIP centroids and county/state outlines, all shipped, no network.

* ZIP centroids and place names come from the ``zipcodes`` package.
* County and state outlines come from ``overlap/data/us-counties-10m.json.gz``
  (us-atlas, from the Census Bureau's cartographic boundary files; source and
  licence in ``overlap/data/GEO-SOURCES.md``), a TopoJSON file: every border
  is stored once as an "arc" shared by the shapes on both sides. A map only
  needs the borders near its ZIPs, so ``outlines`` returns the arcs inside a
  box, decoded to longitude/latitude lines.

Nothing here is personal data, so the parsed files are cached for the life of
the process (``functools.lru_cache``), shared by every session.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

OUTLINES = Path(__file__).resolve().parent / "data" / "us-counties-10m.json.gz"


@lru_cache(maxsize=1)
def zip_table() -> pd.DataFrame:
    """Every known 5-digit ZIP with ``lat``, ``lon`` and ``place`` ("Cicero, IL"), indexed by ZIP."""
    import zipcodes

    rows = zipcodes.list_all()
    table = pd.DataFrame(
        {
            "zip": [r["zip_code"] for r in rows],
            "lat": pd.to_numeric([r["lat"] for r in rows], errors="coerce"),
            "lon": pd.to_numeric([r["long"] for r in rows], errors="coerce"),
            "city": [str(r["city"]).title() for r in rows],
            "place": [f"{str(r['city']).title()}, {r['state']}" for r in rows],
        }
    )
    return table.dropna(subset=["lat", "lon"]).drop_duplicates("zip").set_index("zip")


def zip_centroids(zips: Sequence[str]) -> pd.DataFrame:
    """Latitude, longitude and place of each known 5-digit ZIP (unknown ones dropped)."""
    wanted = pd.Index([str(z).strip()[:5] for z in zips])
    found = zip_table().reindex(wanted).dropna(subset=["lat", "lon"])
    found.index.name = "zip"
    return found


@dataclass(frozen=True)
class Topology:
    """The decoded outlines: every arc's points, and which arcs are state borders."""

    points: np.ndarray  # (n, 2) lon/lat of every arc's points, arc after arc
    starts: np.ndarray  # where each arc's points start in ``points`` (one more entry: the end)
    boxes: np.ndarray  # (arcs, 4) min lon, min lat, max lon, max lat of each arc
    state_arcs: np.ndarray  # bool per arc: part of a state border or the coast


def decode_arcs(arcs: list, scale: Sequence[float], translate: Sequence[float]) -> tuple:
    """TopoJSON quantized, delta-encoded arcs to absolute lon/lat points (vectorised).

    Args:
        arcs: the file's ``arcs`` (each a list of ``[dx, dy]``, the first absolute).
        scale, translate: the file's ``transform``.

    Returns:
        ``(points, starts)``: all points in one (n, 2) array and each arc's first index.
    """
    lengths = np.fromiter((len(a) for a in arcs), dtype=np.int64, count=len(arcs))
    flat = np.fromiter(
        (v for arc in arcs for point in arc for v in point[:2]), dtype=np.float64
    ).reshape(-1, 2)
    starts = np.concatenate([[0], np.cumsum(lengths)])
    summed = np.cumsum(flat, axis=0)
    # cumulative sums restart at each arc: subtract what the arcs before it added
    before = np.vstack([[0.0, 0.0], summed[starts[1:-1] - 1]])
    summed -= np.repeat(before, lengths, axis=0)
    return summed * np.asarray(scale) + np.asarray(translate), starts


def decode_arcs_plain(arcs: list, scale: Sequence[float], translate: Sequence[float]) -> list:
    """The plain reference of ``decode_arcs`` (one arc, one point at a time)."""
    out = []
    for arc in arcs:
        x = y = 0.0
        line = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            line.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        out.append(line)
    return out


def _arc_ids(geometries: list) -> np.ndarray:
    """Every arc index the geometries use (a negative index ~i is arc i reversed)."""

    def walk(node):
        if isinstance(node, list):
            for item in node:
                yield from walk(item)
        else:
            yield node if node >= 0 else ~node

    return np.fromiter(walk([g.get("arcs", []) for g in geometries]), dtype=np.int64)


@lru_cache(maxsize=1)
def topology() -> Topology:
    """The shipped county and state outlines, decoded once per process."""
    with gzip.open(OUTLINES, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    transform = data["transform"]
    points, starts = decode_arcs(data["arcs"], transform["scale"], transform["translate"])
    arc_of_point = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    frame = pd.DataFrame({"arc": arc_of_point, "lon": points[:, 0], "lat": points[:, 1]})
    box = frame.groupby("arc").agg(
        lon0=("lon", "min"), lat0=("lat", "min"), lon1=("lon", "max"), lat1=("lat", "max")
    )
    state_arcs = np.zeros(len(starts) - 1, dtype=bool)
    state_arcs[_arc_ids(data["objects"]["states"]["geometries"])] = True
    # an arc used by one county only is on the coast or the border of the country
    used = np.bincount(
        _arc_ids(data["objects"]["counties"]["geometries"]), minlength=len(state_arcs)
    )
    state_arcs |= used == 1
    return Topology(points, starts, box.to_numpy(), state_arcs)


def outlines(
    lon_range: tuple[float, float], lat_range: tuple[float, float], counties: bool = True
) -> dict[str, tuple[list, list]]:
    """County and state borders crossing a box, as lines for a plotly ``Scattergeo``.

    Args:
        lon_range, lat_range: the box (degrees).
        counties: include county borders (leave them out for a view of many states).

    Returns:
        ``{"counties": (lons, lats), "states": (lons, lats)}``, each line's points
        followed by ``None`` so one trace draws them all.
    """
    shapes = topology()
    (lon0, lon1), (lat0, lat1) = lon_range, lat_range
    box = shapes.boxes
    inside = (box[:, 0] <= lon1) & (box[:, 2] >= lon0) & (box[:, 1] <= lat1) & (box[:, 3] >= lat0)
    out = {}
    for kind, chosen in (
        ("counties", inside & ~shapes.state_arcs if counties else np.zeros_like(inside)),
        ("states", inside & shapes.state_arcs),
    ):
        lons: list = []
        lats: list = []
        for arc in np.flatnonzero(chosen).tolist():
            line = shapes.points[shapes.starts[arc] : shapes.starts[arc + 1]]
            lons += [*line[:, 0].tolist(), None]
            lats += [*line[:, 1].tolist(), None]
        out[kind] = (lons, lats)
    return out
