""".clk files (what is sent) and key files (what stays home), and the way back to own rows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.privacy.encoding import (
    MAGIC,
    SCHEMA_VERSION,
    EncodedFileError,
    EncodedRoster,
    KeyMap,
)


def encoded_bytes(encoded: EncodedRoster) -> bytes:
    """The .clk file's bytes: one settings line (``#overlap-clk {json}``), then a CSV."""
    head = f"{MAGIC} {json.dumps(encoded.params, sort_keys=True)}\n"
    return (head + encoded.frame.to_csv(index=False, lineterminator="\n")).encode("utf-8")


def write_encoded(encoded: EncodedRoster, path: str | os.PathLike) -> None:
    """Write a .clk file (see :func:`encoded_bytes`)."""
    Path(path).write_bytes(encoded_bytes(encoded))


def read_encoded(
    path: str | os.PathLike | bytes, name: str | None = None, file_name: str | None = None
) -> EncodedRoster:
    """Read a .clk file (a path, or an upload's bytes), checking its schema."""
    import io

    if isinstance(path, bytes):
        label = file_name or "the encoded file"
        text = path.decode("utf-8", errors="replace")
    else:
        p = Path(path)
        label = str(p)
        if not p.is_file():
            raise EncodedFileError(f"{p} does not exist")
        text = p.read_text(encoding="utf-8", errors="replace")
    first, _, body = text.partition("\n")
    if not first.startswith(MAGIC + " "):
        raise EncodedFileError(f"{label} is not an Overlap encoded roster (.clk) file")
    try:
        params = json.loads(first[len(MAGIC) + 1 :])
    except json.JSONDecodeError:
        raise EncodedFileError(f"{label} has a damaged first line (its settings)") from None
    if params.get("schema") != SCHEMA_VERSION:
        raise EncodedFileError(
            f"{label} uses encoding version {params.get('schema')}; "
            f"this Overlap reads version {SCHEMA_VERSION}"
        )
    frame = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    missing = [c for c in ["id", "clk"] if c not in frame.columns]
    if missing:
        raise EncodedFileError(f"{label} lacks the column(s) {', '.join(missing)}")
    stem = Path(file_name or (label if not isinstance(path, bytes) else "encoded")).stem
    return EncodedRoster(name=name or params.get("name") or stem, frame=frame, params=params)


def key_map_bytes(keymap: KeyMap) -> bytes:
    """The owner's key file (``id,row`` CSV). It must never leave the owner's machine."""
    return keymap.frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_key_map(keymap: KeyMap, path: str | os.PathLike) -> None:
    """Write the owner's key file (see :func:`key_map_bytes`)."""
    Path(path).write_bytes(key_map_bytes(keymap))


def ids_to_rows(key_file: str | os.PathLike | pd.DataFrame, ids) -> pd.Series:
    """Turn random ids (from a match) back into the owner's row numbers.

    Args:
        key_file: the owner's ``.key.csv`` (or its frame).
        ids: random ids, e.g. the ``row`` column of an encoded run's records.csv.

    Returns:
        Row numbers (1-based data rows), in the order of ``ids``; ids not in
        this key file (another partner's) are dropped.
    """
    if isinstance(key_file, pd.DataFrame):
        keys = key_file
    else:
        p = Path(key_file)
        if not p.is_file():
            raise EncodedFileError(f"the key file {p} does not exist")
        keys = pd.read_csv(p, dtype={"id": str, "row": np.int64}, keep_default_na=False)
    lookup = pd.Series(keys["row"].to_numpy(dtype=np.int64), index=keys["id"].astype(str))
    wanted = pd.Series(list(ids), dtype=str)
    found = wanted[wanted.isin(lookup.index)]
    return pd.Series(lookup.loc[found].to_numpy(), name="row")


def my_shared_rows(
    records: pd.DataFrame, key_file: str | os.PathLike | pd.DataFrame, programme: str
) -> pd.DataFrame:
    """The owner's own rows that the match found in other programmes (the round trip home).

    Args:
        records: ``records.csv`` of an encoded match (``programme,row,person_id``).
        key_file: the owner's key file (or its frame).
        programme: the owner's programme name in that match.

    Returns:
        ``row`` (the owner's 1-based data row) and ``also_in`` (the other
        programmes, joined with "; "), one line per shared row, by row.
    """
    rec = records[["programme", "row", "person_id"]].astype({"row": str})
    mine = rec[rec["programme"] == programme]
    if mine.empty:
        raise EncodedFileError(f"the match has no records of a programme named {programme!r}")
    others = rec[rec["programme"] != programme]
    also = (
        others.drop_duplicates(["person_id", "programme"])
        .groupby("person_id")["programme"]
        .agg(lambda s: "; ".join(sorted(s)))
    )
    shared = mine[mine["person_id"].isin(also.index)]
    rows = ids_to_rows(key_file, shared["row"])
    if len(rows) != len(shared):
        raise EncodedFileError(
            f"{len(shared) - len(rows)} of {programme}'s ids are not in this key file; "
            "is it the key file made with this encoding?"
        )
    out = pd.DataFrame(
        {"row": rows.to_numpy(), "also_in": also.loc[shared["person_id"]].to_numpy()}
    )
    return out.sort_values("row").reset_index(drop=True)
