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

import pandas as pd
from unidecode import unidecode

from overlap.errors import MappingError
from overlap.fields import (
    CANONICAL_FIELDS,
    DATE_PARTS,
    FIELD_BY_NAME,
    FIELD_WORDS,
    MULTI_COLUMN_FIELDS,
    STREET_PARTS,
)
from overlap.repair import UNSPLIT_COLUMN

IGNORE = "ignore"  # override value: leave the column out entirely
ATTRIBUTE = "attribute"  # override value: keep the column as an attribute, not a field
UNMAP = {IGNORE, ATTRIBUTE}

# Normalised header -> field. Normalisation: accents folded, lower case,
# camel case split, '#' read as "number", punctuation as spaces.
_SYNONYMS: dict[str, list[str]] = {
    "record_id": [
        "id", "record id", "client id", "member id", "participant id", "customer id",
        "employee id", "emp id", "person id", "patient id", "student id", "case id",
        "case number", "client number", "member number", "participant number",
        "customer number", "employee number", "record number", "membership number",
        "id number", "identifier", "unique id", "uid", "external id", "account number",
        "client no", "member no", "employee no", "number", "no", "badge number",
        "id cliente", "numero de cliente", "numero de miembro", "id de cliente",
        "identificacion", "numero de identificacion", "folio", "expediente",
    ],
    "ssn": [
        "ssn", "ss number", "ss no", "ssn number", "ssn no", "social security",
        "social security number", "social security no", "social security num",
        "soc sec", "soc sec id", "soc sec number", "soc sec no", "soc security number",
        "social sec number", "numero de seguro social", "seguro social",
        "no de seguro social", "num de seguro social",
    ],
    "full_name": [
        "name", "full name", "fullname", "client name", "member name", "participant name",
        "customer name", "employee name", "person name", "patient name", "student name",
        "display name", "contact name", "applicant name", "resident name", "legal name",
        "name last first", "last first", "first last", "name first last",
        "last name first name", "nombre completo", "nombre y apellido", "nombre y apellidos",
        "nombres y apellidos", "nombre del cliente", "nombre del participante",
        "nombre del miembro", "apellidos y nombre", "apellidos y nombres",
    ],
    "first_name": [
        "first name", "first", "firstname", "fname", "f name", "first nm", "given name",
        "given", "givenname", "forename", "first given name", "primer nombre",
        "nombre de pila", "nombres", "nombre s",
    ],
    "middle_name": [
        "middle name", "middle", "middlename", "middle initial", "mi", "m i", "mname",
        "middle nm", "second name", "segundo nombre", "inicial", "inicial del segundo nombre",
    ],
    "last_name": [
        "last name", "last", "lastname", "lname", "l name", "last nm", "surname",
        "family name", "familyname", "apellido", "apellidos", "primer apellido",
        "segundo apellido", "apellido paterno", "apellido materno", "apellido s",
    ],
    "suffix": ["suffix", "name suffix", "sfx", "suf", "generation", "sufijo"],
    "birth_year": [
        "birth year", "year of birth", "yob", "by", "byear", "b year", "dob year", "birth yr",
        "ano de nacimiento", "anio de nacimiento",
    ],
    "birth_month": [
        "birth month", "month of birth", "mob", "bm", "bmonth", "b month", "dob month",
        "mes de nacimiento",
    ],
    "birth_day": [
        "birth day", "day of birth", "bd", "bday of month", "dob day", "b day of month",
        "dia de nacimiento",
    ],
    "dob": [
        "dob", "d o b", "date of birth", "birth date", "birthdate", "birthday", "born",
        "birth dt", "bdate", "b date", "bday", "b day", "dt of birth", "date birth",
        "fecha de nacimiento", "fecha nacimiento", "fecha de nac", "fec nac", "f nac",
        "fecha nac", "nacimiento", "f de nacimiento", "cumpleanos",
    ],
    "sex": ["sex", "gender", "gender identity", "sexo", "genero", "m f"],
    "address": [
        "full address", "one line address", "complete address", "address full",
        "direccion completa", "domicilio completo",
    ],
    "street": [
        "street", "street address", "address 1", "address line 1", "addr 1", "addr1",
        "address1", "street 1", "street line 1", "street address 1", "street name and number",
        "calle", "calle y numero", "direccion 1", "direccion linea 1",
    ],
    "house_number": [
        "street number", "house number", "house no", "house num", "house nbr", "building number",
        "street no", "street num", "street nbr", "st number", "st no", "address number",
        "civic number", "premise number", "hse no", "numero de casa", "numero exterior",
        "num ext", "no ext", "numero de calle",
    ],
    "street_name": [
        "street name", "road name", "st name", "street name 1", "street type", "street suffix",
        "street dir", "street direction", "pre direction", "post direction", "predirectional",
        "postdirectional", "street pre dir", "street post dir", "pre dir", "post dir",
        "nombre de calle", "nombre de la calle",
    ],
    "po_box": [
        "po box", "p o box", "pobox", "post office box", "box number", "po box number",
        "apartado postal", "casilla postal", "casilla",
    ],
    "unit": [
        "apt", "apartment", "unit", "suite", "apt unit", "apt suite", "unit number",
        "apt number", "apartment number", "address 2", "address line 2", "addr 2", "addr2",
        "address2", "street 2", "street line 2", "apt no", "apto", "apartamento", "unidad",
        "depto", "numero de apartamento", "direccion 2", "direccion linea 2",
    ],
    "city": ["city", "town", "city town", "municipality", "ciudad", "municipio", "localidad"],
    "state": [
        "state", "st", "state code", "state province", "province", "estado", "provincia",
    ],
    "zip": [
        "zip", "zip code", "zipcode", "zip5", "zip 5", "zip 4", "zip plus 4", "postal code",
        "postalcode", "postcode", "post code", "postal", "zip postal code", "codigo postal",
        "cod postal", "cp", "c p", "zona postal", "eircode", "pin code", "plz", "code postal",
    ],
    "birth_place": [
        "birth place", "birthplace", "place of birth", "pob", "born in", "city of birth",
        "birth city", "country of birth", "birth country", "town of birth", "birth town",
        "lugar de nacimiento", "pais de nacimiento", "ciudad de nacimiento", "nacido en",
    ],
    "phone": [
        "phone", "phone number", "phone no", "phone num", "telephone", "telephone number",
        "tel", "tel no", "mobile", "mobile phone", "mobile number", "cell", "cell phone",
        "cellphone", "cell number", "home phone", "primary phone", "contact number",
        "contact phone", "phone 1", "phone 2", "alternate phone", "alt phone", "other phone",
        "best phone", "telefono", "numero de telefono", "telefono movil", "telefono celular",
        "celular", "movil", "telefono de casa", "tel casa",
    ],
    "email": [
        "email", "e mail", "email address", "e mail address", "mail", "emailaddress",
        "primary email", "personal email", "contact email", "email 1", "email 2",
        "correo", "correo electronico", "email correo", "correo e",
    ],
}  # fmt: skip

