"""Map a roster's own column names to Overlap's canonical fields.

Every system names its columns differently ("DOB", "Birthdate", "Fecha de
nacimiento"), so the guess is made from headers first, normalised for case,
accents, punctuation and camel case, and, where a header says nothing
("Column 3", "Field7", "Contact"), from what the values look like. The result
is plain data (``raw column -> field``) that the user can overrule on the
command line or in the dashboard; every guess carries a reason in plain words
that never quotes a cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from overlap.errors import MappingError
from overlap.fields import (
    CANONICAL_FIELDS,
    DATE_PARTS,
    FIELD_BY_NAME,
    FIELD_WORDS,
    MULTI_COLUMN_FIELDS,
    STREET_PARTS,
)
from overlap.headers import (
    _AMBIGUOUS_ADDRESS,
    _AMBIGUOUS_NOMBRE,
    _GENERIC_HEADER,
    _NO_SNIFF_WORDS,
    _OWN_PREFIXES,
    _field_from_header,
    _field_from_words,
    normalise_header,
)

if TYPE_CHECKING:  # annotations only: numpy and pandas are imported where they are used
    import numpy as np  # (not in a browser)
    import pandas as pd

IGNORE = "ignore"  # override value: leave the column out entirely
ATTRIBUTE = "attribute"  # override value: keep the column as an attribute, not a field
EVIDENCE = "evidence"  # override value: compare this column across rosters (overlap.evidence)
UNMAP = {IGNORE, ATTRIBUTE}

SNIFF_SAMPLE = 2000  # values looked at per column, spread over the whole file
SNIFF_SHARE = 0.8  # share of filled values that must look like the field


@dataclass
class MappingGuess:
    """A proposed mapping and, for every mapped column, why it was proposed."""

    mapping: dict[str, str]
    evidence: dict[str, str]
    columns: list[str] = field(default_factory=list)  # every raw column, in file order

    @property
    def missing_required(self) -> list[str]:
        """What the roster lacks to be matched at all, in plain words."""
        return missing_required(self.mapping)


@dataclass
class MappedRoster:
    """A roster split into canonical fields and attributes, one record per person.

    A row naming two people ("Smith, John & Mary") is two records: ``rows``
    holds each record's 1-based row in the roster and ``parts`` its part
    (1, 2; 0 for a row naming one person). None: one record per row.
    """

    name: str
    fields: pd.DataFrame
    attributes: pd.DataFrame
    roster: object  # overlap.ingest.Roster (not imported, to keep the stages independent)
    mapping: dict[str, str]
    rows: np.ndarray | None = None
    parts: np.ndarray | None = None


# ---------------------------------------------------------------------------
# Guessing


def guess_mapping(frame: pd.DataFrame) -> MappingGuess:
    """Guess which column holds which canonical field.

    Args:
        frame: a roster's frame of strings (``Roster.frame``).

    Returns:
        A ``MappingGuess``; columns it does not map stay attributes.
    """
    from overlap.repair import UNSPLIT_COLUMN  # repair needs numpy: imported where it is used
    columns = [str(c) for c in frame.columns]
    mapping: dict[str, str] = {}
    evidence: dict[str, str] = {}
    header_fields = {raw: _field_from_header(raw) for raw in columns}
    if UNSPLIT_COLUMN in header_fields:  # ingest's column for rows it could not split
        header_fields[UNSPLIT_COLUMN] = None
        evidence[UNSPLIT_COLUMN] = "fields of rows that could not be told apart, as written"
    for raw in columns:
        guessed = header_fields[raw]
        if guessed is None:
            continue
        canonical, why = _settle_ambiguous(raw, guessed, header_fields, frame)
        if canonical is None:
            evidence[raw] = why
            continue
        if canonical in mapping.values() and canonical not in MULTI_COLUMN_FIELDS:
            evidence[raw] = (
                f"also looks like {FIELD_WORDS[canonical]}, but an earlier column is used"
            )
            continue
        mapping[raw], evidence[raw] = canonical, why
    for raw in columns:
        if raw in mapping or raw in evidence or not _may_sniff(raw, header_fields[raw]):
            continue
        sniffed = _sniff_column(frame[raw])
        if sniffed is None:
            continue
        canonical, why = sniffed
        if canonical in mapping.values():
            evidence[raw] = f"{why}, but another column already gives {FIELD_WORDS[canonical]}"
            continue
        mapping[raw], evidence[raw] = canonical, why
    mapping = {raw: mapping[raw] for raw in columns if raw in mapping}  # file order
    _one_address(mapping, evidence)
    _street_without_number(mapping, evidence, frame)
    _say_combined(mapping, evidence)
    _check_date_parts(mapping, evidence, frame)
    return MappingGuess(mapping=mapping, evidence=evidence, columns=columns)


_ADDRESS_FIELDS = {"address", "street", "unit", "city", "state", "zip", *STREET_PARTS}


def _address_group(raw: str) -> str:
    """The words before the field in an address column's header ("mailing address", or "")."""
    words = normalise_header(raw)
    for prefix in sorted(_OWN_PREFIXES, key=len, reverse=True):
        if words.startswith(prefix + " ") and _field_from_words(words[len(prefix) + 1 :]):
            return prefix
    return ""


