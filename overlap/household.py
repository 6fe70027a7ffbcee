"""Households: telling one person from two members of one home.

Two records that share a street address (with its house number), a phone
number or an email are either one person or two people of one household
(spouses, twins, a father and his son, a mother and her daughter of the same
name). Against a stranger, a shared home is strong evidence; against a
housemate it is none. So for such pairs the question the model asks is
"one person, or another member?":

- **hard rules** (``household_guard``): different first names together with a
  different sex or a different date of birth, Jr against Sr, a generational
  suffix on one side with a different birth year, or the same birthday in
  years far apart, are two people; a shared social security number or
  record ID overrules them. EM never learns from guarded pairs.
- **the household weight** (``household_weight``): only the fields that tell
  members apart count, each against how often two *members* agree on it
  (members share a surname and an address; they share a first name, a date
  of birth or an email far less often, but far more often than strangers
  do), plus the prior odds that a pair of records sharing a home is one
  person. Those odds are learned from the data (``household_priors``): rosters
  of families have many housemate pairs, rosters without households (or
  with heavy typing errors) have few, and a fixed guess fails one or the other.
"""

from __future__ import annotations

import numpy as np

from overlap import fields as f

GUARD_WEIGHT = -30.0
# P(field agrees exactly | two members of one household), for the fields that
# tell members apart; other levels use the model's own u.
HOUSEHOLD_SAME = {
    "first_name": 0.05,  # a mother and daughter, father and son of one name
    "dob": 0.02,  # twins, and typing
    "email": 0.25,  # a family address
}
PRIOR_BOUNDS = (0.001, 0.999)  # the share of housemate pairs that are one person, never 0 or 1
DEFAULT_PRIOR = 0.26  # when too few pairs share a home to learn it: odds of 1 to 2.8
MIN_PAIRS = 30
PSEUDO_PAIRS = 20.0  # pseudo-pairs at the first guess of each member u


def shares_household(levels) -> np.ndarray:
    """Same street address (with house number), phone or email: household evidence."""
    address = np.asarray(levels["address_level"])
    same = (address == f.ADDR_EXACT) | (address == f.ADDR_CLOSE)
    same |= np.asarray(levels["phone_level"]) == f.PHONE_EXACT
    if "email_level" in levels:
        same |= np.asarray(levels["email_level"]) == f.EMAIL_EXACT
    return same


def _same_id(levels) -> np.ndarray:
    same = np.asarray(levels["record_id_level"]) == f.ID_EXACT
    if "ssn_level" in levels:
        same = same | (np.asarray(levels["ssn_level"]) == f.SSN_EXACT)
    return same


def household_guard(levels) -> np.ndarray:
    """Pairs that share a household but are clearly two people (spouses, father and son).

    Two people: different first names (not a nickname, short form, typo or
    look-alike) with a different recorded sex or a different date of birth;
    Jr against Sr; a generational suffix on one side only with birth years
    that differ; or the same birthday in years far apart. A shared social
    security number or record ID overrules all of these.
    """
    first = np.asarray(levels["first_name_level"])
    dob = np.asarray(levels["dob_level"])
    suffix = np.asarray(levels["suffix_level"])
    sex = np.asarray(levels["sex_level"])
    dob_differs = (dob == f.DOB_ELSE) | (dob == f.DOB_FAR_YEARS)
    first_differs = first == f.FIRST_ELSE
    two_people = first_differs & ((sex == f.SEX_ELSE) | dob_differs)
    two_people |= suffix == f.SUFFIX_ELSE
    two_people |= (suffix == f.SUFFIX_ONE_SIDE) & dob_differs
    two_people |= dob == f.DOB_FAR_YEARS
    return shares_household(levels) & two_people & ~_same_id(levels)


def training_guard(levels) -> np.ndarray:
    """Pairs EM must not learn from as matches: housemates that may be two people.

    Wider than ``household_guard``: any pair sharing a home whose first names
    or dates of birth clearly differ. Taught as matches, such pairs (twins,
    siblings) make EM believe that one person's records often disagree on
    first names; scored, they are weighed by the household model instead.
    """
    first = np.asarray(levels["first_name_level"])
    dob = np.asarray(levels["dob_level"])
    differ = (first == f.FIRST_ELSE) | (dob == f.DOB_ELSE) | (dob == f.DOB_FAR_YEARS)
    guarded = household_guard(levels) | generations_differ(levels)
    return guarded | (shares_household(levels) & differ & ~_same_id(levels))


def _member_weights(model, name: str) -> np.ndarray:
    """log2(m / u) of one comparison's levels, u being two household members' (where learned)."""
    u = model.member_u.get(name)
    if u is None:  # a model not fitted on these pairs: the first guess
        u = _initial_member_u(model, f.COMPARISON_BY_NAME.get(name) or _no_exact(name))
    return np.log2(model.m[name] / u)


def person_evidence(model, levels) -> np.ndarray:
    """log2 Bayes factor of "one person" against "two members of one household", per pair."""
    total = np.zeros(len(np.asarray(levels["dob_level"])))
    for comparison in model.comparisons:
        if not comparison.tells_apart:
            continue
        level = np.asarray(levels[comparison.level_column]).astype(np.int64)
        table = np.append(_member_weights(model, comparison.name), 0.0)  # -1: missing, weight 0
        total += table[level]
    return total


def _no_exact(name: str) -> f.Comparison:
    return f.Comparison(name, name, (), ())


