"""Privacy-preserving overlap: keyed Bloom-filter encodings (CLKs) and their linkage.

Each partner encodes its own roster on its own machine with a secret shared
only among the partners. Only the encodings (and the columns the owner
chooses to share, such as ZIP) leave the building; whoever links them learns
how many people the rosters share, never who they are, unless they also hold
the secret (see docs/privacy-preserving.md for what this does and does not
protect).

Encoding (schema version 1), after Schnell, Bachteler & Reiher (2011), as
clkhash does it:

- every normalised field is cut into padded bigrams (``"ann"`` ->
  ``"_a", "an", "nn", "n_"``);
- each bigram sets ``k`` bits of one 1,024-bit Bloom filter per record, the
  positions taken from a keyed BLAKE2b of the bigram; the key is derived per
  field from the shared secret with HKDF-SHA256, so the same bigram in two
  fields lands on unrelated bits and nobody without the secret can compute
  any position;
- ``k`` differs by field, which is how a field's weight is set (more bits,
  more say in the Dice similarity);
- the first name is encoded twice: as spelled (catches typos) and as its
  nickname-canonical form ``first_key`` (Bob and Robert share those bits);
- blocking keys are HMAC-SHA256 of a few coarse keys (phonetic surname +
  birth year, date of birth, ZIP + first initial, ...), so the linker finds
  candidate pairs by joining opaque strings, with no all-pairs comparison.

Linkage compares candidate pairs by the Dice coefficient of their bit
vectors (numpy popcount over uint64 words), then clusters with the same
:func:`overlap.cluster.cluster_records` as plain linkage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from overlap.errors import OverlapError

SCHEMA_VERSION = 1
MAGIC = "#overlap-clk"
N_BITS = 1024
WORDS = N_BITS // 64
MIN_SECRET_BYTES = 16
HKDF_SALT = b"overlap-clk-v1"
DEFAULT_THRESHOLD = 0.5  # a probability, as in plain matching
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
    "phone": ("phone",),
    "email": ("email",),
    "ssn": ("ssn",),
    "ssn_head": ("ssn_head",),
    "ssn_tail": ("ssn_tail",),
    "record_id": ("record_id",),
}

# Weights of the pair model (see fit_pair_model and docs/privacy-preserving.md).
# Joint patterns never seen in training are left out (weight 0).
PAIR_MODEL: dict[str, float] = {
    "intercept": -1.5266,
    "names>=0.5": -1.1739,
    "names>=0.6": -0.5535,
    "names>=0.7": 0.4988,
    "names>=0.8": 0.515,
    "names>=0.85": 1.4545,
    "names>=0.9": 0.6842,
    "names>=0.95": 1.3088,
    "names>=0.99": 1.4943,
    "names missing": 0.583,
    "dob>=0.4": -0.9773,
    "dob>=0.6": -0.8387,
    "dob>=0.8": 3.1438,
    "dob>=0.99": 2.8182,
    "dob missing": -0.6069,
    "contact>=0.2": -0.3064,
    "contact>=0.4": 0.4075,
    "contact>=0.6": 2.5015,
    "contact>=0.8": 2.8064,
    "contact>=0.95": 2.039,
    "contact missing": 0.0,
    "names level 0, dob missing": -1.494,
    "names level 0, dob same": -1.24,
    "names level 0, dob differs": -1.4942,
    "names level 1, dob missing": -0.4214,
    "names level 1, dob same": -0.1301,
    "names level 1, dob differs": -0.6224,
    "names level 2, dob missing": -0.6664,
    "names level 2, dob same": 0.1499,
    "names level 2, dob differs": -0.037,
    "names level 3, dob missing": 0.4281,
    "names level 3, dob same": 0.3584,
    "names level 3, dob differs": -0.2877,
    "names level 4, dob missing": -0.4169,
    "names level 4, dob same": 0.744,
    "names level 4, dob differs": 0.1879,
    "names level 5, dob missing": 0.3789,
    "names level 5, dob same": 1.0286,
    "names level 5, dob differs": 0.047,
    "names level 6, dob missing": 0.6379,
    "names level 6, dob same": 0.6074,
    "names level 6, dob differs": -0.5611,
    "names level 7, dob missing": 0.4704,
    "names level 7, dob same": 0.2123,
    "names level 7, dob differs": 0.6261,
    "names level 8, dob missing": 0.4766,
    "names level 8, dob same": 1.0877,
    "names level 8, dob differs": -0.0701,
    "names level 0, contact missing": 0.0,
    "names level 0, contact alike": -0.2898,
    "names level 0, contact differs": -3.9384,
    "names level 1, contact missing": 0.0,
    "names level 1, contact alike": -0.207,
    "names level 1, contact differs": -0.9669,
    "names level 2, contact missing": 0.0,
    "names level 2, contact alike": -0.1305,
    "names level 2, contact differs": -0.423,
    "names level 3, contact missing": 0.0,
    "names level 3, contact alike": 1.0909,
    "names level 3, contact differs": -0.5921,
    "names level 4, contact missing": 0.0,
    "names level 4, contact alike": 0.9274,
    "names level 4, contact differs": -0.4124,
    "names level 5, contact missing": 0.0,
    "names level 5, contact alike": 1.0711,
    "names level 5, contact differs": 0.3834,
    "names level 6, contact missing": 0.0,
    "names level 6, contact alike": 0.6508,
    "names level 6, contact differs": 0.0334,
    "names level 7, contact missing": 0.0,
    "names level 7, contact alike": 0.629,
    "names level 7, contact differs": 0.6799,
    "names level 8, contact missing": 0.0,
    "names level 8, contact alike": 1.1036,
    "names level 8, contact differs": 0.3907,
    "dob agrees": 2.5061,
    "dob differs": -1.8992,
    "phone agrees": 2.5595,
    "phone differs": -1.668,
    "email agrees": 4.9529,
    "email differs": -3.6834,
    "first_last_sound agrees": 0.9792,
    "first_last_sound differs": -0.0581,
    "first_sound_dob_md agrees": 0.7209,
    "first_sound_dob_md differs": -0.2596,
    "last_sound_year agrees": 0.2171,
    "last_sound_year differs": 0.2512,
    "zip_first_name agrees": 0.0751,
    "zip_first_name differs": 0.2266,
    "zip_initial_year agrees": 1.4038,
    "zip_initial_year differs": -1.3454,
    "zip_initials agrees": 1.2594,
    "zip_initials differs": -0.3383,
    "house_zip agrees": -1.8481,
    "house_zip differs": -1.4293,
    "street agrees": -0.9519,
    "street differs": -2.3254,
    "street_zip agrees": -0.4385,
    "street_zip differs": 0.0824,
    "ssn agrees": 4.0814,
    "ssn differs": -0.6484,
    "ssn_head agrees": 3.3924,
    "ssn_head differs": 0.0405,
    "ssn_tail agrees": 3.1171,
    "ssn_tail differs": 0.3159,
    "record_id agrees": 0.0,
    "record_id differs": -2.6749,
    "names 0, dob missing, contact alike, zip_initials missing, first_last_sound missing": 0.1096,
    "names 0, dob missing, contact alike, zip_initials differs, first_last_sound differs": -0.6074,
    "names 0, dob missing, contact alike, zip_initials agrees, first_last_sound differs": 0.7643,
    "names 0, dob missing, contact partly, zip_initials missing, first_last_sound missing": -0.2644,
    "names 0, dob missing, contact partly, zip_initials differs, first_last_sound differs": 0.3113,
    "names 0, dob missing, contact partly, zip_initials agrees, first_last_sound differs": -0.0413,
    "names 0, dob missing, contact differs, zip_initials missing, first_last_sound missing": -0.5057,
    "names 0, dob missing, contact differs, zip_initials differs, first_last_sound differs": -1.5559,
    "names 0, dob missing, contact differs, zip_initials agrees, first_last_sound differs": -0.1258,
    "names 0, dob same, contact alike, zip_initials missing, first_last_sound missing": 0.2909,
    "names 0, dob same, contact alike, zip_initials differs, first_last_sound differs": 0.6086,
    "names 0, dob same, contact alike, zip_initials agrees, first_last_sound differs": -1.6496,
    "names 0, dob same, contact partly, zip_initials missing, first_last_sound missing": 0.2282,
    "names 0, dob same, contact partly, zip_initials differs, first_last_sound differs": 1.255,
    "names 0, dob same, contact partly, zip_initials agrees, first_last_sound differs": -0.5856,
    "names 0, dob same, contact differs, zip_initials missing, first_last_sound missing": -0.7106,
    "names 0, dob same, contact differs, zip_initials differs, first_last_sound differs": -0.8071,
    "names 0, dob close, contact alike, zip_initials missing, first_last_sound missing": 1.0365,
    "names 0, dob close, contact alike, zip_initials differs, first_last_sound differs": -0.1553,
    "names 0, dob close, contact alike, zip_initials agrees, first_last_sound differs": -0.1285,
    "names 0, dob close, contact partly, zip_initials missing, first_last_sound missing": -0.0439,
    "names 0, dob close, contact partly, zip_initials differs, first_last_sound differs": -0.3003,
    "names 0, dob close, contact partly, zip_initials agrees, first_last_sound differs": -0.0941,
    "names 0, dob close, contact differs, zip_initials missing, first_last_sound missing": -0.3695,
    "names 0, dob close, contact differs, zip_initials differs, first_last_sound differs": -0.8027,
    "names 0, dob close, contact differs, zip_initials agrees, first_last_sound differs": -0.048,
    "names 0, dob differs, contact alike, zip_initials missing, first_last_sound missing": 0.0074,
    "names 0, dob differs, contact alike, zip_initials differs, first_last_sound differs": -0.6305,
    "names 0, dob differs, contact alike, zip_initials agrees, first_last_sound differs": -0.1428,
    "names 0, dob differs, contact partly, zip_initials missing, first_last_sound missing": 0.2748,
    "names 0, dob differs, contact partly, zip_initials differs, first_last_sound differs": 0.416,
    "names 0, dob differs, contact partly, zip_initials agrees, first_last_sound differs": -0.0554,
    "names 0, dob differs, contact differs, zip_initials missing, first_last_sound missing": -0.4705,
    "names 0, dob differs, contact differs, zip_initials differs, first_last_sound differs": -0.5924,
    "names 0, dob differs, contact differs, zip_initials agrees, first_last_sound differs": -0.0174,
    "names 1, dob missing, contact alike, zip_initials differs, first_last_sound differs": 0.92,
    "names 1, dob missing, contact alike, zip_initials agrees, first_last_sound differs": 0.2672,
    "names 1, dob missing, contact alike, zip_initials agrees, first_last_sound agrees": 0.0272,
    "names 1, dob missing, contact partly, zip_initials missing, first_last_sound missing": -0.3578,
    "names 1, dob missing, contact partly, zip_initials differs, first_last_sound differs": -0.6613,
    "names 1, dob missing, contact partly, zip_initials differs, first_last_sound agrees": -0.003,
    "names 1, dob missing, contact partly, zip_initials agrees, first_last_sound differs": 0.0147,
    "names 1, dob missing, contact partly, zip_initials agrees, first_last_sound agrees": -0.0126,
    "names 1, dob missing, contact differs, zip_initials differs, first_last_sound differs": -0.8233,
    "names 1, dob missing, contact differs, zip_initials differs, first_last_sound agrees": -0.0208,
    "names 1, dob missing, contact differs, zip_initials agrees, first_last_sound differs": 0.4113,
    "names 1, dob same, contact alike, zip_initials missing, first_last_sound missing": 0.0438,
    "names 1, dob same, contact alike, zip_initials differs, first_last_sound differs": 0.8915,
    "names 1, dob same, contact alike, zip_initials agrees, first_last_sound differs": -3.0318,
    "names 1, dob same, contact partly, zip_initials missing, first_last_sound missing": 0.021,
    "names 1, dob same, contact partly, zip_initials differs, first_last_sound differs": 1.6511,
    "names 1, dob same, contact partly, zip_initials agrees, first_last_sound differs": 0.5088,
    "names 1, dob same, contact differs, zip_initials differs, first_last_sound differs": 0.059,
    "names 1, dob same, contact differs, zip_initials agrees, first_last_sound differs": 0.3644,
    "names 1, dob close, contact alike, zip_initials differs, first_last_sound differs": 2.0264,
    "names 1, dob close, contact alike, zip_initials agrees, first_last_sound differs": 0.6893,
    "names 1, dob close, contact partly, zip_initials missing, first_last_sound missing": -0.0149,
    "names 1, dob close, contact partly, zip_initials differs, first_last_sound differs": 0.2471,
    "names 1, dob close, contact partly, zip_initials differs, first_last_sound agrees": -0.0214,
    "names 1, dob close, contact partly, zip_initials agrees, first_last_sound differs": -0.5886,
    "names 1, dob close, contact partly, zip_initials agrees, first_last_sound agrees": -0.0007,
    "names 1, dob close, contact differs, zip_initials missing, first_last_sound missing": -0.15,
    "names 1, dob close, contact differs, zip_initials differs, first_last_sound differs": -1.455,
    "names 1, dob close, contact differs, zip_initials differs, first_last_sound agrees": -0.049,
    "names 1, dob close, contact differs, zip_initials agrees, first_last_sound differs": -0.0896,
    "names 1, dob differs, contact alike, zip_initials missing, first_last_sound missing": 0.0046,
    "names 1, dob differs, contact alike, zip_initials differs, first_last_sound differs": -0.0462,
    "names 1, dob differs, contact alike, zip_initials agrees, first_last_sound differs": -0.7948,
    "names 1, dob differs, contact alike, zip_initials agrees, first_last_sound agrees": -0.0371,
    "names 1, dob differs, contact partly, zip_initials differs, first_last_sound differs": 0.195,
    "names 1, dob differs, contact partly, zip_initials differs, first_last_sound agrees": -0.001,
    "names 1, dob differs, contact partly, zip_initials agrees, first_last_sound differs": -0.3842,
    "names 1, dob differs, contact partly, zip_initials agrees, first_last_sound agrees": -0.0012,
    "names 1, dob differs, contact differs, zip_initials missing, first_last_sound missing": -0.1063,
    "names 1, dob differs, contact differs, zip_initials differs, first_last_sound differs": -0.5285,
    "names 1, dob differs, contact differs, zip_initials differs, first_last_sound agrees": -0.0016,
    "names 1, dob differs, contact differs, zip_initials agrees, first_last_sound differs": 0.783,
    "names 2, dob missing, contact alike, zip_initials differs, first_last_sound differs": 0.1972,
    "names 2, dob missing, contact alike, zip_initials agrees, first_last_sound differs": 0.9967,
    "names 2, dob missing, contact alike, zip_initials agrees, first_last_sound agrees": -0.1402,
    "names 2, dob missing, contact partly, zip_initials differs, first_last_sound differs": -0.0029,
    "names 2, dob missing, contact partly, zip_initials differs, first_last_sound agrees": -0.088,
    "names 2, dob missing, contact partly, zip_initials agrees, first_last_sound differs": -0.1881,
    "names 2, dob missing, contact partly, zip_initials agrees, first_last_sound agrees": 0.1071,
    "names 2, dob missing, contact differs, zip_initials differs, first_last_sound differs": -1.0135,
    "names 2, dob missing, contact differs, zip_initials differs, first_last_sound agrees": 0.1296,
    "names 2, dob missing, contact differs, zip_initials agrees, first_last_sound differs": -0.4442,
    "names 2, dob missing, contact differs, zip_initials agrees, first_last_sound agrees": 1.046,
    "names 2, dob same, contact alike, zip_initials missing, first_last_sound missing": 0.0013,
    "names 2, dob same, contact alike, zip_initials differs, first_last_sound differs": 0.291,
    "names 2, dob same, contact alike, zip_initials differs, first_last_sound agrees": 0.0005,
    "names 2, dob same, contact alike, zip_initials agrees, first_last_sound differs": 0.0968,
    "names 2, dob same, contact alike, zip_initials agrees, first_last_sound agrees": 0.0098,
    "names 2, dob same, contact partly, zip_initials differs, first_last_sound differs": 0.2057,
    "names 2, dob same, contact partly, zip_initials differs, first_last_sound agrees": 0.0382,
    "names 2, dob same, contact partly, zip_initials agrees, first_last_sound differs": 0.2413,
    "names 2, dob same, contact partly, zip_initials agrees, first_last_sound agrees": 0.0524,
    "names 2, dob same, contact differs, zip_initials differs, first_last_sound differs": 0.5827,
    "names 2, dob same, contact differs, zip_initials differs, first_last_sound agrees": 0.5833,
    "names 2, dob same, contact differs, zip_initials agrees, first_last_sound differs": 0.1687,
    "names 2, dob same, contact differs, zip_initials agrees, first_last_sound agrees": 0.1083,
    "names 2, dob close, contact alike, zip_initials differs, first_last_sound differs": -0.0962,
    "names 2, dob close, contact alike, zip_initials agrees, first_last_sound differs": 1.6296,
    "names 2, dob close, contact alike, zip_initials agrees, first_last_sound agrees": 0.2895,
    "names 2, dob close, contact partly, zip_initials differs, first_last_sound differs": 0.209,
    "names 2, dob close, contact partly, zip_initials differs, first_last_sound agrees": -0.0058,
    "names 2, dob close, contact partly, zip_initials agrees, first_last_sound differs": 0.2043,
    "names 2, dob close, contact partly, zip_initials agrees, first_last_sound agrees": -0.0598,
    "names 2, dob close, contact differs, zip_initials missing, first_last_sound missing": -0.2461,
    "names 2, dob close, contact differs, zip_initials differs, first_last_sound differs": -1.2555,
    "names 2, dob close, contact differs, zip_initials differs, first_last_sound agrees": -0.2186,
    "names 2, dob close, contact differs, zip_initials agrees, first_last_sound differs": -0.0257,
    "names 2, dob close, contact differs, zip_initials agrees, first_last_sound agrees": -0.001,
    "names 2, dob differs, contact alike, zip_initials missing, first_last_sound missing": 0.6396,
    "names 2, dob differs, contact alike, zip_initials differs, first_last_sound differs": 0.0223,
    "names 2, dob differs, contact alike, zip_initials agrees, first_last_sound differs": -0.4676,
    "names 2, dob differs, contact alike, zip_initials agrees, first_last_sound agrees": -0.8215,
    "names 2, dob differs, contact partly, zip_initials missing, first_last_sound missing": 0.001,
    "names 2, dob differs, contact partly, zip_initials differs, first_last_sound differs": -0.2627,
    "names 2, dob differs, contact partly, zip_initials differs, first_last_sound agrees": -0.0332,
    "names 2, dob differs, contact partly, zip_initials agrees, first_last_sound differs": -0.2519,
    "names 2, dob differs, contact partly, zip_initials agrees, first_last_sound agrees": -0.0618,
    "names 2, dob differs, contact differs, zip_initials differs, first_last_sound differs": 0.6199,
    "names 2, dob differs, contact differs, zip_initials differs, first_last_sound agrees": -0.0448,
    "names 2, dob differs, contact differs, zip_initials agrees, first_last_sound differs": -0.079,
    "names 2, dob differs, contact differs, zip_initials agrees, first_last_sound agrees": -0.0104,
    "names 3, dob missing, contact alike, zip_initials agrees, first_last_sound differs": 0.9048,
    "names 3, dob missing, contact alike, zip_initials agrees, first_last_sound agrees": 0.6073,
    "names 3, dob missing, contact partly, zip_initials differs, first_last_sound agrees": 0.1163,
    "names 3, dob missing, contact partly, zip_initials agrees, first_last_sound differs": 0.6731,
    "names 3, dob missing, contact partly, zip_initials agrees, first_last_sound agrees": -0.5242,
    "names 3, dob missing, contact differs, zip_initials differs, first_last_sound agrees": -0.9798,
    "names 3, dob missing, contact differs, zip_initials agrees, first_last_sound agrees": 0.1491,
    "names 3, dob same, contact alike, zip_initials missing, first_last_sound missing": 0.0005,
    "names 3, dob same, contact alike, zip_initials differs, first_last_sound agrees": 0.0005,
    "names 3, dob same, contact alike, zip_initials agrees, first_last_sound differs": 0.0233,
    "names 3, dob same, contact alike, zip_initials agrees, first_last_sound agrees": 0.048,
    "names 3, dob same, contact partly, zip_initials missing, first_last_sound missing": 0.0012,
    "names 3, dob same, contact partly, zip_initials differs, first_last_sound differs": 0.0088,
    "names 3, dob same, contact partly, zip_initials differs, first_last_sound agrees": 0.2095,
    "names 3, dob same, contact partly, zip_initials agrees, first_last_sound agrees": 0.0738,
    "names 3, dob same, contact differs, zip_initials differs, first_last_sound differs": 0.1741,
    "names 3, dob same, contact differs, zip_initials differs, first_last_sound agrees": 0.6551,
    "names 3, dob same, contact differs, zip_initials agrees, first_last_sound agrees": 0.1052,
    "names 3, dob close, contact alike, zip_initials agrees, first_last_sound differs": 0.5907,
    "names 3, dob close, contact alike, zip_initials agrees, first_last_sound agrees": 0.801,
    "names 3, dob close, contact partly, zip_initials differs, first_last_sound agrees": 0.4866,
    "names 3, dob close, contact partly, zip_initials agrees, first_last_sound differs": 0.0083,
    "names 3, dob close, contact partly, zip_initials agrees, first_last_sound agrees": 0.2619,
    "names 3, dob close, contact differs, zip_initials missing, first_last_sound missing": -0.342,
    "names 3, dob close, contact differs, zip_initials differs, first_last_sound differs": -0.0005,
    "names 3, dob close, contact differs, zip_initials differs, first_last_sound agrees": 0.1159,
    "names 3, dob close, contact differs, zip_initials agrees, first_last_sound agrees": 0.2716,
    "names 3, dob differs, contact alike, zip_initials agrees, first_last_sound differs": 0.5593,
    "names 3, dob differs, contact alike, zip_initials agrees, first_last_sound agrees": -1.8037,
    "names 3, dob differs, contact partly, zip_initials differs, first_last_sound agrees": 0.5508,
    "names 3, dob differs, contact partly, zip_initials agrees, first_last_sound differs": -0.0116,
    "names 3, dob differs, contact partly, zip_initials agrees, first_last_sound agrees": -0.7415,
    "names 3, dob differs, contact differs, zip_initials differs, first_last_sound agrees": -1.0532,
    "names 3, dob differs, contact differs, zip_initials agrees, first_last_sound differs": -0.0067,
    "names 3, dob differs, contact differs, zip_initials agrees, first_last_sound agrees": 0.8692,
}

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


def _keyed_block_hashes(values: pd.Series, key: bytes) -> np.ndarray:
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
    blocks = {
        f"b_{bk}": _keyed_block_hashes(values, hkdf_sha256(secret, b"block:" + bk.encode()))
        for bk, values in block_key_parts(records).items()
    }
    ids = _random_ids(n)
    order = np.argsort(ids, kind="stable")  # random ids in sorted order = a random shuffle
    frame = pd.DataFrame({"id": ids[order], "clk": np.array(words_to_base64(words[order]))})
    for col, values in blocks.items():
        frame[col] = values[order]
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
    return encoded, keymap, roster


# --------------------------------------------------------------------------- files


def encoded_bytes(encoded: EncodedRoster) -> bytes:
    """The .clk file's bytes: one settings line (``#overlap-clk {json}``), then a CSV."""
    head = f"{MAGIC} {json.dumps(encoded.params, sort_keys=True)}\n"
    return (head + encoded.frame.to_csv(index=False, lineterminator="\n")).encode("utf-8")


