"""A report for the board: the overlap on a few printable pages, with no person in it.

``report_data`` gathers counts only (programmes, people, shared people,
areas); ``report_html`` lays them out as one self-contained HTML file (CSS
and charts inline, nothing fetched); ``report_pdf`` prints that file with the
Chromium the project already installs. Charts are drawn by plotly's own
static export (kaleido) in that same Chromium, as SVG, so they stay sharp in
print.

What never goes in: a name, date of birth, address, phone or email. The
inputs are the matched records' programme, person and area columns and the
overlap summary; small counts (1 to 10) are hidden by default, as in every
shared table of counts.
"""

from __future__ import annotations

import asyncio
import html
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from overlap import analyse, charts
from overlap.errors import OverlapError

CHROMIUM = os.environ.get("OVERLAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
]
RANKED_AREAS = 15
QUALITY_LABELS = ["name", "date of birth", "address", "ZIP", "phone", "email"]
_QUALITY_COLUMNS = {
    "name": ["first_name", "last_name"],
    "date of birth": ["dob"],
    "address": ["street"],
    "ZIP": ["zip"],
    "phone": ["phone"],
    "email": ["email"],
}


@dataclass
class ReportData:
    """Everything a report shows: counts by programme and by area, and how the match was made."""

    title: str
    created: str
    summary: dict  # overlap.json (with *_low/*_high ranges when the engine gave them)
    membership: pd.DataFrame  # one row per person, one bool column per programme
    duplicates: pd.DataFrame  # analyse.duplicates_within
    completeness: pd.DataFrame  # per programme: share of records with each detail (%)
    by_zip: pd.DataFrame | None  # analyse.overlap_by_group(records, "zip")
    reach: pd.DataFrame | None  # analyse.reach_ranking over the partners
    reach_column: str = "zip"
    partners: list[str] = field(default_factory=list)
    threshold: float | None = None
    strictness: str = ""


def _completeness(records: pd.DataFrame) -> pd.DataFrame:
    """Per programme, the share (%) of records with each detail (cleaned values: placeholders don't count)."""
    out = pd.DataFrame({"programme": pd.unique(records["programme"].astype(str))})
    for label, columns in _QUALITY_COLUMNS.items():
        present = [c for c in columns if c in records.columns]
        if not present:
            out[label] = 0.0
            continue
        filled = (records[present].fillna("").astype(str) != "").all(axis=1)
        share = filled.groupby(records["programme"].astype(str).to_numpy()).mean() * 100
        out[label] = out["programme"].map(share).round(0).to_numpy()
    return out


def report_data(
    records: pd.DataFrame,
    summary: dict | None = None,
    threshold: float | None = None,
    strictness: str = "",
    partners: list[str] | None = None,
    reach_column: str = "zip",
    attributes: pd.DataFrame | None = None,
    title: str = "Who our programmes share",
) -> ReportData:
    """Gather the counts a report shows from matched records.

    Args:
        records: matched records (``programme``, ``person_id``, cleaned fields).
        summary: the match's ``overlap.json`` (computed from ``records`` when not given;
            give the saved one to keep its ranges).
        threshold: the match probability at which records were joined.
        strictness: the same in words ("Balanced").
        partners: programmes of the joint initiative for the ranking (default: all).
        reach_column: the column areas are ranked by (``zip`` by default).
        attributes: the match's attribute columns, when ranking by one of them.
        title: the report's title.

    Returns:
        A ``ReportData`` holding counts only.
    """
    membership = analyse.person_programmes(records)
    partners = list(partners or membership.columns)
    has_zip = "zip" in records.columns and bool((records["zip"].astype(str) != "").any())
    column_known = reach_column in records.columns or (
        attributes is not None and reach_column in attributes.columns
    )
    return ReportData(
        title=title,
        created=date.today().isoformat(),
        summary=summary if summary is not None else analyse.overlap_summary(records),
        membership=membership,
        duplicates=analyse.duplicates_within(records),
        completeness=_completeness(records),
        by_zip=analyse.overlap_by_group(records, "zip") if has_zip else None,
        reach=(
            analyse.reach_ranking(records, reach_column, partners, attributes)
            if column_known
            else None
        ),
        reach_column=reach_column,
        partners=partners,
        threshold=threshold,
        strictness=strictness,
    )


# --------------------------------------------------------------------------- numbers in words


def _count(n: int, suppress: bool) -> str:
    return "fewer than 11" if suppress and 0 < n < analyse.SMALL_CELL_THRESHOLD else f"{n:,}"


def _with_range(entry: dict, key: str, suppress: bool) -> str:
    """A count with its range when the engine gave one: "1,234 (1,210 to 1,251)"."""
    text = _count(int(entry[key]), suppress)
    low, high = entry.get(f"{key}_low"), entry.get(f"{key}_high")
    if low is None or high is None or text.startswith("fewer"):
        return text
    return f"{text} ({_count(int(low), suppress)} to {_count(int(high), suppress)})"


