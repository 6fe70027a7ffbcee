"""The rosters a command is given: which file each option names, each file read and mapped.

``overlap inspect``, ``match`` and ``encode`` take the same per-file options:
``--map FILE:COLUMN=FIELD`` and ``--sheet FILE:SHEET``, where FILE is one of
the files given (its name, with or without the extension, or its path) and
may be left out when only one file is given. A FILE that is not an input is
an error, never silently ignored. ``read_inputs`` reads every file (its
sheet chosen), refuses the same roster given twice (the same bytes, or the
same rows) unless asked, and maps each with the user's corrections.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.errors import MappingError, OverlapError
from overlap.evidence import share_evidence
from overlap.ingest import Roster, read_roster
from overlap.mapping import (
    MappedRoster,
    MappingGuess,
    apply_mapping,
    apply_overrides,
    check_linkable,
    guess_mapping,
    parse_map_spec,
)

SAME_HINT = "leave one out, or add --allow-same to match them anyway"


@dataclass
class Inputs:
    """Rosters read and mapped, in the order given."""

    rosters: list[Roster]
    guesses: list[MappingGuess]
    mapped: list[MappedRoster]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(len(r.frame) for r in self.rosters)

    @property
    def problem_rows(self) -> int:
        return sum(len(r.problems) for r in self.rosters)


# ---------------------------------------------------------------------------
# Which file an option names


def file_index(key: str, files: Sequence[str | Path], option: str, spec: str) -> int:
    """The input a ``FILE:`` prefix names: its path as given, its name, or its stem.

    Raises:
        OverlapError: it names none of the files given, or more than one.
    """
    folded = key.casefold()
    exact = [i for i, f in enumerate(files) if str(f) == key]
    if exact:
        return exact[0]
    found = [
        i
        for i, f in enumerate(files)
        if folded in (Path(f).name.casefold(), Path(f).stem.casefold())
        or _same_path(Path(key), Path(f))
    ]
    names = ", ".join(Path(f).name for f in files)
    if len(found) > 1:
        raise OverlapError(
            f"{option} '{spec}' names more than one of the files given ({names}); "
            f"write the file's path as you gave it, e.g. {option} {files[found[0]]}:..."
        )
    if not found:
        raise OverlapError(
            f"{option} '{spec}' names the file '{key}', which is not one of the files given "
            f"({names}); write {option} FILE:..., FILE being one of them"
            + (
                f" (for a column whose name holds ':', write the file first: "
                f"--map {Path(files[0]).name}:{spec})."
                if option == "--map"
                else "."
            )
        )
    return found[0]


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.exists() and a.resolve() == b.resolve()
    except OSError:
        return False


def maps_per_file(specs: Sequence[str], files: Sequence[str | Path]) -> list[dict[str, str]]:
    """``--map FILE:COLUMN=FIELD`` options as one ``{column: field}`` per file.

    Raises:
        MappingError, OverlapError: a spec is malformed, names an unknown
        field, names a file that is not an input, or leaves the file out
        while several are given.
    """
    per_file: list[dict[str, str]] = [{} for _ in files]
    for spec in specs:
        key, raw, field = parse_map_spec(spec)
        if key is None:
            if len(files) != 1:
                raise MappingError(
                    f"--map '{spec}' does not say which file it is for; write "
                    f"--map FILE:{raw}={field}, e.g. --map {Path(files[0]).name}:{raw}={field}."
                )
            per_file[0][raw] = field
            continue
        per_file[file_index(key, files, "--map", spec)][raw] = field
    return per_file


def sheets_per_file(specs: Sequence[str], files: Sequence[str | Path]) -> list[str | None]:
    """``--sheet FILE:SHEET`` options as one sheet (or None) per file.

    A sheet's name cannot hold ':' in Excel or LibreOffice, so FILE is all
    before the last ':'; with one file given, ``--sheet SHEET`` is enough.
    """
    sheets: list[str | None] = [None for _ in files]
    for spec in specs:
        key, colon, sheet = spec.rpartition(":")
        if not colon:
            if len(files) != 1:
                raise OverlapError(
                    f"--sheet '{spec}' does not say which file it is for; write --sheet "
                    f"FILE:{spec}, e.g. --sheet {Path(files[0]).name}:{spec}."
                )
            sheets[0] = spec
            continue
        if not sheet.strip():
            raise OverlapError(f"--sheet '{spec}' names no sheet; write --sheet FILE:SHEET.")
        sheets[file_index(key, files, "--sheet", spec)] = sheet
    return sheets


# ---------------------------------------------------------------------------
# The same roster twice


def refuse_same_files(files: Sequence[str | Path], allow_same: bool = False) -> None:
    """Refuse two inputs holding the very same bytes (only files of equal size are read).

    Raises:
        OverlapError: naming both files, unless ``allow_same``.
    """
    if allow_same:
        return
    paths = [Path(f) for f in files]
    resolved = [p.resolve() for p in paths]
    for i, path in enumerate(resolved):
        if path in resolved[:i]:
            raise OverlapError(
                f"{paths[i].name} is given twice; matching a roster with itself reports "
                f"everyone as shared: {SAME_HINT}."
            )
    by_size: dict[int, list[Path]] = {}
    for path in paths:
        if path.is_file():
            by_size.setdefault(path.stat().st_size, []).append(path)
    for group in by_size.values():
        seen: dict[str, Path] = {}
        for path in group if len(group) > 1 else []:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest in seen:
                raise OverlapError(
                    f"{path.name} is the very same file as {seen[digest].name} (the same "
                    f"bytes); matching a roster with itself reports everyone as shared: "
                    f"{SAME_HINT}."
                )
            seen[digest] = path


def refuse_same_rows(rosters: Sequence[Roster], allow_same: bool = False) -> None:
    """Refuse two rosters holding the very same rows (say a CSV and an XLSX export of one list).

    Raises:
        OverlapError: naming both files, unless ``allow_same``.
    """
    if allow_same:
        return
    by_shape: dict[tuple, list[Roster]] = {}
    fingerprints: dict[int, np.ndarray] = {}

    def fingerprint(roster: Roster) -> np.ndarray:
        if id(roster) not in fingerprints:
            fingerprints[id(roster)] = _row_fingerprint(roster.frame)
        return fingerprints[id(roster)]

    for roster in rosters:
        same_shape = by_shape.setdefault(roster.frame.shape, [])
        for other in same_shape:  # rosters of another shape never need a fingerprint
            if np.array_equal(fingerprint(other), fingerprint(roster)):
                raise OverlapError(
                    f"{roster.file_name} holds the very same rows as {other.file_name}; "
                    f"matching a roster with itself reports everyone as shared: {SAME_HINT}."
                )
        same_shape.append(roster)


def same_rows(a: Roster, b: Roster) -> bool:
    """Whether two rosters hold the very same rows (values, in any order)."""
    if a.frame.shape != b.frame.shape:
        return False
    return np.array_equal(_row_fingerprint(a.frame), _row_fingerprint(b.frame))


def _row_fingerprint(frame: pd.DataFrame) -> np.ndarray:
    """Each row's hash (values only, in column order), sorted: equal for the same rows."""
    values = frame.copy()
    values.columns = range(values.shape[1])
    return np.sort(pd.util.hash_pandas_object(values, index=False).to_numpy())


