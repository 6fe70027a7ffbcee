"""What the linker sees about a pair of encodings, and the model that turns it into a probability.

Nothing here needs the secret: Dice per segment of the filters, which keyed
blocking keys agree, and a joint pattern of both.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from overlap.privacy.encoding import (
    N_BITS,
    SEGMENT_WORDS,
    clk_words,
    keyed_blocks,
    segment_bits,
)


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
    from overlap.privacy.linkage import candidate_pairs_encoded

    keys = keyed_blocks(records, secret).reset_index(drop=True)
    pairs, _ = candidate_pairs_encoded(keys.assign(rid=np.arange(len(records))))
    ra, rb = pairs["rid_a"].to_numpy(), pairs["rid_b"].to_numpy()
    programme = np.repeat(np.arange(len(rosters)), [len(r) for r in rosters])
    x, names, _ = pair_features(words, keys, ra, rb, programme=programme)
    return x, (truth[ra] == truth[rb]).astype(np.float64), names


@lru_cache(maxsize=1)
def _shipped_model() -> dict[str, float]:
    """The shipped weights (overlap/data/clk_pair_model.json; how they were fitted: docs)."""
    text = resources.files("overlap").joinpath("data/clk_pair_model.json").read_text("utf-8")
    return json.loads(text)


#: The shipped weights (a copy; :func:`pair_probability` uses them when given no model).
PAIR_MODEL: dict[str, float] = dict(_shipped_model())


def pair_probability(levels: dict[str, np.ndarray], model: dict | None = None) -> np.ndarray:
    """Probability that each pair is one person, from :func:`pair_levels` (table look-ups)."""
    model = _shipped_model() if model is None else model
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
