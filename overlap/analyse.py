"""Overlap numbers from matched records: who is in which programmes.

Every function reads the ``records`` frame of a match (one row per input row
with ``programme`` and ``person_id``) and counts *people*, not rows.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class _People:
    """What every count needs, derived once per records frame (see ``_people``)."""

    membership: np.ndarray  # bool, people x programmes (read-only)
    people: pd.Index  # person_id of each membership row, sorted
    programmes: list  # programme names, first-seen order
    person: np.ndarray  # each record's membership row
    programme: np.ndarray  # each record's programme column
    held: tuple = ()  # the columns the fingerprint points at, so their memory is not reused
    groups: dict = field(default_factory=dict)  # (column, where) -> (fingerprint, codes, ...)


#: records id -> (weak reference, fingerprint, derived); a dashboard rerun asks for the same
#: match result's membership and groupings many times, and a chart change must not redo them.
#: Not a cache shared between sessions: an entry is found only by the very frame object it was
#: made from (identity and weak reference checked) and is dropped when that frame is freed.
_MEMO: dict[int, tuple[weakref.ref, tuple, _People]] = {}


def _column_token(column: pd.Series) -> tuple[object, int]:
    """(the column's data, its identity): the identity changes when the column is replaced.

    The caller keeps the data alive, so its address cannot be reused by a later column.
    """
    data = column.array
    if isinstance(data, pd.arrays.NumpyExtensionArray):  # a fresh wrapper on every access
        data = column.to_numpy()
        return data, data.__array_interface__["data"][0]
    return data, id(data)


def _fingerprint(records: pd.DataFrame) -> tuple[tuple, tuple]:
    """(fingerprint, data to keep alive): changes when rows, columns, people or programmes do."""
    ids, ids_token = _column_token(records["person_id"])
    names, names_token = _column_token(records["programme"])
    return (len(records), tuple(records.columns), ids_token, names_token), (ids, names)


def _derive(records: pd.DataFrame, held: tuple) -> _People:
    person, people = pd.factorize(records["person_id"], sort=True)
    programme, names = pd.factorize(records["programme"], sort=False)
    membership = np.zeros((len(people), len(names)), dtype=bool)
    membership[person, programme] = True
    for array in (membership, person, programme):
        array.flags.writeable = False
    return _People(
        membership, pd.Index(people, name="person_id"), list(names), person, programme, held
    )


def _people(records: pd.DataFrame) -> _People:
    """The per-person membership of ``records``, computed once per frame and reused.

    Kept while the frame lives (weak reference) and recomputed if its rows,
    columns, person ids or programmes are replaced (a grouping, if its column is).
    """
    key = id(records)
    fingerprint, held = _fingerprint(records)
    hit = _MEMO.get(key)
    if hit is not None and hit[0]() is records and hit[1] == fingerprint:
        return hit[2]
    derived = _derive(records, held)
    try:
        ref = weakref.ref(records, lambda _ref, key=key: _MEMO.pop(key, None))
    except TypeError:  # pragma: no cover - a frame type without weak references
        return derived
    _MEMO[key] = (ref, fingerprint, derived)
    return derived


def person_programmes(records: pd.DataFrame) -> pd.DataFrame:
    """One row per person, one boolean column per programme (in first-seen order).

    Built on integer codes (factorise person and programme, set one cell per
    row), once per records frame: ~100x faster than a crosstab at 100k records.
    """
    derived = _people(records)
    return pd.DataFrame(
        derived.membership.copy(), index=derived.people.copy(), columns=list(derived.programmes)
    )


def overlap_summary(records: pd.DataFrame) -> dict:
    """The ``overlap.json`` document of DESIGN.md.

    Intersections are exclusive: each person is counted once, under exactly
    the set of programmes they appear in (as an UpSet chart draws them).
    """
    derived = _people(records)
    membership = person_programmes(records)
    programmes = list(membership.columns)
    rows_per = np.bincount(derived.programme, minlength=len(programmes))
    people_per = derived.membership.sum(axis=0)
    as_int = derived.membership.astype(np.int64)
    shared = as_int.T @ as_int
    summary = {
        "programmes": {
            name: {"records": int(rows_per[i]), "people": int(people_per[i])}
            for i, name in enumerate(programmes)
        },
        "union_people": int(len(membership)),
        "pairwise": [
            {"a": programmes[i], "b": programmes[j], "shared_people": int(shared[i, j])}
            for i, j in combinations(range(len(programmes)), 2)
        ],
        "intersections": exclusive_intersections(membership),
    }
    return summary


def _mask_counts(membership: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each set of programmes people are in, as a bit mask (bit i: column i), and how many."""
    weights = np.left_shift(1, np.arange(membership.shape[1], dtype=np.int64))
    masks = membership.to_numpy(dtype=np.int64) @ weights
    return np.unique(masks, return_counts=True)


def exclusive_intersections(membership: pd.DataFrame) -> list[dict]:
    """Counts of people by the exact set of programmes they are in, largest first."""
    if membership.empty:
        return []
    programmes = list(membership.columns)
    values, counts = _mask_counts(membership)
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
    values, counts = _mask_counts(membership)
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
    as_int = membership.to_numpy(dtype=np.int64)
    names = list(membership.columns)
    return pd.DataFrame(as_int.T @ as_int, index=names, columns=names)


def duplicates_within(records: pd.DataFrame) -> pd.DataFrame:
    """Records that are the same person as another record of the same roster, per programme.

    Returns:
        One row per programme: ``programme``, ``records``, ``people``, ``duplicates``
        (records minus people: how many rows repeat someone already on that roster).
    """
    derived = _people(records)
    n = len(derived.programmes)
    out = pd.DataFrame(
        {
            "programme": pd.Series(derived.programmes, dtype=records["programme"].dtype),
            "records": np.bincount(derived.programme, minlength=n).astype(np.int64),
            "people": derived.membership.sum(axis=0).astype(np.int64),
        }
    )
    out["duplicates"] = out["records"] - out["people"]
    return out


def _value_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of each row's stripped text value (-1 when empty) and the distinct values.

    Cleans distinct values only (a roster column has few), not every row.
    """
    raw_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = pd.Series(uniques, dtype=values.dtype).astype(str).str.strip()
    clean_codes, labels = pd.factorize(cleaned.to_numpy(dtype=object))
    labels = np.asarray(labels, dtype=object)
    remap = np.append(clean_codes, -1)  # raw -1 (missing) -> -1
    codes = remap[raw_codes]
    empty = np.flatnonzero(labels == "")
    if len(empty):
        codes[codes == empty[0]] = -1
    return codes, labels


def _column_values(
    records: pd.DataFrame, column: str, attributes: pd.DataFrame | None
) -> pd.Series:
    if column in records.columns:
        return records[column]
    if attributes is not None and column in attributes.columns:
        return attributes[column].reindex(records.index)
    raise KeyError(f"There is no column called {column!r} in these rosters.")


def _modal_codes(person: np.ndarray, n_people: int, value: np.ndarray, n_values: int) -> np.ndarray:
    """Per person, the most common value code (ties: first row seen); -1 when none."""
    rows = np.flatnonzero(value >= 0)
    out = np.full(n_people, -1, dtype=np.int64)
    if len(rows) == 0:
        return out
    key = person[rows].astype(np.int64) * max(n_values, 1) + value[rows]
    pairs, first, counts = np.unique(key, return_index=True, return_counts=True)
    who, what = np.divmod(pairs, max(n_values, 1))
    order = np.lexsort((first, -counts, who))
    who, what = who[order], what[order]
    best = np.ones(len(who), dtype=bool)
    best[1:] = who[1:] != who[:-1]
    out[who[best]] = what[best]
    return out


def _person_groups(
    records: pd.DataFrame, column: str, attributes: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray]:
    """Each person's group code (0..g-1) and the group labels, "(not given)" for no value."""
    derived = _people(records)
    values = _column_values(records, column, attributes)
    from_records = column in records.columns
    source = records if from_records else attributes
    data, token = _column_token(source[column])
    key = (column, "records" if from_records else "attributes")
    fingerprint = (token, id(source.index), id(records.index))
    cached = derived.groups.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1], cached[2]
    value, labels = _value_codes(values)
    modal = _modal_codes(derived.person, len(derived.people), value, len(labels))
    # Label every code, "(not given)" last, then merge equal labels (a real "(not given)").
    group_of_code, group_labels = pd.factorize(
        np.append(labels, "(not given)").astype(object), sort=False
    )
    codes, group_labels = group_of_code[modal], np.asarray(group_labels, dtype=object)
    # Keep the column and indexes the fingerprint names alive: their ids stay unique.
    derived.groups[key] = (fingerprint, codes, group_labels, (data, source.index, records.index))
    return codes, group_labels