# ---------------------------------------------------------------------------
# Reading and mapping


def read_inputs(
    files: Sequence[str | Path],
    names: Sequence[str] | None = None,
    sheets: Sequence[str] = (),
    maps: Sequence[str] = (),
    allow_same: bool = False,
    progress: Callable[[str, dict], None] | None = None,
) -> Inputs:
    """Read, check and map the rosters of one command.

    Args:
        files: roster files, in order.
        names: a programme name per file (default: each file's stem).
        sheets: ``--sheet FILE:SHEET`` options.
        maps: ``--map FILE:COLUMN=FIELD`` options.
        allow_same: match a roster given twice anyway.
        progress: called once as ``progress("read", info)`` (counts and seconds).

    Returns:
        The rosters, their mapping guesses (corrections applied) and the mapped rosters.

    Raises:
        OverlapError: an option names no input, a file cannot be read, the
        same roster is given twice, or a roster has no column of names.
    """
    started = time.perf_counter()
    if names is not None and len(names) != len(files):
        raise OverlapError(
            f"Got {len(names)} --name value(s) for {len(files)} file(s); "
            "give one per file, in the same order."
        )
    chosen_sheets = sheets_per_file(sheets, files)
    corrections = maps_per_file(maps, files)
    refuse_same_files(files, allow_same)
    rosters = []
    for i, path in enumerate(files):
        roster = read_roster(path, name=names[i] if names else None, sheet=chosen_sheets[i])
        check_sheet_applies(roster, chosen_sheets[i])
        rosters.append(roster)
    refuse_same_rows(rosters, allow_same)
    guesses = guess_mappings(rosters, corrections)
    mapped = [apply_mapping(r, g.mapping) for r, g in zip(rosters, guesses, strict=True)]
    inputs = Inputs(rosters, guesses, mapped, round(time.perf_counter() - started, 3))
    if progress is not None:
        progress(
            "read",
            {
                "stage": "read",
                "seconds": inputs.seconds,
                "files": len(rosters),
                "rows": inputs.rows,
                "problem_rows": inputs.problem_rows,
            },
        )
    return inputs


