"""Normalise: turn raw roster cells into clean keys the matcher can compare.

One module per kind of field (``names``, ``nicknames``, ``dates``, ``sex``,
``streets``, ``addresses``, ``phones``, ``emails``, ``ids``, ``categories``). Each holds a
plain function per value (``normalise_phone``, ``normalise_date`` ...): the
reference the Hypothesis tests hold the fast code to, and what the dashboard
preview calls. Beside it stands the kind's vectorised path, which decides
the common clean forms of a whole column at once with pyarrow kernels and
numpy on the strings' bytes (no Python object per value) and leaves the
hard values to the reference, run once per DISTINCT value (names, streets
and ZIPs repeat a lot).

``stage.normalise_fields`` runs them over a roster and joins the rows with
pyarrow kernels: a million-row roster costs about 2 s, not a million parser
calls. ``stage.normalise_record`` is the plain row-by-row reference it is
tested against. Shared plumbing: ``_arrow`` (distinct values, masks, byte
kernels) and ``_text`` (accent folding, " | "-joined values).

See docs/architecture.md, "Normalised records", for the decisions.
"""

from overlap.normalise.addresses import (
    normalise_city,
    normalise_state,
    normalise_zip,
    parse_address,
)
from overlap.normalise.categories import normalise_category
from overlap.normalise.dates import infer_dayfirst, normalise_date, normalise_dates, partial_dates
from overlap.normalise.emails import normalise_email
from overlap.normalise.ids import normalise_record_id, normalise_ssn
from overlap.normalise.names import (
    name_sound,
    normalise_name,
    normalise_suffix,
    parse_full_name,
    split_suffix,
)
from overlap.normalise.nicknames import first_name_key, nickname_pairs
from overlap.normalise.phones import normalise_phone, normalise_phones
from overlap.normalise.sex import normalise_sex
from overlap.normalise.stage import (
    INPUT_FIELDS,
    OUTPUT_COLUMNS,
    normalise_fields,
    normalise_record,
)
from overlap.normalise.streets import normalise_street, normalise_unit, parse_street

__all__ = [
    "INPUT_FIELDS",
    "OUTPUT_COLUMNS",
    "first_name_key",
    "infer_dayfirst",
    "name_sound",
    "nickname_pairs",
    "normalise_category",
    "normalise_city",
    "normalise_date",
    "normalise_dates",
    "normalise_email",
    "normalise_fields",
    "normalise_name",
    "normalise_phone",
    "normalise_phones",
    "normalise_record",
    "normalise_record_id",
    "normalise_sex",
    "normalise_ssn",
    "normalise_state",
    "normalise_street",
    "normalise_suffix",
    "normalise_unit",
    "normalise_zip",
    "parse_address",
    "parse_full_name",
    "parse_street",
    "partial_dates",
    "split_suffix",
]
