"""LoRA through peft: adapters on the encoder's linear layers, the task head trained in full, and
a merged export that plain transformers loads."""

from __future__ import annotations

from typing import Any

from torch import nn

from pipelines.core.errors import ConfigError

HEAD_NAMES = ("classifier", "score", "head")  # task heads (and ModernBERT's pooling head)


def wrap_lora(model: nn.Module, cfg: Any, task: str) -> nn.Module:
    """``model`` with LoRA adapters (rank ``cfg.r``); only adapters and the head train."""
    from peft import LoraConfig, TaskType, get_peft_model

    heads = [n for n, _ in model.named_children() if n in HEAD_NAMES]
    targets = cfg.target_modules or linear_targets(model, heads)
    if not targets:
        raise ConfigError("lora: the model has no linear layers to adapt; set lora.target_modules")
    config = LoraConfig(
        task_type=TaskType.TOKEN_CLS if task == "ner" else TaskType.SEQ_CLS,
        r=cfg.r,
        lora_alpha=cfg.alpha,
        lora_dropout=cfg.dropout,
        target_modules=targets,
        modules_to_save=heads,
    )
    try:
        return get_peft_model(model, config)
    except ValueError as exc:  # target names that match nothing
        raise ConfigError(f"lora.target_modules={cfg.target_modules}: {exc}") from None


def linear_targets(model: nn.Module, heads: list[str]) -> list[str]:
    """The distinct names of the linear layers outside the task head (e.g. Wqkv, Wo, Wi)."""
    names = set()
    for full, module in model.named_modules():
        if isinstance(module, nn.Linear) and full.split(".")[0] not in heads:
            names.add(full.rsplit(".", 1)[-1])
    return sorted(names)


def trainable_share(model: nn.Module) -> dict[str, Any]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return {"trainable": trainable, "total": total, "share": round(trainable / total, 6)}


def merged(model: nn.Module) -> nn.Module:
    """The plain transformers model with the adapters folded into its weights."""
    if hasattr(model, "merge_and_unload"):
        return model.merge_and_unload()
    return model
