"""Plain-word evidence for and against two records being the same person.

The Review page shows these sentences next to the two records, so a
programme manager can see *why* the model hesitates ("Bob is a nickname of
Robert", "same address but different first name — possibly family") and
decide. Sentences are built from the two normalised records; the pair's
match weights (when given) order them and set their direction. Nothing here
logs or prints: the sentences contain names and are for the user's screen only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from overlap.fields import REVIEW_FIELDS

FOR, AGAINST, NEUTRAL = "for", "against", "neutral"

#: The fields shown side by side on the Review page, with the label the user reads.
SIDE_BY_SIDE_FIELDS = REVIEW_FIELDS

# How much each kind of evidence usually matters, when the pair carries no weights.
_DEFAULT_STRENGTH = {
    "first_name": 3.0,
    "last_name": 4.0,
    "dob": 6.0,
    "address": 3.0,
    "phone": 5.0,
    "email": 6.0,
    "sex": 1.0,
    "ssn": 8.0,
    "record_id": 4.0,
    "family": 4.0,
}


@dataclass(frozen=True)
class Evidence:
    """One plain-word reason, which way it points, and how strongly (match weight)."""

    field: str
    text: str
    direction: str
    weight: float


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


def is_nickname(a: str, b: str) -> bool:
    """Whether one first name is a known nickname of the other (Bob / Robert, Peggy / Margaret)."""
    if not a or not b or a == b:
        return False
    namer = _nicknamer()
    if b in namer.nicknames_of(a) or a in namer.nicknames_of(b):
        return True
    return bool(namer.canonicals_of(a) & ({b} | namer.canonicals_of(b)))


def _title(name: str) -> str:
    return " ".join(part.capitalize() for part in name.split())


def _close(a: str, b: str, cutoff: float = 0.88) -> bool:
    return JaroWinkler.similarity(a, b) >= cutoff


def _get(record: Mapping[str, object], key: str) -> str:
    value = record.get(key, "")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _first_name(a: str, b: str) -> tuple[str, str] | None:
    if not a or not b:
        return None
    if a == b:
        return "same first name", FOR
    if is_nickname(a, b):
        short, full = (a, b) if len(a) <= len(b) else (b, a)
        return f"{_title(short)} is a nickname of {_title(full)}", FOR
    if (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
        return "one first name is only an initial, and it fits", FOR
    if _close(a, b):
        return f"first names are nearly the same ({_title(a)} / {_title(b)}), perhaps a typo", FOR
    return "different first names", AGAINST


def _last_name(a: str, b: str) -> tuple[str, str] | None:
    if not a or not b:
        return None
    if a == b:
        return "same last name", FOR
    parts_a, parts_b = set(a.replace("-", " ").split()), set(b.replace("-", " ").split())
    if parts_a & parts_b:
        return "one last name is part of the other (a double or married name)", FOR
    if _close(a, b):
        return f"last names are nearly the same ({_title(a)} / {_title(b)}), perhaps a typo", FOR
    return "different last names", AGAINST


def _dob(a: str, b: str) -> tuple[str, str] | None:
    if not a or not b:
        return None
    if a == b:
        return "same date of birth", FOR
    ya, ma, da = (a.split("-") + ["", "", ""])[:3]
    yb, mb, db = (b.split("-") + ["", "", ""])[:3]
    if not (da and db):  # one date gives only the year (or month)
        if ya == yb:
            return "same birth year (one date gives only the year)", FOR
        return "born in different years", AGAINST
    if ya == yb and ma == db and da == mb:
        return "same date of birth with day and month swapped (a common mix-up)", FOR
    same_parts = (ya == yb) + (ma == mb) + (da == db)
    if same_parts == 2:
        return "dates of birth differ in one part only, perhaps a typo", FOR
    if ya == yb:
        return "born the same year but on a different day", AGAINST
    return "different dates of birth", AGAINST


def _address(a: Mapping[str, object], b: Mapping[str, object]) -> tuple[str, str] | None:
    street_a, street_b = _get(a, "street"), _get(b, "street")
    zip_a, zip_b = _get(a, "zip"), _get(b, "zip")
    if street_a and street_b:
        if street_a == street_b:
            unit_a, unit_b = _get(a, "unit"), _get(b, "unit")
            if unit_a and unit_b and unit_a != unit_b:
                return "same building but a different apartment", NEUTRAL
            return "same street address", FOR
        if zip_a and zip_a == zip_b:
            return "same ZIP code but a different street (people move)", NEUTRAL
        return "different addresses (people move, so this counts for little)", AGAINST
    if zip_a and zip_b:
        if zip_a == zip_b:
            return "same ZIP code", FOR
        return "different ZIP codes", AGAINST
    return None


def _exact(label: str, plural: str, a: str, b: str) -> tuple[str, str] | None:
    if not a or not b:
        return None
    if a == b:
        return f"same {label}", FOR
    return f"different {plural}", AGAINST


def _same_roster_id(a: Mapping[str, object], b: Mapping[str, object]) -> tuple[str, str] | None:
    """A roster's own ID says something only between two records of that roster."""
    if _get(a, "programme") != _get(b, "programme"):
        return None
    return _exact("record ID", "record IDs", _get(a, "record_id"), _get(b, "record_id"))


