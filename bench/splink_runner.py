"""Splink 5 (DuckDB) on the same roster files Overlap reads, configured as Splink's examples do.

Run as a command so the benchmarks can time it and read its peak memory the
same way as ``overlap match``::

    python -m bench.splink_runner FILE [FILE ...] --out DIR [--threshold P] [--name NAME ...]

It writes ``DIR/records.csv`` (``programme,row,person_id``, like ``overlap
match``) and ``DIR/splink_stats.json`` (stage timings, candidate pairs).

Configuration (see bench/README.md): the files are read and their columns
mapped to canonical fields by Overlap's own ingest and mapping (so Splink gets
the same columns without a hand-written mapping), then lightly cleaned as
Splink's examples do (lower case, trimmed, dates parsed to ISO, ZIP to 5
digits, phone digits only, values shared by implausibly many records - such
as placeholder dates or phones - set to null). The model follows Splink's
FEBRL4 and "deduplicate 50k synthetic" examples: ``NameComparison`` on first
and last name with term-frequency adjustments, ``DateOfBirthComparison``,
Damerau-Levenshtein on ZIP (term frequencies), Jaro-Winkler on street, exact
city, ``EmailComparison``, exact phone; blocking rules as in those examples
(name pairs, swapped names, name + date of birth, ZIP + name, phone, email,
name prefixes + birth year); prior from deterministic rules with recall 0.7;
``u`` by random sampling (1e7 pairs, as the 50k example); ``m`` by EM blocked
on names and on date of birth; ``predict`` then connected-components
clustering at the same threshold Overlap uses. Link type ``link_and_dedupe``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SPLINK_FIELDS = [
    "first_name",
    "middle_initial",
    "last_name",
    "dob",
    "sex",
    "street",
    "city",
    "state",
    "zip",
    "phone",
    "email",
    "ssn",
    "record_id",
]
DOB_FORMATS = [
    "%Y-%m-%d",
    "%Y%m%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m-%d-%Y",
    "%d-%m-%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%b %d %Y",
    "%d %b %Y",
    "%B %d %Y",
]

# Used only while overlap.mapping is not importable: FEBRL's headers and a few
# common ones, so the bench can run before the mapping stage lands.
FALLBACK_MAPPING = {
    "given_name": "first_name",
    "first_name": "first_name",
    "first name": "first_name",
    "firstname": "first_name",
    "surname": "last_name",
    "last_name": "last_name",
    "last name": "last_name",
    "lastname": "last_name",
    "full_name": "full_name",
    "name": "full_name",
    "date_of_birth": "dob",
    "dob": "dob",
    "birth date": "dob",
    "birthdate": "dob",
    "street_number": "street",
    "address_1": "street",
    "street": "street",
    "address": "street",
    "address_2": "unit",
    "suburb": "city",
    "city": "city",
    "state": "state",
    "postcode": "zip",
    "zip": "zip",
    "zip code": "zip",
    "phone": "phone",
    "email": "email",
}


# ---------------------------------------------------------------- input


def read_mapped(path: Path, name: str) -> tuple[pd.DataFrame, str]:
    """One roster's canonical fields (raw strings) and how they were mapped.

    Uses Overlap's ingest + automatic mapping when available, so Splink sees
    exactly the columns Overlap sees; otherwise a plain CSV read and a fixed
    header list (FEBRL and common headers).
    """
    try:
        from overlap.ingest import read_roster
        from overlap.mapping import apply_mapping, guess_mapping
    except ImportError:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        out = pd.DataFrame(index=frame.index)
        for raw in frame.columns:
            field = FALLBACK_MAPPING.get(raw.strip().lower())
            if field is None:
                continue
            if field in out:
                out[field] = (out[field] + " " + frame[raw]).str.strip()
            else:
                out[field] = frame[raw]
        return out, "fallback header list (overlap.mapping not available)"
    roster = read_roster(path, name=name)
    guess = guess_mapping(roster.frame)
    mapped = apply_mapping(roster, guess.mapping)
    fields, added = analyst_additions(roster.frame, mapped.fields.copy())
    how = "overlap.mapping.guess_mapping" + (f" + analyst: {', '.join(added)}" if added else "")
    return fields, how


# An analyst's hand mapping for headers of shapes Splink's docs show, used only for
# fields Overlap's automatic mapping left empty (see bench/README.md, fairness).
ANALYST_HEADERS = {"fname_c1": "first_name", "fname_c2": "middle_name", "lname_c1": "last_name"}
ANALYST_DATE_PARTS = ("by", "bm", "bd")  # RLdata: birth year, month, day
ADDRESS_PART_SKIP = ("employer",)  # an employer's address is not the person's


def _blank(fields: pd.DataFrame, field: str) -> bool:
    return field not in fields or not fields[field].fillna("").astype(str).str.strip().any()


def analyst_additions(raw: pd.DataFrame, fields: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """What an analyst following Splink's docs adds where Overlap's mapping left a field empty.

    - A street from house number + street name columns (any prefix but an
      employer's), as Splink's pseudopeople example concatenates them.
    - RLdata's headers: ``fname_c1``/``fname_c2``/``lname_c1`` as first, middle
      and last name, ``by``/``bm``/``bd`` put together as an ISO date of birth.

    Returns:
        The fields, and a list of what was added (for the stats).
    """
    added = []
    columns = {str(c).strip().lower(): c for c in raw.columns}
    if _blank(fields, "street"):
        prefixes = [
            c[: -len("street_number")]
            for c in columns
            if c.endswith("street_number")
            and c[: -len("street_number")] + "street_name" in columns
            and not any(skip in c for skip in ADDRESS_PART_SKIP)
        ]
        if prefixes:
            pre = min(prefixes, key=len)  # the unprefixed address first, then e.g. mailing_
            number = raw[columns[pre + "street_number"]].fillna("").astype(str)
            name = raw[columns[pre + "street_name"]].fillna("").astype(str)
            fields["street"] = (number + " " + name).str.strip()
            added.append(f"street = {pre}street_number + {pre}street_name")
    for header, field in ANALYST_HEADERS.items():
        if header in columns and _blank(fields, field):
            fields[field] = raw[columns[header]].fillna("").astype(str)
            added.append(f"{field} = {header}")
    if all(h in columns for h in ANALYST_DATE_PARTS) and _blank(fields, "dob"):
        y, m, d = (pd.to_numeric(raw[columns[h]], errors="coerce") for h in ANALYST_DATE_PARTS)
        dob = pd.to_datetime(pd.DataFrame({"year": y, "month": m, "day": d}), errors="coerce")
        fields["dob"] = dob.dt.strftime("%Y-%m-%d").fillna("")
        added.append("dob = by-bm-bd")
    return fields, added


def _clean_text(col: pd.Series) -> pd.Series:
    col = col.astype(str).str.replace("|", " ", regex=False).str.lower()
    col = col.str.replace(r"\s+", " ", regex=True).str.strip()
    return col.where(col != "", None)


def _parse_dob(col: pd.Series) -> pd.Series:
    """ISO dates from the single format that parses most of this roster's values."""
    values = col.astype(str).str.strip().str.replace(",", "", regex=False)
    present = values != ""
    if not present.any():
        return pd.Series([None] * len(col), index=col.index, dtype=object)
    best, best_count = None, -1
    sample = values[present].head(2000)
    for fmt in DOB_FORMATS:
        count = pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum()
        if count > best_count:
            best, best_count = fmt, count
    parsed = pd.to_datetime(values.where(present), format=best, errors="coerce")
    if best_count < 0.9 * len(sample):  # mixed formats: fill the rest from any format
        for fmt in DOB_FORMATS:
            missing = parsed.isna() & present
            if not missing.any():
                break
            parsed[missing] = pd.to_datetime(values[missing], format=fmt, errors="coerce")
    iso = parsed.dt.strftime("%Y-%m-%d")
    return iso.astype(object).where(parsed.notna(), None)


def clean_for_splink(fields: pd.DataFrame) -> pd.DataFrame:
    """Light cleaning as Splink's examples do: lower case, trimmed, dates to ISO, nulls."""
    fields = fields.copy()
    for col in [
        "first_name",
        "middle_name",
        "last_name",
        "full_name",
        "sex",
        "dob",
        "address",
        "street",
        "unit",
        "city",
        "state",
        "zip",
        "phone",
        "email",
        "ssn",
        "record_id",
    ]:
        if col not in fields:
            fields[col] = ""
        fields[col] = fields[col].fillna("").astype(str)
    # Only a one-field name: "Last, First" or "First ... Last".
    need = (fields["first_name"].str.strip() == "") & (fields["last_name"].str.strip() == "")
    full = fields["full_name"].str.strip()
    if (need & (full != "")).any():
        comma = full.str.contains(",", regex=False)
        before, _, after = full.str.partition(",").T.values
        first_tok = full.str.split().str[0].fillna("")
        last_tok = full.str.split().str[-1].fillna("")
        first = np.where(comma, pd.Series(after).str.split().str[0].fillna(""), first_tok)
        last = np.where(comma, before, last_tok)
        fields.loc[need, "first_name"] = pd.Series(first, index=fields.index)[need]
        fields.loc[need, "last_name"] = pd.Series(last, index=fields.index)[need]
    out = pd.DataFrame(index=fields.index)
    out["first_name"] = _clean_text(fields["first_name"])
    # Middle initial and sex, compared as Splink's pseudopeople example does.
    out["middle_initial"] = _clean_text(fields["middle_name"].str.strip().str[:1])
    out["sex"] = _clean_text(fields["sex"].str.strip().str[:1])
    out["last_name"] = _clean_text(fields["last_name"])
    out["dob"] = _parse_dob(fields["dob"])
    # A one-line address ("12 Main St, Springfield, IL 62701") split on its commas, as an
    # analyst would with a regex: street, city, then state and ZIP from the last part.
    one_line = (fields["street"].str.strip() == "") & (fields["address"].str.strip() != "")
    parts = fields["address"].str.split(",")
    last = parts.str[-1].fillna("").str.strip()
    street = fields["street"].where(~one_line, parts.str[0].fillna(""))
    city = fields["city"].where(~one_line | (parts.str.len() < 3), parts.str[-2].fillna(""))
    state = fields["state"].where(
        ~one_line, last.str.extract(r"^([A-Za-z]{2})\b", expand=False).fillna("")
    )
    zip_text = fields["zip"].where(
        ~one_line | (fields["zip"].str.strip() != ""),
        last.str.extract(r"(\d{5})(?:-\d{4})?$", expand=False).fillna(""),
    )
    out["street"] = _clean_text(street)
    out["city"] = _clean_text(city)
    out["state"] = _clean_text(state)
    zips = zip_text.str.extract(r"(\d{3,5})", expand=False)
    out["zip"] = zips.str.zfill(5).astype(object).where(zips.notna(), None)
    digits = fields["phone"].str.split("|").str[0].str.replace(r"\D", "", regex=True).str[-10:]
    out["phone"] = digits.astype(object).where(digits.str.len() >= 7, None)
    email = fields["email"].str.split("|").str[0].str.strip().str.lower()
    out["email"] = email.astype(object).where(email.str.contains("@", regex=False), None)
    # Identifiers Overlap's mapping recognises (FEBRL's soc_sec_id is an ssn): Overlap
    # compares them, so Splink gets them too.
    ssn = fields["ssn"].str.replace(r"\D", "", regex=True)
    out["ssn"] = ssn.astype(object).where(ssn.str.len() >= 4, None)
    out["record_id"] = _clean_text(fields["record_id"])
    return out


def null_placeholders(frame: pd.DataFrame) -> pd.DataFrame:
    """Null dates, phones and emails shared by implausibly many records (placeholders).

    An analyst would spot these in Splink's ``profile_columns`` and null them.
    """
    limit = max(50, int(0.002 * len(frame)))
    for col in ["dob", "phone", "email", "ssn", "record_id"]:
        counts = frame[col].value_counts()
        bad = counts.index[counts > limit]
        if len(bad):
            frame.loc[frame[col].isin(bad), col] = None
    return frame


# ---------------------------------------------------------------- model


BROAD_RULE_MAX_PAIRS = 1e6
TOP_VALUE_MAX_SHARE = 0.9  # a field whose commonest value fills more than this is left out


def _pairs_if_blocked_on(values: pd.Series) -> float:
    """Pairs a blocking rule on this one column would create (all rosters together)."""
    counts = values.dropna().value_counts().to_numpy(dtype=np.float64)
    return float((counts * (counts - 1) / 2).sum())


def build_settings(present: set[str], broad: list[str] = ()):
    """Splink settings for the canonical fields that are present in the data.

    ``broad`` lists single columns cheap enough to block on alone (the FEBRL4
    example blocks on date of birth and on postcode alone "for this small
    dataset"); bigger data keeps only the compound rules of the 50k example.
    """
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons = []
    if "first_name" in present:
        comparisons.append(
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True)
        )
    if "last_name" in present:
        comparisons.append(
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True)
        )
    if "middle_initial" in present:  # as Splink's pseudopeople example
        comparisons.append(
            cl.ExactMatch("middle_initial").configure(term_frequency_adjustments=True)
        )
    if "dob" in present:
        comparisons.append(
            cl.DateOfBirthComparison("dob", input_is_string=True, invalid_dates_as_null=True)
        )
    if "sex" in present:  # as Splink's pseudopeople example
        comparisons.append(cl.ExactMatch("sex"))
    if "street" in present:
        comparisons.append(cl.JaroWinklerAtThresholds("street", [0.9, 0.7]))
    if "city" in present:
        comparisons.append(cl.ExactMatch("city").configure(term_frequency_adjustments=True))
    if "zip" in present:
        comparisons.append(
            cl.DamerauLevenshteinAtThresholds("zip", [1]).configure(term_frequency_adjustments=True)
        )
    if "email" in present:
        comparisons.append(cl.EmailComparison("email"))
    if "phone" in present:
        comparisons.append(cl.ExactMatch("phone"))
    if "ssn" in present:  # as the FEBRL4 example compares soc_sec_id
        comparisons.append(cl.DamerauLevenshteinAtThresholds("ssn", [1, 2]))
    if "record_id" in present:
        comparisons.append(cl.ExactMatch("record_id"))  # ids differ across organisations

    def have(*cols: str) -> bool:
        return all(c in present for c in cols)

    rules = []
    if have("first_name", "last_name"):
        rules.append(block_on("first_name", "last_name"))
        rules.append("l.first_name = r.last_name and l.last_name = r.first_name")
    if have("last_name", "dob"):
        rules.append(block_on("last_name", "dob"))
    if have("first_name", "dob"):
        rules.append(block_on("first_name", "dob"))
    if have("zip", "first_name"):
        rules.append(block_on("zip", "first_name"))
    if have("zip", "last_name"):
        rules.append(block_on("zip", "last_name"))
    if have("street", "zip"):
        rules.append(block_on("street", "zip"))
    if have("phone"):
        rules.append(block_on("phone"))
    if have("email"):
        rules.append(block_on("email"))
    if have("ssn"):
        rules.append(block_on("ssn"))
    if have("record_id"):
        rules.append(block_on("record_id"))
    for col in broad:
        rules.append(block_on(col))
    if have("first_name", "last_name", "dob"):
        rules.append(block_on("substr(first_name,1,2)", "substr(last_name,1,2)", "substr(dob,1,4)"))

    deterministic = []
    if have("first_name", "last_name", "dob"):
        deterministic.append(block_on("first_name", "last_name", "dob"))
    if have("dob", "zip"):
        deterministic.append(block_on("dob", "zip"))
    if have("email"):
        deterministic.append(block_on("email"))
    if have("ssn"):
        deterministic.append(block_on("ssn"))

    em_rules = []  # (columns, rule): tighten_em_rules may narrow them at scale
    if have("ssn"):  # pairs sharing an SSN are nearly all matches: they train the other fields
        em_rules.append((("ssn",), block_on("ssn")))
    if have("first_name", "last_name"):
        em_rules.append((("first_name", "last_name"), block_on("first_name", "last_name")))
    if have("dob"):
        em_rules.append((("dob",), block_on("dob")))

    settings = SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=rules,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    return settings, deterministic, em_rules


