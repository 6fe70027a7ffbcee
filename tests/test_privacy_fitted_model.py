"""The pair model fitted on the encodings themselves (overlap.privacy.fitted_model)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap import privacy
from overlap.privacy import fitted_model as fm

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SECRET = b"a secret for the fitted model tests"
FILES = (
    "st_agnes_parish_members.csv",
    "vita_tax_clinic_clients.xlsx",
    "job_placement_participants.csv",
    "employer_new_hires.csv",
)


@pytest.fixture(scope="module")
def sample_encodings():
    """Two sample rosters encoded as `overlap encode` does, their key maps, and the truth."""
    truth = pd.read_csv(ROOT / "data" / "truth" / "samples_truth.csv", dtype=str)
    truth["file"] = truth["file"].map(lambda f: Path(f).stem)
    encoded, keys = [], {}
    for name in FILES:
        enc, key, _ = privacy.encode_file(SAMPLES / name, SECRET, name=Path(name).stem)
        encoded.append(enc)
        keys[enc.name] = key.frame
    return encoded, keys, truth


def _true_ids(result, keys, truth) -> pd.Series:
    """The true person of each encoded record (through its owner's key map)."""
    out = pd.Series("", index=result.records.index, dtype=object)
    for programme, key in keys.items():
        mine = result.records["programme"] == programme
        rows = key.set_index("id")["row"].loc[result.records.loc[mine, "row"]].to_numpy()
        own = truth[truth["file"] == programme]
        own = own.set_index(own["row"].astype(int))
        out[mine] = own["person_id"].loc[rows].to_numpy()
    return out


def _shared(person: pd.Series, programme: pd.Series) -> dict[tuple[str, str], int]:
    """People each pair of programmes both serve."""
    sets = {g: set(person[programme == g]) for g in dict.fromkeys(programme)}
    names = list(sets)
    return {(a, b): len(sets[a] & sets[b]) for i, a in enumerate(names) for b in names[i + 1 :]}


def test_fitted_model_is_fitted_and_counts_the_shared_people(sample_encodings):
    encoded, keys, truth = sample_encodings
    result = privacy.match_encoded(encoded, pair_model="fitted")
    compare = next(s for s in result.stats if s["stage"] == "compare")
    assert compare["pair_model"] == "fitted on these encodings"
    assert 0 < compare["prior_cross"] < 0.01 and compare["teaching_pairs"]["names"] >= 30
    true = _true_ids(result, keys, truth)
    programme = result.records["programme"]
    true_shared = _shared(true, programme)
    found = _shared(result.records["person_id"], programme)
    error = sum(abs(found[k] - n) for k, n in true_shared.items()) / sum(true_shared.values())
    assert error <= 0.035
    # the people found shared are nearly all truly one person
    records = result.records.assign(true=true.to_numpy())
    cross = records.groupby("person_id").filter(lambda g: g["programme"].nunique() > 1)
    wrong = (cross.groupby("person_id")["true"].nunique() > 1).sum()
    assert wrong <= 0.02 * cross["person_id"].nunique()


def test_fitted_result_does_not_depend_on_the_order_of_the_files(sample_encodings):
    encoded, keys, truth = sample_encodings
    forward = privacy.match_encoded(encoded, pair_model="fitted")
    backward = privacy.match_encoded(encoded[::-1], pair_model="fitted")

    def partition(result):
        ids = result.records.set_index(["programme", "row"])["person_id"]
        return set(ids.groupby(ids).apply(lambda g: frozenset(g.index)).to_list())

    assert partition(forward) == partition(backward)


def test_too_few_pairs_keep_the_shipped_model(sample_encodings):
    encoded, _, _ = sample_encodings
    # 20 records make at most 190 pairs: fewer than the fit needs
    small = [
        privacy.EncodedRoster(e.name, e.frame.head(10).reset_index(drop=True), e.params)
        for e in encoded[:2]
    ]
    result = privacy.match_encoded(small, pair_model="fitted")
    compare = next(s for s in result.stats if s["stage"] == "compare")
    assert compare["pair_model"] == "shipped"
    shipped = privacy.match_encoded(small, pair_model="shipped")
    assert result.pairs["probability"].equals(shipped.pairs["probability"])


def test_the_shipped_model_stays_the_default(sample_encodings):
    encoded, _, _ = sample_encodings
    result = privacy.match_encoded(encoded)
    assert next(s for s in result.stats if s["stage"] == "compare")["pair_model"] == "shipped"


def test_unknown_pair_model_is_refused(sample_encodings):
    encoded, _, _ = sample_encodings
    with pytest.raises(ValueError, match="pair_model"):
        privacy.match_encoded(encoded, pair_model="labelled")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=-1, max_value=40), min_size=3, max_size=3),
        min_size=0,
        max_size=60,
    )
)
def test_count_patterns_equals_counting_the_rows(rows):
    levels = np.array(rows, dtype=np.int8).reshape(-1, 3)
    patterns, counts = fm.count_patterns(levels)
    expected = Counter(tuple(int(v) for v in row) for row in levels)
    assert {tuple(int(v) for v in p): int(c) for p, c in zip(patterns, counts, strict=True)} == expected
    assert list(map(tuple, patterns)) == sorted(map(tuple, patterns))


def test_a_name_only_the_pair_carries_is_rarer_than_a_shared_one():
    # records 0-1 share a name no one else has; records 2-5 all carry another name
    key = np.array([0, 0, 1, 1, 1, 1, -1])
    codes = {k: np.full(7, -1) for k in fm.KEYS_READ}
    codes["first_last_sound"] = key
    freq = fm.name_frequencies(codes, np.array([0, 2, 0, 6]), np.array([1, 3, 2, 0]))
    assert freq[0] == 0.0  # only the pair itself: as rare as can be
    assert freq[1] == pytest.approx(2 / 6)  # two other records carry it
    assert np.isnan(freq[2]) and np.isnan(freq[3])  # names differ / one is missing


def test_levels_of_equal_encodings_are_the_best_and_of_empty_segments_missing():
    n = 2
    dice = {seg: np.array([1.0, 0.0]) for seg in ("names", "dob", "contact")}
    present = {
        "names": np.array([True, True]),
        "dob": np.array([True, False]),
        "contact": np.array([True, False]),
    }
    codes = {k: np.array([0, 0, 1, 2]) for k in fm.KEYS_READ}
    levels = fm.comparison_levels(dice, present, codes, np.array([0, 2]), np.array([1, 3]))
    assert levels.shape == (n, len(fm.COMPARISONS))
    assert list(levels[0]) == [0, 0, 0, 0, 0, 0]  # same everything
    names, dob, contact = levels[1, :3]
    assert names == len(fm.NAMES_EDGES) * len(fm.FIRST_STATES) + len(fm.FIRST_STATES) - 1
    assert dob == -1 and contact == -1
    assert list(levels[1, 3:]) == [2, 1, 1]  # SSN, phone, email differ


def test_members_of_one_home_are_never_taken_to_agree_less_than_the_floor():
    u = np.full(len(fm.DOB_LEVELS), 1e-6)
    u[-1] = 1.0
    floored = fm._member_floor("dob", u / u.sum())
    assert floored[0] == pytest.approx(fm.MEMBERS_AGREE["dob"])
    assert floored.sum() == pytest.approx(1.0)
