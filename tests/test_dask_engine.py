"""The Dask engine gives exactly the local engine's persons, on a real two-worker LocalCluster.

One session-scoped cluster (two single-threaded worker processes) serves
every test; each engine runs once on the samples. The local engine must
never import Dask: checked in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.*"))

pytestmark = pytest.mark.xdist_group("dask")


@pytest.fixture(scope="session")
def dask_scheduler():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def local_result():
    from overlap.pipeline import match_files

    return match_files(SAMPLES)


@pytest.fixture(scope="module")
def dask_result(dask_scheduler):
    from overlap.dask_engine import DaskEngine
    from overlap.pipeline import match_files

    stages = []
    result = match_files(
        SAMPLES,
        progress=lambda stage, info: stages.append(stage),
        engine=DaskEngine(dask_scheduler),
    )
    result.stats.append({"stage": "_progress", "stages": stages})
    return result


def same_partition(a, b) -> bool:
    """Whether two labelings put the records into the same groups (labels may differ)."""
    a, b = np.asarray(a), np.asarray(b)
    combos = pd.DataFrame({"a": a, "b": b}).drop_duplicates()
    return len(combos) == len(np.unique(a)) == len(np.unique(b))


def test_same_partition_helper_can_fail():
    assert same_partition([0, 0, 1], [5, 5, 2])
    assert not same_partition([0, 0, 1], [0, 1, 1])
    assert not same_partition([0, 1, 2], [0, 0, 2])


def test_dask_engine_finds_exactly_the_local_persons(local_result, dask_result):
    assert len(SAMPLES) >= 3
    local, dask = local_result.records, dask_result.records
    assert len(local) == len(dask) > 1000
    pd.testing.assert_frame_equal(local.drop(columns="person_id"), dask.drop(columns="person_id"))
    assert local["person_id"].nunique() < len(local)  # the samples do share people
    assert same_partition(local["person_id"], dask["person_id"])
    # people are numbered by their first record in both engines
    assert np.array_equal(local["person_id"].to_numpy(), dask["person_id"].to_numpy())
    pd.testing.assert_frame_equal(local_result.attributes, dask_result.attributes)


def test_dask_engine_scores_the_same_pairs_with_the_same_model(local_result, dask_result):
    pd.testing.assert_frame_equal(local_result.pairs, dask_result.pairs)
    assert local_result.model.prior == dask_result.model.prior
    for name, m in local_result.model.m.items():
        assert np.array_equal(m, dask_result.model.m[name]), name
        assert np.array_equal(local_result.model.u[name], dask_result.model.u[name]), name
    assert local_result.model.stats == dask_result.model.stats
    stages = dask_result.stats[-1]["stages"]
    assert stages == ["read", "normalise", "block", "compare", "model", "score", "cluster"]
    local_block = next(s for s in local_result.stats if s["stage"] == "block")
    dask_block = next(s for s in dask_result.stats if s["stage"] == "block")
    assert dask_block["candidate_pairs"] == local_block["candidate_pairs"]
    assert dask_block["rules"] == local_block["rules"]
    assert dask_block["skipped_blocks"] == local_block["skipped_blocks"]


def test_decisions_and_a_records_frame_give_the_same_persons(
    local_result, dask_scheduler, monkeypatch
):
    """User decisions (a split and a forced merge) go through the distributed clustering alike.

    Small pair slices here, so ranges are cut into several compare/score tasks.
    """
    from overlap import dask_engine, pipeline

    monkeypatch.setattr(dask_engine, "PAIRS_PER_TASK", 10_000)
    records = local_result.records.drop(columns=["person_id", "rid"])
    links = local_result.links
    programme = local_result.records["programme"].to_numpy()
    row = local_result.records["row"].to_numpy()
    cross = links[programme[links["rid_a"]] != programme[links["rid_b"]]].iloc[0]
    weak = local_result.pairs[local_result.pairs["probability"] < 0.01].iloc[0]
    decisions = pd.DataFrame(
        {
            "programme_a": [programme[cross.rid_a], programme[weak.rid_a]],
            "row_a": [row[cross.rid_a], row[weak.rid_a]],
            "programme_b": [programme[cross.rid_b], programme[weak.rid_b]],
            "row_b": [row[cross.rid_b], row[weak.rid_b]],
            "decision": ["different", "same"],
        }
    )
    # the same scored pairs clustered again with the decisions: what the local engine gives
    local = pipeline.recluster(local_result, local_result.threshold, decisions)
    dask = pipeline.match_rosters(
        records, decisions=decisions, engine=dask_engine.DaskEngine(dask_scheduler)
    )
    person = local.records["person_id"].to_numpy()
    assert person[int(weak.rid_a)] == person[int(weak.rid_b)]
    assert person[int(cross.rid_a)] != person[int(cross.rid_b)]
    assert same_partition(person, dask.records["person_id"])
    pd.testing.assert_frame_equal(local.pairs, dask.pairs)
    assert not same_partition(person, local_result.records["person_id"])


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "overlap", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def local_cli_out(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """``overlap match`` with the local engine in a fresh interpreter, listing what it imported."""
    out = tmp_path_factory.mktemp("local") / "out"
    script = textwrap.dedent(
        f"""
        import sys
        from overlap.cli import main
        code = main(["match", *{[str(p) for p in SAMPLES]!r}, "--out", {str(out)!r}])
        loaded = sorted(m for m in sys.modules
                        if m.split(".")[0] in ("dask", "distributed")
                        or m == "overlap.dask_engine")
        print("LOADED", loaded, "pipeline" if "overlap.pipeline" in sys.modules else "")
        sys.exit(code)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    return out, done


