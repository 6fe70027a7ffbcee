"""Encoding a roster: keyed Bloom filters (CLKs), keyed blocking keys, the owner's key map.

Everything here runs on the owner's own computer: it reads the plain roster
and turns it into what may leave the building (see the package docstring).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.errors import OverlapError
from overlap.privacy.scheme import (  # noqa: F401 - re-exported
    BLOCK_KEY_CAPS,
    BLOCK_KEYS,
    FIELD_HASHES,
    FIELD_KEY,
    FIELD_SEGMENT,
    HKDF_SALT,
    ID_BYTES,
    MAGIC,
    MAX_BLOCK_SIZE,
    MIN_SECRET_BYTES,
    N_BITS,
    NORMALISED_COLUMNS,
    SCHEMA_VERSION,
    SEGMENT_WORDS,
    WORDS,
    EncodedFileError,
    SecretError,
    bigrams,
    check_secret,
    clk_settings,
    hkdf_sha256,
    key_check,
    key_settings,
    random_ids,
    read_secret,
    segment_bits,
)
from overlap.results import DEFAULT_THRESHOLD  # noqa: F401 - the one default strictness

# ----------------------------------------------------------------------- encoding


def _bigram_positions(
    tokens: list[str], key: bytes, k: int, seg_bits: int, offset: int = 0
) -> np.ndarray:
    """Bit positions (len(tokens), k) of each bigram under one field key (keyed BLAKE2b).

    Positions fall in ``[offset, offset + seg_bits)``: the field's segment.
    """
    out = np.empty((len(tokens), k), dtype=np.int64)
    per_digest = 32  # 64-byte digest = 32 big-endian uint16 positions
    for i, token in enumerate(tokens):  # distinct bigrams of one field: a few hundred
        data = token.encode("utf-8")
        words = []
        for block in range((k + per_digest - 1) // per_digest):
            digest = hashlib.blake2b(
                data, key=key, digest_size=64, person=block.to_bytes(16, "big")
            ).digest()
            words.append(np.frombuffer(digest, dtype=">u2"))
        out[i] = offset + np.concatenate(words)[:k].astype(np.int64) % seg_bits
    return out


def _value_filters(
    values: list[str], key: bytes, k: int, n_bits: int, segment: tuple[int, int] | None = None
) -> np.ndarray:
    """Bloom filter (len(values), n_bits // 64) uint64 for each distinct value of one field."""
    grams = [bigrams(v) for v in values]
    vocab = list(dict.fromkeys(g for gs in grams for g in gs))
    words = n_bits // 64
    table = np.zeros((len(values), words), dtype=np.uint64)
    if not vocab:
        return table
    code = {g: i for i, g in enumerate(vocab)}
    start_bit, stop_bit = segment or (0, n_bits)
    positions = _bigram_positions(vocab, key, k, stop_bit - start_bit, start_bit)
    lengths = np.fromiter((len(gs) for gs in grams), dtype=np.int64, count=len(grams))
    value_of = np.repeat(np.arange(len(values)), lengths)
    gram_of = np.fromiter((code[g] for gs in grams for g in gs), dtype=np.int64)
    chunk = 20_000
    for start in range(0, len(values), chunk):
        stop = min(start + chunk, len(values))
        sel = (value_of >= start) & (value_of < stop)
        bits = np.zeros((stop - start, n_bits), dtype=bool)
        pos = positions[gram_of[sel]]  # (m, k)
        rows = np.repeat(value_of[sel] - start, k)
        bits[rows, pos.ravel()] = True
        table[start:stop] = packed_to_words(np.packbits(bits, axis=1))
    return table


def packed_to_words(packed: np.ndarray) -> np.ndarray:
    """uint8 (n, n_bits/8) big-endian bit order -> uint64 words (n, n_bits/64), same bytes."""
    return np.ascontiguousarray(packed).view(np.uint64)


def words_to_base64(words: np.ndarray) -> list[str]:
    """One base64 string per row of uint64 words (the bytes of np.packbits, bit 0 first)."""
    raw = np.ascontiguousarray(words).view(np.uint8)
    return [base64.b64encode(row.tobytes()).decode("ascii") for row in raw]


def base64_to_words(texts: list[str] | pd.Series, n_bits: int = N_BITS) -> np.ndarray:
    """Inverse of :func:`words_to_base64`."""
    n_bytes = n_bits // 8
    joined = b"".join(base64.b64decode(t) for t in texts)
    if len(joined) != n_bytes * len(texts):
        raise EncodedFileError(f"an encoding is not {n_bits} bits long")
    return np.frombuffer(joined, dtype=np.uint8).reshape(len(texts), n_bytes).view(np.uint64)


def _column(records: pd.DataFrame, name: str) -> pd.Series:
    if name not in records.columns:
        return pd.Series([""] * len(records), index=records.index, dtype=object)
    return records[name].fillna("").astype(str)


def encoding_fields(records: pd.DataFrame) -> dict[str, pd.Series]:
    """The strings that go into the Bloom filter, per encoded field, from normalised records."""
    first_key = _column(records, "first_key")
    first_key = first_key.where(first_key != "", _column(records, "first_name"))
    house = _column(records, "house_number")
    street_name = _column(records, "street_name")
    address = (house + " " + street_name).str.strip()
    address = address.where(street_name != "", _column(records, "street"))
    dob = _column(records, "dob").str.replace("-", "", regex=False)
    phone = _column(records, "phone").str.replace("+", "", regex=False)
    return {
        "first_name": _column(records, "first_name"),
        "first_key": first_key,
        "last_name": _column(records, "last_name"),
        "suffix": _column(records, "suffix"),
        "dob": dob,
        "address": address,
        "zip": _column(records, "zip"),
        "city": _column(records, "city"),
        "phone": phone,
    }


def block_key_parts(records: pd.DataFrame) -> dict[str, pd.Series]:
    """The plain keys behind each blocking key ("" where a part is missing)."""
    dob = _column(records, "dob")
    ssn = _column(records, "ssn").str.replace(r"\D", "", regex=True)
    first_key = _column(records, "first_key")
    first_key = first_key.where(first_key != "", _column(records, "first_name"))
    parts = {
        "last_sound": _column(records, "last_sound"),
        "first_sound": _column(records, "first_sound"),
        "first_key": first_key,
        "first_initial": first_key.str[:1],
        "last_initial": _column(records, "last_name").str[:1],
        "last_name": _column(records, "last_name"),
        "birth_year": dob.str[:4],
        "dob": dob,
        "dob_month_day": dob.str[5:],
        "zip": _column(records, "zip"),
        "house_number": _column(records, "house_number"),
        "street_name": _column(records, "street_name"),
        "phone": _column(records, "phone"),
        "email": _column(records, "email"),
        # social security number whole and in two parts (first 5, last 4 digits),
        # so a one-digit typo still agrees on one part
        "ssn": ssn,
        "ssn_head": ssn.str[:5].where(ssn.str.len() == 9, ""),
        "ssn_tail": ssn.str[5:].where(ssn.str.len() == 9, ""),
        # a roster's own record ID: compared inside one roster only (see pair_levels)
        "record_id": _column(records, "record_id"),
    }
    out = {}
    for name, needed in BLOCK_KEYS.items():
        joined = parts[needed[0]]
        ok = joined != ""
        for part in needed[1:]:
            joined = joined + "|" + parts[part]
            ok &= parts[part] != ""
        out[name] = joined.where(ok, "")
    return out


def keyed_block_hashes(values: pd.Series, key: bytes) -> np.ndarray:
    """HMAC-SHA256 (truncated to 96 bits, base64url) of each distinct non-empty value."""
    codes, uniques = pd.factorize(values, sort=False)
    hashed = np.array(
        [
            base64.urlsafe_b64encode(
                hmac.new(key, u.encode("utf-8"), hashlib.sha256).digest()[:12]
            ).decode("ascii")
            if u
            else ""
            for u in uniques
        ]
        + [""],
        dtype=object,
    )
    return hashed[np.where(codes < 0, len(uniques), codes)]


def keyed_blocks(records: pd.DataFrame, secret: bytes) -> pd.DataFrame:
    """The ``b_<key>`` column of every blocking key: keyed hashes, "" where a part is missing."""
    return pd.DataFrame(
        {
            f"b_{bk}": keyed_block_hashes(values, hkdf_sha256(secret, b"block:" + bk.encode()))
            for bk, values in block_key_parts(records).items()
        },
        index=records.index,
    )


def clk_words(records: pd.DataFrame, secret: bytes, n_bits: int = N_BITS) -> np.ndarray:
    """The CLK of each record as uint64 words (len(records), n_bits // 64), in record order.

    Deterministic: the same secret and the same normalised values give the
    same bits, whatever the order of the records.
    """
    words = np.zeros((len(records), n_bits // 64), dtype=np.uint64)
    for name, values in encoding_fields(records).items():
        k = FIELD_HASHES.get(name, 0)
        if k == 0:
            continue
        codes, uniques = pd.factorize(values, sort=False)
        table = _value_filters(
            [str(u) for u in uniques],
            hkdf_sha256(secret, b"field:" + FIELD_KEY.get(name, name).encode()),
            k,
            n_bits,
            segment_bits(FIELD_SEGMENT[name], n_bits),
        )
        table = np.vstack([table, np.zeros((1, table.shape[1]), dtype=np.uint64)])
        words |= table[np.where(codes < 0, len(uniques), codes)]
    return words


@dataclass
class EncodedRoster:
    """What leaves the building: random ids, CLKs, keyed blocking keys, shared columns.

    ``frame`` columns: ``id``, ``clk`` (base64 of the 1,024 bits), one ``b_<key>``
    per blocking key (opaque, "" where missing), then the shared columns.
    """

    name: str
    frame: pd.DataFrame
    params: dict = field(default_factory=dict)


@dataclass
class KeyMap:
    """What stays home: each random id and the owner's row number (1-based data row)."""

    name: str
    frame: pd.DataFrame  # id, row
    params: dict = field(default_factory=dict)  # programme, records, roster_sha256, how it was read


def encode_roster(
    records: pd.DataFrame,
    secret: bytes,
    share_columns: list[str] | None = None,
    attributes: pd.DataFrame | None = None,
    name: str | None = None,
) -> tuple[EncodedRoster, KeyMap]:
    """Encode one roster's normalised records for privacy-preserving matching.

    Args:
        records: normalised records of ONE roster (``normalise_fields`` output,
            with ``row`` = 1-based data row; 1..n is assumed if absent).
        secret: the secret shared by the partners (16+ bytes).
        share_columns: columns to send along in plain text (normalised fields
            such as ``zip`` or ``city``, or attribute columns by their header).
        attributes: the roster's attribute columns (for shared attributes).
        name: programme name written into the file.

    Returns:
        The encoded roster (shuffled, random ids) and the owner's key map.
    """
    secret = check_secret(secret)
    share_columns = list(share_columns or [])
    if name is None:
        name = str(records["programme"].iloc[0]) if "programme" in records and len(records) else ""
    n = len(records)
    rows = (
        records["row"].to_numpy(dtype=np.int64)
        if "row" in records.columns
        else np.arange(1, n + 1, dtype=np.int64)
    )
    shared = {}
    for col in share_columns:
        if col in records.columns and col not in ("row", "rid", "programme"):
            shared[col] = records[col].fillna("").astype(str).to_numpy()
        elif attributes is not None and col in attributes.columns:
            shared[col] = attributes[col].fillna("").astype(str).to_numpy()
        else:
            raise OverlapError(
                f"cannot share column {col!r}: the roster {name or ''} has no such field or column"
            )
    words = clk_words(records, secret)
    blocks = keyed_blocks(records, secret)
    ids = np.array(random_ids(n))
    order = np.argsort(ids, kind="stable")  # random ids in sorted order = a random shuffle
    frame = pd.DataFrame({"id": ids[order], "clk": np.array(words_to_base64(words[order]))})
    for col in blocks.columns:
        frame[col] = blocks[col].to_numpy()[order]
    for col, values in shared.items():
        frame[col] = values[order]
    params = clk_settings(name, n, list(shared), secret)
    keymap = KeyMap(name=name, frame=pd.DataFrame({"id": ids, "row": rows}))
    return EncodedRoster(name=name, frame=frame, params=params), keymap


def encode_file(
    source: str | os.PathLike | bytes,
    secret: bytes,
    share_columns: list[str] | None = None,
    name: str | None = None,
    file_name: str | None = None,
    sheet: str | None = None,
    overrides: dict[str, str] | None = None,
) -> tuple[EncodedRoster, KeyMap, object]:
    """Read, map, normalise and encode one roster file (the ``overlap encode`` command).

    Args:
        source: a path, or the file's bytes (an upload: never written to disk).
        secret: the shared secret.
        share_columns: columns to send in plain text.
        name: programme name (default: the file's stem).
        file_name: for bytes, the uploaded file's name.
        sheet: sheet of a workbook.
        overrides: raw column -> field corrections to the guessed mapping
            (``ignore``/``attribute`` unmap a column).

    Returns:
        ``(encoded, keymap, roster)``; the roster says which rows had problems.
    """
    from overlap.ingest import read_roster
    from overlap.mapping import apply_mapping, apply_overrides, check_linkable, guess_mapping
    from overlap.pipeline import prepare_records

    secret = check_secret(secret)
    if isinstance(source, bytes):
        roster = read_roster(source, name=file_name or "roster.csv", sheet=sheet)
        if name:
            roster.name = name
    else:
        roster = read_roster(source, name=name, sheet=sheet)
    label = getattr(roster, "file_name", "") or roster.name
    guess = guess_mapping(roster.frame)
    if overrides:
        guess = apply_overrides(guess, overrides, label)
    mapping = {raw: f for raw, f in guess.mapping.items() if f}
    check_linkable(mapping, label)
    records, attributes = prepare_records([apply_mapping(roster, mapping)])
    encoded, keymap = encode_roster(
        records, secret, share_columns=share_columns, attributes=attributes, name=roster.name
    )
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    keymap.params = key_settings(
        roster.name, len(records), data, getattr(roster, "sheet", None), overrides
    )
    return encoded, keymap, roster
