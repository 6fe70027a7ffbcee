"""Roster sets from pseudopeople (IHME's simulated US population), with its own noise.

pseudopeople 1.3.1 ships a sample population (one simulated town, Anytown WA,
~10,000 people at a time over 2019-2041) and generates the forms that people
fill in, with realistic noise (typos, OCR and phonetic errors, nicknames, fake
names, swapped day and month, blanks, copied household members' values,
missed and duplicated rows). Each form is written as its own roster, under the
column names pseudopeople gives it; ``simulant_id`` (the true person) and
``household_id`` never reach the files. The truth is ``simulant_id``; the
group of each record (issue 18) is the person's race/ethnicity as the
*noiseless* sample data records it (``decennial_census``, else the ACS, CPS or
WIC sample data), joined by ``simulant_id``; empty when no form records it.

Sets (``SETS``):

- ``pp-default``: 2020 census, 2020 Form 1040 filers, 2020 W-2/1099 forms,
  WIC enrolments 2019-2021, all at pseudopeople's default noise.
- ``pp-heavy``: the same forms with every row and cell noise probability of
  pseudopeople's default configuration multiplied by 3 (capped at 0.5);
  how badly a noised cell is damaged (token probabilities, age differences,
  ZIP digit probabilities) is left as pseudopeople sets it.
- ``pp-surveys-ssa``: the American Community Survey and the Current
  Population Survey (every year; people surveyed more than once appear more
  than once) and the Social Security records up to 2020 (an SSN's creation
  and, for the dead, its death: two rows).
- ``pp-ssa-taxes``: ten years on: Social Security records up to 2030, 2030
  Form 1040 filers and 2030 W-2/1099 forms (linked by SSN and names; no
  address in the SSA file, no date of birth in the tax forms).

Form 1040 rows: one row per return, as a tax clinic's client list keeps it: the
primary filer's name, SSN and mailing address, and the joint filer's
(``spouse_*``) in their own columns, as the form has them. The dependents'
columns are left out (a clinic lists its filers). The truth of a row is the
primary filer, even where the row also names a spouse.
"""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path

import pandas as pd

from bench.datasets import BENCH_DATA, Dataset, _cached, read_truth

SEED = 20261206
HEAVY_FACTOR = 3.0
HEAVY_CAP = 0.5
SOURCE = "pseudopeople 1.3.1 sample population"
ID_COLUMNS = ["simulant_id", "household_id"]
DEPENDENT_PREFIX = "dependent_"
RACE_SOURCES = [
    "decennial_census",
    "american_community_survey",
    "current_population_survey",
    "women_infants_and_children",
]


# Each set: (file stem, pseudopeople form, year argument, years kept or None).
Form = tuple[str, str, int | None, tuple[int, int] | None]
SETS: dict[str, tuple[list[Form], bool]] = {
    "pp-default": (
        [
            ("census_2020", "decennial_census", 2020, None),
            ("tax_1040_2020", "taxes_1040", 2020, None),
            ("w2_1099_2020", "taxes_w2_and_1099", 2020, None),
            ("wic_2019_2021", "women_infants_and_children", None, (2019, 2021)),
        ],
        False,
    ),
    "pp-heavy": (
        [
            ("census_2020", "decennial_census", 2020, None),
            ("tax_1040_2020", "taxes_1040", 2020, None),
            ("w2_1099_2020", "taxes_w2_and_1099", 2020, None),
            ("wic_2019_2021", "women_infants_and_children", None, (2019, 2021)),
        ],
        True,
    ),
    "pp-surveys-ssa": (
        [
            ("acs_all_years", "american_community_survey", None, None),
            ("cps_all_years", "current_population_survey", None, None),
            ("ssa_to_2020", "social_security", 2020, None),
        ],
        False,
    ),
    "pp-ssa-taxes": (
        [
            ("ssa_to_2030", "social_security", 2030, None),
            ("tax_1040_2030", "taxes_1040", 2030, None),
            ("w2_1099_2030", "taxes_w2_and_1099", 2030, None),
        ],
        False,
    ),
}
YEAR_COLUMN = {
    "decennial_census": "year",
    "women_infants_and_children": "year",
    "taxes_1040": "tax_year",
    "taxes_w2_and_1099": "tax_year",
    "american_community_survey": "survey_date",
    "current_population_survey": "survey_date",
}


