"""How sure each count is: a range that holds the true count about 9 times in 10.

Every count Overlap shows (people per programme, people two programmes share,
people in two or more, everyone reached, each UpSet bar, each area on Reach)
is a function of which records are one person. The fitted model gives each
scored pair a probability of being one person; this module draws many
plausible groupings from those probabilities and reads every count off each
draw, so each count gets a distribution and a range.

How (see docs/architecture.md, "How sure a count is"):

* **Softer probabilities.** EM's probabilities are over-confident (on the
  labelled bench sets pairs scored 0.99 are one person 94-98% of the time),
  so each pair's match weight (log2 odds) is multiplied by ``TEMPER`` before
  it becomes a probability to draw from.
* **Only the uncertain band is drawn.** A pair whose softened probability is
  within ``BAND`` of 0 or 1 keeps the decision the match made; the others
  are kept or dropped at random, independently per draw. Only the records
  those pairs touch (with everything linked to them) are grouped again; the
  rest keep their person.
* **The same grouping rules.** Each draw is grouped by ``cluster_records``
  (same-roster guard, user decisions) on all draws at once: draws are
  stacked as disjoint copies of the touched records, one call, no loop.
* **A range centred on the count.** Each count's draws are read as
  differences from the same grouping rule run on the match's own links. The
  half-width is the larger of the draws' 5%-to-median and median-to-95%
  spans and of how far their median moved from the count (pairs are not
  independent, so a shift of the whole draw is uncertainty too), times
  ``SPREAD``, and never less than ``FLOOR_SHARE`` of the count (true pairs
  blocking never scored, which no draw can see). ``TEMPER``, ``SPREAD`` and
  ``FLOOR_SHARE`` were chosen once on the 13 labelled bench sets
  (``bench/coverage.py``), never per data set.
* **Reviewed pairs are fixed.** A pair the user labelled is one person or two
  in every draw, and the labels tell how often the model is wrong near the
  threshold: the widening shrinks as reviewed pairs agree with the model.

Each person is summarised as the set of programmes it is in (a bit mask), so
a draw is a histogram over masks and every count is a sum over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Match weights (log2 odds) are multiplied by this before drawing (EM is over-confident).
TEMPER = 0.75
#: Pairs whose softened probability is within this of 0 or 1 are not drawn.
BAND = 1e-2
#: How many groupings to draw (fewer when the uncertain part is large; see ``_draws``).
DRAWS = 200
MIN_DRAWS = 20
#: Stacked links per call: draws are cut down so one grouping call stays about this size.
LINK_BUDGET = 1_000_000
#: The draws' middle LEVEL (5% to 95%) gives the spread...
LEVEL = 0.9
#: ...widened by this factor...
SPREAD = 1.2
#: ...and at least this share of the count either side (errors the draws cannot see:
#: true pairs blocking never scored, a model wrong about a whole kind of pair).
FLOOR_SHARE = 0.035
#: plus at least this many people either side of any count.
FLOOR_PEOPLE = 1.0
#: Reviewed pairs re-estimate the widening: observed over expected disagreements with the
#: model, each with this many added (so a handful of labels moves it only a little),
#: square-rooted and kept within these bounds.
REVIEW_PSEUDO = 3.0
REVIEW_BOUNDS = (0.5, 1.5)
SEED = 20261206
#: A person's programmes are bits of one int64: matches of more rosters get no ranges.
MAX_PROGRAMMES = 62


@dataclass
class CountDraws:
    """Draws of every person's set of programmes, from which any count's range is read.

    Attributes:
        programmes: programme names; bit i of a mask is ``programmes[i]``.
        masks: the distinct masks that occur anywhere (point or draws).
        point: people per mask in the match as made (one per ``masks``).
        reference: people per mask when the draws' grouping rule is run on the
            match's own links (draws are read as differences from it).
        draws: people per mask in each draw (draws x masks).
        touched: rids of the records grouped again in the draws.
        labels: person label of each touched record, row 0 the reference grouping
            and row k the k-th draw ((draws + 1) x touched).
        record_person: each record's person (membership row of ``analyse``).
        record_codes: each record's programme (index into ``programmes``).
        widen: the factor the draws' spread is widened by (after any labels).
        reviewed: labelled pairs that took part.
    """

    programmes: list[str]
    masks: np.ndarray
    point: np.ndarray
    reference: np.ndarray
    draws: np.ndarray
    touched: np.ndarray
    labels: np.ndarray
    record_person: np.ndarray
    record_codes: np.ndarray
    widen: float = SPREAD
    floor_share: float = FLOOR_SHARE
    reviewed: int = 0
    stats: dict = field(default_factory=dict)

    @property
    def n_draws(self) -> int:
        return int(self.draws.shape[0])


def soft_probability(match_weight: np.ndarray, temper: float = TEMPER) -> np.ndarray:
    """The probability drawn from: the match weight (log2 odds) times ``temper``, as a probability."""
    weight = np.clip(np.asarray(match_weight, dtype=np.float64) * temper, -60.0, 60.0)
    return 1.0 / (1.0 + np.exp2(-weight))


def _pair_keys(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """One int64 per unordered pair of rids (< n), for look-ups."""
    lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    return lo * np.int64(max(n, 1)) + hi


def _match_weight(pairs: pd.DataFrame, probability: np.ndarray) -> np.ndarray:
    """Each pair's match weight (log2 odds); from its probability where a match has none."""
    if "match_weight" in pairs.columns:
        return pairs["match_weight"].to_numpy(np.float64)
    p = np.clip(probability, 1e-18, 1.0 - 1e-16)
    return np.log2(p / (1.0 - p))


