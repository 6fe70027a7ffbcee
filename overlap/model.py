"""Fellegi–Sunter scoring, trained without labels.

- ``u`` (P(level | different people)) from random record pairs, which are
  almost all different people; exact-agreement ``u`` from value frequencies
  (exact, and cheap).
- ``m`` (P(level | same person)) by EM over the *counts* of distinct level
  patterns (a few hundred), trained the way Splink does: name comparisons on
  pairs that share a date of birth, the date of birth on pairs that share a
  name, the rest averaged over both.
- The prior (chance two random records are one person) is the fixed point of
  "expected matches among the candidates / all possible pairs", once for
  pairs across rosters and once for pairs inside one.
- Exact first and last names use their term frequency, so a shared common
  name is weaker evidence than a shared rare one.
- Households (``overlap.household``): pairs sharing an address, phone or
  email are weighed as "one person or two members of one home", with hard
  rules for pairs that are clearly two people (never taught to EM as matches).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from overlap import fields as cmp
from overlap.compare import compare_pairs
from overlap.fields import COMPARISONS, MISSING, Comparison
from overlap.household import fit_household, household_guard, household_weight, training_guard
from overlap.records import programme_codes

TF_MINIMUM_U = 0.001
MIN_TRAINING_PAIRS = 30
PSEUDO_COUNT = 5.0
U_SAMPLE_PAIRS_PER_RECORD = 5  # random pairs for u: 5 per record, within these bounds
U_SAMPLE_MIN, U_SAMPLE_MAX = 50_000, 300_000


@dataclass
class FittedModel:
    """What the model learned: prior, and m and u per comparison level."""

    prior: float
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    comparisons: list[Comparison] = field(default_factory=lambda: list(COMPARISONS))
    tf_minimum_u: float = TF_MINIMUM_U
    stats: dict = field(default_factory=dict)
    # separate priors for pairs across two rosters and inside one (None: use ``prior``)
    prior_cross: float | None = None
    prior_within: float | None = None
    # share of pairs sharing a home that are one person ("cross", "within" or "all"),
    # and P(level | two members of one household) of the fields that tell members apart
    household_priors: dict[str, float] = field(default_factory=dict)
    member_u: dict[str, np.ndarray] = field(default_factory=dict)

    def level_weights(self, name: str) -> np.ndarray:
        """log2(m/u) of each level of one comparison."""
        return np.log2(self.m[name] / self.u[name])

    def to_dict(self) -> dict:
        """The model as plain data (JSON-ready), so a workspace can keep it and score with it later.

        Generic over the fields: arrays become ``{"array": [...], "dtype": ...}``,
        comparisons ``{"comparison": {...}}``; ``from_dict`` reverses it.
        """

        def plain(value):
            if isinstance(value, np.ndarray):
                return {"array": value.tolist(), "dtype": str(value.dtype)}
            if isinstance(value, Comparison):
                return {"comparison": {k: plain(v) for k, v in dataclasses.asdict(value).items()}}
            if isinstance(value, dict):
                return {str(k): plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value.item() if isinstance(value, np.generic) else value

        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: dict) -> FittedModel:
        """A model saved by ``to_dict``; fields this version lacks are ignored, new ones default."""

        def restore(value):
            if isinstance(value, dict) and set(value) == {"array", "dtype"}:
                return np.asarray(value["array"], dtype=value["dtype"])
            if isinstance(value, dict) and set(value) == {"comparison"}:
                known = {f.name for f in dataclasses.fields(Comparison)}
                parts = {k: restore(v) for k, v in value["comparison"].items() if k in known}
                return Comparison(
                    **{k: tuple(v) if isinstance(v, list) else v for k, v in parts.items()}
                )
            if isinstance(value, dict):
                return {k: restore(v) for k, v in value.items()}
            if isinstance(value, list):
                return [restore(v) for v in value]
            return value

        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: restore(v) for k, v in data.items() if k in known})


# ---------------------------------------------------------------- u estimation


def canonical_order(records: pd.DataFrame) -> np.ndarray:
    """rids sorted by a hash of their content, so sampling ignores row and file order."""
    columns = [c for c in records.columns if c not in ("rid", "row", "person_id")]
    hashed = pd.util.hash_pandas_object(records[columns].astype(str), index=False).to_numpy()
    return np.lexsort((np.arange(len(records)), hashed))


def random_pairs(
    records: pd.DataFrame, n_pairs: int, seed: int = 20261129, order: np.ndarray | None = None
) -> pd.DataFrame:
    """Up to ``n_pairs`` distinct random record pairs, independent of row order.

    ``order`` is ``canonical_order(records)`` when the caller has it already
    (hashing every record costs seconds at a million rows).
    """
    if order is None:
        order = canonical_order(records)
    rid_a, rid_b = ordered_random_pairs(order, n_pairs, seed)
    return pd.DataFrame({"rid_a": rid_a, "rid_b": rid_b})


def ordered_random_pairs(order: np.ndarray, n_pairs: int, seed: int) -> tuple:
    """Up to ``n_pairs`` distinct random pairs of the records ranked by ``order``, as
    (rid_a, rid_b) arrays with rid_a < rid_b: every pair when there are no more than that."""
    n = len(order)
    if n * (n - 1) // 2 <= n_pairs:
        ia, ib = np.triu_indices(n, k=1)
    else:
        rng = np.random.default_rng(seed)
        ia = rng.integers(0, n, size=int(n_pairs * 1.05) + 10)
        ib = rng.integers(0, n, size=len(ia))
        keep = ia != ib
        ia, ib = np.minimum(ia[keep], ib[keep]), np.maximum(ia[keep], ib[keep])
        code = np.unique(ia * n + ib)[:n_pairs]
        ia, ib = code // n, code % n
    ra, rb = order[ia], order[ib]
    return np.minimum(ra, rb), np.maximum(ra, rb)


def _exact_u(records: pd.DataFrame, column: str, min_length: int = 1) -> float | None:
    """P(two random records agree exactly | both present) from value counts."""
    if column not in records.columns:
        return None
    values = records[column].fillna("").astype(str)
    counts = values[values.str.len() >= min_length].value_counts().to_numpy(dtype=np.float64)
    total = counts.sum()
    if total < 2:
        return None
    return float((counts * (counts - 1)).sum() / (total * (total - 1)))


def u_sample_size(n_records: int) -> int:
    """How many random pairs estimate u: enough for rare levels, bounded in time."""
    return int(np.clip(U_SAMPLE_PAIRS_PER_RECORD * n_records, U_SAMPLE_MIN, U_SAMPLE_MAX))


def estimate_u(
    records: pd.DataFrame,
    n_pairs: int | None = None,
    order: np.ndarray | None = None,
    comparisons: list[Comparison] | None = None,
) -> dict[str, np.ndarray]:
    """u per comparison level from random pairs (exact levels from value frequencies)."""
    comparisons = COMPARISONS if comparisons is None else comparisons
    if n_pairs is None:
        n_pairs = u_sample_size(len(records))
    levels = compare_pairs(records, random_pairs(records, n_pairs, order=order), comparisons)
    u = {}
    for comparison in comparisons:
        column = levels[comparison.level_column].to_numpy()
        counts = np.bincount(column[column != MISSING], minlength=comparison.n_levels)
        # Smooth: a level never seen in the sample is rare, not impossible.
        counts = counts.astype(np.float64) + 0.5
        probs = counts / counts.sum()
        if comparison.exact_level is not None:
            value = _exact_u(records, comparison.reads[0], comparison.exact_min_length)
            if value is not None and value > 0:
                exact = comparison.exact_level
                rest = np.delete(probs, exact)
                rest = rest / max(rest.sum(), 1e-12) * (1.0 - value)
                probs = np.insert(rest, exact, value)
        u[comparison.name] = np.clip(probs, 1e-9, 1.0)
    return u


# ---------------------------------------------------------------- EM on patterns


def _patterns(level_matrix: np.ndarray, guard: np.ndarray):
    """Distinct (levels, guard) rows and their counts."""
    columns = [level_matrix[:, j] for j in range(level_matrix.shape[1])]
    return _column_patterns(columns, guard)


def _column_patterns(columns: list[np.ndarray], guard: np.ndarray):
    """Distinct (levels, guard) rows of level columns, sorted, and how many pairs have each.

    Each pair's levels are packed into one int64 (4 bits a level), counted
    with a hash table (not a sort) a slice of pairs at a time, and the few
    distinct codes unpacked again: no pair-by-level matrix is built, and no
    array as long as all the pairs (at 30M pairs those were half a gigabyte).
    """
    width = len(columns)
    if len(guard) == 0:
        return np.zeros((0, width), dtype=np.int8), np.zeros(0, bool), np.zeros(0)
    uniques, counts = [], []
    for start in range(0, len(guard), SCORE_SLICE):
        part = slice(start, start + SCORE_SLICE)
        code = np.zeros(len(guard[part]), dtype=np.int64)
        for column in columns:
            code *= 16
            np.add(code, column[part], out=code, casting="unsafe")
            code += 1
        code *= 2
        code += guard[part]
        index, unique = pd.factorize(code)
        uniques.append(unique)
        counts.append(np.bincount(index, minlength=len(unique)))
        del index, code
    # few codes per slice: merged by a sort (the result does not depend on row order)
    unique, where = np.unique(np.concatenate(uniques), return_inverse=True)
    total = np.bincount(where, weights=np.concatenate(counts), minlength=len(unique))
    patterns = np.empty((len(unique), width), dtype=np.int8)
    rest = unique >> 1
    for j in range(width - 1, -1, -1):
        patterns[:, j] = (rest & 15) - 1
        rest >>= 4
    return patterns, (unique & 1).astype(bool), total.astype(np.float64)


def _log_bayes(patterns: np.ndarray, names: list[str], m: dict, u: dict) -> np.ndarray:
    total = np.zeros(len(patterns))
    for j, name in enumerate(names):
        column = patterns[:, j].astype(np.int64)
        present = column != MISSING
        ratio = np.log(m[name]) - np.log(u[name])
        total[present] += ratio[column[present]]
    return total


def _posterior(log_bayes: np.ndarray, prior: float) -> np.ndarray:
    logit = log_bayes + np.log(prior) - np.log1p(-prior)
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))


def run_em(
    patterns: np.ndarray,
    guard: np.ndarray,
    counts: np.ndarray,
    names: list[str],
    m: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    prior: float = 0.3,
    iterations: int = 60,
    tolerance: float = 1e-7,
    pseudo_count: float = PSEUDO_COUNT,
) -> tuple[dict[str, np.ndarray], float, int]:
    """EM for m (u fixed) and the share of matches, over pattern counts.

    Returns ``(m, prior, iterations_run)``; only the comparisons in
    ``names`` (the columns of ``patterns``) are updated.
    """
    m = {k: v.copy() for k, v in m.items()}
    m_start = {k: v / v.sum() for k, v in m.items()}
    if counts.sum() == 0:
        return m, prior, 0
    done = 0
    for step in range(1, iterations + 1):
        done = step
        post = _posterior(_log_bayes(patterns, names, m, u), prior)
        post[guard] = 0.0
        weight = post * counts
        new_prior = float(np.clip(weight.sum() / counts.sum(), 1e-6, 1 - 1e-6))
        change = abs(new_prior - prior)
        for j, name in enumerate(names):
            column = patterns[:, j].astype(np.int64)
            present = column != MISSING
            n_levels = len(m[name])
            sums = np.bincount(column[present], weights=weight[present], minlength=n_levels)
            if sums.sum() <= 0:
                continue
            # a few pseudo-pairs at the starting guess keep unseen levels plausible
            sums = sums + pseudo_count * m_start[name]
            new = np.clip(sums / sums.sum(), 1e-6, 1.0)
            new /= new.sum()
            change = max(change, float(np.abs(new - m[name]).max()))
            m[name] = new
        prior = new_prior
        if change < tolerance:
            break
    return m, prior, done


def _level_matrix(levels: pd.DataFrame, names: list[str]) -> np.ndarray:
    return np.column_stack([levels[f"{n}_level"].to_numpy(dtype=np.int8) for n in names])


def _level_columns(levels: pd.DataFrame, names: list[str], mask=None) -> list[np.ndarray]:
    """The named comparisons' int8 level columns (of the pairs in ``mask``): no frame copied."""
    columns = [levels[f"{n}_level"].to_numpy(dtype=np.int8) for n in names]
    return columns if mask is None else [column[mask] for column in columns]


