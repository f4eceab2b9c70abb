"""`forage finetune` end to end in Ray Train local mode on small real data: outputs, export,
lineage, resume, early stopping, LoRA and bad input."""

from __future__ import annotations

import json

import pytest

from cluster.cli import main
from pipelines.core.errors import InputError
from tests.training.finetune.conftest import NER_DIR, SST_DIR
from training.metrics import read_metrics

SMALL = ["max_train_examples=96", "max_eval_examples=48", "batch_size=16", "log_every=2"]


def _ner(base, out, *extra):
    args = ["finetune", "ner", "--train", str(NER_DIR / "eng.train"), "--dev"]
    args += [str(NER_DIR / "eng.testa"), "--test", str(NER_DIR / "eng.testb")]
    args += ["--model", str(base), "--output", str(out), "--quiet"]
    for item in [*SMALL, *extra]:
        args += ["--set", item]
    return main(args)


@pytest.fixture(scope="module")
def ner_run(base_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("ner")
    assert _ner(base_model, out, "epochs=2", "patience=0", "lr=3e-3") == 0
    return out


def test_ner_writes_scores_report_export_and_lineage(ner_run, base_model):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    metrics = json.loads((ner_run / "metrics.json").read_text())
    assert 0 <= metrics["dev_f1"] <= 1 and 0 <= metrics["test_f1"] <= 1
    assert set(metrics["test"]["per_type"]) <= {"LOC", "MISC", "ORG", "PER"}
    assert metrics["epochs"] == 2 and len(metrics["dev_f1_per_epoch"]) == 2
    assert metrics["examples_per_s"] > 0 and metrics["data"]["train"]["scheme"] == "IOB1"
    report = (ner_run / "report.txt").read_text()
    assert "== dev ==" in report and "== test ==" in report and "precision" in report
    model = AutoModelForTokenClassification.from_pretrained(ner_run / "hf")
    assert model.config.id2label[0] == "O" and "B-PER" in model.config.label2id
    AutoTokenizer.from_pretrained(ner_run / "hf")
    run = json.loads((ner_run / "run.json").read_text())
    assert run["base_model"] == str(base_model) and run["corpus_manifest_sha256"] == "ab" * 32
    assert (ner_run / "tb").is_dir()
    records = read_metrics(ner_run)
    assert [r["epoch"] for r in records if "dev_f1" in r] == [1, 2]
    assert any("loss" in r and "examples_per_s" in r for r in records)


def test_rerun_with_more_epochs_resumes(ner_run, base_model):
    steps = [r["step"] for r in read_metrics(ner_run) if "dev_f1" in r]
    assert _ner(base_model, ner_run, "epochs=3", "patience=0", "lr=3e-3") == 0
    records = read_metrics(ner_run)
    assert [r["epoch"] for r in records if "dev_f1" in r] == [1, 2, 3]
    assert [r["step"] for r in records if "dev_f1" in r][:2] == steps  # epochs 1-2 not redone
    assert json.loads((ner_run / "metrics.json").read_text())["epochs"] == 3


def test_changed_recipe_on_a_trained_output_is_refused(ner_run, base_model, capsys):
    assert _ner(base_model, ner_run, "epochs=3", "lr=1e-4") == 2
    assert "was trained with other optim.lr" in capsys.readouterr().err


def test_early_stopping_on_dev_f1(base_model, tmp_path):
    assert _ner(base_model, tmp_path, "epochs=6", "patience=1", "lr=1e-12", "warmup_ratio=0") == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["stopped_early"] and metrics["epochs"] == 2 and metrics["best_epoch"] == 1


def test_lora_trains_a_small_share_and_exports_a_plain_model(base_model, tmp_path):
    from transformers import AutoModelForTokenClassification

    assert _ner(base_model, tmp_path, "epochs=1", "peft=lora", "lora.r=4") == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["peft"] == "lora" and 0 < metrics["parameters"]["share"] < 0.5
    model = AutoModelForTokenClassification.from_pretrained(tmp_path / "hf")
    assert not any("lora" in name for name, _ in model.named_parameters())


def test_report_of_a_finetune_shows_scores_per_type_and_lineage(ner_run, base_model):
    assert main(["report", str(ner_run)]) == 0
    html = (ner_run / "report.html").read_text()
    assert 'data-chart="Dev F1 per epoch"' in html and 'data-chart="F1 per type (test)"' in html
    for entity in ("PER", "LOC", "ORG", "MISC"):
        assert f"<td>{entity}</td>" in html
    assert str(base_model) in html  # lineage: the base model, linked


def test_classify_sst2(base_model, tmp_path):
    from transformers import AutoModelForSequenceClassification

    args = ["finetune", "classify", "--train", str(SST_DIR / "sst2_train.tsv")]
    args += ["--dev", str(SST_DIR / "sst2_dev.tsv"), "--test", str(SST_DIR / "sst2_test.tsv")]
    args += ["--model", str(base_model), "--output", str(tmp_path), "--quiet"]
    for item in [*SMALL, "epochs=1", "max_seq_len=96"]:  # rotary: longer than pretraining's 48
        args += ["--set", item]
    assert main(args) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert {"accuracy", "macro_f1"} <= set(metrics["test"]) and metrics["test_f1"] >= 0
    model = AutoModelForSequenceClassification.from_pretrained(tmp_path / "hf")
    assert model.config.id2label == {0: "0", 1: "1"}
    assert model.config.max_position_embeddings == 96
    assert model.config.classifier_pooling == "mean"  # the recipe's tasks: classify: pooling


def test_learned_positions_refuse_a_longer_window(tmp_path):
    from training.finetune.config import load_finetune_recipe
    from training.finetune.prepare import base_window

    (tmp_path / "config.json").write_text(json.dumps({"max_position_embeddings": 512}))
    recipe = load_finetune_recipe("smoke", ["max_seq_len=1024"])
    with pytest.raises(InputError, match="exceeds .* 512 learned positions"):
        base_window(tmp_path, recipe)
    assert base_window(tmp_path, load_finetune_recipe("smoke")) == 512


def test_recipe_task_values_come_before_set():
    from training.finetune.config import load_finetune_recipe

    classify = load_finetune_recipe("smoke", task="classify")
    assert classify.model.max_seq_len > load_finetune_recipe("smoke", task="ner").model.max_seq_len
    assert (
        load_finetune_recipe("smoke", ["max_seq_len=32"], task="classify").model.max_seq_len == 32
    )


def test_bad_conll_line_is_named_before_training(base_model, tmp_path, capsys):
    bad = tmp_path / "bad.conll"
    bad.write_text("EU B-ORG\nrejects O\nGerman\n\n")
    args = ["finetune", "ner", "--train", str(bad), "--dev", str(bad), "--model", str(base_model)]
    assert main([*args, "--output", str(tmp_path / "out")]) == 2
    assert f"{bad}:3" in capsys.readouterr().err
    assert not (tmp_path / "out" / "checkpoints").exists()


def test_a_directory_without_a_model_is_named(tmp_path, capsys):
    args = ["finetune", "ner", "--train", str(NER_DIR / "eng.testb"), "--dev"]
    args += [str(NER_DIR / "eng.testb"), "--model", str(tmp_path), "--output", str(tmp_path / "o")]
    assert main(args) == 2
    assert "is not a model directory (no config.json)" in capsys.readouterr().err


def test_a_missing_data_file_is_one_line(base_model, tmp_path, capsys):
    args = ["finetune", "ner", "--train", str(tmp_path / "nope.conll"), "--dev"]
    args += [
        str(NER_DIR / "eng.testb"),
        "--model",
        str(base_model),
        "--output",
        str(tmp_path / "o"),
    ]
    assert main(args) == 2
    assert f"--train {tmp_path / 'nope.conll'}: no such file" in capsys.readouterr().err
