"""quality_classifier: P(hq) from a model trained by train_quality_model, and its drop reason."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from pipelines.core import schema as S
from pipelines.core.errors import ConfigError
from pipelines.quality.model import QualityTrainConfig, train_quality_model
from pipelines.stages import build_stage
from tests.pipelines.quality_corpora import junk, prose, write_corpora


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    positive, negative = write_corpora(root)
    config = QualityTrainConfig(bucket=20_000, dim=16, epoch=10, threads=1)
    return train_quality_model(positive, negative, str(root / "q.bin"), config).model_path


def _table(texts, reasons=None):
    reasons = reasons or [None] * len(texts)
    rows = [
        {"id": str(i), "text": t, "drop_reason": r} for i, (t, r) in enumerate(zip(texts, reasons))
    ]
    return pa.Table.from_pylist(rows, schema=S.DOCUMENT_SCHEMA)


def test_scores_unseen_prose_above_junk_and_drops_below_min_score(model_path):
    rng = random.Random(99)  # documents the model has not seen
    good, bad = prose(rng), junk(rng)
    stage = build_stage("quality_classifier", {"model_path": model_path, "min_score": 0.5})
    out = stage(_table([good, bad, "", "gone"], [None, None, None, "too_short"]))
    good_score, bad_score, empty_score, gone_score = out["quality_score"].to_pylist()
    assert good_score > 0.5 > bad_score and empty_score == 0.0 and gone_score is None
    assert out.schema.field("quality_score").type == pa.float32()
    assert out["drop_reason"].to_pylist() == [None, "quality_score", "quality_score", "too_short"]
    assert out["dropped_by"].to_pylist() == [None, "quality_classifier", "quality_classifier", None]


def test_threshold_and_label_are_configurable(model_path):
    rng = random.Random(7)
    texts = [prose(rng) for _ in range(20)] + [junk(rng) for _ in range(20)]
    hq = build_stage("quality_classifier", {"model_path": model_path})(_table(texts))
    lq = build_stage("quality_classifier", {"model_path": model_path, "label": "lq"})(_table(texts))
    for p_hq, p_lq in zip(hq["quality_score"].to_pylist(), lq["quality_score"].to_pylist()):
        assert p_hq + p_lq == pytest.approx(1.0, abs=1e-3)
    assert sum(r is None for r in hq["drop_reason"].to_pylist()[:20]) >= 18
    assert sum(r is None for r in hq["drop_reason"].to_pylist()[20:]) <= 2
    strict = build_stage("quality_classifier", {"model_path": model_path, "min_score": 1.0})
    assert None not in strict(_table(texts))["drop_reason"].to_pylist()[20:]


def test_annotate_mode_keeps_rows(model_path):
    stage = build_stage("quality_classifier", {"model_path": model_path, "mode": "annotate"})
    out = stage(_table(["buy cheap pills casino bonus jackpot"]))
    assert out["drop_reason"].to_pylist() == [None]
    assert out["quality_score"].to_pylist()[0] < 0.5


def test_config_errors(model_path, tmp_path):
    with pytest.raises(ConfigError, match="model_path"):
        build_stage("quality_classifier", {})
    with pytest.raises(ConfigError, match="does not exist"):
        build_stage("quality_classifier", {"model_path": str(tmp_path / "none.bin")})
    with pytest.raises(ConfigError, match="labels: hq, lq|labels: lq, hq"):
        build_stage("quality_classifier", {"model_path": model_path, "label": "good"})
    with pytest.raises(ConfigError, match="min_score=1.5"):
        build_stage("quality_classifier", {"model_path": model_path, "min_score": 1.5})
