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
from overlap.results import DEFAULT_THRESHOLD  # noqa: F401 - the one default strictness

SCHEMA_VERSION = 2  # 2: the settings line carries a checksum of the records
MAGIC = "#overlap-clk"
N_BITS = 1024
WORDS = N_BITS // 64
MIN_SECRET_BYTES = 16
HKDF_SALT = b"overlap-clk-v1"
MAX_BLOCK_SIZE = 200
ID_BYTES = 8

# Bits set per bigram, by field: the field weights. Chosen so that names and
# date of birth (which tell people apart, also inside one household) outweigh
# address, ZIP and phone (which household members share), as in our
# Fellegi–Sunter model. Tuned on data/samples, checked on FEBRL4.
FIELD_HASHES: dict[str, int] = {
    "first_name": 8,
    "first_key": 8,
    "last_name": 10,
    "suffix": 8,
    "dob": 12,
    "address": 4,
    "zip": 3,
    "phone": 2,
}

# Each field hashes into one segment of the filter: "identity" (names, date of
# birth) or "contact" (address, ZIP, phone). Dice is computed per segment, so
# a household (same surname, address, phone) is not mistaken for one person
# the way a single mixed filter mistakes it.
# First and last names share one key, so a record with the two names swapped
# sets the same bits (rosters swap them often); the nickname key stays apart.
FIELD_KEY: dict[str, str] = {"first_name": "name", "last_name": "name"}

FIELD_SEGMENT: dict[str, str] = {
    "suffix": "names",
    "first_name": "names",
    "first_key": "names",
    "last_name": "names",
    "dob": "dob",
    "address": "contact",
    "zip": "contact",
    "city": "contact",
    "phone": "contact",
}
SEGMENT_WORDS: dict[str, int] = {"names": 8, "dob": 3, "contact": 5}  # 64-bit words each


