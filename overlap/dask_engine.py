"""The matching stages on a Dask distributed cluster (``overlap match --engine dask``).

``DaskEngine`` is the second executor of the one stage sequence
(``pipeline.run_stages``): the same stages, the same functions and the same
answer as the local engine, spread over workers:

- **normalise**: one task per roster (day/month order is decided per
  file column, so a roster is never split before it is normalised). The
  client ships each mapped roster, so workers on other machines need no
  shared disk.
- **block**, partitioned by block key: each chunk of records computes
  every rule's key with DuckDB and hash-partitions the records by it, so a
  whole block (and, for swapped-name rules, both sides of it) lands in one
  partition; each partition runs the local DuckDB join
  (``block.candidate_pairs``) per rule; pairs found by several rules are
  kept once (credited to the first rule) after a second shuffle by
  ``rid_a`` range, which also leaves the pairs sorted as the local engine
  has them.
- **compare, model, score**: per partition of pairs, on the records that
  partition needs. Each partition returns its distinct level patterns with
  counts; the client sums them and fits the model on that small table (EM
  sees exactly the multiset of patterns it sees locally). ``u`` comes from
  the same seeded random-pair sample, drawn on a worker.
- **cluster**: each pair partition finds the connected components of its
  links (a partial forest); the client merges the forests into global
  components, groups components into buckets and each worker runs the
  local constrained clustering (``cluster.cluster_records``) on its bucket.
  Components are independent, so the persons are exactly the local ones.

Only counts and timings are reported; no roster value leaves a worker in a
log or an error message.
"""

from __future__ import annotations

import math
import os
import weakref
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from overlap import duck
from overlap.errors import OverlapError
from overlap.fields import Comparison, comparisons_for

try:
    from distributed import Client, LocalCluster, wait
except ImportError:  # pragma: no cover - depends on the installation
    raise OverlapError(
        "The Dask engine needs Dask; install it with pip install 'overlap[dask]', "
        "or use --engine local."
    ) from None

from overlap import pipeline
from overlap.block import (
    BLOCKING_RULES,
    DEFAULT_MAX_BLOCK,
    BlockingRule,
    block_histogram_sql,
    cap_from_histogram,
    found_pairs,
    key_table,
    partner_join_sql,
)
from overlap.cluster import cluster_records, connected_components
from overlap.compare import compare_pairs, reuse_record_arrays
from overlap.model import FittedModel, estimate_u, fit_model, score
from overlap.pipeline import (
    block_counts,
    score_counts,
    tie_order,
)
from overlap.records import (
    check_programme_names,
    concat_records,
    normalise_roster,
    programme_codes,
    stack_records,
)

CHUNK_ROWS = 250_000  # records per blocking-key task
RECORDS_PER_PAIR_PARTITION = (
    200_000  # rid_a ranges: each compare task makes its records' arrays once
)
PAIRS_PER_TASK = 2_000_000  # a range with more pairs is compared and scored in slices this big


# ---------------------------------------------------------------- the cluster


@contextmanager
def _dask_client(scheduler: str | Client | None):
    """A client on the given scheduler, or on a local cluster started (and closed) here."""
    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler:
        try:
            # how long to try: Dask's own setting (distributed.comm.timeouts.connect)
            client = Client(scheduler)
        except (OSError, TimeoutError, ValueError):
            raise OverlapError(
                f"Could not reach the Dask scheduler at {scheduler}; check the address and "
                "that `dask scheduler` is running there."
            ) from None
        try:
            try:
                client.wait_for_workers(1, timeout=60)
            except TimeoutError:
                raise OverlapError(
                    f"The Dask scheduler at {scheduler} has no workers; start some with "
                    f"`dask worker {scheduler}`."
                ) from None
            yield client
        finally:
            client.close()
        return
    import logging

    import dask

    workers = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
    # roster data never spills to the workers' disks (nothing is written unless asked)
    with dask.config.set(
        {"distributed.worker.memory.target": False, "distributed.worker.memory.spill": False}
    ):
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _n_workers(client: Client) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


# ---------------------------------------------------------------- worker tasks


def _item(value, key):
    return value[key]


def _with_rids(part: tuple, offset: int) -> pd.DataFrame:
    """A file's records with their global rids (the file's offset in the stack)."""
    records = part[0].copy()
    records.insert(0, "rid", np.arange(offset, offset + len(records), dtype=np.int64))
    return records


def _rows(records: pd.DataFrame, start: int, stop: int) -> pd.DataFrame:
    return records.iloc[start:stop]


