"""The model: EM recovers known m, u from random pairs, term frequencies, household guard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from overlap import compare as cmp
from overlap.compare import COMPARISONS, compare_pairs
from overlap.model import (
    FittedModel,
    _patterns,
    estimate_u,
    household_guard,
    random_pairs,
    run_em,
    score,
)
from overlap.normalise import normalise_fields


def simulate(n_pairs: int, prior: float, m: dict, u: dict, seed: int = 3):
    """Level vectors drawn from known m (matches) and u (non-matches)."""
    rng = np.random.default_rng(seed)
    is_match = rng.random(n_pairs) < prior
    columns = []
    for name in m:
        draw_m = rng.choice(len(m[name]), size=n_pairs, p=m[name])
        draw_u = rng.choice(len(u[name]), size=n_pairs, p=u[name])
        columns.append(np.where(is_match, draw_m, draw_u).astype(np.int8))
    return np.column_stack(columns), is_match


def test_em_recovers_known_m_and_match_share():
    true_m = {
        "a": np.array([0.05, 0.15, 0.80]),
        "b": np.array([0.10, 0.90]),
        "c": np.array([0.02, 0.08, 0.20, 0.70]),
        "d": np.array([0.30, 0.70]),
    }
    u = {
        "a": np.array([0.90, 0.08, 0.02]),
        "b": np.array([0.95, 0.05]),
        "c": np.array([0.85, 0.10, 0.04, 0.01]),
        "d": np.array([0.50, 0.50]),
    }
    levels, _ = simulate(200_000, 0.2, true_m, u)
    patterns, guard, counts = _patterns(levels, np.zeros(len(levels), dtype=bool))
    assert len(patterns) <= 3 * 2 * 4 * 2  # EM runs on pattern counts, not pairs
    start = {k: np.full(len(v), 1.0 / len(v)) for k, v in true_m.items()}
    start = {
        k: np.linspace(0.2, 1.0, len(v)) / np.linspace(0.2, 1.0, len(v)).sum()
        for k, v in start.items()
    }
    m, share, _ = run_em(patterns, guard, counts, list(true_m), start, u, prior=0.5, pseudo_count=0)
    assert abs(share - 0.2) < 0.01
    for name in true_m:
        assert np.abs(m[name] - true_m[name]).max() < 0.02, (name, m[name])


def test_em_ignores_missing_levels_and_guarded_patterns():
    levels = np.array([[2, -1], [2, 1], [0, 0], [0, 1]], dtype=np.int8)
    guard = np.array([False, False, False, True])
    patterns, pguard, counts = _patterns(levels, guard)
    assert counts.sum() == 4 and pguard.sum() == 1
    m0 = {"x": np.array([0.1, 0.2, 0.7]), "y": np.array([0.2, 0.8])}
    u = {"x": np.array([0.8, 0.15, 0.05]), "y": np.array([0.5, 0.5])}
    m, share, _ = run_em(patterns, pguard, counts, ["x", "y"], m0, u, pseudo_count=0)
    assert np.isclose(m["x"].sum(), 1) and np.isclose(m["y"].sum(), 1)
    assert 0 < share < 1


def names_records(n: int, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    first = rng.choice(["ann", "bob", "carla", "dmitri", "eve", "farah", "gus"], n)
    last = rng.choice(
        ["lee", "garcia", "okonkwo", "smith", "nowak"], n, p=[0.4, 0.3, 0.1, 0.1, 0.1]
    )
    days = rng.integers(0, 20000, n)
    dob = (pd.Timestamp("1940-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    fields = pd.DataFrame({"first_name": first, "last_name": last, "dob": list(dob)})
    records = normalise_fields(fields)
    records.insert(0, "programme", np.where(np.arange(n) % 2 == 0, "a", "b"))
    records.insert(0, "rid", np.arange(n))
    return records


def test_u_from_random_pairs_matches_value_frequencies():
    records = names_records(3000)
    u = estimate_u(records, n_pairs=50_000)
    for c in COMPARISONS:
        assert np.isclose(u[c.name].sum(), 1, atol=1e-6)
    # exact agreement from frequencies: last names 0.4/0.3/0.1/0.1/0.1
    expected = 0.4**2 + 0.3**2 + 3 * 0.1**2
    assert abs(u["last_name"][cmp.LAST_EXACT] - expected) < 0.02
    assert abs(u["first_name"][cmp.FIRST_EXACT] - 1 / 7) < 0.02


def test_random_pairs_are_distinct_and_ignore_row_order():
    records = names_records(400)
    pairs = random_pairs(records, 5000)
    assert (pairs["rid_a"] < pairs["rid_b"]).all()
    assert not pairs.duplicated().any()
    shuffled = records.sample(frac=1, random_state=1).reset_index(drop=True)
    shuffled["rid"] = np.arange(len(shuffled))
    again = random_pairs(shuffled, 5000)

    def contents(frame, pairs):
        key = frame["first_name"] + frame["last_name"] + frame["dob"] + frame["programme"]
        a = key.to_numpy()[pairs["rid_a"]]
        b = key.to_numpy()[pairs["rid_b"]]
        return sorted(zip(np.minimum(a, b), np.maximum(a, b), strict=True))

    assert contents(records, pairs) == contents(shuffled, again)


def test_term_frequency_makes_a_rare_exact_name_stronger_than_a_common_one():
    records = names_records(2000)
    lee = np.flatnonzero(records["last_name"] == "lee")[:2]
    okonkwo = np.flatnonzero(records["last_name"] == "okonkwo")[:2]
    pairs = pd.DataFrame({"rid_a": [lee[0], okonkwo[0]], "rid_b": [lee[1], okonkwo[1]]})
    levels = compare_pairs(records, pairs)
    m = {c.name: np.asarray(c.initial_m) / sum(c.initial_m) for c in COMPARISONS}
    model = FittedModel(prior=1e-4, m=m, u=estimate_u(records, 20_000))
    scored = score(model, records, levels)
    assert (scored["last_name_level"] == cmp.LAST_EXACT).all()
    assert scored["last_name_weight"].iloc[1] > scored["last_name_weight"].iloc[0] + 1
    assert np.allclose(
        scored["match_weight"],
        np.log2(1e-4 / (1 - 1e-4)) + scored[[f"{c.name}_weight" for c in COMPARISONS]].sum(axis=1),
    )


def _household(first_a, first_b, **shared):
    """Two records of one home: the first names given, everything else shared or per side."""
    base = {"last_name": "Huang", "street": "12 Oak St", "zip": "60608", "phone": "3125550100"}
    base.update({k: v for k, v in shared.items() if not isinstance(v, tuple)})
    a = {
        **base,
        "first_name": first_a,
        **{k: v[0] for k, v in shared.items() if isinstance(v, tuple)},
    }
    b = {
        **base,
        "first_name": first_b,
        **{k: v[1] for k, v in shared.items() if isinstance(v, tuple)},
    }
    return [a, b]


HOUSEHOLDS = {
    # name: (two records, hard guard, one person?)
    "twins": (_household("Kevin", "Jenny", dob="2007-06-29"), False, False),
    "Jr and Sr": (_household("Sergio", "Sergio", suffix=("Sr", "Jr")), True, False),
    "nickname": (_household("Robert", "Bob", dob="1970-01-05"), False, True),
    "spouses sharing an email and phone": (
        _household("Alex", "Rebecca", sex=("M", "F"), email="olivers@example.com"),
        True,
        False,
    ),
    "father and son, Jr on one side": (
        _household("Rashad", "Rashad", suffix=("Jr", ""), dob=("1998-04-02", "1971-09-30")),
        True,
        False,
    ),
    "same birthday decades apart": (
        _household("Maria", "Maria", dob=("1950-05-05", "1981-05-05")),
        True,
        False,
    ),
}


@pytest.mark.parametrize("case", list(HOUSEHOLDS))
def test_households_two_members_are_told_from_one_person(case):
    rows, guarded, one_person = HOUSEHOLDS[case]
    records = normalise_fields(pd.DataFrame(rows).fillna("").astype(str))
    records.insert(0, "programme", ["a", "b"])
    records.insert(0, "rid", np.arange(2))
    levels = compare_pairs(records, pd.DataFrame({"rid_a": [0], "rid_b": [1]}))
    assert household_guard(levels).tolist() == [guarded]
    m = {c.name: np.asarray(c.initial_m) / sum(c.initial_m) for c in COMPARISONS}
    u = {c.name: np.full(c.n_levels, 1.0 / c.n_levels) for c in COMPARISONS}
    # realistic: a random pair rarely shares a first name, and almost never a birthday
    u["first_name"] = np.array([0.9, 0.01, 0.05, 0.01, 0.01, 0.005, 0.015])
    u["dob"] = np.full(len(u["dob"]), (1 - 1e-4) / (len(u["dob"]) - 1))
    u["dob"][cmp.DOB_EXACT] = 1e-4
    scored = score(FittedModel(prior=0.01, m=m, u=u), records, levels)
    assert scored["household_guard"].tolist() == [not one_person]  # held back as a housemate
    assert bool(scored["probability"].iloc[0] > 0.5) is one_person
    if guarded:
        assert scored["probability"].iloc[0] < 1e-6


def test_jr_and_sr_are_two_people_wherever_they_live():
    """Tom Stawicz Sr and Tomasz Stawicz Jr at two addresses of one area: father and son."""

    def scored_pair(**extra):
        rows = [
            {"first_name": "Tom", "suffix": "Sr", "street": "4264 W 31st St"},
            {"first_name": "Tomasz", "suffix": "Jr", "street": "4505 W Cullerton"},
        ]
        for row in rows:
            row.update(last_name="Stawicz", zip="60623", sex="M", **extra)
        records = normalise_fields(pd.DataFrame(rows).astype(str))
        records.insert(0, "programme", ["a", "a"])
        records.insert(0, "rid", np.arange(2))
        levels = compare_pairs(records, pd.DataFrame({"rid_a": [0], "rid_b": [1]}))
        assert levels["suffix_level"].tolist() == [cmp.SUFFIX_ELSE]
        assert not household_guard(levels).any()  # no shared home
        m = {c.name: np.asarray(c.initial_m) / sum(c.initial_m) for c in COMPARISONS}
        u = {c.name: np.full(c.n_levels, 1.0 / c.n_levels) for c in COMPARISONS}
        return score(FittedModel(prior=0.5, m=m, u=u), records, levels)["probability"].iloc[0]

    assert scored_pair() < 1e-6
    # one record ID in one roster lifts the guard: the other fields decide
    assert scored_pair(record_id="A-17") > 0.01


def test_priors_across_and_inside_rosters_are_learned_apart():
    from overlap.block import candidate_pairs
    from overlap.model import fit_model

    people = names_records(600, seed=9)
    # roster b repeats half of roster a's people; no one is listed twice in a roster
    a = people.iloc[:300].assign(programme="a")
    b = pd.concat([people.iloc[:150], people.iloc[300:450]]).assign(programme="b")
    records = pd.concat([a, b], ignore_index=True)
    records["rid"] = np.arange(len(records))
    pairs, _ = candidate_pairs(records)
    model = fit_model(records, compare_pairs(records, pairs))
    expected_cross = 150 / (300 * 300)
    assert 0.5 * expected_cross < model.prior_cross < 2 * expected_cross
    assert model.prior_within < model.prior_cross / 10


def test_names_are_learned_on_pairs_sharing_a_date_of_birth_and_a_zip_code():
    """Blocking picked same-dob candidates partly by name; same dob + ZIP ones it did not."""
    from overlap.model import _dob_session

    exact, area, other = cmp.DOB_EXACT, cmp.ADDR_AREA, cmp.ADDR_ELSE
    levels = pd.DataFrame(
        {
            "dob_level": [exact, exact, exact, exact, 0] * 20,
            "address_level": [area, other, cmp.ADDR_EXACT, -1, area] * 20,
        }
    )
    names = [c.name for c in COMPARISONS]
    dob = levels["dob_level"].to_numpy()
    mask, taught = _dob_session(levels, dob, names)
    assert mask.tolist() == [True, False, True, False, False] * 20
    assert "address" not in taught and "dob" not in taught and "first_name" in taught
    # without addresses (or too few of them) every pair sharing a date of birth teaches
    mask, taught = _dob_session(levels.assign(address_level=-1), dob, names)
    assert mask.tolist() == (dob == exact).tolist() and "address" in taught
    few = levels.assign(address_level=[area, -1, -1, -1, area] * 20)
    mask, taught = _dob_session(few, dob, names)
    assert mask.tolist() == (dob == exact).tolist()
