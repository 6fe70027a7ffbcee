"""Columns several rosters share that tell people apart: more evidence for the matcher.

Rosters from different systems often carry a column Overlap has no field for
(an occupation, a Medicaid or client number two agencies both record, an
age, a language): when such a column appears in two or more rosters and its
values say something about the person, it becomes a comparison of its own
(same, alike, different, missing), weighted by the same unsupervised model,
with term frequencies. Chosen from headers and values, never from one
dataset's names, and explained in the mapping:

- the column must describe the person, not the programme (an intake date, a
  tax year, member since, an employer, notes) nor someone else (an emergency
  contact), and must not repeat a name column;
- its values must vary (not one value everywhere), must not be free text
  (long notes), must coincide between rosters (two systems' own numbering
  never does) and must not be a running count (1, 2, 3, ...);
- sensitive categories (race, ethnicity, religion) are never evidence: they
  stay attributes a programme manager can audit by.

Mapping values are ``evidence:KIND:KEY`` (kind ``category``, ``code`` or
``number``); the user can switch a column off (``--map FILE:COLUMN=attribute``)
or on (``--map FILE:COLUMN=evidence``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from overlap.fields import Comparison
from overlap.headers import _OWN_PREFIXES, _SOMEONE_ELSE, normalise_header

EVIDENCE = "evidence"
PREFIX = "ev_"  # records column of an evidence field: ev_<kind>_<key>
KINDS = ("category", "code", "number")

# Header words of columns about the programme or the record, not the person.
_PROGRAMME_WORDS = {
    "date", "year", "yr", "since", "intake", "visit", "visits", "employer", "notes", "note",
    "comment", "comments", "status", "program", "programme", "service", "services", "amount",
    "wage", "wages", "income", "salary", "balance", "relationship", "relation", "household",
    "hh", "survey", "form", "tax", "event", "created", "updated", "modified", "source", "batch",
    "enrolled", "enrollment", "enrolment", "referral", "referred", "staff", "worker", "site",
    "office", "location", "branch", "housing", "type", "count", "total", "score", "level",
    "group", "team", "class", "cohort", "season", "period", "quarter", "month", "week", "day",
    "time", "timestamp", "start", "end", "due", "paid", "payment", "fee", "cost", "attended",
    "attendance", "consent", "flag", "sector", "category", "region", "district", "ward",
    "tract", "county", "country code", "row", "line", "index", "seq", "sequence", "uuid",
    "guid", "hash", "version", "filing", "filer", "return", "dependents", "dependent",
}  # fmt: skip
_NAME_WORDS = {"name", "names", "surname", "forename", "first", "last", "middle", "initial"}
_SENSITIVE_WORDS = {"race", "ethnicity", "ethnic", "religion", "religious", "faith", "caste"}
_NOT_WORD = re.compile(r"[^a-z0-9]+")

SAMPLE = 5000  # values looked at per column
MIN_DISTINCT = 2
MAX_TOP_SHARE = 0.9  # one value in more than this share of rows: nothing to tell apart
MAX_WORDS = 5  # more words than this on average: free text
MIN_SHARED = 0.02  # share of one roster's values found in the other's, at the least


@dataclass(frozen=True)
class EvidenceChoice:
    """One roster column chosen (or refused) as evidence, and why, in plain words."""

    raw: str
    target: str | None  # "evidence:KIND:KEY", or None when refused
    reason: str


def column_key(raw: str) -> str:
    """The words a column is known by across rosters ('Client_Occupation' -> 'occupation')."""
    words = normalise_header(raw)
    for prefix in sorted(_OWN_PREFIXES, key=len, reverse=True):
        if words.startswith(prefix + " ") and len(words) > len(prefix) + 1:
            words = words[len(prefix) + 1 :]
            break
    return words


def _header_refusal(key: str) -> str | None:
    tokens = set(key.split())
    if not tokens:
        return "its header says nothing"
    if tokens & _SENSITIVE_WORDS:
        return "a sensitive category is never used to match people (kept to audit by)"
    if tokens & _NAME_WORDS:
        return "it repeats a name column"
    if tokens & _SOMEONE_ELSE:
        return "it is about someone else"
    if tokens & _PROGRAMME_WORDS:
        return "it describes the programme or the record, not the person"
    return None


def _clean(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip().str.lower()
    return text[text != ""]


def _sample(values: pd.Series) -> pd.Series:
    filled = _clean(values)
    step = max(1, len(filled) // SAMPLE)
    return filled.iloc[::step]


def _kind(sample: pd.Series) -> str:
    """category, code or number, from what the values look like."""
    numbers = pd.to_numeric(sample, errors="coerce")
    if numbers.notna().mean() >= 0.9 and (numbers.dropna().abs() < 1000).mean() >= 0.9:
        return "number"
    compact = sample.str.fullmatch(r"[a-z0-9\-/.]+")
    digits = sample.str.contains(r"[0-9]")
    if compact.mean() >= 0.9 and digits.mean() >= 0.5 and sample.nunique() >= 0.5 * len(sample):
        return "code"
    return "category"


def _value_refusal(samples: list[pd.Series], kind: str) -> str | None:
    for sample in samples:
        if sample.nunique() < MIN_DISTINCT:
            return "it holds the same value everywhere"
        if sample.value_counts(normalize=True).iloc[0] > MAX_TOP_SHARE:
            return "nearly every row holds the same value"
        if sample.str.split().str.len().mean() > MAX_WORDS:
            return "it holds free text, not something that tells people apart"
        if kind in ("code", "number") and _running_count(sample):
            return "it looks like each roster's own numbering (1, 2, 3 ...)"
    sets = [set(_normalise(s, kind)) for s in samples]
    shared = max(
        len(a & b) / max(1, min(len(a), len(b))) for i, a in enumerate(sets) for b in sets[i + 1 :]
    )
    if shared < MIN_SHARED:
        return "its values never coincide between rosters (each system's own codes)"
    return None


def _running_count(sample: pd.Series) -> bool:
    numbers = pd.to_numeric(sample, errors="coerce").dropna()
    if len(numbers) < 20 or len(numbers) < 0.9 * len(sample):
        return False
    distinct = np.unique(numbers.to_numpy())
    span = distinct.max() - distinct.min() + 1
    return len(distinct) > 0.5 * len(sample) and span <= 2 * len(distinct)


def _normalise(values: pd.Series, kind: str) -> pd.Series:
    if kind == "number":
        numbers = pd.to_numeric(values, errors="coerce")
        return numbers.dropna().round().astype(np.int64).astype(str)
    if kind == "code":
        return values.str.replace(r"[^a-z0-9]", "", regex=True).str.upper()
    return values.str.replace(_NOT_WORD, " ", regex=True).str.split().str.join(" ")


def choose(
    rosters: Sequence[tuple[str, pd.DataFrame, dict[str, str]]],
) -> dict[str, list[EvidenceChoice]]:
    """Columns two or more rosters share that become evidence, per roster.

    Args:
        rosters: (programme, frame, mapping) of each roster. Only columns the
            mapping leaves unmapped are candidates; one it maps to
            ``evidence`` is taken whatever the checks say (the user's choice),
            one it maps to ``attribute`` or ``ignore`` never.

    Returns:
        Per programme, the shared columns with their target (None: refused) and reason.
    """
    by_key: dict[str, list[tuple[str, str, pd.Series, bool]]] = {}
    for name, frame, mapping in rosters:
        for raw in frame.columns:
            if mapping.get(raw) not in (None, EVIDENCE):
                continue
            forced = mapping.get(raw) == EVIDENCE
            by_key.setdefault(column_key(raw), []).append((name, raw, frame[raw], forced))
    out: dict[str, list[EvidenceChoice]] = {}
    for key, columns in by_key.items():
        programmes = sorted({c[0] for c in columns})
        forced = any(c[3] for c in columns)
        if len(programmes) < 2 and not forced:
            continue
        samples = [_sample(c[2]) for c in columns]
        kind = _kind(pd.concat(samples, ignore_index=True))
        refusal = None
        if not forced:
            refusal = _header_refusal(key) or _value_refusal(samples, kind)
        where = ", ".join(programmes)
        for name, raw, _, _ in columns:
            if refusal:
                choice = EvidenceChoice(raw, None, f"shared with {where}, but {refusal}")
            else:
                reason = f"appears in {where} and tells people apart: compared as a {kind}"
                choice = EvidenceChoice(raw, f"{EVIDENCE}:{kind}:{key}", reason)
            out.setdefault(name, []).append(choice)
    return out


def apply_choices(mapping: dict[str, str], evidence: dict[str, str], choices) -> None:
    """Put a roster's evidence choices into its mapping and the reasons beside them."""
    for choice in choices:
        evidence[choice.raw] = choice.reason
        if choice.target is not None:
            mapping[choice.raw] = choice.target
        elif mapping.get(choice.raw) == EVIDENCE:
            del mapping[choice.raw]


def share_evidence(programmes: Sequence[str], frames: Sequence[pd.DataFrame], guesses) -> None:
    """Choose the evidence columns of rosters matched together, into their mapping guesses."""
    choices = choose(
        [(n, f, g.mapping) for n, f, g in zip(programmes, frames, guesses, strict=True)]
    )
    for name, guess in zip(programmes, guesses, strict=True):
        apply_choices(guess.mapping, guess.evidence, choices.get(name, []))


def records_column(target: str) -> str:
    """The records column of an ``evidence:KIND:KEY`` target: ``ev_KIND_key_words``."""
    _, kind, key = target.split(":", 2)
    return f"{PREFIX}{kind}_{'_'.join(key.split())}"


def is_evidence_column(column: str) -> bool:
    return column.startswith(PREFIX) and column[len(PREFIX) :].split("_", 1)[0] in KINDS


def column_kind(column: str) -> tuple[str, str]:
    """(kind, key words) of an evidence records column."""
    kind, key = column[len(PREFIX) :].split("_", 1)
    return kind, key.replace("_", " ")


def normalise_column(column: str, values: pd.Series) -> pd.Series:
    """An evidence column's values as compared: words, a compact code, or a whole number."""
    kind, _ = column_kind(column)
    text = values.fillna("").astype(str).str.strip().str.lower()
    out = pd.Series("", index=values.index, dtype="str")
    filled = text != ""
    out[filled] = _normalise(text[filled], kind).reindex(text[filled].index).fillna("")
    return out.astype("str")


def comparison_for(column: str) -> Comparison:
    """The comparison of an evidence column: same, alike (or one apart), different."""
    kind, words = column_kind(column)
    middle = {
        "category": f"{words} alike (a spelling, or more or fewer words)",
        "code": f"{words} one character apart",
        "number": f"{words} one apart",
    }[kind]
    return Comparison(
        column,
        words.capitalize(),
        (f"different {words}", middle, f"same {words}"),
        (0.1, 0.1, 0.8),
        reads=(column,),
        exact_level=2,
        term_frequency=kind != "number",
        tells_apart=kind == "code",
    )
