"""Before any worker starts: read and check the task's files, encode them with the base model's
tokenizer and write ``OUT/data/{train,dev,test}.parquet`` + ``meta.json``, which every worker
(and every Tune trial) reads. Bad input fails here, naming the file and line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipelines.core.errors import InputError
from pipelines.output.atomic import write_json, write_parquet
from training.finetune.config import FinetuneRecipe

DATA = "data"
META = "meta.json"
SPLITS = ("train", "dev", "test")


@dataclass(frozen=True, kw_only=True)
class TaskFiles:
    """The command line's data options."""

    task: str  # ner | classify
    train: str
    dev: str
    test: str | None = None
    text_column: str | int = "sentence"  # classify
    label_column: str | int = "label"  # classify
    header: bool = True  # classify: delimited files start with a header line
    tag_column: int = -1  # ner: the tag's column (default the last)


ROTARY_KEYS = ("rope_parameters", "rope_theta", "global_rope_theta", "rope_scaling")


def is_rotary(config: dict[str, Any]) -> bool:
    """Rotary position encodings (ModernBERT, Llama-style): no learned position table, so a
    window longer than pretraining's is a config change, not missing weights."""
    return any(config.get(key) for key in ROTARY_KEYS)


def base_window(model_dir: Path, recipe: FinetuneRecipe) -> int:
    """Tokens per window: the recipe's, else the base model's position limit (at most 512). A
    rotary model may be fine-tuned on windows longer than it was pretrained on; a model with
    learned positions (BERT, GPT-2) may not."""
    config = json.loads((model_dir / "config.json").read_text())
    limit = config.get("max_position_embeddings") or config.get("n_positions") or 512
    window = recipe.model.max_seq_len or min(int(limit), 512)
    if window > limit and not is_rotary(config):
        raise InputError(
            f"max_seq_len={window} exceeds {model_dir}'s {limit} learned positions; --set "
            f"max_seq_len={limit} or less"
        )
    return window


def prepare(files: TaskFiles, model_dir: Path, recipe: FinetuneRecipe, out: Path) -> dict:
    """Encode every split into ``out/data``; returns the meta (labels, stats, window)."""
    from transformers import AutoTokenizer

    check_model_dir(model_dir)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    window = base_window(model_dir, recipe)
    t = recipe.train
    limits = {
        "train": t.max_train_examples,
        "dev": t.max_eval_examples,
        "test": t.max_eval_examples,
    }
    paths = {"train": files.train, "dev": files.dev, "test": files.test}
    if files.task == "ner":
        from training.finetune.ner_task import encode_splits
    else:
        from training.finetune.classify_task import encode_splits
    tables, meta = encode_splits(files, paths, limits, tokenizer, window, recipe)
    for split, table in tables.items():
        write_parquet(table, out / DATA / f"{split}.parquet")
    meta |= {"task": files.task, "max_seq_len": window, "base_model": str(model_dir)}
    config = json.loads((model_dir / "config.json").read_text())
    if window > (config.get("max_position_embeddings") or window):
        meta["max_position_embeddings"] = window  # a rotary model's longer window
    write_json(out / DATA / META, meta)
    return meta


def check_model_dir(model_dir: Path) -> None:
    if not (model_dir / "config.json").is_file():
        raise InputError(
            f"{model_dir} is not a model directory (no config.json): pass RUN/hf of `forage "
            "pretrain`, or a local Hugging Face model directory (e.g. bert-base-cased)"
        )
    if not any(
        (model_dir / f).is_file() for f in ("tokenizer.json", "vocab.txt", "tokenizer_config.json")
    ):
        raise InputError(f"{model_dir} has no tokenizer files (tokenizer.json, vocab.txt)")


def read_meta(out: Path) -> dict[str, Any]:
    return json.loads((out / DATA / META).read_text())


def read_split(out: Path, split: str) -> pa.Table | None:
    import pyarrow.parquet as pq

    path = out / DATA / f"{split}.parquet"
    return pq.read_table(path) if path.is_file() else None