def fit_model(
    records: pd.DataFrame,
    levels: pd.DataFrame,
    u: dict[str, np.ndarray] | None = None,
    u_pairs: int | None = None,
    order: np.ndarray | None = None,
    comparisons: list[Comparison] | None = None,
) -> FittedModel:
    """Learn u, m and the prior from the records and their candidate pairs' levels.

    Args:
        records: the normalised records frame.
        levels: ``compare_pairs`` output for the candidate pairs.
        u: known u (skips the random-pair estimate), mainly for tests.
        u_pairs: how many random pairs estimate u (default ``u_sample_size``).
        order: ``canonical_order(records)`` if the caller has it already.
        comparisons: the comparisons ``levels`` holds (default ``fields.COMPARISONS``).

    Returns:
        The fitted model; ``stats`` tells how many pairs each training
        session used (no personal data).
    """
    comparisons = list(COMPARISONS if comparisons is None else comparisons)
    if u is None:
        u = estimate_u(records, u_pairs, order=order, comparisons=comparisons)
    guard = household_guard(levels)
    stats: dict = {"sessions": {}}
    m = _learn_m(levels, training_guard(levels), comparisons, u, stats)
    priors = _learn_priors(records, levels, guard, comparisons, m, u, stats)
    model = FittedModel(
        prior=priors["all"],
        m=m,
        u=u,
        comparisons=comparisons,
        stats=stats,
        prior_cross=priors.get("cross"),
        prior_within=priors.get("within"),
    )
    fit_household(model, levels, guard, _cross_pairs(records, levels))
    stats["household_priors"] = dict(model.household_priors)
    return model


def _training_sessions(levels: pd.DataFrame, comparisons: list[Comparison]) -> dict:
    """Which pairs teach EM which comparisons, the way Splink trains.

    Names (and the rest) are learned on pairs sharing a date of birth (and a
    ZIP code), the date of birth (and the rest) on pairs sharing a whole name:
    a comparison is never learned on pairs chosen for agreeing on it.
    """
    all_names = [c.name for c in comparisons]
    dob = levels["dob_level"].to_numpy()
    first = levels["first_name_level"].to_numpy()
    last = levels["last_name_level"].to_numpy()
    name_parts = {c.name for c in comparisons if c.name_part}
    return {
        "dob": _dob_session(levels, dob, all_names),
        "name": (
            (first == cmp.FIRST_EXACT) & (last == cmp.LAST_EXACT),
            [n for n in all_names if n not in name_parts],
        ),
    }


def _learn_m(
    levels: pd.DataFrame,
    guard: np.ndarray,
    comparisons: list[Comparison],
    u: dict[str, np.ndarray],
    stats: dict,
) -> dict[str, np.ndarray]:
    """m of every comparison: each training session's EM, averaged where two teach one."""
    all_names = [c.name for c in comparisons]
    m0 = {c.name: np.asarray(c.initial_m, dtype=np.float64) / sum(c.initial_m) for c in comparisons}
    learned: dict[str, list[np.ndarray]] = {n: [] for n in all_names}
    for session, (mask, names) in _training_sessions(levels, comparisons).items():
        n_pairs = int(mask.sum())
        stats["sessions"][session] = {"pairs": n_pairs}
        if n_pairs < MIN_TRAINING_PAIRS:
            continue
        patterns, pguard, counts = _column_patterns(
            _level_columns(levels, names, mask), guard[mask]
        )
        m_fit, share, iters = run_em(patterns, pguard, counts, names, m0, u)
        stats["sessions"][session].update(
            {"patterns": int(len(patterns)), "match_share": round(share, 4), "iterations": iters}
        )
        for name in names:
            learned[name].append(m_fit[name])
    missing_sessions = [n for n in all_names if not learned[n]]
    if missing_sessions:
        # Fall back to one EM pass over every candidate pair for what no session taught.
        patterns, pguard, counts = _column_patterns(_level_columns(levels, all_names), guard)
        m_fit, share, iters = run_em(patterns, pguard, counts, all_names, m0, u)
        stats["sessions"]["all"] = {
            "pairs": int(len(levels)),
            "patterns": int(len(patterns)),
            "match_share": round(share, 4),
            "iterations": iters,
        }
        for name in missing_sessions:
            learned[name].append(m_fit[name])
    m = {name: np.mean(learned[name], axis=0) for name in all_names}
    return {name: m[name] / m[name].sum() for name in all_names}