def write_encoded(encoded: EncodedRoster, path: str | os.PathLike) -> None:
    """Write a .clk file (see :func:`encoded_bytes`)."""
    Path(path).write_bytes(encoded_bytes(encoded))


def read_encoded(
    path: str | os.PathLike | bytes, name: str | None = None, file_name: str | None = None
) -> EncodedRoster:
    """Read a .clk file (a path, or an upload's bytes), checking its schema."""
    import io

    if isinstance(path, bytes):
        label = file_name or "the encoded file"
        text = path.decode("utf-8", errors="replace")
    else:
        p = Path(path)
        label = str(p)
        if not p.is_file():
            raise EncodedFileError(f"{p} does not exist")
        text = p.read_text(encoding="utf-8", errors="replace")
    first, _, body = text.partition("\n")
    if not first.startswith(MAGIC + " "):
        raise EncodedFileError(f"{label} is not an Overlap encoded roster (.clk) file")
    try:
        params = json.loads(first[len(MAGIC) + 1 :])
    except json.JSONDecodeError:
        raise EncodedFileError(f"{label} has a damaged first line (its settings)") from None
    if params.get("schema") != SCHEMA_VERSION:
        raise EncodedFileError(
            f"{label} uses encoding version {params.get('schema')}; "
            f"this Overlap reads version {SCHEMA_VERSION}"
        )
    frame = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    missing = [c for c in ["id", "clk"] if c not in frame.columns]
    if missing:
        raise EncodedFileError(f"{label} lacks the column(s) {', '.join(missing)}")
    stem = Path(file_name or (label if not isinstance(path, bytes) else "encoded")).stem
    return EncodedRoster(name=name or params.get("name") or stem, frame=frame, params=params)


