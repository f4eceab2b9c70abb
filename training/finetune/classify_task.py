"""Sequence classification on labelled tables (TSV, CSV, JSONL, Parquet): the label set from the
train split, texts cut to the window (counted), accuracy and macro-F1 (``f1``) on dev/test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from pipelines.core.errors import InputError
from training.finetune.prepare import read_split
from training.finetune.scores import classification_report, classification_scores
from training.finetune.tabular import encode_texts, label_names, read_labeled
from training.finetune.tasks import load_head_model, pad_id, predict

PRIMARY = "macro-F1"


def encode_splits(files, paths, limits, tokenizer, window, recipe):
    """{split: (input_ids, label) table} and the meta (labels, counts)."""
    read = {}
    for split, path in paths.items():
        if path is None:
            continue
        data = read_labeled(
            path,
            text_column=files.text_column,
            label_column=files.label_column,
            header=files.header,
        )
        limit = limits[split]
        texts = data.texts[:limit] if limit else data.texts
        if not texts:
            raise InputError(f"{path} has no rows with text")
        read[split] = (data, texts, data.labels[: len(texts)])
    names = label_names(read["train"][0])
    index = {name: i for i, name in enumerate(names)}
    tables, stats = {}, {}
    for split, (data, texts, labels) in read.items():
        unseen = sorted({label for label in labels if label not in index})
        if unseen:
            raise InputError(
                f"{paths[split]} has labels the train split lacks: {', '.join(unseen[:10])}; "
                f"train's labels: {', '.join(names)}"
            )
        ids, encoded = encode_texts(texts, tokenizer, max_seq_len=window)
        tables[split] = pa.table(
            {
                "input_ids": pa.array(ids, pa.list_(pa.int32())),
                "labels": pa.array([index[label] for label in labels], pa.int32()),
            }
        )
        stats[split] = {"file": paths[split], **data.stats, **encoded, "examples": len(texts)}
    return tables, {"labels": names, "pad_id": pad_id(tokenizer), "stats": stats}


def load_eval(root: Path, split: str) -> pa.Table | None:
    return read_split(root, split)


def build_model(model_dir: Path, meta: dict[str, Any], recipe: Any) -> Any:
    from transformers import AutoModelForSequenceClassification

    return load_head_model(AutoModelForSequenceClassification, model_dir, meta, recipe)


def evaluate(model, table, meta, device, *, batch_size, autocast, with_report=False):
    """Accuracy, macro-F1 (as ``f1``) and per-label scores of the split."""
    ids = table["input_ids"].to_pylist()
    gold = table["labels"].to_pylist()
    pred = [
        int(p)
        for p in predict(
            model, ids, meta["pad_id"], device, batch_size=batch_size, autocast=autocast
        )
    ]
    scores = classification_scores(gold, pred, meta["labels"])
    scores["f1"] = scores["macro_f1"]
    if with_report:
        scores["report"] = classification_report(gold, pred, meta["labels"])
    return scores
