"""On a shared server (OVERLAP_HOSTED=1) no value of a roster ever leaves the browser.

A real Chromium records every request (with its body) and every WebSocket
frame the page sends while a partner, holding a plain roster, uses the
Private overlap page of a hosted dashboard: it offers no roster upload, and
when the roster is dropped on the encoded-files upload anyway the page refuses
it before sending a byte. Then the partner's .clk (made at home with
`overlap encode`) is uploaded and matched: what is sent holds no name, date
of birth, phone or street of the roster.
"""

from __future__ import annotations

import pytest
from leaks import leaked_values

from overlap.cli import main

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

ROSTER = (
    "First Name,Last Name,DOB,Address,ZIP,Phone\n"
    "Zbigniewa,Okonkwo-Haddad,03/12/1985,4417 Quillfeather Ave,60614,312-555-0147\n"
    "Marisol,Vanterpool,1990-07-01,9 Oak Ave,60615,773-555-0188\n"
    "Chen,Lindqvist,1971-11-30,77 Elm St Apt 2,60616,(312) 555-0199\n"
)
VALUES = [
    "Zbigniewa", "Okonkwo-Haddad", "Marisol", "Vanterpool", "Lindqvist", "Quillfeather",
    "1985", "5550147", "555-0147", "5550188", "0199",
]  # fmt: skip


@pytest.fixture
def hosted_server(server_factory, monkeypatch):
    monkeypatch.setenv("OVERLAP_HOSTED", "1")
    return server_factory()


def test_a_hosted_page_sends_no_value_of_a_roster(hosted_server, new_page, tmp_path):
    roster = tmp_path / "clinic.csv"
    roster.write_text(ROSTER)
    secret = tmp_path / "partners.secret"
    secret.write_bytes(b"a secret the two partners share!")
    for name, text in (
        ("clinic", ROSTER),
        ("church", ROSTER.replace("Chen,Lindqvist", "Ana,Lindqvist")),
    ):
        path = tmp_path / f"{name}.csv"
        path.write_text(text)
        assert main(["encode", str(path), "--secret-file", str(secret),
                     "--out", str(tmp_path / f"{name}.clk")]) == 0  # fmt: skip

    app = new_page(server=hosted_server, url_path="private-overlap")
    sent: list[bytes] = []
    app.page.on(
        "request", lambda r: sent.append((r.url + " ").encode() + (r.post_data_buffer or b""))
    )
    app.page.on(
        "websocket",
        lambda ws: ws.on(
            "framesent", lambda f: sent.append(f if isinstance(f, bytes) else f.encode())
        ),
    )
    app.page.reload()
    app.wait_idle()
    assert "Shared server" in app.text() and "encoded files (.clk) only" in app.text()
    inputs = app.page.locator('[data-testid="stFileUploader"] input[type="file"]')
    assert inputs.count() == 1  # the encoded files only: no roster, no key file

    app.page.get_by_role("tab", name="2. Measure the overlap").click()
    inputs.first.set_input_files(str(roster))  # a partner drops the plain roster anyway
    app.wait_idle()
    app.page.wait_for_timeout(1500)
    refused = app.page.locator('[data-testid="stFileUploader"]').inner_text()
    assert "clinic.csv" not in refused or "not allowed" in refused.lower(), refused

    inputs.first.set_input_files([str(tmp_path / "clinic.clk"), str(tmp_path / "church.clk")])
    app.wait_idle()
    app.click("Measure the overlap")
    app.wait_for_text("People across all programmes")
    assert len(sent) > 10
    everything = b"\n".join(sent)
    assert b".clk" in everything  # the uploads were recorded
    leaked = leaked_values(VALUES, everything)
    assert leaked == []


def test_the_leak_search_counts_a_number_only_whole():
    assert leaked_values(["1985"], b'{"dob": "03/12/1985"}') == ["1985"]
    assert leaked_values(["0199"], b"(312) 555-0199\n") == ["0199"]
    assert leaked_values(["1985", "0199"], b'{"ts": 1733451985002, "id": 80199}') == []
    assert leaked_values(["Okonkwo"], b"name=okonkwo") == ["Okonkwo"]
