""".clk files (what is sent) and key files (what stays home), and the way back to own rows.

A .clk file is one settings line (``#overlap-clk {json}``) and a CSV. Since
encoding version 2 the settings carry ``digest``, the SHA-256 of the CSV
part, so a file changed after it was encoded is refused with a sentence
saying so. A key file is one line ``#overlap-key {json}`` (programme,
records, SHA-256 of the roster file it was made from) and an ``id,row`` CSV.
"""

from __future__ import annotations

import hashlib
import io
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
from overlap.privacy.scheme import KEY_MAGIC, clk_file_bytes, csv_text, key_file_bytes


def encoded_bytes(encoded: EncodedRoster) -> bytes:
    """The .clk file's bytes: one settings line (with the body's checksum), then a CSV."""
    frame = encoded.frame
    return clk_file_bytes(encoded.params, csv_text(list(frame.columns), frame.itertuples(False)))


def write_encoded(encoded: EncodedRoster, path: str | os.PathLike) -> None:
    """Write a .clk file (see :func:`encoded_bytes`)."""
    Path(path).write_bytes(encoded_bytes(encoded))


def _read_bytes(
    source: str | os.PathLike | bytes, label: str | None, what: str
) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, label or f"the {what}"
    path = Path(source)
    if not path.is_file():
        raise EncodedFileError(f"{path} does not exist")
    return path.read_bytes(), str(path)


def _settings(first: bytes, label: str) -> dict:
    """The settings line of a .clk file, its version checked."""
    if not first.startswith(MAGIC.encode() + b" "):
        raise EncodedFileError(f"{label} is not an Overlap encoded roster (.clk) file")
    try:
        params = json.loads(first[len(MAGIC) + 1 :].decode("utf-8"))
        schema = int(params["schema"])
    except (ValueError, KeyError, TypeError):
        raise EncodedFileError(f"{label} has a damaged first line (its settings)") from None
    if schema > SCHEMA_VERSION:
        raise EncodedFileError(
            f"{label} was encoded by a newer version of Overlap (encoding version {schema}; "
            f"this one reads version {SCHEMA_VERSION}): update Overlap to match it"
        )
    if schema < SCHEMA_VERSION:
        raise EncodedFileError(
            f"{label} was encoded by an older version of Overlap (encoding version {schema}); "
            f"ask its owner to encode the roster again with this version ({SCHEMA_VERSION})"
        )
    return params


def read_encoded(
    path: str | os.PathLike | bytes, name: str | None = None, file_name: str | None = None
) -> EncodedRoster:
    """Read a .clk file (a path, or an upload's bytes), checking its version and checksum.

    Raises:
        EncodedFileError: not a .clk file, another version, or altered since it was encoded.
    """
    data, label = _read_bytes(path, file_name, "encoded file")
    first, _, body = data.partition(b"\n")
    params = _settings(first.rstrip(b"\r"), label)
    if hashlib.sha256(body).hexdigest() != params.get("digest"):
        raise EncodedFileError(
            f"{label} was altered after it was encoded (its records no longer match its "
            "checksum); ask its owner for the file as it was made"
        )
    try:
        frame = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        raise EncodedFileError(f"{label} has records that cannot be read") from None
    missing = [c for c in ["id", "clk"] if c not in frame.columns]
    if missing:
        raise EncodedFileError(f"{label} lacks the column(s) {', '.join(missing)}")
    stem = Path(file_name or (label if not isinstance(path, bytes) else "encoded")).stem
    return EncodedRoster(name=name or params.get("name") or stem, frame=frame, params=params)


def key_map_bytes(keymap: KeyMap) -> bytes:
    """The owner's key file. It must never leave the owner's machine."""
    frame = keymap.frame
    return key_file_bytes(keymap.params, csv_text(list(frame.columns), frame.itertuples(False)))


def write_key_map(keymap: KeyMap, path: str | os.PathLike) -> None:
    """Write the owner's key file (see :func:`key_map_bytes`)."""
    Path(path).write_bytes(key_map_bytes(keymap))