# Headers loosely "address": street when the file has city/ZIP columns, else decided by values.
_AMBIGUOUS_ADDRESS = {
    "address", "addr", "home address", "mailing address", "residential address",
    "physical address", "residence", "direccion", "domicilio", "direccion postal",
}  # fmt: skip

# "Nombre" means the first name next to an "Apellido" column, the whole name otherwise.
_AMBIGUOUS_NOMBRE = {"nombre"}

# Words that make a column someone else's data (an emergency contact's phone)
# or not personal at all (a work phone shared by an office).
_SOMEONE_ELSE = {
    "emergency", "parent", "guardian", "spouse", "mother", "father", "employer",
    "supervisor", "manager", "referral", "referred", "referrer", "caseworker", "staff",
    "volunteer", "preparer", "recruiter", "counselor", "agent", "sponsor", "child",
    "children", "dependent", "dependents", "kid", "kids", "partner", "company", "business",
    "work", "office", "fax", "pager", "emergencia", "madre", "padre", "tutor", "conyuge",
    "esposo", "esposa", "hijo", "hija", "hijos", "referido", "empresa", "trabajo", "oficina",
    "pastor", "doctor", "physician", "landlord",
}  # fmt: skip

# Words that, prefixed to a synonym, still mean the person's own field.
_OWN_PREFIXES = {
    "client", "member", "participant", "customer", "employee", "patient", "person",
    "student", "applicant", "resident", "primary", "preferred", "main", "current", "home",
    "mailing", "personal", "contact", "legal", "hire", "new hire", "the", "your",
    "address", "addr", "mailing address", "home address", "residential address", "res",
    "residential", "physical", "physical address", "permanent", "permanent address",
    "postal address", "street address", "residence",
    "cliente", "miembro", "participante", "empleado",
    "su", "del cliente", "del participante",
}  # fmt: skip

