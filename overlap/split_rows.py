"""Rows that name two people: "Smith, John & Mary", "John and Mary Smith", "Maria Lopez y Jose Lopez".

A congregation or a food bank often keeps one row per household or couple.
Left whole, the second person disappears from every count; so such a row
becomes two records with the same row number and ``part`` 1 and 2. What is
written once for both (the address, the phone, the email) goes to both; what
belongs to one person (date of birth, sex, social security number, record ID,
middle name, suffix) stays with the first, whose it most likely is.

A name is split only when both halves are names: one given name joined to a
full name ("John and Mary Smith": Smith is both surnames), two full names,
or "Last, First & First". "José Ortega y Gasset" (a compound surname) and
"Johnson & Johnson" style one-word halves are left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where they run: the patterns are read where neither exists
    import numpy as np  # (the encoder in a partner's browser, overlap.privacy.plain_roster)
    import pandas as pd

# "and" in a few languages; the one-letter ones (Spanish y, Portuguese e) look like a middle
# initial, so they join only two whole names ("Maria Lopez y Jose Lopez")
_AND = r"(?:&|\+|and|und|et)"
_AND_OR_LETTER = r"(?:&|\+|and|und|et|y|e)"
_COMMA_FORM = rf"^\s*(?P<last>[^,&+]+?)\s*,\s*(?P<f1>[^,]+?)\s+{_AND}\s+(?P<f2>[^,]+?)\s*$"
_PLAIN_FORM = rf"^\s*(?P<left>[^,]+?)\s+(?P<word>{_AND_OR_LETTER})\s+(?P<right>[^,]+?)\s*$"
_FIRST_FORM = rf"^\s*(?P<f1>\S+(?:\s\S+)?)\s+{_AND}\s+(?P<f2>\S+(?:\s\S+)?)\s*$"
#: what belongs to one person and stays with the first person of a shared row
PERSONAL = ("dob", "sex", "ssn", "record_id", "middle_name", "suffix", *(
    "birth_year", "birth_month", "birth_day"))  # fmt: skip


def _words(series: pd.Series) -> pd.Series:
    return series.str.split().str.len().fillna(0)


def _extract(names: pd.Series, pattern: str) -> pd.DataFrame:
    """Named groups of a case-blind match, "" where the row does not match."""
    found = names.astype("str").str.extract(pattern, flags=2)  # re.IGNORECASE
    return found.fillna("").astype("str")


def _split_full(names: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(first person's name, second person's name) per row; "" where the row names one."""
    import pandas as pd

    one = pd.Series("", index=names.index, dtype="str")
    two = pd.Series("", index=names.index, dtype="str")
    comma = _extract(names, _COMMA_FORM)
    ok = (comma["last"] != "") & (_words(comma["f1"]) <= 2) & (_words(comma["f2"]) <= 2)
    one[ok] = comma["last"][ok] + ", " + comma["f1"][ok]
    two[ok] = comma["last"][ok] + ", " + comma["f2"][ok]
    plain = _extract(names, _PLAIN_FORM)
    left_words, right_words = _words(plain["left"]), _words(plain["right"])
    letter = plain["word"].str.len() == 1
    found = plain["left"] != ""
    given_and_full = found & (left_words == 1) & (right_words >= 2) & ~ok & ~letter
    surname = plain["right"].str.replace(r"^\S+\s*", "", regex=True)
    one[given_and_full] = plain["left"][given_and_full] + " " + surname[given_and_full]
    two[given_and_full] = plain["right"][given_and_full]
    both_full = found & (left_words >= 2) & (right_words >= 2) & ~ok
    one[both_full] = plain["left"][both_full]
    two[both_full] = plain["right"][both_full]
    return one, two


def _split_first(firsts: pd.Series, lasts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Two given names in the first-name column beside one surname: "John & Mary" / "Smith"."""
    import pandas as pd

    one = pd.Series("", index=firsts.index, dtype="str")
    two = pd.Series("", index=firsts.index, dtype="str")
    found = _extract(firsts, _FIRST_FORM)
    ok = (found["f1"] != "") & (lasts.str.strip() != "")
    one[ok], two[ok] = found["f1"][ok], found["f2"][ok]
    return one, two


def split_shared_rows(fields: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Each row that names two people as two records.

    Args:
        fields: a mapped roster's canonical fields (``MappedRoster.fields``), raw strings.

    Returns:
        ``(fields, source, part)``: the records (shared rows twice, in place),
        each record's position in the given rows, and its part (1 or 2; 0 for
        a row naming one person).
    """
    import numpy as np
    import pandas as pd

    n = len(fields)
    empty = pd.Series("", index=fields.index, dtype="str")
    full = fields["full_name"].astype("str") if "full_name" in fields else empty
    first = fields["first_name"].astype("str") if "first_name" in fields else empty
    last = fields["last_name"].astype("str") if "last_name" in fields else empty
    joined = rf"\s{_AND_OR_LETTER}\s"
    flagged = full.str.contains(joined, case=False, regex=True) | first.str.contains(
        joined, case=False, regex=True
    )
    if not flagged.any():
        return fields, np.arange(n), np.zeros(n, dtype=np.int8)
    candidates = np.flatnonzero(flagged.to_numpy())
    f1, f2 = _split_full(full.iloc[candidates])
    g1, g2 = _split_first(first.iloc[candidates], last.iloc[candidates])
    by_full, by_first = (f2 != "").to_numpy(), (g2 != "").to_numpy() & (f2 == "").to_numpy()
    shared = candidates[by_full | by_first]
    if len(shared) == 0:
        return fields, np.arange(n), np.zeros(n, dtype=np.int8)
    source = np.sort(np.concatenate([np.arange(n), shared]))
    second = np.zeros(len(source), dtype=bool)
    second[1:] = source[1:] == source[:-1]
    out = fields.iloc[source].reset_index(drop=True)
    part = np.zeros(len(source), dtype=np.int8)
    is_shared = np.isin(source, shared)
    part[is_shared] = np.where(second[is_shared], 2, 1)
    _write_names(out, source, second, candidates, (f1, f2, by_full), (g1, g2, by_first))
    for column in PERSONAL:
        if column in out:
            out.loc[second, column] = ""
    return out, source, part


def _write_names(out, source, second, candidates, full_split, first_split) -> None:
    """Put each person's own name into the records of the shared rows."""
    import numpy as np

    for column, (one, two, chosen) in (("full_name", full_split), ("first_name", first_split)):
        rows = candidates[chosen]  # sorted, as candidates are
        if len(rows) == 0:
            continue
        picks = np.searchsorted(candidates, rows)
        firsts = np.flatnonzero(np.isin(source, rows) & ~second)
        seconds = np.flatnonzero(np.isin(source, rows) & second)
        out.loc[firsts, column] = one.iloc[picks].to_numpy()
        out.loc[seconds, column] = two.iloc[picks].to_numpy()


def rows_naming_two(mapped) -> list[int]:
    """The 1-based rows of a mapped roster that name two people (for the user to see)."""
    if mapped.parts is None:
        return []
    return sorted(set(mapped.rows[mapped.parts == 2].tolist()))


def describe_rows_naming_two(rows: list[int]) -> str:
    """One sentence saying which rows name two people, or "" when none does."""
    if not rows:
        return ""
    listed = ", ".join(str(r) for r in rows[:10])
    if len(rows) > 10:
        listed += f" and {len(rows) - 10:,} more"
    return (
        f"{len(rows):,} row(s) name two people (row {listed}); each is matched as two "
        "people, with the same row number and part 1 and 2."
    )