def test_local_engine_never_imports_dask(local_cli_out):
    _, done = local_cli_out
    assert done.returncode == 0, done.stdout + done.stderr
    assert "LOADED [] pipeline" in done.stdout


def test_cli_dask_engine_writes_the_same_overlap_json(tmp_path, dask_scheduler, local_cli_out):
    local_out, local = local_cli_out
    assert local.returncode == 0, local.stderr
    dask = run_cli(
        "match",
        *[str(p) for p in SAMPLES],
        "--out",
        str(tmp_path / "dask"),
        "--engine",
        "dask",
        "--scheduler",
        dask_scheduler,
        cwd=ROOT,
    )
    assert dask.returncode == 0, dask.stderr
    assert "overlap: grouping: 6,659 records are" in dask.stderr
    summary = json.loads((tmp_path / "dask" / "overlap.json").read_text())
    assert summary == json.loads((local_out / "overlap.json").read_text())
    assert summary["union_people"] > 0
    for name in ("records.csv", "links.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (local_out / name).read_bytes()


def test_cli_dask_engine_reports_an_unreachable_scheduler_in_one_sentence(tmp_path):
    done = run_cli(
        "match",
        str(SAMPLES[0]),
        str(SAMPLES[1]),
        "--out",
        str(tmp_path / "out"),
        "--engine",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
        cwd=ROOT,
        env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"},
    )
    assert done.returncode == 2
    assert "Could not reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr


CHURCH = """Member ID,First Name,Last Name,Birth Date,Street,Zip,Phone
M1,Maria,Garcia,03/14/1980,12 Oak St,60608,312-555-0100
M2,Robert,Nowak,01/02/1975,4 Pine Ave,60601,312-555-0199
M3,Kevin,Huang,06/29/2007,3438 S Morgan St,60608,773-555-0142
M4,Jenny,Huang,06/29/2007,3438 S Morgan St,60608,773-555-0142
"""

CLINIC = """Client;Full Name;DOB;Address;Telephone
C-10;GARCIA, MARIA;1980-03-14;12 Oak Street 60608;(312) 555-0100
C-11;Bob Nowak;1975-01-02;4 Pine Avenue 60601;3125550199
C-12;Zbigniew Okonkwo;1961-12-01;70 Lake Dr 60616;
"""


def test_without_a_scheduler_it_starts_and_closes_its_own_cluster(tmp_path):
    """Tiny rosters: most partitions are empty, and the answer is still the local one."""
    import distributed

    from overlap import dask_engine, pipeline

    (tmp_path / "church.csv").write_text(CHURCH)
    (tmp_path / "clinic.csv").write_text(CLINIC)
    files = [tmp_path / "church.csv", tmp_path / "clinic.csv"]
    names = ["St Agnes", "Tax Clinic"]
    local = pipeline.match_files(files, names=names)
    dask = pipeline.match_files(files, names=names, engine=dask_engine.DaskEngine())
    pd.testing.assert_frame_equal(local.records, dask.records)
    pd.testing.assert_frame_equal(local.pairs, dask.pairs)
    person = dask.records.set_index(["programme", "row"])["person_id"]
    assert person[("St Agnes", 1)] == person[("Tax Clinic", 1)]  # Maria Garcia
    assert person[("St Agnes", 3)] != person[("St Agnes", 4)]  # Kevin and Jenny Huang
    with pytest.raises(ValueError):
        distributed.get_client()  # no client left behind


def test_a_workers_compare_arrays_go_with_the_records_they_came_from():
    """Roster-derived arrays kept between a worker's tasks never outlive their records frame."""
    import gc

    from overlap import dask_engine

    records = pd.DataFrame({"first_name": ["ann"]})
    arrays = dask_engine._arrays_for(records)
    arrays["codes"] = object()
    assert dask_engine._arrays_for(records) is arrays
    assert dask_engine._arrays_for(records.copy()) is not arrays
    del records
    gc.collect()
    assert all(ref() is not None for ref, _ in dask_engine._WORKER_ARRAYS.values())
    assert not any(a is arrays for _, a in dask_engine._WORKER_ARRAYS.values())
