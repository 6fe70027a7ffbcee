"""A workspace's blocking index: every rule's keys of the known records, hashed and sorted.

Adding a roster to a workspace must find the known records that share a
blocking key with a new record. Computing every known record's keys again
costs about five seconds of DuckDB at two million records (24 rules), more
than the whole addition may take. So each record's keys are computed once,
when the record is added, with the very rules of ``overlap.block`` (their
SQL, run by DuckDB), hashed to 40 bits, and kept sorted per upload; finding
a new key's block is a binary search.

Each rule keeps the cap the full match decided (``block.cap_from_histogram``
on the same histogram ``block.candidate_pairs`` draws): a block that grows
past it is skipped, as a full match skips it, and its key is remembered as
over the cap, so later uploads skip it at once and its records need not be
kept in the index at all (most records of a broad rule such as "last name
sounds alike and same first initial" are in such blocks).

A key travels as one uint64: ``rule << 41 | side << 40 | hash`` (``side`` 1
is a partner key, the other half of an asymmetric rule such as swapped
names). ``tests/test_workspace_blockindex.py`` holds the pairs found here
equal to ``block.candidate_pairs`` over all the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from overlap import duck
from overlap.block import (
    BLOCKING_RULES,
    DEFAULT_MAX_BLOCK,
    BlockingRule,
    cap_from_histogram,
    key_table,
)
from overlap.errors import OverlapError

HASH_BITS = 40
HASH_MASK = (1 << HASH_BITS) - 1
SIDE = np.uint64(1 << HASH_BITS)
RULE_SHIFT = HASH_BITS + 1
RULE_BITS = 8  # a pair code's low bits: the rule that found it
PROBE = "overlap blocking key"  # DuckDB's hash of it tells whether stored hashes still hold


def rule_definition(rule: BlockingRule) -> str:
    """What a rule computes; a stored index built from another definition is built again."""
    return f"{rule.key} || {rule.partner or ''}"


def hash_probe() -> int:
    """DuckDB's hash of a fixed text (a DuckDB that hashes differently must rebuild the index)."""
    con = duck.connect()
    try:
        return int(con.execute("SELECT hash(?)", [PROBE]).fetchone()[0])
    finally:
        con.close()


# ------------------------------------------------------------------------------ keys


@dataclass
class RecordKeys:
    """One rule's keys of some records: ``codes`` (uint64, 0 where the key is empty)."""

    key: np.ndarray
    partner: np.ndarray | None


def record_keys(records: pd.DataFrame, rules: list[BlockingRule]) -> list[RecordKeys]:
    """Every rule's keys of these records, as codes (0 where the rule gives no key).

    Args:
        records: normalised records (the columns ``block.key_table`` reads).
        rules: the blocking rules, in order (a rule's code carries its index).

    Returns:
        One ``RecordKeys`` per rule, aligned with ``records``' rows.
    """
    con = duck.connect()
    try:
        con.register("rec", key_table(records))
        out = []
        for index, rule in enumerate(rules):
            key = _hashed(con, index, rule.key, 0)
            partner = None if rule.partner is None else _hashed(con, index, rule.partner, 1)
            out.append(RecordKeys(key, partner))
        return out
    finally:
        con.close()


def _hashed(con, index: int, sql: str, side: int) -> np.ndarray:
    """``rule << 41 | side << 40 | hash`` per record, 0 where the key is NULL."""
    got = con.sql(
        f"SELECT CASE WHEN k IS NULL THEN 0::UBIGINT "
        f"ELSE (hash(k) & {HASH_MASK}::UBIGINT) | {(index << RULE_SHIFT) | (side << HASH_BITS)}"
        f"::UBIGINT END AS c FROM (SELECT ({sql}) AS k FROM rec)"
    ).fetchnumpy()["c"]
    return np.asarray(got, dtype=np.uint64)


# ------------------------------------------------------------------------------ the index


@dataclass
class IndexUpdate:
    """What adding records changes in the index (applied only once the whole addition succeeded)."""

    upload_parts: dict[int, tuple[np.ndarray, np.ndarray]]  # upload -> (codes sorted, rids)
    dead: np.ndarray  # the new set of keys over their cap


