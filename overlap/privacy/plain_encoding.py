"""The plain twin of the encoder: one record at a time, the standard library only.

:mod:`overlap.privacy.encoding` encodes whole rosters with numpy and pandas;
this module gives the same bits and the same blocking keys for one
normalised record with nothing but ``hashlib``, ``hmac`` and ``base64``.
The tests hold the fast encoder to it (Hypothesis), and it is the part of
the encoder that runs where numpy cannot (a browser's Python):
:func:`encode_records` makes the whole .clk file and key file from a
roster's normalised records, as ``encode_roster`` and ``encoded_bytes`` do.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from overlap.errors import OverlapError
from overlap.privacy.scheme import (
    BLOCK_KEYS,
    FIELD_HASHES,
    FIELD_KEY,
    FIELD_SEGMENT,
    N_BITS,
    bigrams,
    check_secret,
    clk_file_bytes,
    clk_settings,
    csv_text,
    hkdf_sha256,
    key_file_bytes,
    random_ids,
    segment_bits,
)

_DIGEST_POSITIONS = 32  # a 64-byte BLAKE2b digest holds 32 big-endian 16-bit positions


def _get(record: Mapping[str, str], name: str) -> str:
    value = record.get(name, "")
    return value if isinstance(value, str) else ""


def encoding_fields_one(record: Mapping[str, str]) -> dict[str, str]:
    """The strings that go into the Bloom filter, per field (twin of ``encoding_fields``)."""
    street_name = _get(record, "street_name")
    address = (_get(record, "house_number") + " " + street_name).strip()
    return {
        "first_name": _get(record, "first_name"),
        "first_key": _get(record, "first_key") or _get(record, "first_name"),
        "last_name": _get(record, "last_name"),
        "suffix": _get(record, "suffix"),
        "dob": _get(record, "dob").replace("-", ""),
        "address": address if street_name else _get(record, "street"),
        "zip": _get(record, "zip"),
        "city": _get(record, "city"),
        "phone": _get(record, "phone").replace("+", ""),
    }


def block_key_parts_one(record: Mapping[str, str]) -> dict[str, str]:
    """The plain keys behind each blocking key (twin of ``block_key_parts``)."""
    dob = _get(record, "dob")
    ssn = re.sub(r"\D", "", _get(record, "ssn"))
    first_key = _get(record, "first_key") or _get(record, "first_name")
    parts = {
        "last_sound": _get(record, "last_sound"),
        "first_sound": _get(record, "first_sound"),
        "first_key": first_key,
        "first_initial": first_key[:1],
        "last_initial": _get(record, "last_name")[:1],
        "last_name": _get(record, "last_name"),
        "birth_year": dob[:4],
        "dob": dob,
        "dob_month_day": dob[5:],
        "zip": _get(record, "zip"),
        "house_number": _get(record, "house_number"),
        "street_name": _get(record, "street_name"),
        "phone": _get(record, "phone"),
        "email": _get(record, "email"),
        "ssn": ssn,
        "ssn_head": ssn[:5] if len(ssn) == 9 else "",
        "ssn_tail": ssn[5:] if len(ssn) == 9 else "",
        "record_id": _get(record, "record_id"),
    }
    out = {}
    for name, needed in BLOCK_KEYS.items():
        values = [parts[p] for p in needed]
        out[name] = "|".join(values) if all(values) else ""
    return out


@lru_cache(maxsize=1 << 16)  # bigrams repeat across records: hash each once per field key
def _positions(token: str, key: bytes, k: int, start: int, stop: int) -> tuple[int, ...]:
    data = token.encode("utf-8")
    words: list[int] = []
    for block in range((k + _DIGEST_POSITIONS - 1) // _DIGEST_POSITIONS):
        digest = hashlib.blake2b(data, key=key, digest_size=64, person=block.to_bytes(16, "big"))
        raw = digest.digest()
        words += [int.from_bytes(raw[i : i + 2], "big") for i in range(0, 64, 2)]
    return tuple(start + w % (stop - start) for w in words[:k])


@lru_cache(maxsize=256)
def _key(secret: bytes, purpose: bytes) -> bytes:
    return hkdf_sha256(secret, purpose)


def clk_one(record: Mapping[str, str], secret: bytes, n_bits: int = N_BITS) -> bytes:
    """The record's filter as bytes (bit 0 = the highest bit of the first byte)."""
    bits = bytearray(n_bits // 8)
    for name, value in encoding_fields_one(record).items():
        k = FIELD_HASHES.get(name, 0)
        if k == 0 or not value:
            continue
        key = _key(secret, b"field:" + FIELD_KEY.get(name, name).encode())
        start, stop = segment_bits(FIELD_SEGMENT[name], n_bits)
        for gram in bigrams(value):
            for position in _positions(gram, key, k, start, stop):
                bits[position // 8] |= 0x80 >> (position % 8)
    return bytes(bits)


def clk_base64_one(record: Mapping[str, str], secret: bytes) -> str:
    """The ``clk`` cell of a .clk file for one record."""
    return base64.b64encode(clk_one(record, secret)).decode("ascii")


def keyed_blocks_one(record: Mapping[str, str], secret: bytes) -> dict[str, str]:
    """The ``b_<key>`` cells of one record (twin of ``keyed_blocks``)."""
    out = {}
    for name, value in block_key_parts_one(record).items():
        if not value:
            out[f"b_{name}"] = ""
            continue
        key = _key(secret, b"block:" + name.encode())
        digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).digest()[:12]
        out[f"b_{name}"] = base64.urlsafe_b64encode(digest).decode("ascii")
    return out


def encode_records(
    records: Sequence[Mapping[str, str]],
    secret: bytes,
    name: str,
    share_columns: Sequence[str] = (),
    attributes: Mapping[str, Sequence[str]] | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> tuple[bytes, list[str]]:
    """The .clk file of a roster's normalised records, and each record's random id.

    Args:
        records: normalised records in the roster's row order (row ``i`` is data row ``i + 1``).
        secret: the partners' secret.
        name: the programme name written into the file.
        share_columns: fields (``zip``, ``city``...) or attribute columns sent in plain text.
        attributes: the roster's other columns, by header, for shared attributes.
        progress: if given, hears ("Encoding", share of records done) now and then.

    Returns:
        The file's bytes (records shuffled, random ids) and the id of each record, in
        row order, for the key file (:func:`key_file`).
    """
    secret = check_secret(secret)
    attributes = attributes or {}
    shared: dict[str, Sequence[str]] = {}
    for col in share_columns:
        if records and col in records[0] and col not in ("row", "rid", "programme"):
            shared[col] = [r[col] for r in records]
        elif col in attributes:
            shared[col] = list(attributes[col])
        else:
            raise OverlapError(
                f"cannot share column {col!r}: the roster {name} has no such field or column"
            )
    ids = random_ids(len(records))
    header = ["id", "clk", *(f"b_{key}" for key in BLOCK_KEYS), *shared]
    lines = []
    order = sorted(range(len(records)), key=ids.__getitem__)  # sorted random ids: a shuffle
    for done, i in enumerate(order):
        if progress is not None and done % 250 == 0:
            progress("Encoding", done / len(order))
        blocks = keyed_blocks_one(records[i], secret)
        lines.append(
            [ids[i], clk_base64_one(records[i], secret), *blocks.values()]
            + [values[i] for values in shared.values()]
        )
    params = clk_settings(name, len(records), list(shared), secret)
    return clk_file_bytes(params, csv_text(header, lines)), ids


def key_file(ids: Sequence[str], params: dict, rows: Sequence[int] | None = None) -> bytes:
    """The owner's key file for the ids of :func:`encode_records`.

    ``rows``: each record's 1-based row (a row naming two people has two ids); None: 1..n.
    """
    rows = rows if rows is not None else range(1, len(ids) + 1)
    lines = [[x, r] for x, r in zip(ids, rows, strict=True)]
    return key_file_bytes(params, csv_text(["id", "row"], lines))
