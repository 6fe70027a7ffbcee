"""The files of a match: the match folder, decisions files, and where outputs may go.

A match folder is what ``overlap match --out DIR`` writes and what
``overlap export`` reads (the contract is in docs/architecture.md):

* ``records.csv``: every input row, ``programme,row`` first, then ``part``
  where a match has it, then ``person_id``, then every other column of the
  records frame (the normalised fields) and the roster attributes;
* ``links.csv``: ``programme_a,row_a,programme_b,row_b,probability`` and one
  column per comparison level (Dice levels for encoded rosters);
* ``overlap.json``: the overlap document, built by :func:`overlap_document`.

Plain and encoded (``.clk``) matches are saved by the same :func:`save_result`.
Decisions files (``programme_a,row_a,programme_b,row_b,decision``) are read
by :func:`read_decisions` (bad rows reported with their row numbers, never
dropped silently) and written by :func:`decisions_csv_bytes`, through the
formula-safe CSV of ``overlap.export``, whose reader undoes exactly that
writer's quoting. :func:`check_outputs` finds, before any work starts, an
output that would overwrite an input or an existing file, or that lands in
a folder that cannot be written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.errors import OverlapError
from overlap.ingest import RowProblem
from overlap.records import DECISION_COLUMNS

#: The one default strictness: link two records when they are more likely than not the same
#: person. The command line, the dashboard and encoded matching all start from it, and the
#: benchmark figures are measured at it.
DEFAULT_THRESHOLD = 0.5

RECORDS_FILE = "records.csv"
LINKS_FILE = "links.csv"
OVERLAP_FILE = "overlap.json"
MATCH_FILES = (RECORDS_FILE, LINKS_FILE, OVERLAP_FILE)

#: records.csv starts with these, in this order, when the records frame has them
FRONT_COLUMNS = ("programme", "row", "part", "person_id")
#: never written: the frame's own index, and a social security number (records.csv gets mailed)
NEVER_WRITTEN = ("rid", "ssn")
LINK_KEYS = ["programme_a", "row_a", "programme_b", "row_b", "probability"]

DECISION_VALUES = ("same", "different")

# ---------------------------------------------------------------------------
# Saving a match


def records_table(result) -> pd.DataFrame:
    """records.csv as a frame: front columns, the records frame's other columns, attributes.

    Args:
        result: a ``pipeline.MatchResult`` or a ``privacy.EncodedMatch``.

    Returns:
        One row per input row; columns in the order they are written.
    """
    records = result.records.drop(columns=list(NEVER_WRITTEN), errors="ignore")
    front = [c for c in FRONT_COLUMNS if c in records.columns]
    records = records[front + [c for c in records.columns if c not in front]]
    if getattr(result, "as_typed", None) is not None:  # names as written (overlap.as_typed)
        from overlap.as_typed import to_columns

        records = pd.concat([records.reset_index(drop=True), to_columns(result.as_typed)], axis=1)
    attributes = getattr(result, "attributes", None)
    if attributes is not None and len(attributes.columns):
        extra = [c for c in attributes.columns if c not in records.columns]
        if extra:
            records = pd.concat(
                [records.reset_index(drop=True), attributes[extra].reset_index(drop=True)], axis=1
            )
    return records.reset_index(drop=True)


def links_table(result) -> pd.DataFrame:
    """links.csv as a frame: the pairs at or above the threshold, keyed by programme and row.

    A plain match gives one ``NAME_level`` column per comparison; an encoded
    match's links already carry their Dice levels and are written as they are.
    """
    pairs = getattr(result, "scored_pairs", None)  # a match's pairs as kept (no weights needed)
    links = result.links if pairs is None else pairs[pairs["probability"] >= result.threshold]
    if "programme_a" in links.columns:  # an encoded match keys its links by programme and id
        return links.reset_index(drop=True)
    programme = result.records["programme"].to_numpy()
    row = result.records["row"].to_numpy()
    ia = links["rid_a"].to_numpy()
    ib = links["rid_b"].to_numpy()
    table = pd.DataFrame(
        {
            "programme_a": programme[ia],
            "row_a": row[ia],
            "programme_b": programme[ib],
            "row_b": row[ib],
            "probability": links["probability"].round(6).to_numpy(),
        }
    )
    for comparison in result.comparisons:
        table[f"{comparison.name}_level"] = links[f"{comparison.name}_level"].to_numpy()
    return table


def overlap_document(result, draws=None) -> dict:
    """overlap.json: the one place its document is built (``analyse.overlap_summary``, each
    count with its range beside it: ``uncertainty.ranged_summary``).

    Args:
        result: a ``pipeline.MatchResult`` or a ``privacy.EncodedMatch``.
        draws: ``uncertainty.draw_counts(result)`` if the caller made them already.

    Returns:
        The document (docs/output-files.md): people per programme, everyone
        reached, shared people per pair, exclusive intersections, and beside
        each count its ``_low``/``_high`` range where the match has one.

    Example:
        ```py
        from overlap import overlap_document

        document = overlap_document(result)
        ranges = {
            (pair["a"], pair["b"]): (pair["shared_people_low"], pair["shared_people_high"])
            for pair in document["pairwise"]
        }
        ```
    """
    from overlap.uncertainty import ranged_summary

    return ranged_summary(result, draws)


def save_result(result, folder: str | Path, overwrite: bool = False, draws=None) -> list[Path]:
    """Write records.csv, links.csv and overlap.json of a match into ``folder``.

    Args:
        result: a ``pipeline.MatchResult`` or a ``privacy.EncodedMatch``.
        folder: the folder (made if missing).
        overwrite: replace files a previous match left there.
        draws: ``uncertainty.draw_counts(result)`` if the caller made them already.

    Returns:
        The three paths written.

    Raises:
        OverlapError: a file is there already and ``overwrite`` is off.

    Example:
        ```py
        from overlap import save_result

        save_result(result, "match-out", overwrite=True)  # records.csv, links.csv, overlap.json
        ```
    """
    folder = Path(folder)
    paths = [folder / name for name in MATCH_FILES]
    if not overwrite:
        check_outputs(paths)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(records_table(result), paths[0])
    write_csv(links_table(result), paths[1])
    document = json.dumps(overlap_document(result, draws), indent=2) + "\n"
    paths[2].write_text(document, encoding="utf-8")
    return paths


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A plain CSV (UTF-8, quoted where needed) by pyarrow's writer: fast on big results."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    table = pa.Table.from_pandas(frame, preserve_index=False)
    pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="needed"))


# ---------------------------------------------------------------------------
# Loading a match


@dataclass
class LoadedResult:
    """A match folder read back."""

    folder: Path
    records: pd.DataFrame  # indexed by rid 0..N-1; row and person_id whole numbers
    links: pd.DataFrame | None  # None when the folder has no links.csv
    overlap: dict  # the overlap.json document ({} when the folder has none)
    encoded: bool  # rows are an encoded roster's random ids, not row numbers
    attribute_columns: list[str] = field(default_factory=list)

    @property
    def attributes(self) -> pd.DataFrame:
        """The rosters' own columns (not made by the matcher), indexed by rid."""
        return self.records[self.attribute_columns]

    @property
    def as_typed(self) -> pd.DataFrame | None:
        """The fields as the rosters wrote them (records.csv's ``typed_*``), or None."""
        from overlap.as_typed import from_columns

        return from_columns(self.records)


