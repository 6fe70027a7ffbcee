"""Exporting people "as a system would": per-style habits and corruption rates.

A ``Style`` says how one programme's system writes people and how often each
corruption happens (nicknames, typos, swapped names, dropped accents, maiden
names, old addresses, placeholders, day/month swaps ...); ``render`` applies
them to chosen people and labels every row with what was done to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._arrays import _cat, _first_letters, _pick
from .names import TYPO_VARIANTS, name_table
from .population import Population


@dataclass(frozen=True)
class Style:
    """How one programme's system exports people, and how often each corruption happens.

    Rates are per row, applied only where they can apply (a nickname only to a
    first name that has one, a maiden name only to a recently married woman).
    """

    name: str
    nickname: float
    typo_first: float
    typo_last: float
    swap: float
    dob_missing: float
    dob_placeholder: float
    dob_swap: float
    dob_typo: float
    phone_missing: float
    phone_placeholder: float
    email_missing: float
    sex_missing: float
    suffix_shown: float
    fold: float  # share of rows whose names lose their accents
    charset: str  # "unicode" | "cp1252" | "ascii"
    upper: float  # share of rows typed in capitals
    recency: float  # chance the roster holds a mover's new address and a changed phone
    maiden: float  # chance a recently married woman is listed under her maiden name
    second_surname_drop: float
    unit_missing: float
    duplicates: float  # share of extra rows that re-register a person already listed
    home_phone: float = 0.0  # chance the household's landline is given instead of a mobile
    middle_in_first: float = 0.0  # chance a middle name is typed into the first-name field
    first_initial: float = 0.0  # chance only the first initial is recorded


STYLES: dict[str, Style] = {
    "parish": Style(
        "parish",
        nickname=0.12,
        typo_first=0.04,
        typo_last=0.04,
        swap=0.025,
        dob_missing=0.14,
        dob_placeholder=0.03,
        dob_swap=0.03,
        dob_typo=0.02,
        phone_missing=0.15,
        phone_placeholder=0.03,
        email_missing=0.40,
        sex_missing=0.05,
        suffix_shown=0.5,
        fold=0.25,
        charset="cp1252",
        upper=0.15,
        recency=0.35,
        maiden=0.6,
        second_surname_drop=0.4,
        unit_missing=0.25,
        duplicates=0.05,
        home_phone=0.45,
        first_initial=0.02,
    ),
    "vita": Style(
        "vita",
        nickname=0.07,
        typo_first=0.03,
        typo_last=0.025,
        swap=0.025,
        dob_missing=0.01,
        dob_placeholder=0.01,
        dob_swap=0.02,
        dob_typo=0.02,
        phone_missing=0.04,
        phone_placeholder=0.02,
        email_missing=0.15,
        sex_missing=1.0,
        suffix_shown=0.6,
        fold=0.5,
        charset="unicode",
        upper=0.08,
        recency=0.55,
        maiden=0.45,
        second_surname_drop=0.5,
        unit_missing=0.2,
        duplicates=0.05,
        home_phone=0.15,
        middle_in_first=0.25,
    ),
    "job": Style(
        "job",
        nickname=0.14,
        typo_first=0.04,
        typo_last=0.035,
        swap=0.03,
        dob_missing=0.05,
        dob_placeholder=0.02,
        dob_swap=0.03,
        dob_typo=0.02,
        phone_missing=0.06,
        phone_placeholder=0.02,
        email_missing=0.08,
        sex_missing=0.08,
        suffix_shown=0.7,
        fold=0.85,
        charset="unicode",
        upper=0.05,
        recency=0.7,
        maiden=0.35,
        second_surname_drop=0.6,
        unit_missing=0.3,
        duplicates=0.04,
        home_phone=0.05,
    ),
    "employer": Style(
        "employer",
        nickname=0.05,
        typo_first=0.015,
        typo_last=0.015,
        swap=0.01,
        dob_missing=0.0,
        dob_placeholder=0.01,
        dob_swap=0.01,
        dob_typo=0.01,
        phone_missing=0.02,
        phone_placeholder=0.01,
        email_missing=0.45,
        sex_missing=0.03,
        suffix_shown=0.85,
        fold=1.0,
        charset="ascii",
        upper=1.0,
        recency=0.95,
        maiden=0.1,
        second_surname_drop=0.7,
        unit_missing=0.1,
        duplicates=0.02,
    ),
}

LABELS = [
    "duplicate",
    "nickname",
    "typo_first",
    "typo_last",
    "swap_names",
    "accent_dropped",
    "maiden_name",
    "second_surname_dropped",
    "suffix_missing",
    "old_address",
    "unit_missing",
    "dob_missing",
    "dob_placeholder",
    "dob_day_month_swapped",
    "dob_typo",
    "phone_missing",
    "phone_placeholder",
    "old_phone",
    "email_missing",
    "sex_missing",
    "household_phone",
    "middle_in_first",
    "first_initial_only",
]


@dataclass
class Rendered:
    """A roster's rows before formatting: strings and numbers per field, plus labels."""

    person: np.ndarray  # population index per row
    first: np.ndarray
    middle: np.ndarray  # full middle name or ""
    last: np.ndarray
    suffix: np.ndarray  # 0 none, 1 Jr, 2 Sr (as shown)
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    dob_blank: np.ndarray
    sex: np.ndarray  # 0 M, 1 F, -1 missing
    zip: np.ndarray
    street: np.ndarray
    street_variant: np.ndarray
    number: np.ndarray
    unit: np.ndarray  # -1 none
    phone: np.ndarray  # 0 missing, -1 placeholder
    email: np.ndarray
    labels: dict[str, np.ndarray]
    upper: np.ndarray
    applicable: dict[str, np.ndarray]  # rows where each label could have happened


