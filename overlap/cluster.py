"""Records to persons: links above the threshold, strongest first, with guards.

Plain connected components chain A–B–C into one person even when A and C
clearly differ. Here links are merged strongest first and a merge is refused
when it would put two records of the *same roster* together without a
direct link of their own above 0.5 (so one roster's two "John Smith"s are
not glued together through a third record), or when it would join a pair
the user said are different people. User "same" decisions are forced links.

Speed: components are found with vectorised label propagation; only the
components that could break a rule (two records of one roster, or a user
"different" decision inside) go through the ordered, guarded merge loop,
which runs over those components' links only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DIRECT_LINK_MIN = 0.5


def connected_components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label (smallest member index) of each of ``n`` nodes."""
    labels = np.arange(n, dtype=np.int64)
    if len(a) == 0:
        return labels
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    while True:
        la, lb = labels[a], labels[b]
        differ = la != lb
        if not differ.any():
            return labels
        la, lb = la[differ], lb[differ]
        low = np.minimum(la, lb)
        np.minimum.at(labels, la, low)
        np.minimum.at(labels, lb, low)
        while True:  # pointer jumping until every node points at a root
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped


def _find(parent: list[int], x: int) -> int:
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        parent[x], x = root, parent[x]
    return root


def cluster_records(
    n_records: int,
    links: pd.DataFrame,
    threshold: float,
    decisions: pd.DataFrame | None = None,
    programme_codes: np.ndarray | None = None,
    tie_order: np.ndarray | None = None,
) -> np.ndarray:
    """A person id for every record.

    Args:
        n_records: number of records (rids 0..n-1).
        links: scored pairs with ``rid_a``, ``rid_b``, ``probability``.
        threshold: link pairs at or above this probability.
        decisions: ``rid_a``, ``rid_b``, ``decision`` ("same" / "different");
            these override the model.
        programme_codes: each record's roster (int code); enables the
            same-roster guard. None: no guard.
        tie_order: a rank per record independent of row order (e.g. a
            content hash rank), breaking ties between equal probabilities.

    Returns:
        int64 array: person ids 0..k-1 numbered by each person's first record.
    """
    rid_a = links["rid_a"].to_numpy(dtype=np.int64)
    rid_b = links["rid_b"].to_numpy(dtype=np.int64)
    prob = links["probability"].to_numpy(dtype=np.float64)
    same_a, same_b, diff_a, diff_b = _decided_pairs(decisions)
    strong = prob >= threshold
    if len(diff_a):
        # a "different" decision removes that pair's own link
        forbidden = set(
            zip(
                np.minimum(diff_a, diff_b).tolist(),
                np.maximum(diff_a, diff_b).tolist(),
                strict=True,
            )
        )
        keys = pd.MultiIndex.from_arrays([np.minimum(rid_a, rid_b), np.maximum(rid_a, rid_b)])
        strong &= ~keys.isin(list(forbidden))
    la = np.concatenate([same_a, rid_a[strong]])
    lb = np.concatenate([same_b, rid_b[strong]])
    lp = np.concatenate([np.full(len(same_a), 2.0), prob[strong]])
    components = connected_components(n_records, la, lb)

    # Which components need the guarded, ordered merge?
    risky = np.zeros(n_records, dtype=bool)
    if programme_codes is not None and len(la):
        codes = np.asarray(programme_codes, dtype=np.int64)
        frame = pd.DataFrame({"c": components, "p": codes})
        sizes = frame.groupby("c").size()
        distinct = frame.drop_duplicates().groupby("c").size()
        clash = sizes.index[(sizes > distinct.reindex(sizes.index)).to_numpy()]
        risky[np.isin(components, clash.to_numpy())] = True
    if len(diff_a):
        together = components[diff_a] == components[diff_b]
        risky[np.isin(components, components[diff_a[together]])] = True
    # Two records of one roster joined by one link: together only if that link is direct
    # and above 0.5 (vectorised, no loop).
    components = components.copy()
    pair_sized = risky & (np.bincount(components, minlength=n_records)[components] == 2)
    if pair_sized.any():
        inside = pair_sized[la]
        best = pd.Series(lp[inside]).groupby(components[la[inside]]).max()
        weak = best.index[(best <= DIRECT_LINK_MIN).to_numpy()].to_numpy()
        split = pair_sized & np.isin(components, weak)
        components[split] = n_records + np.flatnonzero(split)  # each on its own
        risky &= ~pair_sized
    if not risky.any():
        return _number(components)

    labels = _guarded_labels(
        components, risky, (la, lb, lp), programme_codes, tie_order, (diff_a, diff_b)
    )
    return _number(labels)


