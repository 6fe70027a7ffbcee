"""Linking encoded rosters: keyed blocking in DuckDB, the pair model, the plain path's clustering."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from overlap.privacy.clk_file import read_encoded
from overlap.privacy.encoding import (
    BLOCK_KEY_CAPS,
    DEFAULT_THRESHOLD,
    MAX_BLOCK_SIZE,
    N_BITS,
    EncodedFileError,
    EncodedRoster,
    base64_to_words,
)
from overlap.privacy.fitted_model import COMPARISONS as FS_COMPARISONS
from overlap.privacy.fitted_model import (
    U_PAIRS_MAX,
    U_PAIRS_MIN,
    U_PAIRS_PER_RECORD,
    comparison_levels,
    fit_encoded_model,
    key_code_table,
    name_counts,
    name_frequencies,
    pair_groups,
    random_record_pairs,
)
from overlap.privacy.pair_model import (
    LEVEL_EDGES,
    key_codes,
    pair_levels,
    pair_probability,
    segment_counts,
)


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
    caps = {f"b_{key}": min(cap, max_block) for key, cap in BLOCK_KEY_CAPS.items()}
    long["cap"] = long["kind"].map(caps).fillna(max_block).astype(np.int64)
    con = duck.connect()
    try:
        con.register("keys", long)
        sizes = con.execute(
            "SELECT kind, count(*) FILTER (WHERE n > cap) AS oversize, "
            "sum(n * (n - 1) / 2) FILTER (WHERE n <= cap) AS pairs FROM "
            "(SELECT kind, k, count(*) AS n, any_value(cap) AS cap FROM keys GROUP BY kind, k) "
            "GROUP BY kind"
        ).df()
        pairs = con.execute(
            """
            WITH small AS (
                SELECT keys.* FROM keys JOIN (
                    SELECT kind, k FROM keys GROUP BY kind, k
                    HAVING count(*) >= 2 AND count(*) <= any_value(cap)
                ) USING (kind, k)
            )
            SELECT a.rid AS rid_a, b.rid AS rid_b, count(*)::INTEGER AS keys
            FROM small a JOIN small b ON a.kind = b.kind AND a.k = b.k AND a.rid < b.rid
            GROUP BY a.rid, b.rid
            ORDER BY rid_a, rid_b
            """
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
    pair_model: str = "shipped",
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
        pair_model: ``"shipped"`` (default) scores with the shipped model;
            ``"fitted"`` fits the pair model on these encodings (no labels, as
            plain matching fits its own), keeping the shipped model when there
            are too few pairs to learn from. Not the default yet: it is ahead
            on FEBRL, RLdata and pseudopeople, behind on our own generator
            (bench/README.md, "Encoded vs plain matching").

    Returns:
        An :class:`EncodedMatch` with records, links, all scored pairs and the
        ``overlap.json`` summary (counts as-is; use :func:`suppress_summary_counts`
        before showing them to partners).
    """
    import time

    from overlap.analyse import overlap_summary

    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    t0 = time.perf_counter()
    rosters = _read_rosters(paths, names, allow_different_secrets)
    records, clk_text, key_cols = _records_frame(rosters)
    n_bits = int(rosters[0].params.get("n_bits", N_BITS))
    words = base64_to_words(clk_text.tolist(), n_bits)
    stats = [{"stage": "read", "seconds": time.perf_counter() - t0, "records": len(records)}]

    t1 = time.perf_counter()
    pairs, report = candidate_pairs_encoded(records[["rid", *key_cols]], max_block=max_block)
    stats.append({"stage": "block", "seconds": time.perf_counter() - t1, **report})

    t2 = time.perf_counter()
    order = pd.Series(clk_text.to_numpy()).rank(method="first").to_numpy(dtype=np.int64) - 1
    model_info = _score_pairs(
        pairs, words, records, key_cols, n_bits, pair_model, np.argsort(order, kind="stable")
    )
    stats.append(
        {
            "stage": "compare",
            "seconds": time.perf_counter() - t2,
            "pairs_scored": len(pairs),
            **model_info,
        }
    )

    t3 = time.perf_counter()
    person_id = _cluster(records, pairs, threshold, decisions, clk_text)
    records = records.drop(columns=key_cols)
    records.insert(3, "person_id", person_id)
    people = int(pd.Series(person_id).nunique())
    stats.append({"stage": "cluster", "seconds": time.perf_counter() - t3, "people": people})
    return EncodedMatch(
        records=records,
        links=_links_frame(records, pairs[pairs["probability"] >= threshold]),
        pairs=pairs,
        summary=overlap_summary(records),
        threshold=threshold,
        stats=stats,
        programmes=[r.name for r in rosters],
    )


def _read_rosters(
    paths: list[str | os.PathLike] | list[EncodedRoster],
    names: list[str] | None,
    allow_different_secrets: bool,
) -> list[EncodedRoster]:
    """Read the .clk files, name them and refuse sets that cannot be linked together."""
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
    return rosters


def _records_frame(rosters: list[EncodedRoster]) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """One frame of every record (``rid, programme, row``, keys, shared columns), its CLKs, its key columns."""
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
    return records, clk_text, key_cols