def _labelled(a: np.ndarray, b: np.ndarray, rid_decisions: pd.DataFrame, n: int) -> np.ndarray:
    """Per scored pair: +1 labelled "same", -1 "different", 0 not labelled."""
    out = np.zeros(len(a), dtype=np.int8)
    if not len(rid_decisions):
        return out
    pairs_key = _pair_keys(a, b, n)
    keys = _pair_keys(
        rid_decisions["rid_a"].to_numpy(np.int64), rid_decisions["rid_b"].to_numpy(np.int64), n
    )
    sign = np.where(rid_decisions["decision"].to_numpy() == "same", 1, -1).astype(np.int8)
    order = np.argsort(keys, kind="stable")
    keys, sign = keys[order], sign[order]
    where = np.searchsorted(keys, pairs_key)
    where = np.minimum(where, len(keys) - 1)
    hit = keys[where] == pairs_key
    out[hit] = sign[where[hit]]
    return out


def _distinct(values: np.ndarray, bits: int) -> np.ndarray:
    """The sorted distinct masks among ``values`` (a count per possible mask when few bits)."""
    if bits <= 20:
        return np.flatnonzero(np.bincount(values, minlength=1 << bits))
    ordered = np.sort(values)
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])]


@dataclass
class _Band:
    """The scored pairs that matter for drawing (each linked, drawn or labelled pair, in the
    pairs' order; the rest are off in every draw): which are fixed on, which are drawn and how."""

    a: np.ndarray
    b: np.ndarray
    fixed_on: np.ndarray  # bool per pair
    drawn: np.ndarray  # bool per pair
    soft: np.ndarray  # probability each drawn pair is kept
    probability: np.ndarray
    weight: np.ndarray  # match weight: which links join first
    labelled: np.ndarray  # +1 same, -1 different, 0 none (per pair)
    threshold: float


def _scored_pairs(result) -> pd.DataFrame | None:
    """A match's scored pairs as kept (a ``MatchResult`` makes its weight columns only
    when they are read: the ranges never need them)."""
    pairs = getattr(result, "scored_pairs", None)
    return getattr(result, "pairs", None) if pairs is None else pairs


BAND_SLICE = 1 << 21  # pairs split at once: temporaries a slice long, not every pair's


def _band(result, rid_decisions: pd.DataFrame, temper: float, band: float) -> _Band:
    """Which pairs keep the match's decision and which are drawn.

    Split a slice of pairs at a time, keeping only the pairs that are on,
    drawn or labelled: at 30M scored pairs, most are off in every draw and
    pair-long arrays of probabilities were a gigabyte.
    """
    pairs = _scored_pairs(result)
    n = len(result.records)
    a = pairs["rid_a"].to_numpy(np.int64)
    b = pairs["rid_b"].to_numpy(np.int64)
    probability = pairs["probability"].to_numpy(np.float64)
    weight = _match_weight(pairs, probability)
    rule = (rid_decisions, n, result.threshold, temper, band)
    parts = [
        _band_slice(a[s], b[s], probability[s], weight[s], *rule)
        for s in (slice(i, i + BAND_SLICE) for i in range(0, max(len(a), 1), BAND_SLICE))
    ]
    kept = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    return _Band(**kept, threshold=result.threshold)


