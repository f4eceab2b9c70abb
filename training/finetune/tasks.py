"""The two fine-tuning tasks behind one small surface: ``encode_splits`` (driver, before training),
``build_model``, ``collate`` and ``evaluate`` (workers)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import torch

from pipelines.core.errors import ConfigError

IGNORE = -100  # label of positions the loss skips (special tokens, later sub-tokens, padding)


def get(task: str) -> ModuleType:
    if task == "ner":
        from training.finetune import ner_task

        return ner_task
    if task == "classify":
        from training.finetune import classify_task

        return classify_task
    raise ConfigError(f"Unknown task {task!r}. Available: classify, ner")


def pad_id(tokenizer: Any) -> int:
    """The id batches are padded with: the tokenizer's pad token, else its eos, else 0."""
    ids = (tokenizer.pad_token_id, tokenizer.eos_token_id, 0)
    return next(i for i in ids if i is not None)


def pad(rows: list[np.ndarray], value: int) -> torch.Tensor:
    width = max(len(r) for r in rows)
    out = np.full((len(rows), width), value, dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return torch.from_numpy(out)


def collate(
    ids: list[np.ndarray], labels: list[Any], pad_id: int, device: torch.device
) -> dict[str, torch.Tensor]:
    """A padded batch: per-token labels (NER) are padded with IGNORE, a label per row stacks."""
    input_ids = pad(ids, pad_id)
    mask = pad([np.ones(len(r), np.int64) for r in ids], 0)
    if isinstance(labels[0], list | np.ndarray):
        target = pad([np.asarray(x, np.int64) for x in labels], IGNORE)
    else:
        target = torch.tensor(labels, dtype=torch.int64)
    batch = {"input_ids": input_ids, "attention_mask": mask, "labels": target}
    return {k: v.to(device, non_blocking=True) for k, v in batch.items()}


def eval_batches(ids: list[list[int]], batch_size: int) -> Iterator[list[int]]:
    """Row indices in batches of similar length (less padding), every row once."""
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


@torch.no_grad()
def predict(
    model: torch.nn.Module,
    ids: list[list[int]],
    pad_id: int,
    device: torch.device,
    *,
    batch_size: int,
    autocast: Any = contextlib.nullcontext,
) -> list[np.ndarray]:
    """Argmax label ids per row: per token (token classification) or one per row."""
    out: list[Any] = [None] * len(ids)
    for rows in eval_batches(ids, batch_size):
        arrays = [np.asarray(ids[i], np.int64) for i in rows]
        input_ids = pad(arrays, pad_id).to(device)
        mask = pad([np.ones(len(a), np.int64) for a in arrays], 0).to(device)
        with autocast():
            logits = model(input_ids=input_ids, attention_mask=mask).logits
        best = logits.argmax(-1).cpu().numpy()
        for k, i in enumerate(rows):
            out[i] = best[k, : len(arrays[k])] if best.ndim == 2 else best[k]
    return out


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """No "newly initialized weights" warnings: a new task head is the point of fine-tuning."""
    from transformers.utils import logging as hf_logging

    level, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()  # "Loading weights" bars
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


def load_head_model(auto_class: Any, model_dir: Path, meta: dict[str, Any], recipe: Any) -> Any:
    """The base model with a fresh ``auto_class`` head for ``meta``'s labels, LoRA-wrapped when
    the recipe asks."""
    labels = meta["labels"]
    from transformers import AutoConfig

    extra = {k: meta[k] for k in ("max_position_embeddings",) if k in meta}  # rotary only
    if meta["task"] == "classify" and recipe.model.pooling != "model":
        extra["classifier_pooling"] = recipe.model.pooling
        if not hasattr(AutoConfig.from_pretrained(str(model_dir)), "classifier_pooling"):
            raise ConfigError(
                f"pooling={recipe.model.pooling}: {model_dir} has no classifier_pooling setting "
                "(ModernBERT has); use pooling=model"
            )
    with quiet_transformers():
        model = auto_class.from_pretrained(
            str(model_dir),
            num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={name: i for i, name in enumerate(labels)},
            classifier_dropout=recipe.model.classifier_dropout,
            **extra,
        )
    if recipe.model.peft == "lora":
        from training.finetune.lora import wrap_lora

        model = wrap_lora(model, recipe.lora, meta["task"])
    return model