def read_key_map(source: str | os.PathLike | bytes, label: str | None = None) -> KeyMap:
    """Read a key file (a path or its bytes); files made before the settings line are read too."""
    data, label = _read_bytes(source, label, "key file")
    params: dict = {}
    if data.startswith(KEY_MAGIC.encode()):
        first, _, data = data.partition(b"\n")
        try:
            params = json.loads(first[len(KEY_MAGIC) + 1 :].decode("utf-8"))
        except ValueError:
            raise EncodedFileError(f"{label} has a damaged first line (its settings)") from None
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype={"id": str}, keep_default_na=False)
        frame["row"] = frame["row"].astype(np.int64)
    except (KeyError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        raise EncodedFileError(
            f"{label} is not an Overlap key file (it needs the columns id and row)"
        ) from None
    if "id" not in frame.columns:
        raise EncodedFileError(
            f"{label} is not an Overlap key file (it needs the columns id and row)"
        )
    return KeyMap(name=str(params.get("name", "")), frame=frame[["id", "row"]], params=params)


def _key_frame(key_file: str | os.PathLike | bytes | pd.DataFrame | KeyMap) -> pd.DataFrame:
    if isinstance(key_file, KeyMap):
        return key_file.frame
    if isinstance(key_file, pd.DataFrame):
        return key_file
    return read_key_map(key_file).frame


def ids_to_rows(key_file: str | os.PathLike | bytes | pd.DataFrame | KeyMap, ids) -> pd.Series:
    """Turn random ids (from a match) back into the owner's row numbers.

    Args:
        key_file: the owner's ``.key.csv`` (path, bytes, frame or :class:`KeyMap`).
        ids: random ids, e.g. the ``row`` column of an encoded run's records.csv.

    Returns:
        Row numbers (1-based data rows), in the order of ``ids``; ids not in
        this key file (another partner's) are dropped.
    """
    keys = _key_frame(key_file)
    lookup = pd.Series(keys["row"].to_numpy(dtype=np.int64), index=keys["id"].astype(str))
    wanted = pd.Series(list(ids), dtype=str)
    found = wanted[wanted.isin(lookup.index)]
    return pd.Series(lookup.loc[found].to_numpy(), name="row")


def shared_ids(records: pd.DataFrame, programme: str) -> pd.DataFrame:
    """The file a partner gets back: its own ids whose people other programmes also serve.

    Args:
        records: ``records.csv`` of an encoded match (``programme,row,person_id``).
        programme: the partner's programme name in that match.

    Returns:
        ``id`` (the partner's random id), ``person_id`` and ``also_in`` (the
        other programmes, joined with "; "), one line per shared record, by
        id. Nothing of another partner's records is in it.
    """
    rec = records[["programme", "row", "person_id"]].astype({"row": str})
    mine = rec[rec["programme"] == programme]
    if mine.empty:
        raise EncodedFileError(f"the match has no records of a programme named {programme!r}")
    also = (
        rec[rec["programme"] != programme]
        .drop_duplicates(["person_id", "programme"])
        .groupby("person_id")["programme"]
        .agg(lambda s: "; ".join(sorted(s)))
    )
    shared = mine[mine["person_id"].isin(also.index)]
    out = pd.DataFrame(
        {
            "id": shared["row"].to_numpy(),
            "person_id": shared["person_id"].to_numpy(),
            "also_in": also.loc[shared["person_id"]].to_numpy(),
        }
    )
    return out.sort_values("id").reset_index(drop=True)


def my_shared_rows(
    table: pd.DataFrame,
    key_file: str | os.PathLike | bytes | pd.DataFrame | KeyMap,
    programme: str | None = None,
) -> pd.DataFrame:
    """The owner's own rows that the match found in other programmes (the round trip home).

    Args:
        table: the partner's file from :func:`shared_ids` (``id, also_in``), or
            the whole ``records.csv`` of an encoded match (then ``programme`` is needed).
        key_file: the owner's key file.
        programme: the owner's programme name in ``records.csv``.

    Returns:
        ``row`` (the owner's 1-based data row) and ``also_in``, one line per shared row, by row.

    Raises:
        EncodedFileError: the ids are not this key file's (it belongs to another roster).
    """
    if "programme" in table.columns:
        if programme is None:
            raise EncodedFileError("say which programme is yours in this match")
        table = shared_ids(table, programme)
    if not {"id", "also_in"} <= set(table.columns):
        raise EncodedFileError(
            "the file of shared ids needs the columns id and also_in, as the match makes it"
        )
    rows = ids_to_rows(key_file, table["id"].astype(str))
    if len(rows) != len(table):
        whose = f"{programme}'s" if programme else "the shared"
        raise EncodedFileError(
            f"{len(table) - len(rows)} of {whose} ids are not in this key file; it belongs to "
            "another roster or another encoding of it"
        )
    out = pd.DataFrame({"row": rows.to_numpy(), "also_in": table["also_in"].to_numpy()})
    return out.sort_values("row").reset_index(drop=True)