def key_map_bytes(keymap: KeyMap) -> bytes:
    """The owner's key file (``id,row`` CSV). It must never leave the owner's machine."""
    return keymap.frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_key_map(keymap: KeyMap, path: str | os.PathLike) -> None:
    """Write the owner's key file (see :func:`key_map_bytes`)."""
    Path(path).write_bytes(key_map_bytes(keymap))


def ids_to_rows(key_file: str | os.PathLike | pd.DataFrame, ids) -> pd.Series:
    """Turn random ids (from a match) back into the owner's row numbers.

    Args:
        key_file: the owner's ``.key.csv`` (or its frame).
        ids: random ids, e.g. the ``row`` column of an encoded run's records.csv.

    Returns:
        Row numbers (1-based data rows), in the order of ``ids``; ids not in
        this key file (another partner's) are dropped.
    """
    if isinstance(key_file, pd.DataFrame):
        keys = key_file
    else:
        p = Path(key_file)
        if not p.is_file():
            raise EncodedFileError(f"the key file {p} does not exist")
        keys = pd.read_csv(p, dtype={"id": str, "row": np.int64}, keep_default_na=False)
    lookup = pd.Series(keys["row"].to_numpy(dtype=np.int64), index=keys["id"].astype(str))
    wanted = pd.Series(list(ids), dtype=str)
    found = wanted[wanted.isin(lookup.index)]
    return pd.Series(lookup.loc[found].to_numpy(), name="row")


