"""The forage CLI: fail-fast errors before Ray starts, and the demo end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import duckdb
import pytest

from tests.conftest import DOLMA, REPO
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


RAY_NOISE = ("Token authentication is enabled", "Failed to kill actor", "Progress bars disabled")


@pytest.mark.parametrize("quiet", [False, True])
def test_ray_logs_go_to_the_output_not_the_terminal(tmp_path, quiet):
    """Token auth on, as a user has it: Ray's notices land in OUT/_logs/ray.log, the terminal
    keeps Forage's lines, and --quiet still prints the final summary."""
    out = tmp_path / "out"
    args = ["curate", "--input", str(DOLMA), "--output", str(out), "--recipe", "ingest"]
    result = subprocess.run(
        [sys.executable, "-m", "cluster.cli", *args, *(["--quiet"] if quiet else [])],
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != "RAY_AUTH_MODE"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert not [noise for noise in RAY_NOISE if noise in result.stderr + result.stdout]
    lines = result.stderr.splitlines()
    assert all(line.startswith("[forage] ") for line in lines), result.stderr
    assert lines[-1].startswith("[forage] done: 22 documents → 22 kept, 0 rejected, 0 errors")
    assert len(lines) == 1 or not quiet
    log = (out / "_logs" / "ray.log").read_text()
    assert "Ray session logs: " in log and "Progress bars disabled" in log


def test_help_imports_neither_ray_nor_torch():
    code = (
        "import contextlib, io, sys\n"
        "from cluster.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "print(sorted(m for m in ('ray', 'torch') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr
