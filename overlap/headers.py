"""Header words: what a roster's column names say about what they hold.

English and Spanish synonyms of each canonical field, the prefixes that
still mean the person's own field ("mailing_address_", "client_"), the words
that make a column someone else's (an emergency contact's phone) and the
words that say how a column was made ("_fake"). ``mapping`` guesses fields
from them; ``evidence`` reads them to pick the columns rosters share.
"""

from __future__ import annotations

import re

from unidecode import unidecode

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


def normalise_header(header: str) -> str:
    """A header as comparable words: 'Fecha_de_Nacimiento' -> 'fecha de nacimiento'."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(header))  # FirstName -> First Name
    text = unidecode(text).lower().replace("#", " number ").replace("+", " plus ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"(?<=[a-z])(?=\d)", " ", text)  # zip5 -> zip 5 (also kept as written)
    return " ".join(text.split())


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
