"""Rosters: who is in which programme, duplicates, truth; the sample set and next season."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ._arrays import _cat
from .corruption import LABELS, STYLES, Style, labels_text, render
from .exports import FORMATTERS, _ids
from .places import street_table
from .population import RELATIONS, Population, make_population


def person_ids(index: np.ndarray) -> np.ndarray:
    return _cat("P", pd.Series(index).astype(str).str.zfill(7).to_numpy(dtype=object))


def household_ids(index: np.ndarray) -> np.ndarray:
    return _cat("H", pd.Series(index).astype(str).str.zfill(7).to_numpy(dtype=object))


def build_roster(
    pop: Population,
    persons: np.ndarray,
    style: str,
    rng: np.random.Generator,
    fmt: str | None = None,
    n_rows: int | None = None,
    style_override: Style | None = None,
    detail: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One roster of the given people, exported in a style, with its truth.

    Args:
        pop: the population.
        persons: population indices of the distinct people in the roster.
        style: key of STYLES (habits and corruption rates).
        rng: random generator (the only source of randomness).
        fmt: key of FORMATTERS (defaults to ``style``).
        n_rows: total rows wanted; duplicates fill the gap (default: the style's rate).
        style_override: rates to use instead of ``STYLES[style]``.

    Returns:
        (frame of strings, truth with row, person_id, household_id, relation, corruptions).
    """
    st = style_override or STYLES[style]
    n_dup = round(len(persons) * st.duplicates) if n_rows is None else n_rows - len(persons)
    n_dup = max(0, min(n_dup, len(persons)))
    dup_people = rng.choice(persons, n_dup, replace=False) if n_dup else persons[:0]
    people = np.concatenate([persons, dup_people])
    dup = np.concatenate([np.zeros(len(persons), bool), np.ones(n_dup, bool)])
    order = rng.permutation(len(people))
    rd = render(pop, people[order], dup[order], st, rng)
    frame = FORMATTERS[fmt or style](rd, pop, rng)
    if detail is not None:
        detail["rendered"], detail["style"] = rd, st
    truth = pd.DataFrame(
        {
            "row": np.arange(1, len(people) + 1),
            "person_id": person_ids(rd.person),
            "household_id": household_ids(pop.household[rd.person]),
            "relation": RELATIONS[pop.relation[rd.person]],
            "corruptions": labels_text(rd.labels),
        }
    )
    return frame, truth


def _weighted_sample(rng, candidates: np.ndarray, k: int, weights=None) -> np.ndarray:
    """k distinct candidates, drawn with probability proportional to weight (Efraimidis-Spirakis)."""
    k = min(k, len(candidates))
    if weights is None:
        return candidates[rng.permutation(len(candidates))[:k]]
    key = np.log(rng.random(len(candidates))) / np.asarray(weights, dtype=float)
    return candidates[np.argsort(-key, kind="stable")[:k]]


def _bring_counterparts(pop, rng, chosen: np.ndarray, p: float, eligible: np.ndarray) -> np.ndarray:
    """Some people come with their spouse, twin, father or son (household hard cases)."""
    cp = pop.counterpart[chosen]
    ok = (cp >= 0) & (rng.random(len(chosen)) < p)
    extra = cp[ok]
    extra = extra[eligible[extra]]
    return np.unique(np.concatenate([chosen, extra]))


def _unique_in_order(values: np.ndarray) -> np.ndarray:
    _, first = np.unique(values, return_index=True)
    return values[np.sort(first)]


SAMPLE_FILES = {
    "parish": "st_agnes_parish_members.csv",
    "vita": "vita_tax_clinic_clients.xlsx",
    "job": "job_placement_participants.csv",
    "employer": "employer_new_hires.csv",
}
NEXT_SEASON_FILE = "vita_tax_clinic_clients_next_season.xlsx"
SAMPLE_SEED = 20261129
OUTREACH_ZIPS = ("60623", "60608")  # where the parish invited its members to the clinic


@dataclass
class SampleSet:
    pop: Population
    people: dict[str, np.ndarray]  # style -> distinct population indices