def _band_slice(
    a, b, probability, weight, rid_decisions, n: int, threshold: float, temper: float, band: float
) -> dict:
    """``_band`` on some pairs: their on, drawn and labelled pairs' arrays."""
    soft = soft_probability(weight, temper)
    labelled = _labelled(a, b, rid_decisions, n)
    point_on = probability >= threshold
    drawn = (soft > band) & (soft < 1.0 - band)
    drawn |= point_on != (soft >= 0.5)  # never "fixed" against the match's own decision
    drawn &= labelled == 0
    fixed_on = ~drawn & (point_on | (labelled > 0)) & (labelled >= 0)
    keep = np.flatnonzero(fixed_on | drawn | (labelled != 0))
    return {
        "a": a[keep],
        "b": b[keep],
        "fixed_on": fixed_on[keep],
        "drawn": drawn[keep],
        "soft": soft[keep],
        "probability": probability[keep],
        "weight": weight[keep],
        "labelled": labelled[keep],
    }


def review_factor(split: _Band) -> float:
    """How the user's labels change the widening: below 1 when the model was right more
    often than its softened probabilities expected, above 1 when it was wrong more often."""
    labelled = split.labelled != 0
    if not labelled.any():
        return 1.0
    point_on = split.probability[labelled] >= split.threshold
    soft = split.soft[labelled]
    expected = float(np.where(point_on, 1.0 - soft, soft).sum())
    observed = float((point_on != (split.labelled[labelled] > 0)).sum())
    ratio = (observed + REVIEW_PSEUDO) / (expected + REVIEW_PSEUDO)
    return float(np.clip(np.sqrt(ratio), *REVIEW_BOUNDS))


def _touched(n: int, band: _Band, rid_decisions: pd.DataFrame) -> np.ndarray:
    """Records in any group of linked records that a drawn pair reaches (bool per rid)."""
    from overlap.cluster import connected_components

    same = rid_decisions[rid_decisions["decision"] == "same"]
    edges = band.fixed_on | band.drawn
    la = np.concatenate([band.a[edges], same["rid_a"].to_numpy(np.int64)])
    lb = np.concatenate([band.b[edges], same["rid_b"].to_numpy(np.int64)])
    component = connected_components(n, la, lb)
    hit = np.zeros(n, dtype=bool)
    hit[np.unique(component[band.a[band.drawn]])] = True
    return hit[component]


