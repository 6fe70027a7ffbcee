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


# --- Inclusive intersections, grouping and reach ---------------------------------------------

#: Counts below this are hidden when small-cell suppression is on (public-health practice).
SMALL_CELL_THRESHOLD = 11


def inclusive_intersections(membership: pd.DataFrame, max_size: int | None = None) -> list[dict]:
    """People in *at least* each combination of programmes (an inclusive UpSet), largest first.

    A person in A, B and C counts towards {A}, {A, B}, {A, C}, {B, C} and {A, B, C}.
    Only combinations with at least one person are returned.

    Args:
        membership: ``person_programmes`` output.
        max_size: largest combination to list (None: all).

    Returns:
        ``[{"programmes": [...], "people": n}, ...]`` as ``exclusive_intersections``.
    """
    if membership.empty:
        return []
    programmes = list(membership.columns)
    weights = np.left_shift(1, np.arange(len(programmes), dtype=np.int64))
    masks = membership.to_numpy(dtype=np.int64) @ weights
    values, counts = np.unique(masks, return_counts=True)
    # Every non-empty subset of an observed mask is a combination somebody is in.
    subsets: set[int] = set()
    for mask in values.tolist():
        sub = mask
        while sub:
            subsets.add(sub)
            sub = (sub - 1) & mask
    out = []
    for combo in sorted(subsets):
        members = [p for i, p in enumerate(programmes) if combo >> i & 1]
        if max_size is not None and len(members) > max_size:
            continue
        people = int(counts[(values & combo) == combo].sum())
        out.append({"programmes": members, "people": people})
    out.sort(key=lambda d: (-d["people"], len(d["programmes"]), d["programmes"]))
    return out


def pairwise_matrix(membership: pd.DataFrame) -> pd.DataFrame:
    """Shared people for every pair of programmes; the diagonal holds each programme's people."""
    as_int = membership.astype(np.int64)
    matrix = as_int.T @ as_int
    matrix.index.name = None
    matrix.columns.name = None
    return matrix


def duplicates_within(records: pd.DataFrame) -> pd.DataFrame:
    """Records that are the same person as another record of the same roster, per programme.

    Returns:
        One row per programme: ``programme``, ``records``, ``people``, ``duplicates``
        (records minus people: how many rows repeat someone already on that roster).
    """
    grouped = records.groupby("programme", sort=False)
    out = pd.DataFrame(
        {
            "records": grouped.size(),
            "people": grouped["person_id"].nunique(),
        }
    )
    out["duplicates"] = out["records"] - out["people"]
    out.index.name = "programme"
    return out.reset_index()


def group_values(
    records: pd.DataFrame, column: str, attributes: pd.DataFrame | None = None
) -> pd.Series:
    """Each person's value of ``column`` (a records field such as ``zip`` or an attribute).

    A person whose rows disagree (moved house, two rosters) gets their most common
    non-empty value; ties go to the first row seen. People with no value get "".

    Returns:
        Series indexed by ``person_id``.
    """
    if column in records.columns:
        values = records[column]
    elif attributes is not None and column in attributes.columns:
        values = attributes[column].reindex(records.index)
    else:
        raise KeyError(f"There is no column called {column!r} in these rosters.")
    frame = pd.DataFrame(
        {
            "person_id": records["person_id"].to_numpy(),
            "value": values.fillna("").astype(str).str.strip().to_numpy(),
        }
    )
    frame["order"] = np.arange(len(frame))
    filled = frame[frame["value"] != ""]
    counts = (
        filled.groupby(["person_id", "value"], sort=False)
        .agg(n=("order", "size"), first=("order", "min"))
        .reset_index()
        .sort_values(["person_id", "n", "first"], ascending=[True, False, True])
    )
    best = counts.drop_duplicates("person_id").set_index("person_id")["value"]
    people = pd.Index(pd.unique(frame["person_id"]), name="person_id")
    return best.reindex(people, fill_value="").astype(str)


