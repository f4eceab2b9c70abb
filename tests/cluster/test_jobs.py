"""``forage submit`` / ``forage jobs`` / ``forage schedule`` against a real two-node cluster with
token auth on (the ``ray_cluster`` fixture), and the client-side pieces on their own."""

from __future__ import annotations

import json
import os
import re
import shlex
import time

import pytest

from cluster.jobs import entrypoint, load_token, runtime_env
from pipelines.core.errors import ConfigError
from tests.conftest import DOLMA, SHARED

NER_DIR = SHARED / "ner"


def test_token_comes_from_the_file_then_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ray/auth_token
    monkeypatch.delenv("RAY_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("RAY_AUTH_TOKEN_PATH", raising=False)
    file = tmp_path / "t"
    file.write_text("from-file\n")
    assert load_token(str(file)) == "from-file"
    monkeypatch.setenv("RAY_AUTH_TOKEN", "from-env")
    assert load_token(None) == "from-env"
    assert load_token(str(file)) == "from-file"  # an explicit file wins
    monkeypatch.delenv("RAY_AUTH_TOKEN")
    monkeypatch.setenv("RAY_AUTH_TOKEN_PATH", str(file))
    assert load_token(None) == "from-file"
    (tmp_path / "empty").write_text("")
    with pytest.raises(ConfigError, match="is empty"):
        load_token(str(tmp_path / "empty"))


def test_entrypoint_makes_existing_relative_paths_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.warc.gz").write_bytes(b"")
    command = entrypoint(["forage", "curate", "--input", "in.warc.gz", "--output=/abs/out", "x y"])
    assert shlex.split(command) == [
        "forage", "curate", "--input", str(tmp_path / "in.warc.gz"), "--output=/abs/out", "x y",
    ]  # fmt: skip
    relative = ["forage", "refresh", "--input", "in/*.gz", "--corpus", "new", "--recipe", "web"]
    assert shlex.split(entrypoint(relative))[3:] == [
        f"{tmp_path}/in/*.gz", "--corpus", f"{tmp_path}/new", "--recipe", "web",
    ]  # fmt: skip
    with pytest.raises(ConfigError, match="give the command"):
        entrypoint([])


def test_runtime_env_uploads_the_working_dir_and_merges_a_file(tmp_path):
    env_file = tmp_path / "env.yaml"
    env_file.write_text("env_vars: {A: '1'}\npip: [tqdm]\n")
    env = runtime_env(str(env_file), upload=True, working_dir=str(tmp_path))
    assert env["working_dir"] == str(tmp_path) and ".venv" in env["excludes"]
    assert env["env_vars"] == {"A": "1"} and env["pip"] == ["tqdm"]
    assert runtime_env(None, upload=False) == {}


@pytest.fixture(scope="module")
def submitted(ray_cluster, tmp_path_factory):
    """``forage curate`` then ``forage pretrain`` (a masked LM, 20 steps) submitted as jobs."""
    root = tmp_path_factory.mktemp("chain")
    corpus, run = root / "corpus", root / "run"
    done = ray_cluster.forage(
        "submit", "--address", ray_cluster.address, "--wait", "--",
        "forage", "curate", "--input", str(DOLMA), "--output", str(corpus), "--quiet",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    curate_job = done.stdout.split("job: ", 1)[1].split()[0]
    assert f"job {curate_job}: SUCCEEDED" in done.stdout
    pretrain = ray_cluster.forage(
        "submit", "--address", ray_cluster.address, "--wait", "--",
        "forage", "pretrain", "--data", str(corpus), "--recipe", "smoke", "--set", "objective=mlm",
        "--set", "max_steps=20", "--set", "eval_every=10", "--output", str(run), "--quiet",
    )  # fmt: skip
    assert pretrain.returncode == 0, pretrain.stdout + pretrain.stderr
    return root, curate_job, pretrain


def test_submit_curate_then_pretrain_on_the_cluster(ray_cluster, submitted):
    root, job_id, done = submitted
    corpus, run = root / "corpus", root / "run"
    manifest = json.loads((corpus / "_manifest.json").read_text())
    assert manifest["counts"]["kept"] > 0 and manifest["inputs"][0]["path"] == str(DOLMA)
    steps = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert max(r["step"] for r in steps) == 20 and (run / "hf" / "config.json").is_file()

    listed = ray_cluster.forage("jobs", "list", "--address", ray_cluster.address)
    assert job_id in listed.stdout and "SUCCEEDED" in listed.stdout
    logs = ray_cluster.forage("jobs", "logs", job_id, "--address", ray_cluster.address)
    assert logs.returncode == 0
    token = ray_cluster.token_file.read_text()
    assert token not in done.stdout + done.stderr + listed.stdout + logs.stdout


NER_SMALL = [arg for item in ("max_train_examples=64", "max_eval_examples=32", "batch_size=16")
             for arg in ("--set", item)]  # fmt: skip


@pytest.fixture(scope="module")
def finetuned(ray_cluster, submitted):
    """The pretrained model of the submitted chain fine-tuned for NER by a `forage submit` job."""
    root = submitted[0]
    data = ["--train", str(NER_DIR / "eng.train"), "--dev", str(NER_DIR / "eng.testa")]
    done = ray_cluster.forage(
        "submit", "--address", ray_cluster.address, "--wait", "--", "forage", "finetune", "ner",
        *data, "--model", str(root / "run" / "hf"), *NER_SMALL, "--set", "epochs=1",
        "--output", str(root / "ner"), "--quiet",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "ner"


def test_submit_finetune_and_tune_on_the_cluster(ray_cluster, submitted, finetuned):
    """The pretrained model fine-tuned for NER, then a 2-trial search (one trial per node)."""
    root = submitted[0]
    data = ["--train", str(NER_DIR / "eng.train"), "--dev", str(NER_DIR / "eng.testa")]
    model = ["--model", str(root / "run" / "hf")]
    sets = NER_SMALL
    metrics = json.loads((finetuned / "metrics.json").read_text())
    assert metrics["epochs"] == 1 and "dev_f1" in metrics
    assert json.loads((finetuned / "run.json").read_text())["corpus_manifest_sha256"]
    done = ray_cluster.forage(
        "submit", "--address", ray_cluster.address, "--wait", "--", "forage", "tune", "ner",
        *data, *model, *sets, "--set", "epochs=2", "--num-samples", "2",
        "--output", str(root / "tune"), "--quiet",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    best = json.loads((root / "tune" / "best.json").read_text())
    assert "lr" in best["config"] and (root / "tune" / "hf" / "config.json").is_file()
    assert len((root / "tune" / "trials.csv").read_text().splitlines()) == 3


def test_serve_the_fine_tuned_model_as_a_job(ray_cluster, finetuned):
    """`forage serve` as a job on the cluster: healthy, answers on loopback, stops with the job."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = ray_cluster.forage(
        "submit", "--address", ray_cluster.address, "--no-upload", "--", "forage", "serve",
        "--model", str(finetuned / "hf"), "--port", str(port),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    job_id = re.search(r"job: (\S+)", done.stdout).group(1)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(90):
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
                    assert json.loads(response.read())["task"] == "ner"
                    break
            except OSError:
                time.sleep(2)
        else:
            logs = ray_cluster.forage("jobs", "logs", job_id, "--address", ray_cluster.address)
            pytest.fail(f"the endpoint never came up: {logs.stdout[-3000:]}")
        body = json.dumps({"text": "Angela Merkel visited Paris."}).encode()
        with urllib.request.urlopen(urllib.request.Request(f"{url}/predict", data=body)) as r:
            assert "entities" in json.loads(r.read())
    finally:
        ray_cluster.forage("jobs", "stop", job_id, "--address", ray_cluster.address)


def test_failing_job_exits_nonzero_and_duplicate_id_is_refused(ray_cluster):
    args = ["submit", "--address", ray_cluster.address, "--no-upload", "--submission-id"]
    done = ray_cluster.forage(*args, "fg-fails", "--wait", "--", "forage", "curate")
    assert done.returncode == 1 and "job fg-fails: FAILED" in done.stdout
    again = ray_cluster.forage(*args, "fg-fails", "--", "true")
    assert again.returncode == 2 and "already submitted" in again.stderr


def test_submission_without_or_with_a_wrong_token_is_refused(ray_cluster, tmp_path):
    env = {k: v for k, v in ray_cluster.env.items() if not k.startswith("RAY_AUTH_TOKEN")}
    env["HOME"] = str(tmp_path)
    args = ["submit", "--address", ray_cluster.address, "--no-upload", "--", "true"]
    done = ray_cluster.forage(*args, env=env)
    assert done.returncode == 2 and "requires a token" in done.stderr, done.stderr
    wrong = tmp_path / "wrong"
    wrong.write_text("0" * 32)
    done = ray_cluster.forage(
        "submit", "--address", ray_cluster.address, "--token-file", str(wrong), "--no-upload",
        "--", "true", env=env,
    )  # fmt: skip
    assert done.returncode == 2 and "refused the token" in done.stderr, done.stderr


def test_schedule_submits_each_tick_once_against_the_cluster(ray_cluster, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    os.symlink(DOLMA, inputs / "a.warc.gz")
    corpus = tmp_path / "corpus"
    done = ray_cluster.forage(
        "schedule", "--cron", "*/4 * * * * *", "--address", ray_cluster.address,
        "--no-upload", "--max-ticks", "2", "--",
        "refresh", "--input", f"{inputs}/*.warc.gz", "--corpus", str(corpus), "--quiet",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "forage.schedule" in line]
    decisions = [line for line in lines if " submitted: " in line or " skipped: " in line]
    assert len(decisions) == 2, lines
    assert " submitted: forage-refresh-" in decisions[0]
    first, second = (re.findall(r"forage-refresh-[\w-]+", d) for d in decisions)
    if " submitted: " in decisions[1]:  # the first refresh had finished: a new id
        assert second[0] != first[0]
    else:  # still running: this tick is skipped, not run on top of it
        assert second == first and "still" in decisions[1]
    catalog = corpus / "catalog.json"
    deadline = time.monotonic() + 120  # the last refresh may still be running
    while not catalog.is_file() and time.monotonic() < deadline:
        time.sleep(1)
    assert len(json.loads(catalog.read_text())["versions"]) == 1