def _learn_priors(records, levels, guard, comparisons, m, u, stats: dict) -> dict[str, float]:
    """The prior over all pairs, and one for pairs across rosters and one inside one.

    Across rosters and inside one the chance of a match differs (a roster
    rarely repeats a person; two rosters often share them). The level
    patterns are counted once, with the cross flag, for all three.
    """
    cross = _cross_pairs(records, levels)
    flag = np.zeros(len(levels), dtype=np.int8) if cross is None else cross.astype(np.int8)
    columns = [levels[c.level_column].to_numpy() for c in comparisons]
    patterns, pguard, counts = _column_patterns([*columns, flag], guard)
    flags, patterns = patterns[:, -1].astype(bool), patterns[:, :-1]
    names = [c.name for c in comparisons]
    priors = {"all": _prior_from_patterns(len(records), patterns, pguard, counts, m, u, names)}
    stats["prior"] = priors["all"]
    within_total, cross_total = _pair_totals(records)
    groups = (
        [] if cross is None else [("cross", flags, cross_total), ("within", ~flags, within_total)]
    )
    for key, mask, total in groups:
        if total > 0:
            priors[key] = _prior_from_patterns(
                len(records),
                patterns[mask],
                pguard[mask],
                counts[mask],
                m,
                u,
                names,
                total_pairs=total,
            )
            stats[f"prior_{key}"] = priors[key]
    return priors


