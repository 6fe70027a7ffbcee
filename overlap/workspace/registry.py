"""Stable person IDs: a new grouping of records keeps the IDs people already had.

After new records are linked (or decisions, the strictness or the model
change), the records are grouped into people afresh. This module decides
which ID each new group carries:

* a group holding the records of one known person keeps that person's ID;
* a group holding records of several known people (new evidence joined
  them) keeps the ID holding most of its records (on a tie the older, lower
  ID); the others are retired, recorded as *merged* into it;
* a known person whose records now fall into several groups (a split) keeps
  their ID for the group holding most of their records; the other groups get
  new IDs, recorded as *split* from it;
* a group of new records only is a new person with a new ID.

Assignment is a greedy matching on "records in common", largest first, in
vectorised rounds (each round settles every group and ID that are each
other's best choice, the largest overlap always among them), so it scales
to a million people without a loop over records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

EVENT_COLUMNS = ["kind", "person_id", "other_ids", "records", "reason"]


@dataclass
class Assignment:
    """The stable ID of each record of the regrouped set, and what changed."""

    person_id: np.ndarray
    next_id: int
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVENT_COLUMNS))
    new_people: int = 0

    @property
    def merges(self) -> int:
        return int((self.events["kind"] == "merged").sum())

    @property
    def splits(self) -> int:
        return int((self.events["kind"] == "split").sum())


def _best(overlap: pd.DataFrame, by: str, tie: str) -> pd.Series:
    """Per ``by`` value, the index of its row with the most records (ties: lowest ``tie``)."""
    ordered = overlap.sort_values([by, "n", tie], ascending=[True, False, True], kind="stable")
    return ordered.drop_duplicates(by).set_index(by)["row"]


def _match(overlap: pd.DataFrame, n_groups: int) -> np.ndarray:
    """Which old ID each group keeps (-1: none), greedy on records in common."""
    heir = np.full(n_groups, -1, dtype=np.int64)
    rows = overlap.assign(row=np.arange(len(overlap)))
    while len(rows):
        best_old = _best(rows, "group", "old")  # each group's best old ID
        best_group = _best(rows, "old", "group")  # each old ID's best group
        mutual = np.intersect1d(best_old.to_numpy(), best_group.to_numpy())
        chosen = rows.set_index("row").loc[mutual]
        heir[chosen["group"].to_numpy()] = chosen["old"].to_numpy()
        rows = rows[
            ~rows["group"].isin(chosen["group"]).to_numpy()
            & ~rows["old"].isin(chosen["old"]).to_numpy()
        ]
    return heir


def assign_ids(
    old: np.ndarray,
    groups: np.ndarray,
    next_id: int,
    reason_merge: str = "",
    reason_split: str = "",
) -> Assignment:
    """Stable IDs for a new grouping of records.

    Args:
        old: each record's current ID (-1 for a record without one yet).
        groups: each record's new group (any integers; equal means one person).
        next_id: the first ID never given out.
        reason_merge: why people were joined, in plain words (for the history).
        reason_split: why a person was divided, in plain words.

    Returns:
        An ``Assignment``: the ID per record, the next free ID, the merge and
        split events (``kind``, ``person_id``, ``other_ids``, ``records``,
        ``reason``) and how many new people there are.
    """
    old = np.asarray(old, dtype=np.int64)
    group, first = _groups(np.asarray(groups))
    n_groups = len(first)
    known = old >= 0
    overlap = (
        pd.DataFrame({"group": group[known], "old": old[known]})
        .groupby(["group", "old"], sort=True)
        .size()
        .rename("n")
        .reset_index()
    )
    heir = _match(overlap, n_groups)
    fresh = np.flatnonzero(heir < 0)
    fresh = fresh[np.argsort(first[fresh], kind="stable")]  # new IDs in record order
    ids = heir.copy()
    ids[fresh] = next_id + np.arange(len(fresh))
    person_id = ids[group]
    events = _events(overlap, ids, heir, reason_merge, reason_split)
    has_known = np.zeros(n_groups, dtype=bool)
    has_known[overlap["group"].to_numpy()] = True
    new_people = int((~has_known[fresh]).sum())
    return Assignment(person_id, next_id + len(fresh), events, new_people)


def _groups(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Groups numbered 0..k-1 and each group's first record."""
    codes, uniques = pd.factorize(groups, sort=False)
    first = np.full(len(uniques), len(groups), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(groups)))
    return codes.astype(np.int64), first


def _events(
    overlap: pd.DataFrame, ids: np.ndarray, heir: np.ndarray, reason_merge: str, reason_split: str
) -> pd.DataFrame:
    """Merges (several old IDs' records now in one group) and splits (one old ID's in several)."""
    overlap = overlap.assign(now=ids[overlap["group"].to_numpy()])
    moved = overlap[overlap["now"] != overlap["old"]]
    kept = set(heir[heir >= 0].tolist())
    rows = []
    # an old ID no group kept is retired: merged into the ID holding most of its records
    retired = moved[~moved["old"].isin(kept)]
    if len(retired):
        home = retired.sort_values(["old", "n", "now"], ascending=[True, False, True])
        home = home.drop_duplicates("old")
        for now, absorbed in home.groupby("now", sort=True):
            olds = sorted(absorbed["old"].tolist())
            n = int(retired[retired["old"].isin(olds)]["n"].sum())
            rows.append(("merged", int(now), olds, n, reason_merge))
    # an old ID some of whose records went elsewhere: split (what went where)
    for old_id, parts in moved.groupby("old", sort=True):
        others = sorted(set(parts["now"].tolist()) - {int(old_id)})
        if old_id in kept or len(others) > 1:
            rows.append(("split", int(old_id), others, int(parts["n"].sum()), reason_split))
    frame = pd.DataFrame(rows, columns=["kind", "person_id", "other_ids", "records", "reason"])
    return frame[EVENT_COLUMNS]
