"""Language ID with the stock lid.176 model: labels, scores, top-k, keep lists and thresholds."""

from __future__ import annotations

import pytest

from pipelines.core import schema as S
from pipelines.core.errors import ConfigError
from pipelines.stages import build_stage
from tests.pipelines.stages.helpers import docs

TEXTS = [
    "The quick brown fox jumps over the lazy dog while the farmer watches from the porch.",
    "Der schnelle braune Fuchs springt über den faulen Hund, während der Bauer zuschaut.",
    "Le renard brun rapide saute par-dessus le chien paresseux pendant que le fermier regarde.",
    "今天天气很好，我们一起去公园散步吧。我们在那里看到了很多人和他们的孩子。",
    "Быстрая коричневая лиса прыгает через ленивую собаку, пока фермер смотрит с крыльца.",
    "",
]


def test_langid_annotates_language_score_and_top_pairs():
    out = build_stage("langid", {"mode": "annotate"})(docs(TEXTS))
    assert out[S.LANGUAGE].to_pylist() == ["en", "de", "fr", "zh", "ru", None]
    scores = out[S.LANGUAGE_SCORE].to_pylist()
    assert all(s > 0.65 for s in scores[:5]) and scores[5] == 0.0
    top = out["language_top"].to_pylist()
    assert [len(pairs) for pairs in top] == [3, 3, 3, 3, 3, 0]
    assert top[0][0]["label"] == "en" and top[0][0]["score"] >= top[0][1]["score"]
    assert out[S.DROP_REASON].to_pylist() == [None] * 6


def test_langid_keep_list_and_min_score():
    out = build_stage("langid", {"keep": ["en", "de"], "min_score": 0.65})(docs(TEXTS))
    assert out[S.DROP_REASON].to_pylist() == [
        None,
        None,
        "language_not_kept",
        "language_not_kept",
        "language_not_kept",
        "language_not_kept",
    ]
    assert out[S.DROPPED_BY].to_pylist()[2] == "langid"


def test_langid_keep_null_keeps_every_language_above_min_score():
    out = build_stage("langid", {"min_score": 0.99999})(docs(TEXTS[:2] + ["ok ok 42"]))
    reasons = out[S.DROP_REASON].to_pylist()
    assert reasons[2] == "low_language_score"
    assert set(reasons) <= {None, "low_language_score"}


def test_langid_config_errors():
    with pytest.raises(ConfigError, match="keep"):
        build_stage("langid", {"keep": "en"})
    with pytest.raises(ConfigError, match="min_score"):
        build_stage("langid", {"min_score": 2.0})
    with pytest.raises(ConfigError, match="does not exist"):
        build_stage("langid", {"model_path": "/nonexistent/lid.bin"})