def _one_address(mapping: dict[str, str], evidence: dict[str, str]) -> None:
    """Keep one address per person: a second set of address columns stays an attribute.

    A tax form may give a home and a mailing address; Overlap compares one
    address per record, so the set with the most columns (the first, on a
    tie) is used and the other is said to be left out.
    """
    groups: dict[str, list[str]] = {}
    for raw, canonical in mapping.items():
        if canonical in _ADDRESS_FIELDS:
            groups.setdefault(_address_group(raw), []).append(raw)
    if len(groups) < 2:
        return
    chosen = max(groups, key=lambda g: len(groups[g]))  # max keeps the first on a tie
    for group, raws in groups.items():
        if group == chosen:
            continue
        for raw in raws:
            del mapping[raw]
            where = f"'{chosen}' columns" if chosen else "the other address columns"
            evidence[raw] = (
                f"a second address ({group or 'unlabelled'}); Overlap compares one address "
                f"per person and uses {where}, so this stays an attribute"
            )


def _say_combined(mapping: dict[str, str], evidence: dict[str, str]) -> None:
    """Tell, on each street-part column, which columns are put together into one street."""
    parts = [raw for raw, canonical in mapping.items() if canonical in STREET_PARTS]
    if not parts:
        return
    names = ", ".join(f"'{raw}'" for raw in parts)
    for raw in parts:
        evidence[raw] = f"{evidence.get(raw, '')}; {names} are put together into one street address"


_DATE_PART_RANGE = {"birth_year": (1000, 2100), "birth_month": (1, 12), "birth_day": (1, 31)}


def _check_date_parts(mapping: dict[str, str], evidence: dict[str, str], frame) -> None:
    """Year, month and day of birth in columns of their own: numbers in range, or not that."""
    import pandas as pd
    parts = [raw for raw, canonical in mapping.items() if canonical in DATE_PARTS]
    for raw in parts:
        low, high = _DATE_PART_RANGE[mapping[raw]]
        sample = _sample_values(frame[raw])
        numbers = pd.to_numeric(sample.str.replace(r"\.0+$", "", regex=True), errors="coerce")
        fits = float(((numbers >= low) & (numbers <= high)).mean()) if len(sample) else 0.0
        if fits < SNIFF_SHARE:
            del mapping[raw]
            evidence[raw] = (
                f"the header '{raw}' could be a part of a birth date, but its values are not"
            )
    kept = [raw for raw in parts if raw in mapping]
    if kept and "birth_year" not in {mapping[raw] for raw in kept}:
        for raw in kept:  # a month or a day without a year tells nothing
            del mapping[raw]
            evidence[raw] = "a month or day of birth without a year of birth; kept as an attribute"
        kept = []
    if kept:
        names = ", ".join(f"'{raw}'" for raw in kept)
        for raw in kept:
            evidence[raw] = (
                f"{evidence.get(raw, '')}; {names} are put together into one date of birth"
            )


def _assemble_dob(fields: pd.DataFrame) -> None:
    """Year, month and day of birth from columns of their own, as one date ("1994-08-15").

    A year alone, or a year and a month, give what is known (a date known in part).
    """
    year, month, day = (
        fields[f].str.replace(r"\.0+$", "", regex=True).str.strip() for f in DATE_PARTS
    )
    if not (year != "").any():
        return
    whole = (year != "") & (month != "") & (day != "")
    dob = year.mask((year != "") & (month != ""), year + "-" + month.str.zfill(2))
    dob = dob.mask(whole, year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2))
    fields["dob"] = fields["dob"].mask(fields["dob"] == "", dob)