def heavy_config(forms: list[str]) -> dict:
    """pseudopeople's default noise with every row and cell probability x3 (capped at 0.5).

    Args:
        forms: pseudopeople dataset names to configure.

    Returns:
        A configuration dictionary for pseudopeople's ``generate_*(config=...)``.
    """
    import pseudopeople as psp

    default = psp.get_config()

    def scale(node):
        if isinstance(node, dict):
            return {
                key: (
                    min(HEAVY_CAP, value * HEAVY_FACTOR)
                    if _is_row_or_cell_probability(key, value)
                    else scale(value)
                )
                for key, value in node.items()
            }
        return node

    return {form: scale(copy.deepcopy(default[form])) for form in forms}


def _is_row_or_cell_probability(key: str, value) -> bool:
    return (
        isinstance(key, str)
        and isinstance(value, int | float)
        and (key == "cell_probability" or key.startswith("row_probability"))
    )


def _generate(form: str, year: int | None, config: dict | None) -> pd.DataFrame:
    import pseudopeople as psp

    generate = getattr(psp, f"generate_{form}")
    return generate(seed=SEED, year=year, config=config, verbose=False)


def _roster(form: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The form as a roster file: no truth columns; a 1040 without its dependents' columns."""
    drop = [c for c in frame.columns if c in ID_COLUMNS]
    if form == "taxes_1040":
        drop += [c for c in frame.columns if c.startswith(DEPENDENT_PREFIX)]
    return frame.drop(columns=drop)


def race_by_person() -> pd.Series:
    """Race/ethnicity per simulant_id from pseudopeople's noiseless sample data."""
    base = resources.files("pseudopeople") / "data" / "sample_datasets"
    found = []
    for form in RACE_SOURCES:
        with resources.as_file(base / form / f"{form}.parquet") as path:
            raw = pd.read_parquet(path, columns=["simulant_id", "race_ethnicity"])
        found.append(raw.astype(str))
    race = pd.concat(found, ignore_index=True).drop_duplicates("simulant_id", keep="first")
    return race.set_index("simulant_id")["race_ethnicity"]


def build(name: str, folder: Path) -> None:
    """Generate the set's forms with pseudopeople and write rosters and truth into ``folder``."""
    forms, heavy = SETS[name]
    config = heavy_config(sorted({f for _, f, _, _ in forms})) if heavy else None
    race = race_by_person()
    folder.mkdir(parents=True, exist_ok=True)
    truths = []
    for stem, form, year, keep in forms:
        frame = _generate(form, year, config)
        if keep is not None:
            years = pd.to_numeric(frame[YEAR_COLUMN[form]], errors="coerce")
            frame = frame[years.between(*keep)]
        frame = frame.reset_index(drop=True)
        _roster(form, frame).to_csv(folder / f"{stem}.csv", index=False)
        ids = frame["simulant_id"].astype(str)
        truths.append(
            pd.DataFrame(
                {
                    "programme": stem,
                    "row": range(1, len(frame) + 1),
                    "true_id": ids,
                    "group": ids.map(race).fillna(""),
                }
            )
        )
    pd.concat(truths).to_csv(folder / "truth.csv", index=False)


def load(name: str) -> Dataset:
    """One pseudopeople roster set, generated once and cached under bench/data/<name>/."""
    if name not in SETS:
        raise ValueError(f"unknown pseudopeople set {name!r}")
    folder = BENCH_DATA / name
    stems = [stem for stem, _, _, _ in SETS[name][0]]
    if not _cached(folder, [f"{s}.csv" for s in stems]):
        build(name, folder)
    files = [folder / f"{s}.csv" for s in stems]
    return Dataset(name, files, stems, read_truth(folder / "truth.csv"), SOURCE)