def segment_bits(name: str, n_bits: int = N_BITS) -> tuple[int, int]:
    """First and past-the-end bit of a segment (segments are whole 64-bit words)."""
    scale = (n_bits // 64) / sum(SEGMENT_WORDS.values())
    start = 0
    for seg, words in SEGMENT_WORDS.items():
        size = round(words * scale)
        if seg == name:
            return start * 64, (start + size) * 64
        start += size
    raise KeyError(name)


# Blocking keys: name -> the normalised parts joined (all must be non-empty).
BLOCK_KEYS: dict[str, tuple[str, ...]] = {
    "last_sound_year": ("last_sound", "birth_year"),
    "dob": ("dob",),
    "zip_first_name": ("zip", "first_key"),
    "zip_initial_year": ("zip", "first_initial", "birth_year"),
    "zip_initials": ("zip", "first_initial", "last_initial"),
    "first_last_sound": ("first_key", "last_sound"),
    "first_sound_dob_md": ("first_sound", "dob_month_day"),
    "house_zip": ("house_number", "zip"),
    "street": ("house_number", "street_name"),
    "street_zip": ("street_name", "zip"),
    "last_sound_zip": ("last_sound", "zip"),
    "first_street": ("first_key", "street_name"),
    "first_sound_year": ("first_sound", "birth_year"),
    # names alone, for rosters that share nothing else (a census roster and a tax roster
    # without a date of birth or a usable address): a first-name typo, a sound-alike spelling
    "last_sound_first_initial": ("last_sound", "first_initial"),
    "first_last_sounds": ("first_sound", "last_sound"),
    "last_name": ("last_name",),  # uncommon surnames only (see BLOCK_KEY_CAPS)
    "phone": ("phone",),
    "email": ("email",),
    "ssn": ("ssn",),
    "ssn_head": ("ssn_head",),
    "ssn_tail": ("ssn_tail",),
    "record_id": ("record_id",),
}

#: Blocks of these keys larger than this are skipped (others: MAX_BLOCK_SIZE): a surname
#: alone is only worth comparing when it is uncommon.
BLOCK_KEY_CAPS: dict[str, int] = {"last_name": 25}

NORMALISED_COLUMNS = [
    "first_name",
    "last_name",
    "dob",
    "house_number",
    "street_name",
    "zip",
    "phone",
    "email",
    "first_sound",
    "last_sound",
]


class SecretError(OverlapError):
    """The shared secret is missing, unreadable or too short."""


class EncodedFileError(OverlapError):
    """A .clk file is not an Overlap encoding, or files cannot be linked together."""


# --------------------------------------------------------------------------- keys


def read_secret(path: str | os.PathLike) -> bytes:
    """Read the shared secret from a file, refusing one that is missing or too short.

    A trailing newline (as ``echo`` or an editor leaves it) is not part of the
    secret, so the same file made on Windows or Linux gives the same key.
    """
    p = Path(path)
    if not p.is_file():
        raise SecretError(
            f"the secret file {p} does not exist; make one with "
            f'`python -c "import secrets; print(secrets.token_hex(32))" > {p}` '
            "and give the same file to every partner"
        )
    secret = p.read_bytes().rstrip(b"\r\n")
    return check_secret(secret, str(p))


def check_secret(secret: bytes, where: str = "the secret") -> bytes:
    """Refuse a secret too short to resist guessing."""
    if len(secret) < MIN_SECRET_BYTES:
        raise SecretError(
            f"{where} holds {len(secret)} bytes; it needs at least {MIN_SECRET_BYTES} "
            "random bytes (for example 64 hex characters from "
            '`python -c "import secrets; print(secrets.token_hex(32))"`)'
        )
    return secret


def hkdf_sha256(secret: bytes, info: bytes, length: int = 32, salt: bytes = HKDF_SALT) -> bytes:
    """HKDF (RFC 5869) with SHA-256: one independent key per purpose from one secret."""
    prk = hmac.new(salt, secret, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def key_check(secret: bytes) -> str:
    """A short fingerprint of the secret, so files made with different secrets are refused.

    It is a keyed hash of a fixed label, so it says nothing about the secret
    beyond "same or not" (a secret of 16+ random bytes cannot be guessed from it).
    """
    return hkdf_sha256(secret, b"key-check", 8).hex()


# ----------------------------------------------------------------------- encoding


def bigrams(value: str) -> list[str]:
    """Distinct padded bigrams of a value ("" has none)."""
    if not value:
        return []
    padded = f"_{value}_"
    return list(dict.fromkeys(padded[i : i + 2] for i in range(len(padded) - 1)))


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


def _random_ids(n: int) -> np.ndarray:
    """n distinct random hex ids from the operating system's cryptographic generator."""
    while True:
        raw = os.urandom(ID_BYTES * n)
        ids = np.array(["r" + raw[i : i + ID_BYTES].hex() for i in range(0, len(raw), ID_BYTES)])
        if len(np.unique(ids)) == n:
            return ids


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
    ids = _random_ids(n)
    order = np.argsort(ids, kind="stable")  # random ids in sorted order = a random shuffle
    frame = pd.DataFrame({"id": ids[order], "clk": np.array(words_to_base64(words[order]))})
    for col in blocks.columns:
        frame[col] = blocks[col].to_numpy()[order]
    for col, values in shared.items():
        frame[col] = values[order]
    params = {
        "schema": SCHEMA_VERSION,
        "name": name,
        "records": n,
        "n_bits": N_BITS,
        "q": 2,
        "padding": "_",
        "hash": "keyed BLAKE2b-512, field keys by HKDF-SHA256; positions = big-endian uint16 mod n_bits",
        "fields": dict(FIELD_HASHES),
        "block_keys": {k: list(v) for k, v in BLOCK_KEYS.items()},
        "block_hash": "HMAC-SHA256 truncated to 96 bits, base64url",
        "shared_columns": list(shared),
        "key_check": key_check(secret),
    }
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
    keymap.params = {
        "name": roster.name,
        "records": len(records),
        "roster_sha256": hashlib.sha256(data).hexdigest(),
        "sheet": getattr(roster, "sheet", None),
        "overrides": dict(overrides or {}),
    }
    return encoded, keymap, roster
