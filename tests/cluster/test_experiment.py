"""The data-value experiment on real inputs, shrunk to seconds a cell: the grid runs as Ray tasks,
writes results.csv / summary.md / report.html, and a rerun redoes only unfinished cells; then the
lineage of one of its models, and the flag when its corpus changes afterwards."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from cluster.cli import main
from cluster.experiment.config import load_experiment
from cluster.experiment.run import data_value
from cluster.lineage import lineage
from pipelines.core.errors import ConfigError
from tests.browser import render
from tests.conftest import CC_2020, DOLMA, SHARED

NER = SHARED / "ner"
CONFIG = {
    "inputs": [str(DOLMA), str(CC_2020)],
    "variants": {"raw": {"recipe": "ingest"}, "full": {"recipe": "web"}},
    "pretrain": {"recipe": "smoke", "set": ["objective=mlm", "n_layer=1", "eval_every=2"]},
    "budgets": [4096],
    "seeds": [1, 2],
    "tasks": {"ner": {"train": str(NER / "eng.train"), "dev": str(NER / "eng.testa"),
                      "test": str(NER / "eng.testb"),
                      "set": ["max_train_examples=64", "max_eval_examples=64", "epochs=1"]}},
}  # fmt: skip


def write_config(tmp_path: Path, **changes) -> Path:
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(CONFIG | changes, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def experiment(tmp_path_factory, ray_local):
    tmp = tmp_path_factory.mktemp("experiment")
    cfg = load_experiment(str(write_config(tmp)))
    result = data_value(cfg, tmp / "exp", quiet=True)
    return tmp, cfg, result


def test_every_cell_has_a_row_and_the_summary_states_noise(experiment):
    tmp, cfg, result = experiment
    assert not result.failed
    rows = list(csv.DictReader((result.out / "results.csv").open()))
    cells = {(r["variant"], r["budget_tokens"], r["seed"]) for r in rows}
    assert cells == {(v, b, s) for v, b in (("control", "0"), ("raw", "4096"), ("full", "4096"))
                     for s in ("1", "2")}  # fmt: skip
    raw = [r for r in rows if r["variant"] == "raw"]
    assert all(int(r["pretrain_tokens"]) >= 4096 and float(r["pretrain_val_loss"]) > 0 for r in raw)
    assert all(0 <= float(r["ner_test_f1"]) <= 1 for r in rows)
    full_docs = {r["corpus_documents"] for r in rows if r["variant"] == "full"}
    assert int(full_docs.pop()) < int(raw[0]["corpus_documents"])  # the web recipe drops spam
    summary = (result.out / "summary.md").read_text()
    assert "| raw | 4096 | 2 |" in summary and "± " in summary
    assert "full vs raw" in summary and "vs control" in summary
    assert "within noise" in summary or "better" in summary or "worse" in summary


def test_the_report_plots_score_against_tokens_in_chromium(experiment, tmp_path):
    _, _, result = experiment
    html = (result.out / "report.html").read_text()
    assert "ner_test_f1" in html and "pretraining tokens" in html
    probe = render(result.out / "report.html", tmp_path)
    assert probe["charts"] >= 2 and probe["drawn"] == probe["charts"]


def test_a_rerun_redoes_only_unfinished_cells(experiment):
    tmp, cfg, result = experiment
    killed = result.out / "full" / "4096" / "seed2"
    (killed / "cell.json").unlink()  # as if killed before the cell finished
    kept = {p: p.stat().st_mtime_ns for p in result.out.glob("*/*/seed*/cell.json")}
    again = data_value(cfg, result.out, quiet=True)
    assert again.skipped == 5 and len(again.rows) == 6
    assert (killed / "cell.json").is_file()
    assert all(p.stat().st_mtime_ns == t for p, t in kept.items())


def test_another_config_in_the_same_directory_is_refused(experiment):
    tmp, _, result = experiment
    other = load_experiment(str(write_config(tmp, variants={"raw": {"recipe": "web"}})))
    with pytest.raises(ConfigError, match="another config"):
        data_value(other, result.out, quiet=True)


def test_lineage_walks_from_the_model_to_the_raw_inputs(experiment, capsys):
    _, _, result = experiment
    model = result.out / "full" / "4096" / "seed1" / "ner" / "hf"
    links = lineage(model)
    assert [link["kind"] for link in links[:4]] == ["model", "fine-tune", "pretrain", "corpus"]
    inputs = {link["path"]: link["facts"] for link in links if link["kind"] == "input"}
    assert (
        inputs[str(DOLMA)]["sha256"]
        == "53bca229270eb5f5f02f64af20807178b710bc2fa13de5c96f58c70114ab839a"
    )
    assert not any(link["warnings"] for link in links)
    assert main(["lineage", str(model)]) == 0
    out = capsys.readouterr().out
    assert "langid" in out and "minhash_dedup" in out and "eng.train" in out
    control = lineage(result.out / "control" / "0" / "seed1" / "ner" / "hf")
    assert control[-1]["kind"] == "random init"


def test_lineage_flags_a_corpus_changed_after_training(experiment, capsys, tmp_path):
    _, _, result = experiment
    manifest = result.out / "corpora" / "raw" / "_manifest.json"
    original = manifest.read_bytes()
    try:
        manifest.write_bytes(original.replace(b'"kept"', b'"kept" ', 1))
        assert main(["lineage", str(result.out / "raw" / "4096" / "seed1" / "ner" / "hf")]) == 1
        assert "CHANGED" in capsys.readouterr().out
    finally:
        manifest.write_bytes(original)


def test_config_mistakes_are_one_line_errors(tmp_path):
    with pytest.raises(ConfigError, match="unknown key 'budget'"):
        load_experiment(str(write_config(tmp_path, budget=[1])))
    with pytest.raises(ConfigError, match="unknown task 'pos'"):
        load_experiment(str(write_config(tmp_path, tasks={"pos": {"train": "a", "dev": "b"}})))
    with pytest.raises(ConfigError, match="random-init control"):
        load_experiment(str(write_config(tmp_path, variants={"control": {}})))
    with pytest.raises(ConfigError, match="not one of"):
        load_experiment("no-such-experiment")
    assert json.loads(json.dumps(load_experiment("smoke").seeds)) == [1, 2, 3]
