"""Fine-tuning recipes (``training/recipes/finetune-*.yaml``): typed model / LoRA / optimizer /
loop sections, ``--set`` overrides on the same dotted keys as pretraining, and the Tune search
space and settings (``search:``, ``tune:``) that ``forage tune`` reads."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.core.errors import ConfigError
from pipelines.core.typecheck import read_recipe_yaml, recipe_names
from training.config import RECIPES_DIR, build_sections, parse_overrides, route_key

PREFIX = "finetune-"
TASKS = ("ner", "classify")
PEFT = ("none", "lora")
POOLING = ("model", "cls", "mean")


@dataclass(frozen=True, kw_only=True)
class FtModelConfig:
    """What the base model sees. ``max_seq_len`` 0: the model's own window (at most 512)."""

    max_seq_len: int = 0  # tokens per window, special tokens included
    stride: int = 16  # ner: sub-tokens shared by consecutive windows of a long sentence
    peft: str = "none"  # none (every weight trains) | lora
    classifier_dropout: float = 0.1
    pooling: str = (
        "model"  # classify: the model's own | cls | mean (models with classifier_pooling)
    )

    def __post_init__(self) -> None:
        if self.pooling not in POOLING:
            raise ConfigError(f"pooling={self.pooling!r} must be one of: {', '.join(POOLING)}")
        if self.max_seq_len < 0 or (self.max_seq_len and self.max_seq_len < 8):
            raise ConfigError(f"max_seq_len={self.max_seq_len} must be 0 (the model's) or >= 8")
        if self.stride < 0:
            raise ConfigError(f"stride={self.stride} must be >= 0")
        if self.peft not in PEFT:
            raise ConfigError(f"peft={self.peft!r} must be one of: {', '.join(PEFT)}")
        if not 0 <= self.classifier_dropout < 1:
            raise ConfigError(f"classifier_dropout={self.classifier_dropout} must be in [0, 1)")


@dataclass(frozen=True, kw_only=True)
class LoraConfig:
    """LoRA adapters (peft): rank ``r``, scale ``alpha / r``; merged into the weights on export."""

    r: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: list[str] | None = None  # None: every linear layer but the head

    def __post_init__(self) -> None:
        if self.r < 1 or self.alpha < 1:
            raise ConfigError(f"lora.r={self.r} and lora.alpha={self.alpha} must be >= 1")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"lora.dropout={self.dropout} must be in [0, 1)")


@dataclass(frozen=True, kw_only=True)
class FtOptimConfig:
    """AdamW; linear warmup over ``warmup_ratio`` of the steps, then linear decay to 0 (BERT)."""

    lr: float = 3e-4
    betas: list[float] = dataclasses.field(default_factory=lambda: [0.9, 0.999])
    weight_decay: float = 0.01  # on 2-D weights only
    warmup_ratio: float = 0.1
    grad_clip: float = 1.0

    def __post_init__(self) -> None:
        if self.lr <= 0:
            raise ConfigError(f"lr={self.lr} must be > 0")
        if not 0 <= self.warmup_ratio < 1:
            raise ConfigError(f"warmup_ratio={self.warmup_ratio} must be in [0, 1)")
        if self.weight_decay < 0 or self.grad_clip < 0:
            raise ConfigError("weight_decay and grad_clip must be >= 0")
        if len(self.betas) != 2 or not all(0 <= b < 1 for b in self.betas):
            raise ConfigError(f"betas={self.betas} must be two numbers in [0, 1)")


