"""The workspace file: one SQLite database, serialised to bytes and sealed with a passphrase.

A workspace is what a coalition keeps from season to season: each roster
upload with its season, the records (normalised, and as typed), the fitted
model, review decisions, the person registry (each record's stable person ID
and the history of merges and splits) and outreach plans.

It is one SQLite database held in memory (``sqlite3`` serialises it to
bytes and back, so nothing is written anywhere but the workspace file itself,
and the dashboard writes nothing at all), sealed by ``overlap.crypto``
(scrypt + AES-256-GCM, saved atomically: a failed save leaves the previous
file as it was). The small tables (settings, seasons, uploads, decisions,
person events, plans) are plain SQL tables. Per-record data is columnar:
each upload's records, as-typed fields, other columns and blocking keys are
one compressed Arrow (Feather) or Parquet blob each, so adding a season
decodes only what it needs and copies the rest as bytes; the person IDs and
the scored pairs are blobs of their own. ``docs/workspace.md`` lists every
table.
"""

from __future__ import annotations

import io
import json
import sqlite3
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather
import pyarrow.parquet as pq

from overlap import crypto
from overlap.block import BLOCKING_RULES
from overlap.errors import OverlapError
from overlap.model import FittedModel
from overlap.workspace.blockindex import BlockIndex

FORMAT = "overlap-workspace"
SCHEMA_VERSION = 1
KIND = "workspace"  # what overlap.crypto's header says the file holds
DEFAULT_THRESHOLD = 0.5
#: Scored pairs kept: the least likely a review could show (the most generous
#: strictness, 0.5, with the Review page's band of 16 times the odds either side).
STORED_PAIR_FLOOR = 0.05

DECISION_COLUMNS = ["rid_a", "rid_b", "decision", "decided_at"]
EVENT_COLUMNS = [
    "event_id",
    "at",
    "upload_id",
    "kind",
    "person_id",
    "other_ids",
    "records",
    "reason",
]
PLAN_COLUMNS = ["plan_id", "title", "season", "created", "data"]
PARTS = ("records", "as_typed", "attributes", "keys")

SCHEMA = """
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE seasons (position INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE);
CREATE TABLE uploads (
    upload_id INTEGER PRIMARY KEY, programme TEXT NOT NULL, season TEXT NOT NULL,
    file_name TEXT NOT NULL, digest TEXT NOT NULL, content_digest TEXT NOT NULL,
    rows INTEGER NOT NULL, first_rid INTEGER NOT NULL, added_at TEXT NOT NULL,
    mapping TEXT NOT NULL, sheet TEXT, problem_rows INTEGER NOT NULL,
    UNIQUE (programme, season)
);
CREATE TABLE upload_data (
    upload_id INTEGER NOT NULL REFERENCES uploads, part TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (upload_id, part)
);
CREATE TABLE arrays (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE pair_batches (batch INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE decisions (
    rid_a INTEGER NOT NULL, rid_b INTEGER NOT NULL, decision TEXT NOT NULL,
    decided_at TEXT NOT NULL, PRIMARY KEY (rid_a, rid_b)
);
CREATE TABLE person_events (
    event_id INTEGER PRIMARY KEY, at TEXT NOT NULL, upload_id INTEGER, kind TEXT NOT NULL,
    person_id INTEGER NOT NULL, other_ids TEXT NOT NULL, records INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE plans (
    plan_id INTEGER PRIMARY KEY, title TEXT NOT NULL, season TEXT NOT NULL,
    created TEXT NOT NULL, data TEXT NOT NULL
);
"""


class WorkspaceError(OverlapError):
    """A workspace cannot be opened or changed; the message says why in one sentence."""