def render(
    pop: Population,
    person: np.ndarray,
    duplicate: np.ndarray,
    style: Style,
    rng: np.random.Generator,
) -> Rendered:
    """Apply one system's habits and corruptions to the given people (one row each).

    Each part (names, date of birth, sex, address, phone, email) draws from
    ``rng`` in turn, so the same seed gives the same rows, and marks in
    ``labels`` what it did to a row and in ``applicable`` where it could have.
    """
    R = len(person)
    lab: dict[str, np.ndarray] = {k: np.zeros(R, dtype=bool) for k in LABELS}
    lab["duplicate"] = duplicate.astype(bool)
    everywhere = np.ones(R, dtype=bool)
    app: dict[str, np.ndarray] = {k: everywhere for k in LABELS}
    first_s, middle_s, last_s = _name_strings(pop, person, style, rng, lab, app)
    first_s, middle_s, last_s, suffix, upper = _name_layout(
        pop, person, style, rng, lab, app, first_s, middle_s, last_s
    )
    year, month, day, blank = _render_dob(pop, person, style, rng, lab, app)
    # --- sex
    sex_missing = rng.random(R) < style.sex_missing
    sex = np.where(sex_missing, -1, pop.sex[person])
    lab["sex_missing"] = sex_missing & (style.sex_missing < 1.0)
    app["sex_missing"] = np.full(R, style.sex_missing < 1.0)
    zip_, street, number, unit, street_variant = _render_address(pop, person, style, rng, lab, app)
    phone = _render_phone(pop, person, style, rng, lab, app)
    # --- email
    local = pop.email_local[person]
    has_email = local != ""
    e_missing = has_email & (rng.random(R) < style.email_missing)
    lab["email_missing"] = e_missing
    app["email_missing"] = has_email
    email = np.where(has_email & ~e_missing, _cat(local, "@", pop.email_domain[person]), "")
    return Rendered(
        person=person,
        first=first_s,
        middle=middle_s,
        last=last_s,
        suffix=suffix,
        year=year,
        month=month,
        day=day,
        dob_blank=blank,
        sex=sex,
        zip=zip_,
        street=street,
        street_variant=street_variant,
        number=number,
        unit=unit,
        phone=phone,
        email=email,
        labels=lab,
        applicable=app,
        upper=upper,
    )