def _n_draws(draws: int, links_per_draw: int) -> int:
    """Fewer draws when one draw holds many links, so a grouping call stays near LINK_BUDGET."""
    if links_per_draw <= 0:
        return draws
    return int(max(min(draws, LINK_BUDGET // links_per_draw), min(MIN_DRAWS, draws)))


def guarded_merge(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    strength: np.ndarray,
    codes: np.ndarray,
    cannot: tuple[np.ndarray, np.ndarray] | None = None,
    forced: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Records to persons by the grouping rules of ``cluster_records``, in whole-array rounds.

    Links inside one roster (direct, so the same-roster guard allows them) and
    forced links are joined first, whatever else; then links across rosters, strongest first,
    join two groups only if no roster is in both and no "different" pair
    would end up together. Each round joins every pair of groups whose
    strongest remaining link is the same link for both (so a round never
    joins one group twice), which gives what the one-link-at-a-time loop of
    the reference (``tests/test_uncertainty.py``) gives, in as many rounds as
    the longest chain of links, without a Python loop over links.

    Args:
        n: number of records (0..n-1).
        a, b: the links' records.
        strength: higher joins first (ties: earlier link first).
        codes: each record's roster code (0..62).
        cannot: records that must stay apart (two arrays).
        forced: records joined whatever the guard says (two arrays).

    Returns:
        A group label (a member's record id) per record.
    """
    from overlap.cluster import connected_components

    a, b, codes = np.asarray(a, np.int64), np.asarray(b, np.int64), np.asarray(codes, np.int64)
    same_roster = codes[a] == codes[b]
    first_a, first_b = a[same_roster], b[same_roster]
    if forced is not None:
        first_a = np.concatenate([first_a, np.asarray(forced[0], np.int64)])
        first_b = np.concatenate([first_b, np.asarray(forced[1], np.int64)])
    label = connected_components(n, first_a, first_b)
    mask = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(mask, label, np.left_shift(np.int64(1), codes))
    order = np.argsort(-np.asarray(strength, np.float64)[~same_roster], kind="stable")
    ga, gb = label[a[~same_roster][order]], label[b[~same_roster][order]]
    apart = _apart_keys(cannot, n)
    # Work on the groups that cross links touch only (compact ids 0..G-1), not all n records.
    present = np.zeros(n, dtype=bool)
    present[ga] = present[gb] = True
    if apart is not None:
        present[label[apart[0]]] = present[label[apart[1]]] = True
    compact = np.cumsum(present) - 1
    group_label = np.flatnonzero(present)  # compact id -> its group's label (a member)
    root = _join_rounds(compact[ga], compact[gb], mask[group_label], apart, label, compact)
    merged = label.copy()
    inside = present[label]
    merged[inside] = group_label[root[compact[label[inside]]]]
    return merged


def _join_rounds(ca, cb, mask, apart, label, compact) -> np.ndarray:
    """The mutual-best rounds of ``guarded_merge`` on compact group ids; each id's root."""
    size = len(mask)
    root = np.arange(size, dtype=np.int64)
    rank = np.arange(len(ca), dtype=np.int64)  # links come strongest first
    ax = ay = None
    if apart is not None:
        ax, ay = compact[label[apart[0]]], compact[label[apart[1]]]
    while len(ca):
        ra, rb = root[ca], root[cb]
        open_ = (ra != rb) & ((mask[ra] & mask[rb]) == 0)
        ca, cb, rank, ra, rb = ca[open_], cb[open_], rank[open_], ra[open_], rb[open_]
        if not len(ca):
            break
        best = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(best, ra, rank)
        np.minimum.at(best, rb, rank)
        mutual = (best[ra] == rank) & (best[rb] == rank)
        ja, jb = ra[mutual], rb[mutual]
        if ax is not None:
            held = np.isin(_pair_keys(ja, jb, size), _pair_keys(root[ax], root[ay], size))
            if held.any():  # that link may never join them: drop it
                dropped = np.isin(rank, rank[mutual][held])
                ca, cb, rank = ca[~dropped], cb[~dropped], rank[~dropped]
                ja, jb = ja[~held], jb[~held]
        if len(ja):
            low, high = np.minimum(ja, jb), np.maximum(ja, jb)
            mask[low] |= mask[high]
            relabel = np.arange(size, dtype=np.int64)
            relabel[high] = low
            root = relabel[root]
    return root


def _apart_keys(cannot, n: int):
    if cannot is None or not len(cannot[0]):
        return None
    return np.asarray(cannot[0], np.int64), np.asarray(cannot[1], np.int64)


def _draw_labels(
    band: _Band,
    touched: np.ndarray,
    codes: np.ndarray,
    rid_decisions: pd.DataFrame,
    draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Person labels of the touched records: the match's own links first, then each draw.

    Copy 0 keeps every drawn pair as the match decided (the reference the
    draws are compared with: the same grouping rule on the match's links);
    copy k >= 1 keeps each drawn pair with its soft probability. All copies
    are grouped in one ``guarded_merge`` call (records of copy k are offset by
    k x touched), so there is no loop over draws or pairs.

    Returns:
        int64 (draws + 1) x touched.
    """
    m = int(len(touched))
    local = np.full(len(codes), -1, dtype=np.int64)
    local[touched] = np.arange(m)
    inside = (band.fixed_on | band.drawn) & (local[band.a] >= 0)
    a, b = local[band.a[inside]], local[band.b[inside]]
    fixed, soft = band.fixed_on[inside], band.soft[inside]
    drawn = np.flatnonzero(~fixed)
    point_on = band.probability[inside][drawn] >= band.threshold
    keep = rng.random((draws, len(drawn)), dtype=np.float32) < soft[drawn].astype(np.float32)
    keep = np.vstack([point_on[None, :], keep])
    which_draw, which_pair = np.nonzero(keep)
    fixed_idx = np.flatnonzero(fixed)
    copies = draws + 1
    chosen = np.concatenate([np.tile(fixed_idx, copies), drawn[which_pair]])
    offset = m * np.concatenate(
        [np.repeat(np.arange(copies, dtype=np.int64), len(fixed_idx)), which_draw]
    )
    cannot, forced = _tiled_decisions(rid_decisions, local, m, copies)
    labels = guarded_merge(
        copies * m,
        a[chosen] + offset,
        b[chosen] + offset,
        band.weight[inside][chosen],
        np.tile(codes[touched], copies),
        cannot=cannot,
        forced=forced,
    )
    return labels.reshape(copies, m)


def _tiled_decisions(rid_decisions: pd.DataFrame, local: np.ndarray, m: int, copies: int):
    """The user's decisions between touched records, once per copy: (cannot, forced)."""
    if not len(rid_decisions):
        return None, None
    la = local[rid_decisions["rid_a"].to_numpy(np.int64)]
    lb = local[rid_decisions["rid_b"].to_numpy(np.int64)]
    kind = rid_decisions["decision"].to_numpy()
    out = []
    for decision in ("different", "same"):
        ok = (la >= 0) & (lb >= 0) & (kind == decision)
        offset = np.repeat(np.arange(copies, dtype=np.int64) * m, int(ok.sum()))
        out.append((np.tile(la[ok], copies) + offset, np.tile(lb[ok], copies) + offset))
    return out[0], out[1]


def draw_counts(
    result,
    draws: int = DRAWS,
    temper: float = TEMPER,
    band: float = BAND,
    seed: int = SEED,
) -> CountDraws:
    """Draw plausible groupings of a match into persons and keep every person's programmes.

    Args:
        result: a ``pipeline.MatchResult`` (records with ``person_id``, scored
            ``pairs`` with ``match_weight`` and ``probability``, ``threshold``,
            ``decisions``).
        draws: how many groupings to draw (fewer when each is large).
        temper: match weights are multiplied by this before drawing.
        band: pairs within this of probability 0 or 1 keep the match's decision.
        seed: the random seed (the same match gives the same ranges).

    Returns:
        A ``CountDraws`` to read ranges from (``summary_ranges``, ``group_ranges``).
    """
    from overlap.analyse import _people
    from overlap.records import decisions_to_rids

    records = result.records
    n = len(records)
    derived = _people(records)
    programmes = [str(p) for p in derived.programmes]
    codes = np.asarray(derived.programme, dtype=np.int64)
    bits = np.left_shift(1, np.arange(len(programmes), dtype=np.int64))
    person_masks = derived.membership.astype(np.int64) @ bits
    rid_decisions = decisions_to_rids(records, getattr(result, "decisions", None))
    split = _band(result, rid_decisions, temper, band)
    touched_mask = _touched(n, split, rid_decisions)
    touched = np.flatnonzero(touched_mask)
    links_per_draw = int((split.fixed_on | split.drawn)[touched_mask[split.a]].sum())
    k = _n_draws(draws, links_per_draw) if len(touched) else 1
    rng = np.random.default_rng(seed)
    labels = _draw_labels(split, touched, codes, rid_decisions, k, rng)
    untouched = np.ones(len(person_masks), dtype=bool)
    untouched[derived.person[touched]] = False
    drawn_masks, draw_of = _drawn_masks(labels, codes[touched])
    masks = _distinct(np.concatenate([person_masks, drawn_masks, [0]]), len(programmes))
    point = np.bincount(np.searchsorted(masks, person_masks), minlength=len(masks))
    base = np.bincount(np.searchsorted(masks, person_masks[untouched]), minlength=len(masks))
    where = draw_of * len(masks) + np.searchsorted(masks, drawn_masks)
    hist = np.bincount(where, minlength=(k + 1) * len(masks)).reshape(k + 1, len(masks)) + base
    return CountDraws(
        programmes=programmes,
        masks=masks,
        point=point.astype(np.int64),
        reference=hist[0].astype(np.int64),
        draws=hist[1:].astype(np.int64),
        touched=touched,
        labels=labels,
        record_person=np.asarray(derived.person),
        record_codes=codes,
        widen=SPREAD * review_factor(split),
        reviewed=int((split.labelled != 0).sum()),
        stats={
            "drawn_pairs": int(split.drawn.sum()),
            "touched_records": int(len(touched)),
            "draws": int(k),
        },
    )


def _drawn_masks(labels: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each drawn person's mask and copy, from labels (copies x touched) and roster codes.

    A group's label is one of its members' record ids, so the persons are the
    records labelled with their own id: no sorting, no hashing.
    """
    copies, m = labels.shape
    flat = labels.ravel()
    mask = np.zeros(len(flat), dtype=np.int64)
    np.bitwise_or.at(mask, flat, np.left_shift(np.int64(1), np.tile(codes, copies)))
    persons = np.flatnonzero(flat == np.arange(len(flat)))
    return mask[persons], persons // max(m, 1)


def _interval(
    point: np.ndarray, values: np.ndarray, widen: float, floor_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Ranges of several counts from their point values (c,) and draws (draws x c).

    Centred on the count: half-width ``widen`` x the largest of the draws' two
    half-spans of the middle ``LEVEL`` and of their median's distance from the
    count, at least ``floor_share`` of the count (and ``FLOOR_PEOPLE``); whole people.
    """
    point = np.asarray(point, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    tail = (1.0 - LEVEL) / 2.0
    low_q, mid, high_q = np.quantile(values, [tail, 0.5, 1.0 - tail], axis=0)
    half = widen * np.maximum(np.maximum(mid - low_q, high_q - mid), np.abs(mid - point))
    low, high = point - half, point + half
    floor = np.maximum(floor_share * point, FLOOR_PEOPLE * (point > 0))
    low = np.minimum(low, point - floor)
    high = np.maximum(high, point + floor)
    return np.maximum(np.floor(low), 0.0).astype(np.int64), np.ceil(high).astype(np.int64)


def count_ranges(draws: CountDraws, selectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranges of counts that each sum people over some masks.

    Args:
        draws: ``draw_counts`` output.
        selectors: bool (counts x masks): which masks each count adds up.

    Returns:
        ``(low, high)``, one whole number each per count.
    """
    weights = np.asarray(selectors, dtype=np.float64).T
    point = draws.point @ weights
    # the draws as differences from the same rule on the match's own links, added to the count
    values = draws.draws @ weights - draws.reference @ weights + point
    return _interval(point, values, draws.widen, draws.floor_share)


def _has(masks: np.ndarray, index: int) -> np.ndarray:
    return (masks >> index & 1).astype(bool)


def _popcount(masks: np.ndarray) -> np.ndarray:
    count = np.zeros(len(masks), dtype=np.int64)
    for i in range(63):
        count += (masks >> i & 1).astype(np.int64)
        if not (masks >> (i + 1)).any():
            break
    return count


def summary_ranges(draws: CountDraws) -> dict:
    """The range of every count of ``analyse.overlap_summary`` (and people in two or more).

    Returns:
        ``{"union_people": (low, high), "in_two_or_more": (low, high),
        "programmes": {name: (low, high)}, "pairwise": {(a, b): (low, high)},
        "intersections": {frozenset(names): (low, high)}}``; intersections
        are exclusive (people in exactly that set), for every set seen in the
        match or in a draw.
    """
    masks, names = draws.masks, draws.programmes
    popcount = _popcount(masks)
    selectors = [masks != 0, popcount >= 2]
    selectors += [_has(masks, i) for i in range(len(names))]
    pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
    selectors += [_has(masks, i) & _has(masks, j) for i, j in pairs]
    nonzero = np.flatnonzero(masks != 0)
    selectors += [masks == masks[k] for k in nonzero]
    low, high = count_ranges(draws, np.vstack(selectors) if selectors else np.zeros((0, 0)))
    ranges = list(zip(low.tolist(), high.tolist(), strict=True))
    out = {"union_people": ranges[0], "in_two_or_more": ranges[1]}
    at = 2
    out["programmes"] = {name: ranges[at + i] for i, name in enumerate(names)}
    at += len(names)
    out["pairwise"] = {(names[i], names[j]): ranges[at + t] for t, (i, j) in enumerate(pairs)}
    at += len(pairs)
    out["intersections"] = {
        frozenset(names[i] for i in range(len(names)) if masks[k] >> i & 1): ranges[at + t]
        for t, k in enumerate(nonzero)
    }
    return out


def intersection_ranges(draws: CountDraws, combinations: list[list[str]], inclusive: bool) -> list:
    """Ranges of UpSet bars: people in exactly (or, inclusive, at least) each combination.

    Args:
        draws: ``draw_counts`` output.
        combinations: programme lists, as ``analyse.*_intersections`` give them.
        inclusive: count people in at least the combination (else exactly it).

    Returns:
        ``(low, high)`` per combination, in order.
    """
    bits = {name: 1 << i for i, name in enumerate(draws.programmes)}
    selectors = []
    for combo in combinations:
        want = np.int64(sum(bits[name] for name in combo))
        selectors.append((draws.masks & want) == want if inclusive else draws.masks == want)
    if not selectors:
        return []
    low, high = count_ranges(draws, np.vstack(selectors))
    return list(zip(low.tolist(), high.tolist(), strict=True))


def add_ranges(summary: dict, ranges: dict) -> dict:
    """The overlap.json document with each count's range beside it (``_low``/``_high``).

    Every key of ``summary`` is kept; ``union_people_low``/``_high`` follow
    ``union_people``, each programme gains ``people_low``/``_high``, each
    pairwise entry ``shared_people_low``/``_high`` and each intersection
    ``people_low``/``_high``.

    Args:
        summary: ``analyse.overlap_summary`` output.
        ranges: ``summary_ranges`` output.

    Returns:
        A new document.
    """
    out: dict = {}
    for key, value in summary.items():
        out[key] = value
        if key == "union_people":
            out["union_people_low"], out["union_people_high"] = ranges["union_people"]
    out["programmes"] = {
        name: _beside(node, "people", ranges["programmes"].get(name))
        for name, node in summary.get("programmes", {}).items()
    }
    out["pairwise"] = [
        _beside(node, "shared_people", ranges["pairwise"].get((node["a"], node["b"])))
        for node in summary.get("pairwise", [])
    ]
    out["intersections"] = [
        _beside(node, "people", ranges["intersections"].get(frozenset(node["programmes"])))
        for node in summary.get("intersections", [])
    ]
    return out


def _beside(node: dict, key: str, bounds: tuple[int, int] | None) -> dict:
    """A copy of ``node`` with ``key_low``/``key_high`` right after ``key``."""
    out: dict = {}
    for name, value in node.items():
        out[name] = value
        if name == key:
            low, high = bounds if bounds is not None else (value, value)
            out[f"{key}_low"], out[f"{key}_high"] = int(low), int(high)
    return out


def group_ranges(
    draws: CountDraws,
    records: pd.DataFrame,
    column: str,
    attributes: pd.DataFrame | None = None,
    programmes: list[str] | None = None,
) -> pd.DataFrame:
    """Ranges of the per-group counts of ``analyse.overlap_by_group`` and ``reach_ranking``.

    A person's group is their most common value of ``column`` in each draw,
    as ``analyse`` decides it for the match.

    Args:
        draws: ``draw_counts`` of the match whose ``records`` these are.
        records, column, attributes: as ``analyse.overlap_by_group``.
        programmes: the partners of an initiative (``reach_ranking``; default all).

    Returns:
        One row per group (``group``), and ``X_low``/``X_high`` for X in: each
        programme (people), ``shared`` and ``union`` among ``programmes``, and
        ``new to P`` for each P of ``programmes``.
    """
    from overlap.analyse import _column_values, _modal_codes, _person_groups, _value_codes

    names = draws.programmes
    chosen = list(programmes) if programmes else list(names)
    point_group, labels = _person_groups(records, column, attributes)
    value, value_labels = _value_codes(_column_values(records, column, attributes))
    group_of_code = pd.factorize(np.append(value_labels, "(not given)").astype(object), sort=False)[
        0
    ]
    columns = _group_columns(draws.masks, names, chosen)
    n_groups = len(labels)
    person_masks = _person_masks(draws)
    copies = draws.labels.shape[0]
    flat = draws.labels.ravel()
    modal = _modal_codes(flat, len(flat), np.tile(value[draws.touched], copies), len(value_labels))
    drawn_masks, copy_of = _drawn_masks(draws.labels, draws.record_codes[draws.touched])
    persons = np.flatnonzero(flat == np.arange(len(flat)))
    drawn_group = group_of_code[modal[persons]]
    mask_index = np.searchsorted(draws.masks, drawn_masks)
    point_index = np.searchsorted(draws.masks, person_masks)
    out = pd.DataFrame({"group": pd.Series(labels, dtype=str)})
    for name, selector in columns.items():
        weight = selector.astype(np.float64)
        point = np.bincount(point_group, weights=weight[point_index], minlength=n_groups)
        counts = np.bincount(
            copy_of * n_groups + drawn_group,
            weights=weight[mask_index],
            minlength=copies * n_groups,
        ).reshape(copies, n_groups)
        values = counts[1:] - counts[0] + point  # differences from the reference, on the count
        low, high = _interval(point, values, draws.widen, draws.floor_share)
        out[f"{name}_low"], out[f"{name}_high"] = low, high
    return out


def _group_columns(masks: np.ndarray, names: list[str], chosen: list[str]) -> dict:
    """Which masks each per-group count adds up (bool per mask)."""
    bits = {name: np.int64(1) << i for i, name in enumerate(names)}
    partners = np.int64(sum(int(bits[name]) for name in chosen))
    inside = masks & partners
    columns = {name: (masks & bits[name]) != 0 for name in names}
    columns["shared"] = _popcount(inside) >= 2
    columns["union"] = inside != 0
    for name in chosen:
        columns[f"new to {name}"] = (inside != 0) & ((masks & bits[name]) == 0)
    return columns


def _person_masks(draws: CountDraws) -> np.ndarray:
    """The match's mask of each person (membership rows, as ``analyse`` numbers them)."""
    n_people = int(draws.record_person.max()) + 1 if len(draws.record_person) else 0
    mask = np.zeros(n_people, dtype=np.int64)
    np.bitwise_or.at(mask, draws.record_person, np.left_shift(np.int64(1), draws.record_codes))
    return mask


def ranged_summary(result, draws: CountDraws | None = None) -> dict:
    """``analyse.overlap_summary`` of a match with every count's range beside it.

    The overlap.json document (contract in docs/architecture.md). A match
    whose pairs have no match weights (an encoded match: ranges not yet
    checked against labelled data for its Dice model) or with more than 62
    programmes (a bit mask cannot hold them) gets no ranges.

    Args:
        result: a ``pipeline.MatchResult``.
        draws: ``draw_counts(result)`` if already made (the dashboard keeps it).

    Returns:
        The document, every key of ``overlap_summary`` kept.
    """
    from overlap.analyse import overlap_summary

    summary = overlap_summary(result.records)
    pairs = _scored_pairs(result)
    if draws is None:
        if pairs is None or not {"rid_a", "rid_b", "match_weight"} <= set(pairs.columns):
            return summary  # an encoded match: its Dice model was never checked for ranges
        if len(summary["programmes"]) > MAX_PROGRAMMES:
            return summary
        draws = draw_counts(result)
    return add_ranges(summary, summary_ranges(draws))


# ---------------------------------------------------------------- in plain words

#: A count whose range reaches further than this share either side is "too uncertain".
NOISY_SHARE = 0.10
#: Details that tell people apart, in the user's words (``analyse.QUALITY_FIELDS``).
TELLING_DETAILS = ("Date of birth", "Address", "ZIP", "Phone", "Email")


def in_words(count: int, low: int | None, high: int | None) -> str:
    """ "2,696 (between 2,650 and 2,760)"; just the count when there is no range."""
    if low is None or high is None:
        return f"{count:,}"
    if low == high == count:
        return f"{count:,} (exactly)"
    return f"{count:,} (between {low:,} and {high:,})"


def too_uncertain(count: int, low: int, high: int, share: float = NOISY_SHARE) -> bool:
    """Does the range reach further than ``share`` of the count either side?"""
    return max(count - low, high - count) > share * max(count, 1)


def pairs_to_review(result, draws: CountDraws | None = None) -> int:
    """How many pairs the model is least sure of (softened probability 0.2 to 0.8, not yet
    reviewed): reviewing them narrows the ranges most."""
    from overlap.records import decisions_to_rids

    split = _band(result, decisions_to_rids(result.records, result.decisions), TEMPER, BAND)
    unsure = (split.soft >= 0.2) & (split.soft <= 0.8) & (split.labelled == 0)
    return int(unsure.sum())


def missing_details(records: pd.DataFrame) -> dict[str, list[str]]:
    """Per programme, the details that tell people apart which none of its records has."""
    from overlap.analyse import QUALITY_FIELDS, _has

    out: dict[str, list[str]] = {}
    for programme, rows in records.groupby("programme", sort=False):
        lacking = [d for d in TELLING_DETAILS if not _has(rows, QUALITY_FIELDS[d]).any()]
        if lacking:
            out[str(programme)] = lacking
    return out


def how_sure_notes(result, ranges: dict, summary: dict) -> list[str]:
    """Plain sentences for the dashboard when the counts are too uncertain, and what helps.

    Args:
        result: the match.
        ranges: ``summary_ranges`` of its draws.
        summary: ``analyse.overlap_summary`` of its records.

    Returns:
        Sentences (empty when every headline count is within ``NOISY_SHARE``).
    """
    membership = summary["programmes"]
    shared = sum(c["people"] for c in summary["intersections"] if len(c["programmes"]) >= 2)
    headline = {
        "people reached": (summary["union_people"], *ranges["union_people"]),
        "people in two or more programmes": (shared, *ranges["in_two_or_more"]),
    }
    notes = []
    noisy = [name for name, (c, lo, hi) in headline.items() if too_uncertain(c, lo, hi)]
    noisy += [
        f"people shared by {a} and {b}"
        for (a, b), (lo, hi) in ranges["pairwise"].items()
        if too_uncertain(_shared(summary, a, b), lo, hi) and _shared(summary, a, b) >= 20
    ]
    names_only = {
        p: lacking
        for p, lacking in missing_details(result.records).items()
        if len(lacking) == len(TELLING_DETAILS) and p in membership
    }
    for programme in names_only:
        notes.append(
            f"{programme} lists names only, so its people cannot be told apart from namesakes "
            "in other rosters: its shared counts are guesses. A date of birth, address, phone "
            "or email column would let them be counted."
        )
    if noisy:
        notes.append(
            "These rosters share too few details to count "
            + _join(noisy[:3])
            + " well: the true number could be more than 10% away from the one shown."
        )
        lacking = {p: d for p, d in missing_details(result.records).items() if p not in names_only}
        for programme, details in list(lacking.items())[:3]:
            notes.append(
                f"{programme} has no {_join([d.lower() for d in details], 'or')}; adding it would help."
            )
        unsure = pairs_to_review(result)
        if unsure:
            notes.append(
                f"Reviewing the {unsure:,} pair(s) Overlap is least sure of (Review page) "
                "would narrow the ranges."
            )
    return notes


def _shared(summary: dict, a: str, b: str) -> int:
    for node in summary["pairwise"]:
        if (node["a"], node["b"]) == (a, b):
            return int(node["shared_people"])
    return 0


def _join(words: list[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]