def _block_keys(chunk: pd.DataFrame, rules: list[BlockingRule], n_parts: int) -> dict:
    """Every rule's key for a chunk of records, hash-partitioned by the key (DuckDB).

    Returns ``{part: arrow table}`` with ``rule``, ``rid``, ``k`` (the key,
    NULL unless it belongs to this partition) and ``p`` (a swapped-name
    rule's partner key, likewise). A record appears at most once per rule
    and partition. DuckDB's ``hash`` is the same on every machine running
    the same DuckDB version.
    """
    keys = key_table(chunk.reset_index(drop=True), rid=chunk["rid"].to_numpy(dtype=np.int64))
    selects = []
    for index, rule in enumerate(rules):
        partner = f"({rule.partner})" if rule.partner is not None else "NULL::VARCHAR"
        selects.append(
            f"SELECT {index}::SMALLINT AS rule, rid, ({rule.key})::VARCHAR AS k, "
            f"{partner}::VARCHAR AS p FROM rec"
        )
    sql = f"""
        WITH keyed AS ({" UNION ALL ".join(selects)}),
        spread AS (
            SELECT rule, rid, (hash(k) % {n_parts})::INTEGER AS q, k, NULL::VARCHAR AS p
            FROM keyed WHERE k IS NOT NULL
            UNION ALL
            SELECT rule, rid, (hash(p) % {n_parts})::INTEGER AS q, NULL::VARCHAR AS k, p
            FROM keyed WHERE p IS NOT NULL
        )
        SELECT q, rule, rid, max(k) AS k, max(p) AS p FROM spread GROUP BY q, rule, rid
    """
    con = duck.connect()
    try:
        con.register("rec", keys)
        table = con.sql(sql).to_arrow_table()
    finally:
        con.close()
    q = table.column("q").to_numpy()
    order = np.argsort(q, kind="stable")
    table = table.take(pa.array(order)).drop_columns(["q"])
    cuts = np.searchsorted(q[order], np.arange(n_parts + 1))
    return {part: table.slice(cuts[part], cuts[part + 1] - cuts[part]) for part in range(n_parts)}


def _assemble(*slices) -> pa.Table:
    """One key partition: every chunk's slice of it."""
    return pa.concat_tables(slices)


def _block_sizes(table: pa.Table, rules: list[BlockingRule]) -> pd.DataFrame:
    """Per rule, this partition's blocks by size and the pairs they hold (its blocks are whole).

    Same SQL as the local engine's histogram (``block_histogram_sql``): a
    key's records and its partner-key records always share a partition.
    """
    con = duck.connect()
    try:
        con.register("part", table)
        frames = []
        for index, rule in enumerate(rules):
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW keys AS SELECT k, p FROM part WHERE rule = {index}"
            )
            hist = con.execute(block_histogram_sql(rule)).df()
            hist.insert(0, "rule", index)
            frames.append(hist)
        return pd.concat(frames, ignore_index=True)
    finally:
        con.close()


def _global_caps(
    rules: list[BlockingRule], sizes: list[pd.DataFrame], max_block: int, n_records: int
) -> tuple[list[int], list[int]]:
    """Each rule's block-size cap from the whole histogram, as ``candidate_pairs`` decides it."""
    hist = pd.concat(sizes, ignore_index=True)
    hist = hist.groupby(["rule", "n"], as_index=False)[["blocks", "pairs"]].sum()
    caps, counts = [], []
    for index, rule in enumerate(rules):
        mine = hist[hist["rule"] == index].sort_values("n")
        cap, n_skipped, _ = cap_from_histogram(
            rule,
            mine["n"].to_numpy(),
            mine["blocks"].to_numpy(),
            mine["pairs"].to_numpy(),
            max_block,
            n_records,
        )
        caps.append(cap)
        counts.append(n_skipped)
    return caps, counts


