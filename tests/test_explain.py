"""Plain-word evidence for pairs of normalised records."""

import pandas as pd
import pytest

from overlap.explain import AGAINST, FOR, explain_pair, is_nickname, review_queue, side_by_side

ROBERT = {
    "first_name": "robert",
    "last_name": "okafor",
    "dob": "1984-03-07",
    "street": "12 n main st",
    "unit": "",
    "zip": "60601",
    "phone": "+13125550100",
    "email": "",
}


def texts(evidence):
    return [e.text for e in evidence]


def test_nickname_same_dob_same_address():
    bob = dict(ROBERT, first_name="bob")
    evidence = explain_pair(ROBERT, bob)
    assert "Bob is a nickname of Robert" in texts(evidence)
    assert "same date of birth" in texts(evidence)
    assert "same street address" in texts(evidence)
    assert all(e.direction == FOR for e in evidence)


def test_possibly_family():
    sister = dict(ROBERT, first_name="grace", dob="1990-11-02")
    evidence = explain_pair(ROBERT, sister)
    joined = texts(evidence)
    assert "same address but different first name — possibly family" in joined
    assert "different first names" in joined
    assert "different dates of birth" in joined
    family = next(e for e in evidence if e.field == "family")
    assert family.direction == AGAINST


def test_day_month_swap_and_typo():
    swapped = dict(ROBERT, dob="1984-07-03", last_name="okafer")
    joined = texts(explain_pair(ROBERT, swapped))
    assert any("day and month swapped" in t for t in joined)
    assert any("last names are nearly the same" in t for t in joined)


def test_missing_fields_give_no_evidence():
    sparse = {"first_name": "robert", "last_name": "okafor"}
    fields = {e.field for e in explain_pair(ROBERT, sparse)}
    assert fields == {"first_name", "last_name"}


def test_weights_set_strength_order_and_direction():
    other = dict(ROBERT, email="r@example.org")
    evidence = explain_pair(
        dict(ROBERT, email="rob@example.org"),
        other,
        weights={"dob_exact": 7.5, "email": -9.0, "first_name": 2.0},
    )
    assert evidence[0].field == "email"
    assert evidence[0].weight == pytest.approx(-9.0)
    assert evidence[1].field == "dob"


def test_is_nickname_both_ways():
    assert is_nickname("bob", "robert")
    assert is_nickname("robert", "bob")
    assert not is_nickname("robert", "maria")
    assert not is_nickname("", "robert")


def test_side_by_side_marks_agreement():
    table = side_by_side(ROBERT, dict(ROBERT, first_name="bob", phone=""))
    verdicts = dict(zip(table["field"], table["agree?"], strict=True))
    assert verdicts["First name"] == "nickname"
    assert verdicts["Date of birth"] == "same"
    assert verdicts["Phone"] == "missing in one"
    assert "Email" not in verdicts


def test_review_queue_orders_by_uncertainty_and_skips_decided():
    records = pd.DataFrame({"programme": ["A", "A", "B", "B"], "row": [1, 2, 1, 2]})
    pairs = pd.DataFrame(
        {
            "rid_a": [0, 0, 1, 1],
            "rid_b": [2, 3, 2, 3],
            "probability": [0.9999999, 0.85, 0.5, 0.00001],
        }
    )
    queue = review_queue(pairs, records, threshold=0.8)
    assert list(zip(queue["rid_a"], queue["rid_b"], strict=True)) == [(0, 3), (1, 2)]
    assert queue.iloc[0][["programme_a", "row_a", "programme_b", "row_b"]].tolist() == [
        "A",
        1,
        "B",
        2,
    ]
    # a decision saved the other way round still counts
    decided = [("B", 2, "A", 1)]
    queue = review_queue(pairs, records, threshold=0.8, decided=decided)
    assert list(queue["rid_a"]) == [1]


def test_explain_levels_uses_the_model_labels_and_weights():
    from overlap.compare import COMPARISONS
    from overlap.explain import explain_levels

    by_name = {c.name: c for c in COMPARISONS}
    first, dob, phone = by_name["first_name"], by_name["dob"], by_name["phone"]
    nickname_level = next(i for i, label in enumerate(first.labels) if "nickname" in label)
    pair = {
        "first_name_level": nickname_level,
        "first_name_weight": 3.2,
        "dob_level": len(dob.labels) - 1,
        "dob_weight": 8.1,
        "phone_level": 0,
        "phone_weight": -4.0,
        "email_level": -1,
        "email_weight": 0.0,
    }
    evidence = explain_levels(
        pair, [first, dob, phone, by_name["email"]], ROBERT, dict(ROBERT, first_name="bob")
    )
    assert [e.field for e in evidence] == ["dob", "phone", "first_name"]
    assert evidence[0].text == dob.labels[-1]
    assert evidence[1].direction == AGAINST
    assert evidence[2].text == "Bob is a nickname of Robert"


def test_social_security_and_record_ids_are_explained_without_showing_them():
    a = {"programme": "clinic", "first_name": "ana", "ssn": "123456780", "record_id": "c-17"}
    b = {"programme": "clinic", "first_name": "ana", "ssn": "123456780", "record_id": "c-17"}
    c = {"programme": "parish", "first_name": "ana", "ssn": "987654320", "record_id": "c-17"}
    same = {e.text: e.direction for e in explain_pair(a, b)}
    assert same["same social security number"] == FOR
    assert same["same record ID"] == FOR
    other = {e.text: e.direction for e in explain_pair(a, c)}
    assert other["different social security numbers"] == AGAINST
    assert not any("record ID" in text for text in other)  # IDs of two rosters are unrelated
    assert not any("123456780" in text or "987654320" in text for text in same | other)