# Header words that say a column is something else: another date, a code or a count
# (a household ID repeats like a ZIP; a visit date looks like a date).
_NO_SNIFF_WORDS = {
    "date", "fecha", "visit", "hire", "hired", "start", "end", "joined", "join", "enrolled",
    "enrollment", "created", "updated", "modified", "since", "expires", "expiry", "id",
    "number", "no", "code", "count", "amount", "total", "size", "score", "income", "year",
    "age", "household", "hh", "ward", "district", "tract", "numero", "codigo",
    "registered", "registration", "baptism", "baptized", "baptised", "confirmation", "wedding",
    "married", "death", "died", "deceased", "admitted", "admission", "intake", "appointment",
    "application", "applied", "filed", "completed", "closed", "opened", "graduated",
    "graduation", "exit", "discharge", "discharged", "terminated", "termination", "effective",
    "renewal", "due", "paid", "payment", "seen", "attended", "attendance", "service",
    "session", "last", "next", "inscripcion", "registro", "ingreso", "cita", "alta", "baja",
}  # fmt: skip

# "fname c 1", "last name part 2": one part of a field split over numbered columns
_COMPONENT = re.compile(r"(?P<base>.+?) (?:c|part|pt|component|comp)? ?(?P<n>[1-4])")
# what a second (third...) part of a field is: a second given name is a middle name
_LATER_PART = {"first_name": "middle_name", "last_name": "last_name", "middle_name": "middle_name"}

# Words that say how a column was made, not what it holds ("postcode_fake", "dob_std").
_NOISE_WORDS = {
    "fake", "synthetic", "masked", "anon", "anonymised", "anonymized", "scrambled", "dummy",
    "clean", "cleaned", "std", "standardised", "standardized", "normalised", "normalized",
    "norm", "value", "val", "text", "txt", "str", "string", "raw", "orig", "original",
    "field", "col", "column", "cd",
}  # fmt: skip

_GENERIC_HEADER = re.compile(
    r"^(column|col|field|unnamed|var|variable|f|c|data|value|info|information|details|"
    r"contact|contact info|contact information|other|misc|extra|blank|columna|campo|dato|"
    r"datos|contacto)?\s*\d*$"
)

_HEADER_TO_FIELD = {
    synonym: canonical for canonical, synonyms in _SYNONYMS.items() for synonym in synonyms
}

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
    """A roster split into canonical fields and attributes."""

    name: str
    fields: pd.DataFrame
    attributes: pd.DataFrame
    roster: object  # overlap.ingest.Roster (not imported, to keep the stages independent)
    mapping: dict[str, str]


# ---------------------------------------------------------------------------
# Guessing


