"""Everything one browser session holds: its rosters, its match and its decisions.

All of it lives in ``st.session_state`` and nowhere else: never in
``st.cache_data``/``st.cache_resource`` (shared by every session on the
server), never on disk, never in a log. "Clear my data" empties the session.

Pages call the functions here; the heavy lifting is the library's
(``overlap.ingest``, ``overlap.mapping``, ``overlap.pipeline``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from overlap.errors import OverlapError, RosterError
from overlap.results import DECISION_COLUMNS, DECISION_VALUES, DEFAULT_THRESHOLD

SECTORS = ["nonprofit", "faith", "government", "business"]

#: Strictness in the words a programme manager uses -> match probability threshold.
STRICTNESS = {
    "Strict — only clear matches": 0.95,
    "Balanced": 0.8,
    "Generous — include likely matches": DEFAULT_THRESHOLD,
}
#: the option whose threshold is the library's one default (the command line's too)
DEFAULT_STRICTNESS = next(label for label, p in STRICTNESS.items() if p == DEFAULT_THRESHOLD)

DECISION_VALUES = set(DECISION_VALUES)

UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xls", "ods"]
SAMPLES_DIR = Path(__file__).resolve().parent.parent / "data" / "samples"

_PREFIX = "ov_"
_DEFAULTS: dict[str, Callable[[], object]] = {
    "rosters": list,
    "messages": list,
    "result": lambda: None,
    "result_inputs": lambda: None,
    "match_stats": list,
    "decisions": lambda: pd.DataFrame(columns=DECISION_COLUMNS),
    "history": list,
    "skipped": set,
    "strictness": lambda: DEFAULT_STRICTNESS,
    "uploader": lambda: 0,
    "next_key": lambda: 0,
    "quality": dict,
    "decisions_upload": lambda: 0,
    "outreach_filters": lambda: 1,
    "draft_plan": lambda: None,
    "follow_report": lambda: None,
    "private_secret": lambda: None,
    "private_encoded": lambda: None,
    "private_result": lambda: None,
    "draws": lambda: None,
    "audits": lambda: None,
    "first_ranges": lambda: None,
    "board_reports": dict,
    "workspace": lambda: None,
    "workspace_file": lambda: "",
    "workspace_synced": lambda: None,
    "season_uploader": lambda: 0,
}


def _get(name: str):
    return st.session_state[_PREFIX + name]


def _set(name: str, value) -> None:
    st.session_state[_PREFIX + name] = value


def init() -> None:
    """Give this session its empty state (idempotent; run at the top of every page run)."""
    for name, make in _DEFAULTS.items():
        if _PREFIX + name not in st.session_state:
            st.session_state[_PREFIX + name] = make()


def widget_value(key: str, default=None):
    """The value a widget with this key holds (for its ``on_change`` callback)."""
    return st.session_state.get(key, default)


def seed_widget(key: str, value) -> None:
    """Give a widget its first value, once; the user's later choices are kept."""
    st.session_state.setdefault(key, value)


def clear_my_data() -> None:
    """Forget everything this session holds: rosters, match, decisions and widget values."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    init()


# --- Rosters --------------------------------------------------------------------------------


@dataclass
class RosterEntry:
    """One uploaded roster and what the user said about it."""

    key: str
    file_name: str
    digest: str
    roster: object  # overlap.ingest.Roster
    programme: str
    sector: str
    mapping: dict[str, str]
    evidence: dict[str, str] = field(default_factory=dict)
    version: int = 0  # bumped on every mapping change (gives the mapping editor a fresh start)
    data: bytes | None = field(
        default=None, repr=False
    )  # kept only for workbooks with several sheets

    @property
    def rows(self) -> int:
        return len(self.roster.frame)


def rosters() -> list[RosterEntry]:
    return _get("rosters")


def roster_by_key(key: str) -> RosterEntry | None:
    return next((e for e in rosters() if e.key == key), None)


def messages() -> list[tuple[str, str]]:
    """(level, sentence) notes from the last files added: errors and warnings, no cell content."""
    return _get("messages")


def clear_messages() -> None:
    _set("messages", [])


def uploader_key() -> str:
    """The file uploader's key; changed after each batch so the uploader lets go of the bytes."""
    return f"{_PREFIX}upload_{_get('uploader')}"