def guess_mappings(
    rosters: Sequence[Roster], corrections: Sequence[dict[str, str]] | None = None
) -> list[MappingGuess]:
    """Each roster's mapping as a match makes it: guessed, corrected, and the columns several
    rosters share chosen as evidence across them (``overlap.evidence``).

    Raises:
        MappingError: a roster has no column of names.
    """
    corrections = list(corrections) if corrections is not None else [{} for _ in rosters]
    guesses = [map_roster(r, c) for r, c in zip(rosters, corrections, strict=True)]
    share_evidence([r.name for r in rosters], [r.frame for r in rosters], guesses)
    return guesses


def map_rosters(
    rosters: Sequence[Roster], corrections: Sequence[dict[str, str]] | None = None
) -> list[MappedRoster]:
    """Map rosters read with ``read_roster`` for matching, as ``overlap match`` maps its files.

    Args:
        rosters: the rosters, in order.
        corrections: per roster, ``{column: field}`` laid over the guess (a
            field name, ``"attribute"`` or ``"ignore"``); None for none.

    Returns:
        One ``MappedRoster`` per roster, ready for ``match_rosters``.

    Raises:
        MappingError: a roster has no column of names, or a correction names
            a column the roster lacks or a field Overlap does not know.

    Example:
        ```py
        from overlap import map_rosters, read_roster

        rosters = [
            read_roster("data/samples/employer_new_hires.csv", name="Employer"),
            read_roster("data/samples/job_placement_participants.csv", name="Job programme"),
        ]
        mapped = map_rosters(rosters, [{"work_email": "ignore"}, {}])
        fields = mapped[0].mapping  # each column and the field it holds
        ```
    """
    guesses = guess_mappings(rosters, corrections)
    return [apply_mapping(r, g.mapping) for r, g in zip(rosters, guesses, strict=True)]


def check_sheet_applies(roster: Roster, sheet: str | None) -> None:
    """Refuse ``--sheet`` for a text file (which has no sheets) rather than ignore it."""
    if sheet is not None and not roster.sheets:
        raise OverlapError(
            f"--sheet names a sheet of {roster.file_name}, which is a text file without "
            "sheets; leave --sheet out for it."
        )


def guess_with_corrections(roster: Roster, corrections: dict[str, str]) -> MappingGuess:
    """The guessed mapping with the user's corrections on top."""
    return apply_overrides(guess_mapping(roster.frame), corrections, roster.file_name)


def map_roster(roster: Roster, corrections: dict[str, str]) -> MappingGuess:
    """The mapping a roster is matched with; refused, with what to do, if it has no names."""
    guess = guess_with_corrections(roster, corrections)
    try:
        check_linkable(guess.mapping, roster.file_name)
    except MappingError as error:
        others = [s for s in roster.sheets if s != roster.sheet]
        if not others:
            raise
        listed = ", ".join(f"'{s}'" for s in others)
        raise MappingError(
            f"{error} It has other sheets ({listed}); to read one, add "
            f"--sheet {roster.file_name}:SHEET."
        ) from None
    return guess
