"""Is any community matched worse? Linked shares per group, with their ranges.

A coalition uses Overlap to reach people it under-serves. If the matcher
missed more pairs for one community, that community would look less shared
than it is, and the reach ranking would move away from it without anyone
noticing. When a roster carries a column about who people are (ethnicity,
language, country of birth...), this audit shows, per group, the share of
its people found in two or more rosters, with the range the count ranges
give, and flags a group whose share falls well below the others even at the
top of its range.

A low share is not proof of worse matching (a community may simply use one
programme more than another); the audit says so, and says what to do: look
at that group's pairs on the Review page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from overlap.analyse import SMALL_CELL_THRESHOLD
from overlap.headers import normalise_header

#: Header words of columns about who people are, that an audit groups by.
GROUP_WORDS = {
    "race", "ethnicity", "ethnic", "hispanic", "latino", "language", "languages", "idioma",
    "nationality", "citizenship", "origin", "raza", "etnia", "lengua", "birth country",
    "country of birth", "pais de nacimiento", "tribe", "tribal",
}  # fmt: skip
MAX_GROUPS = 20  # a column of more distinct values is not a set of communities
LOW_SHARE = 0.75  # flagged: a share below this part of everyone else's...
MIN_PEOPLE = SMALL_CELL_THRESHOLD  # ...in a group large enough to say so


@dataclass
class GroupAudit:
    """One column's audit: a row per group and the groups flagged, in plain words."""

    column: str
    table: (
        pd.DataFrame
    )  # group, people, shared, shared_low, shared_high, share, share_low, share_high
    flagged: list[str]
    overall_share: float


def audit_columns(attributes: pd.DataFrame) -> list[str]:
    """The attribute columns that say who people are, by header and by number of values."""
    found = []
    for column in attributes.columns:
        words = normalise_header(column)
        tokens = set(words.split())
        if not (tokens & GROUP_WORDS or any(p in words for p in GROUP_WORDS if " " in p)):
            continue
        values = attributes[column].astype(str).str.strip()
        distinct = values[values != ""].nunique()
        if 2 <= distinct <= MAX_GROUPS:
            found.append(column)
    return found


def audit_group(result, column: str, draws=None) -> GroupAudit:
    """The linked share per group of one column, with ranges, and the groups that fall behind.

    Args:
        result: a ``pipeline.MatchResult``.
        column: an attribute column (``audit_columns``).
        draws: ``uncertainty.draw_counts(result)`` if already made.

    Returns:
        A ``GroupAudit``; groups smaller than the small-cell threshold are left out.
    """
    from overlap.analyse import overlap_by_group_ranged
    from overlap.uncertainty import draw_counts

    draws = draw_counts(result) if draws is None else draws
    counts = overlap_by_group_ranged(result.records, column, draws, result.attributes)
    counts = counts[(counts["group"] != "(not given)") & (counts["union"] >= MIN_PEOPLE)]
    people = counts["union"].to_numpy(np.float64)
    table = pd.DataFrame(
        {
            "group": counts["group"].to_numpy(),
            "people": counts["union"].to_numpy(),
            "shared": counts["shared"].to_numpy(),
            "shared_low": counts["shared_low"].to_numpy(),
            "shared_high": counts["shared_high"].to_numpy(),
        }
    )
    table["share"] = table["shared"] / np.maximum(people, 1)
    table["share_low"] = table["shared_low"] / np.maximum(people, 1)
    table["share_high"] = table["shared_high"] / np.maximum(people, 1)
    overall = float(table["shared"].sum() / max(table["people"].sum(), 1))
    flagged = []
    for i, row in table.iterrows():  # a handful of groups, never per record
        others = table.drop(index=i)
        rest = float(others["shared"].sum() / max(others["people"].sum(), 1))
        if row["share_high"] < LOW_SHARE * rest:
            flagged.append(str(row["group"]))
    return GroupAudit(column, table.reset_index(drop=True), flagged, overall)


def audit_words(audit: GroupAudit) -> list[str]:
    """The audit in plain sentences (group labels and counts, never a person's data)."""
    lines = []
    for group in audit.flagged:
        row = audit.table[audit.table["group"] == group].iloc[0]
        lines.append(
            f"By {audit.column}: {row['share']:.0%} of the {int(row['people']):,} people in "
            f"'{group}' are found in two or more rosters (between {row['share_low']:.0%} and "
            f"{row['share_high']:.0%}), against {audit.overall_share:.0%} of everyone. Either "
            "this community uses fewer of your programmes, or its people are matched less well: "
            "check some of its pairs on the Review page."
        )
    return lines