def my_shared_rows(
    records: pd.DataFrame, key_file: str | os.PathLike | pd.DataFrame, programme: str
) -> pd.DataFrame:
    """The owner's own rows that the match found in other programmes (the round trip home).

    Args:
        records: ``records.csv`` of an encoded match (``programme,row,person_id``).
        key_file: the owner's key file (or its frame).
        programme: the owner's programme name in that match.

    Returns:
        ``row`` (the owner's 1-based data row) and ``also_in`` (the other
        programmes, joined with "; "), one line per shared row, by row.
    """
    rec = records[["programme", "row", "person_id"]].astype({"row": str})
    mine = rec[rec["programme"] == programme]
    if mine.empty:
        raise EncodedFileError(f"the match has no records of a programme named {programme!r}")
    others = rec[rec["programme"] != programme]
    also = (
        others.drop_duplicates(["person_id", "programme"])
        .groupby("person_id")["programme"]
        .agg(lambda s: "; ".join(sorted(s)))
    )
    shared = mine[mine["person_id"].isin(also.index)]
    rows = ids_to_rows(key_file, shared["row"])
    if len(rows) != len(shared):
        raise EncodedFileError(
            f"{len(shared) - len(rows)} of {programme}'s ids are not in this key file; "
            "is it the key file made with this encoding?"
        )
    out = pd.DataFrame(
        {"row": rows.to_numpy(), "also_in": also.loc[shared["person_id"]].to_numpy()}
    )
    return out.sort_values("row").reset_index(drop=True)


