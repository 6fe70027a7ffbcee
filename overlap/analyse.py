"""Overlap numbers from matched records: who is in which programmes.

Every function reads the ``records`` frame of a match (one row per input row
with ``programme`` and ``person_id``) and counts *people*, not rows.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd


def person_programmes(records: pd.DataFrame) -> pd.DataFrame:
    """One row per person, one boolean column per programme (in first-seen order)."""
    programmes = list(dict.fromkeys(records["programme"]))
    membership = (
        pd.crosstab(records["person_id"], records["programme"]).reindex(columns=programmes) > 0
    )
    membership.columns.name = None
    return membership


def overlap_summary(records: pd.DataFrame) -> dict:
    """The ``overlap.json`` document of DESIGN.md.

    Intersections are exclusive: each person is counted once, under exactly
    the set of programmes they appear in (as an UpSet chart draws them).
    """
    membership = person_programmes(records)
    programmes = list(membership.columns)
    rows_per = records.groupby("programme", sort=False).size()
    summary = {
        "programmes": {
            name: {"records": int(rows_per.get(name, 0)), "people": int(membership[name].sum())}
            for name in programmes
        },
        "union_people": int(len(membership)),
        "pairwise": [
            {"a": a, "b": b, "shared_people": int((membership[a] & membership[b]).sum())}
            for a, b in combinations(programmes, 2)
        ],
        "intersections": exclusive_intersections(membership),
    }
    return summary


def exclusive_intersections(membership: pd.DataFrame) -> list[dict]:
    """Counts of people by the exact set of programmes they are in, largest first."""
    if membership.empty:
        return []
    programmes = list(membership.columns)
    weights = np.left_shift(1, np.arange(len(programmes), dtype=np.int64))
    masks = membership.to_numpy(dtype=np.int64) @ weights
    values, counts = np.unique(masks, return_counts=True)
    out = [
        {"programmes": [p for i, p in enumerate(programmes) if mask >> i & 1], "people": int(n)}
        for mask, n in zip(values.tolist(), counts.tolist(), strict=True)
    ]
    out.sort(key=lambda d: (-d["people"], len(d["programmes"]), d["programmes"]))
    return out
