"""Scores: conlleval entity F1 through seqeval, per-label classification scores and report."""

from __future__ import annotations

import pytest

from pipelines.core.errors import InputError
from training.finetune.scores import (
    classification_report,
    classification_scores,
    ner_report,
    ner_scores,
)

pytestmark = pytest.mark.filterwarnings("error")  # absent classes score 0 without a warning

GOLD = [
    ["B-PER", "I-PER", "O", "O", "B-LOC", "O"],  # Anna Smith lives in Paris .
    ["B-ORG", "O", "B-MISC", "O"],  # EU rejects German lamb
]
PRED = [
    ["B-PER", "I-PER", "O", "O", "O", "O"],  # LOC missed
    ["I-ORG", "O", "B-MISC", "I-MISC"],  # I-ORG starts a chunk (conlleval); MISC too long
]


def test_ner_scores_by_hand_and_as_seqeval():
    from seqeval.metrics import f1_score, precision_score, recall_score

    scores = ner_scores(GOLD, PRED)
    # gold PER LOC ORG MISC, predicted PER ORG MISC(2 words), right PER ORG
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(2 / 4)
    assert scores["f1"] == pytest.approx(4 / 7)
    assert scores["accuracy"] == pytest.approx(7 / 10)
    assert scores["support"] == 4
    assert scores["f1"] == pytest.approx(f1_score(GOLD, PRED))
    assert scores["precision"] == pytest.approx(precision_score(GOLD, PRED))
    assert scores["recall"] == pytest.approx(recall_score(GOLD, PRED))
    right = {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    wrong = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert scores["per_type"] == {"LOC": wrong, "MISC": wrong, "ORG": right, "PER": right}


def test_types_absent_from_gold_or_predictions_score_zero():
    scores = ner_scores([["B-PER", "O"]], [["B-LOC", "O"]])
    assert scores["f1"] == 0.0
    assert scores["per_type"]["LOC"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert scores["per_type"]["PER"]["support"] == 1


def test_no_entities_anywhere():
    scores = ner_scores([["O", "O"]], [["O", "O"]])
    assert scores == {
        "f1": 0.0,
        "precision": 0.0,
        "recall": 0.0,
        "accuracy": 1.0,
        "support": 0,
        "per_type": {},
    }
    assert "no entities" in ner_report([["O"]], [["O"]])


def test_ner_report_is_seqeval_table():
    report = ner_report(GOLD, PRED)
    lines = {line.split()[0]: line.split()[1:] for line in report.splitlines() if line.strip()}
    assert lines["PER"] == ["1.0000", "1.0000", "1.0000", "1"]
    assert lines["micro"] == ["avg", "0.6667", "0.5000", "0.5714", "4"]


def test_ner_lengths_must_match():
    with pytest.raises(InputError, match="2 gold sentences but 1 predicted"):
        ner_scores(GOLD, PRED[:1])
    with pytest.raises(InputError, match="sentence 1: 4 gold tags but 3 predicted"):
        ner_scores(GOLD, [PRED[0], PRED[1][:3]])


GOLD_IDS = [0, 0, 1, 1, 2]
PRED_IDS = [0, 1, 1, 1, 0]
NAMES = ["neg", "pos", "neutral"]


def test_classification_scores_by_hand():
    scores = classification_scores(GOLD_IDS, PRED_IDS, NAMES)
    assert scores["accuracy"] == pytest.approx(3 / 5)
    per = scores["per_label"]
    assert per["neg"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert per["pos"] == pytest.approx({"precision": 2 / 3, "recall": 1.0, "f1": 0.8, "support": 2})
    assert per["neutral"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert scores["macro_f1"] == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert scores["weighted_f1"] == pytest.approx((0.5 * 2 + 0.8 * 2) / 5)


def test_a_label_absent_from_gold_and_pred_is_listed_but_not_averaged():
    scores = classification_scores(GOLD_IDS, PRED_IDS, [*NAMES, "other"])
    assert scores["per_label"]["other"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "support": 0,
    }
    assert scores["macro_f1"] == pytest.approx((0.5 + 0.8 + 0.0) / 3)


def test_classification_report_matches_sklearns_layout():
    # sklearn.metrics.classification_report(GOLD_IDS, PRED_IDS, target_names=NAMES, digits=4)
    expected = (
        "              precision    recall  f1-score   support\n\n"
        "         neg     0.5000    0.5000    0.5000         2\n"
        "         pos     0.6667    1.0000    0.8000         2\n"
        "     neutral     0.0000    0.0000    0.0000         1\n\n"
        "    accuracy                         0.6000         5\n"
        "   macro avg     0.3889    0.5000    0.4333         5\n"
        "weighted avg     0.4667    0.6000    0.5200         5\n"
    )
    assert classification_report(GOLD_IDS, PRED_IDS, NAMES) == expected


def test_classification_bad_input():
    with pytest.raises(InputError, match="5 gold labels but 4 predicted"):
        classification_scores(GOLD_IDS, PRED_IDS[:4], NAMES)
    with pytest.raises(InputError, match="predicted label id 3 is not in 0..2"):
        classification_scores(GOLD_IDS, [0, 1, 3, 1, 0], NAMES)
    with pytest.raises(InputError, match="no examples"):
        classification_scores([], [], NAMES)