def _dob_session(levels: pd.DataFrame, dob: np.ndarray, names: list[str]):
    """The pairs that teach EM the names: same date of birth, and same ZIP code (or city).

    Blocking picked the candidates partly on names (same first initial and
    date of birth, ...), so among all candidate pairs sharing a date of birth
    the non-matches agree on names far more often than random pairs do, and
    more so the bigger the rosters (budgets skip more of the name-free
    blocks): at a million records per roster EM took a third of them for
    matches. Pairs sharing a date of birth and a ZIP code (or a city) are
    candidates whatever the names (the dob + ZIP and dob + city rules), so on
    those names are judged without that bias. Address is then not learned
    here (those pairs all share an area); the name session teaches it. Read
    from the levels alone, so the Dask engine's pattern counts give the same.
    """
    same_dob = dob == cmp.DOB_EXACT
    address = levels["address_level"].to_numpy()
    # the same ZIP code or city, or better: what the dob + ZIP and dob + city rules join
    mask = same_dob & (address >= cmp.ADDR_CITY) & (address != cmp.ADDR_DISTRICT)
    known = int((same_dob & (address != MISSING)).sum())
    if known < 0.5 * int(same_dob.sum()) or int(mask.sum()) < MIN_TRAINING_PAIRS:
        return same_dob, [n for n in names if n != "dob"]  # too few addresses to lean on
    return mask, [n for n in names if n not in ("dob", "address")]


def _cross_pairs(records: pd.DataFrame, levels: pd.DataFrame) -> np.ndarray | None:
    """Is each pair across two rosters (False: inside one)? None if unknown."""
    if "cross" in levels.columns:
        return levels["cross"].to_numpy().astype(bool)
    if "programme" not in records.columns or "rid_a" not in levels.columns:
        return None
    codes = programme_codes(records)
    return codes[levels["rid_a"].to_numpy()] != codes[levels["rid_b"].to_numpy()]