def reset_uploader() -> None:
    _set("uploader", _get("uploader") + 1)


def guess_sector(name: str) -> str:
    """A first guess at a programme's sector from its name (the user can change it)."""
    lowered = name.lower()
    hints = {
        "faith": (
            "church",
            "congregation",
            "parish",
            "mosque",
            "temple",
            "synagogue",
            "faith",
            "ministry",
        ),
        "government": (
            "city",
            "county",
            "agency",
            "department",
            "dept",
            "state",
            "public",
            "snap",
            "wic",
        ),
        "business": (
            "employer",
            "hires",
            "staff",
            "employees",
            "company",
            "inc",
            "llc",
            "business",
        ),
    }
    for sector, words in hints.items():
        if any(word in lowered for word in words):
            return sector
    return "nonprofit"


def _unique_programme(name: str) -> str:
    taken = {e.programme for e in rosters()}
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def add_file(file_name: str, data: bytes) -> RosterEntry | None:
    """Read one uploaded file into this session; problems become messages, never exceptions.

    Returns:
        The new entry, or None when the file was refused or is a repeat upload.
    """
    from overlap.ingest import read_roster
    from overlap.mapping import guess_mapping

    digest = hashlib.sha256(data).hexdigest()
    same = next((e for e in rosters() if e.digest == digest), None)
    if same is not None:
        messages().append(
            (
                "warning",
                f"{file_name} is the very same file as {same.file_name} "
                f"(programme “{same.programme}”), so it was not added a second time.",
            )
        )
        return None
    try:
        roster = read_roster(data, name=file_name)
    except RosterError as error:
        messages().append(("error", str(error)))
        return None
    except Exception as error:  # an unforeseen file must not crash the page or leak content
        messages().append(
            (
                "error",
                f"{file_name} could not be read ({type(error).__name__}); "
                "try saving it again as CSV or XLSX.",
            )
        )
        return None
    if roster.frame.shape[0] == 0:
        messages().append(("error", f"{file_name} has a header but no rows of people."))
        return None
    from overlap.inputs import same_rows

    same = next((e for e in rosters() if same_rows(e.roster, roster)), None)
    if same is not None:
        messages().append(
            (
                "warning",
                f"{file_name} holds the very same rows as {same.file_name} "
                f"(programme “{same.programme}”), so it was not added a second time.",
            )
        )
        return None
    guess = guess_mapping(roster.frame)
    key = f"r{_get('next_key')}"
    _set("next_key", _get("next_key") + 1)
    programme = _unique_programme(roster.name or Path(file_name).stem)
    entry = RosterEntry(
        key=key,
        file_name=file_name,
        digest=digest,
        roster=roster,
        programme=programme,
        sector=guess_sector(programme),
        mapping=dict(guess.mapping),
        evidence=dict(guess.evidence),
        data=data if len(roster.sheets) > 1 else None,
    )
    rosters().append(entry)
    if roster.problems:
        messages().append(
            (
                "warning",
                f"{file_name}: {len(roster.problems)} row(s) need a look; they are kept and "
                "listed under “Problems found”.",
            )
        )
    return entry


def sample_files() -> list[Path]:
    """The sample rosters shipped in data/samples, in name order."""
    if not SAMPLES_DIR.is_dir():
        return []
    return sorted(
        p
        for p in SAMPLES_DIR.iterdir()
        if p.is_file() and p.suffix.lower().lstrip(".") in UPLOAD_TYPES
    )


def load_samples() -> int:
    """Add every sample roster to this session. Returns how many were added."""
    added = 0
    for path in sample_files():
        if add_file(path.name, path.read_bytes()) is not None:
            added += 1
    return added


def remove_roster(key: str) -> None:
    _set("rosters", [e for e in rosters() if e.key != key])


def set_programme(key: str, programme: str) -> None:
    entry = roster_by_key(key)
    programme = programme.strip()
    if entry is None or not programme or programme == entry.programme:
        return
    if programme in {e.programme for e in rosters() if e.key != key}:
        messages().append(
            ("warning", f"Another roster is already called “{programme}”; pick another name.")
        )
        return
    entry.programme = programme


