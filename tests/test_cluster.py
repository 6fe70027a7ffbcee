"""Clustering: components, the same-roster guard, user decisions, order independence."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.cluster import cluster_records, connected_components
from overlap.normalise import normalise_fields
from overlap.pipeline import match_rosters


def links(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["rid_a", "rid_b", "probability"])


def partition(labels) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, label in enumerate(np.asarray(labels).tolist()):
        groups.setdefault(label, set()).add(i)
    return {frozenset(g) for g in groups.values()}


def reference_components(n: int, edges: list[tuple[int, int]]) -> set[frozenset[int]]:
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    return partition([find(i) for i in range(n)])


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80),
        )
    )
)
def test_connected_components_agree_with_union_find(case):
    n, edges = case
    a = np.array([e[0] for e in edges], dtype=np.int64)
    b = np.array([e[1] for e in edges], dtype=np.int64)
    labels = connected_components(n, a, b)
    assert partition(labels) == reference_components(n, edges)
    # the label is the smallest member
    for group in partition(labels):
        assert {int(labels[i]) for i in group} == {min(group)}


def test_threshold_and_person_ids_numbered_by_first_record():
    pid = cluster_records(5, links([(3, 4, 0.9), (0, 2, 0.4)]), threshold=0.5)
    assert pid.tolist() == [0, 1, 2, 3, 3]
    pid = cluster_records(5, links([(3, 4, 0.9), (0, 2, 0.4)]), threshold=0.3)
    assert partition(pid) == partition([0, 1, 0, 2, 2])


def test_same_roster_records_need_their_own_link_to_join():
    # A1 and A2 are in roster 0, B1 in roster 1: A1-B1 and B1-A2 link, A1-A2 do not
    codes = np.array([0, 1, 0])
    chain = links([(0, 1, 0.95), (1, 2, 0.9)])
    pid = cluster_records(3, chain, 0.5, programme_codes=codes)
    assert partition(pid) == {frozenset({0, 1}), frozenset({2})}
    # plain components would chain them
    assert partition(cluster_records(3, chain, 0.5)) == {frozenset({0, 1, 2})}
    # a direct link above 0.5 between A1 and A2 lets them join
    direct = links([(0, 1, 0.95), (1, 2, 0.9), (0, 2, 0.6)])
    assert partition(cluster_records(3, direct, 0.5, programme_codes=codes)) == {
        frozenset({0, 1, 2})
    }
    # the strongest link wins the contested record
    other = links([(0, 1, 0.7), (1, 2, 0.99)])
    assert partition(cluster_records(3, other, 0.5, programme_codes=codes)) == {
        frozenset({1, 2}),
        frozenset({0}),
    }


def test_decisions_override_the_model():
    base = links([(0, 1, 0.9), (1, 2, 0.9), (3, 4, 0.1)])
    decisions = pd.DataFrame({"rid_a": [3, 0], "rid_b": [4, 2], "decision": ["same", "different"]})
    pid = cluster_records(5, base, 0.5, decisions)
    groups = partition(pid)
    assert frozenset({3, 4}) in groups  # forced together
    assert pid[0] != pid[2]  # kept apart even though a chain joins them
    assert pid[1] in (pid[0], pid[2])
    # "different" on a direct link removes it
    apart = cluster_records(2, links([(0, 1, 0.99)]), 0.5, decisions.iloc[[1]].assign(rid_b=1))
    assert apart[0] != apart[1]


def roster_records(seed: int = 11) -> pd.DataFrame:
    """Three small rosters of the same invented people, with typos and duplicates."""
    rng = np.random.default_rng(seed)
    first = ["maria", "jose", "ann", "robert", "li", "fatima", "sergio", "keisha", "tomasz", "mei"]
    last = ["garcia", "lee", "nowak", "okafor", "chen", "saleh", "gonzalez", "johnson"]
    people = pd.DataFrame(
        {
            "pid": np.arange(120),
            "first_name": rng.choice(first, 120),
            "last_name": rng.choice(last, 120),
            "dob": (
                pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 20000, 120), unit="D")
            ).strftime("%Y-%m-%d"),
            "zip": rng.choice(["60601", "60608", "60629"], 120),
        }
    )
    people["street"] = [f"{n} Main St" for n in rng.integers(1, 5000, 120)]
    frames = []
    for k, name in enumerate(["church", "clinic", "jobs"]):
        sub = people.sample(frac=0.6, random_state=k).copy()
        sub = pd.concat([sub, sub.sample(5, random_state=10 + k)])  # duplicates in a roster
        typo = rng.random(len(sub)) < 0.2
        sub.loc[typo, "first_name"] = sub.loc[typo, "first_name"].str[:-1] + "x"
        sub["programme"] = name
        frames.append(sub)
    raw = pd.concat(frames, ignore_index=True)
    records = normalise_fields(raw[["first_name", "last_name", "dob", "zip", "street"]].astype(str))
    records.insert(0, "programme", raw["programme"].to_numpy())
    records.insert(1, "row", raw.groupby("programme").cumcount().to_numpy() + 1)
    return records


def content_partition(records: pd.DataFrame, person_id: np.ndarray) -> list:
    """Persons as sorted lists of record contents (exact duplicates are interchangeable)."""
    columns = [c for c in records.columns if c not in ("rid", "row", "person_id")]
    content = records[columns].astype(str).agg("|".join, axis=1).to_numpy()
    groups: dict[int, list[str]] = {}
    for text, pid in zip(content.tolist(), np.asarray(person_id).tolist(), strict=True):
        groups.setdefault(pid, []).append(text)
    return sorted(sorted(g) for g in groups.values())


def test_same_persons_whatever_the_order_of_rows_and_files():
    records = roster_records()
    first = match_rosters(records)
    people = first.records["person_id"].nunique()
    assert 50 < people < len(records)
    expected = content_partition(records, first.records["person_id"].to_numpy())
    for seed in (1, 2):
        shuffled = records.sample(frac=1, random_state=seed)
        # files in another order too: the jobs roster first
        order = {"jobs": 0, "church": 1, "clinic": 2}
        shuffled = shuffled.iloc[
            np.argsort(shuffled["programme"].map(order).to_numpy(), kind="stable")
        ]
        shuffled = shuffled.assign(row=shuffled.groupby("programme").cumcount() + 1)
        shuffled = shuffled.reset_index(drop=True)
        again = match_rosters(shuffled)
        assert content_partition(shuffled, again.records["person_id"].to_numpy()) == expected
