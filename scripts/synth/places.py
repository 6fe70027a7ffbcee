"""Where the synthetic people live: real ZIP codes, their streets, area codes and units.

Nine profiled ZIPs of Chicago, Cicero and Berwyn (their mix of population
groups and their real streets) come first; ``StreetTable`` adds the other
real ZIPs around them for populations too big to live in nine.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import zipcodes

# Population groups and, per ZIP, the share of households of each group.
GROUPS = ["hispanic", "black", "white", "polish", "arab", "chinese"]

# ZIP -> (weight of the ZIP in the population, group shares in GROUPS order)
ZIP_PROFILE: dict[str, tuple[float, list[float]]] = {
    "60623": (1.6, [0.80, 0.16, 0.02, 0.01, 0.01, 0.00]),
    "60608": (1.1, [0.62, 0.06, 0.16, 0.04, 0.01, 0.11]),
    "60629": (1.6, [0.68, 0.18, 0.03, 0.03, 0.08, 0.00]),
    "60632": (1.1, [0.84, 0.02, 0.06, 0.07, 0.01, 0.00]),
    "60609": (0.9, [0.52, 0.38, 0.05, 0.03, 0.01, 0.01]),
    "60616": (0.8, [0.08, 0.42, 0.15, 0.01, 0.02, 0.32]),
    "60617": (1.0, [0.50, 0.42, 0.06, 0.02, 0.00, 0.00]),
    "60804": (1.1, [0.86, 0.04, 0.06, 0.03, 0.01, 0.00]),
    "60402": (0.9, [0.60, 0.08, 0.22, 0.09, 0.01, 0.00]),
}

# Streets per ZIP (all real streets of those areas). "S"/"N" streets run
# north-south and take the south-side house numbers; "W"/"E" streets take the
# east-west numbers.
ZIP_STREETS: dict[str, tuple[tuple[int, int], tuple[int, int], list[str]]] = {
    "60623": (
        (2200, 3358),
        (3200, 4758),
        [
            "S Pulaski Rd",
            "S Kedzie Ave",
            "S Central Park Ave",
            "S Millard Ave",
            "S Lawndale Ave",
            "S Ridgeway Ave",
            "S Hamlin Ave",
            "S Harding Ave",
            "S Keeler Ave",
            "S Kildare Ave",
            "S Tripp Ave",
            "S Christiana Ave",
            "S Homan Ave",
            "S Trumbull Ave",
            "S St Louis Ave",
            "S Drake Ave",
            "S Springfield Ave",
            "S Karlov Ave",
            "S Komensky Ave",
            "W 26th St",
            "W Cermak Rd",
            "W 24th St",
            "W 25th Pl",
            "W 28th St",
            "W 31st St",
            "W Cullerton St",
            "W 23rd St",
            "W 27th St",
        ],
    ),
    "60608": (
        (1600, 3558),
        (800, 2458),
        [
            "W 18th St",
            "W Cermak Rd",
            "S Blue Island Ave",
            "S Ashland Ave",
            "S Damen Ave",
            "S Loomis St",
            "S Racine Ave",
            "W 19th St",
            "W 21st St",
            "S Throop St",
            "S Laflin St",
            "W Cullerton St",
            "S Wood St",
            "S Leavitt St",
            "S Western Ave",
            "S Halsted St",
            "S Morgan St",
            "W 17th St",
            "S Carpenter St",
            "S Paulina St",
        ],
    ),
    "60629": (
        (5500, 7958),
        (2400, 4758),
        [
            "S Pulaski Rd",
            "S Kedzie Ave",
            "W 63rd St",
            "W 59th St",
            "W 55th St",
            "S California Ave",
            "S Western Ave",
            "S Kedvale Ave",
            "S St Louis Ave",
            "S Homan Ave",
            "S Albany Ave",
            "W 71st St",
            "W 67th St",
            "S Central Park Ave",
            "S Lawndale Ave",
            "W Marquette Rd",
            "S Troy St",
            "S Sawyer Ave",
            "S Spaulding Ave",
            "S Trumbull Ave",
            "W 69th St",
            "S Hamlin Ave",
            "S Springfield Ave",
        ],
    ),
    "60632": (
        (3900, 5558),
        (2600, 4758),
        [
            "S Archer Ave",
            "S Kedzie Ave",
            "W 47th St",
            "W 51st St",
            "S California Ave",
            "S Albany Ave",
            "S Sacramento Ave",
            "S Whipple St",
            "S Francisco Ave",
            "W 43rd St",
            "W 49th St",
            "S Richmond St",
            "S Pulaski Rd",
            "S Kildare Ave",
            "S Mozart St",
            "S Fairfield Ave",
            "S Rockwell St",
            "W 45th St",
            "S Christiana Ave",
        ],
    ),
    "60609": (
        (3900, 5558),
        (800, 1958),
        [
            "S Ashland Ave",
            "W 47th St",
            "W 51st St",
            "S Racine Ave",
            "S Halsted St",
            "W 55th St",
            "S Loomis Blvd",
            "S Justine St",
            "S Paulina St",
            "S Hermitage Ave",
            "S Wood St",
            "W 43rd St",
            "S Marshfield Ave",
            "S Elizabeth St",
            "W Garfield Blvd",
            "S Bishop St",
            "S Laflin St",
            "S Throop St",
        ],
    ),
    "60616": (
        (1800, 3358),
        (100, 658),
        [
            "S Wentworth Ave",
            "W Cermak Rd",
            "S Princeton Ave",
            "S Wells St",
            "S State St",
            "S Michigan Ave",
            "S Indiana Ave",
            "S Prairie Ave",
            "S Calumet Ave",
            "S Martin Luther King Dr",
            "E 26th St",
            "W 24th Pl",
            "S Canal St",
            "S Archer Ave",
            "W 31st St",
            "S Wabash Ave",
            "W 23rd Pl",
            "S Shields Ave",
        ],
    ),
    "60617": (
        (7600, 11058),
        (2000, 4058),
        [
            "S Commercial Ave",
            "S Ewing Ave",
            "E 79th St",
            "E 87th St",
            "S Exchange Ave",
            "S Houston Ave",
            "S Baltimore Ave",
            "E 95th St",
            "S Avenue L",
            "S Avenue N",
            "S Escanaba Ave",
            "S Muskegon Ave",
            "S Burley Ave",
            "E 106th St",
            "S Yates Blvd",
            "S Jeffery Ave",
            "S Crandon Ave",
            "S Saginaw Ave",
            "S Manistee Ave",
            "E 83rd St",
        ],
    ),
    "60804": (
        (1200, 3958),
        (4800, 6058),
        [
            "W Cermak Rd",
            "S Cicero Ave",
            "S Laramie Ave",
            "S Austin Blvd",
            "W 26th St",
            "W 31st St",
            "W 35th St",
            "S 49th Ave",
            "S 50th Ave",
            "S 51st Ave",
            "S 52nd Ave",
            "S 54th Ave",
            "S 55th Ct",
            "S 57th Ct",
            "S 59th Ave",
            "W 16th St",
            "W 14th St",
            "W Roosevelt Rd",
            "W 21st St",
            "S Lombard Ave",
            "S Central Ave",
        ],
    ),
    "60402": (
        (1200, 3958),
        (6300, 7258),
        [
            "S Oak Park Ave",
            "S Ridgeland Ave",
            "S East Ave",
            "S Harlem Ave",
            "W Cermak Rd",
            "W Roosevelt Rd",
            "W Ogden Ave",
            "S Clarence Ave",
            "S Kenilworth Ave",
            "S Wisconsin Ave",
            "S Grove Ave",
            "S Euclid Ave",
            "S Gunderson Ave",
            "S Highland Ave",
            "W 16th St",
            "W 31st St",
            "W Stanley Ave",
            "S Cuyler Ave",
            "S Home Ave",
            "S Maple Ave",
            "S Wenonah Ave",
            "S Scoville Ave",
        ],
    ),
}

STREET_SUFFIX_LONG = {
    "Rd": "Road",
    "Ave": "Avenue",
    "St": "Street",
    "Blvd": "Boulevard",
    "Pl": "Place",
    "Ct": "Court",
    "Dr": "Drive",
}
DIRECTION_LONG = {"S": "South", "N": "North", "W": "West", "E": "East"}

AREA_CODES_CHICAGO = ["312", "773", "872"]
AREA_CODES_SUBURBS = ["708"]


class StreetTable:
    """Streets of every ZIP, their written variants and number ranges."""

    VARIANTS = 5  # canonical, long words, dotted, no direction, no suffix

    def __init__(self) -> None:
        # The nine profiled ZIPs first (the samples only ever use those), then
        # the other real Chicago and south/west-suburb ZIPs, each borrowing a
        # profiled ZIP's mix of groups and streets, for populations too big
        # to live in nine ZIPs (see make_population's ``zips``).
        core = list(ZIP_PROFILE)
        extra = sorted(
            r["zip_code"]
            for r in zipcodes.filter_by(state="IL")
            if r["zip_code_type"] == "STANDARD"
            and r["zip_code"][:3] in ("606", "604")
            and r["zip_code"] not in ZIP_PROFILE
        )
        self.zips = core + extra
        self.model_of = [*core, *(core[i % len(core)] for i in range(len(extra)))]
        self.zip_weight = np.array([ZIP_PROFILE[m][0] for m in self.model_of])
        self.group_cum = np.cumsum(np.array([ZIP_PROFILE[m][1] for m in self.model_of]), axis=1)
        self.group_cum[:, -1] = 1.0
        info = [zipcodes.matching(z)[0] for z in self.zips]
        self.city = np.array([i["city"].title() for i in info], dtype=object)
        self.state = np.array([i["state"] for i in info], dtype=object)
        self.is_suburb = np.array([c not in ("Chicago",) for c in self.city])
        names: list[str] = []
        zip_of: list[int] = []
        lo: list[int] = []
        hi: list[int] = []
        for zi, z in enumerate(self.model_of):
            ns, ew, streets = ZIP_STREETS[z]
            for s in streets:
                names.append(s)
                zip_of.append(zi)
                r = ns if s[0] in "NS" else ew
                lo.append(r[0])
                hi.append(r[1])
        self.names = names
        self.zip_of = np.array(zip_of)
        self.lo = np.array(lo)
        self.hi = np.array(hi)
        self.first = np.searchsorted(self.zip_of, np.arange(len(self.zips)))
        self.count = np.bincount(self.zip_of, minlength=len(self.zips))
        self.variants = np.array([self._variants(s) for s in names], dtype=object)

    @staticmethod
    def _variants(street: str) -> list[str]:
        words = street.split(" ")
        direction, body = words[0], words[1:]
        suffix = body[-1] if body[-1] in STREET_SUFFIX_LONG else ""
        core = body[:-1] if suffix else body
        core_s = " ".join(core)
        long = f"{DIRECTION_LONG[direction]} {core_s}" + (
            f" {STREET_SUFFIX_LONG[suffix]}" if suffix else ""
        )
        dotted = f"{direction}. {core_s}" + (f" {suffix}." if suffix else "")
        no_dir = f"{core_s}" + (f" {suffix}" if suffix else "")
        no_suffix = f"{direction} {core_s}"
        return [street, long, dotted, no_dir, no_suffix]


@cache
def street_table() -> StreetTable:
    """The shared street table (built once per process; deterministic)."""
    return StreetTable()


UNITS = np.array(
    ["1", "2", "3", "1F", "2F", "3F", "1R", "2R", "G", "2A", "2B", "3A", "3B", "4", "BSMT", "1B"],
    dtype=object,
)
UNIT_WEIGHTS = np.array([10, 10, 6, 5, 6, 3, 3, 3, 3, 3, 3, 2, 2, 2, 1, 2], dtype=float)
