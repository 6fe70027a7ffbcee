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
        (
            "",
            crypto.PassphraseError,
            "plan.owl is encrypted: enter the passphrase it was saved with.",
        ),
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


# ------------------------------------------------------------------------ review decisions

DECISIONS = pd.DataFrame(
    [["clinic", 1, "church", 2, "same"], ["clinic", 3, "church", 3, "different"]],
    columns=["programme_a", "row_a", "programme_b", "row_b", "decision"],
)
CLINIC = "First Name,Last Name,DOB,ZIP\nRobert,Smith,03/12/1985,60614\nMaria,Garcia,1990-07-01,60615\nChen,Li,1971-11-30,60616\n"
CHURCH = "First Name,Last Name,DOB,ZIP\nAna,Okafor,1988-05-02,60614\nBob,Smith,03/12/1985,60614\nChen,Lee,1971-11-30,60616\n"


def test_decisions_are_saved_encrypted_and_read_back_with_their_passphrase():
    from overlap.results import read_decisions, sealed_decisions_bytes

    sealed = sealed_decisions_bytes(DECISIONS, PASSPHRASE, params=FAST)
    assert b"clinic" not in sealed and crypto.sealed_kind(sealed) == "decisions"
    back = read_decisions(sealed, file_name="d.owl", passphrase=PASSPHRASE)
    assert back.frame[["programme_a", "decision"]].values.tolist() == [
        ["clinic", "same"],
        ["clinic", "different"],
    ]
    with pytest.raises(crypto.PassphraseError, match="d.owl is encrypted: give the passphrase"):
        read_decisions(sealed, file_name="d.owl")
    with pytest.raises(crypto.WrongPassphraseError, match="does not open d.owl"):
        read_decisions(sealed, file_name="d.owl", passphrase="another passphrase")


def test_match_command_applies_encrypted_decisions_with_a_passphrase_file(
    tmp_path, capsys, monkeypatch
):
    from overlap.cli import main
    from overlap.results import sealed_decisions_bytes

    monkeypatch.delenv("OVERLAP_PASSPHRASE", raising=False)
    (tmp_path / "clinic.csv").write_text(CLINIC)
    (tmp_path / "church.csv").write_text(CHURCH)
    decisions = tmp_path / "decisions.owl"
    decisions.write_bytes(sealed_decisions_bytes(DECISIONS, PASSPHRASE, params=FAST))
    base = ["match", str(tmp_path / "clinic.csv"), str(tmp_path / "church.csv"),
            "--decisions", str(decisions), "--force"]  # fmt: skip
    code = main([*base, "--out", str(tmp_path / "none")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "--passphrase-file FILE or the OVERLAP_PASSPHRASE" in err
    (tmp_path / "pass.txt").write_text(PASSPHRASE + "\n")
    code = main(
        [*base, "--passphrase-file", str(tmp_path / "pass.txt"), "--out", str(tmp_path / "a")]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    records = pd.read_csv(tmp_path / "a" / "records.csv", dtype=str)
    person = records.set_index(["programme", "row"])["person_id"]
    assert person[("clinic", "1")] == person[("church", "2")]  # "same" applied
    assert person[("clinic", "3")] != person[("church", "3")]  # "different" applied
    monkeypatch.setenv("OVERLAP_PASSPHRASE", "not the passphrase")
    code = main([*base, "--out", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert code == 2 and "The passphrase does not open" in err and err.count("\n") == 1