def _decided_pairs(decisions: pd.DataFrame | None) -> tuple[np.ndarray, ...]:
    """The rids of the pairs decided "same" (a, b) and "different" (a, b)."""
    none = np.zeros(0, np.int64)
    if decisions is None or not len(decisions):
        return none, none, none, none
    kind = decisions["decision"].astype(str).str.lower().to_numpy()
    da = decisions["rid_a"].to_numpy(dtype=np.int64)
    db = decisions["rid_b"].to_numpy(dtype=np.int64)
    same, different = kind == "same", kind == "different"
    return da[same], db[same], da[different], db[different]


def _guarded_labels(
    components: np.ndarray,
    risky: np.ndarray,
    links: tuple[np.ndarray, np.ndarray, np.ndarray],
    programme_codes: np.ndarray | None,
    tie_order: np.ndarray | None,
    different: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Labels after the guarded merge over the risky components' links, strongest first."""
    n_records = len(components)
    la, lb, lp = links
    diff_a, diff_b = different
    in_risky = risky[la]
    ga, gb, gp = la[in_risky], lb[in_risky], lp[in_risky]
    if tie_order is None:
        tie_order = np.arange(n_records)
    tie = np.asarray(tie_order, dtype=np.int64)
    lo = np.minimum(tie[ga], tie[gb])
    hi = np.maximum(tie[ga], tie[gb])
    order = np.lexsort((hi, lo, -gp))
    ga, gb, gp = ga[order].tolist(), gb[order].tolist(), gp[order].tolist()
    codes_list = (
        np.asarray(programme_codes, dtype=np.int64).tolist()
        if programme_codes is not None
        else [0] * n_records
    )
    guard_roster = programme_codes is not None
    keep = np.asarray(gp) > DIRECT_LINK_MIN
    d_lo = np.minimum(np.asarray(ga), np.asarray(gb))[keep].tolist()
    d_hi = np.maximum(np.asarray(ga), np.asarray(gb))[keep].tolist()
    direct = set(zip(d_lo, d_hi, strict=True))
    cannot: dict[int, set[int]] = {}
    for x, y in zip(diff_a.tolist(), diff_b.tolist(), strict=True):
        cannot.setdefault(x, set()).add(y)
        cannot.setdefault(y, set()).add(x)

    parent = list(range(n_records))
    # per cluster root: its members grouped by roster code
    groups: dict[int, dict[int, list[int]]] = {}
    for x, y, p in zip(ga, gb, gp, strict=True):
        rx, ry = _find(parent, x), _find(parent, y)
        if rx == ry:
            continue
        gx = groups.get(rx) or {codes_list[rx]: [rx]}
        gy = groups.get(ry) or {codes_list[ry]: [ry]}
        forced = p > 1.0
        if _blocked(gx, gy, direct, cannot, guard_roster and not forced):
            continue
        if sum(map(len, gx.values())) < sum(map(len, gy.values())):
            rx, ry, gx, gy = ry, rx, gy, gx
        parent[ry] = rx
        for code, rids in gy.items():
            gx.setdefault(code, []).extend(rids)
        groups[rx] = gx
        groups.pop(ry, None)
    risky_rids = np.flatnonzero(risky).tolist()
    roots = np.array([_find(parent, i) for i in risky_rids], dtype=np.int64)
    labels = components.copy()
    # risky records get their guarded root, offset so labels never collide
    labels[risky] = n_records + roots
    return labels


def _blocked(gx: dict, gy: dict, direct: set, cannot: dict, guard_roster: bool) -> bool:
    """Would merging the two clusters (members by roster code) break a rule?"""
    if cannot:
        others = [y for rids in gy.values() for y in rids]
        for rids in gx.values():
            for x in rids:
                forbidden = cannot.get(x)
                if forbidden and any(y in forbidden for y in others):
                    return True
    if not guard_roster:
        return False
    for code, rids in gy.items():
        mine = gx.get(code)
        if mine:
            for y in rids:
                for x in mine:
                    if ((x, y) if x < y else (y, x)) not in direct:
                        return True
    return False


def _number(labels: np.ndarray) -> np.ndarray:
    """Relabel 0..k-1 in order of each label's first record."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse]
