"""A pair model fitted on the encodings themselves: Fellegi–Sunter without labels.

The shipped pair model (``pair_model.PAIR_MODEL``) was fitted on labelled
rosters of our own generator and FEBRL; on rosters unlike those (a census
roster against tax forms, with households at one address and no date of
birth on one side) it links too much and too little. Plain matching fits
its model on each run's own records (``overlap.model``); this does the same
with what the linker can see of an encoding, needing no secret and no label:

- **comparisons** (small integer levels per candidate pair): the Dice of the
  names segment crossed with what the keyed blocking keys say about the
  first name (same first name and surname sound / same first initial and
  surname sound / same surname only / neither: a housemate shares the
  surname, not the first name; a typing error rarely changes the initial); the date of
  birth (same, close, different); the contact segment's Dice crossed with
  "same house number and street"; the social security number (whole, one
  part, different); phone; email;
- **u** (P(level | two people)) from random pairs of the records;
- **m** (P(level | one person)) counted on pairs that everything else says
  are one person (names on pairs with the same date of birth at one home or
  the same SSN; the date of birth, address and SSN on pairs with the same
  rare whole name; see :func:`teaching_pairs`), pooled and per pair of
  rosters; u is then cleared of the few true pairs random pairs hold;
- **households**: a pair sharing a home is weighed as "one person or two
  members of it", with P(level | two members) learned by EM on those pairs;
- a common name counts for less than a rare one (how many records share the
  keyed name key: equal hashes are equal values, nothing is decoded);
- **priors** for pairs across rosters and inside one: expected matches among
  the candidate pairs over all possible pairs (a fixed point), as plain
  matching does.

When a run has too few candidate pairs to learn from, the caller keeps the
shipped model (:func:`fit_encoded_model` returns None).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MIN_TRAINING_PAIRS = 30
MIN_CANDIDATE_PAIRS = 200
PSEUDO_PAIRS = 5.0
MIN_GROUP_PAIRS = 1_000  # a pair of rosters with fewer candidate pairs uses the pooled m  # fewer: keep the shipped model (nothing to learn from)
U_PAIRS_PER_RECORD = 20
U_PAIRS_MIN, U_PAIRS_MAX = 200_000, 2_000_000
MISSING = -1

# names: Dice level x first-name state; the state comes from the keyed blocking keys
NAMES_EDGES = (0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99)
FIRST_STATES = (
    "first name and surname sound agree",
    "first initial and surname sound agree",
    "surname only agrees",
    "neither agrees",
)
SURNAME_ONLY = 2
DOB_LEVELS = ("same", "close (Dice >= 0.8)", "near (Dice >= 0.6)", "differs")
CONTACT_EDGES = (0.2, 0.4, 0.6, 0.8, 0.95)
STREET_STATES = ("same house and street", "not known the same")
SSN_LEVELS = ("same", "one part the same", "differs")
EXACT_LEVELS = ("same", "differs")


@dataclass(frozen=True)
class EncodedComparison:
    """One comparison of the fitted model: its levels (best first) and its starting m."""

    name: str
    labels: tuple[str, ...]
    initial_m: tuple[float, ...]

    @property
    def n_levels(self) -> int:
        return len(self.labels)


def _names_labels() -> tuple[str, ...]:
    bounds = ("< 0.6", *(f">= {e}" for e in NAMES_EDGES))
    return tuple(f"names Dice {b}, {s}" for b in reversed(bounds) for s in FIRST_STATES)


def _names_initial_m() -> tuple[float, ...]:
    # best Dice first; within a Dice level, a first name agreeing is likelier for one person
    by_level = (0.55, 0.14, 0.09, 0.06, 0.05, 0.04, 0.03, 0.04)
    by_state = (0.75, 0.1, 0.05, 0.1)
    return tuple(a * b for a in by_level for b in by_state)


def _contact_labels() -> tuple[str, ...]:
    bounds = ("< 0.2", *(f">= {e}" for e in CONTACT_EDGES))
    return tuple(f"contact Dice {b}, {s}" for b in reversed(bounds) for s in STREET_STATES)


COMPARISONS: tuple[EncodedComparison, ...] = (
    EncodedComparison("names", _names_labels(), _names_initial_m()),
    EncodedComparison("dob", DOB_LEVELS, (0.85, 0.06, 0.04, 0.05)),
    EncodedComparison(
        "contact",
        _contact_labels(),
        (0.4, 0.1, 0.1, 0.05, 0.05, 0.05, 0.03, 0.05, 0.02, 0.05, 0.02, 0.08),
    ),
    EncodedComparison("ssn", SSN_LEVELS, (0.9, 0.07, 0.03)),
    EncodedComparison("phone", EXACT_LEVELS, (0.8, 0.2)),
    EncodedComparison("email", EXACT_LEVELS, (0.8, 0.2)),
)
NAMES = [c.name for c in COMPARISONS]
#: blocking keys the comparisons read (opaque keyed hashes: only "equal or not" is used)
KEYS_READ = (
    "last_sound_first_initial",
    "first_last_sound",
    "first_last_sounds",
    "last_name",
    "dob",
    "street",
    "ssn",
    "ssn_head",
    "ssn_tail",
    "phone",
    "email",
)


# Households: a pair sharing a home is one person or two members of it (see overlap.household)
TELLS_APART = ("names", "dob", "ssn", "email")  # what members of one home rarely share
HOME_DEFAULT_PRIOR = 0.26
HOME_PRIOR_BOUNDS = (0.001, 0.999)
HOME_PSEUDO_PAIRS = 20.0
GUARD_LOGIT = -30.0
# at least this share of pairs of members of one home agree (as overlap.household)
MEMBERS_AGREE = {"names": 0.05, "dob": 0.02, "email": 0.25}
NAMES_FIRST_AGREES = 0  # first-name state of the names comparison
DOB_DIFFERS = len(DOB_LEVELS) - 1


def first_name_state(levels: np.ndarray) -> np.ndarray:
    """The names comparison's first-name state (index into FIRST_STATES; -1 missing)."""
    names = levels[:, NAMES.index("names")].astype(np.int64)
    return np.where(names < 0, -1, names % len(FIRST_STATES))


