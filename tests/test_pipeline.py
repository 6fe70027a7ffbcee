"""The whole match on the samples (accuracy floors), the result contract and edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from overlap.errors import MappingError, OverlapError
from overlap.pipeline import MatchResult, match_files, match_rosters, recluster

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TRUTH = ROOT / "data" / "truth" / "samples_truth.csv"


def pair_keys(labels: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"label": labels, "i": np.arange(len(labels))})
    pairs = frame.merge(frame, on="label")
    return pairs[pairs["i_x"] < pairs["i_y"]][["i_x", "i_y"]]


def f1(true_pairs: set, predicted: set) -> tuple[float, float, float]:
    hit = len(true_pairs & predicted)
    precision = hit / max(len(predicted), 1)
    recall = hit / max(len(true_pairs), 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-12)


@pytest.fixture(scope="module")
def samples_match() -> tuple[MatchResult, np.ndarray, list]:
    if not TRUTH.exists():
        pytest.skip("samples not generated")
    truth = pd.read_csv(TRUTH, dtype=str, keep_default_na=False)
    files = [SAMPLES / name for name in dict.fromkeys(truth["file"])]
    progress = []
    result = match_files(files, progress=lambda stage, info: progress.append((stage, info)))
    truth["programme"] = truth["file"].map(lambda f: Path(f).stem)
    truth["row"] = truth["row"].astype(int)
    merged = result.records[["programme", "row"]].merge(truth, on=["programme", "row"], how="left")
    return result, merged["person_id"].to_numpy(), progress


def test_accuracy_on_the_samples(samples_match):
    result, true_person, _ = samples_match
    programme = result.records["programme"].to_numpy()
    truth = pair_keys(true_person)
    predicted = pair_keys(result.records["person_id"].to_numpy())
    scores = {}
    for kind in ("cross", "within"):

        def keep(pairs, kind=kind):
            cross = programme[pairs["i_x"]] != programme[pairs["i_y"]]
            chosen = pairs[cross if kind == "cross" else ~cross]
            return set(zip(chosen["i_x"].tolist(), chosen["i_y"].tolist(), strict=True))

        scores[kind] = f1(keep(truth), keep(predicted))
    everything = f1(
        set(zip(truth["i_x"].tolist(), truth["i_y"].tolist(), strict=True)),
        set(zip(predicted["i_x"].tolist(), predicted["i_y"].tolist(), strict=True)),
    )
    # measured (Nov 2026): all 0.985, cross 0.989, within 0.965
    assert everything[2] >= 0.975, everything
    assert scores["cross"][2] >= 0.98, scores
    assert scores["within"][2] >= 0.94, scores
    # shared people per pair of programmes within 3% of the truth
    names = list(dict.fromkeys(programme))
    for i, a in enumerate(names):
        for b in names[i + 1 :]:

            def shared(labels, a=a, b=b):
                return len(set(labels[programme == a]) & set(labels[programme == b]))

            true_shared = shared(true_person)
            got = shared(result.records["person_id"].to_numpy())
            assert abs(got - true_shared) <= max(0.03 * true_shared, 2), (a, b, got, true_shared)


def test_result_contract_and_progress_without_personal_data(samples_match):
    result, _, progress = samples_match
    records = result.records
    assert records["rid"].tolist() == list(range(len(records)))
    for column in ["programme", "row", "person_id", "first_name", "last_name", "dob", "zip"]:
        assert column in records.columns
    assert len(result.attributes) == len(records)
    pairs = result.pairs
    assert (pairs["rid_a"] < pairs["rid_b"]).all()
    for c in result.comparisons:
        assert pairs[f"{c.name}_level"].dtype == np.int8
        assert f"{c.name}_weight" in pairs.columns
    assert pairs["probability"].between(0, 1).all()
    assert (result.links["probability"] >= result.threshold).all()
    stages = [stage for stage, _ in progress]
    assert stages == ["read", "normalise", "block", "compare", "model", "score", "cluster"]
    text = json.dumps([info for _, info in progress]) + json.dumps(result.stats)
    some_names = records["last_name"][records["last_name"].str.len() > 3].unique()[:200]
    assert not any(name in text for name in some_names)


def test_recluster_is_consistent_and_obeys_decisions(samples_match):
    result, _, _ = samples_match
    same = recluster(result, result.threshold)
    assert (same.records["person_id"] == result.records["person_id"]).all()
    strict = recluster(result, 0.99)
    assert strict.records["person_id"].nunique() >= result.records["person_id"].nunique()
    assert strict.scored_pairs is result.scored_pairs  # no re-scoring
    # a user decision joins two records the model keeps apart
    records = result.records
    apart = records.drop_duplicates("person_id").iloc[:2]
    decisions = pd.DataFrame(
        {
            "programme_a": [apart["programme"].iloc[0]],
            "row_a": [apart["row"].iloc[0]],
            "programme_b": [apart["programme"].iloc[1]],
            "row_b": [apart["row"].iloc[1]],
            "decision": ["same"],
        }
    )
    joined = recluster(result, result.threshold, decisions)
    pid = joined.records["person_id"].to_numpy()
    assert pid[apart.index[0]] == pid[apart.index[1]]
    assert joined.records["person_id"].nunique() == result.records["person_id"].nunique() - 1


ROSTER = """First Name,Last Name,DOB,Address,ZIP,Phone
Maria,Garcia,03/14/1980,12 Oak St,60608,312-555-0100
Robert,Nowak,1975-01-02,4 Pine Ave,60601,312-555-0199
Keisha,Johnson,07/04/1990,88 Elm St,60629,773-555-0142
Li,Chen,11/30/1965,5 Lake Dr,60616,
"""


def test_identical_uploads_match_fully(tmp_path):
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    a.write_text(ROSTER)
    b.write_text(ROSTER)
    with pytest.raises(OverlapError, match="very same"):
        match_files([a, b])
    result = match_files([a, b], allow_same=True)
    records = result.records
    assert records["person_id"].nunique() == 4
    assert (records.groupby("person_id")["programme"].nunique() == 2).all()


def test_one_row_rosters(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("Name,DOB\nMaria Garcia,1980-03-14\n")
    other = tmp_path / "other.csv"
    other.write_text("Name,DOB\nGarcia Maria,1980-03-14\n")
    result = match_files([one], names=["Solo"])
    assert result.records["person_id"].tolist() == [0]
    assert result.programmes == ["Solo"]
    both = match_files([one, other])
    assert len(both.records) == 2


def test_roster_without_names_is_refused(tmp_path):
    nameless = tmp_path / "nameless.csv"
    nameless.write_text("DOB,ZIP\n1980-03-14,60608\n1975-01-02,60601\n")
    with pytest.raises(MappingError):
        match_files([nameless])


def test_bad_threshold_and_empty_input():
    with pytest.raises(OverlapError):
        match_rosters(pd.DataFrame({"programme": ["a"], "row": [1]}), threshold=1.5)
    with pytest.raises(OverlapError):
        match_rosters([])
