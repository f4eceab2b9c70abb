"""The forage CLI: fail-fast errors before Ray starts, and the demo end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import duckdb

from tests.conftest import REPO
from tests.pipelines.quality_corpora import write_corpora


def forage(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    return subprocess.run(
        [sys.executable, "-m", "cluster.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_wrong_path_fails_fast_with_clear_message(tmp_path):
    start = time.monotonic()
    result = forage("curate", "--input", "/nope/crawl.warc.gz", "--output", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "forage: error: no such file: /nope/crawl.warc.gz" in result.stderr
    assert "Traceback" not in result.stderr and time.monotonic() - start < 30
    assert not (tmp_path / "o").exists()


def test_unknown_format_and_bad_override(tmp_path):
    odd = tmp_path / "notes.txt"
    odd.write_text("hi")
    result = forage("curate", "--input", str(odd), "--output", str(tmp_path / "o"))
    assert result.returncode == 2 and "unknown input format" in result.stderr
    result = forage(
        "curate", "--input", str(odd), "--output", str(tmp_path / "o"), "--set", "langid.keep=en"
    )
    assert result.returncode == 2 and "langid.keep='en' must be a list" in result.stderr
    result = forage(
        "curate", "--input", str(odd), "--output", str(tmp_path / "o"), "--set", "url_filter.x=1"
    )
    assert result.returncode == 2 and "no stage 'url_filter' in this recipe" in result.stderr


def test_demo_runs_on_its_generated_sample(tmp_path):
    result = forage(
        "demo", "--output", str(tmp_path), "--pages", "60", "--no-train", "--set", "num_cpus=1"
    )
    assert result.returncode == 0, result.stderr
    assert "documents:" in result.stdout and "kept" in result.stdout
    query = f"select count(*) from read_parquet('{tmp_path}/corpus/data/*.parquet')"
    ((kept,),) = duckdb.sql(query).fetchall()
    assert 0 < kept <= 60


def test_quality_train_prints_held_out_metrics(tmp_path):
    positive, negative = write_corpora(tmp_path, n_pos=200, n_neg=200)
    model = tmp_path / "quality.bin"
    args = ["--positive", positive, "--negative", negative, "--output", str(model)]
    result = forage("quality", "train", *args, "--max-docs", "150", "--bucket", "20000")
    assert result.returncode == 0, result.stderr
    assert "135 per class for training, 15 held out" in result.stdout
    accuracy = float(result.stdout.split("accuracy ")[1].split()[0])
    assert accuracy > 0.9 and model.is_file()
    result = forage("quality", "train", *args[:1], str(tmp_path / "nope"), *args[2:])
    assert result.returncode == 2 and "nope does not exist" in result.stderr
