"""Fuzz roster ingestion (and mapping + normalising of what it reads) with atheris.

    python bench/fuzz_ingest.py [--seconds 60] [--max-len 65536] [--out DIR] [--keep-corpus]

Every input is (extension, mapping mode, file bytes): the bytes are read by
``overlap.ingest.read_roster`` under a name with one of the accepted
extensions (.csv .tsv .txt .xlsx .xls .ods). ``RosterError`` is the one
allowed answer; any other exception is a finding. Whatever ingests then goes
through ``guess_mapping``, ``apply_mapping`` and ``normalise_fields``, once
with the guessed mapping and, in the other mode, with every column mapped to
some canonical field (so every normaliser sees arbitrary text); there any
exception at all is a finding.

The corpus starts from small valid files of every format written by
``tests/filegen.py`` (with the real writers), plus a few awkward ones. A
custom mutator opens ZIP-based workbooks (.xlsx, .ods) and mutates one XML
member before zipping them again, so the fuzzer reaches the spreadsheet
readers instead of failing at the ZIP checksum; other inputs get libFuzzer's
byte mutations.

Findings do not stop the run: each distinct one (exception type + the
innermost frame in ``overlap/``) is printed once, counted, and its input is
saved under ``--out`` (default bench/out/fuzz/). Inputs are made-up people
mutated at random: no real data. The run ends after ``--seconds``; the
summary goes to stdout and ``summary.json``.
This is a benchmark script, not a test: the machine is shared, keep runs short.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import atheris  # noqa: E402

with atheris.instrument_imports(include=["overlap"]):
    from overlap.errors import RosterError  # noqa: E402
    from overlap.ingest import IngestLimits, read_roster  # noqa: E402
    from overlap.mapping import CANONICAL_FIELDS, apply_mapping, guess_mapping  # noqa: E402
    from overlap.normalise import normalise_fields  # noqa: E402

EXTENSIONS = [".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods"]
MODES = ["guessed", "every column a field"]
LIMITS = IngestLimits(max_bytes=8 * 1024 * 1024, max_rows=50_000)  # keep each input cheap
OUT = ROOT / "bench" / "out" / "fuzz"


# ---------------------------------------------------------------------------
# Inputs: [extension byte][mode byte][file bytes]


def encode_input(extension: str, mode: int, data: bytes) -> bytes:
    return bytes([EXTENSIONS.index(extension), mode]) + data


def decode_input(blob: bytes) -> tuple[str, int, bytes]:
    if len(blob) < 2:
        return ".csv", 0, blob
    return EXTENSIONS[blob[0] % len(EXTENSIONS)], blob[1] % len(MODES), blob[2:]


def seed_files(folder: Path) -> dict[str, tuple[str, bytes]]:
    """Small valid (and a few awkward) files of every format: name -> (extension, bytes)."""
    import filegen

    rows = [filegen.HEADER] + filegen.people_rows(6)
    typed = [filegen.HEADER] + [
        [first, last, dt.date.fromisoformat(dob), int(zip_code), phone, email]
        for first, last, dob, zip_code, phone, email in filegen.people_rows(6)
    ]
    seeds: dict[str, tuple[str, bytes]] = {
        "comma": (".csv", filegen.text_bytes(rows)),
        "tab": (".tsv", filegen.text_bytes(rows, delimiter="\t")),
        "semicolon": (".txt", filegen.text_bytes(rows, delimiter=";", line_ending="\r\n")),
        "pipe": (".txt", filegen.text_bytes(rows, delimiter="|")),
        "bom": (".csv", filegen.text_bytes(rows, bom=True)),
        "cp1252": (".csv", filegen.text_bytes(rows, encoding="cp1252")),
        "titles_ragged": (
            ".csv",
            b"Client list 2026\n\n" + filegen.text_bytes(rows) + b"Ana,Ruiz,x,y,z,w,extra\n",
        ),
        "quoted_newline": (".csv", b'Name,Address\n"Ana Ruiz","12 Main St\nApt 3"\n'),
    }
    utf16 = filegen.excel_unicode_text(folder / "u16.txt", rows).read_bytes()
    seeds["utf16"] = (".txt", utf16)
    seeds["xlsx"] = (".xlsx", filegen.write_xlsx(folder / "a.xlsx", {"People": typed}).read_bytes())
    seeds["xlsx_awkward"] = (
        ".xlsx",
        filegen.write_xlsx(
            folder / "b.xlsx",
            {"Title": [["Report"]], "People": [["Roster"], *typed]},
            hidden_rows=[("People", 2)],
            merged=[("People", 3, 3, 4, 3, "02139")],
        ).read_bytes(),
    )
    seeds["xlsx_formula"] = (
        ".xlsx",
        filegen.write_xlsx_openpyxl(
            folder / "c.xlsx", [*rows[:3], ["x", filegen.Formula('=HYPERLINK("a","b")')]]
        ).read_bytes(),
    )
    seeds["xls"] = (".xls", filegen.write_xls(folder / "a.xls", {"People": typed}).read_bytes())
    seeds["ods"] = (".ods", filegen.write_ods(folder / "a.ods", {"People": rows}).read_bytes())
    return seeds


# ---------------------------------------------------------------------------
# The target


class Findings:
    """Distinct unexpected exceptions, each printed and saved once."""

    def __init__(self, out: Path):
        self.out = out
        self.seen: dict[str, dict] = {}
        self.inputs = 0
        self.ingested = 0
        self.refused = 0

    def record(self, stage: str, exc: BaseException, blob: bytes) -> None:
        frames = traceback.extract_tb(exc.__traceback__)
        ours = [f for f in frames if "/overlap/" in f.filename] or frames[-1:]
        where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno} {ours[-1].name}" if ours else "?"
        innermost = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
        key = f"{stage} {type(exc).__name__} at {where}"
        if key in self.seen:
            self.seen[key]["count"] += 1
            return
        digest = hashlib.sha1(blob).hexdigest()[:12]
        path = self.out / f"finding-{digest}.bin"
        path.write_bytes(blob)
        extension, mode, _ = decode_input(blob)
        self.seen[key] = {
            "stage": stage,
            "type": type(exc).__name__,
            "where": where,
            "raised_in": innermost,
            "extension": extension,
            "mode": MODES[mode],
            "input": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
            "count": 1,
        }
        print(f"\nFINDING {key} (raised in {innermost}); input {path}", file=sys.stderr)
        traceback.print_exception(exc, file=sys.stderr, limit=-6)
        self.write_summary()

    def write_summary(self, seconds: float | None = None) -> dict:
        summary = {
            "inputs": self.inputs,
            "ingested": self.ingested,
            "refused_with_roster_error": self.refused,
            "seconds": seconds,
            "findings": list(self.seen.values()),
        }
        (self.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        return summary


FINDINGS: Findings | None = None


def every_column_mapping(columns: list[str], shift: int) -> dict[str, str]:
    """Each column to some canonical field, so every normaliser meets arbitrary text."""
    return {c: CANONICAL_FIELDS[(i + shift) % len(CANONICAL_FIELDS)] for i, c in enumerate(columns)}


def check_one(blob: bytes) -> None:
    """Read, map and normalise one input; record anything but a RosterError."""
    findings = FINDINGS
    extension, mode, data = decode_input(blob)
    findings.inputs += 1
    try:
        roster = read_roster(data, name=f"fuzz{extension}", limits=LIMITS)
    except RosterError:
        findings.refused += 1
        return
    except Exception as exc:  # noqa: BLE001 - anything else is what we are looking for
        findings.record("read_roster", exc, blob)
        return
    findings.ingested += 1
    stage = "guess_mapping"
    try:
        mapping = guess_mapping(roster.frame).mapping
        if mode == 1:
            mapping = every_column_mapping(list(roster.frame.columns), len(data))
        stage = "apply_mapping"
        mapped = apply_mapping(roster, mapping)
        stage = "normalise_fields"
        normalise_fields(mapped.fields)
    except Exception as exc:  # noqa: BLE001
        findings.record(stage, exc, blob)


# ---------------------------------------------------------------------------
# Structure-aware mutation for ZIP-based workbooks


def custom_mutator(blob: bytes, max_size: int, seed: int) -> bytes:
    """Half the time mutate one member of a ZIP workbook and zip it again; else bytes."""
    rng = random.Random(seed)
    extension, mode, data = decode_input(blob)
    if rng.random() < 0.05:  # sometimes the same bytes under another name or mode
        return encode_input(rng.choice(EXTENSIONS), rng.randrange(len(MODES)), data)
    if data.startswith(b"PK\x03\x04") and rng.random() < 0.5:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [(info.filename, archive.read(info)) for info in archive.infolist()]
        except Exception:  # noqa: BLE001 - a mutated archive may no longer open
            members = None
        if members:
            xml = [i for i, (name, _) in enumerate(members) if name.endswith(".xml")]
            i = rng.choice(xml or range(len(members)))
            name, content = members[i]
            content = atheris.Mutate(content, max(len(content) * 2, 64))
            members[i] = (name, content)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for member_name, member in members:
                    archive.writestr(member_name, member)
            rezipped = buffer.getvalue()
            if len(rezipped) + 2 <= max_size:
                return encode_input(extension, mode, rezipped)
    return atheris.Mutate(blob, max_size)


# ---------------------------------------------------------------------------
# Main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="total fuzzing time (default 60)")
    parser.add_argument("--max-len", type=int, default=65536, help="largest input in bytes")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for findings and summary")
    parser.add_argument("--keep-corpus", action="store_true", help="keep the grown corpus in OUT")
    parser.add_argument("--seed", type=int, default=1, help="libFuzzer random seed")
    args = parser.parse_args()

    global FINDINGS
    args.out.mkdir(parents=True, exist_ok=True)
    FINDINGS = Findings(args.out)
    work = Path(tempfile.mkdtemp(prefix="overlap-fuzz-"))
    corpus = args.out / "corpus" if args.keep_corpus else work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    seeds = seed_files(work)
    for label, (extension, data) in seeds.items():
        for mode in range(len(MODES)):
            (corpus / f"seed-{label}-{mode}").write_bytes(encode_input(extension, mode, data))
    started = time.perf_counter()
    # Seeds first, outside libFuzzer: a valid file that fails is the plainest finding.
    for path in sorted(corpus.iterdir()):
        check_one(path.read_bytes())
    print(
        f"fuzz: {len(seeds)} seed files x {len(MODES)} modes checked, "
        f"{len(FINDINGS.seen)} finding(s); fuzzing for {args.seconds} s",
        file=sys.stderr,
    )

    def report() -> None:
        summary = FINDINGS.write_summary(round(time.perf_counter() - started, 1))
        print(json.dumps({k: v for k, v in summary.items() if k != "findings"}))
        for finding in summary["findings"]:
            print(
                f"FINDING x{finding['count']}: {finding['stage']} {finding['type']} at "
                f"{finding['where']} (raised in {finding['raised_in']}; "
                f"{finding['extension']}, {finding['mode']}) -> {finding['input']}"
            )
        if not summary["findings"]:
            print("no findings")
        sys.stdout.flush()
        if not args.keep_corpus:
            shutil.rmtree(work, ignore_errors=True)

    libfuzzer_args = [
        sys.argv[0],
        f"-max_total_time={args.seconds + 120}",  # a backstop: the target ends the run
        f"-max_len={args.max_len}",
        f"-seed={args.seed}",
        "-timeout=60",  # one input taking a minute is a finding (a hang)
        "-rss_limit_mb=4096",  # and so is one taking gigabytes
        "-print_final_stats=1",
        str(corpus),
    ]

    def target(blob: bytes) -> None:
        check_one(blob)
        # libFuzzer ends a run with C exit(), past Python's atexit: end it here instead.
        if time.perf_counter() - started > args.seconds:
            report()
            os._exit(0)

    atheris.Setup(libfuzzer_args, target, custom_mutator=custom_mutator)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