def _weight_for(field: str, weights: Mapping[str, float] | None) -> float | None:
    """The pair's match weight for this field, matching comparison names loosely."""
    if not weights:
        return None
    aliases = {
        "first_name": ("first_name", "first", "forename", "given"),
        "last_name": ("last_name", "last", "surname", "family_name"),
        "dob": ("dob", "birth", "date_of_birth"),
        "address": ("address", "street", "zip", "postcode"),
        "phone": ("phone", "telephone", "mobile"),
        "email": ("email", "e-mail"),
        "sex": ("sex", "gender"),
        "ssn": ("ssn", "social"),
        "record_id": ("record_id",),
    }.get(field, (field,))
    for name, value in weights.items():
        key = str(name).lower()
        if any(alias in key for alias in aliases):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return None
            return float(value)
    return None


def explain_pair(
    a: Mapping[str, object],
    b: Mapping[str, object],
    weights: Mapping[str, float] | None = None,
) -> list[Evidence]:
    """The evidence for and against two normalised records being one person.

    Args:
        a: one record's normalised fields (``first_name``, ``last_name``, ``dob``,
            ``street``, ``unit``, ``zip``, ``phone``, ``email``, ``sex``...).
        b: the other record's.
        weights: the pair's match weight per comparison (``C_weight`` values keyed
            by comparison name); when given they set each reason's strength and,
            where the model disagrees with the plain rule, its direction.

    Returns:
        Reasons, strongest first. Fields missing from either record give none.
    """
    found: list[tuple[str, tuple[str, str] | None]] = [
        ("first_name", _first_name(_get(a, "first_name"), _get(b, "first_name"))),
        ("last_name", _last_name(_get(a, "last_name"), _get(b, "last_name"))),
        ("dob", _dob(_get(a, "dob"), _get(b, "dob"))),
        ("address", _address(a, b)),
        ("phone", _exact("phone number", "phone numbers", _get(a, "phone"), _get(b, "phone"))),
        ("email", _exact("email address", "email addresses", _get(a, "email"), _get(b, "email"))),
        ("sex", _exact("recorded sex", "recorded sex", _get(a, "sex"), _get(b, "sex"))),
        # the numbers themselves are never shown: only whether they agree
        (
            "ssn",
            _exact(
                "social security number", "social security numbers", _get(a, "ssn"), _get(b, "ssn")
            ),
        ),
        ("record_id", _same_roster_id(a, b)),
    ]
    evidence: list[Evidence] = []
    for field, item in found:
        if item is None:
            continue
        text, direction = item
        weight = _weight_for(field, weights)
        if weight is None:
            strength = _DEFAULT_STRENGTH[field]
            weight = {FOR: strength, AGAINST: -strength, NEUTRAL: 0.0}[direction]
        elif direction != NEUTRAL and abs(weight) > 0.5:
            direction = FOR if weight > 0 else AGAINST
        evidence.append(Evidence(field, text, direction, weight))

    family = _family(a, b)
    if family is not None:
        evidence.append(family)
    evidence.sort(key=lambda e: -abs(e.weight))
    return evidence


def _family(a: Mapping[str, object], b: Mapping[str, object]) -> Evidence | None:
    """Same home (or phone) but a different first name or birth date: perhaps a relative."""
    same_home = bool(_get(a, "street")) and _get(a, "street") == _get(b, "street")
    same_phone = bool(_get(a, "phone")) and _get(a, "phone") == _get(b, "phone")
    if not (same_home or same_phone):
        return None
    first_a, first_b = _get(a, "first_name"), _get(b, "first_name")
    different_first = bool(first_a and first_b) and _first_name(first_a, first_b) == (
        "different first names",
        AGAINST,
    )
    dob_a, dob_b = _get(a, "dob"), _get(b, "dob")
    different_dob = bool(dob_a and dob_b) and _dob(dob_a, dob_b)[1] == AGAINST
    if not (different_first or different_dob):
        return None
    where = "address" if same_home else "phone number"
    what = "first name" if different_first else "date of birth"
    return Evidence(
        "family",
        f"same {where} but different {what} — possibly family",
        AGAINST,
        -_DEFAULT_STRENGTH["family"],
    )