RULE_PAIRS_PER_RECORD = 20


def drop_costly_rules(tables, settings, n_records: int):
    """Drop prediction rules that would each add more than 20 pairs per record.

    What an analyst does after Splink's ``count_comparisons_from_blocking_rules``
    (a blocking rule on ZIP + first name is fine across a county, ruinous when a
    roster covers a handful of ZIPs). Counts are Splink's own (exact below 50k
    records, a 20% sample above).

    Returns:
        The settings with the kept rules, and the dropped rules' SQL and counts.
    """
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    rules = settings.blocking_rules_to_generate_predictions
    counts = count_comparisons_from_blocking_rules(
        tables,
        blocking_rules=rules,
        link_type=settings.link_type,
        unique_id_column_name=settings.unique_id_column_name,
        record_sample_proportion=1.0 if n_records < 50_000 else 0.2,
    )
    budget = RULE_PAIRS_PER_RECORD * n_records
    kept, dropped = [], []
    for rule, count in zip(rules, counts, strict=True):
        if count["marginal_comparison_count"] > budget:
            dropped.append(
                {"rule": count["blocking_rule"], "pairs": int(count["marginal_comparison_count"])}
            )
        else:
            kept.append(rule)
    settings.blocking_rules_to_generate_predictions = kept
    return settings, dropped


