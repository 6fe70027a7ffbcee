"""The plain twin of the encoder: one record at a time, the standard library only.

:mod:`overlap.privacy.encoding` encodes whole rosters with numpy and pandas;
this module gives the same bits and the same blocking keys for one
normalised record with nothing but ``hashlib``, ``hmac`` and ``base64``.
The tests hold the fast encoder to it (Hypothesis), and it is the part of
the encoder that runs where numpy cannot (a browser's Python).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping

from overlap.privacy.encoding import (
    BLOCK_KEYS,
    FIELD_HASHES,
    FIELD_KEY,
    FIELD_SEGMENT,
    N_BITS,
    bigrams,
    hkdf_sha256,
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


def _positions(token: str, key: bytes, k: int, start: int, stop: int) -> list[int]:
    data = token.encode("utf-8")
    words: list[int] = []
    for block in range((k + _DIGEST_POSITIONS - 1) // _DIGEST_POSITIONS):
        digest = hashlib.blake2b(data, key=key, digest_size=64, person=block.to_bytes(16, "big"))
        raw = digest.digest()
        words += [int.from_bytes(raw[i : i + 2], "big") for i in range(0, 64, 2)]
    return [start + w % (stop - start) for w in words[:k]]


def clk_one(record: Mapping[str, str], secret: bytes, n_bits: int = N_BITS) -> bytes:
    """The record's filter as bytes (bit 0 = the highest bit of the first byte)."""
    bits = bytearray(n_bits // 8)
    for name, value in encoding_fields_one(record).items():
        k = FIELD_HASHES.get(name, 0)
        if k == 0 or not value:
            continue
        key = hkdf_sha256(secret, b"field:" + FIELD_KEY.get(name, name).encode())
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
        key = hkdf_sha256(secret, b"block:" + name.encode())
        digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).digest()[:12]
        out[f"b_{name}"] = base64.urlsafe_b64encode(digest).decode("ascii")
    return out