def _pair_totals(records: pd.DataFrame) -> tuple[float, float]:
    """All possible pairs inside rosters, and across them."""
    n = len(records)
    if "programme" not in records.columns:
        return 0.0, n * (n - 1) / 2
    sizes = np.bincount(programme_codes(records)).astype(np.float64)
    within = float((sizes * (sizes - 1) / 2).sum())
    return within, n * (n - 1) / 2 - within


def estimate_prior(
    n_records: int,
    levels: pd.DataFrame,
    guard: np.ndarray,
    m: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    iterations: int = 200,
    total_pairs: float | None = None,
    comparisons: list[Comparison] | None = None,
) -> float:
    """P(two random records are one person): expected matches among candidates / all pairs.

    ``total_pairs`` is the number of possible pairs the candidates were drawn
    from (default: all pairs of ``n_records``).
    """
    names = [c.name for c in (COMPARISONS if comparisons is None else comparisons)]
    patterns, pguard, counts = _patterns(_level_matrix(levels, names), guard)
    return _prior_from_patterns(
        n_records, patterns, pguard, counts, m, u, names, iterations, total_pairs
    )


def _prior_from_patterns(
    n_records: int,
    patterns: np.ndarray,
    pguard: np.ndarray,
    counts: np.ndarray,
    m: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    names: list[str],
    iterations: int = 200,
    total_pairs: float | None = None,
) -> float:
    """``estimate_prior`` on already counted level patterns (one column per name in ``names``)."""
    if total_pairs is None:
        total_pairs = n_records * (n_records - 1) / 2
    total_pairs = max(total_pairs, 1.0)
    n_pairs = float(counts.sum())
    if n_pairs == 0:
        return float(min(1.0 / total_pairs, 0.5))
    log_bayes = _log_bayes(patterns, names, m, u)
    prior = min(n_pairs / total_pairs * 0.5, 0.5)
    for _ in range(iterations):
        post = _posterior(log_bayes, prior)
        post[pguard] = 0.0
        new = float(np.clip((post * counts).sum() / total_pairs, 1.0 / total_pairs, 0.5))
        if abs(np.log(new) - np.log(prior)) < 1e-6:
            prior = new
            break
        prior = new
    return prior


# ---------------------------------------------------------------- scoring


def _term_frequencies(records: pd.DataFrame, column: str) -> np.ndarray:
    """Each record's value frequency among records with the field (0 where missing)."""
    codes, uniques = pd.factorize(records[column].fillna("").astype(str))
    counts = np.bincount(codes, minlength=len(uniques)).astype(np.float64)
    empty = np.flatnonzero(np.asarray(uniques, dtype=object) == "")
    if len(empty):
        counts[empty[0]] = 0.0
    n_present = int(counts.sum())
    return counts[codes] / max(n_present, 1)


def score(
    model: FittedModel,
    records: pd.DataFrame,
    levels: pd.DataFrame,
    frequencies: dict[str, np.ndarray] | None = None,
    weights: bool = True,
) -> pd.DataFrame:
    """Per-pair weights and probability.

    Args:
        model: a fitted model.
        records: the normalised records frame (for term frequencies).
        levels: ``compare_pairs`` output.
        frequencies: each record's term frequency per column, where the caller
            counted values over more records than it passes (a workspace adding
            a roster passes only the records its pairs involve).
        weights: keep each comparison's weight column (``comparison_weights``
            makes them later for the pairs that are shown: at 30M pairs they
            are 1.4 GB).

    Returns:
        ``levels`` plus ``{name}_weight`` per comparison (log2 Bayes factor,
        0 where missing, term-frequency adjusted on exact names; only with
        ``weights``), ``household_guard`` (bool), ``match_weight`` and
        ``probability``.
    """
    # Columns are gathered as arrays and the frame built once without copying:
    # at 30M pairs a copy of the levels alone is a gigabyte. Pairs are scored in
    # slices into preallocated columns, so every temporary is a slice long.
    columns = {c: levels[c].to_numpy() for c in levels.columns}
    n = len(levels)
    cross = _cross_pairs(records, levels)
    out = {"household_guard": np.empty(n, dtype=bool), "match_weight": np.empty(n)}
    out["probability"] = np.empty(n)
    if weights:
        out.update({c.weight_column: np.empty(n, np.float32) for c in model.comparisons})
    frequencies = dict(frequencies or {})  # term frequencies, made once for all slices
    for start in range(0, n, SCORE_SLICE):
        part = slice(start, min(start + SCORE_SLICE, n))
        _score_slice(
            model,
            records,
            {c: v[part] for c, v in columns.items()},
            None if cross is None else cross[part],
            {c: v[part] for c, v in out.items()},
            frequencies,
        )
    columns.update(out)
    return pd.DataFrame(columns, index=levels.index, copy=False)