def now() -> str:
    """The time of a change, as the history records it (UTC, to the second)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class Upload:
    """One roster added to the workspace, in one season."""

    upload_id: int
    programme: str
    season: str
    file_name: str
    digest: str  # SHA-256 of the file's bytes
    content_digest: str  # of its rows (another export of the same rows is the same roster)
    rows: int
    first_rid: int  # its records are first_rid .. first_rid + rows - 1
    added_at: str
    mapping: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    problem_rows: int = 0

    @property
    def label(self) -> str:
        """The roster's name in a match: the programme and its season."""
        return f"{self.programme} ({self.season})"

    @property
    def stop(self) -> int:
        return self.first_rid + self.rows


# ------------------------------------------------------------------------------ blobs


def table_bytes(frame: pd.DataFrame | pa.Table, dictionary: bool = False) -> bytes:
    """A frame as a zstd-compressed Arrow (Feather) file; strings dictionary-encoded if asked.

    Dictionary-encoded strings make taking a few thousand records out of
    millions cheap (codes, not text), which adding a roster does.
    """
    table = (
        frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    )
    table = table.replace_schema_metadata(None)
    if dictionary:
        for i, column in enumerate(table.columns):
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                encoded = pc.dictionary_encode(column.combine_chunks())
                table = table.set_column(i, table.field(i).name, encoded)
    out = io.BytesIO()
    feather.write_feather(table, out, compression="zstd")
    return out.getvalue()


def read_table(data: bytes, columns: list[str] | None = None) -> pa.Table:
    """A blob written by ``table_bytes`` (only ``columns``, if given)."""
    return feather.read_table(pa.BufferReader(data), columns=columns)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas with every string column as pandas' string type (dictionaries decoded)."""
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_dictionary(column.type):
            column = pc.cast(column, pa.large_string())
        columns[name] = column
    return pa.table(columns).to_pandas()


def _keys_bytes(codes: np.ndarray, rids: np.ndarray, first_rid: int) -> bytes:
    """An upload's blocking keys: codes sorted, records relative to the upload (delta-packed)."""
    table = pa.table({"code": codes.view(np.int64), "rid": (rids - first_rid).astype(np.int32)})
    out = io.BytesIO()
    pq.write_table(  # delta-packed: sorted codes take ~2.5 bytes; lz4 decodes fastest
        table,
        out,
        compression="lz4",
        use_dictionary=False,
        column_encoding={"code": "DELTA_BINARY_PACKED", "rid": "DELTA_BINARY_PACKED"},
    )
    return out.getvalue()


def _keys_from(data: bytes, first_rid: int) -> tuple[np.ndarray, np.ndarray]:
    table = pq.read_table(pa.BufferReader(data))
    codes = table.column("code").to_numpy().view(np.uint64)
    rids = table.column("rid").to_numpy().astype(np.int64) + first_rid
    return codes, rids


def _array_bytes(values: np.ndarray) -> bytes:
    return table_bytes(pa.table({"v": values}))


def _array_from(data: bytes) -> np.ndarray:
    return read_table(data).column("v").to_numpy()


# ------------------------------------------------------------------------------ the workspace