def shares_home(levels: np.ndarray) -> np.ndarray:
    """Same house and street, or an almost equal contact segment, phone or email."""
    contact = levels[:, NAMES.index("contact")].astype(np.int64)
    street_same = (contact >= 0) & (contact % 2 == 0)
    close = (contact >= 0) & (contact // 2 <= 1)  # contact Dice >= 0.8
    same = street_same | close
    for name in ("phone", "email"):
        same |= levels[:, NAMES.index(name)] == 0
    return same


def household_guard(levels: np.ndarray) -> np.ndarray:
    """Pairs sharing a home that are clearly two people: first names and dates of birth differ.

    A shared social security number overrules it.
    """
    first_differs = first_name_state(levels) > NAMES_FIRST_AGREES
    dob_differs = levels[:, NAMES.index("dob")] == DOB_DIFFERS
    same_ssn = levels[:, NAMES.index("ssn")] == 0
    return shares_home(levels) & first_differs & dob_differs & ~same_ssn


@dataclass
class EncodedModel:
    """What EM learned on one run's encodings: m and u per comparison, two priors."""

    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    prior_cross: float
    prior_within: float
    stats: dict = field(default_factory=dict)
    # P(level | two members of one household) of the comparisons that tell members apart,
    # and the share of pairs sharing a home that are one person (across rosters, inside one)
    member_u: dict[str, np.ndarray] = field(default_factory=dict)
    home_prior_cross: float = HOME_DEFAULT_PRIOR
    home_prior_within: float = HOME_DEFAULT_PRIOR
    # each pair of rosters' own m and prior, where it has pairs enough (group code: see pair_groups)
    group_m: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)
    group_prior: dict[int, float] = field(default_factory=dict)

    def log_bayes(
        self, levels: np.ndarray, u: dict | None = None, names=NAMES, m: dict | None = None
    ) -> np.ndarray:
        """Natural-log Bayes factor of each pair (row of comparison levels; missing adds 0)."""
        u = self.u if u is None else u
        m = self.m if m is None else m
        total = np.zeros(len(levels))
        for name in names:
            table = np.append(np.log(m[name]) - np.log(u[name]), 0.0)
            total += table[levels[:, NAMES.index(name)]]  # -1 (missing) reads the appended 0
        return total

    def prior_log_bayes(
        self, levels: np.ndarray, cross: np.ndarray, groups: np.ndarray | None
    ) -> np.ndarray:
        """Prior log odds plus log Bayes factor, with each pair of rosters' own m and prior."""
        prior = np.where(cross, self.prior_cross, self.prior_within)
        total = self.log_bayes(levels) + np.log(prior) - np.log1p(-prior)
        if groups is None:
            return total
        for group, m in self.group_m.items():
            mine = groups == group
            if mine.any():
                p = self.group_prior[group]
                total[mine] = self.log_bayes(levels[mine], m=m) + np.log(p) - np.log1p(-p)
        return total

    def home_log_odds(self, levels: np.ndarray, cross: np.ndarray) -> np.ndarray:
        """Log odds of "one person, not two members of one home" (for pairs sharing a home)."""
        prior = np.where(cross, self.home_prior_cross, self.home_prior_within)
        odds = np.log(prior) - np.log1p(-prior)
        return odds + self.log_bayes(levels, self.member_u, TELLS_APART)

    def logit(
        self,
        levels: np.ndarray,
        cross: np.ndarray,
        name_freq: np.ndarray | None = None,
        groups: np.ndarray | None = None,
    ) -> np.ndarray:
        """Log odds that each pair is one person; against a housemate where the pair shares a home.

        ``name_freq`` (:func:`name_frequencies`): where the first name and
        surname sound agree, a common name is weaker evidence than a rare one.
        """
        logit = self.prior_log_bayes(levels, cross, groups)
        if name_freq is not None:
            agree = np.isfinite(name_freq)
            state0 = self.u["names"][NAMES_FIRST_AGREES :: len(FIRST_STATES)].sum()
            # a common name weighs less than the average; a rare one no more than it
            logit[agree] += np.log(state0) - np.log(np.maximum(name_freq[agree], state0))
        home = shares_home(levels)
        if self.member_u and home.any():
            logit[home] = np.minimum(logit[home], self.home_log_odds(levels[home], cross[home]))
        logit[household_guard(levels)] = GUARD_LOGIT
        return logit

    def probability(
        self,
        levels: np.ndarray,
        cross: np.ndarray,
        name_freq: np.ndarray | None = None,
        groups: np.ndarray | None = None,
    ) -> np.ndarray:
        """Probability that each pair is one person (``cross``: the pair spans two rosters)."""
        logit = self.logit(levels, cross, name_freq, groups)
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))

    def summary(self) -> dict:
        """The model as plain numbers (no personal data): for overlap.json's stats."""
        return {
            "prior_cross": self.prior_cross,
            "prior_within": self.prior_within,
            "home_prior_cross": self.home_prior_cross,
            "home_prior_within": self.home_prior_within,
            "roster_pairs_with_own_m": len(self.group_m),
            "member_weights": {
                name: [round(float(np.log2(self.m[name][i] / u[i])), 3) for i in range(len(u))]
                for name, u in self.member_u.items()
            },
            "weights": {
                c.name: {
                    lab: round(float(np.log2(self.m[c.name][i] / self.u[c.name][i])), 3)
                    for i, lab in enumerate(c.labels)
                }
                for c in COMPARISONS
            },
            **self.stats,
        }