def normalise_header(header: str) -> str:
    """A header as comparable words: 'Fecha_de_Nacimiento' -> 'fecha de nacimiento'."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(header))  # FirstName -> First Name
    text = unidecode(text).lower().replace("#", " number ").replace("+", " plus ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"(?<=[a-z])(?=\d)", " ", text)  # zip5 -> zip 5 (also kept as written)
    return " ".join(text.split())


def guess_mapping(frame: pd.DataFrame) -> MappingGuess:
    """Guess which column holds which canonical field.

    Args:
        frame: a roster's frame of strings (``Roster.frame``).

    Returns:
        A ``MappingGuess``; columns it does not map stay attributes.
    """
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

    A year alone gives the year (the date is known only in part).
    """
    year, month, day = (
        fields[f].str.replace(r"\.0+$", "", regex=True).str.strip() for f in DATE_PARTS
    )
    if not (year != "").any():
        return
    whole = (year != "") & (month != "") & (day != "")
    dob = year.mask(whole, year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2))
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


def _field_from_header(raw: str) -> str | None:
    """The field a header names, or None (or 'someone-else' for another person's data).

    A remark in brackets is tried without it too: "DOB (MM/DD/YYYY)", "Phone (2)".
    """
    found = _field_from_words(normalise_header(raw))
    bare = re.sub(r"\(.*?\)|\[.*?\]", " ", str(raw))
    if found is None and bare != raw:
        found = _field_from_words(normalise_header(bare))
    return found


def _field_from_words(words: str) -> str | None:
    if not words:
        return None
    if words in _HEADER_TO_FIELD:
        return _HEADER_TO_FIELD[words]
    if words in _AMBIGUOUS_ADDRESS or words in _AMBIGUOUS_NOMBRE:
        return words
    tokens = set(words.split())
    if tokens & _SOMEONE_ELSE:
        return "someone-else"
    for prefix in sorted(_OWN_PREFIXES, key=len, reverse=True):
        if words.startswith(prefix + " "):
            rest = words[len(prefix) + 1 :]
            found = _HEADER_TO_FIELD.get(rest) or (rest if rest in _AMBIGUOUS_ADDRESS else None)
            if found:
                return found
    compact = words.replace(" ", "")
    for synonym, canonical in _HEADER_TO_FIELD.items():
        if len(synonym) > 3 and synonym.replace(" ", "") == compact:
            return canonical
    kept = [t for t in words.split() if t not in _NOISE_WORDS]
    if kept and len(kept) < len(words.split()):
        return _field_from_words(" ".join(kept))  # "postcode_fake", "dob_masked"
    part = _COMPONENT.fullmatch(words)
    if part:  # "fname_c1", "surname 2": the first part is the field, later parts below
        base = _field_from_words(part.group("base"))
        if base and part.group("n") != "1":
            return _LATER_PART.get(base, "someone-else" if base == "someone-else" else None)
        return base
    return None


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
    frame = roster.frame
    file_name = getattr(roster, "file_name", "") or roster.name
    _validate(mapping, list(frame.columns), file_name)
    fields = pd.DataFrame(index=frame.index)
    for canonical in CANONICAL_FIELDS:
        raws = [raw for raw in frame.columns if mapping.get(raw) == canonical]
        fields[canonical] = _join_columns(frame, raws, FIELD_BY_NAME[canonical].join)
    _assemble_street(fields)
    _assemble_dob(fields)
    attributes = frame[[c for c in frame.columns if c not in mapping or mapping[c] == ATTRIBUTE]]
    used = {raw: f for raw, f in mapping.items() if f not in UNMAP}
    return MappedRoster(
        name=roster.name,
        fields=fields,
        attributes=attributes.copy(),
        roster=roster,
        mapping=used,
    )


def _validate(mapping: dict[str, str], columns: list[str], file_name: str) -> None:
    for raw, canonical in mapping.items():
        if canonical not in CANONICAL_FIELDS and canonical not in UNMAP:
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
    if canonical not in CANONICAL_FIELDS and canonical not in UNMAP:
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
            mapping.pop(raw, None)
            evidence[raw] = "you chose to keep this column as an attribute"
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
