"""Blocking: rules as DuckDB joins, caps, and recall measured on the samples."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap import block, duck
from overlap.block import BLOCKING_RULES, BlockingRule, candidate_pairs
from overlap.errors import OverlapError
from overlap.normalise import normalise_fields

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TRUTH = ROOT / "data" / "truth" / "samples_truth.csv"


def records_from(rows: list[dict], programme: str = "p") -> pd.DataFrame:
    fields = pd.DataFrame(rows).fillna("").astype(str)
    records = normalise_fields(fields)
    records.insert(0, "programme", programme)
    records.insert(0, "rid", np.arange(len(records)))
    return records


def pair_set(pairs: pd.DataFrame) -> set[tuple[int, int]]:
    return set(zip(pairs["rid_a"].tolist(), pairs["rid_b"].tolist(), strict=True))


def test_pairs_are_ordered_unique_and_credited_to_the_first_rule():
    records = records_from(
        [
            {"first_name": "Ann", "last_name": "Lee", "dob": "1980-01-02", "phone": "3125550100"},
            {"first_name": "Ann", "last_name": "Lee", "dob": "1980-01-02", "phone": "3125550100"},
            {"first_name": "Zed", "last_name": "Quinn", "dob": "1950-05-05"},
        ]
    )
    pairs, report = candidate_pairs(records)
    assert pair_set(pairs) == {(0, 1)}
    assert (pairs["rid_a"] < pairs["rid_b"]).all()
    assert report["candidate_pairs"] == 1
    assert sum(r["new_pairs"] for r in report["rules"]) == 1
    assert report["rules"][0]["new_pairs"] == 1  # found first by the first rule
    assert max(r["pairs"] for r in report["rules"]) == 1


def test_empty_keys_never_block():
    records = records_from([{"first_name": "", "last_name": ""}] * 4 + [{"first_name": "Al"}])
    pairs, _ = candidate_pairs(records)
    assert len(pairs) == 0


def test_swapped_names_meet():
    records = records_from(
        [
            {"first_name": "Adriana", "last_name": "Perez", "zip": "60601"},
            {"first_name": "Perez", "last_name": "Adriana", "zip": "10001"},
        ]
    )
    swapped_only = [r for r in BLOCKING_RULES if r.name == "swapped_names"]
    pairs, report = candidate_pairs(records, rules=swapped_only)
    assert pair_set(pairs) == {(0, 1)}
    assert report["rules"][0]["pairs"] == 1


def test_oversized_blocks_are_skipped_and_reported_without_their_key():
    rows = [{"first_name": f"P{i}", "last_name": "Same", "zip": "60601"} for i in range(30)]
    records = records_from(rows)
    rule = BlockingRule("zip", "same ZIP", "CASE WHEN zip <> '' THEN zip END")
    pairs, report = candidate_pairs(records, rules=[rule], max_block=10)
    assert len(pairs) == 0
    assert report["rules"][0]["skipped_blocks"] == [30]
    assert "60601" not in repr(report)
    pairs, report = candidate_pairs(records, rules=[rule], max_block=30)
    assert len(pairs) == 30 * 29 // 2
    assert report["skipped_blocks"] == 0


def test_no_records_no_pairs():
    pairs, report = candidate_pairs(records_from([{"first_name": "Al"}]).iloc[:0])
    assert len(pairs) == 0 and report["candidate_pairs"] == 0


@pytest.fixture(scope="module")
def sample_records() -> tuple[pd.DataFrame, np.ndarray]:
    if not TRUTH.exists():
        pytest.skip("samples not generated")
    from overlap.ingest import read_roster
    from overlap.mapping import apply_mapping, guess_mapping
    from overlap.pipeline import prepare_records

    truth = pd.read_csv(TRUTH, dtype=str, keep_default_na=False)
    files = list(dict.fromkeys(truth["file"]))
    mapped = []
    for name in files:
        roster = read_roster(SAMPLES / name)
        mapped.append(apply_mapping(roster, guess_mapping(roster.frame).mapping))
    records, _ = prepare_records(mapped)
    truth["programme"] = truth["file"].map(lambda f: Path(f).stem)
    truth["row"] = truth["row"].astype(int)
    merged = records[["programme", "row"]].merge(truth, on=["programme", "row"], how="left")
    assert merged["person_id"].notna().all()
    return records, merged["person_id"].to_numpy()


def test_blocking_recall_on_the_samples(sample_records):
    """Every true pair (cross and within rosters) should reach the candidate set."""
    records, person = sample_records
    pairs, report = candidate_pairs(records)
    frame = pd.DataFrame({"p": person, "rid": np.arange(len(person))})
    true = frame.merge(frame, on="p")
    true = true[true["rid_x"] < true["rid_y"]]
    true_pairs = set(zip(true["rid_x"].tolist(), true["rid_y"].tolist(), strict=True))
    found = pair_set(pairs)
    programme = records["programme"].to_numpy()
    for kind in ("cross", "within"):
        subset = {
            p for p in true_pairs if (programme[p[0]] != programme[p[1]]) == (kind == "cross")
        }
        recall = len(subset & found) / len(subset)
        # measured 1.000 on both (Nov 2026); a floor leaves room for sample changes
        assert recall >= 0.99, (kind, recall)
    # blocking is selective: far fewer pairs than all pairs
    n = len(records)
    assert report["candidate_pairs"] < n * (n - 1) / 2 * 0.02


def test_a_pair_budget_skips_a_broad_rules_largest_blocks(monkeypatch):
    rows = [{"first_name": f"P{i}", "last_name": "Same", "zip": "60601"} for i in range(40)]
    rows += [{"first_name": f"Q{i}", "last_name": "Other", "zip": "60602"} for i in range(6)]
    records = records_from(rows)
    rule = BlockingRule("zip", "same ZIP", "CASE WHEN zip <> '' THEN zip END", pairs_per_record=0.1)
    monkeypatch.setattr(block, "MIN_RULE_BUDGET", 20)  # the 40-record block (780 pairs) won't fit
    pairs, report = candidate_pairs(records, rules=[rule])
    assert len(pairs) == 15  # the 6-record block only
    assert report["rules"][0]["skipped_blocks"] == [40]
    assert report["skipped_blocks"] == 1


def test_same_ssn_blocks_across_rosters_but_a_record_id_only_inside_one():
    records = records_from(
        [
            {"first_name": "Ann", "last_name": "Lee", "ssn": "234-56-7891", "record_id": "7"},
            {"first_name": "Zed", "last_name": "Quinn", "ssn": "234567891", "record_id": "8"},
            {"first_name": "Bo", "last_name": "Ng", "record_id": "7"},
            {"first_name": "Cy", "last_name": "Park", "record_id": "7"},
        ]
    )
    records["programme"] = ["a", "b", "b", "a"]
    pairs, report = candidate_pairs(records)
    assert pair_set(pairs) == {(0, 1), (0, 3)}
    rules = {r["rule"]: r["new_pairs"] for r in report["rules"]}
    assert rules["ssn"] == 1 and rules["record_id"] == 1


def test_a_partner_rules_budget_counts_the_pairs_its_join_makes(monkeypatch):
    """A swapped-name key with few records can meet many partners: nk * np pairs, not nk^2/2."""
    # 3 records keyed "ann|lee" meet 30 records whose partner key is "ann|lee":
    # 90 pairs, though the key's own block has only 3 records.
    rows = [{"first_name": "Ann", "last_name": "Lee"} for _ in range(3)]
    rows += [{"first_name": "Lee", "last_name": "Ann"} for _ in range(30)]
    # a small swapped pair elsewhere: 1 * 1 pair
    rows += [{"first_name": "Bo", "last_name": "Ng"}, {"first_name": "Ng", "last_name": "Bo"}]
    records = records_from(rows)
    rule = BlockingRule(
        "swap",
        "swapped",
        "CASE WHEN first_name <> '' THEN first_name || '|' || last_name END",
        partner="CASE WHEN first_name <> '' THEN last_name || '|' || first_name END",
        pairs_per_record=1,
    )
    monkeypatch.setattr(block, "MIN_RULE_BUDGET", 10)
    pairs, report = candidate_pairs(records, rules=[rule])
    assert pair_set(pairs) == {(33, 34)}
    # the big key is skipped from both ends ("ann|lee" and "lee|ann" are each a 3 x 30 block)
    assert report["rules"][0]["skipped_block_count"] == 2
    assert report["rules"][0]["skipped_blocks"] == [30, 30]
    monkeypatch.setattr(block, "MIN_RULE_BUDGET", 1000)  # room for 3 * 30 twice
    pairs, _ = candidate_pairs(records, rules=[rule])
    assert len(pairs) == 3 * 30 + 1


def test_cap_from_histogram_takes_smallest_blocks_while_the_budget_lasts(monkeypatch):
    sizes, blocks = np.array([2, 3, 10]), np.array([5, 2, 1])
    pairs = blocks * sizes * (sizes - 1) // 2  # 5, 6, 45: cumulative 5, 11, 56
    monkeypatch.setattr(block, "MIN_RULE_BUDGET", 0)
    budgeted = BlockingRule("r", "r", "k", pairs_per_record=1)
    assert block.cap_from_histogram(budgeted, sizes, blocks, pairs, 5000, 11) == (3, 1, [10])
    assert block.cap_from_histogram(budgeted, sizes, blocks, pairs, 5000, 56) == (10, 0, [])
    unbudgeted = BlockingRule("r", "r", "k")
    assert block.cap_from_histogram(unbudgeted, sizes, blocks, pairs, 2, 1) == (2, 3, [10, 3, 3])


# --- the vectorised pair generation, checked against plain Python ----------------------------


def triples(pairs: pd.DataFrame) -> list[tuple[int, int, int]]:
    columns = [pairs[c].tolist() for c in ("rid_a", "rid_b", "rule")]
    return list(zip(*columns, strict=True))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 7), max_size=9), st.randoms(use_true_random=False))
def test_pairs_within_blocks_are_every_pair_of_each_block(sizes, rnd):
    rid_bits = 6  # room for 9 blocks of 7
    rids = rnd.sample(range(2**rid_bits), sum(sizes))
    codes = block._pairs_within(np.array(sizes, dtype=np.int64), np.array(rids), rid_bits)
    expected, start = [], 0
    for size in sizes:
        expected += [(min(a, b), max(a, b)) for a, b in combinations(rids[start : start + size], 2)]
        start += size
    got = zip((codes >> rid_bits).tolist(), (codes & (2**rid_bits - 1)).tolist(), strict=True)
    assert sorted(got) == sorted(expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(0, 5)), max_size=40))
def test_first_rule_pairs_keeps_each_pair_once_with_its_lowest_rule(rows):
    rid_bits, rule_bits = 4, 3
    rows = [(a, b, r) for a, b, r in rows if a < b]
    by_rule = defaultdict(list)
    for a, b, r in rows:
        by_rule[r].append((((a << rid_bits) | b) << rule_bits) | r)
    found = [np.array(codes, dtype=np.int64) for codes in by_rule.values()]
    pairs = block._first_rule_pairs(found, rid_bits, rule_bits)
    assert found == []  # handed over and freed
    first: dict[tuple[int, int], int] = {}
    for a, b, r in rows:
        first[(a, b)] = min(r, first.get((a, b), r))
    assert list(pairs.columns) == ["rid_a", "rid_b", "rule"]
    assert [str(t) for t in pairs.dtypes] == ["int64", "int64", "int16"]
    assert triples(pairs) == sorted((a, b, r) for (a, b), r in first.items())


def test_pair_codes_have_room_for_two_rids_and_a_rule_or_blocking_says_it_cannot():
    assert block._code_bits(2_000_000, 24) == (21, 5)
    assert block._code_bits(2**29, 24) == (29, 5)  # 29 + 29 + 5 = 63 bits
    assert block._code_bits(0, 1) == (1, 1)
    with pytest.raises(OverlapError, match="at most 536,870,912 records"):
        block._code_bits(2**29 + 1, 24)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.integers(2, 60), st.integers(1, 50), max_size=8),
    st.integers(0, 70),
    st.sampled_from([None, 0.5, 2.0]),
    st.sampled_from([None, 10]),
    st.integers(0, 2000),
)
def test_blocks_of_one_record_never_change_a_symmetric_rules_cap(
    blocks_by_size, max_block, per_record, rule_max, min_budget
):
    """The local engine leaves size-1 blocks out of the histogram; the Dask engine counts them."""
    rule = BlockingRule("r", "r", "k", max_block=rule_max, pairs_per_record=per_record)
    sizes = np.array(sorted(blocks_by_size), dtype=np.int64)
    blocks = np.array([blocks_by_size[s] for s in sizes], dtype=np.int64)
    pairs = blocks * sizes * (sizes - 1) // 2
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(block, "MIN_RULE_BUDGET", min_budget)
        without = block.cap_from_histogram(rule, sizes, blocks, pairs, max_block, 100)
        with_ones = block.cap_from_histogram(
            rule, np.r_[1, sizes], np.r_[500, blocks], np.r_[0, pairs], max_block, 100
        )
    assert without == with_ones


def test_key_table_gives_every_rule_column_as_text_with_missing_as_empty():
    records = pd.DataFrame(
        {
            "first_name": pd.array(["Ann", None, "Bo"], dtype="str"),
            "dob": pd.Series(["1980-01-02", np.nan, ""], dtype=object),
            "zip": [60601, 60602, 60603],  # not text: converted as the old frame did
        }
    )
    table = block.key_table(records, rid=np.array([7, 8, 9]))
    assert table.column_names == ["rid", *block.KEY_COLUMNS]
    assert table.column("rid").to_pylist() == [7, 8, 9]
    assert table.column("first_name").to_pylist() == ["Ann", "", "Bo"]
    assert table.column("first_key").to_pylist() == ["Ann", "", "Bo"]  # falls back on first_name
    assert table.column("dob").to_pylist() == ["1980-01-02", "", ""]
    assert table.column("zip").to_pylist() == ["60601", "60602", "60603"]
    assert table.column("email").to_pylist() == ["", "", ""]
    assert table.column("email").null_count == 0


def test_key_table_is_cut_into_batches_duckdb_can_scan_in_parallel(monkeypatch):
    monkeypatch.setattr(block, "KEY_BATCH_ROWS", 4)
    records = pd.DataFrame({"first_name": ["a"] * 10})
    table = block.key_table(records)
    assert [len(b) for b in table.to_batches()] == [4, 4, 2]


ALPHABET = {
    "first_name": ["", "ann", "bo", "al", None],
    "last_name": ["", "lee", "ng", "li"],
    "first_sound": ["", "A5", "B0", "L0"],
    "last_sound": ["", "L0", "N2", "A5"],
    "first_key": ["", "ann", "bo"],
    "middle_name": ["", "m", "mae"],
    "last_key": ["", "lee", "li"],
    "dob": ["", "1980-01-02", "1980-03-04", "1981-01-02", None],
    "zip": ["", "60601", "60602"],
    "city": ["", "chicago", "evanston"],
    "phone": ["", "3125550100", "3125550101"],
    "email": ["", "ann@x.org", "ann@y.org", "bo@x.org"],
    "house_number": ["", "1", "12"],
    "street_name": ["", "main", "oak"],
    "record_id": ["", "7", "8"],
    "ssn": ["", "234567891"],
    "programme": ["a", "b"],
}


def brute_force_pairs(records, rules, max_block):
    """Blocking as documented, in plain Python: keys by DuckDB, blocks, caps, pairs, first rule."""
    frame = records.fillna("").astype(str).astype(object)
    frame.insert(0, "rid", np.arange(len(records)))
    con = duck.connect()
    con.register("rec", frame)
    keys = ", ".join(f"({rule.key}), ({rule.partner or rule.key})" for rule in rules)
    rows = con.execute(f"SELECT rid, {keys} FROM rec").fetchall()
    con.close()
    first: dict[tuple[int, int], int] = {}
    reports = []
    for index, rule in enumerate(rules):
        by_k, by_p = defaultdict(list), defaultdict(list)
        for rid, k, p in ((row[0], row[1 + 2 * index], row[2 + 2 * index]) for row in rows):
            if k is not None:
                by_k[k].append(rid)
            if p is not None:
                by_p[p].append(rid)
        hist_blocks, hist_pairs = Counter(), Counter()
        for value, rids in by_k.items():
            if rule.partner is None:
                size, pairs = len(rids), len(rids) * (len(rids) - 1) // 2
            else:
                size = max(len(rids), len(by_p.get(value, [])))
                pairs = len(rids) * len(by_p.get(value, []))
            hist_blocks[size] += 1
            hist_pairs[size] += pairs
        sizes = sorted(hist_blocks)
        cap, n_skipped, skipped = block.cap_from_histogram(
            rule,
            np.array(sizes, dtype=np.int64),
            np.array([hist_blocks[s] for s in sizes], dtype=np.int64),
            np.array([hist_pairs[s] for s in sizes], dtype=np.int64),
            max_block,
            len(records),
        )
        found = set()
        for value, rids in by_k.items():
            partners = rids if rule.partner is None else by_p.get(value, [])
            if len(rids) > cap or len(partners) > cap:
                continue
            found |= {(min(a, b), max(a, b)) for a in rids for b in partners if a != b}
        for pair in found:
            first.setdefault(pair, index)
        reports.append((rule.name, len(found), n_skipped, skipped))
    return sorted((a, b, r) for (a, b), r in first.items()), reports


@st.composite
def small_records(draw):
    n = draw(st.integers(0, 30))
    return pd.DataFrame(
        {
            column: pd.array(
                [draw(st.sampled_from(values)) for _ in range(n)],
                dtype="str",
            )
            for column, values in ALPHABET.items()
        }
    )


@settings(max_examples=25, deadline=None)
@given(small_records(), st.integers(1, 8), st.sampled_from([0, 10, 50_000]))
def test_candidate_pairs_match_blocking_done_by_hand(records, max_block, min_budget):
    """Every rule (both kinds, budgets and caps binding) against the plain-Python version."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(block, "MIN_RULE_BUDGET", min_budget)
        pairs, report = candidate_pairs(records, max_block=max_block)
        expected, reports = brute_force_pairs(records, BLOCKING_RULES, max_block)
    assert triples(pairs) == expected
    assert [
        (r["rule"], r["pairs"], r["skipped_block_count"], r["skipped_blocks"])
        for r in report["rules"]
    ] == reports
    assert [r["new_pairs"] for r in report["rules"]] == [
        sum(1 for *_, rule in expected if rule == i) for i in range(len(BLOCKING_RULES))
    ]
