"""The Seasons page and the sidebar's workspace controls, through Streamlit's AppTest.

Rosters go in through the real file uploaders and the real library does the
matching, the workspace file and the incremental linkage.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 120
PASS = "correct horse battery"
FIRSTS = ["Robert", "Maria", "James", "Linda", "Carlos", "Ana", "Wei", "Fatima", "Kwame", "Olga"]
LASTS = ["Garcia", "Okafor", "Nguyen", "Kowalski", "Haddad", "Chen", "Lopez", "Brown", "Ito"]


def _people(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "first": rng.choice(FIRSTS),
            "last": rng.choice(LASTS) + rng.choice(["", "s", "er", "ez"]),
            "dob": f"19{rng.randint(40, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "street": f"{rng.randint(1, 999)} {rng.choice(['N Main St', 'W Lake St', 'Oak Ave'])}",
            "zip": rng.choice(["60601", "60605", "60614"]),
            "phone": f"312555{rng.randint(1000, 9999)}",
        }
        for _ in range(n)
    ]


def _csv(people: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["First Name", "Last Name", "DOB", "Address", "ZIP", "Phone"])
    writer.writerows([[p["first"], p["last"], p["dob"], p["street"], p["zip"], p["phone"]]
                      for p in people])  # fmt: skip
    return out.getvalue().encode()


PEOPLE = _people(60, seed=3)
FOOD_BANK = _csv(PEOPLE[:35])
TAX_CLINIC = _csv(PEOPLE[25:50])
# next season: ten clients come back, five food-bank people are new clients, ten are new to all
NEXT_TAX = _csv(PEOPLE[40:50] + PEOPLE[:5] + _people(10, seed=99))


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def _first_season(tmp_path: Path):
    """A workspace holding the first season (two rosters), made by the library."""
    from overlap.workspace import Workspace, add_rosters, read_arrival

    paths = []
    for name, data in (("food_bank.csv", FOOD_BANK), ("tax_clinic.csv", TAX_CLINIC)):
        paths.append(tmp_path / name)
        paths[-1].write_bytes(data)
    ws = Workspace()
    add_rosters(ws, [read_arrival(p) for p in paths], season="2024 autumn")
    return ws


def test_without_a_workspace_the_page_says_how_to_get_one():
    at = _app()
    # the sidebar shows no uploader until asked: the Rosters page's uploader stays the first
    assert at.file_uploader[0].key != "workspace_open_file"
    at.switch_page("pages/seasons.py").run()
    assert not at.exception
    assert any("Open a workspace in the sidebar" in i.value for i in at.info)


def test_a_season_added_on_the_page_joins_the_workspace(tmp_path):
    """The workspace as the sidebar's "Open workspace" leaves it (AppTest keeps no sidebar
    after the first run: the browser test opens and saves through it)."""
    ws = _first_season(tmp_path)
    first_ids = ws.person_id.copy()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["ov_workspace"] = ws
    at.run()
    at.switch_page("pages/seasons.py").run()
    assert not at.exception
    assert at.metric[1].value == "1"  # seasons
    at.file_uploader(key="ov_season_upload_0").set_value(
        [("clients_spring.csv", NEXT_TAX, "text/csv")]
    ).run()
    at.text_input(key="season_label").input("2025 spring").run()
    at.selectbox(key="season_programme_0_clients_spring.csv").select("tax_clinic").run()
    at.button(key="season_add").click().run()
    assert not at.exception, at.exception
    assert any("Added 25 records" in s.value for s in at.success)
    ws = at.session_state["ov_workspace"]
    assert ws.seasons == ["2024 autumn", "2025 spring"]
    assert (ws.person_id[: len(first_ids)] == first_ids).mean() >= 0.95
    table = at.dataframe[0].value  # people by season (the first tab)
    spring = table[(table["programme"] == "tax_clinic") & (table["season"] == "2025 spring")]
    assert int(spring["people"].iloc[0]) >= 20 and int(spring["returning"].iloc[0]) >= 8
    assert at.metric[1].value == "2"
    # the same roster again changes nothing and says so
    at.run()  # the uploader lets go of the last season's files: a fresh one
    assert at.file_uploader[0].key == "ov_season_upload_1"
    at.file_uploader[0].set_value([("again.csv", NEXT_TAX, "text/csv")]).run()
    at.text_input(key="season_label").input("2025 autumn").run()
    at.button(key="season_add").click().run()
    assert any("is already in the workspace" in w.value for w in at.warning)
    assert at.session_state["ov_workspace"].seasons == ["2024 autumn", "2025 spring"]
