"""Arrow plumbing shared by the vectorised paths: distinct values, masks, byte kernels.

Arrays here are pyarrow ``large_string``; ``None`` stands for a column that
is "" on every row (a field the roster lacks, or one that never parses), so
filling from it or choosing it costs nothing. A fast path returns null where
it cannot decide and the scalar reference takes those values.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_LARGE = pa.large_string()
_EMPTY_ARROW = pa.array([], type=_LARGE)
_UNDECIDED = pa.scalar(None, type=_LARGE)
_NOTHING = pa.scalar("", type=_LARGE)


class _Distinct:
    """A column factorized once: its distinct values and, per row, the code of its value."""

    __slots__ = ("codes", "values")

    def __init__(self, codes: np.ndarray, values: pd.Series) -> None:
        self.codes = codes
        self.values = values


def _as_str(values) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.dtype != "str":
        series = series.fillna("").astype(str)
    elif series.hasnans:
        series = series.fillna("")
    return series


def _any_text(series: pd.Series) -> bool:
    lengths = pc.binary_length(pa.array(series.array))
    return bool(len(series)) and bool(pc.max(lengths).as_py())


def _distinct(series: pd.Series) -> _Distinct:
    """Factorized by pyarrow (a little faster than pd.factorize on arrow strings)."""
    encoded = pc.dictionary_encode(_arrow(series))
    values = pd.Series(encoded.dictionary.to_pandas(), dtype=str)
    return _Distinct(encoded.indices.to_numpy(zero_copy_only=False), values)


def _factorize(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    found = _distinct(series)
    return found.codes, found.values


def _arrow(values) -> pa.Array:
    """Strings (a pandas Series or Index of str) as one pyarrow large_string array."""
    if isinstance(values, pd.Series | pd.Index):
        values = values.array
    array = pa.array(values, type=_LARGE)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array


def _blank(n: int) -> pa.Array:
    """``n`` empty strings, built from buffers rather than Python objects."""
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(np.zeros(n + 1, dtype=np.int64)), pa.py_buffer(b"")
    )


def _per_distinct(
    values: pd.Series,
    func: Callable[[str], tuple],
    width: int,
    fast: Callable[[pa.Array], list[pa.Array]] | None = None,
) -> list[pa.Array | None]:
    """``func`` (returning a ``width``-tuple) of each distinct value, as ``width`` arrays.

    ``fast`` may decide many values at once (arrays with null where it cannot
    decide, the same rows null in each); ``func`` runs on the rest only. An
    array that is "" throughout comes back as None.
    """
    if fast is None:
        rows = [func(v) for v in values.tolist()]
        parts = [pa.array([r[i] for r in rows], type=_LARGE) for i in range(width)]
    else:
        parts = fast(_arrow(values))
        todo = parts[0].is_null()
        if todo.true_count:
            undecided = values[todo.to_numpy(zero_copy_only=False)].tolist()
            rows = [func(v) for v in undecided]
            parts = [
                pc.replace_with_mask(p, todo, pa.array([r[i] for r in rows], type=_LARGE))
                for i, p in enumerate(parts)
            ]
    return [None if _all_blank(p) else p for p in parts]


def _rows_then_distinct(
    series: pd.Series, func: Callable[[str], str], fast: Callable[[pa.Array], pa.Array]
) -> pa.Array | None:
    """``fast`` on every row, ``func`` once per distinct value it leaves undecided (null).

    For columns of nearly all-distinct values, where factorizing them first
    costs more than it saves.
    """
    result = fast(_arrow(series))
    todo = result.is_null()
    if todo.true_count:
        found = _distinct(series[todo.to_numpy(zero_copy_only=False)])
        decided = pa.array([func(v) for v in found.values.tolist()], type=_LARGE)
        result = pc.replace_with_mask(result, todo, decided.take(pa.array(found.codes)))
    return None if _all_blank(result) else result


def _all_blank(array: pa.Array) -> bool:
    return not pc.any(pc.not_equal(array, "")).as_py()


def _spread(values: pa.Array | None, codes: np.ndarray) -> pa.Array | None:
    """Per-distinct results -> one value per row (None stays None: blank everywhere)."""
    if values is None:
        return None
    if len(codes) == 0:
        return _EMPTY_ARROW
    return values.take(pa.array(codes))


def _derived(array: pa.Array | None, func: Callable[[str], tuple], width: int) -> list:
    """``func`` of each distinct value of an assembled column (names -> sounds and keys)."""
    if array is None:
        return [None] * width
    found = _distinct(_to_series(array, None))
    return [_spread(p, found.codes) for p in _per_distinct(found.values, func, width)]


def _group(matches: pa.Array, name: str) -> pa.Array:
    """One named group of ``pc.extract_regex``'s result, null where the value did not match."""
    return pc.if_else(matches.is_valid(), matches.field(name), _UNDECIDED)


# Byte-level kernels for large_string arrays without nulls. They only look
# at ASCII bytes, which never occur inside a multi-byte UTF-8 character, so
# the text stays valid UTF-8 whatever else it holds.


