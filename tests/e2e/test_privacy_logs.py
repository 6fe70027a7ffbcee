"""No name, phone or email of the input reaches the server's logs or the page's messages.

The whole journey runs against a server logging at DEBUG; then the captured
stdout/stderr and every message area of the page (alerts, toasts, status boxes,
exceptions) are searched for each person's name, phone number and email.
The tables the user asked to see (their own rosters) are not searched.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
MESSAGE_AREAS = ", ".join(
    f'[data-testid="{t}"]'
    for t in [
        "stAlert",
        "stToast",
        "stException",
        "stStatusWidget",
        "stExpander",
        "stCaptionContainer",
    ]
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WORD = re.compile(r"[a-z]+(?:['-][a-z]+)*")


def _personal_data() -> dict[str, set[str]]:
    """Every name, phone (digits) and email of the sample rosters, as the library reads them.

    Names are "first last" and "last first" pairs of the normalised names (both
    parts at least two letters, so initials do not match ordinary words).
    """
    from overlap.ingest import read_roster
    from overlap.mapping import apply_mapping, guess_mapping
    from overlap.pipeline import prepare_records

    mapped = []
    for path in sorted(SAMPLES.iterdir()):
        roster = read_roster(path.read_bytes(), name=path.name)
        mapped.append(apply_mapping(roster, guess_mapping(roster.frame).mapping))
    records, _ = prepare_records(mapped)
    names, phones, emails = set(), set(), set()
    for first, last in zip(
        records["first_name"].tolist(), records["last_name"].tolist(), strict=True
    ):
        f, la = " ".join(WORD.findall(first.lower())), " ".join(WORD.findall(last.lower()))
        if len(f) >= 2 and len(la) >= 2:
            names.update({f"{f} {la}", f"{la} {f}"})
    for raw in [m.fields for m in mapped]:
        for phone in raw["phone"].tolist():
            for part in phone.split("|"):
                digits = re.sub(r"\D", "", part)
                if len(digits) >= 10:
                    phones.add(digits[-10:])
        for email in raw["email"].tolist():
            emails.update(e.lower() for e in EMAIL.findall(email))
    return {"names": names, "phones": phones, "emails": emails}


def _leaks(text: str, personal: dict[str, set[str]]) -> dict[str, set[str]]:
    """Which of the personal values appear in ``text`` (by token, so the search is fast)."""
    lowered = text.lower()
    words = WORD.findall(lowered)
    bigrams = {" ".join(words[i : i + 2]) for i in range(len(words) - 1)}
    digit_runs = set()
    for run in re.findall(r"\d[\d\s().+-]{8,}\d", lowered):
        digits = re.sub(r"\D", "", run)
        digit_runs.update(digits[i : i + 10] for i in range(0, max(len(digits) - 9, 1)))
    return {
        "names": personal["names"] & bigrams,
        "phones": personal["phones"] & digit_runs,
        "emails": personal["emails"] & set(EMAIL.findall(lowered)),
    }


def test_debug_logs_and_messages_hold_no_personal_data(server_factory, new_page, tmp_path):
    personal = _personal_data()
    assert min(len(v) for v in personal.values()) > 100  # the search has something to find

    server = server_factory("--logger.level", "debug")
    app = new_page(server=server)

    # A file that cannot be read, whose bytes hold a real name and email from the samples.
    someone = sorted(personal["emails"])[0]
    bad = tmp_path / "members.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook " + someone.encode() + b"\x00" * 64)
    app.page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(bad))
    app.page.locator('[data-testid="stAlert"]', has_text="members.xlsx").first.wait_for()
    app.wait_idle()
    messages = [app.page.locator(MESSAGE_AREAS).all_inner_texts()]

    app.load_samples()
    messages.append(app.page.locator(MESSAGE_AREAS).all_inner_texts())
    app.nav("Match")
    app.click("Find shared people")
    app.wait_for_text("different people")
    messages.append(app.page.locator(MESSAGE_AREAS).all_inner_texts())
    app.nav("Review")
    app.click("Same person", exact=False)  # its name carries the shortcut key (S)
    messages.append(app.page.locator(MESSAGE_AREAS).all_inner_texts())
    for title in ("Overlap", "Reach"):
        app.nav(title)
        messages.append(app.page.locator(MESSAGE_AREAS).all_inner_texts())

    log = server.log_text()
    # the server really logged at debug level (at the default level it writes a handful of lines)
    assert log.count("\n") > 100
    assert _leaks(log, personal) == {"names": set(), "phones": set(), "emails": set()}
    shown = "\n".join("\n".join(batch) for batch in messages)
    assert "members.xlsx" in shown  # the bad file got its sentence
    assert _leaks(shown, personal) == {"names": set(), "phones": set(), "emails": set()}
    assert "Traceback" not in shown


def test_the_leak_search_finds_what_it_looks_for():
    """The search above is not blind: it finds a name, a phone and an email planted in text."""
    personal = {"names": {"maria garcia"}, "phones": {"3125550142"}, "emails": {"m.g@example.org"}}
    text = "INFO row 4: Maria  Garcia called (312) 555-0142, wrote M.G@example.org"
    assert _leaks(text, personal) == personal
    assert _leaks("row 4 had 7 fields", personal) == {
        "names": set(),
        "phones": set(),
        "emails": set(),
    }
