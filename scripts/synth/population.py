"""Population: households of people with their true attributes, before any export.

Singles, couples, families, single parents; twins, fathers and sons named
Jr/Sr, women who married and changed their surname, people who moved, shared
phones and mailboxes. One array per attribute (``Population``), vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._arrays import PAD2, PLAIN, _cat, _first_letters, _pick
from .name_lists import FIRST_NAMES, SURNAMES
from .names import NameTable, _fold, name_table
from .places import GROUPS, UNIT_WEIGHTS, ZIP_PROFILE, StreetTable, street_table

REF_DATE = np.datetime64("2026-11-01")  # "today" for ages


EMAIL_DOMAINS = [
    "example.com",
    "example.com",
    "example.com",
    "example.net",
    "example.net",
    "example.org",
    "mail.example.com",
    "correo.example.com",
    "inbox.example.net",
]


HH_SINGLE, HH_COUPLE, HH_FAMILY, HH_SINGLE_PARENT = 0, 1, 2, 3
RELATIONS = np.array(
    ["single", "spouse", "parent", "child", "twin", "father_sr", "son_jr"], dtype=object
)
REL_SINGLE, REL_SPOUSE, REL_PARENT, REL_CHILD, REL_TWIN, REL_SR, REL_JR = range(7)


@dataclass
class Population:
    """One array per attribute, one element per person (the truth, before any export)."""

    household: np.ndarray
    relation: np.ndarray  # index into RELATIONS
    group: np.ndarray
    sex: np.ndarray  # 0 = M, 1 = F
    age: np.ndarray
    dob: np.ndarray  # datetime64[D]
    first: np.ndarray  # name ids
    middle: np.ndarray  # name id or -1
    last: np.ndarray
    last2: np.ndarray  # second (maternal) surname id or -1
    maiden: np.ndarray  # maiden surname id, or -1 if not married under another name
    recently_married: np.ndarray  # bool: rosters disagree between maiden and married name
    suffix: np.ndarray  # 0 none, 1 Jr, 2 Sr
    zip_old: np.ndarray
    street_old: np.ndarray
    number_old: np.ndarray
    unit_old: np.ndarray  # unit index or -1
    zip_new: np.ndarray
    street_new: np.ndarray
    number_new: np.ndarray
    unit_new: np.ndarray
    moved: np.ndarray
    phone: np.ndarray  # int64 10-digit number, 0 = none (the person's usual contact number)
    phone_old: np.ndarray  # earlier number, 0 = same
    home_phone: np.ndarray  # household landline, 0 = none
    email_local: np.ndarray  # object, "" = none
    email_domain: np.ndarray
    hh_size: np.ndarray
    counterpart: np.ndarray  # the spouse, the other twin, the Jr's father / Sr's son; -1 none

    def __len__(self) -> int:
        return len(self.household)


def _draw_names(rng, group, sex, table: NameTable) -> np.ndarray:
    out = np.zeros(len(group), dtype=np.int64)
    for gi, g in enumerate(GROUPS):
        for si, s in enumerate(("M", "F")):
            idx = np.flatnonzero((group == gi) & (sex == si))
            if len(idx):
                names = FIRST_NAMES[g][s]
                ids = table.ids([n for n, _ in names])
                out[idx] = ids[_pick(rng, len(idx), [w for _, w in names])]
    return out


_SIMILAR: np.ndarray | None = None


def _similar_names(table: NameTable) -> np.ndarray:
    """Per first-name id, another name of the same list with the same initial (-1 if none)."""
    global _SIMILAR
    if _SIMILAR is None:
        out = np.full(len(table.strings), -1, dtype=np.int64)
        for group in GROUPS:
            for sex in ("M", "F"):
                names = [n for n, _ in FIRST_NAMES[group][sex]]
                for i, name in enumerate(names):
                    for other in names[i + 1 :] + names[:i]:
                        if _fold(other)[0] == _fold(name)[0]:
                            out[table.index[name]] = table.index[other]
                            break
        _SIMILAR = out
    return _SIMILAR


def _draw_surnames(rng, group, table: NameTable) -> np.ndarray:
    out = np.zeros(len(group), dtype=np.int64)
    for gi, g in enumerate(GROUPS):
        idx = np.flatnonzero(group == gi)
        if len(idx):
            ids = table.ids([n for n, _ in SURNAMES[g]])
            out[idx] = ids[_pick(rng, len(idx), [w for _, w in SURNAMES[g]])]
    return out


def _phone_numbers(rng, zip_idx, streets: StreetTable) -> np.ndarray:
    """Random 10-digit numbers: local area codes, exchanges that are not N11 or 555."""
    n = len(zip_idx)
    suburb = streets.is_suburb[zip_idx]
    city_area = np.array([312, 773, 872])[_pick(rng, n, [0.25, 0.65, 0.10])]
    sub_area = np.where(rng.random(n) < 0.85, 708, 773)
    area = np.where(suburb, sub_area, city_area)
    exch = rng.integers(200, 1000, n)
    bad = (exch % 100 == 11) | (exch == 555)
    exch = np.where(bad, exch + 1, exch)
    line = rng.integers(0, 10000, n)
    return area.astype(np.int64) * 10_000_000 + exch * 10_000 + line


def _addresses(rng, zip_idx, streets: StreetTable):
    n = len(zip_idx)
    street = streets.first[zip_idx] + (rng.random(n) * streets.count[zip_idx]).astype(np.int64)
    lo, hi = streets.lo[street], streets.hi[street]
    number = lo + (rng.random(n) * (hi - lo)).astype(np.int64)
    unit = np.where(rng.random(n) < 0.42, _pick(rng, n, UNIT_WEIGHTS), -1)
    return street, number, unit


def make_population(
    n_households: int, rng: np.random.Generator, zips: int = len(ZIP_PROFILE)
) -> Population:
    """Households in ``zips`` ZIPs: singles, couples, families, twins, Jr/Sr, movers.

    The first nine ZIPs are the profiled ones the samples use; more spread a
    big population over real neighbouring ZIPs, so a million people do not
    all live in nine (no real ZIP holds 200,000 people). Vectorised: no Python
    loop over people, so millions are cheap. Each step draws from ``rng`` in
    turn, so the same seed gives the same people.
    """
    table, streets = name_table(), street_table()
    zip_weight = streets.zip_weight[:zips] / streets.zip_weight[:zips].sum()
    h = _households(rng, n_households, zip_weight, streets)
    sex, age, dob, relation, twin1, twin2 = _ages(rng, h)
    first, middle = _first_names(rng, h, sex, table)
    last, last2, maiden, recently_married = _surnames(rng, h, table)
    suffix, e_idx, f_idx = _juniors(rng, h, sex, age, relation, first, middle, last2)
    _twin_names(rng, h, sex, twin2, first, table)
    addresses = _moves(rng, h, age, zip_weight, streets)
    phone, phone_old, home_phone = _phones(rng, h, age, addresses["zip_old"], streets)
    local, domain = _emails(rng, h, age, dob, first, last, maiden, recently_married, table)
    return Population(
        household=h.hh,
        relation=relation,
        group=h.group,
        sex=sex,
        age=age,
        dob=dob,
        first=first,
        middle=middle,
        last=last,
        last2=last2,
        maiden=maiden,
        recently_married=recently_married,
        suffix=suffix,
        **addresses,
        phone=phone,
        phone_old=phone_old,
        home_phone=home_phone,
        email_local=local,
        email_domain=domain,
        hh_size=h.size[h.hh],
        counterpart=_counterparts(
            relation, h.hh, h.starts, h.has_spouse, twin1, twin2, e_idx, f_idx
        ),
    )


@dataclass
class _Households:
    """Who lives with whom: arrays per household (``h_*``) and per person."""

    h_zip: np.ndarray
    h_group: np.ndarray
    h_type: np.ndarray
    n_kids: np.ndarray
    has_spouse: np.ndarray
    size: np.ndarray
    starts: np.ndarray  # the first person (the head) of each household
    hh: np.ndarray  # per person: the household
    is_head: np.ndarray
    is_spouse: np.ndarray
    is_child: np.ndarray
    child_index: np.ndarray  # per person: 0 for the eldest child
    group: np.ndarray  # per person: the household's group

    @property
    def fam(self) -> np.ndarray:
        return self.h_type == HH_FAMILY

    @property
    def sp(self) -> np.ndarray:
        return self.h_type == HH_SINGLE_PARENT


def _households(rng, n_households: int, zip_weight, streets: StreetTable) -> _Households:
    """Households of each kind in ZIPs drawn by weight, and their members' places in them."""
    H = n_households
    h_zip = _pick(rng, H, zip_weight)
    h_group = (rng.random(H)[:, None] > streets.group_cum[h_zip]).sum(axis=1)
    h_type = _pick(rng, H, [0.30, 0.22, 0.33, 0.15])
    n_kids = np.zeros(H, dtype=np.int64)
    fam = h_type == HH_FAMILY
    n_kids[fam] = 1 + _pick(rng, int(fam.sum()), [0.30, 0.35, 0.20, 0.10, 0.05])
    sp = h_type == HH_SINGLE_PARENT
    n_kids[sp] = 1 + _pick(rng, int(sp.sum()), [0.45, 0.40, 0.15])
    has_spouse = (h_type == HH_COUPLE) | fam
    size = 1 + has_spouse + n_kids
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    N = int(size.sum())
    hh = np.repeat(np.arange(H), size)
    pos = np.arange(N) - starts[hh]
    is_head = pos == 0
    is_spouse = (pos == 1) & has_spouse[hh]
    return _Households(
        h_zip=h_zip,
        h_group=h_group,
        h_type=h_type,
        n_kids=n_kids,
        has_spouse=has_spouse,
        size=size,
        starts=starts,
        hh=hh,
        is_head=is_head,
        is_spouse=is_spouse,
        is_child=~is_head & ~is_spouse,
        child_index=pos - 1 - has_spouse[hh].astype(np.int64),
        group=h_group[hh],
    )