def overlap_by_group(
    records: pd.DataFrame, column: str, attributes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """People per programme, shared and union reach for every value of ``column``.

    Returns:
        One row per group value (sorted by union reach, largest first): ``group``,
        one column per programme (people), ``shared`` (people in two or more
        programmes) and ``union`` (people in any). Empty values are grouped as
        "(not given)".
    """
    membership = person_programmes(records)
    groups = group_values(records, column, attributes).reindex(membership.index)
    groups = groups.replace("", "(not given)")
    counts = membership.astype(np.int64).groupby(groups.to_numpy()).sum()
    in_how_many = membership.sum(axis=1)
    counts["shared"] = (in_how_many >= 2).astype(np.int64).groupby(groups.to_numpy()).sum()
    counts["union"] = membership.any(axis=1).astype(np.int64).groupby(groups.to_numpy()).sum()
    counts.index.name = "group"
    counts = counts.reset_index().sort_values(["union", "group"], ascending=[False, True])
    return counts.reset_index(drop=True)


def untapped(membership: pd.DataFrame, in_programme: str, not_in: str) -> int:
    """People in ``in_programme``'s network who ``not_in`` does not serve yet."""
    return int((membership[in_programme] & ~membership[not_in]).sum())


def reach_ranking(
    records: pd.DataFrame,
    column: str,
    programmes: list[str] | None = None,
    attributes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Areas (or any grouping) ranked by how many people a blended initiative reaches.

    Args:
        records: matched records (``programme``, ``person_id`` and the grouping column).
        column: what to group by: ``zip``, ``city`` or an attribute column.
        programmes: the partners of the initiative (default: every programme).
        attributes: the match's attribute frame, for attribute columns.

    Returns:
        One row per group value, best first: ``group``, ``union`` (people any partner
        serves), ``shared`` (served by two or more partners) and, per partner P,
        ``new to P`` (people the others serve that P does not yet).
    """
    membership = person_programmes(records)
    chosen = list(programmes) if programmes else list(membership.columns)
    unknown = [p for p in chosen if p not in membership.columns]
    if unknown:
        raise KeyError(f"No programme called {unknown[0]!r} in this match.")
    membership = membership[chosen]
    membership = membership[membership.any(axis=1)]
    groups = group_values(records, column, attributes).reindex(membership.index)
    keys = groups.replace("", "(not given)").to_numpy()
    frame = pd.DataFrame(index=membership.index)
    frame["union"] = 1
    frame["shared"] = (membership.sum(axis=1) >= 2).astype(np.int64)
    for name in chosen:
        frame[f"new to {name}"] = (~membership[name]).astype(np.int64)
    ranked = frame.groupby(keys).sum()
    ranked.index.name = "group"
    ranked = ranked.reset_index().sort_values(["union", "group"], ascending=[False, True])
    return ranked.reset_index(drop=True)


def suppress_small_counts(
    frame: pd.DataFrame,
    columns: list[str] | None = None,
    threshold: int = SMALL_CELL_THRESHOLD,
) -> pd.DataFrame:
    """Hide counts from 1 to ``threshold - 1`` so no small group can be singled out.

    Hidden cells become missing (shown as blank, or "<11" by the caller); zeros stay.

    Args:
        frame: a table of counts.
        columns: the count columns (default: every integer column).
        threshold: the smallest count that may be shown (11, as public-health agencies use).

    Returns:
        A copy with the small counts replaced by ``pd.NA`` (columns become nullable Int64).
    """
    out = frame.copy()
    if columns is None:
        columns = [c for c in out.columns if pd.api.types.is_integer_dtype(out[c])]
    for col in columns:
        values = out[col].astype("Int64")
        out[col] = values.mask((values > 0) & (values < threshold))
    return out


# --- Data quality before matching -----------------------------------------------------------

#: What the Match page reports, in the user's words -> the mapped fields that provide it.
QUALITY_FIELDS = {
    "Name": (("first_name", "last_name"), ("full_name",)),
    "Date of birth": (("dob",),),
    "Address": (("street",), ("address",)),
    "ZIP": (("zip",),),
    "Phone": (("phone",),),
    "Email": (("email",),),
}


def _has(fields: pd.DataFrame, alternatives: tuple[tuple[str, ...], ...]) -> pd.Series:
    """Rows that have every column of at least one alternative filled in."""
    found = pd.Series(False, index=fields.index)
    for columns in alternatives:
        present = pd.Series(True, index=fields.index)
        for col in columns:
            if col not in fields.columns:
                present &= False
                continue
            present &= fields[col].fillna("").astype(str).str.strip() != ""
        found |= present
    return found


def field_completeness(fields: pd.DataFrame) -> dict[str, float]:
    """Share of rows (0..1) with each kind of detail filled in, from a ``MappedRoster.fields``."""
    if len(fields) == 0:
        return dict.fromkeys(QUALITY_FIELDS, 0.0)
    return {label: float(_has(fields, alts).mean()) for label, alts in QUALITY_FIELDS.items()}


def linkability(fields: pd.DataFrame) -> dict[str, int]:
    """How many rows cannot be linked for lack of fields.

    Returns:
        ``{"no name": n, "name only": m, "linkable": k}``: a row needs a name and at
        least one more detail (date of birth, address, ZIP, phone or email) to be
        matched with any confidence.
    """
    has_name = _has(fields, QUALITY_FIELDS["Name"])
    others = pd.Series(False, index=fields.index)
    for label in ("Date of birth", "Address", "ZIP", "Phone", "Email"):
        others |= _has(fields, QUALITY_FIELDS[label])
    return {
        "no name": int((~has_name).sum()),
        "name only": int((has_name & ~others).sum()),
        "linkable": int((has_name & others).sum()),
    }