def _headline(data: ReportData, suppress: bool) -> list[tuple[str, str]]:
    summary = data.summary
    shared = int((data.membership.sum(axis=1) >= 2).sum())
    rows = [
        ("People reached, all programmes together", _with_range(summary, "union_people", suppress)),
        ("People in two or more programmes", _count(shared, suppress)),
        ("Records in the rosters", f"{int(data.duplicates['records'].sum()):,}"),
    ]
    for name, entry in summary["programmes"].items():
        rows.append((f"People in {name}", _with_range(entry, "people", suppress)))
    return rows


# --------------------------------------------------------------------------- charts


def figures(data: ReportData, suppress: bool = True) -> dict[str, object]:
    """The report's plotly figures by name (no person in any of them)."""
    membership = data.membership
    out: dict[str, object] = {}
    if 2 <= membership.shape[1] <= 3:
        out["venn"] = charts.venn_figure(membership, suppress=suppress)
    out["upset"] = charts.upset_figure(membership, suppress=suppress)
    out["heatmap"] = charts.heatmap_figure(membership, suppress=suppress)
    if data.by_zip is not None:
        out["map"] = charts.zip_bubble_map(
            data.by_zip, value="union", suppress=suppress, title="People reached, by ZIP"
        )
    return out


async def _render(figs: dict[str, object], width: int, height: int | None) -> dict[str, str]:
    import kaleido

    out = {}
    async with kaleido.Kaleido(mathjax=False, path=CHROMIUM) as renderer:  # nothing from a CDN
        for name, fig in figs.items():
            fig_height = height or int(fig.layout.height or 460)
            svg = await renderer.calc_fig(
                fig, opts={"format": "svg", "width": width, "height": fig_height}
            )
            out[name] = svg.decode("utf-8")
    return out


def _need_chromium(what_needs_it: str, other_ways: str) -> None:
    """Refuse in one sentence when the Chromium that draws charts and PDFs is missing."""
    if not Path(CHROMIUM).exists():
        raise OverlapError(
            f"{what_needs_it} Chromium at {CHROMIUM}; install it "
            f"(scripts/install_browser.sh){other_ways}"
        )


def render_svgs(figs: dict[str, object], width: int = 900, height: int | None = None) -> dict:
    """Each figure as an SVG string, drawn by kaleido in the installed Chromium.

    Raises:
        OverlapError: Chromium is missing or the export failed.
    """
    _need_chromium("Charts for the report need", " or set OVERLAP_CHROMIUM.")
    try:
        # its own thread and event loop: the caller may already run one (a server, a browser test)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, _render(figs, width, height)).result()
    except OverlapError:
        raise
    except Exception as error:  # noqa: BLE001 - one sentence, no traceback
        raise OverlapError(
            f"The report's charts could not be drawn ({type(error).__name__})."
        ) from None


# --------------------------------------------------------------------------- the page

CSS = """
@page { size: Letter; margin: 16mm 14mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1f2937;
       font-size: 10.5pt; line-height: 1.4; max-width: 960px; margin: 0 auto; }
h1 { font-size: 20pt; margin: 0 0 2px; } h2 { font-size: 13.5pt; margin: 18px 0 6px;
     border-bottom: 1px solid #d1d5db; padding-bottom: 2px; }
.sub { color: #6b7280; margin: 0 0 12px; }
.numbers { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; }
.number { border: 1px solid #e5e7eb; border-radius: 6px; padding: 6px 8px; break-inside: avoid; }
.number .label { color: #4b5563; font-size: 9pt; overflow-wrap: anywhere; }
.number .value { font-size: 15pt; font-weight: 600; }
figure { margin: 6px 0 10px; break-inside: avoid; } figure svg { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; break-inside: auto; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 3px 6px; text-align: right; }
th { overflow-wrap: anywhere; font-weight: 600; vertical-align: bottom; }
th:first-child, td:first-child { text-align: left; white-space: nowrap; }
thead th { background: #f3f4f6; } tr { break-inside: avoid; }
.note { color: #6b7280; font-size: 9pt; }
h2 { break-after: avoid; }
"""


