"""Formatting: each system's columns, name order, date and phone formats.

One ``format_*`` function per export style (``FORMATTERS``) turns rendered
people into the roster frame that system would write.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._arrays import PAD2, PAD3, PAD4, PLAIN, _cat, _first_letters, _pick
from .corruption import Rendered
from .places import UNITS, street_table
from .population import REL_SPOUSE, Population

PARISH_MINISTRIES = [
    "",
    "",
    "",
    "",
    "Choir",
    "Lectors",
    "Ushers",
    "Youth Group",
    "Guadalupanas",
    "Knights of Columbus",
    "Religious Ed",
    "Food Pantry",
    "Altar Servers",
    "Eucharistic Ministers",
    "St. Vincent de Paul",
]
JOB_TRACKS = [
    "Warehouse & Logistics",
    "Healthcare Support",
    "Manufacturing",
    "Food Service",
    "Customer Service",
    "Construction Pre-Apprenticeship",
    "IT Support",
]
CASE_MANAGERS = ["T. Okafor", "R. Delgado", "M. Brennan", "S. Patel", "L. Nguyen", "D. Kim"]
EMPLOYER_DEPTS = [
    ("Warehouse", "Material Handler"),
    ("Warehouse", "Forklift Operator"),
    ("Warehouse", "Picker/Packer"),
    ("Transportation", "CDL Driver"),
    ("Customer Service", "Customer Service Rep"),
    ("Maintenance", "Maintenance Tech"),
    ("Office", "Admin Assistant"),
    ("Warehouse", "Shift Lead"),
]
VITA_SITES = ["Little Village", "Pilsen", "Gage Park", "Cicero", "Berwyn", "South Chicago"]


def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A roster frame: every cell a Python str (object columns; cheap to build at 1M rows)."""
    return pd.DataFrame(columns, dtype=object)