def _name_strings(pop, person, style: Style, rng, lab, app):
    """First, middle and last name as written: nicknames, maiden names, typos,
    second surnames dropped or hyphenated, accents dropped or mangled."""
    table = name_table()
    R = len(person)
    u = lambda: rng.random(R)  # noqa: E731
    first_true = pop.first[person]
    n_nick = table.nick_count[first_true]
    nick = (n_nick > 0) & (u() < style.nickname)
    k = (u() * np.maximum(n_nick, 1)).astype(np.int64)
    first = np.where(
        nick, table.nick[first_true, np.minimum(k, table.nick.shape[1] - 1)], first_true
    )
    lab["nickname"] = nick
    app["nickname"] = n_nick > 0
    maiden_avail = pop.recently_married[person]
    use_maiden = maiden_avail & (u() < style.maiden)
    last = np.where(use_maiden, pop.maiden[person], pop.last[person])
    lab["maiden_name"] = use_maiden
    app["maiden_name"] = maiden_avail
    typo_f = u() < style.typo_first
    typo_l = u() < style.typo_last
    kf = rng.integers(0, TYPO_VARIANTS, R)
    kl = rng.integers(0, TYPO_VARIANTS, R)
    first = np.where(typo_f, table.typo[first, kf], first)
    last = np.where(typo_l, table.typo[last, kl], last)
    lab["typo_first"], lab["typo_last"] = typo_f, typo_l
    middle = pop.middle[person]
    last2 = np.where(use_maiden, -1, pop.last2[person])
    has2 = last2 >= 0
    drop2 = has2 & (u() < style.second_surname_drop)
    lab["second_surname_dropped"] = drop2
    app["second_surname_dropped"] = has2
    hyphen2 = has2 & ~drop2 & (u() < 0.4)

    ids = [first, np.where(middle >= 0, middle, 0), last, np.where(has2, last2, 0)]
    if style.charset == "ascii":
        fold = np.ones(R, dtype=bool)
    else:
        fold = u() < style.fold
    orig = ids
    ids = [np.where(fold, table.fold[i], i) for i in ids]
    if style.charset == "cp1252":
        ids = [table.cp1252[i] for i in ids]
    changed = (ids[0] != orig[0]) | (ids[2] != orig[2]) | ((middle >= 0) & (ids[1] != orig[1]))
    changed |= has2 & ~drop2 & (ids[3] != orig[3])
    lab["accent_dropped"] = changed
    app["accent_dropped"] = (
        table.has_accent[orig[0]]
        | table.has_accent[orig[2]]
        | ((middle >= 0) & table.has_accent[orig[1]])
        | (has2 & ~drop2 & table.has_accent[orig[3]])
    )
    first_s = table.strings[ids[0]]
    middle_s = np.where(middle >= 0, table.strings[ids[1]], "")
    last_s = table.strings[ids[2]]
    second = table.strings[ids[3]]
    last_s = np.where(has2 & ~drop2, _cat(last_s, np.where(hyphen2, "-", " "), second), last_s)
    return first_s, middle_s, last_s


def _name_layout(pop, person, style: Style, rng, lab, app, first_s, middle_s, last_s):
    """Suffix shown or not, upper case, middle name in the first-name field,
    first initial only, first and last swapped."""
    R = len(person)
    u = lambda: rng.random(R)  # noqa: E731
    middle = pop.middle[person]
    suffix_true = pop.suffix[person]
    show_suffix = u() < style.suffix_shown
    suffix = np.where(show_suffix, suffix_true, 0)
    lab["suffix_missing"] = (suffix_true > 0) & ~show_suffix
    app["suffix_missing"] = suffix_true > 0
    upper = u() < style.upper

    mif = (middle >= 0) & (u() < style.middle_in_first)
    first_s = np.where(mif, _cat(first_s, " ", middle_s), first_s)
    middle_s = np.where(mif, "", middle_s)
    lab["middle_in_first"], app["middle_in_first"] = mif, middle >= 0
    initial = u() < style.first_initial
    first_s = np.where(initial, _cat(_first_letters(first_s), "."), first_s)
    lab["first_initial_only"] = initial

    swap = u() < style.swap
    first_s, last_s = np.where(swap, last_s, first_s), np.where(swap, first_s, last_s)
    lab["swap_names"] = swap
    return first_s, middle_s, last_s, suffix, upper