def sample_people(seed: int = SAMPLE_SEED) -> SampleSet:
    """The sample population and who is in each of the four programmes."""
    rng = np.random.default_rng(seed)
    pop = make_population(6200, rng)
    streets = street_table()
    adult = pop.age >= 18
    N = len(pop)
    zip_code = np.array(streets.zips)[pop.zip_new]

    # Parish: whole families, mostly Hispanic and Polish, around Little Village.
    H = pop.household.max() + 1
    starts = np.searchsorted(pop.household, np.arange(H))
    h_group = pop.group[starts]
    h_zip = np.array(streets.zips)[pop.zip_old[starts]]
    zip_w = {
        "60623": 1.8,
        "60608": 1.3,
        "60632": 1.2,
        "60804": 1.0,
        "60402": 0.9,
        "60629": 0.8,
        "60609": 0.6,
        "60616": 0.3,
        "60617": 0.3,
    }
    w = np.array([1.0, 0.15, 0.4, 1.6, 0.02, 0.1])[h_group] * np.vectorize(zip_w.get)(h_zip)
    h_order = _weighted_sample(rng, np.arange(H), H, w)
    cum = np.cumsum(pop.hh_size[starts][h_order])
    parish_h = h_order[: np.searchsorted(cum, 2450) + 1]
    in_parish_h = np.zeros(H, bool)
    in_parish_h[parish_h] = True
    member = in_parish_h[pop.household] & (
        (np.arange(N) == starts[pop.household]) | (rng.random(N) < 0.85)
    )
    parish = np.flatnonzero(member)
    in_p = member

    # Tax clinic: adults; a third of them are parishioners; couples often both.
    vita_n = 1650
    from_p = _weighted_sample(rng, np.flatnonzero(in_p & adult), round(0.33 * vita_n))
    rest = np.flatnonzero(~in_p & adult)
    site_w = np.where(np.isin(zip_code[rest], ["60616", "60617"]), 0.4, 1.0)
    vita = np.concatenate([from_p, _weighted_sample(rng, rest, vita_n - len(from_p), site_w)])
    vita = _bring_counterparts(pop, rng, vita, 0.35, adult)
    in_v = np.zeros(N, bool)
    in_v[vita] = True

    # Job placement: working-age adults; some already in the parish or clinic.
    working = adult & (pop.age <= 62)
    job_n = 1150
    pool = np.flatnonzero((in_p | in_v) & working)
    from_pv = _weighted_sample(
        rng, pool, round(0.20 * job_n), np.where(in_p[pool] & in_v[pool], 3.0, 1.0)
    )
    rest = np.flatnonzero(~in_p & ~in_v & working)
    job = np.concatenate([from_pv, _weighted_sample(rng, rest, job_n - len(from_pv))])
    job = _bring_counterparts(pop, rng, job, 0.15, working)
    in_j = np.zeros(N, bool)
    in_j[job] = True

    # Employer: hires many of the job programme's placements.
    hiring = adult & (pop.age <= 64)
    emp_n = 980
    pool_j = np.flatnonzero(in_j & hiring)
    from_j = _weighted_sample(
        rng, pool_j, round(0.26 * emp_n), np.where(in_p[pool_j] | in_v[pool_j], 2.0, 1.0)
    )
    pool_pv = np.flatnonzero((in_p | in_v) & ~in_j & hiring)
    from_pv = _weighted_sample(rng, pool_pv, round(0.06 * emp_n))
    rest = np.flatnonzero(~in_p & ~in_v & ~in_j & hiring)
    emp = np.concatenate(
        [from_j, from_pv, _weighted_sample(rng, rest, emp_n - len(from_j) - len(from_pv))]
    )
    emp = _bring_counterparts(pop, rng, emp, 0.10, hiring)
    return SampleSet(
        pop,
        {"parish": parish, "vita": np.sort(vita), "job": np.sort(job), "employer": np.sort(emp)},
    )


def make_samples(
    seed: int = SAMPLE_SEED, details: dict | None = None
) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """The four sample rosters as frames of strings, each with its truth (style -> (frame, truth)).

    ``details``, if given, receives per style the rendered rows and the rates used.
    """
    ss = sample_people(seed)
    out = {}
    for i, style in enumerate(SAMPLE_FILES):
        rng = np.random.default_rng([seed, i + 1])
        detail: dict = {}
        frame, truth = build_roster(ss.pop, ss.people[style], style, rng, detail=detail)
        if details is not None:
            details[style] = detail
        if style == "parish":  # a directory is in alphabetical order
            order = np.argsort(frame["Name"].str.upper().to_numpy(dtype=object), kind="stable")
            frame = frame.iloc[order].reset_index(drop=True)
            truth = truth.iloc[order].reset_index(drop=True)
            truth["row"] = np.arange(1, len(truth) + 1)
        truth.insert(0, "file", SAMPLE_FILES[style])
        out[style] = (frame, truth)
    return out


