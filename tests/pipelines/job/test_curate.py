"""The curate job end to end on real samples: shards, manifest arithmetic, resume, kill + rerun."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.core.errors import ForageError
from pipelines.job.curate import curate
from pipelines.job.recipe import load_recipe
from tests.conftest import ACCEPTANCE_INPUTS, REPO, TRUNCATED

INPUTS = [str(p) for p in ACCEPTANCE_INPUTS]


def kept_ids(out: Path) -> list[str]:
    return sorted(
        duckdb.sql(f"select id from read_parquet('{out}/data/*.parquet')").fetchnumpy()["id"]
    )


@pytest.fixture(scope="module")
def clean_run(ray_local, tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    result = curate(INPUTS, str(out), load_recipe("ingest"), quiet=True)
    return out, result


def test_manifest_counts_add_up_and_files_verify(clean_run):
    out, result = clean_run
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest == json.loads(json.dumps(result.manifest))
    c = manifest["counts"]
    assert c["input"] == c["kept"] + c["rejected"] + c["errors"] == 147
    assert sum(i["records_read"] for i in manifest["inputs"]) == c["input"]
    assert manifest["schema_version"] == 1 and manifest["software"]["ray"] == "2.60.0"
    assert [s["name"] for s in manifest["stages"]] == ["normalize", "text_length"]
    for f in manifest["files"]:
        data = (out / f["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"]
        assert pq.read_metadata(out / f["path"]).num_rows == f["rows"]
    on_disk = {str(p.relative_to(out)) for p in out.glob("*/part-*")}
    assert on_disk == {f["path"] for f in manifest["files"]}


def test_truncated_input_is_counted_as_error(clean_run):
    out, result = clean_run
    (truncated,) = [i for i in result.manifest["inputs"] if i["path"] == str(TRUNCATED)]
    assert truncated["status"] == "error" and truncated["errors"] == 1
    assert "truncated record" in truncated["error"] and truncated["kept"] == 1
    errors = duckdb.sql(
        f"select source_file, source_offset, error from read_parquet('{out}/errors/*.parquet')"
    )
    assert errors.fetchall() == [(str(TRUNCATED), 0, truncated["error"])]


def test_shards_read_with_duckdb_and_pyarrow(clean_run):
    out, _ = clean_run
    sources = dict(
        duckdb.sql(
            f"select source, count(*) from read_parquet('{out}/data/*.parquet') group by 1"
        ).fetchall()
    )
    assert sources == {"warc": 39, "wet": 1, "wikipedia": 106}
    table = pq.read_table(out / "data")
    assert table.num_rows == 146 and table["id"].null_count == 0
    assert len(set(table["id"].to_pylist())) == 146
    assert "drop_reason" in table.column_names and "error" not in table.column_names
    assert all(
        meta.row_group(0).column(0).compression == "ZSTD"
        for meta in (pq.read_metadata(p) for p in (out / "data").glob("*.parquet"))
    )


def test_rerun_skips_finished_inputs(clean_run, ray_local):
    out, first = clean_run
    again = curate(INPUTS, str(out), load_recipe("ingest"), quiet=True)
    assert again.resumed_inputs == 5
    assert again.manifest["counts"] == first.manifest["counts"]
    assert again.manifest["files"] == first.manifest["files"]


def test_other_recipe_on_same_output_is_refused(clean_run):
    out, _ = clean_run
    with pytest.raises(ForageError, match="different recipe"):
        curate(INPUTS, str(out), load_recipe("ingest", ["text_length.min_chars=10"]), quiet=True)


def test_rejected_rows_carry_reasons_and_match_stage_counts(ray_local, tmp_path):
    recipe = load_recipe("ingest", ["text_length.min_chars=3000"])
    result = curate(INPUTS[:3], str(tmp_path), recipe, quiet=True)
    stage = result.manifest["stages"][1]
    rows = duckdb.sql(
        f"select dropped_by, drop_reason, count(*) from read_parquet('{tmp_path}/rejected/*.parquet') group by 1, 2"
    ).fetchall()
    assert rows and {(r[1], r[2]) for r in rows} == set(stage["reasons"].items())
    assert {r[0] for r in rows} == {"text_length"} and stage["dropped"] == result.manifest[
        "counts"
    ]["rejected"]


def test_jsonl_ids_survive_the_pipeline(ray_local, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"id": f"my-{i}", "text": f"text {i}"}) + "\n" for i in range(50))
    )
    curate([str(src)], str(tmp_path / "out"), load_recipe("ingest"), quiet=True)
    assert kept_ids(tmp_path / "out") == sorted(f"my-{i}" for i in range(50))


def _forage(*args: str) -> subprocess.Popen:
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    return subprocess.Popen(
        [sys.executable, "-m", "cluster.cli", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_killed_run_resumes_to_the_same_result(clean_run, tmp_path):
    out, clean = clean_run
    killed = tmp_path / "killed"
    args = ["curate", "--input", *INPUTS, "--output", str(killed), "--recipe", "ingest"]
    args += ["--quiet", "--set", "num_cpus=1"]
    proc = _forage(*args)
    deadline = time.monotonic() + 120
    markers: list[Path] = []
    while time.monotonic() < deadline and proc.poll() is None:
        markers = [p for p in (killed / "_progress").glob("*.json") if p.name != "_recipe.json"]
        if markers:
            break
        time.sleep(0.05)
    assert markers and proc.poll() is None, "run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / "_manifest.json").exists()

    rerun = _forage(*args)
    output = rerun.communicate(timeout=300)[0].decode()
    assert rerun.returncode == 0, output
    manifest = json.loads((killed / "_manifest.json").read_text())
    assert manifest["counts"] == clean.manifest["counts"]
    assert kept_ids(killed) == kept_ids(out)