def _street_without_number(mapping: dict[str, str], evidence: dict[str, str], frame) -> None:
    """A 'street' column beside a house-number column holds the street name alone."""
    fields = set(mapping.values())
    if "house_number" not in fields or "street_name" in fields:
        return
    for raw, canonical in list(mapping.items()):
        if canonical != "street":
            continue
        sample = _sample_values(frame[raw])
        if len(sample) and float(sample.str.match(r"^\d").mean()) < 0.5:
            mapping[raw] = "street_name"
            evidence[raw] = (
                f"the header '{raw}' is a street, and its values have no house number "
                "(another column holds them): read as the street name"
            )


def _settle_ambiguous(raw: str, guessed: str, header_fields: dict, frame: pd.DataFrame):
    """Field and reason for a header match; resolves 'Address' and 'Nombre' from context."""
    header_words = f"the header '{raw}'"
    if guessed == "someone-else":
        return None, f"{header_words} is about someone else or not personal; kept as an attribute"
    if guessed in _AMBIGUOUS_ADDRESS:
        if any(f in ("city", "zip", "state") for f in header_fields.values()):
            return "street", f"{header_words} is an address and other columns hold city or ZIP"
        share = _share(frame[raw], _ONE_LINE_ADDRESS)
        if share >= 0.5:
            return (
                "address",
                f"{header_words} is an address and {share:.0%} of values include city and ZIP",
            )
        return "street", f"{header_words} is an address and no column holds a city or ZIP"
    if guessed in _AMBIGUOUS_NOMBRE:
        if "last_name" in header_fields.values():
            return "first_name", f"{header_words} means first name next to a last-name column"
        return "full_name", f"{header_words} means the whole name (no last-name column)"
    return guessed, f"{header_words} means {FIELD_WORDS[guessed]}"


def _may_sniff(raw: str, header_field: str | None) -> bool:
    """Sniff values only where the header says nothing about what the column is."""
    if header_field is not None:
        return False
    words = normalise_header(raw)
    if _GENERIC_HEADER.match(words):
        return True
    return not (set(words.split()) & _NO_SNIFF_WORDS)


# ---------------------------------------------------------------------------
# Sniffing values

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(
    r"^(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(\s*(x|ext\.?)\s*\d{1,5})?$", re.I
)
_ZIP = re.compile(r"^\d{5}(-?\d{4})?$")
_SSN = re.compile(r"^\d{3}-\d{2}-\d{4}$")
_LAST_FIRST = re.compile(r"^[^\W\d_][^,\d]*,\s*[^\W\d_][^,\d]*$")
_ONE_LINE_ADDRESS = re.compile(
    r"^\d+[A-Za-z]?\s+[^,]+,(\s*[^,]+,)?\s*[^,\d]+,?\s+[A-Za-z]{2}\.?\s+\d{5}(-\d{4})?$"
)
_STREET = re.compile(
    r"^\d+[A-Za-z]?\s+(.+\s)?(st|street|ave|av|avenue|rd|road|blvd|boulevard|dr|drive|ln|lane|"
    r"ct|court|way|pl|place|pkwy|parkway|hwy|highway|ter|terrace|cir|circle|sq|square|trl|"
    r"trail|calle|avenida)\.?(\s.*)?$",
    re.I,
)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})([T ].*)?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_WORD_DATE = re.compile(
    r"^(\d{1,2}\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic)[a-z]*\.?"
    r"\s+(\d{1,2},?\s+)?(\d{4})$",
    re.I,
)
_STATES = set(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP".split()
)
_SEXES = {
    "m", "f", "male", "female", "man", "woman", "h", "hombre", "mujer", "masculino",
    "femenino", "x", "u", "unknown", "other", "nonbinary", "non-binary", "otro",
}  # fmt: skip