def _render_dob(pop, person, style: Style, rng, lab, app):
    """Year, month, day as written (missing, placeholder, day/month swapped, typo) and blanks."""
    R = len(person)
    u = lambda: rng.random(R)  # noqa: E731
    dob = pop.dob[person]
    year = dob.astype("datetime64[Y]").astype(np.int64) + 1970
    month = dob.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (dob - dob.astype("datetime64[M]")).astype(np.int64) + 1
    r = u()
    c1 = style.dob_missing
    c2 = c1 + style.dob_placeholder
    c3 = c2 + style.dob_swap
    c4 = c3 + style.dob_typo
    blank = r < c1
    placeholder = (r >= c1) & (r < c2)
    swap_dm = (r >= c2) & (r < c3) & (day <= 12) & (day != month)
    typo_d = (r >= c3) & (r < c4)
    lab["dob_missing"], lab["dob_placeholder"] = blank, placeholder
    lab["dob_day_month_swapped"], lab["dob_typo"] = swap_dm, typo_d
    app["dob_day_month_swapped"] = (day <= 12) & (day != month)
    month, day = np.where(swap_dm, day, month), np.where(swap_dm, month, day)
    kind = rng.integers(0, 3, R)
    step = np.where(u() < 0.5, -1, 1)
    year = np.where(typo_d & (kind == 0), year + step, year)
    day = np.where(typo_d & (kind == 1), np.clip(np.minimum(day, 28) + step, 1, 28), day)
    new_month = np.where(month + step < 1, 2, np.where(month + step > 12, 11, month + step))
    month = np.where(typo_d & (kind == 2), new_month, month)
    day = np.where(typo_d & (kind == 2), np.minimum(day, 28), day)
    year = np.where(placeholder, 1900, year)
    month = np.where(placeholder, 1, month)
    day = np.where(placeholder, 1, day)
    return year, month, day, blank


def _render_address(pop, person, style: Style, rng, lab, app):
    """ZIP, street, number, unit and street spelling: a mover appears at the old
    address in older rosters."""
    R = len(person)
    u = lambda: rng.random(R)  # noqa: E731
    current = u() < style.recency
    moved = pop.moved[person]
    old = moved & ~current
    lab["old_address"] = old
    app["old_address"] = moved
    zip_ = np.where(old, pop.zip_old[person], pop.zip_new[person])
    street = np.where(old, pop.street_old[person], pop.street_new[person])
    number = np.where(old, pop.number_old[person], pop.number_new[person])
    unit = np.where(old, pop.unit_old[person], pop.unit_new[person])
    unit_drop = (unit >= 0) & (u() < style.unit_missing)
    lab["unit_missing"] = unit_drop
    app["unit_missing"] = unit >= 0
    unit = np.where(unit_drop, -1, unit)
    street_variant = _pick(rng, R, _STREET_VARIANT_WEIGHTS[style.name])
    return zip_, street, number, unit, street_variant


def _render_phone(pop, person, style: Style, rng, lab, app):
    """The number given: own, the household's, an old one, missing (0) or a placeholder (-1)."""
    R = len(person)
    u = lambda: rng.random(R)  # noqa: E731
    phone = pop.phone[person]
    home = pop.home_phone[person]
    could_home = (home > 0) & (home != phone)
    use_home = could_home & (u() < style.home_phone)
    phone = np.where(use_home, home, phone)
    lab["household_phone"], app["household_phone"] = use_home, could_home
    changed_phone = (pop.phone_old[person] > 0) & ~use_home & (u() > style.recency)
    phone = np.where(changed_phone, pop.phone_old[person], phone)
    lab["old_phone"] = changed_phone
    r = u()
    has_phone = phone > 0
    p_missing = has_phone & (r < style.phone_missing)
    p_placeholder = (r >= style.phone_missing) & (r < style.phone_missing + style.phone_placeholder)
    phone = np.where(p_missing, 0, np.where(p_placeholder, -1, phone))
    lab["phone_missing"], lab["phone_placeholder"] = p_missing, p_placeholder
    lab["old_phone"] &= ~p_missing & ~p_placeholder
    app["phone_missing"] = has_phone
    app["old_phone"] = (pop.phone_old[person] > 0) & ~use_home & ~p_missing & ~p_placeholder
    return phone


_STREET_VARIANT_WEIGHTS = {
    # canonical, long words, dotted, no direction, no suffix
    "parish": [0.55, 0.15, 0.15, 0.05, 0.10],
    "vita": [0.70, 0.12, 0.08, 0.04, 0.06],
    "job": [0.55, 0.25, 0.05, 0.05, 0.10],
    "employer": [0.80, 0.15, 0.0, 0.05, 0.0],
    "plain": [1.0, 0.0, 0.0, 0.0, 0.0],
}


def labels_text(labels: dict[str, np.ndarray]) -> np.ndarray:
    """The ``corruptions`` column of the truth file: labels joined by ';'."""
    code = np.zeros(len(next(iter(labels.values()))), dtype=np.int64)
    for bit, name in enumerate(LABELS):
        code |= labels[name].astype(np.int64) << bit
    distinct, inverse = np.unique(code, return_inverse=True)
    text = [";".join(n for b, n in enumerate(LABELS) if c >> b & 1) for c in distinct.tolist()]
    return np.array(text, dtype=object)[inverse]
