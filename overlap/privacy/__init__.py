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

- :mod:`overlap.privacy.encoding` — secrets, keys, Bloom filters, ``encode_roster``/``encode_file``;
- :mod:`overlap.privacy.clk_file` — the .clk and key files, and the way back to own rows;
- :mod:`overlap.privacy.pair_model` — pair levels and the pair model;
- :mod:`overlap.privacy.linkage` — blocking, scoring and clustering encoded rosters.

Everything public is importable from ``overlap.privacy`` itself.
"""

from overlap.privacy.clk_file import (
    encoded_bytes,
    ids_to_rows,
    key_map_bytes,
    my_shared_rows,
    read_encoded,
    read_key_map,
    shared_ids,
    write_encoded,
    write_key_map,
)
from overlap.privacy.encoding import (
    BLOCK_KEYS,
    DEFAULT_THRESHOLD,
    FIELD_HASHES,
    FIELD_SEGMENT,
    MAGIC,
    MAX_BLOCK_SIZE,
    MIN_SECRET_BYTES,
    N_BITS,
    SCHEMA_VERSION,
    SEGMENT_WORDS,
    EncodedFileError,
    EncodedRoster,
    KeyMap,
    SecretError,
    base64_to_words,
    bigrams,
    block_key_parts,
    check_secret,
    clk_words,
    encode_file,
    encode_roster,
    encoding_fields,
    hkdf_sha256,
    key_check,
    keyed_block_hashes,
    keyed_blocks,
    read_secret,
    segment_bits,
    words_to_base64,
)
from overlap.privacy.linkage import (
    EncodedMatch,
    candidate_pairs_encoded,
    match_encoded,
    run_encoded_match,
    suppress_summary_counts,
)
from overlap.privacy.pair_model import (
    LEVEL_EDGES,
    MODEL_KEYS,
    PAIR_MODEL,
    dice,
    feature_names,
    fit_pair_model,
    key_codes,
    levels_design,
    pair_features,
    pair_levels,
    pair_probability,
    pattern_labels,
    segment_counts,
    segment_dice,
    training_pairs,
)

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
