"""The encoding's settings and keys: what every encoder must agree on, in plain Python.

The numpy encoder (:mod:`overlap.privacy.encoding`) and the plain one that
also runs in a partner's browser (:mod:`overlap.privacy.plain_encoding`)
both read them from here, so they cannot drift apart: field weights,
segments, blocking keys, the secret's checks and the keys derived from it.
The standard library only.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
from pathlib import Path

from overlap.errors import OverlapError

SCHEMA_VERSION = 2  # 2: the settings line carries a checksum of the records
MAGIC = "#overlap-clk"
KEY_MAGIC = "#overlap-key"
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


# ----------------------------------------------------------------------- bigrams


def bigrams(value: str) -> list[str]:
    """Distinct padded bigrams of a value ("" has none)."""
    if not value:
        return []
    padded = f"_{value}_"
    return list(dict.fromkeys(padded[i : i + 2] for i in range(len(padded) - 1)))


# ---------------------------------------------------------------------- the files


def clk_settings(name: str, records: int, shared_columns: list[str], secret: bytes) -> dict:
    """The settings line of a .clk file (without ``digest``, which :func:`clk_file_bytes` adds)."""
    return {
        "schema": SCHEMA_VERSION,
        "name": name,
        "records": records,
        "n_bits": N_BITS,
        "q": 2,
        "padding": "_",
        "hash": "keyed BLAKE2b-512, field keys by HKDF-SHA256; positions = big-endian uint16 mod n_bits",
        "fields": dict(FIELD_HASHES),
        "block_keys": {k: list(v) for k, v in BLOCK_KEYS.items()},
        "block_hash": "HMAC-SHA256 truncated to 96 bits, base64url",
        "shared_columns": list(shared_columns),
        "key_check": key_check(secret),
    }


def csv_text(header: list[str], rows) -> bytes:
    """A CSV body as both encoders write it (UTF-8, "\\n" line ends, quotes only where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def clk_file_bytes(params: dict, body: bytes) -> bytes:
    """A .clk file: the settings line, with the SHA-256 of the records, then the records."""
    params = {k: v for k, v in params.items() if k != "digest"}
    params["digest"] = hashlib.sha256(body).hexdigest()
    return f"{MAGIC} {json.dumps(params, sort_keys=True)}\n".encode() + body


def key_file_bytes(params: dict, body: bytes) -> bytes:
    """The owner's key file: its settings line (if any), then ``id,row``."""
    head = f"{KEY_MAGIC} {json.dumps(params, sort_keys=True)}\n" if params else ""
    return head.encode() + body


def random_ids(n: int) -> list[str]:
    """n distinct random ids ("r" + 16 hex digits) from the operating system's generator."""
    while True:
        raw = os.urandom(ID_BYTES * n)
        ids = ["r" + raw[i : i + ID_BYTES].hex() for i in range(0, len(raw), ID_BYTES)]
        if len(set(ids)) == n:
            return ids


def key_settings(
    name: str, records: int, roster: bytes, sheet: str | None, overrides: dict | None
) -> dict:
    """The key file's settings line: which roster (its SHA-256) and how it was read."""
    return {
        "name": name,
        "records": records,
        "roster_sha256": hashlib.sha256(roster).hexdigest(),
        "sheet": sheet,
        "overrides": dict(overrides or {}),
    }