# ------------------------------------------------------------------------- linkage


def dice(words_a: np.ndarray, words_b: np.ndarray) -> np.ndarray:
    """Dice coefficient 2|A∩B| / (|A|+|B|) of matching rows of two uint64 word arrays."""
    inter = np.bitwise_count(words_a & words_b).sum(axis=1, dtype=np.int64)
    total = np.bitwise_count(words_a).sum(axis=1, dtype=np.int64) + np.bitwise_count(words_b).sum(
        axis=1, dtype=np.int64
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 2.0 * inter / np.maximum(total, 1), 0.0)


def segment_dice(words_a: np.ndarray, words_b: np.ndarray, n_bits: int = N_BITS) -> dict:
    """Dice per segment (identity, contact) of matching rows of two word arrays."""
    out = {}
    for seg in SEGMENT_WORDS:
        lo, hi = segment_bits(seg, n_bits)
        out[seg] = dice(words_a[:, lo // 64 : hi // 64], words_b[:, lo // 64 : hi // 64])
    return out


# Dice levels per segment (like the comparison levels of plain matching).
LEVEL_EDGES: dict[str, tuple[float, ...]] = {
    "names": (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99),
    "dob": (0.4, 0.6, 0.8, 0.99),
    "contact": (0.2, 0.4, 0.6, 0.8, 0.95),
}
MODEL_KEYS = [
    "dob",
    "phone",
    "email",
    "first_last_sound",
    "first_sound_dob_md",
    "last_sound_year",
    "zip_first_name",
    "zip_initial_year",
    "zip_initials",
    "house_zip",
    "street",
    "street_zip",
    "ssn",
    "ssn_head",
    "ssn_tail",
    "record_id",
]
WITHIN_ROSTER_KEYS = ("record_id",)  # two systems' record IDs coincide by chance


DOB_STATES = ("missing", "same", "differs")
CONTACT_STATES = ("missing", "alike", "differs")

# The joint pattern: a coarse level of everything the linker sees that tells a
# person from a relative. Main effects alone cannot tell twins (date of birth
# and home agree, first names differ) from one person whose first name is only
# an initial or a nickname and whose date of birth is missing; one weight per
# combination can. Keys 1 agree / 0 differ / -1 missing.
PATTERN_NAMES_EDGES = (0.6, 0.8, 0.95)
PATTERN_DOB = ("missing", "same", "close", "differs")  # same >= 0.99, close >= 0.6
PATTERN_CONTACT = ("missing", "alike", "partly", "differs")  # alike >= 0.8, partly >= 0.4
PATTERN_KEYS = ("zip_initials", "first_last_sound")
KEY_STATES = ("missing", "differs", "agrees")


def pattern_labels() -> list[str]:
    """Readable name of each joint pattern code of :func:`pair_levels` (``pattern``)."""
    labels = [
        f"names {v}, dob {d}, contact {c}"
        for v in range(len(PATTERN_NAMES_EDGES) + 1)
        for d in PATTERN_DOB
        for c in PATTERN_CONTACT
    ]
    for key in PATTERN_KEYS:
        labels = [f"{lab}, {key} {st}" for lab in labels for st in KEY_STATES]
    return labels


def key_codes(keys: pd.DataFrame) -> np.ndarray:
    """The ``b_*`` blocking keys of :data:`MODEL_KEYS` as integer codes (-1 = missing)."""
    out = np.full((len(keys), len(MODEL_KEYS)), -1, dtype=np.int32)
    for j, key in enumerate(MODEL_KEYS):
        col = f"b_{key}"
        if col in keys.columns:
            values = keys[col].astype(str)
            codes, _ = pd.factorize(values.where(values != "", None), use_na_sentinel=True)
            out[:, j] = codes
    return out


def segment_counts(words: np.ndarray, n_bits: int = N_BITS) -> np.ndarray:
    """Bits set per record and segment (n, len(LEVEL_EDGES)), int32."""
    counts = np.bitwise_count(words)
    return np.column_stack(
        [
            counts[:, lo // 64 : hi // 64].sum(axis=1, dtype=np.int32)
            for lo, hi in (segment_bits(seg, n_bits) for seg in LEVEL_EDGES)
        ]
    )


def pair_levels(
    words: np.ndarray,
    codes: np.ndarray,
    rid_a: np.ndarray,
    rid_b: np.ndarray,
    n_bits: int = N_BITS,
    seg_counts: np.ndarray | None = None,
    programme: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """What the linker can see about each candidate pair, as small integer levels.

    Per segment, the Dice level (index into :data:`LEVEL_EDGES`, -1 when the
    segment is empty on either side) and the Dice itself (``<seg>_dice``);
    ``names_dob``: names level x date-of-birth state; per blocking key,
    1 agree / 0 differ / -1 missing. Nothing here needs the secret.
    """
    out: dict[str, np.ndarray] = {}
    inter_words = np.bitwise_count(words[rid_a] & words[rid_b])
    counts = segment_counts(words, n_bits) if seg_counts is None else seg_counts
    for j, (seg, edges) in enumerate(LEVEL_EDGES.items()):
        lo, hi = segment_bits(seg, n_bits)
        ca, cb = counts[rid_a, j], counts[rid_b, j]
        inter = inter_words[:, lo // 64 : hi // 64].sum(axis=1, dtype=np.int32)
        d = np.where(ca + cb > 0, 2.0 * inter / np.maximum(ca + cb, 1), 0.0)
        level = np.searchsorted(np.asarray(edges), d, side="right")
        out[f"{seg}_dice"] = d
        out[seg] = np.where((ca == 0) | (cb == 0), -1, level)
    # names level x date of birth (missing / same / differs): a perfect name with no
    # date of birth is weaker evidence than with a matching one, and twins
    # (same date, names half alike) must not look like one person
    names_level = np.searchsorted(np.asarray(LEVEL_EDGES["names"]), out["names_dice"], side="right")
    dob_state = np.where(out["dob"] < 0, 0, np.where(out["dob_dice"] >= 0.99, 1, 2))
    out["names_dob"] = names_level * len(DOB_STATES) + dob_state
    contact_state = np.where(out["contact"] < 0, 0, np.where(out["contact_dice"] >= 0.8, 1, 2))
    out["names_contact"] = names_level * len(CONTACT_STATES) + contact_state
    a, b = codes[rid_a], codes[rid_b]
    out["keys"] = np.where((a < 0) | (b < 0), -1, (a == b).astype(np.int8))
    if programme is not None:  # record IDs say nothing across rosters: missing there
        across = programme[rid_a] != programme[rid_b]
        for key in WITHIN_ROSTER_KEYS:
            j = MODEL_KEYS.index(key)
            out["keys"][:, j] = np.where(across, -1, out["keys"][:, j])
    pattern = np.searchsorted(np.asarray(PATTERN_NAMES_EDGES), out["names_dice"], side="right")
    dob_d = out["dob_dice"]
    dob_p = np.where(out["dob"] < 0, 0, np.where(dob_d >= 0.99, 1, np.where(dob_d >= 0.6, 2, 3)))
    con_d = out["contact_dice"]
    con_p = np.where(out["contact"] < 0, 0, np.where(con_d >= 0.8, 1, np.where(con_d >= 0.4, 2, 3)))
    pattern = (pattern * len(PATTERN_DOB) + dob_p) * len(PATTERN_CONTACT) + con_p
    for key in PATTERN_KEYS:
        pattern = pattern * len(KEY_STATES) + out["keys"][:, MODEL_KEYS.index(key)] + 1
    out["pattern"] = pattern
    return out


def feature_names() -> list[str]:
    """Names of the pair model's inputs, in the order of :func:`levels_design`."""
    names = []
    for seg, edges in LEVEL_EDGES.items():
        names += [f"{seg}>={e}" for e in edges] + [f"{seg} missing"]
    for v in range(len(LEVEL_EDGES["names"]) + 1):
        names += [f"names level {v}, dob {label}" for label in DOB_STATES]
    for v in range(len(LEVEL_EDGES["names"]) + 1):
        names += [f"names level {v}, contact {label}" for label in CONTACT_STATES]
    for key in MODEL_KEYS:
        names += [f"{key} agrees", f"{key} differs"]
    return names + pattern_labels()


def levels_design(levels: dict[str, np.ndarray]) -> np.ndarray:
    """One-hot design matrix of :func:`pair_levels` (for fitting the model)."""
    cols = []
    for seg, edges in LEVEL_EDGES.items():
        lv = levels[seg]
        cols += [(lv == v).astype(np.float64) for v in range(1, len(edges) + 1)]
        cols.append((lv < 0).astype(np.float64))
    n_combo = (len(LEVEL_EDGES["names"]) + 1) * len(DOB_STATES)
    cols += [(levels["names_dob"] == c).astype(np.float64) for c in range(n_combo)]
    n_combo = (len(LEVEL_EDGES["names"]) + 1) * len(CONTACT_STATES)
    cols += [(levels["names_contact"] == c).astype(np.float64) for c in range(n_combo)]
    for j in range(len(MODEL_KEYS)):
        state = levels["keys"][:, j]
        cols += [(state == 1).astype(np.float64), (state == 0).astype(np.float64)]
    cols += [(levels["pattern"] == c).astype(np.float64) for c in range(len(pattern_labels()))]
    return np.column_stack(cols)


def pair_features(
    words: np.ndarray,
    keys: pd.DataFrame,
    rid_a: np.ndarray,
    rid_b: np.ndarray,
    n_bits: int = N_BITS,
    programme: np.ndarray | None = None,
) -> tuple[np.ndarray, list[str], dict[str, np.ndarray]]:
    """Design matrix, feature names and Dice per segment of candidate pairs (for fitting)."""
    levels = pair_levels(words, key_codes(keys), rid_a, rid_b, n_bits, programme=programme)
    by_segment = {seg: levels[f"{seg}_dice"] for seg in LEVEL_EDGES}
    return levels_design(levels), feature_names(), by_segment


def fit_pair_model(
    x: np.ndarray,
    y: np.ndarray,
    names: list[str],
    l2: float = 1.0,
    weights: np.ndarray | None = None,
) -> dict:
    """Logistic regression (Newton steps, L2) of "same person" on pair features.

    ``weights`` (one per pair) let one labelled set count for less than another.

    How :data:`PAIR_MODEL` was made: see docs/privacy-preserving.md.
    """
    xb = np.column_stack([np.ones(len(x)), x])
    w = np.zeros(xb.shape[1])
    penalty = l2 * np.diag(np.r_[0.0, np.ones(len(w) - 1)])
    sw = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    for _ in range(30):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (sw * (p - y)) + penalty @ w
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"intercept": round(float(w[0]), 4)} | {
        n: round(float(v), 4) for n, v in zip(names, w[1:], strict=True)
    }


def training_pairs(
    rosters: list[pd.DataFrame], true_ids: list[np.ndarray], secret: bytes = b"training-secret-0"
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Features and truth of the candidate pairs of labelled normalised rosters (to fit the model).

    Args:
        rosters: normalised records of each roster (``prepare_records`` output).
        true_ids: the true person of each record, per roster.
        secret: any secret (the model does not depend on it).

    Returns:
        ``(X, y, names)`` for :func:`fit_pair_model`.
    """
    records = pd.concat(rosters, ignore_index=True)
    truth = np.concatenate([np.asarray(t).astype(str) for t in true_ids])
    words = clk_words(records, secret)
    keys = pd.DataFrame(
        {
            f"b_{bk}": _keyed_block_hashes(values, hkdf_sha256(secret, b"block:" + bk.encode()))
            for bk, values in block_key_parts(records).items()
        }
    )
    pairs, _ = candidate_pairs_encoded(keys.assign(rid=np.arange(len(records))))
    ra, rb = pairs["rid_a"].to_numpy(), pairs["rid_b"].to_numpy()
    programme = np.repeat(np.arange(len(rosters)), [len(r) for r in rosters])
    x, names, _ = pair_features(words, keys, ra, rb, programme=programme)
    return x, (truth[ra] == truth[rb]).astype(np.float64), names


def pair_probability(levels: dict[str, np.ndarray], model: dict | None = None) -> np.ndarray:
    """Probability that each pair is one person, from :func:`pair_levels` (table look-ups)."""
    model = PAIR_MODEL if model is None else model
    logit = np.full(len(levels["names"]), float(model["intercept"]))
    for seg, edges in LEVEL_EDGES.items():
        table = np.array(
            [0.0]
            + [model.get(f"{seg}>={e}", 0.0) for e in edges]
            + [model.get(f"{seg} missing", 0.0)]
        )
        logit += table[np.where(levels[seg] < 0, len(edges) + 1, levels[seg])]
    combos = [
        model.get(f"names level {v}, dob {label}", 0.0)
        for v in range(len(LEVEL_EDGES["names"]) + 1)
        for label in DOB_STATES
    ]
    logit += np.array(combos)[levels["names_dob"]]
    combos = [
        model.get(f"names level {v}, contact {label}", 0.0)
        for v in range(len(LEVEL_EDGES["names"]) + 1)
        for label in CONTACT_STATES
    ]
    logit += np.array(combos)[levels["names_contact"]]
    for j, key in enumerate(MODEL_KEYS):
        table = np.array([0.0, model.get(f"{key} differs", 0.0), model.get(f"{key} agrees", 0.0)])
        logit += table[levels["keys"][:, j] + 1]
    logit += np.array([model.get(lab, 0.0) for lab in pattern_labels()])[levels["pattern"]]
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -30, 30)))


def candidate_pairs_encoded(
    blocks: pd.DataFrame, max_block: int = MAX_BLOCK_SIZE
) -> tuple[pd.DataFrame, dict]:
    """Pairs of records (rid_a < rid_b) sharing any blocking key, by DuckDB joins.

    Args:
        blocks: one row per record, ``rid`` plus the ``b_*`` columns.
        max_block: blocks with more records than this are skipped (and counted).

    Returns:
        ``(pairs, report)``: pairs with ``rid_a, rid_b, keys`` (how many
        blocking keys agree); report with counts per key.
    """
    from overlap import duck

    key_cols = [c for c in blocks.columns if c.startswith("b_")]
    long = blocks.melt(id_vars="rid", value_vars=key_cols, var_name="kind", value_name="k")
    long = long[long["k"] != ""].reset_index(drop=True)
    con = duck.connect()
    try:
        con.register("keys", long)
        sizes = con.execute(
            "SELECT kind, count(*) FILTER (WHERE n > ?) AS oversize, "
            "sum(n * (n - 1) / 2) FILTER (WHERE n <= ?) AS pairs FROM "
            "(SELECT kind, k, count(*) AS n FROM keys GROUP BY kind, k) GROUP BY kind",
            [max_block, max_block],
        ).df()
        pairs = con.execute(
            """
            WITH small AS (
                SELECT keys.* FROM keys JOIN (
                    SELECT kind, k FROM keys GROUP BY kind, k HAVING count(*) BETWEEN 2 AND ?
                ) USING (kind, k)
            )
            SELECT a.rid AS rid_a, b.rid AS rid_b, count(*)::INTEGER AS keys
            FROM small a JOIN small b ON a.kind = b.kind AND a.k = b.k AND a.rid < b.rid
            GROUP BY a.rid, b.rid
            ORDER BY rid_a, rid_b
            """,
            [max_block],
        ).df()
    finally:
        con.close()
    report = {
        "candidate_pairs": int(len(pairs)),
        "per_key": {
            str(r.kind): {
                "pairs": int(r.pairs or 0),
                "oversize_blocks_skipped": int(r.oversize or 0),
            }
            for r in sizes.itertuples()
        },
    }
    pairs["rid_a"] = pairs["rid_a"].astype(np.int64)
    pairs["rid_b"] = pairs["rid_b"].astype(np.int64)
    return pairs, report


# ------------------------------------------------------------------ match encoded


@dataclass
class EncodedMatch:
    """The result of linking encoded rosters: what the plain path's files hold.

    ``records``: ``rid, programme, row`` (the random id), ``person_id`` and the
    shared columns. ``links``: pairs at or above the threshold with
    ``programme_a, row_a, programme_b, row_b, probability, dice, keys``.
    """

    records: pd.DataFrame
    links: pd.DataFrame
    pairs: pd.DataFrame
    summary: dict
    threshold: float
    stats: list[dict]
    programmes: list[str]


def _check_compatible(rosters: list[EncodedRoster], labels: list[str]) -> None:
    """Refuse to link files made with different secrets or settings (their bits are unrelated)."""
    first = rosters[0].params
    for roster, label in zip(rosters[1:], labels[1:], strict=True):
        p = roster.params
        if p.get("key_check") != first.get("key_check"):
            raise EncodedFileError(
                f"{labels[0]} and {label} were encoded with different secrets, so they cannot "
                "be matched; every partner must encode with the same secret file"
            )
        for setting in ("n_bits", "q", "fields", "block_keys"):
            if p.get(setting) != first.get(setting):
                raise EncodedFileError(
                    f"{labels[0]} and {label} were encoded with different settings ({setting}); "
                    "encode both with the same version of Overlap"
                )


def match_encoded(
    paths: list[str | os.PathLike] | list[EncodedRoster],
    names: list[str] | None = None,
    threshold: float | None = None,
    decisions: pd.DataFrame | None = None,
    max_block: int = MAX_BLOCK_SIZE,
    allow_different_secrets: bool = False,
) -> EncodedMatch:
    """Link encoded rosters: keyed blocking, Dice on the bit vectors, the same clustering.

    Args:
        paths: .clk files (or already read :class:`EncodedRoster` objects).
        names: programme names (default: the names stored in the files).
        threshold: match probability at or above which two records are
            linked (default :data:`DEFAULT_THRESHOLD`, as plain matching).
        decisions: user decisions (``programme_a,row_a,programme_b,row_b,decision``,
            rows being random ids), applied as in plain linkage.
        max_block: skip blocks with more records than this.
        allow_different_secrets: link even if the files' secrets differ (only
            useful to show that nothing then matches).

    Returns:
        An :class:`EncodedMatch` with records, links, all scored pairs and the
        ``overlap.json`` summary (counts as-is; use :func:`suppress_summary_counts`
        before showing them to partners).
    """
    import time

    from overlap.analyse import overlap_summary

    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    stats: list[dict] = []
    t0 = time.perf_counter()
    rosters = [p if isinstance(p, EncodedRoster) else read_encoded(p) for p in paths]
    labels = [str(p) if not isinstance(p, EncodedRoster) else p.name for p in paths]
    if not rosters:
        raise EncodedFileError("no encoded rosters were given")
    if names:
        if len(names) != len(rosters):
            raise EncodedFileError(
                f"{len(names)} names were given for {len(rosters)} encoded files"
            )
        for roster, name in zip(rosters, names, strict=True):
            roster.name = name
    programmes = [r.name for r in rosters]
    if len(set(programmes)) != len(programmes):
        raise EncodedFileError(
            "two encoded files have the same programme name; give each a different --name"
        )
    if not allow_different_secrets:
        _check_compatible(rosters, labels)
    n_bits = int(rosters[0].params.get("n_bits", N_BITS))

    shared_cols = list(
        dict.fromkeys(c for r in rosters for c in r.params.get("shared_columns", []))
    )
    key_cols = list(
        dict.fromkeys(c for r in rosters for c in r.frame.columns if c.startswith("b_"))
    )
    parts = []
    for roster in rosters:
        f = roster.frame
        part = pd.DataFrame({"programme": roster.name, "row": f["id"].astype(str)})
        for col in key_cols + shared_cols:
            part[col] = f[col].astype(str) if col in f.columns else ""
        parts.append(part)
    records = pd.concat(parts, ignore_index=True)
    records.insert(0, "rid", np.arange(len(records), dtype=np.int64))
    clk_text = pd.concat([r.frame["clk"] for r in rosters], ignore_index=True)
    words = base64_to_words(clk_text.tolist(), n_bits)
    stats.append({"stage": "read", "seconds": time.perf_counter() - t0, "records": len(records)})

    t1 = time.perf_counter()
    pairs, report = candidate_pairs_encoded(records[["rid", *key_cols]], max_block=max_block)
    stats.append({"stage": "block", "seconds": time.perf_counter() - t1, **report})

    t2 = time.perf_counter()
    ra = pairs["rid_a"].to_numpy()
    rb = pairs["rid_b"].to_numpy()
    chunk = 500_000
    probability = np.empty(len(pairs), dtype=np.float64)
    seg_dice = {seg: np.empty(len(pairs), dtype=np.float64) for seg in LEVEL_EDGES}
    codes = key_codes(records[key_cols])
    counts = segment_counts(words, n_bits)
    programme_code = pd.factorize(records["programme"])[0]
    for start in range(0, len(pairs), chunk):
        sl = slice(start, start + chunk)
        levels = pair_levels(words, codes, ra[sl], rb[sl], n_bits, counts, programme_code)
        probability[sl] = pair_probability(levels)
        for seg in LEVEL_EDGES:
            seg_dice[seg][sl] = levels[f"{seg}_dice"]
    for seg, d in seg_dice.items():
        pairs[f"{seg}_dice"] = d
    pairs["probability"] = probability
    stats.append(
        {"stage": "compare", "seconds": time.perf_counter() - t2, "pairs_scored": len(pairs)}
    )

    t3 = time.perf_counter()
    person_id = _cluster(records, pairs, threshold, decisions, clk_text)
    records = records.drop(columns=key_cols)
    records.insert(3, "person_id", person_id)
    stats.append(
        {
            "stage": "cluster",
            "seconds": time.perf_counter() - t3,
            "people": int(pd.Series(person_id).nunique()),
        }
    )
    links = _links_frame(records, pairs[pairs["probability"] >= threshold])
    summary = overlap_summary(records)
    return EncodedMatch(
        records=records,
        links=links,
        pairs=pairs,
        summary=summary,
        threshold=threshold,
        stats=stats,
        programmes=programmes,
    )


def _links_frame(records: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    prog = records["programme"].to_numpy()
    row = records["row"].to_numpy()
    ra = pairs["rid_a"].to_numpy()
    rb = pairs["rid_b"].to_numpy()
    return pd.DataFrame(
        {
            "programme_a": prog[ra],
            "row_a": row[ra],
            "programme_b": prog[rb],
            "row_b": row[rb],
            "probability": pairs["probability"].to_numpy().round(6),
            **{f"{seg}_dice": pairs[f"{seg}_dice"].to_numpy().round(4) for seg in LEVEL_EDGES},
            "keys_agreeing": pairs["keys"].to_numpy(),
        }
    )


def _cluster(
    records: pd.DataFrame,
    pairs: pd.DataFrame,
    threshold: float,
    decisions: pd.DataFrame | None,
    clks: pd.Series,
) -> np.ndarray:
    """Persons from scored pairs with the plain path's clustering (same-roster guard included).

    Decisions name records by programme and random id (``row``), as saved
    from an encoded run; ties are broken by the encodings themselves, so the
    result does not depend on the (random) order of the files.
    """
    from overlap.cluster import cluster_records

    programme_codes = pd.factorize(records["programme"])[0]
    tie_order = pd.Series(clks.to_numpy()).rank(method="first").to_numpy(dtype=np.int64)
    rid_decisions = None
    if decisions is not None and len(decisions):
        where = pd.Series(
            records["rid"].to_numpy(),
            index=pd.MultiIndex.from_arrays([records["programme"], records["row"].astype(str)]),
        )
        key_a = pd.MultiIndex.from_arrays(
            [decisions["programme_a"], decisions["row_a"].astype(str)]
        )
        key_b = pd.MultiIndex.from_arrays(
            [decisions["programme_b"], decisions["row_b"].astype(str)]
        )
        known = key_a.isin(where.index) & key_b.isin(where.index)
        rid_decisions = pd.DataFrame(
            {
                "rid_a": where.loc[key_a[known]].to_numpy(),
                "rid_b": where.loc[key_b[known]].to_numpy(),
                "decision": decisions["decision"].to_numpy()[known],
            }
        )
    return np.asarray(
        cluster_records(
            len(records),
            pairs,
            threshold,
            rid_decisions,
            programme_codes=programme_codes,
            tie_order=tie_order,
        )
    )


def run_encoded_match(
    paths: list[str | os.PathLike],
    out_dir: str | os.PathLike,
    names: list[str] | None = None,
    threshold: float | None = None,
    decisions: pd.DataFrame | None = None,
    progress=None,
) -> EncodedMatch:
    """``overlap match`` on .clk files: write records.csv, links.csv and overlap.json.

    The files have the plain path's columns, with ``row`` holding each
    record's random id (only its owner's key file turns it back into a row
    number) and the shared columns in place of the normalised fields.
    ``overlap.json`` holds exact counts; anything shown to partners should
    go through :func:`suppress_summary_counts`.

    Args:
        paths: the .clk files.
        out_dir: folder for the three files.
        names: programme names, one per file (default: the names in the files).
        threshold: match probability (default 0.5, as plain matching).
        decisions: review decisions keyed by programme and random id.
        progress: ``progress(stage, info)`` called once per stage (counts and
            timings only), like the plain pipeline's.

    Returns:
        The :class:`EncodedMatch`.
    """
    result = match_encoded(paths, names=names, threshold=threshold, decisions=decisions)
    if progress is not None:
        for info in result.stats:
            progress(info["stage"], info)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result.records.drop(columns=["rid"]).to_csv(out / "records.csv", index=False)
    result.links.to_csv(out / "links.csv", index=False)
    (out / "overlap.json").write_text(json.dumps(result.summary, indent=2), encoding="utf-8")
    return result


def suppress_summary_counts(summary: dict, k: int | None = None) -> dict:
    """A copy of an ``overlap.json`` summary with counts from 1 to k-1 hidden (None).

    Public-health agencies hide counts below 11 in shared tables, because a
    count of 2 in "ZIP 60614, in both programmes" can point at a person.
    Zeros stay. ``suppressed_below`` records the rule used.
    """
    from overlap.analyse import SMALL_CELL_THRESHOLD

    k = SMALL_CELL_THRESHOLD if k is None else int(k)

    def hide(n):
        return None if isinstance(n, int) and 0 < n < k else n

    out = json.loads(json.dumps(summary))
    for stats in out.get("programmes", {}).values():
        for key in ("records", "people"):
            if key in stats:
                stats[key] = hide(stats[key])
    if "union_people" in out:
        out["union_people"] = hide(out["union_people"])
    for pair in out.get("pairwise", []):
        pair["shared_people"] = hide(pair["shared_people"])
    for group in out.get("intersections", []):
        group["people"] = hide(group["people"])
    out["suppressed_below"] = k
    return out
