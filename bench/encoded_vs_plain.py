"""Encoded (privacy-preserving) matching against plain matching of the same files, pair by pair.

    python bench/encoded_vs_plain.py [--dataset NAME[,NAME...]]
    python bench/accuracy.py --encoded-vs-plain [--dataset ...]   # the same

For each data set: ``overlap match`` on the plain files (a child process, as
a user runs it), then each roster encoded as ``overlap encode`` does
(``overlap.privacy.encode_file``, one shared secret) and the encodings
matched with the shipped pair model and with the model fitted on the
encodings (``match_encoded(pair_model=...)``). For every pair of rosters:
people both serve by plain matching, by each encoded model, and the
difference; per model cross-roster precision, recall and F1 against the
truth; and **recall at equal precision**: the scored pairs re-clustered at
a ladder of thresholds, the best cross-roster recall whose precision is at
least plain matching's (so a model is not judged by where its 0.5 falls).
Prints counts and scores only, never a roster value. Writes
``bench/out/encoded_vs_plain.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench import datasets  # noqa: E402
from bench.metrics import pairwise_scores  # noqa: E402
from bench.tools import run_overlap  # noqa: E402

OUT = ROOT / "bench" / "out"
SECRET = b"bench-shared-secret"
MODELS = ("shipped", "fitted")
LADDER = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)


def shared_per_pair(person: pd.Series, programme: pd.Series) -> dict[tuple[str, str], int]:
    """People each pair of programmes both serve (a person = a distinct id)."""
    seen = pd.DataFrame({"p": person.astype(str), "g": programme}).drop_duplicates()
    progs = list(dict.fromkeys(programme))
    sets = {g: set(seen.loc[seen["g"] == g, "p"]) for g in progs}
    return {
        (a, b): len(sets[a] & sets[b]) for i, a in enumerate(progs) for b in progs[i + 1 :]
    }


def _encoded_rows(result, keymaps: dict[str, pd.DataFrame]) -> pd.Series:
    """The roster row of each encoded record, through its owner's key file (as owners do)."""
    rows = np.zeros(len(result.records), dtype=np.int64)
    for programme, key in keymaps.items():
        mine = (result.records["programme"] == programme).to_numpy()
        lookup = pd.Series(key["row"].to_numpy(), index=key["id"].astype(str))
        rows[mine] = lookup.loc[result.records.loc[mine, "row"].astype(str)].to_numpy()
    return pd.Series(rows)


def _cross(person, truth, programme) -> tuple[float, float, float]:
    pw = pairwise_scores(person, truth, programme)
    return pw.cross.precision, pw.cross.recall, pw.cross.f1


def recall_at_precision(result, truth_by_rid, programme_codes, precision: float) -> dict:
    """Best cross recall over the threshold ladder with cross precision >= ``precision``."""
    from overlap.cluster import cluster_records

    best = {"threshold": None, "recall": None, "precision": None}
    for t in LADDER:
        person = cluster_records(
            len(truth_by_rid), result.pairs, t, programme_codes=programme_codes
        )
        p, r, _ = _cross(pd.Series(person), truth_by_rid, pd.Series(programme_codes))
        if p >= precision - 1e-12 and (best["recall"] is None or r > best["recall"]):
            best = {"threshold": t, "recall": r, "precision": p}
    return best