def _upper(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    if not mask.any():
        return values
    up = pd.Series(values, dtype="str").str.upper().to_numpy(dtype=object)
    return np.where(mask, up, values)


def _phone_text(
    phone: np.ndarray, rng, formats: list[str], weights: list[float], placeholder: str
) -> np.ndarray:
    """Phone numbers written in the given formats, e.g. '(AAA) EEE-LLLL'."""
    p = np.maximum(phone, 0)
    area, exch, line = PAD3[p // 10**7], PAD3[(p // 10**4) % 1000], PAD4[p % 10**4]
    choice = _pick(rng, len(p), weights)
    out = np.full(len(p), "", dtype=object)
    for i, fmt in enumerate(formats):
        pieces: list = []
        rest = fmt
        while rest:
            for key, val in (("AAA", area), ("EEE", exch), ("LLLL", line)):
                if rest.startswith(key):
                    pieces.append(val)
                    rest = rest[len(key) :]
                    break
            else:
                pieces.append(rest[0])
                rest = rest[1:]
        out = np.where(choice == i, _cat(*pieces) if len(pieces) > 1 else pieces[0], out)
    out = np.where(phone == 0, "", out)
    return np.where(phone < 0, placeholder, out)


def _date_text(rd: Rendered, fmt: str) -> np.ndarray:
    y, m, d = PLAIN[rd.year], rd.month, rd.day
    if fmt == "m/d/yyyy":
        out = _cat(PLAIN[m], "/", PLAIN[d], "/", y)
    elif fmt == "mm/dd/yyyy":
        out = _cat(PAD2[m], "/", PAD2[d], "/", y)
    elif fmt == "dd/mm/yyyy":
        out = _cat(PAD2[d], "/", PAD2[m], "/", y)
    elif fmt == "iso":
        out = _cat(y, "-", PAD2[m], "-", PAD2[d])
    elif fmt == "yyyymmdd":
        out = _cat(y, PAD2[m], PAD2[d])
    else:  # pragma: no cover
        raise ValueError(fmt)
    return np.where(rd.dob_blank, "", out)


def _street_text(rd: Rendered) -> np.ndarray:
    streets = street_table()
    return _cat(PLAIN[rd.number], " ", streets.variants[rd.street, rd.street_variant])


def _unit_text(rd: Rendered, rng, prefixes: list[str], weights: list[float]) -> np.ndarray:
    unit = UNITS[np.maximum(rd.unit, 0)]
    prefix = np.array(prefixes, dtype=object)[_pick(rng, len(unit), weights)]
    return np.where(rd.unit >= 0, _cat(prefix, unit), "")


def _ids(prefix: str, start: int, n: int, rng, width: int) -> np.ndarray:
    """Record numbers as a system hands them out: increasing, with gaps."""
    nums = start + np.cumsum(rng.integers(1, 4, n))
    return _cat(prefix, pd.Series(nums).astype(str).str.zfill(width).to_numpy(dtype=object))


def _age_at(pop: Population, person: np.ndarray, when: np.datetime64) -> np.ndarray:
    dob = pop.dob[person]
    years = (when - dob).astype(np.int64) / 365.25
    return np.floor(years).astype(np.int64)


SUFFIX_TEXT = {
    "parish": np.array(["", " Jr", " Sr"], dtype=object),
    "job": np.array(["", " Jr.", " Sr."], dtype=object),
    "vita": np.array(["", " Jr", " Sr"], dtype=object),
    "employer": np.array(["", "JR", "SR"], dtype=object),
}


def format_parish(rd: Rendered, pop: Population, rng) -> pd.DataFrame:
    """A congregation's directory: 'Last, First M' names, M/D/YYYY, some Spanish headers."""
    streets = street_table()
    n = len(rd.person)
    upper = rd.upper
    first = _upper(rd.first, upper)
    last = _upper(rd.last, upper)
    mid_init = np.where(rd.middle != "", _cat(" ", _first_letters(rd.middle)), "")
    mid_mode = _pick(rng, n, [0.5, 0.3, 0.2])  # initial, none, full
    middle = np.select(
        [mid_mode == 0, mid_mode == 2],
        [mid_init, np.where(rd.middle != "", _cat(" ", rd.middle), "")],
        "",
    )
    middle = _upper(middle, upper)
    suffix = SUFFIX_TEXT["parish"][rd.suffix]
    suffix = _upper(suffix, upper)
    after_last = rng.random(n) < 0.5  # "Lopez Jr, Jose" or "Lopez, Jose Jr"
    name = np.where(
        after_last,
        _cat(last, suffix, ", ", first, middle),
        _cat(last, ", ", first, middle, suffix),
    )
    sex = np.array(["Masculino", "Femenino", ""], dtype=object)[np.where(rd.sex < 0, 2, rd.sex)]
    phone = _phone_text(
        rd.phone,
        rng,
        ["(AAA) EEE-LLLL", "AAA-EEE-LLLL", "EEE-LLLL", "AAAEEELLLL"],
        [0.5, 0.35, 0.05, 0.10],
        "000-000-0000",
    )
    group = pop.group[rd.person]
    lang_opts = {
        0: (["Español", "Bilingual", "English"], [0.55, 0.25, 0.2]),
        3: (["Polski", "English"], [0.5, 0.5]),
        4: (["English", "Arabic"], [0.6, 0.4]),
        5: (["English", "Chinese"], [0.5, 0.5]),
    }
    language = np.full(n, "English", dtype=object)
    for g, (opts, w) in lang_opts.items():
        idx = np.flatnonzero(group == g)
        language[idx] = np.array(opts, dtype=object)[_pick(rng, len(idx), w)]
    hh_codes, family = np.unique(pop.household[rd.person], return_inverse=True)
    family_no = _cat("F-", PLAIN[(1000 + rng.permutation(len(hh_codes)))[family] % 10000])
    reg_days = rng.integers(0, 31 * 365, n)
    reg = np.datetime64("1995-01-01") + reg_days.astype("timedelta64[D]")
    reg_s = pd.Series(pd.to_datetime(reg)).dt.strftime("%-m/%-d/%Y").to_numpy(dtype=object)
    city = _upper(streets.city[rd.zip], upper)
    return _frame(
        {
            "Member ID": _ids("", 10000, n, rng, 5),
            "Name": name,
            "Fecha de nacimiento": _date_text(rd, "m/d/yyyy"),
            "Sexo": sex,
            "Address": _upper(_street_text(rd), upper),
            "Apt": _unit_text(rd, rng, ["", "#", "Apt "], [0.5, 0.3, 0.2]),
            "City": city,
            "State": streets.state[rd.zip],
            "ZIP": np.array(streets.zips, dtype=object)[rd.zip],
            "Teléfono": phone,
            "Email": rd.email,
            "Ministry": np.array(PARISH_MINISTRIES, dtype=object)[
                rng.integers(0, len(PARISH_MINISTRIES), n)
            ],
            "Language": language,
            "Family #": family_no,
            "Registered": reg_s,
        }
    )


FILING = np.array(
    [
        "Single",
        "Married filing jointly",
        "Married filing separately",
        "Head of household",
        "Qualifying surviving spouse",
    ],
    dtype=object,
)


def format_vita(rd: Rendered, pop: Population, rng, season: int = 2026) -> pd.DataFrame:
    """A tax clinic's client list: separate first/MI/last, MM/DD/YYYY (Excel dates in the file)."""
    streets = street_table()
    n = len(rd.person)
    upper = rd.upper
    mi = np.where((rd.middle != "") & (rng.random(n) < 0.6), _first_letters(rd.middle), "")
    last = _cat(
        rd.last, np.where(rd.suffix > 0, np.array(["", " Jr", " Sr"], dtype=object)[rd.suffix], "")
    )
    rel = pop.relation[rd.person]
    married = rel == REL_SPOUSE
    kids = pop.hh_size[rd.person] > np.where(married, 2, 1)
    filing = np.where(
        married,
        np.where(rng.random(n) < 0.85, 1, 2),
        np.where(kids, 3, np.where((pop.age[rd.person] > 60) & (rng.random(n) < 0.1), 4, 0)),
    )
    group = pop.group[rd.person]
    lang = np.where(
        (group == 0) & (rng.random(n) < 0.6),
        "Spanish",
        np.where((group == 3) & (rng.random(n) < 0.4), "Polish", "English"),
    )
    appt = np.datetime64(f"{season}-01-27") + rng.integers(0, 78, n).astype("timedelta64[D]")
    return _frame(
        {
            "Client #": _ids(f"{season}-", 0, n, rng, 4),
            "First Name": _upper(rd.first, upper),
            "MI": mi,
            "Last Name": _upper(last, upper),
            "Date of Birth": _date_text(rd, "mm/dd/yyyy"),
            "Street Address": _street_text(rd),
            "Apt/Unit": _unit_text(rd, rng, ["Apt ", "Unit ", "#"], [0.6, 0.2, 0.2]),
            "City": streets.city[rd.zip],
            "State": streets.state[rd.zip],
            "ZIP": np.array(streets.zips, dtype=object)[rd.zip],
            "Phone": _phone_text(rd.phone, rng, ["(AAA) EEE-LLLL"], [1.0], "(000) 000-0000"),
            "Email": rd.email,
            "Filing status": FILING[filing],
            "Household size": PLAIN[pop.hh_size[rd.person]],
            "Preferred language": lang,
            "Appointment date": _cat(
                PAD2[(appt.astype("datetime64[M]").astype(np.int64) % 12) + 1],
                "/",
                PAD2[(appt - appt.astype("datetime64[M]")).astype(np.int64) + 1],
                f"/{season}",
            ),
            "Site": np.array(VITA_SITES, dtype=object)[rng.integers(0, len(VITA_SITES), n)],
        }
    )


AGE_BANDS = np.array(["18-24", "25-34", "35-44", "45-54", "55+"], dtype=object)


def format_job(rd: Rendered, pop: Population, rng) -> pd.DataFrame:
    """A job programme's case list: 'First M. Last Jr.', DD/MM/YYYY, one-line addresses."""
    streets = street_table()
    n = len(rd.person)
    upper = rd.upper
    mid = np.where(
        (rd.middle != "") & (rng.random(n) < 0.3), _cat(" ", _first_letters(rd.middle), "."), ""
    )
    name = _cat(rd.first, mid, " ", rd.last, SUFFIX_TEXT["job"][rd.suffix])
    name = _upper(name, upper)
    unit = _unit_text(rd, rng, [" Apt ", " #", " Unit "], [0.6, 0.25, 0.15])
    comma = rng.random(n) < 0.8
    city = streets.city[rd.zip]
    address = _cat(
        _street_text(rd),
        unit,
        np.where(comma, ", ", " "),
        city,
        np.where(comma, ", ", " "),
        streets.state[rd.zip],
        " ",
        np.array(streets.zips, dtype=object)[rd.zip],
    )
    gender = np.array(["Male", "Female", ""], dtype=object)[np.where(rd.sex < 0, 2, rd.sex)]
    gender = np.where((rd.sex < 0) & (rng.random(n) < 0.3), "Prefer not to say", gender)
    intake = np.datetime64("2025-03-01") + rng.integers(0, 600, n).astype("timedelta64[D]")
    age = _age_at(pop, rd.person, np.datetime64("2026-11-01"))
    band = AGE_BANDS[np.clip(np.searchsorted([25, 35, 45, 55], age, side="right"), 0, 4)]
    phone = _phone_text(
        rd.phone,
        rng,
        ["AAA-EEE-LLLL", "+1 AAA EEE LLLL", "AAA.EEE.LLLL"],
        [0.6, 0.2, 0.2],
        "555-555-5555",
    )
    return _frame(
        {
            "Participant ID": _ids("JP-", 4000, n, rng, 6),
            "Participant Name": name,
            "Date of Birth": _date_text(rd, "dd/mm/yyyy"),
            "Gender": gender,
            "Address": address,
            "Phone Number": phone,
            "Email Address": rd.email,
            "Program Track": np.array(JOB_TRACKS, dtype=object)[
                rng.integers(0, len(JOB_TRACKS), n)
            ],
            "Age Band": band,
            "Intake Date": pd.Series(pd.to_datetime(intake))
            .dt.strftime("%Y-%m-%d")
            .to_numpy(dtype=object),
            "Case Manager": np.array(CASE_MANAGERS, dtype=object)[
                rng.integers(0, len(CASE_MANAGERS), n)
            ],
            "Status": np.array(["Active", "Placed", "Exited", "On hold"], dtype=object)[
                _pick(rng, n, [0.4, 0.35, 0.15, 0.1])
            ],
        }
    )


def format_employer(rd: Rendered, pop: Population, rng) -> pd.DataFrame:
    """An HR system's new-hire export: capitals, YYYYMMDD, ZIP+4, Excel serial hire dates."""
    streets = street_table()
    n = len(rd.person)
    upper = np.ones(n, dtype=bool)
    fname = _upper(rd.first, upper)
    lname = _upper(rd.last, upper)
    mmode = _pick(rng, n, [0.5, 0.3, 0.2])  # full, none, initial
    mname = np.select([mmode == 0, mmode == 2], [rd.middle, _first_letters(rd.middle)], "")
    mname = _upper(np.asarray(mname, dtype=object), upper)
    zip5 = np.array(streets.zips, dtype=object)[rd.zip]
    plus4 = PAD4[rng.integers(1000, 9999, n)]
    zmode = _pick(rng, n, [0.7, 0.15, 0.15])
    home_zip = np.select(
        [zmode == 1, zmode == 2], [_cat(zip5, "-", plus4), _cat(zip5, plus4)], zip5
    )
    phone = _phone_text(rd.phone, rng, ["AAAEEELLLL", "+1AAAEEELLLL"], [0.8, 0.2], "0000000000")
    hire = rng.integers(45292, 46300, n)  # Excel serials: 2024-01-01 .. late 2026
    dept = rng.integers(0, len(EMPLOYER_DEPTS), n)
    work_local = pd.Series(_cat(rd.first, ".", rd.last), dtype="str").str.lower()
    work_local = work_local.str.replace(r"[^a-z.]", "", regex=True)  # names are ASCII here
    dup = work_local.duplicated(keep="first").to_numpy()
    work_local = work_local.to_numpy(dtype=object)
    work_local = np.where(dup, _cat(work_local, PLAIN[rng.integers(2, 99, n)]), work_local)
    sex = np.array(["M", "F", ""], dtype=object)[np.where(rd.sex < 0, 2, rd.sex)]
    sex = np.where((rd.sex < 0) & (rng.random(n) < 0.5), "U", sex)
    emp = _ids("E", 104000, n, rng, 6)
    return _frame(
        {
            "emp_id": emp,
            "fname": fname,
            "mname": mname,
            "lname": lname,
            "sfx": SUFFIX_TEXT["employer"][rd.suffix],
            "birth_dt": _date_text(rd, "yyyymmdd"),
            "gender": sex,
            "home_addr1": _upper(_street_text(rd), upper),
            "home_addr2": _upper(_unit_text(rd, rng, ["APT ", "UNIT "], [0.8, 0.2]), upper),
            "home_city": _upper(streets.city[rd.zip], upper),
            "home_st": streets.state[rd.zip],
            "home_zip": home_zip,
            "mobile": phone,
            "personal_email": rd.email,
            "work_email": _cat(work_local, "@brightline-logistics.example.com"),
            "hire_dt": pd.Series(hire).astype(str).to_numpy(dtype=object),
            "dept": np.array([d for d, _ in EMPLOYER_DEPTS], dtype=object)[dept],
            "job_title": np.array([t for _, t in EMPLOYER_DEPTS], dtype=object)[dept],
            "shift": np.array(["1st", "2nd", "3rd"], dtype=object)[
                _pick(rng, n, [0.5, 0.35, 0.15])
            ],
        }
    )


def format_plain(rd: Rendered, pop: Population, rng) -> pd.DataFrame:
    """Canonical column names, ISO dates: for benchmarks that want no mapping step."""
    streets = street_table()
    return _frame(
        {
            "first_name": rd.first,
            "middle_name": rd.middle,
            "last_name": rd.last,
            "suffix": np.array(["", "Jr", "Sr"], dtype=object)[rd.suffix],
            "dob": _date_text(rd, "iso"),
            "sex": np.array(["M", "F", ""], dtype=object)[np.where(rd.sex < 0, 2, rd.sex)],
            "street": _street_text(rd),
            "unit": _unit_text(rd, rng, ["Apt "], [1.0]),
            "city": streets.city[rd.zip],
            "state": streets.state[rd.zip],
            "zip": np.array(streets.zips, dtype=object)[rd.zip],
            "phone": _phone_text(rd.phone, rng, ["AAA-EEE-LLLL"], [1.0], "000-000-0000"),
            "email": rd.email,
        }
    )


FORMATTERS = {
    "parish": format_parish,
    "vita": format_vita,
    "job": format_job,
    "employer": format_employer,
    "plain": format_plain,
}
