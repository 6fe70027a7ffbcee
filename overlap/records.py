"""The records frame: every roster normalised and stacked, one row per input row.

Every stage after normalising reads this frame (its columns are in
docs/architecture.md, "Normalised records"): ``rid`` 0..N-1 (also its
index), ``programme``, ``row`` (1-based) and the normalised fields. Both
engines build it here: the local one in one call (``prepare_records``), the
Dask one roster by roster on its workers (``normalise_roster``), stacked on
the client (``stack_records``). Also here, because every stage reads them
the same way: each record's roster as a number (``programme_codes``) and
user decisions as pairs of rids (``decisions_to_rids``).

Nothing here imports a later stage, so ``compare`` and ``model`` can use it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from overlap.errors import MappingError, OverlapError
from overlap.fields import NAME_FIELDS

#: the columns of a decisions file (``overlap match --decisions``, the Review page's saves)
DECISION_COLUMNS = ["programme_a", "row_a", "programme_b", "row_b", "decision"]


def check_programme_names(names: Sequence[str]) -> None:
    """Refuse no rosters at all, or two rosters under one programme name.

    Raises:
        OverlapError: no rosters.
        MappingError: two rosters share a name.
    """
    names = list(names)
    if not names:
        raise OverlapError("No rosters were given to match.")
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise MappingError(
            f"Two rosters are both called '{dup}'; give each a different programme name."
        )


def _has_names(fields: pd.DataFrame) -> bool:
    for column in NAME_FIELDS:
        if (
            column in fields.columns
            and (fields[column].fillna("").astype(str).str.strip() != "").any()
        ):
            return True
    return False


def normalise_roster(mapped) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One mapped roster's records (no ``rid`` yet) and its other columns, as strings.

    Args:
        mapped: a ``MappedRoster`` (``name``, ``fields``, ``attributes``, ``mapping``,
            and ``rows``/``parts`` where a row names several people).

    Returns:
        ``(records, attributes)``: records has ``programme``, ``row``, ``part``
        (when the roster has rows naming several people) and the normalised
        fields; attributes the roster's unmapped columns.

    Raises:
        MappingError: the roster has no column mapped to a name.
    """
    from overlap.normalise import normalise_fields

    fields = mapped.fields
    mapping = mapped.mapping
    mapped_names = set(mapping.values()) & set(NAME_FIELDS) if mapping else set(NAME_FIELDS)
    if len(fields) and (not mapped_names or not _has_names(fields)):
        raise MappingError(
            f"Roster '{mapped.name}' has no column for names (first, last or full name); "
            "map one so its people can be matched."
        )
    normalised = normalise_fields(fields.reset_index(drop=True))
    rows = mapped.rows
    if rows is None:
        rows = np.arange(1, len(fields) + 1, dtype=np.int64)
    normalised.insert(0, "row", np.asarray(rows, dtype=np.int64))
    normalised.insert(0, "programme", mapped.name)
    parts = mapped.parts
    if parts is not None:  # a row that names two people: parts 1 and 2, else empty
        normalised.insert(2, "part", pd.array(np.where(parts > 0, parts, 0), dtype="Int64"))
        normalised.loc[np.asarray(parts) == 0, "part"] = pd.NA
    return normalised, mapped.attributes.reset_index(drop=True).astype(str)