class Workspace:
    """Everything a coalition keeps between seasons (see the module docstring).

    Per-record data is decoded only when asked for; what was never decoded is
    saved back as the very bytes it was read from.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.settings: dict = {
            "format": FORMAT,
            "version": SCHEMA_VERSION,
            "created": now(),
            "threshold": float(threshold),
            "next_person_id": 1,
        }
        self.seasons: list[str] = []
        self.uploads: list[Upload] = []
        self.model: FittedModel | None = None
        self.person_id = np.zeros(0, dtype=np.int64)
        self.decisions = pd.DataFrame(
            {"rid_a": [], "rid_b": [], "decision": [], "decided_at": []}
        ).astype({"rid_a": np.int64, "rid_b": np.int64, "decision": str, "decided_at": str})
        self.events = _empty_events()
        self.plans = pd.DataFrame({c: [] for c in PLAN_COLUMNS}).astype(
            {"plan_id": np.int64, "title": str, "season": str, "created": str, "data": str}
        )
        self._db: sqlite3.Connection | None = None  # the file's database, held in memory
        self._new_blobs: dict[tuple[int, str], bytes] = {}  # new uploads' parts, not yet in it
        self._tables: dict[tuple[int, str], pa.Table] = {}
        self._pairs: list[list] = []  # per batch [stored batch number or None, frame or None]
        self._pairs_replaced = False
        self._index: BlockIndex | None = None
        self._index_settings: dict | None = None  # a stored index, decoded when first needed
        self._index_rebuilt = False  # every upload's keys must be written again

    # ---------------------------------------------------------------------- basics

    @property
    def threshold(self) -> float:
        return float(self.settings["threshold"])

    @property
    def n_records(self) -> int:
        return self.uploads[-1].stop if self.uploads else 0

    @property
    def next_person_id(self) -> int:
        return int(self.settings["next_person_id"])

    @property
    def programmes(self) -> list[str]:
        """Programme names in the order they were first added."""
        return list(dict.fromkeys(u.programme for u in self.uploads))

    def upload_by_id(self, upload_id: int) -> Upload:
        return next(u for u in self.uploads if u.upload_id == upload_id)

    def upload_of(self, rids: np.ndarray) -> np.ndarray:
        """The upload position (in ``uploads``) of each record."""
        starts = np.array([u.first_rid for u in self.uploads], dtype=np.int64)
        return np.searchsorted(starts, np.asarray(rids, dtype=np.int64), side="right") - 1

    def season_position(self, season: str) -> int:
        return self.seasons.index(season)

    # ---------------------------------------------------------------------- records
    def prefetch(self) -> list[threading.Thread]:
        """Decode, in two other threads, what adding a roster will need: the blocking index and
        every upload's records (decompression runs outside the GIL, beside reading the roster).

        Returns the threads; ``join`` them before changing the workspace.
        """

        def records() -> None:
            for upload in self.uploads:
                self._table(upload.upload_id, "records")

        def index() -> None:
            _ = self.index

        threads = [threading.Thread(target=job, daemon=True) for job in (index, records)]
        for thread in threads:
            thread.start()
        return threads

    def _blob(self, upload_id: int, part: str) -> bytes | None:
        """A stored blob, read from the database only when asked for."""
        key = (upload_id, part)
        if key in self._new_blobs:
            return self._new_blobs[key]
        if self._db is None:
            return None
        row = self._db.execute(
            "SELECT data FROM upload_data WHERE upload_id = ? AND part = ?", key
        ).fetchone()
        return None if row is None else row[0]

    def _table(self, upload_id: int, part: str, columns: list[str] | None = None) -> pa.Table:
        key = (upload_id, part)
        if key not in self._tables:
            if columns is not None:  # a projection is not kept: the next caller may want more
                return read_table(self._blob(*key), columns)
            self._tables[key] = read_table(self._blob(*key))
        table = self._tables[key]
        return table if columns is None else table.select(columns)

    def records(
        self, rids: np.ndarray | None = None, columns: list[str] | None = None
    ) -> pd.DataFrame:
        """Normalised records as a match has them: ``rid``, ``programme`` (the upload's label), ``row``...

        Args:
            rids: which records, ascending (default: all; then ``rid`` is also the index).
            columns: only these stored columns (``row`` and the normalised fields).

        Returns:
            One row per record, in ``rids`` order, with a RangeIndex (or rid
            index for all records).
        """
        rids = np.arange(self.n_records) if rids is None else np.asarray(rids, dtype=np.int64)
        owner = self.upload_of(rids) if len(rids) else np.zeros(0, np.int64)
        frames = []
        for position in np.unique(owner).tolist():
            upload = self.uploads[position]
            local = rids[owner == position] - upload.first_rid
            table = self._table(upload.upload_id, "records")
            if columns is not None:
                table = table.select(columns)
            if len(local) != upload.rows:
                table = table.take(pa.array(local))
            frame = to_frame(table)
            frame.insert(0, "programme", pd.array([upload.label] * len(frame), dtype="str"))
            frames.append(frame)
        if not frames:
            return pd.DataFrame(
                {"rid": np.zeros(0, np.int64), "programme": pd.array([], dtype="str")}
            )
        out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        out.insert(0, "rid", rids)
        if len(rids) == self.n_records:
            out.index = pd.RangeIndex(len(out))
        return out

    def record_column(self, name: str) -> pd.Series:
        """One normalised column of every record, in rid order (cheaper than ``records``)."""
        chunks = []
        for upload in self.uploads:
            column = self._table(upload.upload_id, "records").column(name)
            if pa.types.is_dictionary(column.type):
                column = pc.cast(column, pa.large_string())
            chunks.extend(column.chunks)
        if not chunks:
            return pd.Series([], dtype="str")
        return pa.chunked_array(chunks).to_pandas()

    def value_counts(self, name: str) -> pd.Series:
        """How many records hold each value of a normalised column (from the stored dictionaries)."""
        counts = []
        for upload in self.uploads:
            column = self._table(upload.upload_id, "records").column(name).combine_chunks()
            if not pa.types.is_dictionary(column.type):
                column = pc.dictionary_encode(column)
            indices = column.indices.to_numpy(zero_copy_only=False)
            values = column.dictionary.to_numpy(zero_copy_only=False)
            counts.append(pd.Series(np.bincount(indices, minlength=len(values)), index=values))
        if not counts:
            return pd.Series([], dtype=np.int64)
        return pd.concat(counts).groupby(level=0).sum()

    def side_table(self, part: str) -> pd.DataFrame:
        """``as_typed`` or ``attributes`` of every record, indexed by rid ("" where an upload lacks a column)."""
        frames = [to_frame(self._table(u.upload_id, part)) for u in self.uploads]
        if not frames:
            return pd.DataFrame(index=pd.RangeIndex(0, name="rid"))
        columns = list(dict.fromkeys(c for f in frames for c in f.columns))
        out = pd.concat(
            [f.reindex(columns=columns, fill_value="") for f in frames], ignore_index=True
        )
        out = out.fillna("").astype(str) if len(columns) else out
        out.index = pd.RangeIndex(len(out), name="rid")
        return out

    def add_upload(
        self,
        upload: Upload,
        records: pd.DataFrame,
        as_typed: pd.DataFrame,
        attributes: pd.DataFrame,
    ) -> None:
        """File a new upload's records (``records`` without ``rid``/``programme``)."""
        stored = records.drop(columns=["rid", "programme", "person_id"], errors="ignore")
        self.uploads.append(upload)
        if upload.season not in self.seasons:
            self.seasons.append(upload.season)
        for part, frame, dictionary in (
            ("records", stored, True),
            ("as_typed", as_typed, False),
            ("attributes", attributes, False),
        ):
            frame = frame.reset_index(drop=True)
            frame.columns = [str(c) for c in frame.columns]
            self._new_blobs[(upload.upload_id, part)] = table_bytes(frame, dictionary)
            self._tables.pop((upload.upload_id, part), None)

    # ---------------------------------------------------------------------- scored pairs

    def pairs(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Every stored scored pair (probability at least ``STORED_PAIR_FLOOR``), rid_a < rid_b."""
        frames = []
        for batch in self._pairs:
            number, frame = batch
            if frame is None:
                (blob,) = self._db.execute(
                    "SELECT data FROM pair_batches WHERE batch = ?", (number,)
                ).fetchone()
                frame = read_table(blob, columns).to_pandas()
                if columns is None:
                    batch[1] = frame
            frames.append(frame if columns is None else frame[columns])
        if not frames:
            return pd.DataFrame({"rid_a": np.zeros(0, np.int64), "rid_b": np.zeros(0, np.int64),
                                 "probability": np.zeros(0)})  # fmt: skip
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def add_pairs(self, scored: pd.DataFrame, replace: bool = False) -> None:
        """Keep scored pairs at or above the floor (``replace``: instead of all kept so far)."""
        kept = scored[scored["probability"].to_numpy() >= STORED_PAIR_FLOOR].reset_index(drop=True)
        if replace:
            self._pairs, self._pairs_replaced = [], True
        self._pairs.append([None, kept])

    # ---------------------------------------------------------------------- history

    def add_events(self, events: pd.DataFrame, upload_id: int | None, at: str) -> None:
        """Append merges and splits (``registry.Assignment.events``) to the history."""
        if events.empty:
            return
        start = int(self.events["event_id"].max()) + 1 if len(self.events) else 1
        rows = pd.DataFrame(
            {
                "event_id": np.arange(start, start + len(events), dtype=np.int64),
                "at": at,
                "upload_id": pd.array([upload_id] * len(events), dtype="Int64"),
                "kind": events["kind"].astype(str).to_numpy(),
                "person_id": events["person_id"].astype(np.int64).to_numpy(),
                "other_ids": [json.dumps([int(x) for x in ids]) for ids in events["other_ids"]],
                "records": events["records"].astype(np.int64).to_numpy(),
                "reason": events["reason"].astype(str).to_numpy(),
            }
        )
        self.events = (
            pd.concat([self.events, rows], ignore_index=True) if len(self.events) else rows
        )

    def set_model(self, model: FittedModel) -> None:
        self.model = model

    # ---------------------------------------------------------------------- blocking index

    @property
    def index(self) -> BlockIndex | None:
        """The blocking index (decoded the first time it is needed)."""
        if self._index is None and self._index_settings is not None:
            self._index = self._decode_index()
        return self._index

    @index.setter
    def index(self, value: BlockIndex | None) -> None:
        self._index = value
        self._index_settings = None
        self._index_rebuilt = True

    def _decode_index(self) -> BlockIndex | None:
        stored = self._index_settings
        by_name = {rule.name: rule for rule in BLOCKING_RULES}
        names = stored["rules"]
        if any(name not in by_name for name in names):
            return None  # a rule this Overlap no longer has: built again before use
        index = BlockIndex(
            rules=[by_name[name] for name in names],
            caps=np.asarray(stored["caps"], dtype=np.int64),
            dead=_array_from(self._blob(0, "dead_keys")).view(np.uint64),
            probe=int(stored["probe"]),
        )
        if index.definitions != stored["definitions"]:
            return None
        for upload in self.uploads:
            blob = self._blob(upload.upload_id, "keys")
            if blob is not None:
                index.parts[upload.upload_id] = _keys_from(blob, upload.first_rid)
        return index

    def _index_settings_now(self) -> dict | None:
        index = self._index
        if index is None:
            return self._index_settings
        return {
            "rules": [r.name for r in index.rules],
            "definitions": index.definitions,
            "caps": index.caps.tolist(),
            "probe": index.probe,
        }

    def _write_index(self, con: sqlite3.Connection) -> None:
        """The index's keys not yet in the database (all of them after a rebuild)."""
        index = self._index
        if index is None:
            return
        if self._index_rebuilt:
            con.execute("DELETE FROM upload_data WHERE part = 'keys'")
        stored = {
            r[0] for r in con.execute("SELECT upload_id FROM upload_data WHERE part = 'keys'")
        }
        rows = [
            (u.upload_id, "keys", _keys_bytes(*index.parts[u.upload_id], u.first_rid))
            for u in self.uploads
            if u.upload_id in index.parts and u.upload_id not in stored
        ]
        con.executemany("INSERT INTO upload_data VALUES (?, ?, ?)", rows)
        dead = _array_bytes(index.dead.view(np.int64))
        con.execute("INSERT OR REPLACE INTO upload_data VALUES (0, 'dead_keys', ?)", (dead,))

    # ---------------------------------------------------------------------- bytes

    def to_bytes(self) -> bytes:
        """The workspace as one SQLite database file's bytes (not yet encrypted).

        The database read from the file is kept in memory and only what
        changed is written into it: a big workspace's records are never copied
        out and back in to add a season.
        """
        con = self._db
        if con is None:
            con = sqlite3.connect(":memory:", check_same_thread=False)
            con.executescript(SCHEMA)
        with con:
            self._write_tables(con)
            con.executemany("INSERT INTO upload_data VALUES (?, ?, ?)",
                            [(*key, blob) for key, blob in self._new_blobs.items()])  # fmt: skip
            self._write_index(con)
            con.execute(
                "INSERT OR REPLACE INTO arrays VALUES ('person_id', ?)",
                (_array_bytes(self.person_id),),
            )
            self._write_pairs(con)
        if self._index_rebuilt or self._pairs_replaced:
            con.execute("VACUUM")  # what was replaced leaves no empty pages in the file
        self._db, self._new_blobs = con, {}
        self._index_rebuilt = self._pairs_replaced = False
        return con.serialize()

    def _write_tables(self, con: sqlite3.Connection) -> None:
        """The small tables, written whole."""
        for table in ("settings", "seasons", "uploads", "decisions", "person_events", "plans"):
            con.execute(f"DELETE FROM {table}")
        settings = dict(self.settings)
        settings["model"] = None if self.model is None else self.model.to_dict()
        settings["index"] = self._index_settings_now()
        con.executemany(
            "INSERT INTO settings VALUES (?, ?)", [(k, json.dumps(v)) for k, v in settings.items()]
        )
        con.executemany("INSERT INTO seasons VALUES (?, ?)", list(enumerate(self.seasons)))
        con.executemany(
            "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_upload_row(u) for u in self.uploads],
        )
        _insert_frame(con, "decisions", self.decisions, DECISION_COLUMNS)
        _insert_frame(con, "person_events", self.events, EVENT_COLUMNS)
        _insert_frame(con, "plans", self.plans, PLAN_COLUMNS)

    def _write_pairs(self, con: sqlite3.Connection) -> None:
        if self._pairs_replaced:
            con.execute("DELETE FROM pair_batches")
        (last,) = con.execute("SELECT coalesce(max(batch), -1) FROM pair_batches").fetchone()
        for batch in self._pairs:
            if batch[0] is None:
                last += 1
                con.execute("INSERT INTO pair_batches VALUES (?, ?)", (last, table_bytes(batch[1])))
                batch[0] = last

    @classmethod
    def from_bytes(cls, data: bytes, label: str = "The workspace") -> Workspace:
        """A workspace from the bytes ``to_bytes`` made (decrypted).

        Raises:
            WorkspaceError: not a workspace, or one from a newer Overlap (one sentence).
        """
        con = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            con.deserialize(data)
            settings = {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM settings")}
        except (sqlite3.DatabaseError, json.JSONDecodeError, TypeError):
            con.close()
            raise WorkspaceError(
                f"{label} is not an Overlap workspace: its contents cannot be read."
            ) from None
        if settings.get("format") != FORMAT:
            con.close()
            raise WorkspaceError(f"{label} is not an Overlap workspace.")
        if int(settings.get("version", 0)) > SCHEMA_VERSION:
            con.close()
            raise WorkspaceError(
                f"{label} was saved by a newer version of Overlap (workspace format "
                f"{settings['version']}; this one reads up to {SCHEMA_VERSION}): "
                "update Overlap to open it."
            )
        return cls._from_tables(con, settings)

    @classmethod
    def _from_tables(cls, con: sqlite3.Connection, settings: dict) -> Workspace:
        """The small tables read; per-record blobs stay in the database until needed."""
        ws = cls()
        model, index_settings = settings.pop("model", None), settings.pop("index", None)
        ws.settings = settings
        ws.model = None if model is None else FittedModel.from_dict(model)
        ws._index_settings = index_settings
        ws.seasons = [r[0] for r in con.execute("SELECT label FROM seasons ORDER BY position")]
        ws.uploads = [
            _upload_from(row) for row in con.execute("SELECT * FROM uploads ORDER BY upload_id")
        ]
        (person_id,) = con.execute("SELECT data FROM arrays WHERE name = 'person_id'").fetchone()
        ws.person_id = _array_from(person_id).astype(np.int64)
        ws._pairs = [
            [b, None] for (b,) in con.execute("SELECT batch FROM pair_batches ORDER BY batch")
        ]
        ws.decisions = _read_frame(con, "decisions", ws.decisions)
        ws.events = _read_frame(con, "person_events", ws.events)
        ws.plans = _read_frame(con, "plans", ws.plans)
        ws._db = con
        return ws

    # ---------------------------------------------------------------------- sealed files

    def sealed(self, passphrase: str, params: crypto.ScryptParams = crypto.DEFAULT_PARAMS) -> bytes:
        """The workspace file's bytes, encrypted (a dashboard download: nothing touches the disk)."""
        return crypto.seal(self.to_bytes(), passphrase, kind=KIND, params=params)

    def save(
        self, path: str | Path, passphrase: str, params: crypto.ScryptParams = crypto.DEFAULT_PARAMS
    ) -> None:
        """Encrypt and save atomically: a failed save leaves the previous file as it was."""
        crypto.save_sealed(path, self.to_bytes(), passphrase, kind=KIND, params=params)

    @classmethod
    def open(cls, path: str | Path, passphrase: str) -> Workspace:
        """Open a saved workspace. Errors (wrong passphrase, damaged, newer) are one sentence each."""
        return cls.from_bytes(crypto.load_sealed(path, passphrase, kind=KIND), label=str(path))

    @classmethod
    def from_sealed(cls, blob: bytes, passphrase: str, label: str = "The workspace") -> Workspace:
        """Open a workspace uploaded to the dashboard (held in memory only)."""
        return cls.from_bytes(crypto.open_sealed(blob, passphrase, kind=KIND, label=label), label)


# ------------------------------------------------------------------------------ rows


def _empty_events() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in EVENT_COLUMNS}).astype(
        {
            "event_id": np.int64,
            "at": str,
            "upload_id": "Int64",
            "kind": str,
            "person_id": np.int64,
            "other_ids": str,
            "records": np.int64,
            "reason": str,
        }
    )


def _upload_row(upload: Upload) -> tuple:
    row = asdict(upload)
    row["mapping"] = json.dumps(upload.mapping, ensure_ascii=False)
    return tuple(row[c] for c in UPLOAD_COLUMNS)


UPLOAD_COLUMNS = [
    "upload_id",
    "programme",
    "season",
    "file_name",
    "digest",
    "content_digest",
    "rows",
    "first_rid",
    "added_at",
    "mapping",
    "sheet",
    "problem_rows",
]


def _upload_from(row: tuple) -> Upload:
    values = dict(zip(UPLOAD_COLUMNS, row, strict=True))
    values["mapping"] = json.loads(values["mapping"])
    return Upload(**values)


def _insert_frame(
    con: sqlite3.Connection, table: str, frame: pd.DataFrame, columns: list[str]
) -> None:
    if frame.empty:
        return
    values = frame[columns].astype(object).where(frame[columns].notna(), None)
    rows = [tuple(_plain(v) for v in row) for row in values.itertuples(index=False, name=None)]
    marks = ", ".join("?" * len(columns))
    con.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _read_frame(con: sqlite3.Connection, table: str, empty: pd.DataFrame) -> pd.DataFrame:
    columns = list(empty.columns)
    rows = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()
    if not rows:
        return empty
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype(empty.dtypes.to_dict())