def set_sector(key: str, sector: str) -> None:
    entry = roster_by_key(key)
    if entry is not None and sector in SECTORS:
        entry.sector = sector


def set_sheet(key: str, sheet: str) -> None:
    """Read another sheet of a workbook for this roster (its mapping is guessed afresh)."""
    from overlap.ingest import read_roster
    from overlap.mapping import guess_mapping

    entry = roster_by_key(key)
    if entry is None or entry.data is None or sheet == entry.roster.sheet:
        return
    try:
        roster = read_roster(entry.data, name=entry.file_name, sheet=sheet)
    except RosterError as error:
        messages().append(("error", str(error)))
        return
    guess = guess_mapping(roster.frame)
    entry.roster = roster
    entry.mapping = dict(guess.mapping)
    entry.evidence = dict(guess.evidence)
    entry.version += 1


def set_mapping(key: str, mapping: dict[str, str]) -> None:
    entry = roster_by_key(key)
    if entry is None:
        return
    entry.mapping = {raw: f for raw, f in mapping.items() if f}
    entry.version += 1


def mapped_roster(entry: RosterEntry):
    """The entry's roster with its current mapping applied, named as the user named it."""
    from overlap.mapping import apply_mapping

    mapped = apply_mapping(entry.roster, entry.mapping)
    return dataclasses.replace(mapped, name=entry.programme)


def quality(entry: RosterEntry) -> tuple[dict[str, float], dict[str, int]]:
    """Completeness of each detail and how many rows cannot be linked (kept per mapping version)."""
    from overlap.analyse import field_completeness, linkability
    from overlap.normalise import normalise_fields
    from overlap.split_rows import rows_naming_two

    memo = _get("quality")
    key = (entry.key, entry.version)
    if key not in memo:
        # Judge the cleaned values: a ZIP inside a one-line address counts, a placeholder
        # phone such as 555-555-5555 does not.
        mapped = mapped_roster(entry)
        fields = normalise_fields(mapped.fields)
        memo[key] = (field_completeness(fields), linkability(fields), rows_naming_two(mapped))
    return memo[key][:2]


def rows_naming_two_people(entry: RosterEntry) -> list[int]:
    """The entry's rows that name two people ("Smith, John & Mary"), per mapping version."""
    quality(entry)
    return _get("quality")[(entry.key, entry.version)][2]


def inputs_fingerprint() -> tuple:
    """What the last match depended on; a different value means the match is out of date."""
    return tuple((e.digest, e.programme, tuple(sorted(e.mapping.items()))) for e in rosters())


# --- Matching -------------------------------------------------------------------------------


def threshold() -> float:
    return STRICTNESS[_get("strictness")]


def strictness() -> str:
    return _get("strictness")


def result():
    """This session's MatchResult, or None before the first match."""
    return _get("result")


def result_is_stale() -> bool:
    return result() is not None and _get("result_inputs") != inputs_fingerprint()


def match_stats() -> list[dict]:
    return _get("match_stats")


#: Rows one dashboard session may match at once. Matching 1.3M rows peaked at about
#: 8 GiB (docs/limits.md); several sessions share one server process, so the
#: dashboard stays well below what the command line accepts.
MAX_SESSION_ROWS = 700_000


def run_match(progress: Callable | None = None):
    """Match this session's rosters with the current strictness and decisions.

    Raises:
        OverlapError: with a sentence the page shows.
    """
    from overlap.pipeline import match_rosters

    if len(rosters()) < 2:
        raise OverlapError("Add at least two rosters to find the people they share.")
    from overlap.mapping import missing_required

    for entry in rosters():
        if missing_required(entry.mapping):
            raise OverlapError(
                f"“{entry.programme}” ({entry.file_name}) has no name column that Overlap "
                "recognises; on the Rosters page, set which column holds names."
            )
    total = sum(e.rows for e in rosters())
    if total > MAX_SESSION_ROWS:
        raise OverlapError(
            f"These rosters hold {total:,} rows together, more than the dashboard matches at "
            f"once ({MAX_SESSION_ROWS:,}); use the `overlap match` command for rosters this big."
        )
    mapped = [mapped_roster(e) for e in rosters()]
    outcome = match_rosters(mapped, threshold(), decisions(), progress)
    _set("result", outcome)
    _set("result_inputs", inputs_fingerprint())
    _set("match_stats", list(outcome.stats))
    _set("skipped", set())
    return outcome


