"""Back home: a partner turns an encoded match into its own people, with its key file and roster.

Whoever ran the match holds random ids only. The partner that holds the key
file (ids -> its own row numbers) and its roster can list its own people
that other programmes also serve, with their details as its roster wrote
them, on its own computer. Nothing here reads another partner's rows.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.privacy.clk_file import read_key_map, shared_ids
from overlap.privacy.encoding import EncodedFileError, KeyMap

RANDOM_ID = re.compile(r"r[0-9a-f]{16}")


def is_encoded_result(source: str | os.PathLike) -> bool:
    """True for a partner's shared-ids file or a match folder made from .clk files."""
    path = Path(source)
    if path.is_file():
        head = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=5)
        return {"id", "also_in"} <= set(head.columns)
    records = path / "records.csv"
    if not records.is_file():
        return False
    head = pd.read_csv(records, dtype=str, keep_default_na=False, nrows=50)
    rows = head.get("row", pd.Series(dtype=str))
    return len(rows) > 0 and bool(rows.str.fullmatch(RANDOM_ID.pattern).all())


def _refuse_without_key(source: Path) -> EncodedFileError:
    return EncodedFileError(
        f"{source} comes from encoded rosters: it holds random ids, not people. Only a "
        "partner holding its key file can list its own people from it: add "
        "--key-file YOURS.key.csv and --roster YOUR_ROSTER"
    )


def _shared_table(source: Path, keymap: KeyMap) -> pd.DataFrame:
    """This partner's shared ids (``id, person_id, also_in``) from its file or the match folder."""
    if source.is_file():
        table = pd.read_csv(source, dtype=str, keep_default_na=False)
        if "person_id" not in table.columns:
            table["person_id"] = table["id"]
        return table
    records = pd.read_csv(source / "records.csv", dtype=str, keep_default_na=False)
    mine = records.loc[records["row"].isin(keymap.frame["id"].astype(str)), "programme"]
    if mine.empty:
        raise EncodedFileError(
            f"none of the ids in {source / 'records.csv'} are in this key file; it belongs "
            "to another roster or another encoding of it"
        )
    return shared_ids(records, str(mine.iloc[0]))


def _check_roster(keymap: KeyMap, data: bytes, roster_label: str, key_label: str) -> None:
    made_from = keymap.params.get("roster_sha256")
    if made_from and made_from != hashlib.sha256(data).hexdigest():
        raise EncodedFileError(
            f"the key file {key_label} was made from another roster than {roster_label}; "
            "give the very file you encoded"
        )


def own_people(
    source: str | os.PathLike,
    key_file: str | os.PathLike | None,
    roster: str | os.PathLike | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """This partner's shared people as match records, ready for an outreach list.

    Args:
        source: the partner's shared-ids file, or the folder of the encoded match.
        key_file: the partner's key file (refused without it).
        roster: the roster file that was encoded (refused without it, or if it is another).

    Returns:
        ``(records, attributes)`` as ``overlap export`` reads a match folder:
        the partner's own shared records (normalised from its roster, ``row``
        its row number) plus one empty record per other programme each person
        is in, so "in"/"not in" conditions work; both indexed by ``rid``.
    """
    from overlap.ingest import read_roster
    from overlap.mapping import apply_mapping, apply_overrides, guess_mapping
    from overlap.pipeline import prepare_records

    source = Path(source)
    if key_file is None or roster is None:
        raise _refuse_without_key(source)
    keymap = read_key_map(key_file)
    data = Path(roster).read_bytes() if Path(roster).is_file() else None
    if data is None:
        raise EncodedFileError(f"the roster {roster} does not exist")
    _check_roster(keymap, data, str(roster), str(key_file))
    table = _shared_table(source, keymap)
    lookup = pd.Series(keymap.frame["row"].to_numpy(), index=keymap.frame["id"].astype(str))
    known = table["id"].astype(str).isin(lookup.index)
    if not known.all():
        raise EncodedFileError(
            f"{int((~known).sum())} of the ids in {source} are not in the key file {key_file}; "
            "it belongs to another roster or another encoding of it"
        )
    parsed = read_roster(data, name=Path(roster).name, sheet=keymap.params.get("sheet"))
    programme = keymap.params.get("name") or parsed.name
    guess = guess_mapping(parsed.frame)
    if keymap.params.get("overrides"):
        guess = apply_overrides(guess, keymap.params["overrides"], Path(roster).name)
    mapping = {raw: f for raw, f in guess.mapping.items() if f}
    records, attributes = prepare_records([apply_mapping(parsed, mapping)])
    rows = lookup.loc[table["id"].astype(str)].to_numpy(dtype=np.int64)
    if len(rows) and rows.max() > len(records):
        raise EncodedFileError(
            f"the key file {key_file} names row {rows.max()}, but {roster} has {len(records)} "
            "rows; it belongs to another roster"
        )
    return _with_other_programmes(records, attributes, rows, table, programme)


def _with_other_programmes(
    records: pd.DataFrame,
    attributes: pd.DataFrame,
    rows: np.ndarray,
    table: pd.DataFrame,
    programme: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Own shared records plus an empty record per (person, other programme)."""
    by_row = records.set_index(records["row"].astype(np.int64))
    mine = by_row.loc[rows].reset_index(drop=True)
    mine["programme"] = programme
    mine["person_id"] = pd.factorize(table["person_id"].astype(str))[0]
    mine_attributes = attributes.set_index(records["row"].astype(np.int64)).loc[rows]
    others = (
        pd.DataFrame(
            {"person_id": mine["person_id"], "programme": table["also_in"].str.split("; ")}
        )
        .explode("programme")
        .drop_duplicates()
    )
    others = others[others["programme"].fillna("") != ""]
    stubs = pd.DataFrame({c: "" for c in mine.columns}, index=range(len(others)))
    stubs["programme"] = others["programme"].to_numpy()
    stubs["person_id"] = others["person_id"].to_numpy()
    stubs["row"] = 0
    out = pd.concat([mine, stubs], ignore_index=True).drop(columns=["rid"], errors="ignore")
    out.index.name = "rid"
    blank = pd.DataFrame("", index=range(len(stubs)), columns=mine_attributes.columns)
    attrs = pd.concat([mine_attributes.reset_index(drop=True), blank], ignore_index=True)
    attrs.index.name = "rid"
    return out, attrs