def tighten_em_rules(tables, settings, em_rules, n_records: int, present: set[str]):
    """Make each EM training rule specific enough to train in memory.

    Splink's examples train blocked on first+last name and on dob; across two
    million records those blocks hold billions of pairs (at 1M x 1M Splink ran
    out of this machine's memory in EM before this step). An analyst checks
    them with ``count_comparisons_from_blocking_rules`` and narrows a rule that
    would exceed 20 pairs per record by also blocking on birth year (names) or
    ZIP (dob): each comparison is still estimated in the other session.

    Returns:
        The EM rules to use, and what was narrowed (rule SQL and its count).
    """
    from splink import block_on
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    narrower = {}
    if "dob" in present:
        narrower[("first_name", "last_name")] = block_on(
            "first_name", "last_name", "substr(dob,1,4)"
        )
    if "zip" in present:
        narrower[("dob",)] = block_on("dob", "zip")
    budget = RULE_PAIRS_PER_RECORD * n_records
    kept, narrowed = [], []
    for columns, rule in em_rules:
        count = count_comparisons_from_blocking_rules(
            tables,
            blocking_rules=[rule],
            link_type=settings.link_type,
            unique_id_column_name=settings.unique_id_column_name,
            record_sample_proportion=1.0 if n_records < 50_000 else 0.2,
        )[0]
        pairs = int(count["marginal_comparison_count"])
        if pairs > budget and columns in narrower:
            narrowed.append({"rule": count["blocking_rule"], "pairs": pairs})
            kept.append(narrower[columns])
        else:
            kept.append(rule)
    return kept, narrowed


