"""Candidate pairs: records that share a blocking key under at least one rule.

Each rule is a key computed per record (empty keys never block). One
DuckDB pass per rule groups the records by key (for a swapped-name rule,
also by partner key, and joins the two), so no cross product is ever built;
the group sizes give the rule's histogram and cap, and numpy lists the pairs
inside each kept block. Blocks larger than a cap are skipped and reported by
rule and size (never by key: keys hold personal data). Pairs found by
several rules are kept once, credited to the first rule that found them.
Pairs inside one roster are included: duplicates within a roster count.

A pair travels as one int64, its bits ``rid_a | rid_b | rule`` (high to low):
one in-place numpy sort of those codes de-duplicates the pairs of every
rule, orders them and finds each pair's first rule.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from overlap import duck
from overlap.errors import OverlapError

DEFAULT_MAX_BLOCK = 5000
MIN_RULE_BUDGET = 50_000  # pairs a budgeted rule may always add
MAX_REPORTED_BLOCKS = 50
KEY_BATCH_ROWS = 65_536  # rows per Arrow batch DuckDB scans in parallel

KEY_COLUMNS = [
    "first_name",
    "last_name",
    "first_sound",
    "last_sound",
    "first_key",
    "middle_name",
    "last_key",
    "dob",
    "zip",
    "city",
    "phone",
    "email",
    "house_number",
    "street_name",
    "record_id",
    "ssn",
    "programme",
]


@dataclass(frozen=True)
class BlockingRule:
    """A blocking key: SQL over one record's columns; NULL or '' never blocks.

    ``partner`` (for asymmetric rules such as swapped names) is the key the
    *other* record must have; None means the same key on both sides.
    ``max_block`` caps this rule's blocks below the global cap (broad keys
    such as a surname alone are only worth it when rare);
    ``pairs_per_record`` bounds the pairs the rule may add, as a multiple of
    the number of records: its largest blocks are skipped until it fits, so
    broad rules stay affordable at a million records.
    """

    name: str
    title: str
    key: str
    partner: str | None = None
    max_block: int | None = None
    pairs_per_record: float | None = None


def _all(*parts: str) -> str:
    """Key joining the parts with '|', NULL unless every part is non-empty."""
    cond = " AND ".join(f"coalesce({p}, '') <> ''" for p in parts)
    body = " || '|' || ".join(parts)
    return f"CASE WHEN {cond} THEN {body} END"


# Narrow keys (a date of birth with a name part, a phone, an email, an
# address) are joined in full; broad keys (a surname sound, a ZIP with a name
# part) have a pair budget, so their largest blocks (the Smiths of a big
# city) are skipped when they would swamp the comparison; the pairs those
# blocks hold are reached by the narrow keys whenever there is evidence.
# The fallback rules (from last_name_birth_year on) get one pair per record:
# on generated rosters they find a few true pairs in ten thousand that no
# other rule finds, and at a million records every budget is full, so their
# budgets are what keeps pairs per record (and time per record) flat. Halving
# them cut 100k x 100k from 4.3M to 2.5M pairs at the same F1 (bench/README).
# The weakest (dob + city, house number + street, first name + ZIP or street,
# surname start + ZIP, dob alone) get half a pair: on very messy rosters
# (bench: corruption x3, 100k) each found at most 3 true pairs no other rule
# found, and together they cost 1.9 pairs per record.
BLOCKING_RULES: list[BlockingRule] = [
    BlockingRule(
        "last_sound_first_initial",
        "last name sounds alike and same first initial",
        _all("last_sound", "left(first_name, 1)"),
        pairs_per_record=3,
    ),
    BlockingRule(
        "first_key_dob", "same first name (or nickname) and date of birth", _all("first_key", "dob")
    ),
    BlockingRule(
        "last_key_first_initial",
        "spellings of one surname and same first initial",
        "CASE WHEN last_key <> last_name THEN " + _all("last_key", "left(first_name, 1)") + " END",
        pairs_per_record=1,
    ),
    BlockingRule(
        "first_initial_dob",
        "same first initial and date of birth",
        _all("left(first_name, 1)", "dob"),
        pairs_per_record=2,
    ),
    BlockingRule(
        "last_initial_dob",
        "same last initial and date of birth",
        _all("left(last_name, 1)", "dob"),
        pairs_per_record=2,
    ),
    BlockingRule(
        "last_name_birth_year",
        "same last name and birth year",
        _all("last_name", "left(dob, 4)"),
        pairs_per_record=1,
    ),
    BlockingRule(
        "dob_zip", "same date of birth and ZIP code", _all("dob", "zip"), pairs_per_record=2
    ),
    BlockingRule("phone", "same phone number", _all("phone")),
    BlockingRule("email", "same email", _all("email")),
    BlockingRule(
        "email_user",
        "same email user name",
        "CASE WHEN length(split_part(email, '@', 1)) >= 4 THEN split_part(email, '@', 1) END",
    ),
    BlockingRule(
        "street_zip",
        "same house number, street and ZIP code",
        _all("house_number", "street_name", "zip"),
    ),
    BlockingRule(
        "street_city",
        "same house number, street and city",
        _all("house_number", "street_name", "city"),
    ),
    BlockingRule(
        "swapped_names",
        "first and last names swapped",
        "CASE WHEN first_sound <> last_sound THEN " + _all("first_sound", "last_sound") + " END",
        partner="CASE WHEN first_sound <> last_sound THEN "
        + _all("last_sound", "first_sound")
        + " END",
        pairs_per_record=1,
    ),
    BlockingRule(
        "last_prefix_zip",
        "last name starts alike and same ZIP code",
        _all("left(last_name, 3)", "zip"),
        pairs_per_record=0.5,
    ),
    BlockingRule(
        "swapped_names_typo",
        "first and last names swapped, one with a typo",
        _all("first_sound", "left(last_name, 1)"),
        partner=_all("last_sound", "left(first_name, 1)"),
        pairs_per_record=1,
    ),
    BlockingRule(
        "first_key_zip",
        "same first name and ZIP code",
        _all("first_key", "zip"),
        pairs_per_record=0.5,
    ),
    BlockingRule(
        "first_key_street",
        "same first name and street",
        _all("first_key", "street_name"),
        pairs_per_record=0.5,
    ),
    BlockingRule(
        "dob_city", "same date of birth and city", _all("dob", "city"), pairs_per_record=0.5
    ),
    BlockingRule(
        "first_key_house",
        "same first name and house number",
        _all("first_key", "house_number"),
        pairs_per_record=0.5,
    ),
    BlockingRule(
        "first_middle_last_initial",
        "same first name, middle initial and last initial",
        _all("first_key", "left(middle_name, 1)", "left(last_name, 1)"),
        pairs_per_record=0.5,
    ),
    BlockingRule(
        "street",
        "same house number and street",
        _all("house_number", "street_name"),
        pairs_per_record=0.5,
    ),
    BlockingRule("ssn", "same social security number", _all("ssn")),
    # a roster's own IDs mean nothing in another roster: only within one
    BlockingRule("record_id", "same record ID in one roster", _all("programme", "record_id")),
    BlockingRule("dob", "same date of birth", _all("dob"), max_block=200, pairs_per_record=0.5),
    BlockingRule("rare_last_name", "same uncommon last name", _all("last_name"), max_block=25),
    BlockingRule(
        "first_key_birth_year",
        "same first name and birth year",
        _all("first_key", "left(dob, 4)"),
        pairs_per_record=1,
    ),
    BlockingRule(
        "first_last_sound",
        "first and last names sound alike",
        _all("first_sound", "last_sound"),
        pairs_per_record=1,
    ),
]


def key_table(records: pd.DataFrame, rid: np.ndarray | None = None) -> pa.Table:
    """The columns the rules read (absent ones empty, missing values ''), with ``rid``.

    An Arrow table: pandas' string columns are Arrow already, so DuckDB reads
    them without a Python object per cell (converting them to object arrays
    took 4 s of blocking at a million records per roster).

    Args:
        records: the normalised records frame.
        rid: each record's id (default ``0..n-1``, its row number).
    """
    n = len(records)
    rid = np.arange(n, dtype=np.int64) if rid is None else np.asarray(rid, dtype=np.int64)
    columns: dict[str, pa.Array] = {"rid": pa.array(rid)}
    for column in KEY_COLUMNS:
        source = column
        if column not in records.columns:
            source = "first_name" if column == "first_key" else None
        if source is None or source not in records.columns:
            columns[column] = pa.array(np.full(n, "", dtype=object), type=pa.large_string())
            continue
        values = records[source]
        if not pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
            values = values.fillna("").astype(str)
        array = pa.array(values, type=pa.large_string(), from_pandas=True)
        columns[column] = pc.fill_null(array, "")
    table = pa.table(columns)
    # one batch is scanned by one thread: slices (no copy) let DuckDB use every core
    return pa.Table.from_batches(table.to_batches(max_chunksize=KEY_BATCH_ROWS), table.schema)


def block_histogram_sql(rule: BlockingRule, table: str = "keys") -> str:
    """SQL giving the rule's blocks by size: ``n``, ``blocks`` and the ``pairs`` they hold.

    ``table`` has ``k`` (and ``p`` for a partner rule). A symmetric block of
    n records holds n(n-1)/2 pairs; a partner rule's block is a key with its
    nk records and the np records whose partner key it is: nk * np pairs,
    sized max(nk, np) (both sides are capped).
    """
    if rule.partner is None:
        return f"""
            SELECT n, count(*) AS blocks, sum(n * (n - 1) // 2) AS pairs
            FROM (SELECT count(*) AS n FROM {table} WHERE k IS NOT NULL GROUP BY k)
            GROUP BY n ORDER BY n
        """
    return f"""
        WITH kc AS (SELECT k AS v, count(*) AS nk FROM {table} WHERE k IS NOT NULL GROUP BY k),
        pc AS (SELECT p AS v, count(*) AS np FROM {table} WHERE p IS NOT NULL GROUP BY p)
        SELECT greatest(nk, coalesce(np, 0)) AS n, count(*) AS blocks,
               sum(nk * coalesce(np, 0)) AS pairs
        FROM kc LEFT JOIN pc USING (v)
        GROUP BY n ORDER BY n
    """


def cap_from_histogram(
    rule: BlockingRule,
    sizes: np.ndarray,
    blocks: np.ndarray,
    pairs: np.ndarray,
    max_block: int,
    n_records: int,
) -> tuple[int, int, list[int]]:
    """The largest block size this rule joins; how many blocks it skips and their sizes.

    Blocks are taken smallest first while the rule's pair budget lasts, so a
    broad key keeps its informative small blocks and drops the Smiths. The
    histogram (``sizes`` ascending, blocks of each size, pairs they hold) is
    all it needs, so the Dask engine decides on the same numbers.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    blocks = np.asarray(blocks, dtype=np.int64)
    pairs = np.asarray(pairs, dtype=np.float64)
    cap = min(max_block, rule.max_block or max_block)
    allowed = sizes <= cap
    if rule.pairs_per_record is not None:
        budget = max(MIN_RULE_BUDGET, rule.pairs_per_record * n_records)
        allowed &= np.cumsum(pairs) <= budget
    cap = int(sizes[allowed].max()) if allowed.any() else 1
    over = sizes > cap
    skipped = np.repeat(sizes[over], blocks[over])[::-1][:MAX_REPORTED_BLOCKS]
    return cap, int(blocks[over].sum()), [int(x) for x in skipped]


def partner_join_sql(index: int, cap: int, table: str = "keys") -> str:
    """A partner rule's pairs: a record's key meets another's partner key, both sides <= cap."""
    return f"""
        WITH kc AS (SELECT k AS v, count(*) AS nk FROM {table} WHERE k IS NOT NULL GROUP BY k),
        pc AS (SELECT p AS v, count(*) AS np FROM {table} WHERE p IS NOT NULL GROUP BY p),
        ok AS (SELECT v FROM kc JOIN pc USING (v) WHERE nk <= {cap} AND np <= {cap}),
        l AS (SELECT rid, k FROM {table} JOIN ok ON k = v),
        r AS (SELECT rid, p FROM {table} JOIN ok ON p = v)
        SELECT DISTINCT least(l.rid, r.rid) AS rid_a, greatest(l.rid, r.rid) AS rid_b,
               {index} AS rule
        FROM l JOIN r ON l.k = r.p AND l.rid <> r.rid
    """


def found_pairs(con) -> pd.DataFrame:
    """The ``found`` table's pairs, each once, credited to the first rule that found it (Dask).

    Rules insert ``(rid_a, rid_b, rule)`` rows into ``found``; a pair several
    rules found counts for the lowest rule index (the report's "new pairs").
    """
    got = con.execute(
        """
        SELECT rid_a, rid_b, min(rule) AS rule FROM found
        GROUP BY rid_a, rid_b ORDER BY rid_a, rid_b
        """
    ).fetchnumpy()
    return pd.DataFrame(
        {
            "rid_a": np.asarray(got["rid_a"], dtype=np.int64),
            "rid_b": np.asarray(got["rid_b"], dtype=np.int64),
            "rule": np.asarray(got["rule"], dtype=np.int16),
        }
    )


def _code_bits(n_records: int, n_rules: int) -> tuple[int, int]:
    """Bits of a rid and of a rule index in a pair code ``rid_a | rid_b | rule`` (int64)."""
    rid_bits = max(1, (n_records - 1).bit_length())
    rule_bits = max(1, (n_rules - 1).bit_length())
    if 2 * rid_bits + rule_bits > 63:
        most = 2 ** ((63 - rule_bits) // 2)
        raise OverlapError(
            f"Blocking handles at most {most:,} records at once; these rosters hold {n_records:,}."
        )
    return rid_bits, rule_bits


def _symmetric_pairs(
    con, rule: BlockingRule, max_block: int, n_records: int, rid_bits: int
) -> tuple[np.ndarray, tuple[int, int, list[int]]]:
    """A symmetric rule's pairs (as codes) and its ``cap_from_histogram`` decision.

    One DuckDB pass: the key is computed and grouped once, and the groups of
    two or more records give both the histogram and the pairs. Blocks of one
    record are left out: they hold no pair and never exceed a cap (which is
    at least 1), so the decision is the one ``block_histogram_sql`` leads to.
    """
    table = con.sql(
        f"""
        SELECT list(rid) AS rids
        FROM (SELECT rid, ({rule.key}) AS k FROM rec)
        WHERE k IS NOT NULL GROUP BY k HAVING count(*) >= 2
        """
    ).to_arrow_table()
    sizes = pc.list_value_length(table.column("rids")).to_numpy().astype(np.int64)
    rids = pc.list_flatten(table.column("rids")).to_numpy().astype(np.int64)
    del table
    counts = np.bincount(sizes)
    hist_n = np.flatnonzero(counts)
    hist_blocks = counts[hist_n]
    hist_pairs = hist_blocks * (hist_n * (hist_n - 1) // 2)
    decision = cap_from_histogram(rule, hist_n, hist_blocks, hist_pairs, max_block, n_records)
    kept = sizes <= decision[0]
    return _pairs_within(sizes[kept], rids[np.repeat(kept, sizes)], rid_bits), decision


def _pair_codes(a: np.ndarray, b: np.ndarray, rid_bits: int) -> np.ndarray:
    """``min(a, b) << rid_bits | max(a, b)``, reusing ``b``'s memory."""
    low = np.minimum(a, b)
    np.maximum(a, b, out=b)
    low <<= rid_bits
    low |= b
    return low


def _pairs_within(sizes: np.ndarray, rids: np.ndarray, rid_bits: int) -> np.ndarray:
    """Every pair inside each block as ``rid_a << rid_bits | rid_b`` (rid_a < rid_b).

    ``rids`` holds the blocks one after another, ``sizes`` their lengths.
    Vectorised: each position pairs with the positions after it in its block.
    """
    m = len(rids)
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    position = np.arange(1, m + 1, dtype=np.int64)
    after = np.repeat(np.cumsum(sizes), sizes) - position  # partners to the right
    first_out = np.cumsum(after) - after  # where each position's pairs start
    total = int(first_out[-1] + after[-1])
    partner = np.repeat(position - first_out, after)
    partner += np.arange(total, dtype=np.int64)
    b = rids[partner]
    del partner
    return _pair_codes(np.repeat(rids, after), b, rid_bits)


def _partner_pairs(
    con, rule: BlockingRule, max_block: int, n_records: int, rid_bits: int
) -> tuple[np.ndarray, tuple[int, int, list[int]]]:
    """A partner rule's pairs (each once, as codes) and its ``cap_from_histogram`` decision.

    A block is a key with its ``nk`` records and the ``np`` records whose
    partner key it is (the histogram of ``block_histogram_sql``); a kept
    block pairs each of its records with each of its partners (``partner_join_sql``).
    """
    table = con.sql(
        f"""
        WITH keyed AS MATERIALIZED (
            SELECT rid, ({rule.key}) AS k, ({rule.partner}) AS p FROM rec
        ),
        kc AS (SELECT k AS v, list(rid) AS kr FROM keyed WHERE k IS NOT NULL GROUP BY k),
        pc AS (SELECT p AS v, list(rid) AS pr FROM keyed WHERE p IS NOT NULL GROUP BY p)
        SELECT kr, pr FROM kc LEFT JOIN pc USING (v)
        """
    ).to_arrow_table()
    nk = pc.list_value_length(table.column("kr")).to_numpy().astype(np.int64)
    n_partners = pc.fill_null(pc.list_value_length(table.column("pr")), 0)
    n_partners = n_partners.to_numpy().astype(np.int64)
    k_rids = pc.list_flatten(table.column("kr")).to_numpy().astype(np.int64)
    p_rids = pc.list_flatten(table.column("pr")).to_numpy().astype(np.int64)
    del table
    size = np.maximum(nk, n_partners)
    counts = np.bincount(size)
    sizes = np.flatnonzero(counts)
    hist_pairs = np.bincount(size, weights=(nk * n_partners).astype(np.float64))[sizes]
    decision = cap_from_histogram(rule, sizes, counts[sizes], hist_pairs, max_block, n_records)
    kept = (n_partners > 0) & (size <= decision[0])
    k_rids = k_rids[np.repeat(kept, nk)]
    p_rids = p_rids[np.repeat(kept, n_partners)]
    nk, n_partners = nk[kept], n_partners[kept]
    # each record of a kept block meets each of the block's partners
    meets = np.repeat(n_partners, nk)
    first_out = np.cumsum(meets) - meets
    partner_start = np.repeat(np.cumsum(n_partners) - n_partners, nk)
    partner = np.repeat(partner_start - first_out, meets)
    partner += np.arange(len(partner), dtype=np.int64)
    a = np.repeat(k_rids, meets)
    b = p_rids[partner]
    del partner
    differ = a != b
    codes = _pair_codes(a[differ], b[differ], rid_bits)
    codes.sort()  # a pair met from both of its records is kept once
    return codes[_firsts(codes)], decision


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Mask of each value's first place in a sorted array (np.unique is far slower here)."""
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def _first_rule_pairs(found: list[np.ndarray], rid_bits: int, rule_bits: int) -> pd.DataFrame:
    """Each pair once, credited to the lowest rule that found it, sorted by rid_a, rid_b.

    ``found`` holds per rule its codes ``rid_a << (rid_bits + rule_bits) |
    rid_b << rule_bits | rule`` (emptied here, to free them early): one
    in-place sort orders them by pair and then rule, so each pair's first
    code carries its first rule.
    """
    codes = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    found.clear()
    codes.sort()
    codes = codes[_firsts(codes >> rule_bits)]
    rule = codes.astype(np.int16)  # the low 16 bits hold the rule's
    rule &= (1 << rule_bits) - 1
    codes >>= rule_bits
    rid_b = codes & ((1 << rid_bits) - 1)
    codes >>= rid_bits
    return pd.DataFrame({"rid_a": codes, "rid_b": rid_b, "rule": rule}, copy=False)


def candidate_pairs(
    records: pd.DataFrame,
    rules: list[BlockingRule] | None = None,
    max_block: int = DEFAULT_MAX_BLOCK,
) -> tuple[pd.DataFrame, dict]:
    """Every pair of records sharing a blocking key, once.

    Args:
        records: the normalised records frame (row ``i`` is rid ``i``).
        rules: blocking rules (default ``BLOCKING_RULES``).
        max_block: blocks with more records than this are skipped.

    Returns:
        ``(pairs, report)``: pairs has int64 ``rid_a < rid_b`` and ``rule``
        (index of the first rule that found the pair), sorted; report has
        ``records``, ``candidate_pairs``, ``skipped_blocks`` (count),
        ``seconds`` and per rule its ``pairs``, ``new_pairs`` (first found
        by it), ``skipped_block_count`` and ``skipped_blocks`` (sizes of the
        largest skipped blocks; never key values).
    """
    started = time.perf_counter()
    rules = BLOCKING_RULES if rules is None else rules
    n_records = len(records)
    rid_bits, rule_bits = _code_bits(n_records, len(rules))
    con = duck.connect()
    try:
        # a filter on a key is not pushed below it: that would compute every key twice
        con.execute("SET disabled_optimizers = 'filter_pushdown'")
        con.register("rec", key_table(records))
        found, rule_reports = [], []
        for index, rule in enumerate(rules):
            rule_pairs = _symmetric_pairs if rule.partner is None else _partner_pairs
            pairs, (_, n_skipped, skipped) = rule_pairs(con, rule, max_block, n_records, rid_bits)
            rule_reports.append(
                {
                    "rule": rule.name,
                    "title": rule.title,
                    "pairs": int(len(pairs)),
                    "skipped_blocks": skipped,
                    "skipped_block_count": n_skipped,
                }
            )
            pairs <<= rule_bits
            pairs |= index
            found.append(pairs)
            del pairs
    finally:
        con.close()
    pairs = _first_rule_pairs(found, rid_bits, rule_bits)
    first_found = np.bincount(pairs["rule"].to_numpy(), minlength=len(rules))
    for report, count in zip(rule_reports, first_found.tolist(), strict=True):
        report["new_pairs"] = int(count)
    report = {
        "records": int(len(records)),
        "candidate_pairs": int(len(pairs)),
        "rules": rule_reports,
        "skipped_blocks": int(sum(r["skipped_block_count"] for r in rule_reports)),
        "seconds": round(time.perf_counter() - started, 4),
    }
    return pairs, report