@dataclass
class BlockIndex:
    """Per rule its cap and over-cap keys; per upload its records' other keys, sorted.

    ``parts[upload] = (codes, rids)``: codes ascending (uint64), rids the
    record of each code (int64, the workspace's record number).
    """

    rules: list[BlockingRule]
    caps: np.ndarray
    dead: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    parts: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    probe: int = 0

    @property
    def definitions(self) -> list[str]:
        return [rule_definition(r) for r in self.rules]

    def is_current(self, rules: list[BlockingRule] | None = None) -> bool:
        """Built by the same rules and the same hash as this Overlap would use now."""
        rules = BLOCKING_RULES if rules is None else rules
        return self.definitions == [rule_definition(r) for r in rules] and (
            self.probe == hash_probe()
        )

    # ---------------------------------------------------------------------- build

    @classmethod
    def build(
        cls,
        records: pd.DataFrame,
        uploads: list[tuple[int, int, int]],
        rules: list[BlockingRule] | None = None,
        max_block: int = DEFAULT_MAX_BLOCK,
    ) -> BlockIndex:
        """The index of a workspace's records, caps decided as a full match decides them.

        Args:
            records: every record, row ``i`` being record ``i``.
            uploads: ``(upload_id, first_rid, rows)`` of each upload.
            rules: the blocking rules (default ``block.BLOCKING_RULES``).
            max_block: the global cap (as ``block.candidate_pairs``).
        """
        rules = list(BLOCKING_RULES if rules is None else rules)
        keys = record_keys(records, rules)
        n = len(records)
        caps = np.array(
            [_cap(rule, k, max_block, n) for rule, k in zip(rules, keys, strict=True)],
            dtype=np.int64,
        )
        index = cls(rules=rules, caps=caps, probe=hash_probe())
        index.dead = _over_cap(
            [k for i, k in enumerate(keys) if index._active(i)],
            caps[[index._active(i) for i in range(len(rules))]],
        )
        rids = np.arange(n, dtype=np.int64)
        codes, owners = index._live_codes(keys, rids)
        for upload_id, first, rows in uploads:
            inside = (owners >= first) & (owners < first + rows)
            index.parts[upload_id] = _sorted(codes[inside], owners[inside])
        return index

    def _live_codes(self, keys: list[RecordKeys], rids: np.ndarray):
        """Every non-empty, not over-cap key of these records, with its record."""
        codes, owners = [], []
        for index, k in enumerate(keys):
            if not self._active(index):
                continue
            for side in (k.key, k.partner):
                if side is None:
                    continue
                keep = (side != 0) & ~_isin_sorted(side & ~SIDE, self.dead)
                codes.append(side[keep])
                owners.append(rids[keep])
        if not codes:
            return np.zeros(0, np.uint64), np.zeros(0, np.int64)
        return np.concatenate(codes), np.concatenate(owners)

    def _active(self, index: int) -> bool:
        """Can this rule still make a pair? (A cap below 2 records joins nothing.)"""
        return int(self.caps[index]) >= (1 if self.rules[index].partner else 2)

    # ---------------------------------------------------------------------- lookups

    def known(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """How many known records hold each code, and who (grouped by code).

        Args:
            codes: distinct codes, ascending.

        Returns:
            ``(counts, group, rids)``: per code its known records; ``rids``
            those records and ``group`` the code each belongs to (by position).
        """
        counts = np.zeros(len(codes), np.int64)
        groups, members = [], []
        for part_codes, part_rids in self.parts.values():
            lo = np.searchsorted(part_codes, codes, "left")
            hi = np.searchsorted(part_codes, codes, "right")
            n = hi - lo
            counts += n
            if n.any():
                group = np.repeat(np.arange(len(codes)), n)
                start = np.repeat(lo - (np.cumsum(n) - n), n)
                members.append(part_rids[start + np.arange(int(n.sum()))])
                groups.append(group)
        if not groups:
            return counts, np.zeros(0, np.int64), np.zeros(0, np.int64)
        group = np.concatenate(groups)
        rids = np.concatenate(members)
        order = np.argsort(group, kind="stable")
        return counts, group[order], rids[order]

    def pairs_for(
        self, records: pd.DataFrame, first_rid: int, uploads: list[tuple[int, int, int]]
    ) -> tuple[pd.DataFrame, IndexUpdate]:
        """Candidate pairs of new records with the known ones and with each other.

        Args:
            records: the new records (row ``i`` is record ``first_rid + i``).
            first_rid: the first new record's number (after every known one).
            uploads: ``(upload_id, first_rid, rows)`` the new records' keys are filed under.

        Returns:
            ``(pairs, update)``: pairs has ``rid_a < rid_b`` and ``rule`` (the
            first rule that found it), as ``block.candidate_pairs``; every pair
            touches a new record. ``update`` is what ``apply`` files away.
        """
        keys = record_keys(records, self.rules)
        rids = first_rid + np.arange(len(records), dtype=np.int64)
        rid_bits = _rid_bits(first_rid + len(records))
        found, newly_dead = [], []
        for index, (rule, k) in enumerate(zip(self.rules, keys, strict=True)):
            if not self._active(index):
                continue
            make = _symmetric if rule.partner is None else _partner
            a, b, over = make(self, int(self.caps[index]), k, rids)
            pairs = _codes_of(a, b, rid_bits)
            if rule.partner is not None:
                pairs = np.unique(pairs)  # a pair met from both of its records is kept once
            found.append((pairs << RULE_BITS) | index)
            newly_dead.append(over)
        update = IndexUpdate({}, _merged(self.dead, newly_dead))
        codes, owners = BlockIndex(self.rules, self.caps, update.dead)._live_codes(keys, rids)
        for upload_id, start, rows in uploads:
            inside = (owners >= start) & (owners < start + rows)
            update.upload_parts[upload_id] = _sorted(codes[inside], owners[inside])
        return _first_rule(found, rid_bits), update

    def apply(self, update: IndexUpdate) -> None:
        """File the new records' keys and the keys now over their cap."""
        self.dead = update.dead
        self.parts.update(update.upload_parts)


# ------------------------------------------------------------------------------ rules


def _symmetric(index: BlockIndex, cap: int, keys: RecordKeys, rids: np.ndarray):
    """Pairs of a same-key rule that touch a new record, and the keys now over the cap."""
    present = keys.key != 0
    codes, new_group = np.unique(keys.key[present], return_inverse=True)
    new_rids = rids[present]
    new_count = np.bincount(new_group, minlength=len(codes))
    known_count, known_group, known_rids = index.known(codes)
    total = known_count + new_count
    dead = _isin_sorted(codes, index.dead)
    kept = ~dead & (total <= cap) & (total >= 2)
    order = np.argsort(new_group, kind="stable")
    new_group, new_rids = new_group[order], new_rids[order]
    take_new = kept[new_group]
    take_known = kept[known_group]
    a1, b1 = _cross(new_group[take_new], new_rids[take_new], known_group[take_known],
                    known_rids[take_known], len(codes))  # fmt: skip
    a2, b2 = _within(new_group[take_new], new_rids[take_new])
    return np.concatenate([a1, a2]), np.concatenate([b1, b2]), codes[~dead & (total > cap)]


def _partner(index: BlockIndex, cap: int, keys: RecordKeys, rids: np.ndarray):
    """Pairs of an asymmetric rule (one record's key is the other's partner key) touching a new record."""
    k, p = keys.key, keys.partner
    values = np.unique(np.concatenate([k[k != 0], p[p != 0] & ~SIDE]))
    sides = []
    for side_codes, flag in ((k, np.uint64(0)), (p, SIDE)):
        present = side_codes != 0
        group = np.searchsorted(values, side_codes[present] & ~SIDE)
        order = np.argsort(group, kind="stable")
        new_group, new_rids = group[order], rids[present][order]
        known_count, known_group, known_rids = index.known(values | flag)
        count = known_count + np.bincount(new_group, minlength=len(values))
        sides.append((new_group, new_rids, known_group, known_rids, count))
    (nk_g, nk_r, kk_g, kk_r, n_k), (np_g, np_r, kp_g, kp_r, n_p) = sides
    dead = _isin_sorted(values, index.dead)
    kept = ~dead & (n_k <= cap) & (n_p <= cap)
    n = len(values)
    all_p_g = np.concatenate([np_g, kp_g])
    all_p_r = np.concatenate([np_r, kp_r])
    order = np.argsort(all_p_g, kind="stable")
    all_p_g, all_p_r = all_p_g[order], all_p_r[order]
    a1, b1 = _cross(*_kept(kept, nk_g, nk_r), *_kept(kept, all_p_g, all_p_r), n)
    a2, b2 = _cross(*_kept(kept, kk_g, kk_r), *_kept(kept, np_g, np_r), n)
    a, b = np.concatenate([a1, a2]), np.concatenate([b1, b2])
    differ = a != b
    return a[differ], b[differ], values[~dead & ((n_k > cap) | (n_p > cap))]


def _kept(kept: np.ndarray, group: np.ndarray, rids: np.ndarray):
    take = kept[group]
    return group[take], rids[take]


# ------------------------------------------------------------------------------ helpers


def _cap(rule: BlockingRule, keys: RecordKeys, max_block: int, n_records: int) -> int:
    """The largest block this rule joins, as the full match decides it on these records.

    Blocks up to the size the rule's pair budget first left out are joined
    (up to the rule's hard cap when the budget left nothing out): a block
    that grows to a size the full match never saw is judged as it would be.
    """
    hard = min(max_block, rule.max_block or max_block)
    k = keys.key[keys.key != 0]
    if keys.partner is None:
        _, counts = np.unique(k, return_counts=True)
        size = counts
        pairs_per_block = counts * (counts - 1) // 2
    else:
        values, counts = np.unique(k, return_counts=True)
        partner_values, partner_counts = np.unique(
            keys.partner[keys.partner != 0] & ~SIDE, return_counts=True
        )
        at = np.searchsorted(partner_values, values)
        found = (at < len(partner_values)) & (
            partner_values[np.minimum(at, len(partner_values) - 1)] == values
        )
        partners = np.where(found, partner_counts[np.minimum(at, len(partner_values) - 1)], 0)
        size = np.maximum(counts, partners)
        pairs_per_block = counts * partners
    if len(size) == 0:
        return hard
    blocks = np.bincount(size)
    sizes = np.flatnonzero(blocks)
    pairs = np.bincount(size, weights=pairs_per_block.astype(np.float64))[sizes]
    cap, _, _ = cap_from_histogram(rule, sizes, blocks[sizes], pairs, max_block, n_records)
    cut = sizes[(sizes > cap) & (sizes <= hard)]  # sizes the budget left out
    return int(cut.min()) - 1 if len(cut) else hard


def _over_cap(keys: list[RecordKeys], caps: np.ndarray) -> np.ndarray:
    """Sorted key values (side 0) whose block is over its rule's cap."""
    dead = []
    for k, cap in zip(keys, caps.tolist(), strict=True):
        for side in (k.key, k.partner):
            if side is None:
                continue
            values, counts = np.unique(side[side != 0] & ~SIDE, return_counts=True)
            dead.append(values[counts > cap])
    return np.unique(np.concatenate(dead)) if dead else np.zeros(0, np.uint64)


def _merged(dead: np.ndarray, more: list[np.ndarray]) -> np.ndarray:
    """The sorted over-cap keys with a few more (inserted in place: the set is large)."""
    more = np.unique(np.concatenate(more)) if more else np.zeros(0, np.uint64)
    more = more[~_isin_sorted(more, dead)].astype(np.uint64)
    return np.insert(dead, np.searchsorted(dead, more), more) if len(more) else dead


def _isin_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin`` against an ascending array, by binary search (the set is large, values few)."""
    if len(sorted_set) == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _sorted(codes: np.ndarray, rids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((rids, codes))
    return codes[order].astype(np.uint64), rids[order].astype(np.int64)


def _cross(group_a, rids_a, group_b, rids_b, n_groups: int):
    """Every (a, b) with a and b in the same group; both sides sorted by group."""
    count_b = np.bincount(group_b, minlength=n_groups)
    start_b = np.cumsum(count_b) - count_b
    reps = count_b[group_a]
    total = int(reps.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    first = np.cumsum(reps) - reps
    index_b = np.repeat(start_b[group_a] - first, reps) + np.arange(total)
    return np.repeat(rids_a, reps), rids_b[index_b]


def _within(group: np.ndarray, rids: np.ndarray):
    """Every pair inside each group (each once); the records sorted by group."""
    if len(group) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    counts = np.bincount(group)
    end = np.cumsum(counts)[group]
    position = np.arange(len(group))
    after = end - position - 1
    total = int(after.sum())
    first = np.cumsum(after) - after
    partner = np.repeat(position + 1 - first, after) + np.arange(total)
    return np.repeat(rids, after), rids[partner]


def _rid_bits(n_records: int) -> int:
    """Bits of a record number in a pair code ``rid_a | rid_b | rule`` (one int64)."""
    bits = max(1, (n_records - 1).bit_length())
    if 2 * bits + RULE_BITS > 63:
        raise OverlapError(
            f"A workspace holds at most {2 ** ((63 - RULE_BITS) // 2):,} records; "
            f"this one would hold {n_records:,}."
        )
    return bits


def _codes_of(a: np.ndarray, b: np.ndarray, rid_bits: int) -> np.ndarray:
    """One int64 per pair: ``min << rid_bits | max``."""
    a = a.astype(np.int64)
    b = b.astype(np.int64)
    return (np.minimum(a, b) << rid_bits) | np.maximum(a, b)


def _first_rule(found: list[np.ndarray], rid_bits: int) -> pd.DataFrame:
    """Each pair once, credited to the lowest rule that found it, sorted by rid_a, rid_b."""
    codes = np.concatenate(found) if found else np.zeros(0, np.int64)
    codes.sort()
    pair = codes >> RULE_BITS
    first = np.ones(len(codes), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    codes = codes[first]
    pair = codes >> RULE_BITS
    return pd.DataFrame(
        {
            "rid_a": pair >> rid_bits,
            "rid_b": pair & ((1 << rid_bits) - 1),
            "rule": (codes & ((1 << RULE_BITS) - 1)).astype(np.int16),
        }
    )