def concat_records(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Records frames stacked; an evidence column some rosters lack is "" there, and
    ``part`` (see ``normalise_roster``) stays a whole number, empty where a row is one person."""
    records = pd.concat(list(frames), ignore_index=True)
    for column in records.columns:
        if column != "part" and records[column].hasnans:
            records[column] = records[column].fillna("").astype("str")
    if "part" in records.columns:
        records["part"] = records["part"].astype("Int64")
    return records


def stack_records(
    parts: Sequence[tuple[pd.DataFrame, pd.DataFrame]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``normalise_roster`` outputs of the rosters, in order, as one records frame.

    Returns:
        ``(records, attributes)``: records numbered by ``rid`` 0..N-1 (also
        the index); attributes indexed by rid, "" where a roster lacks a column.
    """
    records = concat_records([records for records, _ in parts])
    records["programme"] = records["programme"].astype(str)
    records.insert(0, "rid", np.arange(len(records), dtype=np.int64))
    records.index = pd.RangeIndex(len(records), name=None)
    attributes = _stack_attributes([attributes for _, attributes in parts])
    attributes.index = pd.RangeIndex(len(attributes), name="rid")
    return records, attributes


def prepare_records(mapped_rosters: Sequence) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Normalise and stack mapped rosters in the order given.

    Args:
        mapped_rosters: ``MappedRoster`` objects (``name``, ``fields``,
            ``attributes``, ``mapping``).

    Returns:
        ``(records, attributes)``: records has ``rid`` (also the index),
        ``programme``, ``row`` (1-based) and the normalised fields;
        attributes is indexed by rid with every roster's other columns.

    Raises:
        MappingError: a roster has no column mapped to a name, or two
            rosters share a programme name.
    """
    check_programme_names([m.name for m in mapped_rosters])
    return stack_records([normalise_roster(mapped) for mapped in mapped_rosters])


def as_typed_fields(mapped_rosters: Sequence) -> pd.DataFrame:
    """Every record's mapped fields as its roster wrote them (before cleaning), indexed by rid.

    Lists and review show people's own spelling; matching keys stay internal.
    Arrow-backed strings keep the copy small.
    """
    frames = [m.fields.reset_index(drop=True) for m in mapped_rosters]
    typed = pd.concat(frames, ignore_index=True).astype(pd.StringDtype("pyarrow")).fillna("")
    typed.index = pd.RangeIndex(len(typed), name="rid")
    return typed


def _stack_attributes(attributes: list[pd.DataFrame]) -> pd.DataFrame:
    """Every roster's other columns stacked, "" where a roster lacks a column.

    Each frame is widened to all columns (filled with "") before stacking,
    rather than filling the stacked frame's gaps: at a million rows that
    fill-and-convert pass cost most of a second.
    """
    columns = list(dict.fromkeys(c for frame in attributes for c in frame.columns))
    widened = [
        frame if list(frame.columns) == columns else frame.reindex(columns=columns, fill_value="")
        for frame in attributes
    ]
    stacked = pd.concat(widened, ignore_index=True)
    if any(stacked[c].dtype != "str" for c in stacked.columns):
        stacked = stacked.fillna("").astype(str)
    return stacked


def records_from_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An already normalised records frame, renumbered 0..N-1, with no attributes.

    For callers (tests, re-matching) that hand the engines records rather
    than rosters.
    """
    records = frame.reset_index(drop=True).copy()
    if "rid" in records.columns:
        records = records.drop(columns=["rid"])
    records.insert(0, "rid", np.arange(len(records), dtype=np.int64))
    return records, pd.DataFrame(index=pd.RangeIndex(len(records), name="rid"))


def programme_codes(records: pd.DataFrame) -> np.ndarray:
    """Each record's roster as an int64 code, numbered in order of first appearance.

    A frame without a ``programme`` column is one roster: every code 0.
    """
    if "programme" not in records.columns:
        return np.zeros(len(records), dtype=np.int64)
    return pd.factorize(records["programme"])[0].astype(np.int64)


def empty_decisions() -> pd.DataFrame:
    """A decisions frame with no decision in it."""
    return pd.DataFrame({c: pd.Series(dtype=str) for c in DECISION_COLUMNS})


def decisions_to_rids(records: pd.DataFrame, decisions: pd.DataFrame | None) -> pd.DataFrame:
    """Map programme/row decisions to rid pairs; unknown rows are ignored.

    Args:
        records: the records frame (``programme``, ``row``).
        decisions: ``DECISION_COLUMNS``; None or empty for none.

    Returns:
        ``rid_a < rid_b`` and ``decision`` ("same" / "different"), the latest
        decision on a pair winning.

    Raises:
        OverlapError: the decisions lack one of ``DECISION_COLUMNS``.
    """
    empty = pd.DataFrame(
        {"rid_a": np.zeros(0, np.int64), "rid_b": np.zeros(0, np.int64), "decision": []}
    )
    if decisions is None or len(decisions) == 0:
        return empty
    missing = [c for c in DECISION_COLUMNS if c not in decisions.columns]
    if missing:
        raise OverlapError(f"The decisions file lacks the column(s) {', '.join(missing)}.")
    key = pd.MultiIndex.from_arrays(
        [records["programme"].astype(str), records["row"].astype(np.int64)]
    )
    lookup = pd.Series(np.arange(len(records)), index=key)
    lookup = lookup[~lookup.index.duplicated()]
    a_key = pd.MultiIndex.from_arrays(
        [decisions["programme_a"].astype(str), pd.to_numeric(decisions["row_a"], errors="coerce")]
    )
    b_key = pd.MultiIndex.from_arrays(
        [decisions["programme_b"].astype(str), pd.to_numeric(decisions["row_b"], errors="coerce")]
    )
    ra = lookup.reindex(a_key).to_numpy()
    rb = lookup.reindex(b_key).to_numpy()
    kind = decisions["decision"].astype(str).str.strip().str.lower().to_numpy()
    ok = (
        ~np.isnan(ra.astype(float))
        & ~np.isnan(rb.astype(float))
        & np.isin(kind, ["same", "different"])
    )
    ra = ra[ok].astype(np.int64)
    rb = rb[ok].astype(np.int64)
    keep = ra != rb
    out = pd.DataFrame(
        {
            "rid_a": np.minimum(ra, rb)[keep],
            "rid_b": np.maximum(ra, rb)[keep],
            "decision": kind[ok][keep],
        }
    )
    # the latest decision on a pair wins
    return out.drop_duplicates(["rid_a", "rid_b"], keep="last").reset_index(drop=True)