def _block_partition(
    rules: list[BlockingRule], caps: list[int], bounds: np.ndarray, table: pa.Table
) -> dict:
    """The blocking join of ``block.candidate_pairs``, per rule, on one key partition.

    Same SQL as the local engine's join (a symmetric rule pairs the records
    of each block of 2..cap; a swapped-name rule pairs a key with the same
    partner key, blocks up to cap), with each rule's cap decided on the
    whole histogram. Pairs are kept once (first rule) and split by rid_a range.
    """
    con = duck.connect()
    try:
        con.register("arrived", table)
        # sorted by rule, so each rule's scan reads only its own rows
        con.execute("CREATE TEMP TABLE part AS SELECT * FROM arrived ORDER BY rule")
        con.execute("CREATE TEMP TABLE found (rid_a BIGINT, rid_b BIGINT, rule SMALLINT)")
        for index, rule in enumerate(rules):
            cap = caps[index]
            if rule.partner is None:
                join = f"""
                    WITH keys AS (SELECT rid, k FROM part WHERE rule = {index} AND k IS NOT NULL),
                    kept AS (
                        SELECT keys.rid, keys.k FROM keys
                        JOIN (SELECT k FROM keys GROUP BY k
                              HAVING count(*) BETWEEN 2 AND {cap}) USING (k)
                    )
                    SELECT l.rid AS rid_a, r.rid AS rid_b, {index} AS rule
                    FROM kept l JOIN kept r ON l.k = r.k AND l.rid < r.rid
                """
            else:
                con.execute(
                    "CREATE OR REPLACE TEMP VIEW keys AS "
                    f"SELECT rid, k, p FROM part WHERE rule = {index}"
                )
                join = partner_join_sql(index, cap)
            con.execute(f"INSERT INTO found {join}")
        pairs = found_pairs(con)
    finally:
        con.close()
    cuts = np.searchsorted(pairs["rid_a"].to_numpy(), bounds, side="left")
    cuts = np.concatenate([[0], cuts, [len(pairs)]])
    return {b: pairs.iloc[cuts[b] : cuts[b + 1]] for b in range(len(bounds) + 1)}