def key_code_table(blocks: pd.DataFrame) -> dict[str, np.ndarray]:
    """Integer code per record of each blocking key the comparisons read (-1: missing)."""
    out = {}
    for key in KEYS_READ:
        col = f"b_{key}"
        if col in blocks.columns:
            values = blocks[col].astype(str)
            out[key] = pd.factorize(values.where(values != "", None), use_na_sentinel=True)[0]
        else:
            out[key] = np.full(len(blocks), -1, dtype=np.int64)
    return out


def name_counts(codes: dict[str, np.ndarray], ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """How many records carry the pair's (first name, surname sound), where both agree; 0 elsewhere."""
    out = np.zeros(len(ra), dtype=np.int64)
    for key in ("first_last_sounds", "first_last_sound"):  # the closer key wins
        code = codes[key]
        present = code >= 0
        if not present.any():
            continue
        count = np.bincount(code[present])
        same = _agree(codes, key, ra, rb)[0]
        out[same] = count[code[ra[same]]]
    return out


def name_frequencies(codes: dict[str, np.ndarray], ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """Share of *other* records with the pair's (first name, surname sound), where both agree.

    NaN where the pair does not agree. Read from the keyed keys: equal hashes
    are equal values, so how many records share a hash is how common that
    name is, with nothing decoded. The pair's own two records are not
    counted: a name only this person carries is as rare as a name can be.
    """
    out = np.full(len(ra), np.nan)
    for key in ("first_last_sounds", "first_last_sound"):  # the closer key wins
        code = codes[key]
        present = code >= 0
        if not present.any():
            continue
        others = np.maximum(np.bincount(code[present]) - 2, 0) / present.sum()
        same = _agree(codes, key, ra, rb)[0]
        out[same] = others[code[ra[same]]]
    return out


def _agree(codes: dict[str, np.ndarray], key: str, ra: np.ndarray, rb: np.ndarray):
    """(agrees, both present) of one key for each pair."""
    a, b = codes[key][ra], codes[key][rb]
    present = (a >= 0) & (b >= 0)
    return present & (a == b), present


def comparison_levels(
    dice: dict[str, np.ndarray],
    present: dict[str, np.ndarray],
    codes: dict[str, np.ndarray],
    ra: np.ndarray,
    rb: np.ndarray,
) -> np.ndarray:
    """Level of each comparison of :data:`COMPARISONS` per pair, int8 (n, 6); -1 missing.

    Args:
        dice: Dice of each segment (``names``, ``dob``, ``contact``) per pair.
        present: whether both records of the pair have bits in that segment.
        codes: :func:`key_code_table` of all records.
        ra, rb: the pairs' record indexes.
    """
    out = np.full((len(ra), len(COMPARISONS)), MISSING, dtype=np.int8)
    # names: Dice level (best first) x first-name state
    band = len(NAMES_EDGES) - np.searchsorted(np.asarray(NAMES_EDGES), dice["names"], "right")
    first = (
        _agree(codes, "first_last_sound", ra, rb)[0] | _agree(codes, "first_last_sounds", ra, rb)[0]
    )
    initial = _agree(codes, "last_sound_first_initial", ra, rb)[0]
    surname = _agree(codes, "last_name", ra, rb)[0]
    state = np.where(first, 0, np.where(initial, 1, np.where(surname, SURNAME_ONLY, 3)))
    out[:, 0] = np.where(present["names"], band * len(FIRST_STATES) + state, MISSING)
    # date of birth: the keyed key says "the same" exactly; Dice says how close otherwise
    same_dob, dob_known = _agree(codes, "dob", ra, rb)
    d = dice["dob"]
    same_dob = np.where(dob_known, same_dob, d >= 0.99)
    dob = np.where(same_dob, 0, np.where(d >= 0.8, 1, np.where(d >= 0.6, 2, 3)))
    out[:, 1] = np.where(present["dob"], dob, MISSING)
    # contact: Dice level (best first) x same house number and street
    band = len(CONTACT_EDGES) - np.searchsorted(np.asarray(CONTACT_EDGES), dice["contact"], "right")
    street = _agree(codes, "street", ra, rb)[0]
    out[:, 2] = np.where(present["contact"], band * 2 + np.where(street, 0, 1), MISSING)
    whole, ssn_known = _agree(codes, "ssn", ra, rb)
    head = _agree(codes, "ssn_head", ra, rb)[0] | _agree(codes, "ssn_tail", ra, rb)[0]
    out[:, 3] = np.where(ssn_known, np.where(whole, 0, np.where(head, 1, 2)), MISSING)
    for j, key in ((4, "phone"), (5, "email")):
        same, known = _agree(codes, key, ra, rb)
        out[:, j] = np.where(known, np.where(same, 0, 1), MISSING)
    return out


def count_patterns(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a level matrix (sorted) and how many pairs have each."""
    if len(levels) == 0:
        return np.zeros((0, levels.shape[1]), dtype=np.int8), np.zeros(0)
    code = np.zeros(len(levels), dtype=np.int64)
    for j in range(levels.shape[1]):
        code = code * 64 + (levels[:, j].astype(np.int64) + 1)
    unique, counts = np.unique(code, return_counts=True)
    patterns = np.empty((len(unique), levels.shape[1]), dtype=np.int8)
    rest = unique.copy()
    for j in range(levels.shape[1] - 1, -1, -1):
        patterns[:, j] = (rest % 64) - 1
        rest //= 64
    return patterns, counts.astype(np.float64)


def estimate_u(levels: np.ndarray) -> dict[str, np.ndarray]:
    """u of every comparison from the levels of random pairs (smoothed: rare is not impossible)."""
    u = {}
    for j, comparison in enumerate(COMPARISONS):
        column = levels[:, j]
        counts = np.bincount(column[column >= 0], minlength=comparison.n_levels) + 0.5
        u[comparison.name] = np.clip(counts / counts.sum(), 1e-9, 1.0)
    return u


def teaching_pairs(levels: np.ndarray, rare_name: np.ndarray) -> dict[str, np.ndarray]:
    """For each comparison, the pairs that teach its m: one person by everything else.

    A comparison is never learned on pairs chosen for agreeing on it: the
    names on pairs with the same date of birth at the same home, or the same
    SSN; the date of birth on the same rare whole name at the same home (or
    with the same SSN); the contact segment, phone and email on the same rare
    whole name with no date of birth or SSN against it; the SSN on the same
    rare whole name at the same home. "Rare": a name only a few records carry.
    """
    column = {name: levels[:, j].astype(np.int64) for j, name in enumerate(NAMES)}
    contact = column["contact"]
    home = (contact >= 0) & (contact // 2 <= 1)
    name = (column["names"] == 0) & rare_name
    dob_same, dob_open = column["dob"] == 0, column["dob"] < 0
    ssn_same, ssn_open = column["ssn"] == 0, column["ssn"] < 0
    ssn_fine = ssn_same | ssn_open
    contact_anchor = name & (dob_same | dob_open) & ssn_fine
    return {
        "names": (dob_same & home & ssn_fine) | (ssn_same & (dob_same | dob_open)),
        "dob": (name & home & ssn_fine) | (name & ssn_same),
        "contact": contact_anchor,
        "ssn": name & (dob_same | dob_open) & home,
        "phone": contact_anchor,
        "email": contact_anchor,
    }


def learn_m(
    levels: np.ndarray,
    rare_name: np.ndarray,
    stats: dict,
    start: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """m of every comparison: how often one person's two records show each level.

    Counted on :func:`teaching_pairs`, with a few pseudo-pairs at ``start``
    (the pooled m, or the initial guess) so unseen levels stay possible; a
    comparison with too few teaching pairs keeps ``start``.
    """
    m0 = {c.name: np.asarray(c.initial_m) / sum(c.initial_m) for c in COMPARISONS}
    if start is not None:
        m0 = {n: v.copy() for n, v in start.items()}
    m = {}
    stats["teaching_pairs"] = {}
    for name, mask in teaching_pairs(levels, rare_name).items():
        column = levels[mask][:, NAMES.index(name)].astype(np.int64)
        column = column[column >= 0]
        stats["teaching_pairs"][name] = int(len(column))
        if len(column) < MIN_TRAINING_PAIRS:
            m[name] = m0[name]
            continue
        counts = np.bincount(column, minlength=len(m0[name])) + PSEUDO_PAIRS * m0[name]
        m[name] = np.clip(counts / counts.sum(), 1e-6, 1.0)
    return {n: v / v.sum() for n, v in m.items()}


def fixed_point_prior(log_bayes: np.ndarray, counts: np.ndarray, total_pairs: float) -> float:
    """P(two random records are one person): expected matches among candidates / all pairs."""
    total_pairs = max(float(total_pairs), 1.0)
    if counts.sum() == 0:
        return float(min(1.0 / total_pairs, 0.5))
    prior = min(counts.sum() / total_pairs * 0.5, 0.5)
    for _ in range(200):
        logit = log_bayes + np.log(prior) - np.log1p(-prior)
        post = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        new = float(np.clip((post * counts).sum() / total_pairs, 1.0 / total_pairs, 0.5))
        if abs(np.log(new) - np.log(prior)) < 1e-6:
            return new
        prior = new
    return prior


def pair_totals(programme: np.ndarray) -> tuple[float, float]:
    """All possible pairs across rosters, and inside one."""
    n = len(programme)
    sizes = np.bincount(programme).astype(np.float64)
    within = float((sizes * (sizes - 1) / 2).sum())
    return n * (n - 1) / 2 - within, within


def random_record_pairs(order: np.ndarray, n_pairs: int, seed: int = 20261206):
    """Up to ``n_pairs`` distinct random pairs (rid_a < rid_b) of records in ``order``.

    ``order`` ranks the records by their encodings, so the sample does not
    depend on the order of the files or rows.
    """
    from overlap.model import ordered_random_pairs

    return ordered_random_pairs(order, n_pairs, seed)


def pair_groups(programme: np.ndarray, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """A code per pair for its pair of rosters (unordered; a roster with itself too)."""
    a, b = programme[ra].astype(np.int64), programme[rb].astype(np.int64)
    n = int(programme.max()) + 1 if len(programme) else 1
    return np.minimum(a, b) * n + np.maximum(a, b)


def group_totals(programme: np.ndarray) -> dict[int, float]:
    """All possible pairs of each pair of rosters (group code as :func:`pair_groups`)."""
    sizes = np.bincount(programme).astype(np.float64)
    n = len(sizes)
    out = {}
    for a in range(n):
        out[a * n + a] = sizes[a] * (sizes[a] - 1) / 2
        for b in range(a + 1, n):
            out[a * n + b] = sizes[a] * sizes[b]
    return out


def fit_encoded_model(
    candidate_levels: np.ndarray,
    cross: np.ndarray,
    random_levels: np.ndarray,
    programme: np.ndarray,
    groups: np.ndarray | None = None,
    rare_name: np.ndarray | None = None,
) -> EncodedModel | None:
    """Fit m, u and the two priors on one run's pairs; None when there is too little to learn from.

    Args:
        candidate_levels: :func:`comparison_levels` of the candidate pairs.
        cross: whether each candidate pair spans two rosters.
        random_levels: :func:`comparison_levels` of random pairs (for u).
        programme: each record's roster code (for the number of possible pairs).
        groups: :func:`pair_groups` of the candidate pairs: each pair of rosters
            with pairs enough gets its own m and prior (rosters differ in what
            they record and how well: a census address against a tax form's
            mailing address agrees less often than two tax forms' do).
    """
    if len(candidate_levels) < MIN_CANDIDATE_PAIRS:
        return None
    stats: dict = {"candidate_pairs": int(len(candidate_levels))}
    u = estimate_u(random_levels)
    rare = np.zeros(len(candidate_levels), bool) if rare_name is None else rare_name
    m = learn_m(candidate_levels, rare, stats)
    model = EncodedModel(m=m, u=u, prior_cross=0.0, prior_within=0.0, stats=stats)
    if groups is not None:
        for group in np.unique(groups):
            mine = groups == group
            if mine.sum() >= MIN_GROUP_PAIRS:
                model.group_m[int(group)] = learn_m(candidate_levels[mine], rare[mine], {}, start=m)
    _fit_priors(model, candidate_levels, cross, programme, groups)
    # Random pairs hold a few true pairs, and where two people rarely agree (a whole
    # name) those few are most of what agrees: take out, comparison by comparison,
    # the share of one-person pairs the model expects among pairs where it is known.
    share = _clean_u(model, candidate_levels, cross, groups, random_levels, programme)
    _fit_priors(model, candidate_levels, cross, programme, groups)
    stats["match_share_of_random_pairs"] = share
    fit_household(model, candidate_levels, cross)
    return model


def _fit_priors(model, levels, cross, programme, groups) -> None:
    """Across rosters, inside one and per pair of rosters with its own m: the fixed-point prior."""
    cross_total, within_total = pair_totals(programme)
    for flag, total in ((True, cross_total), (False, within_total)):
        patterns, counts = count_patterns(levels[cross == flag])
        prior = fixed_point_prior(model.log_bayes(patterns), counts, total)
        if flag:
            model.prior_cross = prior
        else:
            model.prior_within = prior
    totals = group_totals(programme)
    for group, m in model.group_m.items():
        patterns, counts = count_patterns(levels[groups == group])
        model.group_prior[group] = fixed_point_prior(
            model.log_bayes(patterns, m=m), counts, totals[group]
        )


def _clean_u(model, levels, cross, groups, random_levels, programme) -> dict[str, float]:
    """Take the expected one-person pairs out of u; the share taken out per comparison.

    Among all pairs where a comparison is known, the share that are one person
    is the expected matches among the candidates where it is known (the
    model's posteriors) over all pairs where it is known (all pairs times the
    share of random pairs where it is known).
    """
    cross_total, within_total = pair_totals(programme)
    post = 1.0 / (1.0 + np.exp(-np.clip(model.logit(levels, cross, None, groups), -700, 700)))
    floor = 1.0 / max(len(random_levels), 1)
    shares = {}
    for j, name in enumerate(NAMES):
        known_random = float((random_levels[:, j] >= 0).mean()) if len(random_levels) else 0.0
        known_pairs = (cross_total + within_total) * known_random
        if known_pairs <= 0:
            continue
        share = float(post[levels[:, j] >= 0].sum() / known_pairs)
        cleaned = np.maximum(model.u[name] - share * model.m[name], floor)
        model.u[name] = cleaned / cleaned.sum()
        shares[name] = share
    return shares


def _initial_member_u(model: EncodedModel, name: str) -> np.ndarray:
    """A first guess of P(level | two members of one home): housemates share a surname, not a birth."""
    u = model.u[name].copy()
    if name == "names":  # a shared surname with a different first name, at any Dice
        state = np.arange(len(u)) % len(FIRST_STATES)
        u = u + np.where(state == SURNAME_ONLY, 0.5 / (len(u) / len(FIRST_STATES)), 0.0)
    elif name == "dob":
        u = np.array([0.02, 0.03, 0.05, 0.90])
    elif name == "ssn":
        u = np.array([0.001, 0.01, 0.989])
    elif name == "email":
        u = np.array([0.25, 0.75])
    return u / u.sum()


def _member_floor(name: str, u: np.ndarray) -> np.ndarray:
    """Never less likely for two members to agree than :data:`MEMBERS_AGREE` says.

    Twins, a father and son of one name and a family email are rare in any one
    roster set, so EM alone may learn them as near impossible; then a pair of
    twins at one address looks like one person.
    """
    floor = MEMBERS_AGREE.get(name)
    if floor is None:
        return u
    agree = np.zeros(len(u), bool)
    if name == "names":
        agree[NAMES_FIRST_AGREES :: len(FIRST_STATES)] = True
        share = u[agree].sum()
        if share < floor:
            u = u.copy()
            u[agree] *= floor / max(share, 1e-12)
            u[~agree] *= (1 - floor) / max(u[~agree].sum(), 1e-12)
        return u
    if u[0] < floor:
        u = u.copy()
        u[1:] *= (1 - floor) / max(u[1:].sum(), 1e-12)
        u[0] = floor
    return u


def fit_household(model: EncodedModel, levels: np.ndarray, cross: np.ndarray) -> None:
    """Learn from the pairs sharing a home how often members agree and how many are one person.

    EM with two classes over those pairs: "one person" with the model's m
    (fixed) and "two members" with u learned here for the comparisons that
    tell members apart; one share of "one person" across rosters and one
    inside a roster. Guarded pairs are two members.
    """
    model.member_u = {name: _initial_member_u(model, name) for name in TELLS_APART}
    home = shares_home(levels)
    if int(home.sum()) < MIN_TRAINING_PAIRS:
        return
    columns = [NAMES.index(n) for n in TELLS_APART]
    table = np.column_stack(
        [levels[home][:, columns], cross[home].astype(np.int8), household_guard(levels[home])]
    )
    patterns, counts = count_patterns(table)
    group, pguard = patterns[:, -2].astype(bool), patterns[:, -1].astype(bool)
    patterns = patterns[:, :-2]
    start = {name: u.copy() for name, u in model.member_u.items()}
    for _ in range(200):
        prior = np.where(group, model.home_prior_cross, model.home_prior_within)
        log_odds = np.log(prior) - np.log1p(-prior)
        for j, name in enumerate(TELLS_APART):
            table = np.append(np.log(model.m[name]) - np.log(model.member_u[name]), 0.0)
            log_odds = log_odds + table[patterns[:, j]]
        post = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -50, 50)))
        post[pguard] = 0.0
        change = 0.0
        for flag in (True, False):
            mask = group == flag
            if counts[mask].sum() >= MIN_TRAINING_PAIRS:
                new = float(
                    np.clip((post * counts)[mask].sum() / counts[mask].sum(), *HOME_PRIOR_BOUNDS)
                )
                old = model.home_prior_cross if flag else model.home_prior_within
                change = max(change, abs(new - old))
                if flag:
                    model.home_prior_cross = new
                else:
                    model.home_prior_within = new
        other = (1.0 - post) * counts
        for j, name in enumerate(TELLS_APART):
            level = patterns[:, j].astype(np.int64)
            present = level >= 0
            sums = np.bincount(level[present], weights=other[present], minlength=len(start[name]))
            new_u = np.clip(
                (sums + HOME_PSEUDO_PAIRS * start[name]) / (sums.sum() + HOME_PSEUDO_PAIRS), 1e-6, 1
            )
            new_u = _member_floor(name, new_u / new_u.sum())
            change = max(change, float(np.abs(new_u - model.member_u[name]).max()))
            model.member_u[name] = new_u
        if change < 1e-6:
            break
