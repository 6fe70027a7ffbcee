"""Large linked rosters for benchmarks, vectorised end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .corruption import STYLES
from .places import GROUPS, ZIP_PROFILE, street_table
from .population import Population, make_population
from .rosters import SAMPLE_FILES, build_roster, scaled_style

ADULTS_PER_ZIP = 20_000  # a busy real ZIP; the nine profiled ZIPs hold up to 180,000 adults


def _population_for(adults_needed: int, rng, zips: int | None = None) -> Population:
    """A population with enough adults; ZIPs added once nine would be over-full."""
    if zips is None:
        zips = max(len(ZIP_PROFILE), -(-adults_needed // ADULTS_PER_ZIP))
    zips = min(zips, len(street_table().zips))
    return make_population(max(50, int(adults_needed / 1.75) + 50), rng, zips=zips)


def with_name_origin(truth: pd.DataFrame, pop: Population) -> pd.DataFrame:
    """The truth plus ``name_origin``: the group (GROUPS) each person's names were drawn from.

    Benchmarks score accuracy per group with it (does one community get matched worse?).
    """
    index = truth["person_id"].str[1:].astype(np.int64).to_numpy()
    return truth.assign(name_origin=np.asarray(GROUPS, dtype=object)[pop.group[index]])


def make_linked_pair(
    n: int,
    seed: int,
    shared: float = 0.3,
    styles: tuple[str, str] = ("vita", "employer"),
    duplicates: float = 0.02,
    corruption: float = 1.0,
    zips: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Two rosters of ``n`` rows each, about ``shared`` of their people in both.

    Same realism as the samples (households, twins, Jr/Sr, nicknames, typos,
    moves, placeholders...). Vectorised: a million rows each take seconds.

    Args:
        n: rows per roster.
        seed: random seed (same seed, same output).
        shared: share of each roster's distinct people who are also in the other.
        styles: export styles of the two rosters (keys of FORMATTERS: "vita",
            "employer", "job", "parish", "plain").
        duplicates: share of each roster's rows that re-register a person.
        corruption: multiplies every corruption rate (3.0 leaves about a third
            of the identifying fields missing or wrong: the messy rosters
            Overlap must also handle).
        zips: how many ZIPs the people live in; default: the nine profiled
            ones, more once they would hold over ``ADULTS_PER_ZIP`` adults
            each (9 at 100,000 rows per roster, 84 at a million). Pass 9 to
            crowd a million into nine ZIPs (a blocking stress test).

    Returns:
        (frame_a, frame_b, truth); truth has ``file`` ("a"/"b"), ``row``
        (1-based), ``person_id``, ``household_id``, ``relation``, ``corruptions``,
        ``name_origin``.
    """
    rng = np.random.default_rng(seed)
    unique = n - round(n * duplicates)
    s = round(shared * unique)
    pop = _population_for(2 * unique - s, rng, zips)
    adults = np.flatnonzero(pop.age >= 18)
    if len(adults) < 2 * unique - s:  # pragma: no cover - population sized with margin
        raise ValueError("population too small")
    pick = adults[rng.permutation(len(adults))[: 2 * unique - s]]
    a_people = pick[:unique]
    b_people = np.concatenate([pick[:s], pick[unique:]])
    frames, truths = [], []
    for label, people, style in (("a", a_people, styles[0]), ("b", b_people, styles[1])):
        rates = scaled_style(STYLES.get(style, STYLES["vita"]), corruption)
        frame, truth = build_roster(
            pop,
            people,
            style if style in STYLES else "vita",
            rng,
            fmt=style,
            n_rows=n,
            style_override=rates,
        )
        truth.insert(0, "file", label)
        frames.append(frame)
        truths.append(truth)
    return frames[0], frames[1], with_name_origin(pd.concat(truths, ignore_index=True), pop)


def make_rosters(
    n_files: int,
    rows_each: int,
    seed: int,
    shared: float = 0.3,
    styles: list[str] | None = None,
    duplicates: float = 0.02,
    corruption: float = 1.0,
) -> tuple[list[pd.DataFrame], pd.DataFrame]:
    """``n_files`` rosters of ``rows_each`` rows; about ``shared`` of each file's people are in another.

    Args:
        n_files: number of rosters (2 or more).
        rows_each: rows per roster.
        seed: random seed.
        shared: target share of a roster's distinct people also found in at least one other.
        styles: export style per file (default: parish, vita, job, employer, repeating).
        duplicates: share of rows that re-register a person of the same roster.
        corruption: multiplies every corruption rate (see ``make_linked_pair``).

    Returns:
        (frames, truth); truth's ``file`` is "roster_1", "roster_2", ...; its
        ``name_origin`` is the group each person's names come from.
    """
    if n_files < 2:
        raise ValueError("make_rosters needs at least two files")
    rng = np.random.default_rng(seed)
    styles = styles or [list(SAMPLE_FILES)[i % 4] for i in range(n_files)]
    unique = rows_each - round(rows_each * duplicates)
    # Each file draws part of its people from a common core; the core is sized
    # so a core person of one file is in another with probability 0.8.
    q = 1 - 0.2 ** (1 / (n_files - 1))
    k_core = min(unique, round(unique * shared / 0.8))
    core_n = max(k_core, round(k_core / q))
    own_n = unique - k_core
    total = core_n + n_files * own_n
    pop = _population_for(total, rng)
    adults = np.flatnonzero(pop.age >= 18)
    pick = adults[rng.permutation(len(adults))[:total]]
    core = pick[:core_n]
    frames, truths = [], []
    for i in range(n_files):
        people = np.concatenate(
            [
                core[rng.permutation(core_n)[:k_core]],
                pick[core_n + i * own_n : core_n + (i + 1) * own_n],
            ]
        )
        rates = scaled_style(STYLES.get(styles[i], STYLES["vita"]), corruption)
        frame, truth = build_roster(
            pop, people, styles[i], rng, n_rows=rows_each, style_override=rates
        )
        truth.insert(0, "file", f"roster_{i + 1}")
        frames.append(frame)
        truths.append(truth)
    return frames, with_name_origin(pd.concat(truths, ignore_index=True), pop)
