"""`forage tune`: the search space from the recipe, resources, and a small ASHA + TPE run whose
rerun restores the finished experiment instead of training again."""

from __future__ import annotations

import csv
import json

import pytest
from ray import tune as rt

from cluster.cli import main
from pipelines.core.errors import ConfigError
from tests.training.finetune.conftest import NER_DIR
from training.finetune.config import load_finetune_recipe
from training.finetune.prepare import TaskFiles
from training.tune import max_concurrent, search_space, trial_rows, tune

SMALL = ["max_train_examples=64", "max_eval_examples=32", "batch_size=16", "epochs=2"]


def test_search_space_uses_set_keys_and_skips_lora_without_peft():
    space = search_space(load_finetune_recipe("smoke"))
    assert set(space) == {"lr", "batch_size", "warmup_ratio", "weight_decay"}
    assert isinstance(space["lr"], rt.search.sample.Float)
    with_lora = search_space(load_finetune_recipe("smoke", ["peft=lora"]))
    assert "lora.r" in with_lora


def test_bad_search_entries_name_the_fix(tmp_path):
    recipe = load_finetune_recipe("smoke")
    bad = type(recipe)(name="x", search={"lr": {"logspace": [1, 2]}})
    with pytest.raises(ConfigError, match=r"search.lr: expected one of loguniform"):
        search_space(bad)
    path = tmp_path / "r.yaml"
    path.write_text("search: {learning_rate: {choice: [1]}}\n")
    with pytest.raises(ConfigError, match="Unknown training key 'learning_rate'"):
        load_finetune_recipe(str(path))


def test_concurrency_follows_the_cluster():
    assert max_concurrent({"CPU": 8.0}, cpus=2, gpus=0) == 4
    assert max_concurrent({"CPU": 64.0, "GPU": 2.0}, cpus=4, gpus=0.5) == 4
    assert max_concurrent({"CPU": 1.0}, cpus=2, gpus=0) == 1


def test_tune_finds_a_best_trial_and_a_rerun_restores(ray_local, base_model, tmp_path):
    files = TaskFiles(
        task="ner",
        train=str(NER_DIR / "eng.train"),
        dev=str(NER_DIR / "eng.testa"),
        test=str(NER_DIR / "eng.testb"),
    )
    recipe = load_finetune_recipe("smoke", [*SMALL, "patience=0"])
    result = tune(files, base_model, tmp_path, recipe, num_samples=4, quiet=True)
    best = json.loads((tmp_path / "best.json").read_text())
    assert set(best["config"]) == {"lr", "batch_size", "warmup_ratio", "weight_decay"}
    assert best["dev_f1"] == max(t["best_dev_f1"] for t in result.trials)
    rows = list(csv.DictReader((tmp_path / "trials.csv").open()))
    assert len(rows) == 4 and {r["stopped_by"] for r in rows} <= {"asha", "none", "patience"}
    assert all(1 <= int(r["epochs"]) <= 2 for r in rows)
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert "test_f1" in metrics and (tmp_path / "hf" / "config.json").is_file()
    again = tune(files, base_model, tmp_path, recipe, num_samples=4, quiet=True)
    assert again.best == result.best  # restored, not searched again
    assert main(["report", str(tmp_path)]) == 0  # every trial's dev-F1 curve
    html = (tmp_path / "report.html").read_text()
    assert 'data-chart="Dev F1 per epoch, every trial"' in html and "4 trials" in html


def test_a_failed_trial_is_a_row_not_a_gap():
    from types import SimpleNamespace

    import pandas as pd

    history = pd.DataFrame({"epoch": [1, 2], "dev_f1": [0.1, 0.2], "stopped": [False, True]})
    ok = SimpleNamespace(metrics_dataframe=history, config={"lr": 1e-3}, error=None,
                         metrics={"trial_id": "a"}, path="/t/a")  # fmt: skip
    failed = SimpleNamespace(metrics_dataframe=None, config={"lr": 1e-2}, error=RuntimeError(),
                             metrics={}, path="/t/trial_b")  # fmt: skip
    rows = trial_rows([ok, failed], load_finetune_recipe("smoke"))
    assert [(r["trial_id"], r["stopped_by"], r["best_dev_f1"]) for r in rows] == [
        ("a", "patience", 0.2),
        ("trial_b", "error", None),
    ]
    with pytest.raises(ConfigError, match="no trial reported a dev score"):
        trial_rows([failed], load_finetune_recipe("smoke"))