def _ages(rng, h: _Households):
    """Sex, age, date of birth and relation of everyone; twins share a birthday."""
    H, N = len(h.h_zip), len(h.hh)
    h_type, has_spouse, fam, sp, hh = h.h_type, h.has_spouse, h.fam, h.sp, h.hh
    is_head, is_spouse, is_child = h.is_head, h.is_spouse, h.is_child
    # sex
    sex = rng.integers(0, 2, N)
    head_sex = np.where(
        has_spouse, 0, np.where(sp, (rng.random(H) < 0.85).astype(int), rng.integers(0, 2, H))
    )
    sex[is_head] = head_sex
    sex[is_spouse] = 1

    # ages
    head_age = np.where(
        h_type == HH_SINGLE,
        18 + rng.beta(1.6, 2.2, H) * 67,
        np.where(
            h_type == HH_COUPLE,
            22 + rng.beta(2.0, 2.0, H) * 60,
            np.where(fam, 26 + rng.beta(2.2, 2.4, H) * 46, 21 + rng.beta(2.0, 2.5, H) * 40),
        ),
    ).astype(np.int64)
    spouse_age = np.maximum(18, head_age + np.round(rng.normal(-2, 3.5, H)).astype(np.int64))
    mother_age = np.where(has_spouse, spouse_age, head_age)
    age = np.zeros(N, dtype=np.int64)
    age[is_head] = head_age
    age[is_spouse] = spouse_age[hh[is_spouse]]
    m_age = mother_age[hh[is_child]]
    gap = (18 + rng.beta(2.0, 2.2, int(is_child.sum())) * 22).astype(np.int64)
    age[is_child] = np.clip(m_age - gap, 0, None)
    days = rng.integers(0, 365, N)
    dob = (
        REF_DATE
        - (age * 365.25).astype(np.int64).astype("timedelta64[D]")
        - days.astype("timedelta64[D]")
    )

    relation = np.full(N, REL_SINGLE, dtype=np.int64)
    relation[is_head & has_spouse[hh]] = REL_SPOUSE
    relation[is_spouse] = REL_SPOUSE
    relation[is_head & sp[hh]] = REL_PARENT
    relation[is_child] = REL_CHILD

    # twins: second child shares the first child's date of birth
    twin_h = (h.n_kids >= 2) & (rng.random(H) < 0.14)
    twin2 = is_child & (h.child_index == 1) & twin_h[hh]
    twin1 = np.roll(twin2, -1)
    dob[twin2] = dob[np.flatnonzero(twin2) - 1]
    age[twin2] = age[np.flatnonzero(twin2) - 1]
    relation[twin1 | twin2] = REL_TWIN
    return sex, age, dob, relation, twin1, twin2


