"""Two people using the dashboard at the same time never see each other's rosters."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PANTRY = (
    "Name,Date of birth,Phone,ZIP\n"
    "Zbigniew Okonkwo-Lindqvist,1971-02-03,312-555-0142,60601\n"
    "Philippa Vanterpool,1988-09-30,312-555-0177,60605\n"
)


def test_two_sessions_keep_their_own_rosters(new_page, tmp_path):
    pantry = tmp_path / "harbor_food_pantry.csv"
    pantry.write_text(PANTRY)

    alice = new_page()
    bob = new_page()

    alice.load_samples()
    bob.page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        str(pantry)
    )
    bob.page.get_by_text("harbor_food_pantry", exact=True).first.wait_for()
    bob.wait_idle()

    alice_text, bob_text = alice.text(), bob.text()
    assert "harbor_food_pantry" not in alice_text
    assert "Okonkwo" not in alice.page.content()
    assert "st_agnes_parish_members" in alice_text
    assert "st_agnes_parish_members" not in bob_text
    assert "1 roster(s) loaded" in bob.page.locator('[data-testid="stSidebar"]').inner_text()

    # Bob's Match page asks for a second roster; Alice's is ready to match.
    bob.nav("Match")
    assert "Start by adding your rosters" in bob.text()
    alice.nav("Match")
    assert "How complete are your rosters?" in alice.text()
    assert "harbor_food_pantry" not in alice.text()

    # A new tab is a new session: it starts empty, nothing was kept on the server.
    carol = new_page()
    assert "No rosters yet" in carol.text()
    assert "harbor_food_pantry" not in carol.text()
    assert "st_agnes_parish_members" not in carol.text()
