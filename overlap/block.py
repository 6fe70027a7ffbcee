"""Candidate pairs: records that share a blocking key under at least one rule.

Each rule is a key computed per record (empty keys never block); pairs are
the DuckDB self-join of the records on that key, so no cross product is ever
built. Blocks larger than a cap are skipped and reported by rule and size
(never by key: keys hold personal data). Pairs found by several rules are
kept once, credited to the first rule that found them. Pairs inside one
roster are included: duplicates within a roster count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from overlap import duck

DEFAULT_MAX_BLOCK = 5000
MIN_RULE_BUDGET = 50_000  # pairs a budgeted rule may always add
MAX_REPORTED_BLOCKS = 50

KEY_COLUMNS = [
    "first_name",
    "last_name",
    "first_sound",
    "last_sound",
    "first_key",
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
        pairs_per_record=1,
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
        pairs_per_record=1,
    ),
    BlockingRule(
        "first_key_street",
        "same first name and street",
        _all("first_key", "street_name"),
        pairs_per_record=1,
    ),
    BlockingRule(
        "dob_city", "same date of birth and city", _all("dob", "city"), pairs_per_record=1
    ),
    BlockingRule(
        "street",
        "same house number and street",
        _all("house_number", "street_name"),
        pairs_per_record=1,
    ),
    BlockingRule("ssn", "same social security number", _all("ssn")),
    # a roster's own IDs mean nothing in another roster: only within one
    BlockingRule("record_id", "same record ID in one roster", _all("programme", "record_id")),
    BlockingRule("dob", "same date of birth", _all("dob"), max_block=200, pairs_per_record=1),
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


def _key_frame(records: pd.DataFrame) -> pd.DataFrame:
    """The columns the rules read (absent ones empty), with ``rid``."""
    frame = pd.DataFrame({"rid": np.arange(len(records), dtype=np.int64)})
    for column in KEY_COLUMNS:
        if column in records.columns:
            frame[column] = records[column].fillna("").astype(str).to_numpy()
        elif column == "first_key" and "first_name" in records.columns:
            frame[column] = records["first_name"].fillna("").astype(str).to_numpy()
        else:
            frame[column] = ""
    return frame


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


def _block_cap(con, rule: BlockingRule, max_block: int, n_records: int):
    """``cap_from_histogram`` on the ``keys`` table of this rule."""
    hist = con.execute(block_histogram_sql(rule)).fetchnumpy()
    return cap_from_histogram(rule, hist["n"], hist["blocks"], hist["pairs"], max_block, n_records)


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
    """The ``found`` table's pairs, each once, credited to the first rule that found it.

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
    con = duck.connect()
    try:
        con.register("rec", _key_frame(records))
        con.execute("CREATE TEMP TABLE found (rid_a BIGINT, rid_b BIGINT, rule INTEGER)")
        rule_reports = []
        for index, rule in enumerate(rules):
            partner = rule.partner or rule.key
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE keys AS
                SELECT rid, ({rule.key}) AS k, ({partner}) AS p FROM rec
                """
            )
            cap, n_skipped, skipped = _block_cap(con, rule, max_block, len(records))
            if rule.partner is None:
                join = f"""
                    WITH kept AS (
                        SELECT keys.rid, keys.k FROM keys
                        JOIN (SELECT k FROM keys WHERE k IS NOT NULL GROUP BY k
                              HAVING count(*) BETWEEN 2 AND {cap}) USING (k)
                    )
                    SELECT l.rid AS rid_a, r.rid AS rid_b, {index} AS rule
                    FROM kept l JOIN kept r ON l.k = r.k AND l.rid < r.rid
                """
            else:
                join = partner_join_sql(index, cap)
            raw = con.execute(f"INSERT INTO found {join}").fetchone()[0]
            rule_reports.append(
                {
                    "rule": rule.name,
                    "title": rule.title,
                    "pairs": int(raw),
                    "skipped_blocks": skipped,
                    "skipped_block_count": n_skipped,
                }
            )
        pairs = found_pairs(con)
    finally:
        con.close()
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