def _count(splink_frame) -> int:
    """Rows of a Splink table."""
    return int(splink_frame.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0])


def run_splink(
    files: list[Path],
    names: list[str],
    threshold: float,
    u_max_pairs: float = 1e7,
    model_path: Path | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Link and dedupe the rosters with Splink; returns records (programme,row,person_id) and stats.

    Args:
        files: roster files, in order.
        names: programme name of each file.
        threshold: match probability at and above which two records are one person.
        u_max_pairs: random pairs for estimating ``u``.
        model_path: where to save the trained model (Splink's JSON), to see its weights.

    Returns:
        The records frame and a stats dict (seconds per stage, candidate pairs, fields used).
    """
    stats: dict = {"stages": []}
    t0 = time.perf_counter()

    def stage(name: str, start: float, **extra) -> float:
        now = time.perf_counter()
        stats["stages"].append({"stage": name, "seconds": round(now - start, 3), **extra})
        print(
            f"splink: {name} {now - start:.2f}s {extra if extra else ''}".rstrip(), file=sys.stderr
        )
        return now

    frames, how = [], None
    for path, name in zip(files, names, strict=True):
        fields, how = read_mapped(path, name)
        frame = clean_for_splink(fields)
        frame.insert(0, "unique_id", np.arange(1, len(frame) + 1, dtype=np.int64))
        frames.append(frame)
    stats["mapping"] = how
    t = stage("read+map+clean", t0, records=int(sum(len(f) for f in frames)))

    combined = null_placeholders(pd.concat(frames, keys=range(len(frames))))
    frames = [combined.xs(i).reset_index(drop=True) for i in range(len(frames))]
    # Fields at least 5% filled and not one value nearly everywhere: a town's only ZIP code
    # (with a few typos) tells no one apart, as profile_columns shows an analyst.
    present = {
        c
        for c in SPLINK_FIELDS
        if combined[c].notna().mean() >= 0.05
        and combined[c].value_counts(normalize=True).iloc[0] < TOP_VALUE_MAX_SHARE
    }
    stats["fields"] = sorted(present)

    import duckdb
    from splink import DuckDBAPI, Linker

    broad = [
        c
        for c in ("dob", "zip")
        if c in present and _pairs_if_blocked_on(combined[c]) <= BROAD_RULE_MAX_PAIRS
    ]
    stats["broad_rules"] = broad
    settings, deterministic, em_rules = build_settings(present, broad)
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    # Registered as t0, t1, ...: Splink reports that name in `source_dataset`.
    tables = [
        db_api.register(frame, dataset_display_name=f"t{i}") for i, frame in enumerate(frames)
    ]
    settings, dropped = drop_costly_rules(tables, settings, n_records=len(combined))
    stats["dropped_rules"] = dropped
    em_rules, narrowed = tighten_em_rules(
        tables, settings, em_rules, n_records=len(combined), present=present
    )
    stats["narrowed_em_rules"] = narrowed
    linker = Linker(tables, settings, log_level=logging.WARNING)
    t = stage(
        "register+check rules", t, dropped_rules=len(dropped), narrowed_em_rules=len(narrowed)
    )

    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    t = stage("prior", t)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=42)
    t = stage("estimate_u", t, max_pairs=u_max_pairs)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    t = stage("estimate_m_em", t, sessions=len(em_rules))
    if model_path is not None:
        model_path.parent.mkdir(parents=True, exist_ok=True)
        linker.misc.save_model_to_json(str(model_path), overwrite=True)

    predictions = linker.inference.predict(threshold_match_probability=threshold)
    n_links = _count(predictions)
    t = stage("predict", t, links=n_links)
    blocked = linker.inference.compute_blocked_pairs_for_predict()  # cached by predict
    stats["candidate_pairs"] = _count(blocked)
    t = stage("count_candidate_pairs", t, candidate_pairs=stats["candidate_pairs"])

    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    result = clusters.as_duckdbpyrelation().select("source_dataset, unique_id, cluster_id").df()
    t = stage("cluster", t)

    programme = result["source_dataset"].astype(str).map({f"t{i}": n for i, n in enumerate(names)})
    if programme.isna().any():
        raise RuntimeError("unexpected source_dataset values in Splink's clusters")
    records = pd.DataFrame(
        {
            "programme": programme,
            "row": result["unique_id"].astype(np.int64),
            "person_id": pd.factorize(result["cluster_id"].astype(str))[0],
        }
    )
    order = {n: i for i, n in enumerate(names)}
    records = records.sort_values(
        ["programme", "row"], key=lambda s: s.map(order) if s.name == "programme" else s
    )
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    stats["people"] = int(records["person_id"].nunique())
    return records.reset_index(drop=True), stats


def run_febrl4_example(
    files: list[Path], names: list[str], threshold: float
) -> tuple[pd.DataFrame, dict]:
    """Splink's own FEBRL4 example, as published (hand-written for FEBRL's columns, SSN included).

    A reference row: what Splink reaches when an analyst configures it by hand
    for this one data set. Link type ``link_only``, as in the example.
    """
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.perf_counter()
    frames = []
    for path in files:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame = frame.apply(lambda col: col.str.strip()).replace("", None)
        frame.insert(0, "unique_id", np.arange(1, len(frame) + 1, dtype=np.int64))
        frames.append(frame)
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="unique_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
    )
    db_api = DuckDBAPI(connection=duckdb.connect())
    tables = [db_api.register(f, dataset_display_name=f"t{i}") for i, f in enumerate(frames)]
    linker = Linker(tables, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    candidate_pairs = _count(linker.inference.compute_blocked_pairs_for_predict())
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    result = clusters.as_duckdbpyrelation().select("source_dataset, unique_id, cluster_id").df()
    programme = result["source_dataset"].astype(str).map({f"t{i}": n for i, n in enumerate(names)})
    records = pd.DataFrame(
        {
            "programme": programme,
            "row": result["unique_id"].astype(np.int64),
            "person_id": pd.factorize(result["cluster_id"].astype(str))[0],
        }
    )
    stats = {
        "seconds": round(time.perf_counter() - t0, 3),
        "candidate_pairs": candidate_pairs,
        "config": "splink febrl4 example",
    }
    return records, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", action="append", default=None, help="programme name per file")
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--u-max-pairs", type=float, default=1e7)
    parser.add_argument(
        "--febrl4-example",
        action="store_true",
        help="Splink's published FEBRL4 model instead (FEBRL files only)",
    )
    args = parser.parse_args(argv)
    names = args.name or [f.stem for f in args.files]
    if len(names) != len(args.files):
        parser.error("give one --name per file")
    if args.febrl4_example:
        records, stats = run_febrl4_example(args.files, names, args.threshold)
    else:
        records, stats = run_splink(
            args.files, names, args.threshold, args.u_max_pairs, args.out / "splink_model.json"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    records.to_csv(args.out / "records.csv", index=False)
    (args.out / "splink_stats.json").write_text(json.dumps(stats, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
