"""Pretraining recipes: typed model / optimizer / loop configs, YAML files and ``key=value`` overrides."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipelines.core.errors import ConfigError
from pipelines.core.typecheck import check_type, read_recipe_yaml, recipe_names

RECIPES_DIR = Path(__file__).parent / "recipes"
ARCHS = {"clm": ("gpt2", "llama"), "mlm": ("modernbert", "bert")}


@dataclass(frozen=True, kw_only=True)
class ModelConfig:
    """The network. ``arch: auto`` picks gpt2 for clm and modernbert for mlm."""

    objective: str = "clm"  # clm (next token) | mlm (masked tokens)
    arch: str = "auto"  # gpt2 | llama (clm), modernbert | bert (mlm)
    n_layer: int = 2
    n_head: int = 2
    d_model: int = 64
    d_ff: int = 256
    seq_len: int = 64  # tokens per packed block; must equal the data's seq_len
    dropout: float = 0.0
    tie_embeddings: bool = True
    vocab_size: int = 0  # 0: the tokenizer's size from packed.json
    vocab_multiple: int = 64  # pad the embedding to a multiple of this (GPU matmul shapes)

    def __post_init__(self) -> None:
        if self.objective not in ARCHS:
            raise ConfigError(f"objective={self.objective!r} must be one of: clm, mlm")
        if self.arch == "auto":
            object.__setattr__(self, "arch", ARCHS[self.objective][0])
        if self.arch not in ARCHS[self.objective]:
            raise ConfigError(
                f"arch={self.arch!r} does not fit objective={self.objective}; "
                f"use one of {', '.join(ARCHS[self.objective])} (or arch=auto)"
            )
        for name in ("n_layer", "n_head", "d_model", "d_ff", "seq_len", "vocab_multiple"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be >= 1")
        if self.d_model % self.n_head:
            raise ConfigError(f"d_model={self.d_model} must be divisible by n_head={self.n_head}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"dropout={self.dropout} must be in [0, 1)")
        if self.vocab_size < 0:
            raise ConfigError(f"vocab_size={self.vocab_size} must be >= 0 (0: from the data)")


@dataclass(frozen=True, kw_only=True)
class OptimConfig:
    """AdamW with linear warmup then cosine decay to ``min_lr`` at ``decay_steps``."""

    lr: float = 1e-3
    betas: list[float] = dataclasses.field(default_factory=lambda: [0.9, 0.99])
    weight_decay: float = 0.1  # on 2-D weights only (nanoGPT)
    warmup_steps: int = 20
    decay_steps: int | None = None  # schedule length; None: max_steps. Fix it to extend a run
    min_lr: float = 1e-4
    grad_clip: float = 1.0  # max global grad norm; 0 turns clipping off

    def __post_init__(self) -> None:
        if self.lr <= 0 or not 0 <= self.min_lr <= self.lr:
            raise ConfigError(
                f"need 0 < lr and 0 <= min_lr <= lr, got lr={self.lr} min_lr={self.min_lr}"
            )
        if len(self.betas) != 2 or not all(0 <= b < 1 for b in self.betas):
            raise ConfigError(f"betas={self.betas} must be two numbers in [0, 1)")
        if self.warmup_steps < 0 or self.weight_decay < 0 or self.grad_clip < 0:
            raise ConfigError("warmup_steps, weight_decay and grad_clip must be >= 0")
        if self.decay_steps is not None and self.decay_steps < 1:
            raise ConfigError(f"decay_steps={self.decay_steps} must be >= 1 (or null: max_steps)")


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """The loop and its resources. Batches count packed blocks per worker per micro-step."""

    max_steps: int = 200  # optimizer steps; raise it on a finished run to extend the run
    batch_size: int = 16  # blocks per worker per micro-step
    grad_accum: int = 1  # micro-steps per optimizer step
    eval_every: int = 50
    eval_steps: int = 10  # validation batches per eval (the first ones of val, fixed)
    log_every: int = 10
    ckpt_every: int = 100
    keep_checkpoints: int = 3
    seed: int = 1337
    num_workers: int = 0  # 0: Ray Train local mode (in-process, no fault tolerance)
    use_gpu: bool = False
    # CPUs Ray reserves for each worker (its torch threads); with use_gpu the CPUs beside the GPU.
    # Reserving what a worker really uses matters: a 1-CPU worker runs with OMP_NUM_THREADS=1.
    cpus_per_worker: int = 1
    compile: bool = False  # torch.compile; pays off on GPU, not for tiny CPU models
    bf16: bool | None = None  # None: bf16 autocast when training on a GPU
    mask_prob: float = 0.15  # mlm: share of non-special tokens to predict

    def __post_init__(self) -> None:
        for name in ("max_steps", "batch_size", "grad_accum", "eval_every", "eval_steps"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be >= 1")
        for name in ("log_every", "ckpt_every", "keep_checkpoints"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be >= 1")
        if self.num_workers < 0:
            raise ConfigError(f"num_workers={self.num_workers} must be >= 0 (0: local mode)")
        if self.cpus_per_worker < 1:
            raise ConfigError(f"cpus_per_worker={self.cpus_per_worker} must be >= 1")
        if not 0 < self.mask_prob < 1:
            raise ConfigError(f"mask_prob={self.mask_prob} must be in (0, 1)")


SECTIONS = {"model": ModelConfig, "optim": OptimConfig, "train": TrainConfig}


@dataclass(frozen=True, kw_only=True)
class Recipe:
    """A validated pretraining recipe."""

    model: ModelConfig = dataclasses.field(default_factory=ModelConfig)
    optim: OptimConfig = dataclasses.field(default_factory=OptimConfig)
    train: TrainConfig = dataclasses.field(default_factory=TrainConfig)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """The resolved recipe (every default filled in), as stored in checkpoints and run.json."""
        return {name: dataclasses.asdict(getattr(self, name)) for name in SECTIONS}

    def replace(self, **overrides: Any) -> Recipe:
        """A copy with flat ``key=value`` overrides applied (``lr=3e-4``, ``model.n_layer=4``)."""
        data = self.to_dict()
        for key, value in overrides.items():
            section, field = route_key(key)
            data[section][field] = value
        return recipe_from_dict(data)


def available_recipes() -> list[str]:
    """The pretraining recipes (fine-tune recipes are named ``finetune-*``)."""
    return [n for n in recipe_names(RECIPES_DIR) if not n.startswith("finetune-")]


def load_recipe(name_or_path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Recipe:
    """Load ``training/recipes/NAME.yaml`` or a YAML path, apply ``key=value`` overrides, validate."""
    data = read_recipe_yaml(
        name_or_path, RECIPES_DIR, what="training recipe", shape="model/optim/train sections"
    )
    settings = parse_overrides(overrides)
    # `objectives: {mlm: {lr: ...}}`: values that differ by objective, before the --set ones.
    per_objective = data.pop("objectives", None) or {}
    objective = next(
        (v for _, f, v in settings if f == "objective"),
        (data.get("model") or {}).get("objective", "clm"),
    )
    chosen = [(*route_key(k), v) for k, v in (per_objective.get(objective) or {}).items()]
    for section, field, value in chosen + settings:
        data.setdefault(section, {})
        if not isinstance(data[section], dict):
            raise ConfigError(f"recipe {name_or_path}: {section!r} must be a mapping")
        data[section][field] = value
    return recipe_from_dict(data)


def route_key(key: str, sections: dict[str, type] = SECTIONS) -> tuple[str, str]:
    """``lr`` → (optim, lr); ``model.n_layer`` → (model, n_layer); unknown keys list valid ones."""
    head, dot, rest = key.partition(".")
    if dot and head in sections and rest in _field_names(sections[head]):
        return head, rest
    owners = [name for name, cls in sections.items() if key in _field_names(cls)]
    if len(owners) == 1:
        return owners[0], key
    valid = sorted(f for cls in sections.values() for f in _field_names(cls))
    raise ConfigError(f"Unknown training key {key!r}. Valid keys: {', '.join(valid)}")


def parse_overrides(
    overrides: list[str] | tuple[str, ...], sections: dict[str, type] = SECTIONS
) -> list[tuple[str, str, Any]]:
    """``--set key=value`` items → (section, field, YAML value)."""
    settings = []
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set expects key=value, got {item!r}")
        settings.append((*route_key(key.strip(), sections), yaml.safe_load(raw) if raw else None))
    return settings


def recipe_from_dict(data: dict[str, Any]) -> Recipe:
    return Recipe(**build_sections(data, SECTIONS))


def build_sections(data: dict[str, Any], sections: dict[str, type]) -> dict[str, Any]:
    """Each section's typed config from recipe data; unknown sections and keys name the valid ones."""
    unknown = sorted(set(data) - set(sections))
    if unknown:
        raise ConfigError(
            f"Unknown recipe section {unknown[0]!r}. Available: {', '.join(sections)}"
        )
    parts = {}
    for name, cls in sections.items():
        params = dict(data.get(name) or {})
        fields = _field_names(cls)
        bad = sorted(set(params) - set(fields))
        if bad:
            raise ConfigError(
                f"Unknown key {bad[0]!r} in {name}. Available: {', '.join(sorted(fields))}"
            )
        hints = typing.get_type_hints(cls)
        parts[name] = cls(**{k: check_type(k, v, hints[k]) for k, v in params.items()})
    return parts


def _field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]