def _buffers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets from 0, bytes) of a large_string array with no nulls, as numpy arrays."""
    if array.null_count:
        raise ValueError("byte kernels need an array without nulls")
    _validity, offsets, data = array.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int64)[array.offset : array.offset + len(array) + 1]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets - offsets[0], data[offsets[0] : offsets[-1]]


def _from_buffers(offsets: np.ndarray, data: np.ndarray) -> pa.Array:
    return pa.LargeStringArray.from_buffers(
        len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))
    )


def _count_bytes(offsets: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """How many flagged bytes each value holds."""
    n = len(offsets) - 1
    hits = np.count_nonzero(flags)
    if hits * 16 < len(flags):  # rare: find each one's value
        owner = np.searchsorted(offsets, np.flatnonzero(flags), side="right") - 1
        return np.bincount(owner, minlength=n)
    padded = np.zeros(len(flags) + 1, dtype=np.uint8)  # so every start is an index
    padded[:-1] = flags
    counts = np.add.reduceat(padded, offsets[:-1], dtype=np.int64)
    counts[offsets[1:] == offsets[:-1]] = 0  # reduceat gives an empty value its next byte
    return counts


def _printable(values: pa.Array) -> np.ndarray:
    """Per value: every character is printable ASCII (space to ~), like ``fullmatch("[ -~]*")``."""
    offsets, data = _buffers(values)
    return _count_bytes(offsets, (data < 0x20) | (data > 0x7E)) == 0


def _drop_bytes_where(offsets: np.ndarray, data: np.ndarray, drop: np.ndarray) -> pa.Array:
    if not drop.any():
        return _from_buffers(offsets, data)
    dropped = np.zeros(len(offsets), dtype=np.int64)
    np.cumsum(_count_bytes(offsets, drop), out=dropped[1:])
    return _from_buffers(offsets - dropped, data[~drop])


def _drop_bytes(values: pa.Array, chars: bytes) -> pa.Array:
    """The values without any of the ASCII ``chars``."""
    offsets, data = _buffers(values)
    drop = np.zeros(256, dtype=bool)
    drop[list(chars)] = True
    return _drop_bytes_where(offsets, data, drop[data])


def _map_bytes(values: pa.Array, table: np.ndarray) -> pa.Array:
    """Each byte through ``table`` (which must map ASCII to ASCII and leave the rest alone)."""
    offsets, data = _buffers(values)
    return _from_buffers(offsets.copy(), table[data])


def _squeeze_spaces(values: pa.Array) -> pa.Array:
    """Runs of spaces as one space (``replace(" +", " ")``)."""
    offsets, data = _buffers(values)
    space = data == ord(" ")
    repeat = np.zeros(len(data), dtype=bool)
    repeat[1:] = space[1:] & space[:-1]
    repeat[offsets[:-1][offsets[:-1] < len(data)]] = (
        False  # a value's first byte follows another value
    )
    return _drop_bytes_where(offsets, data, repeat)


def _or_blank(array: pa.Array | None, n: int) -> pa.Array:
    return _blank(n) if array is None else array


def _fullmatch(values: pa.Array, pattern: str) -> pa.Array:
    """``str.fullmatch`` in pyarrow (RE2): the whole value matches ``pattern``."""
    return pc.match_substring_regex(values, f"^(?:{pattern})$")


def _to_series(array: pa.Array, index: pd.Index | None) -> pd.Series:
    series = array.to_pandas()
    if series.dtype != "str":
        series = series.astype(str)
    if index is not None:
        series.index = index
    return series


# Masks are boolean arrays, or None for "false on every row".


def _filled(array: pa.Array | None) -> pa.Array | None:
    return None if array is None else pc.not_equal(array, "")


def _not_filled(array: pa.Array | None) -> pa.Array | bool:
    return True if array is None else pc.equal(array, "")


def _and_not(mask: pa.Array | bool | None, other: pa.Array | None) -> pa.Array | None:
    """``mask & ~other`` (``mask`` may be True: everywhere)."""
    if mask is None:
        return None
    if other is None:
        return None if mask is True else mask
    return pc.invert(other) if mask is True else pc.and_(mask, pc.invert(other))


def _where(mask: pa.Array | None, yes: pa.Array | None, no: pa.Array | None) -> pa.Array | None:
    """``yes`` where ``mask`` holds, else ``no``."""
    if mask is None or yes is no:
        return no
    return pc.if_else(mask, _NOTHING if yes is None else yes, _NOTHING if no is None else no)


def _fill(primary: pa.Array | None, fallback: pa.Array | None) -> pa.Array | None:
    """``primary`` where it is non-empty, else ``fallback``."""
    if fallback is None:
        return primary
    if primary is None:
        return fallback
    return pc.if_else(_filled(primary), primary, fallback)


def _extract(series: pd.Series, pattern: str) -> pd.DataFrame:
    """``Series.str.extract`` with named groups, run by pyarrow (RE2) not Python."""
    array = pa.array(series.astype(str).array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    struct = pc.extract_regex(array, pattern)
    if isinstance(struct, pa.ChunkedArray):
        struct = struct.combine_chunks()
    names = [struct.type.field(i).name for i in range(struct.type.num_fields)]
    valid = struct.is_valid().to_numpy(zero_copy_only=False)
    columns = {}
    for name in names:
        values = struct.field(name).to_numpy(zero_copy_only=False).astype(object)
        values[~valid] = np.nan
        columns[name] = values
    return pd.DataFrame(columns, index=series.index)