def load_result(folder: str | Path) -> LoadedResult:
    """Read a folder written by :func:`save_result` (``overlap match --out``).

    Args:
        folder: the match folder.

    Returns:
        A ``LoadedResult``: the records (indexed by rid), the links, the
        overlap.json document, and the rosters' own columns.

    Raises:
        OverlapError: the folder or its records.csv is missing, or a file is
        not what a match writes (one sentence naming the file).

    Example:
        ```py
        from overlap import load_result

        loaded = load_result("match-out")
        people, links = loaded.overlap["union_people"], len(loaded.links)
        ```
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise OverlapError(f"{folder} is not a folder; give the folder `overlap match --out` made.")
    records_path = folder / RECORDS_FILE
    if not records_path.is_file():
        raise OverlapError(
            f"{folder} has no {RECORDS_FILE}; run `overlap match --out {folder}` first."
        )
    records = _read_strings(records_path, "the records of a match")
    missing = [c for c in ("programme", "row", "person_id") if c not in records.columns]
    if missing:
        raise OverlapError(f"{records_path} lacks the column(s) {', '.join(missing)}.")
    rows = _whole_numbers(records["row"])
    encoded = rows is None
    if not encoded:
        records["row"] = rows
    person_id = _whole_numbers(records["person_id"])
    if person_id is None:
        raise OverlapError(f"{records_path} has a person_id that is not a whole number.")
    records["person_id"] = person_id
    records.index = pd.RangeIndex(len(records), name="rid")
    from overlap.normalise import OUTPUT_COLUMNS  # the columns the matcher makes

    attributes = [
        c
        for c in records.columns
        if c not in FRONT_COLUMNS and c not in OUTPUT_COLUMNS and not c.startswith("typed_")
    ]
    if encoded:  # an encoded roster's shared columns are all the owner chose to send
        attributes = [c for c in records.columns if c not in FRONT_COLUMNS]
    return LoadedResult(
        folder=folder,
        records=records,
        links=_read_links(folder / LINKS_FILE, encoded),
        overlap=_read_overlap(folder / OVERLAP_FILE),
        encoded=encoded,
        attribute_columns=attributes,
    )


def _read_strings(path: Path, what: str) -> pd.DataFrame:
    """A CSV of ours with every cell a string ("" for empty)."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        raise OverlapError(f"{path} cannot be read as {what}.") from None