def _table(frame: pd.DataFrame) -> str:
    """A small HTML table (values escaped)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _counts_table(frame: pd.DataFrame, columns: list[str], suppress: bool) -> pd.DataFrame:
    shown = frame.copy()
    for column in columns:
        shown[column] = [_count(int(v), suppress) for v in shown[column]]
    return shown


def _matching_section(data: ReportData, suppress: bool) -> str:
    strict = data.strictness or "as chosen"
    threshold = (
        f" (records joined when the model gives at least {data.threshold:.0%} that they are "
        "the same person)"
        if data.threshold is not None
        else ""
    )
    dups = data.duplicates.rename(
        columns={"programme": "programme", "duplicates": "repeats inside the roster"}
    )
    dups = _counts_table(dups, ["records", "people", "repeats inside the roster"], suppress)
    quality = data.completeness.copy()
    for label in QUALITY_LABELS:
        quality[label] = [f"{v:.0f}%" for v in quality[label]]
    return (
        "<section><h2>What was matched, and how strictly</h2>"
        f"<p>Records were matched person to person on names, dates of birth, addresses, "
        f"phones and emails, allowing for typos, nicknames and different spellings. "
        f"Strictness: <b>{html.escape(strict)}</b>{threshold}.</p>"
        f"{_table(dups)}<p class='note'>Share of each roster's records with each detail:</p>"
        f"{_table(quality)}</section>"
    )


def _reach_section(data: ReportData, svgs: dict, suppress: bool) -> str:
    parts = []
    if "map" in svgs:
        parts.append(f"<figure>{svgs['map']}</figure>")
    if data.reach is not None:
        known, not_given = charts.set_aside_unknown(data.reach)
        top = known.sort_values(["union", "group"], ascending=[False, True]).head(RANKED_AREAS)
        table = top.rename(
            columns={"group": data.reach_column, "union": "reached", "shared": "shared by 2+"}
        )
        counts = [c for c in table.columns if c != data.reach_column]
        parts.append(_table(_counts_table(table, counts, suppress)))
        if not_given:
            parts.append(
                f"<p class='note'>{_count(not_given, suppress)} people have no "
                f"{html.escape(data.reach_column)} on file: counted apart, not ranked.</p>"
            )
    if not parts:
        return ""
    partners = ", ".join(html.escape(p) for p in data.partners)
    return (
        "<section><h2>Where a joint initiative reaches the most people</h2>"
        f"<p>Partners: {partners}. “New to P” counts people the other partners serve "
        f"there whom P does not serve yet.</p>{''.join(parts)}</section>"
    )


def report_html(data: ReportData, suppress: bool = True, svgs: dict | None = None) -> str:
    """The report as one self-contained HTML page (styles and charts inline, no link out).

    Args:
        data: from ``report_data``.
        suppress: hide counts from 1 to 10 (on by default: the report is for sharing).
        svgs: the charts already drawn (``render_svgs(figures(data))``); drawn when not given.

    Returns:
        The HTML text.
    """
    if svgs is None:
        svgs = render_svgs(figures(data, suppress))
    numbers = "".join(
        f"<div class='number'><div class='label'>{html.escape(label)}</div>"
        f"<div class='value'>{html.escape(value)}</div></div>"
        for label, value in _headline(data, suppress)
    )
    overlap = "".join(
        f"<figure>{svgs[name]}</figure>" for name in ("venn", "upset", "heatmap") if name in svgs
    )
    hidden = (
        f"Counts from 1 to {analyse.SMALL_CELL_THRESHOLD - 1} are hidden (“fewer than 11”, “<11”)"
        " so no small group of people can be singled out."
        if suppress
        else "Small counts are shown: share this report only with the partners."
    )
    programmes = ", ".join(html.escape(p) for p in data.summary["programmes"])
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(data.title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{html.escape(data.title)}</h1>"
        f"<p class='sub'>Overlap report of {html.escape(data.created)} — {programmes}. "
        "Counts of people only: no name, address, phone or email is in this report.</p>"
        f"<section><h2>At a glance</h2><div class='numbers'>{numbers}</div>"
        + (
            "<p class='note'>Ranges in brackets: how far each count could move with the "
            "matches the model was least sure of.</p>"
            if "union_people_low" in data.summary
            else ""
        )
        + f"</section><section><h2>How the programmes overlap</h2>{overlap}</section>"
        + _reach_section(data, svgs, suppress)
        + _matching_section(data, suppress)
        + f"<p class='note'>{hidden} Made by Overlap.</p></body></html>"
    )


def report_pdf(page: str) -> bytes:
    """Print the report's HTML to PDF with the installed Chromium (nothing fetched).

    Raises:
        OverlapError: Chromium is missing or did not print.
    """
    _need_chromium("A PDF report needs", ", set OVERLAP_CHROMIUM, or ask for .html.")
    with tempfile.TemporaryDirectory(prefix="overlap-report-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(page, encoding="utf-8")  # counts only: no personal data
        command = [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=180, check=False)
        except subprocess.TimeoutExpired:
            raise OverlapError("Chromium took too long to print the report.") from None
        if not target.is_file() or target.stat().st_size == 0:
            raise OverlapError("Chromium could not print the report to PDF.")
        return target.read_bytes()


def write_report(data: ReportData, path: str | Path, suppress: bool = True) -> Path:
    """Write the report as ``.html`` or ``.pdf``, chosen by the file's extension.

    Raises:
        OverlapError: another extension, or Chromium could not draw or print.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".html", ".pdf"):
        raise OverlapError(f"Cannot write a report to {target.name}: use .pdf or .html.")
    page = report_html(data, suppress)
    target.write_bytes(page.encode("utf-8") if suffix == ".html" else report_pdf(page))
    return target