def _segment_levels(
    words: np.ndarray,
    codes: np.ndarray,
    counts: np.ndarray,
    programme_code: np.ndarray,
    ra: np.ndarray,
    rb: np.ndarray,
    n_bits: int,
    chunk: int = 500_000,
):
    """Chunk by chunk: each chunk's slice and :func:`pair_levels` (bounded memory)."""
    for start in range(0, len(ra), chunk):
        sl = slice(start, start + chunk)
        yield sl, pair_levels(words, codes, ra[sl], rb[sl], n_bits, counts, programme_code)


def _comparisons(levels: dict, key_table: dict, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """The fitted model's comparison levels from :func:`pair_levels` output."""
    dice = {seg: levels[f"{seg}_dice"] for seg in LEVEL_EDGES}
    present = {seg: levels[seg] >= 0 for seg in LEVEL_EDGES}
    return comparison_levels(dice, present, key_table, ra, rb)


def _score_pairs(
    pairs: pd.DataFrame,
    words: np.ndarray,
    records: pd.DataFrame,
    key_cols: list[str],
    n_bits: int,
    pair_model: str = "shipped",
    order: np.ndarray | None = None,
) -> dict:
    """Add ``<segment>_dice`` and ``probability`` to the candidate pairs; say which model scored them.

    ``pair_model="fitted"`` fits m, u and priors on these encodings
    (:mod:`overlap.privacy.fitted_model`), keeping the shipped model when the
    run has too few pairs to learn from; ``"shipped"`` uses the shipped model.
    ``order`` ranks the records independently of file order (random pairs for u).
    """
    if pair_model not in ("shipped", "fitted"):
        raise ValueError(f"pair_model must be 'shipped' or 'fitted', not {pair_model!r}")
    ra = pairs["rid_a"].to_numpy()
    rb = pairs["rid_b"].to_numpy()
    probability = np.empty(len(pairs), dtype=np.float64)
    seg_dice = {seg: np.empty(len(pairs), dtype=np.float64) for seg in LEVEL_EDGES}
    codes = key_codes(records[key_cols])
    counts = segment_counts(words, n_bits)
    programme_code = pd.factorize(records["programme"])[0]
    key_table = key_code_table(records[key_cols])
    fitting = pair_model == "fitted"
    levels_fs = np.empty((len(pairs) if fitting else 0, len(FS_COMPARISONS)), dtype=np.int8)
    for sl, levels in _segment_levels(words, codes, counts, programme_code, ra, rb, n_bits):
        probability[sl] = pair_probability(levels)
        if fitting:
            levels_fs[sl] = _comparisons(levels, key_table, ra[sl], rb[sl])
        for seg in LEVEL_EDGES:
            seg_dice[seg][sl] = levels[f"{seg}_dice"]
    for seg, d in seg_dice.items():
        pairs[f"{seg}_dice"] = d
    info: dict = {"pair_model": "shipped"}
    if fitting:
        cross = programme_code[ra] != programme_code[rb]
        groups = pair_groups(programme_code, ra, rb)
        model = _fit_on_encodings(
            levels_fs,
            cross,
            groups,
            (words, codes, counts, programme_code, key_table, ra, rb),
            n_bits,
            order,
        )
        if model is not None:
            freq = name_frequencies(key_table, ra, rb)
            probability = model.probability(levels_fs, cross, freq, groups)
            info = {"pair_model": "fitted on these encodings", **model.summary()}
    pairs["probability"] = probability
    return info


def _fit_on_encodings(
    levels_fs: np.ndarray,
    cross: np.ndarray,
    groups: np.ndarray,
    encodings: tuple,
    n_bits: int,
    order: np.ndarray | None,
):
    """Fit the Fellegi–Sunter model on the candidate pairs and random pairs of these records.

    ``encodings``: words, key codes, bits per segment, roster codes, key table of the records.
    """
    words, codes, counts, programme_code, key_table, ra, rb = encodings
    n = len(programme_code)
    if order is None:
        order = np.arange(n)
    n_random = int(np.clip(U_PAIRS_PER_RECORD * n, U_PAIRS_MIN, U_PAIRS_MAX))
    qa, qb = random_record_pairs(order, n_random)
    random_levels = np.empty((len(qa), len(FS_COMPARISONS)), dtype=np.int8)
    for sl, levels in _segment_levels(words, codes, counts, programme_code, qa, qb, n_bits):
        random_levels[sl] = _comparisons(levels, key_table, qa[sl], qb[sl])
    counts_of_name = name_counts(key_table, ra, rb)
    rare = (counts_of_name > 0) & (counts_of_name <= max(3, int(programme_code.max()) + 2))
    return fit_encoded_model(levels_fs, cross, random_levels, programme_code, groups, rare)


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
    pair_model: str = "shipped",
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
        pair_model: ``"shipped"`` or ``"fitted"`` (see :func:`match_encoded`).

    Returns:
        The :class:`EncodedMatch`.
    """
    result = match_encoded(
        paths, names=names, threshold=threshold, decisions=decisions, pair_model=pair_model
    )
    if progress is not None:
        for info in result.stats:
            progress(info["stage"], info)
    from overlap.results import save_result

    save_result(result, out_dir, overwrite=True)
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