@dataclass(frozen=True, kw_only=True)
class FtTrainConfig:
    """Epochs over the train set; dev is scored after each; stop after ``patience`` epochs
    without a better dev F1 (0: never stop early)."""

    epochs: int = 3
    batch_size: int = 32  # examples (windows) per worker per step
    eval_batch_size: int = 128
    patience: int = 2
    max_train_examples: int | None = None  # the first N training examples (sentences, rows)
    max_eval_examples: int | None = None  # the first N of dev and of test
    log_every: int = 50  # steps
    seed: int = 42
    num_workers: int = 0  # 0: Ray Train local mode (in-process)
    use_gpu: bool = False
    cpus_per_worker: int = 1
    bf16: bool | None = None  # None: on a GPU

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "eval_batch_size", "log_every", "cpus_per_worker"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be >= 1")
        if self.patience < 0 or self.num_workers < 0:
            raise ConfigError("patience and num_workers must be >= 0")
        for name in ("max_train_examples", "max_eval_examples"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ConfigError(f"{name}={value} must be >= 1 (or null: all)")


SECTIONS = {
    "model": FtModelConfig,
    "lora": LoraConfig,
    "optim": FtOptimConfig,
    "train": FtTrainConfig,
}


@dataclass(frozen=True, kw_only=True)
class FinetuneRecipe:
    name: str = "custom"
    model: FtModelConfig = dataclasses.field(default_factory=FtModelConfig)
    lora: LoraConfig = dataclasses.field(default_factory=LoraConfig)
    optim: FtOptimConfig = dataclasses.field(default_factory=FtOptimConfig)
    train: FtTrainConfig = dataclasses.field(default_factory=FtTrainConfig)
    search: dict[str, Any] = dataclasses.field(default_factory=dict)  # forage tune's space
    tune: dict[str, Any] = dataclasses.field(default_factory=dict)  # forage tune's settings

    def to_dict(self) -> dict[str, Any]:
        return {name: dataclasses.asdict(getattr(self, name)) for name in SECTIONS}

    def with_settings(self, settings: dict[str, Any]) -> FinetuneRecipe:
        """A copy with dotted settings applied (``lr``, ``lora.r``: a Tune trial's config)."""
        data = self.to_dict()
        for key, value in settings.items():
            section, field = route_key(key, SECTIONS)
            data[section][field] = value
        return FinetuneRecipe(
            name=self.name, search=self.search, tune=self.tune, **build_sections(data, SECTIONS)
        )


def available_finetune_recipes() -> list[str]:
    return [n.removeprefix(PREFIX) for n in recipe_names(RECIPES_DIR) if n.startswith(PREFIX)]


def load_finetune_recipe(
    name_or_path: str, overrides: list[str] = (), *, task: str | None = None
) -> FinetuneRecipe:
    """``smoke`` → training/recipes/finetune-smoke.yaml, or a YAML path; then the recipe's
    ``tasks: {TASK: {...}}`` values for ``task``; then ``--set``."""
    path = Path(name_or_path)
    stem = name_or_path if path.suffix in (".yaml", ".yml") else f"{PREFIX}{name_or_path}"
    try:
        data = read_recipe_yaml(stem, RECIPES_DIR, what="fine-tune recipe", shape="sections")
    except ConfigError:
        known = ", ".join(available_finetune_recipes())
        raise ConfigError(
            f"Unknown fine-tune recipe {name_or_path!r}: not a file, and not one of {known}"
        ) from None
    return finetune_recipe_from_dict(data, overrides, name=name_or_path, task=task)


def finetune_recipe_from_dict(
    data: dict[str, Any],
    overrides: list[str] = (),
    *,
    name: str = "custom",
    task: str | None = None,
) -> FinetuneRecipe:
    data = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    search, tune = data.pop("search", None) or {}, data.pop("tune", None) or {}
    per_task = data.pop("tasks", None) or {}
    if unknown := sorted(set(per_task) - set(TASKS)):
        raise ConfigError(f"recipe {name}: tasks: {', '.join(unknown)} (tasks are: ner, classify)")
    chosen = [(*route_key(k, SECTIONS), v) for k, v in (per_task.get(task) or {}).items()]
    for section, field, value in chosen + parse_overrides(overrides, SECTIONS):
        data.setdefault(section, {})[field] = value
    for key in search:
        route_key(key, SECTIONS)  # a search key must be a --set key
    return FinetuneRecipe(name=name, search=search, tune=tune, **build_sections(data, SECTIONS))