def _sniff_column(values: pd.Series) -> tuple[str, str] | None:
    """The field a column's values look like, with the share that does, or None."""
    sample = _sample_values(values)
    if len(sample) < 3:
        return None
    for canonical, test in _SNIFFERS:
        share = test(sample)
        if share >= SNIFF_SHARE:
            return canonical, f"{share:.0%} of filled values look like {_LOOKS_LIKE[canonical]}"
    return None


def _sample_values(values: pd.Series) -> pd.Series:
    """Up to SNIFF_SAMPLE filled values spread evenly over the column (same answer every time)."""
    values = values.iloc[:: max(1, len(values) // (SNIFF_SAMPLE * 10))]  # a million rows: cheap
    filled = values[values.str.strip() != ""].str.strip()
    step = max(1, len(filled) // SNIFF_SAMPLE)
    return filled.iloc[::step].iloc[:SNIFF_SAMPLE]


def _share(values: pd.Series, pattern: re.Pattern) -> float:
    sample = _sample_values(values)
    if len(sample) == 0:
        return 0.0
    return float(sample.str.match(pattern).mean())


def _pattern_share(pattern: re.Pattern):
    return lambda sample: float(sample.str.match(pattern).mean())


def _zip_share(sample: pd.Series) -> float:
    """ZIPs are five digits and repeat; five-digit IDs do not repeat."""
    share = float(sample.str.match(_ZIP).mean())
    if len(sample) >= 20 and sample.nunique() > 0.7 * len(sample):
        return 0.0
    return share


def _birth_date_share(sample: pd.Series) -> float:
    """Dates spread over decades and in the past read as birth dates; visit dates do not."""
    import pandas as pd
    years = (
        sample.str.extract(_ISO_DATE)[0]
        .fillna(sample.str.extract(_SLASH_DATE)[2])
        .fillna(sample.str.extract(_WORD_DATE)[3])
    )
    share = float(years.notna().mean())
    full_years = pd.to_numeric(years[years.str.len() == 4], errors="coerce").dropna()
    if len(full_years) >= 5:
        this_year = dt.date.today().year
        if full_years.max() - full_years.min() < 15 or full_years.median() > this_year - 10:
            return 0.0
    return share


def _last_first_share(sample: pd.Series) -> float:
    """'GARCIA, MARIA' names: one comma, letters either side, and most values distinct."""
    if len(sample) >= 20 and sample.nunique() < 0.5 * len(sample):
        return 0.0
    return float(sample.str.match(_LAST_FIRST).mean())


def _state_share(sample: pd.Series) -> float:
    return float(sample.str.upper().str.rstrip(".").isin(_STATES).mean())


def _sex_share(sample: pd.Series) -> float:
    if sample.nunique() > 6:
        return 0.0
    return float(sample.str.lower().isin(_SEXES).mean())


_SNIFFERS = [
    ("email", _pattern_share(_EMAIL)),
    ("ssn", _pattern_share(_SSN)),
    ("phone", _pattern_share(_PHONE)),
    ("dob", _birth_date_share),
    ("zip", _zip_share),
    ("address", _pattern_share(_ONE_LINE_ADDRESS)),
    ("street", _pattern_share(_STREET)),
    ("full_name", _last_first_share),
    ("state", _state_share),
    ("sex", _sex_share),
]

_LOOKS_LIKE = {
    "ssn": "social security numbers",
    "email": "email addresses",
    "phone": "phone numbers",
    "dob": "birth dates",
    "zip": "ZIP codes",
    "address": "one-line addresses with city and ZIP",
    "street": "street addresses",
    "full_name": "names written last name first",
    "state": "state abbreviations",
    "sex": "sex or gender codes",
}


# ---------------------------------------------------------------------------
# Checking and applying


def missing_required(mapping: dict[str, str]) -> list[str]:
    """What a mapping lacks for matching: a name, whole or in first and last parts."""
    fields = set(mapping.values())
    if "full_name" in fields or {"first_name", "last_name"} <= fields:
        return []
    return ["a name column (a full name, or first and last names)"]


def check_linkable(mapping: dict[str, str], file_name: str) -> None:
    """Refuse a roster that cannot be matched, in one sentence the user can act on.

    Raises:
        MappingError: the mapping has no name field.
    """
    if missing_required(mapping):
        stem = Path(file_name).stem
        raise MappingError(
            f"{file_name} has no name column that Overlap recognises; tell it which column "
            f"holds names, e.g. --map {stem}:COLUMN=full_name."
        )


def apply_mapping(roster, mapping: dict[str, str]) -> MappedRoster:
    """Split a roster into the canonical fields and the attributes.

    Args:
        roster: an ``overlap.ingest.Roster``.
        mapping: raw column -> canonical field (or ``ignore`` / ``attribute``).

    Returns:
        A ``MappedRoster`` with every canonical field present ("" where unmapped);
        several columns mapped to one field are joined with " | ".

    Raises:
        MappingError: the mapping names an unknown field or a column the file lacks.
    """
    import pandas as pd

    from overlap.evidence import records_column
    from overlap.split_rows import split_shared_rows

    frame = roster.frame
    file_name = getattr(roster, "file_name", "") or roster.name
    _validate(mapping, list(frame.columns), file_name)
    fields = pd.DataFrame(index=frame.index)
    for canonical in CANONICAL_FIELDS:
        raws = [raw for raw in frame.columns if mapping.get(raw) == canonical]
        fields[canonical] = _join_columns(frame, raws, FIELD_BY_NAME[canonical].join)
    _assemble_street(fields)
    _assemble_dob(fields)
    for raw, target in mapping.items():
        if target.startswith(EVIDENCE + ":"):  # also kept as an attribute, to group by
            fields[records_column(target)] = frame[raw].astype("str")
    attributes = frame[[c for c in frame.columns if _kept_as_attribute(mapping.get(c))]]
    used = {raw: f for raw, f in mapping.items() if f not in UNMAP and f != EVIDENCE}
    fields, source, parts = split_shared_rows(fields)
    shared = bool(parts.any())
    return MappedRoster(
        name=roster.name,
        fields=fields,
        attributes=attributes.iloc[source].reset_index(drop=True) if shared else attributes.copy(),
        roster=roster,
        mapping=used,
        rows=source + 1 if shared else None,
        parts=parts if shared else None,
    )


def _kept_as_attribute(target: str | None) -> bool:
    return target is None or target in (ATTRIBUTE, EVIDENCE) or target.startswith(EVIDENCE + ":")


def _known_target(target: str) -> bool:
    return target in CANONICAL_FIELDS or target in UNMAP or target.split(":")[0] == EVIDENCE


def _validate(mapping: dict[str, str], columns: list[str], file_name: str) -> None:
    for raw, canonical in mapping.items():
        if not _known_target(canonical):
            raise MappingError(
                f"'{canonical}' is not a field Overlap knows (mapping column '{raw}' of "
                f"{file_name}); use one of: {', '.join(CANONICAL_FIELDS)}, ignore, attribute."
            )
        if raw not in columns:
            raise MappingError(
                f"{file_name} has no column named '{raw}'; its columns are: {', '.join(columns)}."
            )


def _join_columns(frame: pd.DataFrame, raws: list[str], sep: str = " | ") -> pd.Series:
    """One column, or the filled values of several joined with ``sep`` (vectorised)."""
    import pandas as pd
    if not raws:
        return pd.Series("", index=frame.index, dtype="str")
    joined = frame[raws[0]].astype("str").str.strip()
    for raw in raws[1:]:
        other = frame[raw].astype("str").str.strip()
        both = (joined != "") & (other != "")
        joined = joined.mask(joined == "", other).mask(both, joined + sep + other)
    return joined


def _assemble_street(fields: pd.DataFrame) -> None:
    """Street parts from columns of their own, put together as a person writes them.

    "5112" + "145th st" -> "5112 145th st"; a PO box alone -> "PO Box 14011".
    Only where the roster's own street column (if any) is empty.
    """
    house, name, box = (fields[f] for f in STREET_PARTS)
    if not ((house != "").any() or (name != "").any() or (box != "").any()):
        return
    parts = (house + " " + name).str.strip()
    parts = parts.mask((parts == "") & (box != ""), "PO Box " + box)
    street = fields["street"]
    fields["street"] = street.mask(street == "", parts)


# ---------------------------------------------------------------------------
# Overrides: --map FILE:RAW=FIELD


ANY_FILE = "*"


def parse_map_overrides(
    specs: list[str], default_file: str = ANY_FILE
) -> dict[str, dict[str, str]]:
    """Parse ``FILE:RAW=FIELD`` options into ``{file: {raw: field}}``.

    Args:
        specs: the option values as typed; ``FILE`` is a file's name or stem,
            and may be left out (``RAW=FIELD``) to mean ``default_file``.
        default_file: the key for specs without a ``FILE:`` part.

    Returns:
        Overrides per file; a field of ``ignore`` or ``attribute`` unmaps the column.

    Raises:
        MappingError: a spec is not of the form ``FILE:RAW=FIELD`` or names an unknown field.
    """
    overrides: dict[str, dict[str, str]] = {}
    for spec in specs:
        file_key, raw, canonical = parse_map_spec(spec)
        overrides.setdefault(default_file if file_key is None else file_key, {})[raw] = canonical
    return overrides


def parse_map_spec(spec: str) -> tuple[str | None, str, str]:
    """One ``--map FILE:COLUMN=FIELD`` as ``(FILE or None, COLUMN, FIELD)``.

    The FILE is what comes before the first ':' (a column name may hold ':',
    a file name rarely does); the FIELD is what follows the last '='.

    Raises:
        MappingError: the spec is not of that form or names an unknown field.
    """
    left, equals, canonical = spec.rpartition("=")
    canonical = canonical.strip()
    if not equals or not left.strip() or not canonical:
        raise MappingError(f"--map '{spec}' is not of the form FILE:COLUMN=FIELD.")
    file_key, colon, raw = left.partition(":")
    if canonical not in CANONICAL_FIELDS and canonical not in UNMAP and canonical != EVIDENCE:
        raise MappingError(
            f"--map '{spec}' names '{canonical}', which is not a field; use one of: "
            f"{', '.join(CANONICAL_FIELDS)}, ignore, attribute."
        )
    if not colon:
        return None, left.strip(), canonical
    if not raw.strip() or not file_key.strip():
        raise MappingError(f"--map '{spec}' is not of the form FILE:COLUMN=FIELD.")
    return file_key.strip(), raw.strip(), canonical


def override_applies(key: str, file_name: str) -> bool:
    """Whether the FILE part of ``--map FILE:RAW=FIELD`` names this file (name or stem)."""
    path = Path(file_name)
    names = {path.name.casefold(), path.stem.casefold(), ANY_FILE}
    return key.casefold() in names or Path(key).name.casefold() in names


def overrides_for(overrides: dict[str, dict[str, str]], file_name: str) -> dict[str, str]:
    """The overrides that apply to one file, matched by its name or its stem."""
    chosen: dict[str, str] = {}
    for key, mapping in overrides.items():
        if override_applies(key, file_name):
            chosen.update(mapping)
    return chosen


def apply_overrides(guess: MappingGuess, overrides: dict[str, str], file_name: str = "the file"):
    """A new guess with the user's choices on top; ``ignore``/``attribute`` unmap a column.

    Raises:
        MappingError: an override names a column the file lacks.
    """
    mapping = dict(guess.mapping)
    evidence = dict(guess.evidence)
    for raw, canonical in overrides.items():
        if guess.columns and raw not in guess.columns:
            raise MappingError(
                f"{file_name} has no column named '{raw}'; its columns are: "
                f"{', '.join(guess.columns)}."
            )
        if canonical == ATTRIBUTE:
            mapping[raw] = ATTRIBUTE  # kept as an attribute, and never chosen as evidence
            evidence[raw] = "you chose to keep this column as an attribute"
        elif canonical == EVIDENCE:
            mapping[raw] = EVIDENCE  # overlap.evidence compares it across rosters
            evidence[raw] = "you chose to compare this column across rosters"
        elif canonical == IGNORE:
            mapping[raw] = IGNORE  # apply_mapping leaves it out of fields and attributes
            evidence[raw] = "you chose to leave this column out"
        else:
            if canonical not in MULTI_COLUMN_FIELDS:
                for other in [r for r, f in mapping.items() if f == canonical and r != raw]:
                    del mapping[other]
                    evidence[other] = f"you chose another column for {FIELD_WORDS[canonical]}"
            mapping[raw] = canonical
            evidence[raw] = f"you chose {FIELD_WORDS[canonical]} for this column"
    return MappingGuess(mapping=mapping, evidence=evidence, columns=list(guess.columns))
