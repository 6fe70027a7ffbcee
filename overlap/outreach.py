"""Outreach: from matched records to a target list, batches, a plan, and a later check.

Everything here counts and lists *people* (``person_id`` of a match), never
records. The steps follow what a programme manager does:

1. ``build_target_list`` picks people by conditions (in A, not in B, ZIPs,
   cities, any column) and merges each person's contact details from all
   their records into one row.
2. ``make_batches`` splits the list by area or N per volunteer, each batch
   with a goal.
3. ``make_plan`` / ``OutreachPlan.to_json`` save conditions, batches, goals
   and, for every target, the few normalised fields needed to recognise them
   again: this file holds personal data and is only written when the user
   asks for it.
4. ``overlap.follow_up.check_conversions`` matches the plan's targets against
   a new roster a season later.

Merging rules (one row per person):

* name: the record with the most name parts filled (first, middle, last,
  suffix); ties go to the form seen most often in that person's records, then
  the longest, then the first record loaded. The list shows that record's
  name as its roster wrote it (``overlap.as_typed``); matching keys stay
  internal.
* phones, emails: every distinct value, most often seen first, joined "; ";
  phones written as people here write them ("(401) 629-3175").
* address: taken whole from one record, as typed (never a street from one
  record and a ZIP from another): the most complete (street, city, state, ZIP each count
  one, a unit counts one more); ties go to the address seen most often, then
  the first record loaded. Rosters carry no reliable dates, so "most recent"
  cannot be known; completeness is the rule.
* match confidence: the lowest probability among the matched pairs that join
  this person's records (the weakest link); "single record" when the person
  has one record; "joined by a reviewer" when a review decision alone joins
  them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from overlap.errors import OverlapError

NAME_PARTS = ["first_name", "middle_name", "last_name", "suffix"]
ADDRESS_PARTS = ["street", "unit", "city", "state", "zip"]
# the normalised fields a plan keeps per target so the matcher can find them again
MATCH_FIELDS = [*NAME_PARTS, "dob", "sex", *ADDRESS_PARTS, "phone", "email"]
MULTI_VALUE_SEPARATOR = " | "  # mapping joins several phone/email columns with this
LIST_SEPARATOR = "; "

PLAN_FORMAT = "overlap-outreach-plan"
PLAN_VERSION = 1
PLAN_FILE_KIND = "outreach-plan"  # what overlap.crypto's header says a sealed plan holds
PERSONAL_DATA_NOTICE = (
    "This plan file holds personal data (names, dates of birth, addresses, "
    "phones and emails of the people on the list) so they can be recognised "
    "in a later roster. Store and share it as carefully as the rosters themselves."
)

EXTRA_PREFIX = "column:"  # a roster column carried into a list (build_target_list(columns=...))
SINGLE_RECORD = "single record"
REVIEWER_JOINED = "joined by a reviewer"
NO_AREA = "(no area on file)"


# --------------------------------------------------------------------------- conditions


@dataclass
class TargetConditions:
    """Which people go on a list. Empty fields do not filter.

    ``zips`` and ``cities`` look at the address we would use to reach the
    person (see the merging rule); ``where`` looks at every record of the
    person (any record with an allowed value qualifies); all conditions must
    hold together.
    """

    in_any: list[str] = field(default_factory=list)  # in at least one of these programmes
    in_all: list[str] = field(default_factory=list)  # in every one of these
    not_in: list[str] = field(default_factory=list)  # in none of these
    zips: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    where: dict[str, list[str]] = field(default_factory=dict)  # column -> allowed values

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TargetConditions:
        known = {k: data.get(k) for k in cls.__dataclass_fields__ if data.get(k) is not None}
        conditions = cls(**known)
        conditions.where = {str(k): [str(v) for v in vs] for k, vs in conditions.where.items()}
        for name in ("in_any", "in_all", "not_in", "zips", "cities"):
            setattr(conditions, name, [str(v) for v in getattr(conditions, name)])
        return conditions

    def describe(self) -> str:
        """The conditions in plain words, e.g. for a plan's title line."""
        parts = []
        if self.in_any:
            parts.append("in " + " or ".join(self.in_any))
        if self.in_all:
            parts.append("in " + " and ".join(self.in_all))
        if self.not_in:
            parts.append("not in " + " or ".join(self.not_in))
        if self.zips:
            parts.append("ZIP " + ", ".join(self.zips))
        if self.cities:
            parts.append("city " + ", ".join(self.cities))
        for column, values in self.where.items():
            parts.append(f"{column} is " + " or ".join(values))
        return "; ".join(parts) if parts else "everyone"


def _fold(values: pd.Series) -> pd.Series:
    return values.fillna("").astype("str").str.strip().str.casefold()


