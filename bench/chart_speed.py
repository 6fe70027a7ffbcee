"""Dashboard chart speed: what a page re-runs on each chart change, at 100k records.

    python bench/chart_speed.py [--rows-each N] [--files K] [--repeat R] [--seed S]

Streamlit re-runs the whole page script on every widget change, so a "chart
change" costs everything the page computes, not only the chart that changed.
This bench times, on one realistic match result (``scripts/synth.make_rosters``
rosters matched once with ``overlap.pipeline.match_files``; the matching is not
timed and is cached under bench/out/chart_speed/):

* each function a page calls for each control (exclusive/inclusive switch,
  programmes for the Venn, group by ZIP / city / an attribute, reach ranking,
  suppression on/off), analyse + figure construction + ``plotly.io.to_json(fig,
  validate=False)``, which is exactly how Streamlit 1.67 serialises a figure
  (``st.plotly_chart`` -> ``plotly_chart_proto.spec``);
* the whole analysis + figures of one Overlap page and one Reach page rerun
  (everything but Streamlit's own widgets and table rendering).

Medians of ``--repeat`` runs, wall and CPU time; target 200 ms wall each.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import plotly.io as pio  # noqa: E402

from overlap import analyse, charts  # noqa: E402

OUT = ROOT / "bench" / "out" / "chart_speed"
TARGET_MS = 200.0


def match_result(files: int, rows_each: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Records and attributes of a matched set of generated rosters (cached on disk)."""
    cache = OUT / f"result-{files}x{rows_each}-seed{seed}.pkl"
    if cache.exists():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    from overlap.pipeline import match_files
    from scripts.synth import make_rosters

    OUT.mkdir(parents=True, exist_ok=True)
    frames, _truth = make_rosters(files, rows_each, seed)
    paths = []
    for i, frame in enumerate(frames):
        path = OUT / f"roster_{i + 1}-{rows_each}-seed{seed}.csv"
        frame.to_csv(path, index=False)
        paths.append(path)
    started = time.perf_counter()
    result = match_files(paths, names=[f"Programme {chr(65 + i)}" for i in range(files)])
    print(
        f"(matched {len(result.records):,} records once in {time.perf_counter() - started:.1f} s)"
    )
    data = (result.records, result.attributes)
    with cache.open("wb") as fh:
        pickle.dump(data, fh)
    return data


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU time of ``fn`` in milliseconds (one warm-up run first).

    CPU time is shown beside wall time because the machine may be shared: wall
    time then includes waiting for a core.
    """
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def to_json(fig) -> str:
    """As ``st.plotly_chart`` serialises a figure."""
    return pio.to_json(fig, validate=False)


def group_options(records: pd.DataFrame, attributes: pd.DataFrame) -> dict[str, str]:
    """What ``ui.common.group_columns`` offers (copied: ui/ imports streamlit)."""
    options: dict[str, str] = {}
    for column, label in {"zip": "ZIP code", "city": "City", "state": "State"}.items():
        if column in records.columns and (records[column].astype(str) != "").any():
            options[label] = column
    for column in attributes.columns:
        if column in options.values():
            continue
        if (attributes[column].astype(str).str.strip() != "").any():
            options[str(column)] = column
    return options


def overlap_page(records, attributes, mode, suppress, venn_of, group) -> None:
    """Everything pages/shared_people.py computes on one rerun (no Streamlit)."""
    membership = analyse.person_programmes(records)
    summary = analyse.overlap_summary(records)
    programmes = list(membership.columns)
    int((membership.sum(axis=1) >= 2).sum())
    analyse.duplicates_within(records)
    chosen = membership[venn_of]
    to_json(charts.venn_figure(chosen[chosen.any(axis=1)], suppress=suppress))
    to_json(charts.upset_figure(membership, mode=mode, suppress=suppress))
    to_json(charts.heatmap_figure(membership, suppress=suppress))
    pd.DataFrame(summary["pairwise"])
    if mode == "exclusive":
        analyse.exclusive_intersections(membership)
    else:
        analyse.inclusive_intersections(membership)
    by_zip = analyse.overlap_by_group(records, "zip")
    to_json(charts.zip_bubble_map(by_zip, value="shared", suppress=suppress))
    options = group_options(records, attributes)
    table = analyse.overlap_by_group(records, options[group], attributes)
    to_json(charts.bar_by_group(table, programmes, suppress=suppress))
    if suppress:
        analyse.suppress_small_counts(table)


def reach_page(records, attributes, partners, group, suppress) -> None:
    """Everything pages/reach.py computes on one rerun (no Streamlit)."""
    membership = analyse.person_programmes(records)
    options = group_options(records, attributes)
    ranked = analyse.reach_ranking(records, options[group], partners, attributes)
    ranked = ranked.sort_values(
        ["union", "group"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    to_json(charts.reach_bar(ranked, top=15, suppress=suppress))
    if options[group] == "zip":
        to_json(charts.zip_bubble_map(ranked, value="union", suppress=suppress))
    if suppress:
        analyse.suppress_small_counts(ranked, [c for c in ranked.columns if c != "group"])
    chosen = membership[partners]
    [analyse.untapped(chosen, a, b) for a in partners for b in partners if a != b]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--rows-each", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    records, attributes = match_result(args.files, args.rows_each, args.seed)
    membership = analyse.person_programmes(records)
    programmes = list(membership.columns)
    options = group_options(records, attributes)
    attribute = next((c for c in options.values() if c not in ("zip", "city", "state")), None)
    print(
        f"{len(records):,} records, {len(membership):,} people, {len(programmes)} programmes; "
        f"group columns: {', '.join(options.values())}"
    )
    venn_of = programmes[:3]
    label_of = {v: k for k, v in options.items()}
    r = args.repeat

    actions: list[tuple[str, Callable[[], object]]] = [
        ("person_programmes (membership)", lambda: analyse.person_programmes(records)),
        ("overlap_summary", lambda: analyse.overlap_summary(records)),
        ("duplicates_within", lambda: analyse.duplicates_within(records)),
        ("exclusive_intersections", lambda: analyse.exclusive_intersections(membership)),
        ("inclusive_intersections", lambda: analyse.inclusive_intersections(membership)),
    ]
    for mode in ("exclusive", "inclusive"):
        for suppress in (False, True):
            actions.append(
                (
                    f"UpSet {mode}{' suppressed' if suppress else ''} + json",
                    lambda m=mode, s=suppress: to_json(
                        charts.upset_figure(membership, mode=m, suppress=s)
                    ),
                )
            )

    def venn(suppress: bool):
        chosen = membership[venn_of]
        return to_json(charts.venn_figure(chosen[chosen.any(axis=1)], suppress=suppress))

    actions += [
        ("Venn of 3 chosen + json", lambda: venn(False)),
        ("Venn of 3 chosen suppressed + json", lambda: venn(True)),
        ("heatmap + json", lambda: to_json(charts.heatmap_figure(membership))),
    ]
    for column in dict.fromkeys(["zip", "city", attribute]):
        if column is None or column not in options.values():
            continue
        actions.append(
            (
                f"overlap_by_group {column}",
                lambda c=column: analyse.overlap_by_group(records, c, attributes),
            )
        )
        actions.append(
            (
                f"group by {column}: table + bars + json",
                lambda c=column: to_json(
                    charts.bar_by_group(
                        analyse.overlap_by_group(records, c, attributes), programmes
                    )
                ),
            )
        )
        actions.append(
            (
                f"reach_ranking {column}, all partners",
                lambda c=column: analyse.reach_ranking(records, c, None, attributes),
            )
        )
        actions.append(
            (
                f"reach by {column}: ranking + bar + json",
                lambda c=column: to_json(
                    charts.reach_bar(analyse.reach_ranking(records, c, programmes[:2], attributes))
                ),
            )
        )
    by_zip = analyse.overlap_by_group(records, "zip")
    actions += [
        ("ZIP map (shared) + json", lambda: to_json(charts.zip_bubble_map(by_zip, "shared"))),
        (
            "ZIP map suppressed + json",
            lambda: to_json(charts.zip_bubble_map(by_zip, "shared", suppress=True)),
        ),
        ("suppress_small_counts (ZIP table)", lambda: analyse.suppress_small_counts(by_zip)),
        ("group_columns (page helper)", lambda: group_options(records, attributes)),
    ]
    for mode in ("exclusive", "inclusive"):
        for suppress in (False, True):
            actions.append(
                (
                    f"Overlap page rerun ({mode}, suppress {'on' if suppress else 'off'})",
                    lambda m=mode, s=suppress: overlap_page(
                        records, attributes, m, s, venn_of, label_of.get(attribute, "City")
                    ),
                )
            )

    def first_rerun() -> None:
        """The first Overlap page after a match: nothing derived yet for these records."""
        analyse._MEMO.clear()
        overlap_page(
            records, attributes, "exclusive", False, venn_of, label_of.get(attribute, "City")
        )

    actions.append(("Overlap page, first run after a match (no memo)", first_rerun))
    for column in dict.fromkeys(["zip", "city", attribute]):
        if column is None or column not in options.values():
            continue
        actions.append(
            (
                f"Reach page rerun (by {column})",
                lambda c=column: reach_page(records, attributes, programmes, label_of[c], False),
            )
        )

    width = max(len(a) for a, _ in actions)
    print(f"{'action':<{width}}  {'ms':>8}  {'cpu ms':>8}  {'target':>6}  result")
    failures = 0
    for name, fn in actions:
        ms, cpu_ms = timed(fn, r)
        ok = ms < TARGET_MS
        failures += not ok
        print(
            f"{name:<{width}}  {ms:8.1f}  {cpu_ms:8.1f}  {TARGET_MS:6.0f}  {'pass' if ok else 'FAIL'}"
        )
    print(
        f"{len(actions) - failures}/{len(actions)} under {TARGET_MS:.0f} ms wall (median of {r}); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