def _initial_member_u(model, comparison) -> np.ndarray:
    """A first guess of P(level | two members): the model's u, exact agreement as HOUSEHOLD_SAME."""
    u = model.u[comparison.name].copy()
    agree = HOUSEHOLD_SAME.get(comparison.name)
    if agree is not None and comparison.exact_level is not None:
        rest = np.delete(u, comparison.exact_level)
        rest = rest / max(rest.sum(), 1e-12) * (1.0 - agree)
        u = np.insert(rest, comparison.exact_level, agree)
    return u


def fit_household(model, levels, guard: np.ndarray, cross: np.ndarray | None) -> None:
    """Learn, from the pairs sharing a home, how often members agree and how many are one person.

    EM with two classes over the household pairs: "one person" with the
    model's m (fixed), "two members" with u learned here for each field
    that tells members apart, and the share of "one person" across rosters
    and inside one. Guarded pairs are two members. A few pseudo-pairs at the
    first guess keep rare levels plausible. Sets ``model.member_u`` and
    ``model.household_priors``.
    """
    household = shares_household(levels)
    tells = [c for c in model.comparisons if c.tells_apart]
    model.member_u = {c.name: _initial_member_u(model, c) for c in tells}
    keys = ("within", "cross") if cross is not None else ("all", "all")
    model.household_priors = dict.fromkeys(keys, DEFAULT_PRIOR)
    if int(household.sum()) < MIN_PAIRS or not tells:
        return
    flag = np.zeros(len(household), dtype=np.int8) if cross is None else np.asarray(cross, np.int8)
    columns = [np.asarray(levels[c.level_column])[household] for c in tells]
    patterns, counts = _pattern_counts([*columns, flag[household], guard[household]])
    group, pguard = patterns[:, -2].astype(bool), patterns[:, -1].astype(bool)
    levels_of = {c.name: patterns[:, j] for j, c in enumerate(tells)}
    start = {name: u.copy() for name, u in model.member_u.items()}
    for _ in range(200):
        priors = np.where(group, model.household_priors[keys[1]], model.household_priors[keys[0]])
        log_odds = np.log(priors / (1 - priors))
        for c in tells:
            level = levels_of[c.name]
            present = level >= 0
            log_odds[present] += np.log(model.m[c.name][level[present]])
            log_odds[present] -= np.log(model.member_u[c.name][level[present]])
        post = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -50, 50)))
        post[pguard] = 0.0
        change = _update_priors(model.household_priors, keys, group, post, counts)
        other = (1.0 - post) * counts
        for c in tells:
            level = levels_of[c.name]
            present = level >= 0
            sums = np.bincount(level[present], weights=other[present], minlength=len(start[c.name]))
            new = np.clip(
                (sums + PSEUDO_PAIRS * start[c.name]) / (sums.sum() + PSEUDO_PAIRS), 1e-6, 1
            )
            new /= new.sum()
            change = max(change, float(np.abs(new - model.member_u[c.name]).max()))
            model.member_u[c.name] = new
        if change < 1e-6:
            break


def _update_priors(priors: dict, keys, group, post, counts) -> float:
    """Set each group's share of "one person" from the posteriors; the largest change."""
    change = 0.0
    for flag_value, key in ((False, keys[0]), (True, keys[1])):
        mask = group == flag_value
        if counts[mask].sum() >= MIN_PAIRS:
            new = float(np.clip((post * counts)[mask].sum() / counts[mask].sum(), *PRIOR_BOUNDS))
            change = max(change, abs(new - priors[key]))
            priors[key] = new
    return change


def _pattern_counts(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of small integer columns (levels from -1) and how many pairs have each."""
    code = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        code = code * 17 + (np.asarray(column, dtype=np.int64) + 1)
    unique, counts = np.unique(code, return_counts=True)
    patterns = np.empty((len(unique), len(columns)), dtype=np.int64)
    rest = unique.copy()
    for j in range(len(columns) - 1, -1, -1):
        patterns[:, j] = rest % 17 - 1
        rest //= 17
    return patterns, counts.astype(np.float64)


def household_weight(model, scored, cross: np.ndarray | None = None) -> np.ndarray:
    """For pairs sharing a household: the match weight of "one person, not two members".

    Within a household the question is not "same person or a stranger" but
    "same person or another member", so only the fields that tell members
    apart count, each against how often members agree on it, plus the
    learned prior odds of a shared home being one person. Hard-guarded pairs
    get a large negative weight; pairs sharing no home get +inf (no cap),
    except two generations (Jr and Sr), capped wherever they live.
    ``scored`` is a frame or a dict of column arrays.
    """
    household = shares_household(scored)
    person = person_evidence(model, scored)
    priors = model.household_priors
    if cross is not None and "cross" in priors:
        prior = np.where(cross, priors["cross"], priors["within"])
    else:
        prior = np.full(len(person), priors.get("all", DEFAULT_PRIOR))
    person += np.log2(prior / (1 - prior))
    person[household_guard(scored)] = GUARD_WEIGHT
    person[~household] = np.inf
    person[generations_differ(scored)] = GUARD_WEIGHT
    return person


def generations_differ(levels) -> np.ndarray:
    """Pairs whose suffixes name two generations (Jr and Sr, II and III): two people.

    The suffix exists to tell a father from his son, so wherever they live
    the two records are two people, unless an SSN or record ID says otherwise.
    """
    suffix = np.asarray(levels["suffix_level"])
    return (suffix == f.SUFFIX_ELSE) & ~_same_id(levels)
