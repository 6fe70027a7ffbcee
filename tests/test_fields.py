"""The field registry is complete: every field is labelled and cleaned, every comparison computed."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from overlap import fields
from overlap.compare import LEVEL_FUNCTIONS, compare_pairs
from overlap.mapping import apply_mapping
from overlap.normalise import OUTPUT_COLUMNS, normalise_fields

# A value a roster might hold for each field kind, to see the normaliser take it in.
EXAMPLE = {
    "record_id": "A-10023",
    "ssn": "123-45-6780",
    "full_name": "Garcia, Maria Elena",
    "first_name": "Maria",
    "middle_name": "Elena",
    "last_name": "Garcia",
    "suffix": "Jr",
    "dob": "03/14/1985",
    "sex": "F",
    "address": "123 Main St Apt 4, Chicago, IL 60623",
    "street": "123 Main St",
    "unit": "Apt 4",
    "city": "Chicago",
    "state": "IL",
    "zip": "60623",
    "phone": "(773) 555-0142",
    "email": "maria.garcia@example.org",
    "house_number": "5112",
    "street_name": "145th St",
    "po_box": "14011",
    "birth_place": "Guadalajara, Jalisco",
    "birth_year": "1985",
    "birth_month": "3",
    "birth_day": "14",
}


def test_every_field_has_a_label_words_and_an_example():
    for field in fields.FIELDS:
        assert field.label and field.words, field.name
        assert field.name in EXAMPLE, f"add an example value for {field.name}"


def _mapped_and_normalised(values: dict[str, str]) -> pd.DataFrame:
    """A one-row roster whose columns are named after fields, mapped and normalised."""
    roster = SimpleNamespace(frame=pd.DataFrame({k: [v] for k, v in values.items()}), name="t")
    mapped = apply_mapping(roster, {name: name for name in values})
    return normalise_fields(mapped.fields)


@pytest.mark.parametrize("field", [f.name for f in fields.FIELDS])
def test_every_field_has_a_normaliser(field):
    # a month or day of birth says something only beside a year
    base = {"birth_year": "1985", "birth_month": "3"} if field == "birth_day" else {}
    base = {"birth_year": "1985"} if field == "birth_month" else base
    empty = _mapped_and_normalised({**base, field: ""})
    cleaned = _mapped_and_normalised({**base, field: EXAMPLE[field]})
    filled = [c for c in OUTPUT_COLUMNS if str(cleaned.at[0, c]) != str(empty.at[0, c])]
    assert filled, f"normalising {field} produced nothing"


def test_every_comparison_is_computed_and_reads_normalised_columns():
    for comparison in fields.COMPARISONS:
        assert comparison.name in LEVEL_FUNCTIONS, comparison.name
        assert len(comparison.labels) == len(comparison.initial_m), comparison.name
        assert abs(sum(comparison.initial_m) - 1.0) < 0.02, comparison.name
        assert set(comparison.reads) <= set(OUTPUT_COLUMNS), comparison.name
        if comparison.exact_level is not None:
            assert 0 <= comparison.exact_level < comparison.n_levels


def test_a_record_compared_with_itself_agrees_on_every_field_it_has():
    frame = pd.DataFrame({name: [EXAMPLE[name]] * 2 for name in fields.CANONICAL_FIELDS})
    for whole in ("full_name", "address", *fields.STREET_PARTS, *fields.DATE_PARTS):
        frame[whole] = ""
    records = normalise_fields(frame)
    records["programme"] = ["a", "a"]
    levels = compare_pairs(records, pd.DataFrame({"rid_a": [0], "rid_b": [1]}))
    for comparison in fields.COMPARISONS:
        level = int(levels[comparison.level_column].iloc[0])
        assert level == comparison.n_levels - 1, (comparison.name, level)


def test_comparisons_for_has_every_registered_comparison_in_order():
    records = pd.DataFrame({"first_name": ["x"]})
    names = [c.name for c in fields.comparisons_for(records)]
    assert names[: len(fields.COMPARISONS)] == [c.name for c in fields.COMPARISONS]
    assert fields.level_columns() == [f"{n}_level" for n in names[: len(fields.COMPARISONS)]]
    assert np.all([fields.COMPARISON_BY_NAME[n].name == n for n in names])
