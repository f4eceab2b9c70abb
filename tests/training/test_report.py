"""`forage report RUN` on a real (tiny) pretraining run: curves against the unigram baseline,
throughput, learning rate, data wait, the lineage; charts drawn in headless Chromium."""

from __future__ import annotations

import json

import pytest

from cluster.cli import main
from tests.browser import render
from training.config import load_recipe
from training.synthetic import write_packed
from training.train import pretrain

TINY = [
    "n_layer=1", "d_model=32", "n_head=2", "d_ff=64", "seq_len=32", "batch_size=8",
    "log_every=2", "eval_every=10", "eval_steps=2", "ckpt_every=20", "max_steps=20",
]  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    data = write_packed(tmp_path_factory.mktemp("data"), seq_len=32, train_blocks=64)
    run = tmp_path_factory.mktemp("run")
    pretrain(data, run, load_recipe("smoke", TINY), quiet=True)
    return run


def test_pretrain_report_has_curves_baseline_and_lineage(run, capsys):
    assert main(["report", str(run)]) == 0
    assert "report.html" in capsys.readouterr().out
    html = (run / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "Pretrain report" in html
    for title in ("Loss", "Throughput", "Learning rate", "Data wait"):
        assert f'data-chart="{title}"' in html
    assert "unigram baseline" in html
    info = json.loads((run / "run.json").read_text())
    assert info["manifest_sha256"] in html  # lineage: the corpus it trained on


def test_pretrain_report_renders_in_chromium(run, tmp_path):
    main(["report", str(run)])
    probe = render(run / "report.html", tmp_path)
    assert probe["charts"] >= 4 and probe["drawn"] == probe["charts"] and not probe["ran"]