def compare(name: str) -> dict:
    """Plain and encoded (each model) on one data set: per pair counts, scores, recall at P."""
    from overlap.privacy import encode_file, match_encoded

    ds = datasets.load(name)
    plain_run = run_overlap(ds, OUT / "runs" / name / "overlap")
    if not plain_run.ok:
        return {"dataset": name, "error": plain_run.error}
    plain = ds.truth.merge(plain_run.records, on=["programme", "row"], how="left")
    plain["person_id"] = plain["person_id"].fillna("missing").astype(str)
    plain_shared = shared_per_pair(plain["person_id"], plain["programme"])
    truth_shared = shared_per_pair(ds.truth["true_id"], ds.truth["programme"])
    plain_p, plain_r, plain_f1 = _cross(plain["person_id"], plain["true_id"], plain["programme"])
    encoded, keymaps = [], {}
    for path, programme in zip(ds.files, ds.programmes, strict=True):
        enc, keymap, _ = encode_file(path, SECRET, name=programme)
        encoded.append(enc)
        keymaps[programme] = keymap.frame
    out = {
        "dataset": name,
        "plain": {"precision": plain_p, "recall": plain_r, "f1": plain_f1},
        "pairs": [
            {"a": a, "b": b, "true": truth_shared[(a, b)], "plain": n}
            for (a, b), n in plain_shared.items()
        ],
    }
    truth_index = ds.truth.set_index(["programme", "row"])["true_id"].astype(str)
    for model in MODELS:
        t0 = time.perf_counter()
        result = match_encoded(encoded, names=ds.programmes, pair_model=model)
        seconds = time.perf_counter() - t0
        rows = _encoded_rows(result, keymaps)
        programme = result.records["programme"]
        truth = pd.Series(truth_index.loc[list(zip(programme, rows, strict=True))].to_numpy())
        person = result.records["person_id"].astype(str).reset_index(drop=True)
        p, r, f1 = _cross(person, truth, programme.reset_index(drop=True))
        shared = shared_per_pair(person, programme.reset_index(drop=True))
        codes = pd.factorize(programme)[0]
        used = next(s for s in result.stats if s["stage"] == "compare")["pair_model"]
        out[model] = {
            "precision": p,
            "recall": r,
            "f1": f1,
            "seconds": round(seconds, 1),
            "model_used": used,
            "at_plain_precision": recall_at_precision(result, truth, codes, plain_p),
        }
        for row in out["pairs"]:
            row[model] = shared[(row["a"], row["b"])]
    return out


def _pct(enc: int, plain: int) -> str:
    return f"{(enc - plain) / plain:+.2%}" if plain else "–"


def markdown(results: list[dict]) -> str:
    """Two tables: per data set scores, and per pair of rosters the shared-people counts."""
    lines = [
        "| dataset | plain P / R / F1 | encoded shipped P / R / F1 | encoded fitted P / R / F1 "
        "| R at plain's P: shipped | R at plain's P: fitted | worst pair: shipped | worst pair: fitted |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['dataset']} | failed: {r['error']} |" + " |" * 6)
            continue

        def prf(s):
            return f"{s['precision']:.4f} / {s['recall']:.4f} / {s['f1']:.4f}"

        def at(s):
            a = s["at_plain_precision"]
            return "–" if a["recall"] is None else f"{a['recall']:.4f} (t {a['threshold']})"

        def worst(model, pairs=r["pairs"]):
            diffs = [abs(p[model] - p["plain"]) / p["plain"] for p in pairs if p["plain"]]
            return f"{max(diffs):.2%}" if diffs else "–"

        lines.append(
            f"| {r['dataset']} | {prf(r['plain'])} | {prf(r['shipped'])} | {prf(r['fitted'])} "
            f"| {at(r['shipped'])} | {at(r['fitted'])} | {worst('shipped')} | {worst('fitted')} |"
        )
    lines += [
        "",
        "| dataset | rosters | true shared | plain | encoded shipped | diff | encoded fitted | diff |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for p in r.get("pairs", []):
            lines.append(
                f"| {r['dataset']} | {p['a']} & {p['b']} | {p['true']} | {p['plain']} "
                f"| {p['shipped']} | {_pct(p['shipped'], p['plain'])} "
                f"| {p['fitted']} | {_pct(p['fitted'], p['plain'])} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Encoded vs plain matching, pair by pair.")
    parser.add_argument("--dataset", action="append", help="data set(s), comma-separated")
    parser.add_argument("--out", type=Path, default=OUT / "encoded_vs_plain.md")
    args = parser.parse_args(argv)
    names = [n for arg in (args.dataset or datasets.DEFAULT_DATASETS) for n in arg.split(",") if n]
    results = []
    for name in names:
        try:
            results.append(compare(name))
        except (FileNotFoundError, ImportError) as exc:
            print(f"skip {name}: {exc}", file=sys.stderr)
            continue
        print(f"{name}: done", file=sys.stderr, flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(results) + "\n")
        args.out.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