def _recluster() -> None:
    from overlap.pipeline import recluster

    current = result()
    if current is not None:
        _set("result", recluster(current, threshold(), decisions()))


def set_strictness(label: str) -> None:
    """Change strictness; an existing match is re-clustered (cheap), not re-matched."""
    if label not in STRICTNESS or label == _get("strictness"):
        return
    _set("strictness", label)
    _recluster()


# --- Review decisions -----------------------------------------------------------------------


def decisions() -> pd.DataFrame:
    return _get("decisions")


def decision_counts() -> dict[str, int]:
    d = decisions()
    return {
        "same": int((d["decision"] == "same").sum()),
        "different": int((d["decision"] == "different").sum()),
        "skipped": len(_get("skipped")),
    }


def skipped() -> set:
    return _get("skipped")


def decide(key: tuple[str, int, str, int], decision: str) -> None:
    """Record the user's verdict on a pair ("same", "different" or "skip") and re-cluster."""
    history = _get("history")
    history.append((decisions().copy(), set(skipped())))
    if decision == "skip":
        skipped().add(key)
        return
    if decision not in DECISION_VALUES:
        raise ValueError(decision)
    pa, ra, pb, rb = key
    current = decisions()
    same_pair = ((current["programme_a"] == pa) & (current["row_a"] == ra)) & (
        (current["programme_b"] == pb) & (current["row_b"] == rb)
    )
    row = pd.DataFrame([[pa, int(ra), pb, int(rb), decision]], columns=DECISION_COLUMNS)
    _set("decisions", pd.concat([current.loc[~same_pair], row], ignore_index=True))
    _recluster()


def can_undo() -> bool:
    return bool(_get("history"))


def undo() -> None:
    """Take back the last accept / reject / skip."""
    history = _get("history")
    if not history:
        return
    previous, previous_skipped = history.pop()
    changed = not previous.equals(decisions())
    _set("decisions", previous)
    _set("skipped", previous_skipped)
    if changed:
        _recluster()


def parse_decisions(data: bytes, file_name: str, passphrase: str | None = None) -> pd.DataFrame:
    """Read a decisions CSV saved earlier (``overlap.results.read_decisions``).

    Raises:
        OverlapError: one sentence naming the file and what is wrong; a file
        with rows that cannot be applied is refused as a whole.
    """
    from overlap.results import read_decisions

    loaded = read_decisions(data, file_name=file_name, passphrase=passphrase)
    if loaded.problems:
        first = loaded.problems[0]
        raise OverlapError(
            f"{file_name} row {first.row}: {first.reason.split(';')[0]} "
            f"({len(loaded.problems)} such row(s)); nothing was loaded."
        )
    return loaded.frame


def load_decisions(frame: pd.DataFrame) -> None:
    """Replace this session's decisions with ones loaded from a file, and re-cluster."""
    _get("history").append((decisions().copy(), set(skipped())))
    _set("decisions", frame)
    _recluster()


def decisions_upload_key() -> str:
    """The decisions uploader's key; changed after each load so it lets go of the file."""
    return f"{_PREFIX}decisions_upload_{_get('decisions_upload')}"


def reset_decisions_upload() -> None:
    _set("decisions_upload", _get("decisions_upload") + 1)


# --- Outreach and follow-up -----------------------------------------------------------------


def outreach_filters() -> int:
    """How many "filter by a column" rows the Outreach page shows."""
    return _get("outreach_filters")


def add_outreach_filter() -> None:
    _set("outreach_filters", _get("outreach_filters") + 1)


def set_draft_plan(make: Callable[[], object]) -> None:
    """Keep the plan the Outreach page is building (as a function: it is made when needed)."""
    _set("draft_plan", make)


def draft_plan():
    """The outreach plan built on Outreach lists in this session, or None."""
    make = _get("draft_plan")
    return None if make is None else make()


def has_draft_plan() -> bool:
    return _get("draft_plan") is not None


def follow_report(fingerprint: tuple):
    """The Follow-up check made for these inputs (plan, roster, strictness), or None."""
    stored = _get("follow_report")
    return stored[1] if stored is not None and stored[0] == fingerprint else None


