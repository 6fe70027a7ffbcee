"""A fitted model survives plain data (JSON) unchanged, so a workspace can score with it later."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from overlap.model import FittedModel, score
from overlap.pipeline import match_files

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(scope="module")
def sample_match():
    files = sorted(SAMPLES.glob("*.csv"))
    if len(files) < 2:
        pytest.skip("samples not generated")
    return match_files(files)


def test_a_model_through_json_scores_every_pair_the_same(sample_match):
    model = sample_match.model
    text = json.dumps(model.to_dict())
    back = FittedModel.from_dict(json.loads(text))
    assert back.prior == model.prior
    assert back.prior_cross == model.prior_cross and back.prior_within == model.prior_within
    assert [c.name for c in back.comparisons] == [c.name for c in model.comparisons]
    assert back.comparisons == model.comparisons  # every field, tuples included
    for name in model.m:
        assert back.m[name].dtype == model.m[name].dtype
        np.testing.assert_array_equal(back.m[name], model.m[name])
        np.testing.assert_array_equal(back.u[name], model.u[name])
    levels = sample_match.pairs[["rid_a", "rid_b", "cross", "name_swap"]].join(
        sample_match.pairs[[f"{c.name}_level" for c in model.comparisons]]
    )
    before = score(model, sample_match.records, levels)
    after = score(back, sample_match.records, levels)
    np.testing.assert_array_equal(before["probability"].to_numpy(), after["probability"].to_numpy())


def test_fields_a_later_version_adds_are_ignored_and_missing_ones_default(sample_match):
    data = sample_match.model.to_dict()
    data["a_field_from_the_future"] = {"array": [1, 2], "dtype": "int64"}
    del data["stats"]
    back = FittedModel.from_dict(data)
    assert back.stats == {}
    assert not hasattr(back, "a_field_from_the_future")