def group_values(
    records: pd.DataFrame, column: str, attributes: pd.DataFrame | None = None
) -> pd.Series:
    """Each person's value of ``column`` (a records field such as ``zip`` or an attribute).

    A person whose rows disagree (moved house, two rosters) gets their most common
    non-empty value; ties go to the first row seen. People with no value get "".

    Returns:
        Series indexed by ``person_id`` (people in first-seen order).
    """
    person, people = pd.factorize(records["person_id"], sort=False)
    value, labels = _value_codes(_column_values(records, column, attributes))
    modal = _modal_codes(person, len(people), value, len(labels))
    text = np.append(labels, "").astype(object)[modal]
    return pd.Series(text, index=pd.Index(people, name="person_id"), dtype=str)


def _count_by_group(
    group: np.ndarray, n_groups: int, columns: dict[str, np.ndarray]
) -> pd.DataFrame:
    """Sum each 0/1 column per group code (np.bincount, no pandas groupby)."""
    return pd.DataFrame(
        {
            name: np.bincount(group, weights=col, minlength=n_groups).astype(np.int64)
            for name, col in columns.items()
        }
    )


def _ranked_by_union(counts: pd.DataFrame, labels: np.ndarray, people: np.ndarray) -> pd.DataFrame:
    """Groups with people, ``group`` column first, largest union first then by name."""
    counts.insert(0, "group", pd.Series(labels, dtype=str))
    counts = counts[people > 0]
    counts = counts.sort_values(["union", "group"], ascending=[False, True])
    return counts.reset_index(drop=True)


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
    derived = _people(records)
    array, names = derived.membership, derived.programmes
    group, labels = _person_groups(records, column, attributes)
    in_how_many = array.sum(axis=1)
    columns = {name: array[:, j] for j, name in enumerate(names)}
    columns["shared"] = in_how_many >= 2
    columns["union"] = in_how_many >= 1
    counts = _count_by_group(group, len(labels), columns)
    return _ranked_by_union(counts, labels, counts["union"].to_numpy())


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
    derived = _people(records)
    array, names = derived.membership, derived.programmes
    chosen = list(programmes) if programmes else list(names)
    unknown = [p for p in chosen if p not in names]
    if unknown:
        raise KeyError(f"No programme called {unknown[0]!r} in this match.")
    array = array[:, [names.index(p) for p in chosen]]
    group, labels = _person_groups(records, column, attributes)
    in_how_many = array.sum(axis=1)
    reached = in_how_many >= 1
    group = group[reached]
    columns = {"union": np.ones(len(group), dtype=bool), "shared": in_how_many[reached] >= 2}
    for j, name in enumerate(chosen):
        columns[f"new to {name}"] = ~array[reached, j]
    counts = _count_by_group(group, len(labels), columns)
    return _ranked_by_union(counts, labels, counts["union"].to_numpy())


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