def _check_programmes(records: pd.DataFrame, conditions: TargetConditions) -> None:
    known = set(records["programme"].astype("str"))
    asked = [*conditions.in_any, *conditions.in_all, *conditions.not_in]
    unknown = [p for p in dict.fromkeys(asked) if p not in known]
    if unknown:
        raise OverlapError(
            f"No programme named {', '.join(unknown)} in this match; "
            f"the programmes are {', '.join(sorted(known))}."
        )


def _where_column(records: pd.DataFrame, attributes: pd.DataFrame | None, column: str) -> pd.Series:
    """The values of ``column`` (records first, then attributes; any letter case) per record."""
    for source in (records, attributes):
        if source is None:
            continue
        if column in source.columns:
            return source[column].reindex(records.index)
        folded = {str(c).casefold(): c for c in source.columns}
        if column.casefold() in folded:
            return source[folded[column.casefold()]].reindex(records.index)
    raise OverlapError(
        f"No column named {column} in this match; filter on a roster column "
        "(such as zip, city or language)."
    )


def select_people(
    records: pd.DataFrame,
    conditions: TargetConditions,
    attributes: pd.DataFrame | None = None,
    best_address: pd.DataFrame | None = None,
) -> pd.Index:
    """The ``person_id`` values that meet the conditions, in ascending order.

    Args:
        records: matched records (``programme``, ``person_id`` and normalised fields).
        conditions: the list's conditions.
        attributes: attribute columns indexed like ``records`` (for ``where``).
        best_address: per-person address (from ``merge_people``) for ZIP/city filters;
            computed when not given.

    Returns:
        The chosen person ids.

    Raises:
        OverlapError: a programme or column named in the conditions does not exist.
    """
    _check_programmes(records, conditions)
    membership = _membership(records)
    keep = pd.Series(True, index=membership.index)
    if conditions.in_any:
        keep &= membership[conditions.in_any].any(axis=1)
    for programme in conditions.in_all:
        keep &= membership[programme]
    for programme in conditions.not_in:
        keep &= ~membership[programme]
    if conditions.zips or conditions.cities:
        if best_address is None:
            best_address = _best_address(records)
        address = best_address.reindex(keep.index)
        if conditions.zips:
            zips = {z.strip().casefold() for z in conditions.zips}
            keep &= _fold(address["zip"]).isin(zips)
        if conditions.cities:
            cities = {c.strip().casefold() for c in conditions.cities}
            keep &= _fold(address["city"]).isin(cities)
    for column, values in conditions.where.items():
        allowed = {str(v).strip().casefold() for v in values}
        hit = _fold(_where_column(records, attributes, column)).isin(allowed)
        people_hit = hit.groupby(records["person_id"].to_numpy()).any()
        keep &= people_hit.reindex(keep.index, fill_value=False)
    return keep.index[keep.to_numpy()]


# --------------------------------------------------------------------------- merging


