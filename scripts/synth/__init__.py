"""Synthetic rosters for Overlap: people in real ZIP codes, exported as real systems do.

A population of households (singles, couples, families, twins, fathers and sons
named Jr/Sr, women who married and changed their surname, people who moved)
lives in nine real ZIP codes of Chicago, Cicero and Berwyn. Programmes enrol
some of them and export their rosters each in its own format, with the
corruptions real exports have: nicknames, typos, swapped names, accents
dropped, maiden names, old addresses, missing and placeholder dates and
phones, day/month swaps, duplicates. Every row's true person is kept apart in
a truth table, labelled with the corruptions applied to it.

Everything is vectorised with numpy (names are integer ids into string
tables; typos and nicknames are looked up, not computed per row), so a
million-row roster takes seconds. Phone numbers are random subscriber numbers
with local area codes (no N11 or 555 exchanges); emails use the reserved
example.* domains.

Modules, in the order data flows: ``places`` (ZIPs, streets) and
``name_lists`` (names, nicknames) are the raw material; ``names`` turns
names into integer string tables with typos; ``population`` draws the
households; ``corruption`` renders chosen people as a programme's system
would, corruptions and labels included; ``exports`` writes each system's
columns; ``rosters`` enrols people and builds the samples; ``scale`` makes
large linked rosters for benchmarks.

Entry points: ``make_samples``, ``make_next_season``, ``make_linked_pair``,
``make_rosters`` (see ``scripts/make_samples.py`` for the files). Import it
as ``synth`` with ``scripts/`` on ``sys.path``.
"""

from ._arrays import (
    PAD2,
    PAD3,
    PAD4,
    PLAIN,
)
from .corruption import (
    LABELS,
    STYLES,
    Rendered,
    Style,
    labels_text,
    render,
)
from .exports import (
    AGE_BANDS,
    CASE_MANAGERS,
    EMPLOYER_DEPTS,
    FILING,
    FORMATTERS,
    JOB_TRACKS,
    PARISH_MINISTRIES,
    SUFFIX_TEXT,
    VITA_SITES,
    format_employer,
    format_job,
    format_parish,
    format_plain,
    format_vita,
)
from .name_lists import (
    FIRST_NAMES,
    NICKNAMES,
    SURNAMES,
    TAIL_SHARE,
)
from .names import (
    TYPO_VARIANTS,
    NameTable,
    name_table,
)
from .places import (
    AREA_CODES_CHICAGO,
    AREA_CODES_SUBURBS,
    DIRECTION_LONG,
    GROUPS,
    STREET_SUFFIX_LONG,
    UNIT_WEIGHTS,
    UNITS,
    ZIP_PROFILE,
    ZIP_STREETS,
    StreetTable,
    street_table,
)
from .population import (
    EMAIL_DOMAINS,
    HH_COUPLE,
    HH_FAMILY,
    HH_SINGLE,
    HH_SINGLE_PARENT,
    REF_DATE,
    REL_CHILD,
    REL_JR,
    REL_PARENT,
    REL_SINGLE,
    REL_SPOUSE,
    REL_SR,
    REL_TWIN,
    RELATIONS,
    Population,
    make_population,
)
from .rosters import (
    NEXT_SEASON_FILE,
    OUTREACH_ZIPS,
    SAMPLE_FILES,
    SAMPLE_SEED,
    SampleSet,
    build_roster,
    household_ids,
    intended_rate,
    label_rates,
    make_next_season,
    make_samples,
    person_ids,
    sample_people,
    scaled_style,
)
from .scale import (
    ADULTS_PER_ZIP,
    make_linked_pair,
    make_rosters,
    with_name_origin,
)
from .scale import _population_for as _population_for  # tests/test_samples.py

__all__ = [
    "ADULTS_PER_ZIP",
    "AGE_BANDS",
    "AREA_CODES_CHICAGO",
    "AREA_CODES_SUBURBS",
    "CASE_MANAGERS",
    "DIRECTION_LONG",
    "EMAIL_DOMAINS",
    "EMPLOYER_DEPTS",
    "FILING",
    "FIRST_NAMES",
    "FORMATTERS",
    "GROUPS",
    "HH_COUPLE",
    "HH_FAMILY",
    "HH_SINGLE",
    "HH_SINGLE_PARENT",
    "JOB_TRACKS",
    "LABELS",
    "NEXT_SEASON_FILE",
    "NICKNAMES",
    "NameTable",
    "OUTREACH_ZIPS",
    "PAD2",
    "PAD3",
    "PAD4",
    "PARISH_MINISTRIES",
    "PLAIN",
    "Population",
    "REF_DATE",
    "RELATIONS",
    "REL_CHILD",
    "REL_JR",
    "REL_PARENT",
    "REL_SINGLE",
    "REL_SPOUSE",
    "REL_SR",
    "REL_TWIN",
    "Rendered",
    "SAMPLE_FILES",
    "SAMPLE_SEED",
    "STREET_SUFFIX_LONG",
    "STYLES",
    "SUFFIX_TEXT",
    "SURNAMES",
    "SampleSet",
    "StreetTable",
    "Style",
    "TAIL_SHARE",
    "TYPO_VARIANTS",
    "UNITS",
    "UNIT_WEIGHTS",
    "VITA_SITES",
    "ZIP_PROFILE",
    "ZIP_STREETS",
    "build_roster",
    "format_employer",
    "format_job",
    "format_parish",
    "format_plain",
    "format_vita",
    "household_ids",
    "intended_rate",
    "label_rates",
    "labels_text",
    "make_linked_pair",
    "make_next_season",
    "make_population",
    "make_rosters",
    "make_samples",
    "name_table",
    "person_ids",
    "render",
    "sample_people",
    "scaled_style",
    "street_table",
    "with_name_origin",
]