SCORE_SLICE = 1 << 21  # pairs scored at once (2M): temporaries of 16 MB, not of every pair's


def _score_slice(model, records, columns: dict, cross, out: dict, frequencies: dict) -> None:
    """Score some pairs (``columns``: rid_a and the levels) into the views in ``out``."""
    total = np.full(len(columns["rid_a"]), np.log2(model.prior / (1 - model.prior)))
    if cross is not None and (model.prior_cross is not None or model.prior_within is not None):
        for mask, prior in ((cross, model.prior_cross), (~cross, model.prior_within)):
            if prior is not None:
                total[mask] = np.log2(prior / (1 - prior))
    weight = np.empty(len(total))
    for comparison in model.comparisons:
        _comparison_weight(model, records, comparison, columns, weight, frequencies)
        total += weight
        if comparison.weight_column in out:
            out[comparison.weight_column][:] = weight  # float32: half the memory
    capped = np.minimum(total, household_weight(model, columns, cross))
    np.less(capped, np.minimum(total, 0.0), out=out["household_guard"])
    out["match_weight"][:] = capped
    probability = out["probability"]
    np.clip(capped, -1000, 1000, out=probability)
    np.negative(probability, out=probability)
    np.exp2(probability, out=probability)
    probability += 1.0
    np.reciprocal(probability, out=probability)


def _comparison_weight(
    model: FittedModel,
    records: pd.DataFrame,
    comparison: Comparison,
    columns,
    out: np.ndarray,
    frequencies: dict | None = None,
) -> None:
    """One comparison's weight per pair into ``out``: the level's log2(m/u), 0 where missing,
    an exact name against its own frequency. ``columns`` holds ``rid_a`` and the level;
    ``frequencies`` keeps each column's term frequencies for the next call."""
    name = comparison.name
    level = columns[comparison.level_column]
    # one look-up per pair: the table's last entry (level -1, missing) weighs 0
    np.take(np.append(model.level_weights(name), 0.0), level, out=out, mode="wrap")
    exact_level = comparison.exact_level
    column = comparison.reads[0] if comparison.reads else name
    if comparison.term_frequency and column in records.columns:
        exact = np.flatnonzero(level == exact_level)
        frequencies = {} if frequencies is None else frequencies
        if column not in frequencies:
            frequencies[column] = _term_frequencies(records, column)
        freq = frequencies[column][columns["rid_a"][exact]]
        tf_u = np.maximum(freq, model.tf_minimum_u)
        out[exact] = np.log2(model.m[name][exact_level] / tf_u)


def comparison_weights(
    model: FittedModel, records: pd.DataFrame, pairs: pd.DataFrame
) -> dict[str, np.ndarray]:
    """Each comparison's weight column (float32, as ``score`` keeps them) for some scored pairs.

    Args:
        model: the fitted model that scored them.
        records: the records frame they were scored on.
        pairs: ``rid_a`` and a ``{name}_level`` column per comparison.

    Returns:
        ``{name}_weight`` arrays by column name, aligned with ``pairs``.
    """
    columns = {"rid_a": pairs["rid_a"].to_numpy()}
    weight = np.empty(len(pairs))
    out = {}
    for comparison in model.comparisons:
        columns[comparison.level_column] = pairs[comparison.level_column].to_numpy()
        _comparison_weight(model, records, comparison, columns, weight)
        out[comparison.weight_column] = weight.astype(np.float32)
    return out
