"""A partner encodes its roster in its own browser: only the finished .clk ever leaves it.

The dashboard runs as a shared server (OVERLAP_HOSTED=1) under netguard.py,
which refuses and writes down any attempt of the server to reach another
machine. A real Chromium opens the Private overlap page; the in-browser
encoder (Pyodide, served by the dashboard) reads a roster and a secret file
from disk, encodes them, and offers the .clk and the key file as downloads.
Every request (with its body) and every WebSocket frame the browser sends is
recorded, the worker's included: none carries a value of the roster or the
secret, every one goes to the dashboard itself, and the downloaded .clk is
the one `overlap encode` makes of the same roster and secret. The partner
then uploads the .clk for matching: that is all the server receives.
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlparse

import pytest
from leaks import leaked_values

from overlap.cli import main

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PEOPLE = [
    ("Zbigniewa", "Okonkwo-Haddad", "03/12/1985", "4417 Quillfeather Ave", "60614", "312-555-0147"),
    ("Marisol", "Vanterpool", "1990-07-01", "9 Oakhurst Ave Apt 2", "60615", "773-555-0188"),
    ("Chen", "Lindqvist", "11/30/1971", "77 Elmwood St", "60616", "(312) 555-0199"),
    ("Aurelio", "Brzezinski", "1968-02-29", "PO Box 4412", "60617", "708.555.0123"),
    ("Adaeze & Chidi", "Okafor", "", "18 Tamarind Ct", "60618", "312-555-0166"),  # two people
]  # fmt: skip
VALUES = ["Zbigniewa", "Okonkwo", "Vanterpool", "Lindqvist", "Aurelio", "Brzezinski",
          "Quillfeather", "Oakhurst", "Elmwood", "5550147", "555-0188", "0199", "0123",
          "1985", "1971", "1968", "4412", "Adaeze", "Chidi", "Okafor", "Tamarind", "0166"]  # fmt: skip
SECRET = b"7d1f0c5e9a2b4c6d8e0f1a2b3c4d5e6f"


def parsed(clk: bytes, key: bytes) -> tuple:
    """A .clk and its key file, compared after parsing (the ids are random on every run):
    (settings without checksum, header, row -> its records' cells, key file settings)."""
    first, _, body = clk.partition(b"\n")
    settings = json.loads(first.split(b" ", 1)[1])
    settings.pop("digest")
    records = list(csv.reader(io.StringIO(body.decode())))
    key_first, _, key_body = key.partition(b"\n")
    ids = dict(list(csv.reader(io.StringIO(key_body.decode())))[1:])
    by_row: dict[int, list] = {}  # a row naming two people has two records
    for cells in records[1:]:
        by_row.setdefault(int(ids[cells[0]]), []).append(cells[1:])
    by_row = {row: sorted(both) for row, both in by_row.items()}
    return settings, records[0], by_row, json.loads(key_first.split(b" ", 1)[1])


@pytest.fixture
def hosted(tmp_path, monkeypatch):
    """A shared-server dashboard (OVERLAP_HOSTED=1) under netguard: (server, attempts log)."""
    from conftest import ROOT, AppServer
    from test_nothing_calls_out import _guarded_server, _stop

    monkeypatch.setenv("OVERLAP_HOSTED", "1")
    process, url, attempts = _guarded_server(tmp_path, ROOT / "app.py", cwd=ROOT)
    yield AppServer(url, int(url.rsplit(":", 1)[1]), process, tmp_path / "server.log"), attempts
    _stop(process)


def _record_everything_sent(context, page) -> list[bytes]:
    """Every request the browser sends (URL and body, workers' too) and every WebSocket frame."""
    sent: list[bytes] = []
    context.on(
        "request", lambda r: sent.append(r.url.encode() + b" " + (r.post_data_buffer or b""))
    )
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framesent", lambda f: sent.append(f if isinstance(f, bytes) else f.encode())
        ),
    )
    return sent


def test_a_roster_encoded_in_the_browser_never_leaves_it(tmp_path, browser, hosted):
    from conftest import RUN_COUNTER_JS, AppPage

    server, attempts = hosted
    header = "First Name,Last Name,DOB,Address,ZIP,Phone\n"
    roster = tmp_path / "clinic.csv"
    roster.write_text(header + "".join(",".join(p) + "\n" for p in PEOPLE))
    secret = tmp_path / "partners.secret"
    secret.write_bytes(SECRET + b"\n")
    church = tmp_path / "church.csv"
    church.write_text(header + ",".join(PEOPLE[0]) + "\nAna,Ruiz,1980-01-02,1 Main St,60614,\n")
    for path in (roster, church):
        assert main(["encode", str(path), "--secret-file", str(secret), "--share", "zip",
                     "--out", str(tmp_path / "cli" / f"{path.stem}.clk")]) == 0  # fmt: skip

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(20_000)
    context.add_init_script(script=RUN_COUNTER_JS)
    page = context.new_page()
    sent = _record_everything_sent(context, page)
    try:
        # the first run on a fresh server routes by file name (Streamlit's pages/ folder),
        # so open the first page before following a link to this one
        app = AppPage(page, server).goto("").goto("private-overlap")
        assert "Shared server" in app.text() and "in your own browser" in app.text()
        encoder = page.frame_locator('iframe[src*="component/"]')
        encoder.get_by_text("The encoder is running in this browser").wait_for(timeout=180_000)

        encoder.locator("#roster").set_input_files(str(roster))
        encoder.get_by_text("First Name — first name").wait_for()
        encoder.locator("#secret-file").set_input_files(str(secret))
        encoder.locator('input.share[value="zip"]').check()
        encoder.get_by_role("button", name="Encode in this browser").click()
        encoder.get_by_text("Encoded 6 records of clinic, in this browser.").wait_for()
        downloaded = {}
        for link in ("#clk-download", "#key-download"):
            with page.expect_download() as info:
                encoder.locator(link).click()
            downloaded[link] = info.value.path().read_bytes()
            assert info.value.suggested_filename in ("clinic.clk", "clinic.key.csv")
        made_here = tmp_path / "clinic.clk"
        made_here.write_bytes(downloaded["#clk-download"])

        cli = tmp_path / "cli"
        expected = parsed((cli / "clinic.clk").read_bytes(), (cli / "clinic.key.csv").read_bytes())
        got = parsed(downloaded["#clk-download"], downloaded["#key-download"])
        assert got[0] == expected[0]  # the settings (secret's fingerprint included)
        assert got[1:] == expected[1:]  # every record, row by row, and the key file's settings
        assert got[3]["roster_sha256"] and len(got[2]) == 5 and len(got[2][5]) == 2

        # the partner uploads the encoded file for matching: the one thing the server gets
        app.page.get_by_role("tab", name="2. Measure the overlap").click()
        uploads = app.page.locator('[data-testid="stFileUploader"] input[type="file"]')
        uploads.first.set_input_files([str(made_here), str(cli / "church.clk")])
        app.wait_idle()
        app.click("Measure the overlap")
        app.wait_for_text("People across all programmes")
    finally:
        context.close()

    everything = b"\n".join(sent)
    assert b"pyodide.asm.wasm" in everything and b"/_stcore/upload_file" in everything
    leaked = leaked_values(VALUES, everything)
    assert leaked == []
    assert SECRET not in everything
    outside = [
        s[:80]
        for s in sent
        if s.startswith(b"http") and urlparse(s.split(b" ")[0].decode()).hostname != "127.0.0.1"
    ]
    assert outside == []
    assert not attempts.exists(), attempts.read_text()