def _first_names(rng, h: _Households, sex, table: NameTable):
    """First and middle name ids (middle -1 for none)."""
    N, group = len(h.hh), h.group
    first = _draw_names(rng, group, sex, table)
    middle = np.where(
        rng.random(N) < np.where(group == 0, 0.45, 0.5), _draw_names(rng, group, sex, table), -1
    )
    middle = np.where(middle == first, -1, middle)
    middle = np.where(np.isin(group, [4, 5]) & (rng.random(N) < 0.7), -1, middle)
    return first, middle


def _surnames(rng, h: _Households, table: NameTable):
    """Household surnames, wives who kept or changed theirs, Hispanic second surnames."""
    H, N, group, hh = len(h.h_zip), len(h.hh), h.group, h.hh
    is_head, is_spouse, is_child = h.is_head, h.is_spouse, h.is_child
    hh_surname = _draw_surnames(rng, h.h_group, table)
    last = hh_surname[hh]
    maiden = np.full(N, -1, dtype=np.int64)
    keeps_p = np.array([0.35, 0.12, 0.10, 0.08, 0.5, 0.6])[group]
    sp_idx = np.flatnonzero(is_spouse)
    own = _draw_surnames(rng, group[sp_idx], table)
    keeps = rng.random(len(sp_idx)) < keeps_p[sp_idx]
    last[sp_idx] = np.where(keeps, own, last[sp_idx])
    maiden[sp_idx] = np.where(keeps | (own == last[sp_idx]), -1, own)
    recently_married = (maiden >= 0) & (rng.random(N) < 0.3)
    # second (maternal) surname for some Hispanic people
    last2 = np.full(N, -1, dtype=np.int64)
    mother_maiden = np.full(H, -1, dtype=np.int64)
    mother_maiden[hh[sp_idx]] = np.where(maiden[sp_idx] >= 0, maiden[sp_idx], own)
    kid2 = is_child & (group == 0) & (mother_maiden[hh] >= 0) & (rng.random(N) < 0.25)
    last2[kid2] = mother_maiden[hh[kid2]]
    adult2 = (is_head | is_spouse) & (group == 0) & (rng.random(N) < 0.10)
    last2[adult2] = _draw_surnames(rng, group[adult2], table)
    last2 = np.where(last2 == last, -1, last2)
    return last, last2, maiden, recently_married