def explain_levels(
    pair: Mapping[str, object],
    comparisons: Iterable[object],
    a: Mapping[str, object],
    b: Mapping[str, object],
) -> list[Evidence]:
    """The evidence for a scored pair, in the model's own terms.

    Uses each comparison's level label (``Comparison.labels``) and the pair's
    weight for it, adds names to the nickname sentence ("Bob is a nickname of
    Robert") and the possibly-family warning.

    Args:
        pair: one row of ``MatchResult.pairs`` (``C_level``, ``C_weight`` per comparison).
        comparisons: ``MatchResult.comparisons``.
        a: the first record's normalised fields.
        b: the second record's.

    Returns:
        Reasons, strongest first; comparisons missing in either record give none.
    """
    evidence: list[Evidence] = []
    for comparison in comparisons:
        name = comparison.name
        level = pair.get(f"{name}_level", -1)
        if level is None or (isinstance(level, float) and math.isnan(level)):
            continue
        level = int(level)
        if not 0 <= level < len(comparison.labels):
            continue
        weight = pair.get(f"{name}_weight", 0.0)
        weight = (
            0.0
            if weight is None or (isinstance(weight, float) and math.isnan(weight))
            else float(weight)
        )
        text = comparison.labels[level]
        if name == "first_name" and "nickname" in text:
            first_a, first_b = _get(a, "first_name"), _get(b, "first_name")
            if first_a and first_b:
                short, full = (
                    (first_a, first_b) if len(first_a) <= len(first_b) else (first_b, first_a)
                )
                text = f"{_title(short)} is a nickname of {_title(full)}"
        direction = FOR if weight > 0.5 else AGAINST if weight < -0.5 else NEUTRAL
        evidence.append(Evidence(name, text, direction, weight))
    family = _family(a, b)
    if family is not None:
        evidence.append(family)
    evidence.sort(key=lambda e: -abs(e.weight))
    return evidence


def side_by_side(a: Mapping[str, object], b: Mapping[str, object]) -> pd.DataFrame:
    """The two records field by field, with whether each field agrees (fields both lack are left out)."""
    rows = []
    for field, label in SIDE_BY_SIDE_FIELDS.items():
        va, vb = _get(a, field), _get(b, field)
        if not va and not vb:
            continue
        if not va or not vb:
            verdict = "missing in one"
        elif va == vb:
            verdict = "same"
        elif field == "first_name" and is_nickname(va, vb):
            verdict = "nickname"
        elif _close(va, vb):
            verdict = "close"
        else:
            verdict = "different"
        rows.append({"field": label, "first record": va, "second record": vb, "agree?": verdict})
    return pd.DataFrame(rows, columns=["field", "first record", "second record", "agree?"])


def _probability_to_weight(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log2(p / (1 - p))


def review_queue(
    pairs: pd.DataFrame,
    records: pd.DataFrame,
    threshold: float,
    decided: Iterable[tuple[str, int, str, int]] = (),
    band: float = 4.0,
) -> pd.DataFrame:
    """The pairs the model is least sure about, most uncertain first.

    A pair is uncertain when its match weight is within ``band`` (log2 odds,
    i.e. odds within 16 times) of the threshold's. Pairs the user already
    decided are left out.

    Args:
        pairs: ``MatchResult.pairs`` (``rid_a``, ``rid_b``, ``probability``...).
        records: ``MatchResult.records`` (``programme``, ``row`` by rid).
        threshold: the probability at which a pair counts as the same person.
        decided: keys ``(programme_a, row_a, programme_b, row_b)`` already decided.
        band: width of the uncertain band either side of the threshold, in log2 odds.

    Returns:
        The uncertain pairs with ``programme_a``, ``row_a``, ``programme_b``, ``row_b`` added.
    """
    if pairs.empty:
        return pairs.assign(programme_a="", row_a=0, programme_b="", row_b=0)
    centre = _probability_to_weight(threshold)
    p = pairs["probability"].to_numpy(dtype=float).clip(1e-12, 1 - 1e-12)
    weight = np.log2(p / (1 - p))
    distance = np.abs(weight - centre)
    queue = pairs.loc[distance <= band].copy()
    queue["_distance"] = distance[distance <= band]
    rid_a = queue["rid_a"].to_numpy()
    rid_b = queue["rid_b"].to_numpy()
    queue["programme_a"] = records["programme"].to_numpy()[rid_a]
    queue["row_a"] = records["row"].to_numpy()[rid_a].astype(int)
    queue["programme_b"] = records["programme"].to_numpy()[rid_b]
    queue["row_b"] = records["row"].to_numpy()[rid_b].astype(int)
    decided_keys = {(str(pa), int(ra), str(pb), int(rb)) for pa, ra, pb, rb in decided}
    decided_keys |= {(pb, rb, pa, ra) for pa, ra, pb, rb in decided_keys}
    if decided_keys:
        keys = pd.MultiIndex.from_arrays(
            [queue["programme_a"], queue["row_a"], queue["programme_b"], queue["row_b"]]
        )
        queue = queue.loc[~keys.isin(list(decided_keys))]
    return queue.sort_values("_distance", kind="stable").drop(columns="_distance")