def _dedupe_pairs(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Each pair once, credited to the first rule that found it, sorted by rid_a, rid_b."""
    if not parts:
        return pd.DataFrame(
            {
                "rid_a": np.zeros(0, np.int64),
                "rid_b": np.zeros(0, np.int64),
                "rule": np.zeros(0, np.int16),
            }
        )
    frame = pd.concat(parts, ignore_index=True)
    a = frame["rid_a"].to_numpy(dtype=np.int64)
    b = frame["rid_b"].to_numpy(dtype=np.int64)
    rule = frame["rule"].to_numpy(dtype=np.int16)
    order = np.lexsort((rule, b, a))
    a, b, rule = a[order], b[order], rule[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return pd.DataFrame({"rid_a": a[first], "rid_b": b[first], "rule": rule[first]})


def _merge_bucket(*parts: pd.DataFrame) -> pd.DataFrame:
    return _dedupe_pairs(list(parts))


# Per worker process: compare's per-record arrays of the records frame it holds,
# made by the first compare task and reused by the next ones. Found by the very
# frame object and dropped the moment that frame is freed (the weak reference's
# callback), so no roster-derived array outlives its match on a shared cluster.
_WORKER_ARRAYS: dict[int, tuple[weakref.ref, dict]] = {}


def _arrays_for(records: pd.DataFrame) -> dict:
    key = id(records)
    entry = _WORKER_ARRAYS.get(key)
    if entry is None or entry[0]() is not records:
        ref = weakref.ref(records, lambda _ref, key=key: _WORKER_ARRAYS.pop(key, None))
        entry = (ref, {})
        _WORKER_ARRAYS[key] = entry
    return entry[1]


def _compare_partition(
    pairs: pd.DataFrame, records: pd.DataFrame, comparisons: list[Comparison]
) -> pd.DataFrame:
    """Comparison levels of one partition of pairs, on every record (row i is rid i).

    The per-record arrays compare needs (codes, dates, byte words) are made
    once per worker, not once per task.
    """
    with reuse_record_arrays(_arrays_for(records)):
        return compare_pairs(records, pairs[["rid_a", "rid_b"]], comparisons)


def _pattern_counts(levels: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """Distinct level patterns of a partition and how many pairs have each (EM's statistics).

    A pattern also holds the roster of each side (``code_a``, ``code_b``):
    the model weighs pairs across rosters and inside one differently.
    """
    columns = [c for c in levels.columns if c not in ("rid_a", "rid_b")]
    frame = levels[columns].copy()
    frame["code_a"] = codes[levels["rid_a"].to_numpy(dtype=np.int64)]
    frame["code_b"] = codes[levels["rid_b"].to_numpy(dtype=np.int64)]
    keys = [*columns, "code_a", "code_b"]
    if not len(frame):
        return frame.assign(count=np.zeros(0, np.int64))
    table = frame.groupby(keys, sort=False).size().reset_index(name="count")
    for column in keys:
        table[column] = table[column].astype(frame[column].dtype)
    table["count"] = table["count"].astype(np.int64)
    return table


def _expand_patterns(table: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """The pattern counts of every partition, summed, as one row per pair for ``fit_model``.

    The model only sees each pair's levels and which rosters its two sides
    come from, so rows carrying a representative record of each side's
    roster as ``rid_a``/``rid_b`` fit exactly the model the local engine fits.
    """
    keys = [c for c in table.columns if c != "count"]
    columns = [c for c in keys if c not in ("code_a", "code_b")]
    summed = table.groupby(keys, sort=True).agg(count=("count", "sum")).reset_index()
    repeat = np.repeat(np.arange(len(summed)), summed["count"].to_numpy(dtype=np.int64))
    codes = np.asarray(codes, dtype=np.int64)
    first_of = np.zeros(int(codes.max()) + 1 if len(codes) else 1, dtype=np.int64)
    if len(codes):
        _, first = np.unique(codes, return_index=True)
        first_of[np.unique(codes)] = first
    out = {
        "rid_a": first_of[summed["code_a"].to_numpy(dtype=np.int64)][repeat],
        "rid_b": first_of[summed["code_b"].to_numpy(dtype=np.int64)][repeat],
    }
    for c in columns:
        out[c] = summed[c].to_numpy().astype(table[c].dtype)[repeat]
    return pd.DataFrame(out)


def _estimate_u(records: pd.DataFrame) -> dict:
    """u from the same seeded random-pair sample as the local engine. Runs on a worker."""
    return estimate_u(records, comparisons=comparisons_for(records))


def _partial_forest(
    scored: pd.DataFrame, threshold: float, forbidden: np.ndarray, n_records: int
) -> tuple[np.ndarray, np.ndarray]:
    """Connected components of one partition's links, as (record, component root) edges."""
    prob = scored["probability"].to_numpy()
    a = scored["rid_a"].to_numpy(dtype=np.int64)
    b = scored["rid_b"].to_numpy(dtype=np.int64)
    strong = prob >= threshold
    if len(forbidden):
        strong &= ~np.isin(a * n_records + b, forbidden)
    a, b = a[strong], b[strong]
    nodes = np.unique(np.concatenate([a, b]))
    labels = connected_components(len(nodes), np.searchsorted(nodes, a), np.searchsorted(nodes, b))
    return nodes, nodes[labels]


def _links_by_bucket(
    scored: pd.DataFrame, threshold: float, bucket_of_record: np.ndarray, n_buckets: int
) -> dict:
    """The partition's links at or above the threshold, split by their component's bucket."""
    links = scored.loc[scored["probability"] >= threshold, ["rid_a", "rid_b", "probability"]]
    bucket = bucket_of_record[links["rid_a"].to_numpy(dtype=np.int64)]
    return {b: links[bucket == b] for b in range(n_buckets)}


def _cluster_bucket(
    bucket: int,
    n_records: int,
    threshold: float,
    decisions: pd.DataFrame,
    codes: np.ndarray,
    tie_order: np.ndarray,
    bucket_of_record: np.ndarray,
    *links: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray]:
    """The local constrained clustering on one bucket of whole components."""
    frame = pd.concat(links, ignore_index=True)
    person = cluster_records(
        n_records,
        frame,
        threshold,
        decisions,
        programme_codes=codes,
        tie_order=tie_order,
    )
    members = np.flatnonzero(bucket_of_record == bucket)
    return members, person[members]


def _number(labels: np.ndarray) -> np.ndarray:
    """Relabel 0..k-1 in order of each label's first record (as the local engine numbers)."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse]


# ---------------------------------------------------------------- the engine


@dataclass
class _Levels:
    """What comparing gives on the cluster: levels per pair partition, and EM's statistics."""

    parts: list  # futures, one frame of levels per pair partition
    patterns: pd.DataFrame  # every partition's level patterns with counts, gathered


class DaskEngine:
    """The stages on a Dask cluster (a ``pipeline.Engine``): the local engine's persons, spread.

    Args:
        scheduler: a Dask scheduler address (``tcp://host:8786``) or a
            ``distributed.Client``; None starts a local cluster with one
            single-threaded worker process per core for the match and closes
            it afterwards.

    Example:
        ```py
        from overlap import match_files
        from overlap.dask_engine import DaskEngine

        result = match_files(paths, engine=DaskEngine("tcp://10.0.0.5:8786"))
        ```
    """

    def __init__(self, scheduler: str | Client | None = None):
        self.scheduler = scheduler

    def __enter__(self) -> DaskEngine:
        self._open = ExitStack()
        self.client = self._open.enter_context(_dask_client(self.scheduler))
        self.workers = _n_workers(self.client)
        self.files: list | None = None  # futures: the records, a roster (or chunk) each, by rid
        self.everyone = None  # future: every record on one worker (compare and score read it)
        self.u = self.tie_order = self.codes = None  # futures, started with the blocking
        return self

    def __exit__(self, *exc) -> None:
        self.files = self.everyone = self.u = self.tie_order = self.codes = None
        self._open.__exit__(*exc)

    def _submit(self, function, *args):
        return self.client.submit(function, *args, pure=False)

    def normalise(self, rosters: list) -> tuple[pd.DataFrame, pd.DataFrame]:
        """One task per roster; the client stacks them as ``records.prepare_records`` does."""
        check_programme_names([m.name for m in rosters])
        parts = [self._submit(normalise_roster, f) for f in self.client.scatter(rosters)]
        normalised = self.client.gather(parts)
        lengths = [len(records) for records, _ in normalised]
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64).tolist()
        self.files = [
            self._submit(_with_rids, part, int(offset))
            for part, offset in zip(parts, offsets, strict=True)
        ]
        return stack_records(normalised)

    def block(self, records: pd.DataFrame) -> tuple[list, dict]:
        """Blocking partitioned by block key; the pairs stay on workers, by rid_a range."""
        n = len(records)
        if self.files is None:  # a records frame: scattered in chunks
            self.files = [
                self.client.scatter(records.iloc[s : s + CHUNK_ROWS])
                for s in range(0, max(n, 1), CHUNK_ROWS)
            ]
        # u's random pairs and the tie order need every record: start them now, on workers
        self.everyone = self._submit(concat_records, self.files)
        self.u = self._submit(_estimate_u, self.everyone)
        self.tie_order = self._submit(tie_order, self.everyone)
        [self.codes] = self.client.scatter([programme_codes(records)], broadcast=True)

        rules = list(BLOCKING_RULES)
        assembled = self._key_partitions(rules, n)
        sizes = self.client.gather([self._submit(_block_sizes, f, rules) for f in assembled])
        caps, skipped = _global_caps(rules, sizes, DEFAULT_MAX_BLOCK, n)
        buckets, per_rule = self._pair_buckets(rules, caps, assembled, n)
        rule_pairs = {r.name: int(c) for r, c in zip(rules, per_rule.tolist(), strict=True)}
        return buckets, block_counts(rule_pairs, sum(skipped))

    def _key_partitions(self, rules: list[BlockingRule], n: int) -> list:
        """Every rule's keys, chunk by chunk, hash-partitioned: one future per key partition."""
        n_parts = max(self.workers, math.ceil(n / 250_000))
        lengths = self.client.gather([self._submit(len, f) for f in self.files])
        chunks = [
            self._submit(
                _block_keys, self._submit(_rows, f, start, start + CHUNK_ROWS), rules, n_parts
            )
            for f, length in zip(self.files, lengths, strict=True)
            for start in range(0, length, CHUNK_ROWS)
        ]
        return [
            self._submit(_assemble, *[self._submit(_item, c, q) for c in chunks])
            for q in range(n_parts)
        ]

    def _pair_buckets(
        self, rules: list[BlockingRule], caps: list[int], assembled: list, n: int
    ) -> tuple[list, np.ndarray]:
        """Each key partition's pairs, kept once and moved to rid_a ranges (cut in slices of
        at most ``PAIRS_PER_TASK``), and the pairs each rule found first."""
        n_buckets = max(2 * self.workers, math.ceil(n / RECORDS_PER_PAIR_PARTITION))
        bounds = np.linspace(0, n, n_buckets + 1)[1:-1].astype(np.int64)
        partitions = [self._submit(_block_partition, rules, caps, bounds, f) for f in assembled]
        buckets = [
            self._submit(_merge_bucket, *[self._submit(_item, p, b) for p in partitions])
            for b in range(n_buckets)
        ]
        counts = self.client.gather([self._submit(_rule_counts, b, len(rules)) for b in buckets])
        del partitions
        sliced = []
        for bucket, by_rule in zip(buckets, counts, strict=True):
            size = int(np.sum(by_rule))
            if size <= PAIRS_PER_TASK:
                sliced.append(bucket)
                continue
            step = math.ceil(size / math.ceil(size / PAIRS_PER_TASK))
            sliced += [self._submit(_rows, bucket, s, s + step) for s in range(0, size, step)]
        per_rule = np.sum(counts, axis=0) if counts else np.zeros(len(rules), np.int64)
        return sliced, per_rule

    def compare(self, records: pd.DataFrame, pairs: list, comparisons: list[Comparison]) -> _Levels:
        """Levels per pair partition, and each partition's level patterns summed here."""
        levels = [self._submit(_compare_partition, b, self.everyone, comparisons) for b in pairs]
        counts = [self._submit(_pattern_counts, lv, self.codes) for lv in levels]
        return _Levels(levels, pd.concat(self.client.gather(counts), ignore_index=True))

    def fit(
        self, records: pd.DataFrame, levels: _Levels, comparisons: list[Comparison]
    ) -> FittedModel:
        """EM on the summed pattern counts, u from the workers' random pairs."""
        u, self.u = self.u.result(), None
        patterns = _expand_patterns(levels.patterns, programme_codes(records))
        return fit_model(records, patterns, u=u, comparisons=comparisons)

    def score(
        self, model: FittedModel, records: pd.DataFrame, levels: _Levels, threshold: float
    ) -> tuple[list, dict]:
        """``model.score`` per partition of pairs; the scored pairs stay on the workers."""
        [model_future] = self.client.scatter([model], broadcast=True)
        scored = [self._submit(score, model_future, self.everyone, lv) for lv in levels.parts]
        wait(scored)
        counts = self.client.gather([self._submit(score_counts, s, threshold) for s in scored])
        return scored, {key: sum(c[key] for c in counts) for key in ("links", "household_guarded")}

    def cluster(
        self, records: pd.DataFrame, scored: list, threshold: float, rid_decisions: pd.DataFrame
    ) -> np.ndarray:
        """Partial forests per partition, merged here, then the local clustering per bucket."""
        n = len(records)
        components = self._components(scored, n, threshold, rid_decisions)
        sizes = np.bincount(components, minlength=n)
        linked = sizes[components] > 1
        labels = np.arange(n, dtype=np.int64)
        if not linked.any():
            return _number(labels)
        n_buckets = max(1, min(2 * self.workers, int(linked.sum()) // 2))
        # bucket of each record's component; -1 for records linked to nobody
        bucket_of_record = np.where(linked, components % n_buckets, -1).astype(np.int64)
        [bucket_future] = self.client.scatter([bucket_of_record], broadcast=True)
        split = [
            self._submit(_links_by_bucket, s, threshold, bucket_future, n_buckets) for s in scored
        ]
        persons = [
            self._submit(
                _cluster_bucket,
                b,
                n,
                threshold,
                rid_decisions,
                self.codes,
                self.tie_order,
                bucket_future,
                *[self._submit(_item, part, b) for part in split],
            )
            for b in range(n_buckets)
        ]
        for b, (members, person) in enumerate(self.client.gather(persons)):
            labels[members] = n * (b + 1) + person
        return _number(labels)

    def _components(
        self, scored: list, n: int, threshold: float, rid_decisions: pd.DataFrame
    ) -> np.ndarray:
        """Connected components of the links and the "same" decisions, without "different" ones."""
        kind = rid_decisions["decision"].astype(str).str.lower().to_numpy()
        da = rid_decisions["rid_a"].to_numpy(dtype=np.int64)
        db = rid_decisions["rid_b"].to_numpy(dtype=np.int64)
        different = kind == "different"
        forbidden = np.unique(np.minimum(da, db)[different] * n + np.maximum(da, db)[different])
        forests = self.client.gather(
            [self._submit(_partial_forest, s, threshold, forbidden, n) for s in scored]
        )
        same = kind == "same"
        fa = np.concatenate([f[0] for f in forests] + [da[same]]).astype(np.int64)
        fb = np.concatenate([f[1] for f in forests] + [db[same]]).astype(np.int64)
        return connected_components(n, fa, fb)

    def scored_pairs(self, scored: list, comparisons: list[Comparison]) -> pd.DataFrame:
        """Every scored pair, brought here one partition at a time, each freed on its worker."""
        parts = []
        while scored:
            future = scored.pop(0)
            parts.append(pipeline._pairs_columns(future.result(), comparisons))
            future.release()
        return pd.concat(parts, ignore_index=True)


def _rule_counts(pairs: pd.DataFrame, n_rules: int) -> np.ndarray:
    return np.bincount(pairs["rule"].to_numpy(dtype=np.int64), minlength=n_rules)