def _group_lists(keys, values) -> pd.Series:
    """Values gathered into one list per key (in the values' order), indexed by sorted key.

    A stable sort and slicing: much faster than ``groupby(...).agg(list)``,
    which runs Python once per group.
    """
    keys = np.asarray(keys)
    values = list(values)
    if not len(keys):
        return pd.Series([], dtype=object)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    sorted_values = [values[i] for i in order.tolist()]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], len(sorted_keys)]
    lists = [sorted_values[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    return pd.Series(lists, index=sorted_keys[starts], dtype=object)


def _membership(records: pd.DataFrame) -> pd.DataFrame:
    """One row per person (sorted), one boolean column per programme."""
    person_codes, people = pd.factorize(records["person_id"], sort=True)
    programme_codes, programmes = pd.factorize(records["programme"].astype("str"))
    matrix = np.zeros((len(people), len(programmes)), dtype=bool)
    matrix[person_codes, programme_codes] = True
    return pd.DataFrame(matrix, index=pd.Index(people, name="person_id"), columns=list(programmes))


def _best_address(records: pd.DataFrame) -> pd.DataFrame:
    """Per person, the address parts of their most complete address (see module rules)."""
    parts = records[["person_id", *ADDRESS_PARTS]].copy()
    for column in ADDRESS_PARTS:
        parts[column] = parts[column].fillna("").astype("str")
    filled = parts[["street", "city", "state", "zip"]].ne("").sum(axis=1) * 2
    parts["_score"] = filled + parts["unit"].ne("").astype(int)
    parts["_seen"] = parts.groupby(["person_id", "street", "zip"], sort=False)["street"].transform(
        "size"
    )
    parts["_order"] = np.arange(len(parts))
    best = parts.sort_values(
        ["person_id", "_score", "_seen", "_order"], ascending=[True, False, False, True]
    ).drop_duplicates("person_id")
    best["address_rid"] = best.index
    return best.set_index("person_id")[[*ADDRESS_PARTS, "address_rid"]]


def _join_words(columns: list[pd.Series]) -> pd.Series:
    """Row-wise join of string columns with single spaces, empty parts skipped."""
    joined = columns[0].astype("str")
    for column in columns[1:]:
        joined = joined + " " + column.astype("str")
    return joined.str.split().str.join(" ").fillna("").astype("str")


def _best_name(records: pd.DataFrame) -> pd.DataFrame:
    """Per person, the name parts of their most complete name (see module rules)."""
    names = records[["person_id", *NAME_PARTS]].copy()
    for column in NAME_PARTS:
        names[column] = names[column].fillna("").astype("str")
    full = _join_words([names[c] for c in NAME_PARTS])
    names["_parts"] = names[NAME_PARTS].ne("").sum(axis=1)
    names["_full"] = full
    names["_seen"] = names.groupby(["person_id", "_full"], sort=False)["_full"].transform("size")
    names["_length"] = full.str.len()
    names["_order"] = np.arange(len(names))
    best = names.sort_values(
        ["person_id", "_parts", "_seen", "_length", "_order"],
        ascending=[True, False, False, False, True],
    ).drop_duplicates("person_id")
    best["name_rid"] = best.index
    return best.set_index("person_id")[[*NAME_PARTS, "name_rid"]]


def _most_common(records: pd.DataFrame, column: str) -> pd.Series:
    """Per person, the most frequent non-empty value of ``column`` ("" if none)."""
    values = records[["person_id", column]].copy()
    values[column] = values[column].fillna("").astype("str")
    values = values[values[column] != ""]
    values["_order"] = np.arange(len(values))
    counted = values.groupby(["person_id", column], sort=False).agg(
        _seen=("_order", "size"), _first=("_order", "min")
    )
    counted = counted.reset_index().sort_values(
        ["person_id", "_seen", "_first"], ascending=[True, False, True]
    )
    return counted.drop_duplicates("person_id").set_index("person_id")[column]


def _distinct_lists(owners, shown: pd.Series, keys: pd.Series) -> pd.Series:
    """Per owner, every distinct value (by key), most often seen first, as first shown.

    Args:
        owners: the owner of each value (a person id).
        shown: each value as a list shows it.
        keys: what makes two values the same (e.g. the phone's E.164 form).
    """
    values = pd.DataFrame(
        {"owner": np.asarray(owners), "shown": shown.to_numpy(), "key": keys.to_numpy()}
    )
    values["_order"] = np.arange(len(values))
    counted = (
        values.groupby(["owner", "key"], sort=False)
        .agg(shown=("shown", "first"), _seen=("_order", "size"), _first=("_order", "min"))
        .reset_index()
        .sort_values(["owner", "_seen", "_first"], ascending=[True, False, True])
    )
    return _group_lists(counted["owner"].to_numpy(), counted["shown"].tolist())


def _title(values: pd.Series) -> pd.Series:
    """Capitalise each word's first letter ("6814 w 31st" -> "6814 W 31st", not "31St")."""
    return (
        values.fillna("")
        .astype("str")
        .str.replace(r"\b([a-z])", lambda m: m.group(1).upper(), regex=True)
    )


def _cleaned_name(parts: pd.DataFrame) -> pd.Series:
    """A name from cleaned keys (no as-typed values known): "maria luisa garcia jr" -> "Maria Luisa Garcia Jr"."""
    parts = parts.fillna("").astype("str")
    suffix = parts["suffix"].str.upper().where(parts["suffix"].str.len() <= 3, "")
    suffix = suffix.where(~parts["suffix"].isin(["jr", "sr"]), parts["suffix"].str.title())
    words = [parts[c].str.title() for c in ("first_name", "middle_name", "last_name")]
    return _join_words([*words, suffix])


def _add_shown_values(
    people: pd.DataFrame, records: pd.DataFrame, as_typed: pd.DataFrame | None
) -> None:
    """Add what a list shows (``shown_*``, ``phones``, ``emails``) to ``people`` in place.

    Names and addresses come from the record ``_best_name`` / ``_best_address``
    chose, as its roster wrote them; phones and emails from every record.
    """
    from overlap import as_typed as typed

    name_rids = people["name_rid"].to_numpy()
    address_rids = people["address_rid"].to_numpy()
    if as_typed is not None:
        programmes = records["programme"]
        people["shown_name"] = typed.typed_names(
            as_typed.loc[name_rids].reset_index(drop=True),
            programmes.loc[name_rids].reset_index(drop=True),
        ).to_numpy()
        address = typed.typed_addresses(
            as_typed.loc[address_rids].reset_index(drop=True),
            programmes.loc[address_rids].reset_index(drop=True),
            records.loc[address_rids, ["state", "zip"]].reset_index(drop=True),
        )
        phones = as_typed.loc[records.index, "phone"]
        emails = as_typed.loc[records.index, "email"]
    else:
        people["shown_name"] = _cleaned_name(people[NAME_PARTS]).to_numpy()
        address = pd.DataFrame({p: _title(people[p]) for p in ("street", "unit", "city")})
        address["state"] = people["state"].fillna("").astype("str").str.upper()
        address["zip"] = people["zip"].fillna("").astype("str")
        phones, emails = records["phone"], records["email"]
    for part in ("street", "unit", "city", "state", "zip"):
        people[f"shown_{part}"] = address[part].to_numpy()
    owners = records["person_id"].to_numpy()
    found = typed.phones_for_display(owners, phones)
    people["phones"] = _lists_for(
        people.index, _distinct_lists(found["owner"], found["phone"], found["key"])
    )
    found = typed.emails_for_display(owners, emails)
    people["emails"] = _lists_for(
        people.index, _distinct_lists(found["owner"], found["email"], found["key"])
    )


def _lists_for(index: pd.Index, lists: pd.Series) -> list[list]:
    """One list per entry of ``index`` ([] where ``lists`` has none)."""
    return [v if isinstance(v, list) else [] for v in lists.reindex(index).tolist()]


def links_by_rid(records: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Links with ``rid_a, rid_b, probability`` whether they came keyed by rid or by programme/row.

    ``links.csv`` (``overlap match``) names records by ``programme_a,row_a,
    programme_b,row_b``; a ``MatchResult`` uses rids. ``records`` is indexed by rid.
    A workspace's export has a season too (rows repeat from season to season).
    """
    if {"rid_a", "rid_b"} <= set(links.columns):
        return links[["rid_a", "rid_b", "probability"]]
    seasons = "season" in records.columns and "season_a" in links.columns
    parts = ["programme", "row", *(["season"] if seasons else [])]
    key = pd.Series(
        records.index.to_numpy(),
        index=pd.MultiIndex.from_arrays(
            [records[p].astype(int if p == "row" else "str") for p in parts]
        ),
    )
    out = pd.DataFrame({"probability": links["probability"].astype(float).to_numpy()})
    for side in ("a", "b"):
        index = pd.MultiIndex.from_arrays(
            [links[f"{p}_{side}"].astype(int if p == "row" else "str") for p in parts]
        )
        out[f"rid_{side}"] = key.reindex(index).to_numpy()
    return out.dropna(subset=["rid_a", "rid_b"])


def person_confidence(records: pd.DataFrame, links: pd.DataFrame | None) -> pd.Series:
    """Per person, the lowest link probability among the pairs joining their records.

    NaN for a single-record person and for a person joined only by review
    decisions (no link inside). ``records`` is indexed by rid.
    """
    people = records["person_id"]
    weakest = pd.Series(np.nan, index=pd.Index(people.unique(), name="person_id"))
    if links is None or links.empty:
        return weakest.sort_index()
    by_rid = links_by_rid(records, links)
    pa = pd.Series(by_rid["rid_a"].to_numpy().astype(np.int64)).map(people)
    pb = pd.Series(by_rid["rid_b"].to_numpy().astype(np.int64)).map(people)
    inside = (pa == pb).to_numpy()
    lowest = (
        pd.Series(by_rid["probability"].to_numpy()[inside], index=pa.to_numpy()[inside])
        .groupby(level=0)
        .min()
    )
    weakest.loc[lowest.index] = lowest.to_numpy()
    return weakest.sort_index()


def merge_people(
    records: pd.DataFrame,
    links: pd.DataFrame | None = None,
    person_ids: pd.Index | None = None,
    as_typed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per person: the best name, address, every phone and email, programmes.

    Args:
        records: matched records indexed by rid (``programme``, ``row``,
            ``person_id`` and the normalised fields).
        links: matched pairs (by rid or by programme/row) for the confidence.
        person_ids: only these people (default: everyone).
        as_typed: the records' fields as the rosters wrote them, by rid
            (``MatchResult.as_typed``); without it names and addresses are shown
            from the cleaned keys, capitalised.

    Returns:
        A frame indexed by ``person_id`` with normalised (lower case) fields:
        name parts, ``dob``, ``sex``, address parts (for filters, batches and
        plans), ``programmes`` (list, in roster order), ``records`` (count),
        ``sources`` (list of "programme row N"), ``confidence`` (float or NaN);
        and what a list shows: ``shown_name``, ``shown_street``, ``shown_unit``,
        ``shown_city``, ``shown_state``, ``shown_zip`` (as typed, from the most
        complete record), ``phones`` and ``emails`` (lists, every distinct one,
        most often seen first; see ``overlap.as_typed``).
    """
    if person_ids is not None:
        records = records[records["person_id"].isin(person_ids)]
    order = [str(p) for p in pd.unique(records["programme"])]
    rank = {p: i for i, p in enumerate(order)}
    people = _best_name(records).join(_best_address(records))
    people["dob"] = _most_common(records, "dob").reindex(people.index).fillna("")
    people["sex"] = _most_common(records, "sex").reindex(people.index).fillna("")
    _add_shown_values(people, records, as_typed)
    programmes = records[["person_id", "programme"]].astype({"programme": "str"}).drop_duplicates()
    programmes = programmes.assign(_rank=programmes["programme"].map(rank)).sort_values(
        ["person_id", "_rank"]
    )
    people["programmes"] = _group_lists(
        programmes["person_id"].to_numpy(), programmes["programme"].tolist()
    )
    people["records"] = records.groupby("person_id").size()
    sources = records["programme"].astype("str") + " row " + records["row"].astype("str")
    people["sources"] = _group_lists(records["person_id"].to_numpy(), sources.tolist())
    people["confidence"] = person_confidence(records, links).reindex(people.index)
    people.index.name = "person_id"
    return people


def confidence_label(confidence: float, n_records: int) -> str:
    """Plain words for a person's match confidence."""
    if n_records <= 1:
        return SINGLE_RECORD
    if confidence is None or (isinstance(confidence, float) and math.isnan(confidence)):
        return REVIEWER_JOINED
    return f"{confidence:.0%}" if confidence < 0.995 else f"{confidence:.1%}"


# --------------------------------------------------------------------------- target list


TARGET_COLUMNS = [
    "target",
    "name",
    "phones",
    "emails",
    "street",
    "unit",
    "city",
    "state",
    "zip",
    "programmes",
    "records",
    "match_confidence",
    "found_in",
]


def build_target_list(
    records: pd.DataFrame,
    conditions: TargetConditions,
    attributes: pd.DataFrame | None = None,
    links: pd.DataFrame | None = None,
    as_typed: pd.DataFrame | None = None,
    columns: Sequence[str] = (),
) -> pd.DataFrame:
    """The people meeting ``conditions``, one row each, with merged contact details.

    Args:
        records: matched records indexed by rid.
        conditions: who goes on the list.
        attributes: attribute columns indexed by rid (for ``where`` filters and ``columns``).
        links: matched pairs, for each person's match confidence.
        as_typed: the records' fields as the rosters wrote them (``MatchResult.as_typed``),
            so names, addresses and phones are shown as typed.
        columns: roster columns to carry into the list (e.g. preferred language):
            each person's distinct values, "; "-joined.

    Returns:
        The merged people (columns of ``merge_people`` plus ``target``, a key
        "T0001"... in ZIP, last name, first name order), indexed by ``person_id``.
        ``display_targets`` turns it into the table users download.

    Example:
        ```py
        from overlap import TargetConditions, build_target_list

        wanted = TargetConditions(in_any=["Job programme"], not_in=["Employer"])
        people = build_target_list(
            result.records, wanted, result.attributes, result.links, result.as_typed
        )
        ```
    """
    best_address = _best_address(records)
    chosen = select_people(records, conditions, attributes, best_address)
    people = merge_people(records, links, person_ids=chosen, as_typed=as_typed)
    people = people.sort_values(["zip", "city", "last_name", "first_name", "street"], kind="stable")
    width = max(4, len(str(len(people))))
    people.insert(0, "target", [f"T{i:0{width}d}" for i in range(1, len(people) + 1)])
    chosen_records = records[records["person_id"].isin(people.index)]
    for column in dict.fromkeys(columns):
        values = roster_column_values(chosen_records, attributes, column)
        people[EXTRA_PREFIX + column] = values.reindex(people.index).fillna("").to_numpy()
    return people


def display_targets(people: pd.DataFrame) -> pd.DataFrame:
    """The target list as users read and download it: values as typed, lists joined by "; ".

    Columns of the rosters chosen with ``build_target_list(columns=...)`` come
    last, under their own names.

    Args:
        people: ``build_target_list``'s output.

    Returns:
        One row per person: ``target``, ``name``, ``phones``, ``emails``, the
        address, ``programmes``, ``records``, ``match_confidence``, ``found_in``.

    Example:
        ```py
        from overlap import display_targets

        table = display_targets(people)  # personal data: write it with write_table, never a log
        by_confidence = table["match_confidence"].value_counts()
        ```
    """
    extra = [c for c in people.columns if str(c).startswith(EXTRA_PREFIX)]
    shown = {c: _extra_label(c) for c in extra}
    if people.empty:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in [*TARGET_COLUMNS, *shown.values()]})
    positional = people.reset_index(drop=True)
    out = pd.DataFrame(
        {
            "target": positional["target"],
            "name": positional["shown_name"],
            "phones": positional["phones"].map(LIST_SEPARATOR.join),
            "emails": positional["emails"].map(LIST_SEPARATOR.join),
            "street": positional["shown_street"],
            "unit": positional["shown_unit"],
            "city": positional["shown_city"],
            "state": positional["shown_state"],
            "zip": positional["shown_zip"],
            "programmes": positional["programmes"].map(LIST_SEPARATOR.join),
            "records": positional["records"].astype(int),
            "match_confidence": [
                confidence_label(c, n)
                for c, n in zip(
                    positional["confidence"].tolist(), positional["records"].tolist(), strict=True
                )
            ],
            "found_in": positional["sources"].map(LIST_SEPARATOR.join),
        }
    )
    for column, label in shown.items():
        out[label] = positional[column].to_numpy()
    return out[[*TARGET_COLUMNS, *shown.values()]]


def _extra_label(column: str) -> str:
    name = str(column)[len(EXTRA_PREFIX) :]
    return f"{name} (roster)" if name in TARGET_COLUMNS else name


def roster_column_values(
    records: pd.DataFrame, attributes: pd.DataFrame | None, column: str
) -> pd.Series:
    """Per person, every distinct value a roster column holds for them, most often first, "; "-joined.

    Args:
        records: matched records indexed by rid.
        attributes: attribute columns indexed by rid.
        column: a roster column (any letter case) or a field of the records.

    Raises:
        OverlapError: no such column.
    """
    from overlap.as_typed import split_values

    values = _where_column(records, attributes, column)
    found = split_values(records["person_id"].to_numpy(), values)
    lists = _distinct_lists(found["owner"], found["value"], found["value"].str.casefold())
    return lists.map(LIST_SEPARATOR.join)


def where_matches(
    records: pd.DataFrame,
    conditions: TargetConditions,
    attributes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per person, the values that met each ``where`` condition.

    ``where`` keeps a person when any of their records has an allowed value,
    while the list shows one record's address; a person kept for a ZIP on
    one record may show another record's ZIP. This says which value matched.

    Returns:
        A frame indexed by ``person_id`` (every person of ``records``), one
        column per ``where`` column: the distinct matching values as written,
        joined by "; " ("" for a person none of whose records match).
    """
    people = pd.Index(pd.unique(records["person_id"]), name="person_id")
    out = pd.DataFrame(index=people)
    for column, values in conditions.where.items():
        allowed = {str(v).strip().casefold() for v in values}
        raw = _where_column(records, attributes, column).fillna("").astype("str").str.strip()
        hit = _fold(raw).isin(allowed).to_numpy()
        matched = pd.DataFrame(
            {"person_id": records["person_id"].to_numpy()[hit], "value": raw.to_numpy()[hit]}
        ).drop_duplicates()
        joined = matched.groupby("person_id", sort=False)["value"].agg(LIST_SEPARATOR.join)
        out[column] = joined.reindex(people).fillna("").to_numpy()
    return out


# --------------------------------------------------------------------------- batches


@dataclass
class Batch:
    """A slice of the list handed to one volunteer or one area, with a goal."""

    name: str
    targets: list[str]  # target keys ("T0001"...)
    goal: int
    area: str = ""  # the ZIP or city for area batches; "" for volunteer batches

    def to_dict(self) -> dict:
        return asdict(self)


def default_goal(size: int, goal_share: float) -> int:
    """The goal for a batch of ``size`` targets: ``goal_share`` of them, rounded up."""
    return int(math.ceil(size * goal_share - 1e-9)) if size else 0


def make_batches(
    people: pd.DataFrame,
    by: str = "zip",
    per_volunteer: int = 25,
    goal_share: float = 0.25,
) -> list[Batch]:
    """Split a target list into batches.

    Args:
        people: the output of ``build_target_list`` (needs ``target``, ``zip``, ``city``).
        by: ``"zip"`` or ``"city"`` (one batch per area, largest first) or
            ``"volunteer"`` (``per_volunteer`` targets each, in ZIP order so a
            volunteer's batch is close together).
        per_volunteer: batch size for ``by="volunteer"``.
        goal_share: each batch's goal is this share of its targets, rounded up.

    Returns:
        The batches; every target is in exactly one.

    Raises:
        OverlapError: an unknown ``by`` or a batch size below 1.
    """
    if not 0 <= goal_share <= 1:
        raise OverlapError("The goal must be between 0% and 100% of a batch.")
    if by in ("zip", "city"):
        area = people[by].fillna("").astype("str").replace("", NO_AREA)
        label = "ZIP" if by == "zip" else "City"
        sizes = area.value_counts(sort=False)
        ordered = sorted(sizes.index, key=lambda a: (a == NO_AREA, -sizes[a], a))
        batches = []
        for value in ordered:
            keys = people.loc[(area == value).to_numpy(), "target"].tolist()
            shown = value if value == NO_AREA or by == "zip" else value.title()
            name = f"{label} {shown}" if value != NO_AREA else f"No {label.lower()} on file"
            batches.append(
                Batch(name=name, targets=keys, goal=default_goal(len(keys), goal_share), area=value)
            )
        return batches
    if by == "volunteer":
        if per_volunteer < 1:
            raise OverlapError("Each volunteer needs at least 1 person on their list.")
        keys = people.sort_values(["zip", "street"], kind="stable")["target"].tolist()
        chunks = [keys[i : i + per_volunteer] for i in range(0, len(keys), per_volunteer)]
        return [
            Batch(name=f"Volunteer {i}", targets=chunk, goal=default_goal(len(chunk), goal_share))
            for i, chunk in enumerate(chunks, start=1)
        ]
    raise OverlapError(f"Batches can be made by zip, city or volunteer, not {by}.")


def list_by_batch(table: pd.DataFrame, batches: list[Batch]) -> pd.DataFrame:
    """The displayed list with each person's batch and that batch's goal, batch by batch.

    Args:
        table: ``display_targets`` output (has ``target``).
        batches: from ``make_batches``.

    Returns:
        The table with ``batch`` and ``batch_goal`` first, in batch order.
    """
    position = {key: n for n, key in enumerate(k for b in batches for k in b.targets)}
    name = {key: b.name for b in batches for key in b.targets}
    goal = {key: b.goal for b in batches for key in b.targets}
    placed = table[table["target"].isin(position)].copy()
    placed.insert(0, "batch_goal", placed["target"].map(goal).astype(int))
    placed.insert(0, "batch", placed["target"].map(name))
    placed["_order"] = placed["target"].map(position)
    return placed.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


# --------------------------------------------------------------------------- plan


def _target_fingerprints(records: pd.DataFrame, people: pd.DataFrame) -> list[dict]:
    """Per target, its distinct match-field variants (one per differing record)."""
    chosen = records[records["person_id"].isin(people.index)]
    fields = chosen[["person_id", *MATCH_FIELDS]].copy()
    for column in MATCH_FIELDS:
        fields[column] = fields[column].fillna("").astype("str")
    fields = fields.drop_duplicates().sort_values("person_id", kind="stable")
    pids = fields["person_id"].to_numpy()
    rows = fields[MATCH_FIELDS].to_dict("records")
    starts = np.flatnonzero(np.r_[True, pids[1:] != pids[:-1]]) if len(pids) else np.array([], int)
    ends = np.r_[starts[1:], len(pids)]
    variants = {
        pid: rows[start:end]
        for pid, start, end in zip(
            pids[starts].tolist(), starts.tolist(), ends.tolist(), strict=True
        )
    }
    return [
        {
            "key": key,
            "name": str(name),
            "zip": str(zip_code),
            "city": str(city),
            "programmes": list(programmes),
            "records": variants.get(pid, []),
        }
        for pid, key, name, zip_code, city, programmes in zip(
            people.index.tolist(),
            people["target"].tolist(),
            people["shown_name"].tolist(),
            people["zip"].tolist(),
            people["city"].tolist(),
            people["programmes"].tolist(),
            strict=True,
        )
    ]


@dataclass
class OutreachPlan:
    """What a partnership decided to do: who, in which batches, with which goals."""

    title: str
    created: str  # ISO date
    programmes: list[str]  # the programmes of the match the list came from
    conditions: TargetConditions
    batches: list[Batch]
    targets: list[dict]  # key, zip, city, programmes, records (normalised match fields)
    notice: str = PERSONAL_DATA_NOTICE

    @property
    def total_goal(self) -> int:
        return sum(b.goal for b in self.batches)

    def target_keys(self) -> list[str]:
        return [t["key"] for t in self.targets]

    def to_dict(self) -> dict:
        return {
            "format": PLAN_FORMAT,
            "version": PLAN_VERSION,
            "title": self.title,
            "created": self.created,
            "programmes": list(self.programmes),
            "conditions": self.conditions.to_dict(),
            "conditions_in_words": self.conditions.describe(),
            "batches": [b.to_dict() for b in self.batches],
            "personal_data_notice": self.notice,
            "targets": self.targets,
        }

    def to_json(self) -> bytes:
        """The plan as a small UTF-8 JSON file (it holds personal data: see ``notice``)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")

    def to_sealed(self, passphrase: str, params=None) -> bytes:
        """The plan file as it is saved: encrypted with a passphrase (it holds personal data).

        The format is ``overlap.crypto``'s, shared by every file Overlap writes
        that holds people's details.
        """
        from overlap import crypto

        extra = {} if params is None else {"params": params}
        return crypto.seal(self.to_json(), passphrase, kind=PLAN_FILE_KIND, **extra)

    @classmethod
    def open(
        cls, data: bytes, passphrase: str | None, source: str = "the plan file"
    ) -> OutreachPlan:
        """Read a saved plan: encrypted (needs its passphrase), or plain JSON from before.

        Raises:
            OverlapError: one sentence: the passphrase is missing or wrong, the file
                is damaged, from a newer Overlap, or not an outreach plan.
        """
        from overlap import crypto

        if crypto.is_sealed(data):
            if not passphrase:
                raise crypto.PassphraseError(
                    f"{source} is encrypted: enter the passphrase it was saved with."
                )
            data = crypto.open_sealed(data, passphrase, kind=PLAN_FILE_KIND, label=source)
        return cls.from_json(data, source=source)

    @classmethod
    def from_json(cls, data: bytes | str, source: str = "the plan file") -> OutreachPlan:
        """Read a plan saved by ``to_json``.

        Raises:
            OverlapError: the file is not an Overlap outreach plan, or is damaged.
        """
        try:
            text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
            doc = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise OverlapError(
                f"{source} is not an outreach plan saved by Overlap (it is not JSON)."
            ) from None
        if not isinstance(doc, dict) or doc.get("format") != PLAN_FORMAT:
            raise OverlapError(f"{source} is not an outreach plan saved by Overlap.")
        if doc.get("version", 0) > PLAN_VERSION:
            raise OverlapError(
                f"{source} was saved by a newer version of Overlap; update Overlap to read it."
            )
        try:
            targets = [
                {
                    "key": str(t["key"]),
                    "name": str(t.get("name", "")),
                    "zip": str(t.get("zip", "")),
                    "city": str(t.get("city", "")),
                    "programmes": [str(p) for p in t.get("programmes", [])],
                    "records": [
                        {f: str(r.get(f, "") or "") for f in MATCH_FIELDS} for r in t["records"]
                    ],
                }
                for t in doc["targets"]
            ]
            batches = [
                Batch(
                    name=str(b["name"]),
                    targets=[str(k) for k in b["targets"]],
                    goal=int(b["goal"]),
                    area=str(b.get("area", "")),
                )
                for b in doc["batches"]
            ]
            plan = cls(
                title=str(doc.get("title", "")),
                created=str(doc.get("created", "")),
                programmes=[str(p) for p in doc.get("programmes", [])],
                conditions=TargetConditions.from_dict(doc.get("conditions") or {}),
                batches=batches,
                targets=targets,
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise OverlapError(f"{source} is damaged: a batch or a target is incomplete.") from None
        known = set(plan.target_keys())
        if any(k not in known for b in plan.batches for k in b.targets):
            raise OverlapError(f"{source} is damaged: a batch names a target the plan lacks.")
        return plan


def make_plan(
    records: pd.DataFrame,
    people: pd.DataFrame,
    conditions: TargetConditions,
    batches: list[Batch],
    title: str = "Outreach plan",
    created: date | None = None,
) -> OutreachPlan:
    """Bundle a target list and its batches into a plan the user can save.

    Args:
        records: the matched records the list came from (for each target's fields).
        people: the output of ``build_target_list``.
        conditions: the list's conditions.
        batches: from ``make_batches`` (goals possibly edited by the user).
        title: a name the user gives the plan.
        created: the plan's date (today by default).

    Returns:
        The plan.

    Raises:
        OverlapError: a batch names a target that is not on the list.
    """
    keys = set(people["target"])
    if any(k not in keys for b in batches for k in b.targets):
        raise OverlapError("A batch names a person who is not on the target list.")
    return OutreachPlan(
        title=title,
        created=(created or date.today()).isoformat(),
        programmes=[str(p) for p in pd.unique(records["programme"])],
        conditions=conditions,
        batches=[Batch(b.name, list(b.targets), int(b.goal), b.area) for b in batches],
        targets=_target_fingerprints(records, people),
    )


def plan_batches_table(plan: OutreachPlan) -> pd.DataFrame:
    """The plan's batches as a table: batch, area, people, goal."""
    return pd.DataFrame(
        {
            "batch": [b.name for b in plan.batches],
            "area": [b.area for b in plan.batches],
            "people": [len(b.targets) for b in plan.batches],
            "goal": [b.goal for b in plan.batches],
        }
    )
