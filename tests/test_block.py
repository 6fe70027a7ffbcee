"""Blocking: rules as DuckDB joins, caps, and recall measured on the samples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from overlap import block
from overlap.block import BLOCKING_RULES, BlockingRule, candidate_pairs
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