def set_follow_report(fingerprint: tuple, report) -> None:
    _set("follow_report", (fingerprint, report))


# --- Private overlap ------------------------------------------------------------------------

#: An environment variable the person running a shared server sets (``OVERLAP_HOSTED=1``):
#: the Private overlap page then takes encoded files only, never a plain roster.
HOSTED_ENV = "OVERLAP_HOSTED"


def hosted() -> bool:
    """True when this dashboard runs on a shared server (``OVERLAP_HOSTED=1``)."""
    import os

    return os.environ.get(HOSTED_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def private_secret() -> bytes:
    """A new partners' secret, made once per session (only the first partner makes one)."""
    import secrets

    if _get("private_secret") is None:
        _set("private_secret", secrets.token_hex(32).encode())
    return _get("private_secret")


def private_encoded():
    """The roster this session encoded last: (programme, records, .clk bytes, key bytes), or None."""
    return _get("private_encoded")


def set_private_encoded(programme: str, records: int, clk: bytes, key: bytes) -> None:
    _set("private_encoded", (programme, records, clk, key))


def private_result():
    """This session's match of encoded files (an ``EncodedMatch``), or None."""
    return _get("private_result")


def set_private_result(result) -> None:
    _set("private_result", result)


# --- How sure the counts are (overlap.uncertainty) -------------------------------------------


def community_audits() -> list:
    """Linked shares per group of every column about who people are (overlap.audit), per match."""
    from overlap.audit import audit_columns, audit_group

    current = result()
    held = _get("audits")
    if held is not None and held[0] is current:
        return held[1]
    draws = count_draws()
    audits = (
        [audit_group(current, column, draws) for column in audit_columns(current.attributes)]
        if draws is not None
        else []
    )
    _set("audits", (current, audits))
    return audits


def count_draws():
    """The current match's draws for count ranges, made once per match result and kept here."""
    from overlap.uncertainty import draw_counts

    current = result()
    if current is None:
        return None
    held = _get("draws")
    if held is not None and held[0] is current:
        return held[1]
    draws = draw_counts(current)
    _set("draws", (current, draws))
    return draws


def ranges_before_review() -> dict | None:
    """The headline ranges of this match without any review decision (None: no decisions).

    Made once per match (a re-grouping without the decisions, then its draws), so the
    Overlap page can show how much the review narrowed them.
    """
    from overlap.pipeline import recluster
    from overlap.uncertainty import draw_counts, summary_ranges

    current = result()
    if current is None or not len(current.decisions):
        return None
    fingerprint = _get("result_inputs")
    held = _get("first_ranges")
    if held is not None and held[0] == fingerprint and held[1] == current.threshold:
        return held[2]
    plain = recluster(current, current.threshold, decisions().iloc[0:0])
    ranges = summary_ranges(draw_counts(plain))
    _set("first_ranges", (fingerprint, current.threshold, ranges))
    return ranges


def board_report(key: str, fingerprint: tuple) -> tuple[bytes, bytes] | None:
    """The board report (PDF, HTML) made on a page for these inputs, or None.

    It holds counts only (no person), so keeping it in the session is harmless.
    """
    stored = _get("board_reports").get(key)
    return stored[1] if stored is not None and stored[0] == fingerprint else None


def set_board_report(key: str, fingerprint: tuple, files: tuple[bytes, bytes]) -> None:
    _get("board_reports")[key] = (fingerprint, files)


# --- Workspace (overlap.workspace): this session's rosters kept from season to season ---------


def workspace():
    """The workspace this session opened or started (``overlap.workspace.Workspace``), or None."""
    return _get("workspace")


def workspace_file() -> str:
    """The name the workspace is saved under (the file it was opened from)."""
    return _get("workspace_file") or "workspace.owl"


def open_workspace(data: bytes, passphrase: str, file_name: str) -> None:
    """Open an uploaded workspace file; its people become this session's match.

    Raises:
        OverlapError: wrong passphrase, damaged, newer, or too big for the dashboard.
    """
    from overlap.workspace import Workspace

    opened = Workspace.from_sealed(data, passphrase, label=file_name)
    if opened.n_records > MAX_SESSION_ROWS:
        raise OverlapError(
            f"{file_name} holds {opened.n_records:,} records, more than the dashboard holds at "
            f"once ({MAX_SESSION_ROWS:,}); use the `overlap workspace` commands for it."
        )
    _set("workspace", opened)
    _set("workspace_file", file_name)
    _show_workspace(opened)


def _show_workspace(ws) -> None:
    """Make the workspace's people this session's match, so every page shows them."""
    from overlap.workspace import match_result

    _set("rosters", [])
    clear_messages()
    _set("history", [])
    _set("skipped", set())
    _set("match_stats", [])
    if not ws.uploads:
        _set("result", None)
        return
    closest = min(STRICTNESS, key=lambda label: abs(STRICTNESS[label] - ws.threshold))
    _set("strictness", closest)
    outcome = match_result(ws, threshold())
    _set("result", outcome)
    _set("result_inputs", inputs_fingerprint())
    _set("decisions", outcome.decisions)
    _set("workspace_synced", _session_key())


def _session_key() -> tuple:
    """What the session may change in a workspace: its decisions and its strictness."""
    return (threshold(), hashlib.sha256(decisions().to_csv(index=False).encode()).hexdigest())


def synced_workspace():
    """The workspace with this session's review decisions and strictness put in (IDs kept).

    Nothing is put in when the session's match is of other rosters (a match
    run on the Match page while a workspace is open).
    """
    from overlap.workspace import apply_session

    ws, current = workspace(), result()
    if ws is None or not ws.uploads:
        return ws
    if current is None:
        _show_workspace(ws)
        return ws
    if list(current.programmes) != [u.label for u in ws.uploads]:
        return ws
    if _get("workspace_synced") != _session_key():
        apply_session(ws, current)
        records = current.records.assign(person_id=ws.person_id)
        _set("result", dataclasses.replace(current, records=records))
        _set("workspace_synced", _session_key())
    return ws


def workspace_draws():
    """Count ranges' draws of the workspace's people (None when this session matched others)."""
    ws, current = workspace(), result()
    if ws is None or current is None or list(current.programmes) != [u.label for u in ws.uploads]:
        return None
    return count_draws()


def start_workspace(season: str) -> None:
    """Keep this session's rosters and match as a workspace, as one season (nothing re-matched).

    Raises:
        OverlapError: there is no up-to-date match of the rosters.
    """
    from overlap.workspace import Arrival, content_digest, start_from_match

    current = result()
    if current is None or result_is_stale():
        raise OverlapError("Run the match of these rosters first, then keep them as a workspace.")
    arrivals = [
        Arrival(
            mapped=mapped_roster(entry),
            file_name=entry.file_name,
            digest=entry.digest,
            content_digest=content_digest(entry.roster.frame),
            problem_rows=len(entry.roster.problems),
            sheet=entry.roster.sheet,
        )
        for entry in rosters()
    ]
    ws = start_from_match(current, arrivals, season)
    _set("workspace", ws)
    _set("workspace_file", "workspace.owl")
    _show_workspace(ws)


def season_uploader_key() -> str:
    """The Seasons page's uploader key; changed after each season so it lets go of the files."""
    return f"{_PREFIX}season_upload_{_get('season_uploader')}"


def add_season(files: list[tuple[str, bytes]], programmes: list[str], season: str, progress=None):
    """Add a season's rosters to the open workspace; its people become this session's match.

    Returns:
        The ``overlap.workspace.AddReport``.

    Raises:
        OverlapError: a roster cannot be read, or the workspace would outgrow the dashboard.
    """
    from overlap.workspace import add_rosters, read_arrival

    ws = synced_workspace()
    arrivals = [
        read_arrival(data, name=programme, file_name=name)
        for (name, data), programme in zip(files, programmes, strict=True)
    ]
    total = ws.n_records + sum(len(a.mapped.fields) for a in arrivals)
    if total > MAX_SESSION_ROWS:
        raise OverlapError(
            f"With these rosters the workspace would hold {total:,} records, more than the "
            f"dashboard holds ({MAX_SESSION_ROWS:,}); use `overlap workspace add` instead."
        )
    report = add_rosters(ws, arrivals, season=season, progress=progress)
    if report.changed:
        _show_workspace(ws)
        _set("season_uploader", _get("season_uploader") + 1)
    return report