def scaled_style(style: Style, factor: float) -> Style:
    """The same habits with every corruption rate multiplied by ``factor`` (capped at 0.9)."""
    if factor == 1.0:
        return style

    def up(rate: float) -> float:
        return min(0.9, rate * factor)

    return replace(
        style,
        nickname=up(style.nickname),
        typo_first=up(style.typo_first),
        typo_last=up(style.typo_last),
        swap=up(style.swap),
        dob_missing=up(style.dob_missing),
        dob_placeholder=up(style.dob_placeholder),
        dob_swap=up(style.dob_swap),
        dob_typo=up(style.dob_typo),
        phone_missing=up(style.phone_missing),
        phone_placeholder=up(style.phone_placeholder),
        email_missing=up(style.email_missing),
        sex_missing=style.sex_missing if style.sex_missing >= 1 else up(style.sex_missing),
        suffix_shown=1 - up(1 - style.suffix_shown),
        recency=1 - up(1 - style.recency),
        maiden=up(style.maiden),
        second_surname_drop=up(style.second_surname_drop),
        unit_missing=up(style.unit_missing),
        middle_in_first=up(style.middle_in_first),
        first_initial=up(style.first_initial),
    )


def intended_rate(style: Style, label: str) -> float | None:
    """The rate a style applies a label at, among the rows where it can apply (None: no single rate)."""
    direct = {
        "nickname": style.nickname,
        "typo_first": style.typo_first,
        "typo_last": style.typo_last,
        "swap_names": style.swap,
        "maiden_name": style.maiden,
        "second_surname_dropped": style.second_surname_drop,
        "suffix_missing": 1 - style.suffix_shown,
        "old_address": 1 - style.recency,
        "unit_missing": style.unit_missing,
        "dob_missing": style.dob_missing,
        "dob_placeholder": style.dob_placeholder,
        "dob_day_month_swapped": style.dob_swap,
        "dob_typo": style.dob_typo,
        "phone_missing": style.phone_missing,
        "phone_placeholder": style.phone_placeholder,
        "old_phone": 1 - style.recency,
        "email_missing": style.email_missing,
        "sex_missing": style.sex_missing,
        "duplicate": style.duplicates / (1 + style.duplicates),
        "household_phone": style.home_phone,
        "middle_in_first": style.middle_in_first,
        "first_initial_only": style.first_initial,
    }
    if label == "accent_dropped":
        return (
            1.0 if style.charset == "ascii" else (None if style.charset == "cp1252" else style.fold)
        )
    return direct[label]


def label_rates(seed: int = SAMPLE_SEED) -> pd.DataFrame:
    """Per sample file and corruption label: rows where it could apply, rows labelled, observed and intended rate."""
    details: dict = {}
    make_samples(seed, details)
    rows = []
    for style, d in details.items():
        rd, st = d["rendered"], d["style"]
        for label in LABELS:
            app = rd.applicable[label]
            n_app = int(app.sum())
            n_lab = int((rd.labels[label] & app).sum())
            rows.append(
                {
                    "file": SAMPLE_FILES[style],
                    "label": label,
                    "applicable": n_app,
                    "labelled": n_lab,
                    "rate": n_lab / n_app if n_app else float("nan"),
                    "intended": intended_rate(st, label),
                }
            )
    return pd.DataFrame(rows)


def make_next_season(seed: int = SAMPLE_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Next season's tax-clinic roster: returning clients, parishioners reached by outreach, new people.

    Returns:
        (frame in the clinic's format, truth with ``source`` in
        {"returning", "converted", "new"}; "converted" = in the parish, not in
        this season's clinic roster, and now a client).
    """
    ss = sample_people(seed)
    pop = ss.pop
    rng = np.random.default_rng([seed, 2027])
    streets = street_table()
    adult = pop.age >= 17  # a year older next season
    N = len(pop)
    in_any = np.zeros(N, bool)
    for people in ss.people.values():
        in_any[people] = True
    in_v = np.zeros(N, bool)
    in_v[ss.people["vita"]] = True
    in_p = np.zeros(N, bool)
    in_p[ss.people["parish"]] = True
    returning = _weighted_sample(rng, ss.people["vita"], round(0.55 * len(ss.people["vita"])))
    targets = np.flatnonzero(in_p & ~in_v & adult)
    zip_code = np.array(streets.zips)[pop.zip_new[targets]]
    rate = np.where(np.isin(zip_code, OUTREACH_ZIPS), 0.25, 0.08)
    converted = targets[rng.random(len(targets)) < rate]
    new = _weighted_sample(rng, np.flatnonzero(~in_any & adult), 450)
    people = np.concatenate([returning, converted, new])
    source = np.concatenate(
        [
            np.full(len(returning), "returning"),
            np.full(len(converted), "converted"),
            np.full(len(new), "new"),
        ]
    ).astype(object)
    style = replace(STYLES["vita"], recency=0.85)
    rd_people = people  # keep source aligned through the shuffle inside build_roster
    frame, truth = build_roster(pop, rd_people, "vita", rng, style_override=style)
    src = dict(zip(person_ids(people), source, strict=True))
    truth["source"] = truth["person_id"].map(src)
    frame = frame.assign(**{"Client #": _ids("2027-", 0, len(frame), rng, 4)})
    truth.insert(0, "file", NEXT_SEASON_FILE)
    return frame, truth