def _juniors(rng, h: _Households, sex, age, relation, first, middle, last2):
    """Jr / Sr: the eldest son carries his father's name (``first``, ``middle``,
    ``last2`` and ``relation`` are changed in place). Returns the suffixes and
    the sons' and fathers' indices."""
    H, N, hh = len(h.h_zip), len(h.hh), h.hh
    suffix = np.zeros(N, dtype=np.int64)
    jr_h = h.fam & (rng.random(H) < 0.30)
    eldest = h.is_child & (h.child_index == 0) & jr_h[hh] & (sex == 0) & (age >= 16)
    e_idx = np.flatnonzero(eldest)
    f_idx = h.starts[hh[e_idx]]
    first[e_idx] = first[f_idx]
    middle[e_idx] = middle[f_idx]
    last2[e_idx] = -1
    suffix[e_idx] = 1
    suffix[f_idx] = 2
    relation[e_idx] = REL_JR
    relation[f_idx] = REL_SR
    return suffix, e_idx, f_idx


def _twin_names(rng, h: _Households, sex, twin2, first, table: NameTable) -> None:
    """Twins get different first names (also after a Jr took his father's name),
    often alike: same initial (Jose and Jesus, Daniel and David). Changes ``first``."""
    group = h.group
    for _ in range(6):
        same = twin2 & (first == np.roll(first, 1))
        if not same.any():
            break
        first[same] = _draw_names(rng, group[same], sex[same], table)
    t2 = np.flatnonzero(twin2)
    alike = _similar_names(table)[first[t2 - 1]]
    use = (alike >= 0) & (sex[t2] == sex[t2 - 1]) & (rng.random(len(t2)) < 0.35)
    first[t2[use]] = alike[use]


def _moves(rng, h: _Households, age, zip_weight, streets: StreetTable) -> dict[str, np.ndarray]:
    """Addresses: households, then moves (whole household, or a grown child alone)."""
    H, N, hh, h_zip = len(h.h_zip), len(h.hh), h.hh, h.h_zip
    h_street, h_number, h_unit = _addresses(rng, h_zip, streets)
    h_moved = rng.random(H) < 0.2
    new_zip = np.where(rng.random(H) < 0.7, h_zip, _pick(rng, H, zip_weight))
    n_street, n_number, n_unit = _addresses(rng, new_zip, streets)
    zip_old, street_old, number_old, unit_old = h_zip[hh], h_street[hh], h_number[hh], h_unit[hh]
    moved = h_moved[hh].copy()
    self_move = h.is_child & (age >= 19) & (rng.random(N) < 0.12)
    p_zip = np.where(rng.random(N) < 0.6, zip_old, _pick(rng, N, zip_weight))
    p_street, p_number, p_unit = _addresses(rng, p_zip, streets)
    zip_new = np.where(self_move, p_zip, np.where(moved, new_zip[hh], zip_old))
    street_new = np.where(self_move, p_street, np.where(moved, n_street[hh], street_old))
    number_new = np.where(self_move, p_number, np.where(moved, n_number[hh], number_old))
    unit_new = np.where(self_move, p_unit, np.where(moved, n_unit[hh], unit_old))
    return {
        "zip_old": zip_old,
        "street_old": street_old,
        "number_old": number_old,
        "unit_old": unit_old,
        "zip_new": zip_new,
        "street_new": street_new,
        "number_new": number_new,
        "unit_new": unit_new,
        "moved": moved | self_move,
    }


