"""Token classification on CoNLL files: IOB2 labels from the train split, the label on each
word's first sub-token, long sentences in overlapping windows, entity F1 with seqeval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from pipelines.core.errors import InputError
from training.finetune.conll import ConllData, check_labels, label_list, read_conll
from training.finetune.ner_data import Window, encode_ner, merge_predictions
from training.finetune.prepare import read_split
from training.finetune.scores import ner_report, ner_scores
from training.finetune.tasks import load_head_model, pad_id, predict

PRIMARY = "entity F1 (seqeval, IOB2)"


def encode_splits(files, paths, limits, tokenizer, window, recipe):
    """{split: windows table, split.sentences: gold tags} and the meta (labels, counts)."""
    data: dict[str, ConllData] = {}
    for split, path in paths.items():
        if path is None:
            continue
        read = read_conll(path, tag_column=files.tag_column)
        limit = limits[split]
        sentences = read.sentences[:limit] if limit else read.sentences
        data[split] = ConllData(sentences=sentences, scheme=read.scheme, stats=read.stats)
        if not sentences:
            raise InputError(f"{path} has no sentences")
    labels = label_list(data["train"])
    label2id = {name: i for i, name in enumerate(labels)}
    tables: dict[str, pa.Table] = {}
    stats: dict[str, Any] = {}
    for split, d in data.items():
        windows, encoded = encode_ner(
            d.sentences, tokenizer, label2id, max_seq_len=window, stride=recipe.model.stride
        )
        tables[split] = windows_table(windows)
        tables[f"{split}.sentences"] = pa.table({"tags": [list(s.tags) for s in d.sentences]})
        stats[split] = {"file": paths[split], "scheme": d.scheme, **d.stats, **encoded}
        stats[split]["examples"] = len(d.sentences)
        if split != "train":
            stats[split]["unseen_labels"] = check_labels(labels, d, split)
    return tables, {"labels": labels, "pad_id": pad_id(tokenizer), "stats": stats}


def windows_table(windows: list[Window]) -> pa.Table:
    return pa.table(
        {
            "input_ids": pa.array([w.input_ids for w in windows], pa.list_(pa.int32())),
            "labels": pa.array([w.labels for w in windows], pa.list_(pa.int32())),
            "sentence": pa.array([w.sentence for w in windows], pa.int32()),
            "word_ids": pa.array(
                [[-1 if i is None else i for i in w.word_ids] for w in windows],
                pa.list_(pa.int32()),
            ),
            "first": pa.array([w.first for w in windows], pa.int32()),
            "last": pa.array([w.last for w in windows], pa.int32()),
        }
    )


def load_eval(root: Path, split: str) -> tuple[pa.Table, pa.Table] | None:
    """The split's windows and its sentences' gold tags (None: no such split)."""
    windows = read_split(root, split)
    return None if windows is None else (windows, read_split(root, f"{split}.sentences"))


def build_model(model_dir: Path, meta: dict[str, Any], recipe: Any) -> Any:
    from transformers import AutoModelForTokenClassification

    return load_head_model(AutoModelForTokenClassification, model_dir, meta, recipe)


def evaluate(model, table, meta, device, *, batch_size, autocast, with_report=False):
    """Entity P/R/F1 of the split's sentences (every word predicted once, from the window
    where it is most central)."""
    split, gold = table
    rows = split.to_pylist()
    ids = [r["input_ids"] for r in rows]
    best = predict(model, ids, meta["pad_id"], device, batch_size=batch_size, autocast=autocast)
    windows = [
        Window(
            input_ids=r["input_ids"],
            labels=r["labels"],
            sentence=r["sentence"],
            word_ids=[None if i < 0 else i for i in r["word_ids"]],
            first=r["first"],
            last=r["last"],
        )
        for r in rows
    ]
    tags = gold["tags"].to_pylist()
    merged = merge_predictions(windows, [list(b) for b in best], [len(t) for t in tags])
    names = meta["labels"]
    pred = [[names[i] for i in sentence] for sentence in merged]
    scores = ner_scores(tags, pred)
    if with_report:
        scores["report"] = ner_report(tags, pred)
    return scores
