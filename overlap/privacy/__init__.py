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

The package, one module per step:

- :mod:`overlap.privacy.scheme` — the settings every encoder agrees on (plain Python);
- :mod:`overlap.privacy.encoding` — Bloom filters with numpy, ``encode_roster``/``encode_file``;
- :mod:`overlap.privacy.plain_encoding` and :mod:`overlap.privacy.plain_roster` — the same
  encoding with the standard library only, from a roster file's bytes to the .clk file: what
  runs in a partner's browser (:mod:`overlap.privacy.browser`);
- :mod:`overlap.privacy.clk_file` — the .clk and key files, and the way back to own rows;
- :mod:`overlap.privacy.pair_model` — pair levels and the pair model;
- :mod:`overlap.privacy.linkage` — blocking, scoring and clustering encoded rosters.

Everything public is importable from ``overlap.privacy`` itself, loaded on first use
(PEP 562): importing a plain-Python module of the package never loads numpy or pandas,
which a browser's Python does not have.
"""

import importlib

_WHERE = {
    "BLOCK_KEYS": "encoding",
    "DEFAULT_THRESHOLD": "encoding",
    "EncodedFileError": "encoding",
    "EncodedMatch": "linkage",
    "EncodedRoster": "encoding",
    "FIELD_HASHES": "encoding",
    "FIELD_SEGMENT": "encoding",
    "KeyMap": "encoding",
    "LEVEL_EDGES": "pair_model",
    "MAGIC": "encoding",
    "MAX_BLOCK_SIZE": "encoding",
    "MIN_SECRET_BYTES": "encoding",
    "MODEL_KEYS": "pair_model",
    "N_BITS": "encoding",
    "PAIR_MODEL": "pair_model",
    "SCHEMA_VERSION": "encoding",
    "SEGMENT_WORDS": "encoding",
    "SecretError": "encoding",
    "base64_to_words": "encoding",
    "bigrams": "encoding",
    "block_key_parts": "encoding",
    "candidate_pairs_encoded": "linkage",
    "check_secret": "encoding",
    "clk_words": "encoding",
    "dice": "pair_model",
    "encode_file": "encoding",
    "encode_roster": "encoding",
    "encoded_bytes": "clk_file",
    "encoding_fields": "encoding",
    "feature_names": "pair_model",
    "fit_pair_model": "pair_model",
    "hkdf_sha256": "encoding",
    "ids_to_rows": "clk_file",
    "key_check": "encoding",
    "key_codes": "pair_model",
    "key_map_bytes": "clk_file",
    "keyed_block_hashes": "encoding",
    "keyed_blocks": "encoding",
    "levels_design": "pair_model",
    "match_encoded": "linkage",
    "my_shared_rows": "clk_file",
    "pair_features": "pair_model",
    "pair_levels": "pair_model",
    "pair_probability": "pair_model",
    "pattern_labels": "pair_model",
    "read_encoded": "clk_file",
    "read_key_map": "clk_file",
    "read_secret": "encoding",
    "run_encoded_match": "linkage",
    "segment_bits": "encoding",
    "segment_counts": "pair_model",
    "segment_dice": "pair_model",
    "shared_ids": "clk_file",
    "suppress_summary_counts": "linkage",
    "training_pairs": "pair_model",
    "words_to_base64": "encoding",
    "write_encoded": "clk_file",
    "write_key_map": "clk_file",
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'overlap.privacy' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"overlap.privacy.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "BLOCK_KEYS",
    "DEFAULT_THRESHOLD",
    "EncodedFileError",
    "EncodedMatch",
    "EncodedRoster",
    "FIELD_HASHES",
    "FIELD_SEGMENT",
    "KeyMap",
    "LEVEL_EDGES",
    "MAGIC",
    "MAX_BLOCK_SIZE",
    "MIN_SECRET_BYTES",
    "MODEL_KEYS",
    "N_BITS",
    "PAIR_MODEL",
    "SCHEMA_VERSION",
    "SEGMENT_WORDS",
    "SecretError",
    "base64_to_words",
    "bigrams",
    "block_key_parts",
    "candidate_pairs_encoded",
    "check_secret",
    "clk_words",
    "dice",
    "encode_file",
    "encode_roster",
    "encoded_bytes",
    "encoding_fields",
    "feature_names",
    "fit_pair_model",
    "hkdf_sha256",
    "ids_to_rows",
    "key_check",
    "key_codes",
    "key_map_bytes",
    "keyed_block_hashes",
    "keyed_blocks",
    "levels_design",
    "match_encoded",
    "my_shared_rows",
    "read_key_map",
    "shared_ids",
    "pair_features",
    "pair_levels",
    "pair_probability",
    "pattern_labels",
    "read_encoded",
    "read_secret",
    "run_encoded_match",
    "segment_bits",
    "segment_counts",
    "segment_dice",
    "suppress_summary_counts",
    "training_pairs",
    "words_to_base64",
    "write_encoded",
    "write_key_map",
]