def _phones(rng, h: _Households, age, zip_old, streets: StreetTable):
    """A mobile for most adults, a landline for some households; children are
    reached on a parent's number. Returns (phone, phone_old, home_phone)."""
    H, N, hh, starts = len(h.h_zip), len(h.hh), h.hh, h.starts
    mobile = np.where(
        (age >= 18) & (rng.random(N) < 0.92) | (age >= 13) & (age < 18) & (rng.random(N) < 0.5),
        _phone_numbers(rng, zip_old, streets),
        0,
    )
    landline = np.where(rng.random(H) < 0.33, _phone_numbers(rng, h.h_zip, streets), 0)
    home_phone = landline[hh]
    head_mobile = mobile[starts[hh]]
    parent_contact = np.where(head_mobile > 0, head_mobile, home_phone)
    phone = np.where(mobile > 0, mobile, np.where(h.is_child, parent_contact, home_phone))
    # some spouses give their partner's mobile as the family's number
    share_phone = h.is_spouse & (head_mobile > 0) & (rng.random(N) < 0.2)
    phone = np.where(share_phone, head_mobile, phone)
    phone_old = np.where(
        (mobile > 0) & (rng.random(N) < 0.2), _phone_numbers(rng, zip_old, streets), 0
    )
    return phone, phone_old, home_phone


def _emails(rng, h: _Households, age, dob, first, last, maiden, recently_married, table):
    """Mailbox and domain, built from the name the person had when they opened the account."""
    N, hh, starts = len(h.hh), h.hh, h.starts
    email_surname = np.where(recently_married, maiden, last)
    f_low = table.lower_fold[first]
    l_low = table.lower_fold[email_surname]
    yy = PAD2[(dob.astype("datetime64[Y]").astype(np.int64) + 1970) % 100]
    num = PLAIN[rng.integers(1, 999, N)]
    pattern = _pick(rng, N, [0.25, 0.25, 0.2, 0.15, 0.15])
    has_email = (age >= 18) & (rng.random(N) < np.clip(0.95 - age / 150, 0.3, 0.9))
    local = np.full(N, "", dtype=object)
    for p in range(5):
        i = np.flatnonzero(has_email & (pattern == p))
        f, sur = f_low[i], l_low[i]
        if p == 0:
            local[i] = _cat(f, ".", sur)
        elif p == 1:
            local[i] = _cat(f, sur, num[i])
        elif p == 2:
            local[i] = _cat(_first_letters(f), sur, num[i])
        elif p == 3:
            local[i] = _cat(f, "_", sur, yy[i])
        else:
            local[i] = _cat(f, yy[i], num[i])
    # duplicate mailbox names of different people get the person number added
    i = np.flatnonzero(has_email)
    dup = i[pd.Series(local[i]).duplicated(keep="first").to_numpy()]
    local[dup] = _cat(local[dup], PLAIN[dup % 10000])
    domain = np.array(EMAIL_DOMAINS, dtype=object)[rng.integers(0, len(EMAIL_DOMAINS), N)]
    share = h.is_spouse & has_email & (rng.random(N) < 0.12)
    head_local = local[starts[hh]]
    local = np.where(share & (head_local != ""), head_local, local)
    domain = np.where(share & (head_local != ""), domain[starts[hh]], domain)
    return local, domain


def _counterparts(relation, hh, starts, has_spouse, twin1, twin2, e_idx, f_idx) -> np.ndarray:
    n = len(relation)
    out = np.full(n, -1, dtype=np.int64)
    head = starts[hh]
    couple_head = (np.arange(n) == head) & has_spouse[hh]
    out[couple_head] = np.flatnonzero(couple_head) + 1
    spouse = (np.arange(n) == head + 1) & has_spouse[hh]
    out[spouse] = np.flatnonzero(spouse) - 1
    out[np.flatnonzero(twin1)] = np.flatnonzero(twin1) + 1
    out[np.flatnonzero(twin2)] = np.flatnonzero(twin2) - 1
    out[e_idx] = f_idx
    out[f_idx] = e_idx
    return out
