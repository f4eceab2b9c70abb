"""train_quality_model: balanced samples from two corpora, held-out metrics, clear input errors."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.core.errors import ConfigError, InputError
from pipelines.quality.model import (
    QualityTrainConfig,
    normalize_text,
    sample_texts,
    train_quality_model,
)
from pipelines.stages.fasttext import load_model
from tests.pipelines.quality_corpora import write_corpora

SMALL = QualityTrainConfig(bucket=20_000, dim=16, epoch=10, threads=1)


def test_trains_a_classifier_that_separates_prose_from_junk(tmp_path):
    positive, negative = write_corpora(tmp_path, n_pos=300, n_neg=400)
    report = train_quality_model(positive, negative, str(tmp_path / "m" / "q.bin"), SMALL)
    assert (report.train_docs, report.valid_docs) == (270, 30)  # balanced: min(300, 400)
    assert report.accuracy > 0.9 and report.precision > 0.9 and report.recall > 0.9
    labels, _ = load_model(report.model_path).f.getLabels("strict")
    assert sorted(labels) == ["__label__hq", "__label__lq"]


def test_normalize_text_is_one_lowercase_line():
    texts = pa.array(
        ["Hello\n\nWorld\tX", "  A\u00a0B\u2028C\x0bD  ", None, "\n", "x __label__hq y"]
    )
    assert normalize_text(texts) == ["hello world x", "a b c d", "", "", "x hq y"]


def test_sample_is_bounded_deterministic_and_skips_empty_texts(tmp_path):
    pq.write_table(
        pa.table({"text": [f"doc {i}" for i in range(50)] + ["", None, "  "]}),
        tmp_path / "a.parquet",
    )
    first = sample_texts(str(tmp_path), max_docs=10, seed=3)
    assert len(first) == len(set(first)) == 10
    assert first == sample_texts(str(tmp_path), max_docs=10, seed=3)
    assert sorted(sample_texts(str(tmp_path), max_docs=100, seed=3)) == sorted(
        f"doc {i}" for i in range(50)
    )


def test_sample_across_files_is_uniform_enough(tmp_path):
    for f in range(4):
        rows = [{"text": f"file{f} doc {i}"} for i in range(300)]
        with (tmp_path / f"part-{f}.jsonl").open("w") as out:
            out.writelines(json.dumps(row) + "\n" for row in rows)
    sample = sample_texts(str(tmp_path), max_docs=200, seed=0)
    assert len(set(sample)) == 200
    per_file = [sum(t.startswith(f"file{f} ") for t in sample) for f in range(4)]
    assert all(25 <= n <= 75 for n in per_file), per_file  # 50 expected from each


def test_input_errors_say_what_is_wrong(tmp_path):
    positive, negative = write_corpora(tmp_path, n_pos=20, n_neg=20)
    out = str(tmp_path / "q.bin")
    with pytest.raises(InputError, match="does not exist"):
        train_quality_model(str(tmp_path / "nope"), negative, out, SMALL)
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"text": ""}) + "\nnot json\n")
    with pytest.raises(InputError, match="no documents"):
        train_quality_model(positive, str(empty), out, SMALL)
    (tmp_path / "wiki-corpus" / "_manifest.json").unlink()
    with pytest.raises(InputError, match="no _manifest.json"):
        train_quality_model(positive, negative, out, SMALL)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "readme.txt").write_text("prose")
    with pytest.raises(InputError, match="no .parquet or .jsonl"):
        train_quality_model(str(notes), negative, out, SMALL)
    with pytest.raises(ConfigError, match="max_docs"):
        QualityTrainConfig(max_docs=0)


def test_small_data_warning_suggests_only_what_was_not_passed():
    from pipelines.quality.model import QualityTrainConfig, few_docs_advice

    default = few_docs_advice(120, QualityTrainConfig())
    assert (
        "raise --epoch (now 5; e.g. 25)" in default and "raise --lr (now 0.1; e.g. 0.5)" in default
    )
    tuned = few_docs_advice(120, QualityTrainConfig(epoch=30, lr=0.5))
    assert "--epoch" not in tuned and "--lr" not in tuned
    assert tuned.endswith("add documents") and "(epoch 30, lr 0.5)" in tuned
    half = few_docs_advice(120, QualityTrainConfig(epoch=25))
    assert "--epoch" not in half and "raise --lr (now 0.1" in half
