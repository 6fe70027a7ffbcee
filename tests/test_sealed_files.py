"""Files with personal data leave the session encrypted: outreach plans (overlap.crypto's format)."""

from __future__ import annotations

import pandas as pd
import pytest

from overlap import crypto
from overlap.outreach import Batch, OutreachPlan, TargetConditions

FAST = crypto.ScryptParams(n=2**10)
PASSPHRASE = "season two lanterns"


def _plan() -> OutreachPlan:
    return OutreachPlan(
        title="Spring outreach",
        created="2026-12-06",
        programmes=["Parish", "Clinic"],
        conditions=TargetConditions(in_any=["Parish"], not_in=["Clinic"]),
        batches=[Batch(name="ZIP 60623", targets=["T0001"], goal=1, area="60623")],
        targets=[
            {
                "key": "T0001",
                "zip": "60623",
                "city": "chicago",
                "programmes": ["Parish"],
                "records": [{"first_name": "maria", "last_name": "garcia", "dob": "1990-07-01"}],
            }
        ],
    )


def test_a_plan_is_saved_encrypted_and_opens_with_its_passphrase():
    sealed = _plan().to_sealed(PASSPHRASE, params=FAST)
    assert crypto.is_sealed(sealed) and crypto.sealed_kind(sealed) == "outreach-plan"
    for word in (b"garcia", b"maria", b"1990-07-01", b"60623", b"Parish"):
        assert word not in sealed
    plain = OutreachPlan.from_json(_plan().to_json())
    assert OutreachPlan.open(sealed, PASSPHRASE).to_dict() == plain.to_dict()


@pytest.mark.parametrize(
    ("passphrase", "error", "message"),
    [
        ("", crypto.PassphraseError, "plan.owl is encrypted: enter the passphrase it was saved with."),
        ("spring lanterns", crypto.WrongPassphraseError, "The passphrase does not open plan.owl"),
    ],
)
def test_a_plan_without_its_passphrase_says_so_in_one_sentence(passphrase, error, message):
    sealed = _plan().to_sealed(PASSPHRASE, params=FAST)
    with pytest.raises(error) as caught:
        OutreachPlan.open(sealed, passphrase, source="plan.owl")
    assert str(caught.value).startswith(message) and str(caught.value).count(".") <= 2


def test_another_sealed_file_is_not_taken_for_a_plan_and_old_plain_plans_still_open():
    decisions = crypto.seal(b"programme_a,row_a\n", PASSPHRASE, kind="decisions", params=FAST)
    with pytest.raises(crypto.WrongKindError, match="is an encrypted review decisions file"):
        OutreachPlan.open(decisions, PASSPHRASE, source="plan.owl")
    assert OutreachPlan.open(_plan().to_json(), None).title == "Spring outreach"


def test_follow_up_asks_for_the_passphrase_then_opens_the_plan():
    from streamlit.testing.v1 import AppTest

    def page():
        import runpy
        from pathlib import Path

        import overlap
        from ui import state

        state.init()
        root = Path(overlap.__file__).resolve().parents[1]
        runpy.run_path(str(root / "pages" / "follow_up.py"), run_name="__main__")

    sealed = _plan().to_sealed(PASSPHRASE, params=FAST)
    at = AppTest.from_function(page, default_timeout=60)
    at.run()
    at.file_uploader(key="follow_plan_file").set_value(
        ("outreach-plan.owl", sealed, "application/octet-stream")
    ).run()
    assert [i.value for i in at.info][0] == (
        "outreach-plan.owl is encrypted: enter the passphrase it was saved with."
    )
    at.text_input(key="follow_plan_passphrase").set_value("not the passphrase").run()
    assert at.error[0].value.startswith("The passphrase does not open outreach-plan.owl")
    at.text_input(key="follow_plan_passphrase").set_value(PASSPHRASE).run()
    assert not at.error and not at.exception
    assert any("Spring outreach" in m.value for m in at.markdown)
    assert isinstance(pd.DataFrame(at.dataframe[0].value), pd.DataFrame)