# --- Ranges beside the counts (issue 12 item 5; the method is overlap/uncertainty.py) ---------


def overlap_by_group_ranged(
    records: pd.DataFrame, column: str, draws, attributes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``overlap_by_group`` with ``X_low``/``X_high`` beside each count X.

    Args:
        records, column, attributes: as ``overlap_by_group``.
        draws: ``uncertainty.draw_counts`` of the match these records come from.
    """
    from overlap.uncertainty import group_ranges

    counts = overlap_by_group(records, column, attributes)
    return _beside_counts(counts, group_ranges(draws, records, column, attributes))


def reach_ranking_ranged(
    records: pd.DataFrame,
    column: str,
    draws,
    programmes: list[str] | None = None,
    attributes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``reach_ranking`` with ``X_low``/``X_high`` beside each count X (same order)."""
    from overlap.uncertainty import group_ranges

    counts = reach_ranking(records, column, programmes, attributes)
    ranges = group_ranges(draws, records, column, attributes, programmes)
    return _beside_counts(counts, ranges)


def _beside_counts(counts: pd.DataFrame, ranges: pd.DataFrame) -> pd.DataFrame:
    """The counts table, each count column followed by its ``_low`` and ``_high``."""
    merged = counts.merge(ranges, on="group", how="left", sort=False)
    order = ["group"]
    for column in counts.columns:
        if column == "group":
            continue
        order.append(column)
        for end in ("_low", "_high"):
            if f"{column}{end}" in merged.columns:
                order.append(f"{column}{end}")
                merged[f"{column}{end}"] = merged[f"{column}{end}"].astype(np.int64)
    return merged[order]