def _whole_numbers(values: pd.Series) -> np.ndarray | None:
    """The column as int64, or None if any value is not a whole number."""
    text = values.astype(str).str.strip()
    if len(text) and not text.str.fullmatch(r"-?\d+").all():
        return None
    return text.astype(np.int64).to_numpy() if len(text) else np.zeros(0, np.int64)


def _read_links(path: Path, encoded: bool) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    dtypes = {"programme_a": str, "programme_b": str, "probability": float}
    if encoded:
        dtypes.update(row_a=str, row_b=str)
    try:
        links = pd.read_csv(path, keep_default_na=False, dtype=dtypes, encoding="utf-8")
    except pd.errors.EmptyDataError:
        return None
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError):
        raise OverlapError(f"{path} cannot be read as the links of a match.") from None
    if not set(LINK_KEYS) <= set(links.columns):
        raise OverlapError(f"{path} lacks the programme/row/probability columns.")
    if not encoded:
        for column in ("row_a", "row_b"):
            rows = _whole_numbers(links[column])
            if rows is None:
                raise OverlapError(f"{path} has a {column} that is not a row number.")
            links[column] = rows
    return links


def _read_overlap(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise OverlapError(f"{path} cannot be read as the overlap document of a match.") from None
    if not isinstance(document, dict):
        raise OverlapError(f"{path} cannot be read as the overlap document of a match.")
    return document


# ---------------------------------------------------------------------------
# Decisions files


@dataclass
class Decisions:
    """A decisions file read: the rows that can be applied, and why the others cannot."""

    frame: pd.DataFrame  # DECISION_COLUMNS; rows int (str ids for encoded rosters)
    problems: list[RowProblem]  # row = 1-based data row of the file, line = its line
    file_name: str
    file_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # per frame row

    def describe(self, problems: list[RowProblem] | None = None, most: int = 20) -> list[str]:
        """One line per problem row (row number and reason, never a cell)."""
        problems = self.problems if problems is None else problems
        lines = [
            f"{self.file_name} row {p.row}"
            + (f" (line {p.line})" if p.line else "")
            + f": {p.reason}"
            for p in problems[:most]
        ]
        if len(problems) > most:
            lines.append(f"{self.file_name}: ... and {len(problems) - most:,} more such rows")
        return lines


def read_decisions(
    source: str | Path | bytes,
    file_name: str | None = None,
    row_ids: bool = False,
    passphrase: str | None = None,
) -> Decisions:
    """Read a decisions file (saved by the dashboard, the CLI or by hand).

    Our own formula-safety quotes are undone; the decision is read in any
    letter case; blank lines are skipped. A row that cannot be applied (an
    unknown decision, a row that is not a row number, an empty programme) is
    left out and reported with its row number and the reason.

    Args:
        source: a path, or the file's bytes (an upload).
        file_name: the name to use in messages (default: the path's name).
        row_ids: rows are an encoded roster's random ids rather than numbers.
        passphrase: for a decisions file saved encrypted (``sealed_decisions_bytes``).

    Returns:
        The :class:`Decisions` read.

    Raises:
        OverlapError: the file is missing, is not a CSV, or lacks columns; an
            encrypted one without its passphrase, or with a wrong one.
    """
    from overlap import crypto
    from overlap.export import read_safe_csv

    if isinstance(source, bytes | bytearray):
        label = file_name or "the decisions file"
        data = bytes(source)
    else:
        path = Path(source)
        label = file_name or path.name
        if not path.is_file():
            raise OverlapError(f"The decisions file {path} does not exist.")
        data = path.read_bytes()
    if crypto.is_sealed(data):
        if not passphrase:
            raise crypto.PassphraseError(
                f"{label} is encrypted: give the passphrase it was saved with."
            )
        data = crypto.open_sealed(data, passphrase, kind="decisions", label=label)
    handle = io.BytesIO(data)
    try:
        frame = read_safe_csv(handle, skip_blank_lines=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error):
        raise OverlapError(f"{label} is not a readable CSV file of decisions.") from None
    missing = [c for c in DECISION_COLUMNS if c not in frame.columns]
    if missing:
        raise OverlapError(
            f"{label} lacks the column(s) {', '.join(missing)}; a decisions file has "
            f"{','.join(DECISION_COLUMNS)}."
        )
    frame = frame[DECISION_COLUMNS].astype(str).apply(lambda column: column.str.strip())
    frame["decision"] = frame["decision"].str.lower()
    blank = (frame == "").all(axis=1).to_numpy()
    file_rows = np.cumsum(~blank)  # data rows, blank lines not counted (as for rosters)
    reasons = _decision_problems(frame, row_ids)
    bad = reasons.ne("").to_numpy() & ~blank
    problems = [
        RowProblem(row=int(file_rows[i]), line=int(i) + 2, reason=reasons.iloc[i])
        for i in np.flatnonzero(bad)
    ]
    keep = ~bad & ~blank
    good = frame[keep].reset_index(drop=True)
    if not row_ids:
        good = good.astype({"row_a": np.int64, "row_b": np.int64})
    return Decisions(frame=good, problems=problems, file_name=label, file_rows=file_rows[keep])


def _decision_problems(frame: pd.DataFrame, row_ids: bool) -> pd.Series:
    """Per row, why it cannot be applied ("" when it can), checks in column order."""
    reasons = pd.Series("", index=frame.index, dtype=object)

    def flag(bad: pd.Series, reason: str) -> None:
        reasons[bad & (reasons == "")] = reason

    for side in ("a", "b"):
        flag(frame[f"programme_{side}"] == "", f"programme_{side} is empty; the row was left out")
        rows = frame[f"row_{side}"]
        if row_ids:
            flag(rows == "", f"row_{side} is empty; the row was left out")
        else:
            not_number = ~rows.str.fullmatch(r"\d+") | (rows.str.lstrip("0") == "")
            flag(not_number, f"row_{side} must be a row number (1, 2, ...); the row was left out")
    flag(
        ~frame["decision"].isin(DECISION_VALUES),
        "a decision must be “same” or “different”; the row was left out",
    )
    return reasons


def sealed_decisions_bytes(decisions: pd.DataFrame, passphrase: str, params=None) -> bytes:
    """A decisions file as it leaves the session: encrypted with a passphrase (overlap.crypto).

    The rows name people by programme and row number: with the rosters, that
    says who was judged to be whom, so the file is personal data.
    """
    from overlap import crypto

    extra = {} if params is None else {"params": params}
    return crypto.seal(decisions_csv_bytes(decisions), passphrase, kind="decisions", **extra)


def decisions_csv_bytes(decisions: pd.DataFrame) -> bytes:
    """A decisions file's bytes (formula-safe CSV): what :func:`read_decisions` reads back."""
    from overlap.export import safe_csv_bytes

    return safe_csv_bytes(decisions[DECISION_COLUMNS])


def decisions_not_found(records: pd.DataFrame, decisions: Decisions) -> list[RowProblem]:
    """Rows of a decisions file that name a record the match does not hold.

    Args:
        records: the matched records (``programme``, ``row``).
        decisions: a file read by :func:`read_decisions`.

    Returns:
        One problem per such row (the decisions file's row numbers).
    """
    frame = decisions.frame
    if frame.empty:
        return []
    known = pd.MultiIndex.from_arrays(
        [records["programme"].astype(str), records["row"].astype(str)]
    )
    missing = np.zeros(len(frame), dtype=bool)
    for side in ("a", "b"):
        key = pd.MultiIndex.from_arrays(
            [frame[f"programme_{side}"].astype(str), frame[f"row_{side}"].astype(str)]
        )
        missing |= ~key.isin(known)
    return [
        RowProblem(
            row=int(decisions.file_rows[i]),
            line=None,
            reason="names a record that is not in this match; the row was left out",
        )
        for i in np.flatnonzero(missing)
    ]


# ---------------------------------------------------------------------------
# Where outputs may go


def check_outputs(
    outputs: Sequence[str | Path], inputs: Sequence[str | Path] = (), overwrite: bool = False
) -> None:
    """Refuse, before any work, outputs that would do harm or fail late.

    Args:
        outputs: the files about to be written.
        inputs: the files the work reads (never written over, even with ``overwrite``).
        overwrite: existing outputs may be replaced (``--force``).

    Raises:
        OverlapError: an output is an input, exists already (without
        ``overwrite``), is a folder, or lies in a folder that cannot be
        written; the sentence names the file or the folder.
    """
    existing_inputs = [Path(p) for p in inputs if Path(p).exists()]
    probed: set[Path] = set()
    for output in map(Path, outputs):
        if output.exists():
            if any(_same_file(output, source) for source in existing_inputs):
                raise OverlapError(
                    f"{output} is one of the files being read; Overlap never writes over "
                    "its input. Choose another --out."
                )
            if output.is_dir():
                raise OverlapError(f"{output} is a folder; give a file name for --out.")
            if not overwrite:
                raise OverlapError(
                    f"{output} already exists; add --force to replace it, or choose another --out."
                )
        folder = _nearest_existing(output.parent)
        if folder not in probed:
            _check_folder_writable(folder, output)
            probed.add(folder)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _nearest_existing(folder: Path) -> Path:
    """The folder itself, or its nearest ancestor that exists (the rest is made later)."""
    folder = Path(os.path.abspath(folder))
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _check_folder_writable(folder: Path, output: Path) -> None:
    """Write and remove a scratch file: the only test that also holds for root and mounts."""
    if not folder.is_dir():
        raise OverlapError(
            f"Cannot write {output}: {folder} is a file, not a folder. Choose another --out."
        )
    try:
        handle, scratch = tempfile.mkstemp(prefix=".overlap-write-check-", dir=folder)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise OverlapError(
            f"Cannot write into the folder {folder} ({reason.lower()}); choose another --out."
        ) from None
    os.close(handle)
    os.unlink(scratch)
