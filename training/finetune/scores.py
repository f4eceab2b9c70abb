"""Scores: entity-level NER (seqeval, conlleval rules) and per-label classification (no sklearn)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from pipelines.core.errors import InputError


def _check_ner(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> None:
    if len(gold) != len(pred):
        raise InputError(f"{len(gold)} gold sentences but {len(pred)} predicted")
    for i, (g, p) in enumerate(zip(gold, pred)):
        if len(g) != len(p):
            raise InputError(f"sentence {i}: {len(g)} gold tags but {len(p)} predicted")


def _has_entities(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> bool:
    return any(tag != "O" for rows in (gold, pred) for tags in rows for tag in tags)


def ner_scores(gold: list[list[str]], pred: list[list[str]]) -> dict[str, Any]:
    """Entity-level micro precision/recall/F1 as conlleval counts them (seqeval's default mode:
    a chunk is right when its type and both ends match), per type with gold support, and
    token accuracy. Types absent from gold or predictions score 0, without a warning.

    Returns {"f1", "precision", "recall", "accuracy", "support", "per_type": {TYPE: {...}}}."""
    from seqeval.metrics import accuracy_score, classification_report

    _check_ner(gold, pred)
    accuracy = float(accuracy_score(gold, pred)) if any(gold) else 0.0
    if not _has_entities(gold, pred):  # seqeval averages an empty table (nan and a warning)
        zero = {"f1": 0.0, "precision": 0.0, "recall": 0.0}
        return zero | {"accuracy": accuracy, "support": 0, "per_type": {}}
    table = classification_report(gold, pred, output_dict=True, zero_division=0)
    per_type = {name: _row(row) for name, row in table.items() if name not in _AVERAGES}
    micro = _row(table["micro avg"])
    return {
        "f1": micro["f1"],
        "precision": micro["precision"],
        "recall": micro["recall"],
        "accuracy": accuracy,
        "support": micro["support"],
        "per_type": per_type,
    }


_AVERAGES = ("micro avg", "macro avg", "weighted avg")


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "precision": float(row["precision"]),
        "recall": float(row["recall"]),
        "f1": float(row["f1-score"]),
        "support": int(row["support"]),
    }


def ner_report(gold: list[list[str]], pred: list[list[str]]) -> str:
    """seqeval's per-type table (4 digits), as conlleval would print it."""
    from seqeval.metrics import classification_report

    _check_ner(gold, pred)
    if not _has_entities(gold, pred):
        return "no entities in gold or predictions\n"
    return classification_report(gold, pred, digits=4, zero_division=0)


def classification_scores(gold: Sequence[int], pred: Sequence[int], names: list[str]) -> dict:
    """accuracy, macro_/weighted_ precision, recall and f1, and per_label precision, recall, f1
    and support.

    Label ids index ``names``. Precision or recall with a zero denominator is 0. Like sklearn's
    default, the macro and weighted averages run over labels that occur in gold or pred;
    ``per_label`` lists every name."""
    if len(gold) != len(pred):
        raise InputError(f"{len(gold)} gold labels but {len(pred)} predicted")
    if not gold:
        raise InputError("no examples to score")
    for ids, what in ((gold, "gold"), (pred, "predicted")):
        bad = next((i for i in ids if not 0 <= i < len(names)), None)
        if bad is not None:
            raise InputError(f"{what} label id {bad} is not in 0..{len(names) - 1} ({names})")
    hits = Counter(g for g, p in zip(gold, pred) if g == p)
    support, predicted = Counter(gold), Counter(pred)
    per_label = {
        name: _label_scores(hits[i], support[i], predicted[i]) for i, name in enumerate(names)
    }
    present = [per_label[names[i]] for i in sorted(set(gold) | set(pred))]
    accuracy = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    return {"accuracy": accuracy, **_averages(present, len(gold)), "per_label": per_label}


def _averages(rows: list[dict[str, Any]], n: int) -> dict[str, float]:
    """macro_* (mean over ``rows``) and weighted_* (by gold support; supports sum to ``n``)."""
    out = {}
    for metric in ("precision", "recall", "f1"):
        out[f"macro_{metric}"] = sum(row[metric] for row in rows) / len(rows)
        out[f"weighted_{metric}"] = sum(row[metric] * row["support"] for row in rows) / n
    return out


def _label_scores(hit: int, support: int, predicted: int) -> dict[str, Any]:
    precision = hit / predicted if predicted else 0.0
    recall = hit / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": support}


def classification_report(gold: Sequence[int], pred: Sequence[int], names: list[str]) -> str:
    """A table like sklearn's: a row per label, then accuracy, macro and weighted averages."""
    scores = classification_scores(gold, pred, names)
    rows = scores["per_label"]
    width = max(len("weighted avg"), *(len(name) for name in names))
    fmt = f"{{:>{width}}} " + " {:>9}" * 4 + "\n"  # sklearn's layout
    out = fmt.format("", "precision", "recall", "f1-score", "support") + "\n"
    for name, row in rows.items():
        cells = (f"{row['precision']:.4f}", f"{row['recall']:.4f}", f"{row['f1']:.4f}")
        out += fmt.format(name, *cells, row["support"])
    n = len(gold)
    out += "\n" + fmt.format("accuracy", "", "", f"{scores['accuracy']:.4f}", n)
    for average in ("macro", "weighted"):
        cells = [f"{scores[f'{average}_{m}']:.4f}" for m in ("precision", "recall", "f1")]
        out += fmt.format(f"{average} avg", *cells, n)
    return out
