"""The data-value experiment's config (``training/experiments/*.yaml``): raw inputs, corpus
variants (curation recipes), a pretraining recipe at equal token budgets, seeds, downstream tasks."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipelines.core.errors import ConfigError

EXPERIMENTS_DIR = Path(__file__).resolve().parents[2] / "training" / "experiments"
TASKS = ("ner", "classify")
CONTROL = "control"  # the random-initialised model: no corpus, budget 0


@dataclass(frozen=True, kw_only=True)
class Variant:
    """One corpus built from the inputs: a curation recipe (None: each source kind's default),
    ``--set`` overrides, and stages taken out of it."""

    name: str
    recipe: str | None = None
    set: tuple[str, ...] = ()
    without: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Task:
    """A downstream task every checkpoint is fine-tuned on, with a fixed recipe."""

    name: str  # ner | classify
    train: str
    dev: str
    test: str | None = None
    recipe: str = "smoke"
    set: tuple[str, ...] = ()
    options: dict[str, Any] = dataclasses.field(default_factory=dict)  # text_column, header, ...

    @property
    def metric(self) -> str:
        """The score the summary compares: test F1 (NER) or test accuracy (classify); dev when
        there is no test file."""
        split = "test" if self.test else "dev"
        return f"{self.name}_{split}_{'f1' if self.name == 'ner' else 'accuracy'}"


@dataclass(frozen=True, kw_only=True)
class ExperimentConfig:
    inputs: tuple[str, ...]
    variants: tuple[Variant, ...]
    pretrain_recipe: str = "smoke"
    pretrain_set: tuple[str, ...] = ()
    tokenizer_variant: str = ""  # the one shared tokenizer is trained on this corpus
    vocab_size: int | None = None  # None: the pretrain recipe's
    budgets: tuple[int, ...] = ()  # pretraining tokens per run
    seeds: tuple[int, ...] = (1, 2, 3)
    control: bool = True
    tasks: tuple[Task, ...] = ()
    cpus_per_cell: float = 1.0
    gpus_per_cell: float = 0.0
    source: str = ""  # the YAML it came from

    def fingerprint(self) -> str:
        """What the finished cells depend on; seeds, budgets and resources may change between
        runs of one experiment directory (new cells are added, finished ones kept)."""
        content = dataclasses.asdict(self)
        for key in ("seeds", "budgets", "control", "cpus_per_cell", "gpus_per_cell", "source"):
            content.pop(key)
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]


def load_experiment(name_or_path: str) -> ExperimentConfig:
    """``smoke`` → training/experiments/smoke.yaml, or a YAML path. Relative data paths in it
    are read from the current directory, as on the command line."""
    path = Path(name_or_path)
    if not path.is_file():
        path = EXPERIMENTS_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in EXPERIMENTS_DIR.glob("*.yaml")))
        raise ConfigError(f"experiment config {name_or_path!r}: not a file, and not one of {known}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of inputs, variants, pretrain, tasks")
    return _parse(data, str(path))


KEYS = ("inputs", "variants", "pretrain", "budgets", "seeds", "control", "tasks", "resources")


def _parse(data: dict[str, Any], source: str) -> ExperimentConfig:
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(f"{source}: unknown key {unknown[0]!r}. Available: {', '.join(KEYS)}")
    inputs = tuple(_strings(data.get("inputs"), "inputs", source))
    if not inputs:
        raise ConfigError(f"{source}: 'inputs' lists no files")
    variants = tuple(_variant(n, v, source) for n, v in _mapping(data, "variants", source).items())
    if not variants:
        raise ConfigError(f"{source}: 'variants' names no corpus recipe")
    if any(v.name == CONTROL for v in variants):
        raise ConfigError(f"{source}: {CONTROL!r} is the random-init control, not a variant name")
    pre = _mapping(data, "pretrain", source, required=False)
    _only(pre, ("recipe", "set", "tokenizer_variant", "vocab_size"), f"{source}: pretrain")
    tokenizer_variant = pre.get("tokenizer_variant", variants[0].name)
    if tokenizer_variant not in {v.name for v in variants}:
        raise ConfigError(f"{source}: tokenizer_variant {tokenizer_variant!r} is not a variant")
    budgets = tuple(_positive_ints(data.get("budgets"), "budgets", source))
    seeds = tuple(_positive_ints(data.get("seeds", [1, 2, 3]), "seeds", source, minimum=0))
    if not budgets or not seeds:
        raise ConfigError(f"{source}: give at least one token budget and one seed")
    tasks = tuple(_task(n, t, source) for n, t in _mapping(data, "tasks", source).items())
    if not tasks:
        raise ConfigError(f"{source}: 'tasks' names no downstream task (ner, classify)")
    res = _mapping(data, "resources", source, required=False)
    _only(res, ("cpus_per_cell", "gpus_per_cell"), f"{source}: resources")
    return ExperimentConfig(
        inputs=inputs,
        variants=variants,
        pretrain_recipe=str(pre.get("recipe", "smoke")),
        pretrain_set=tuple(_strings(pre.get("set"), "pretrain.set", source)),
        tokenizer_variant=tokenizer_variant,
        vocab_size=pre.get("vocab_size"),
        budgets=tuple(sorted(set(budgets))),
        seeds=tuple(dict.fromkeys(seeds)),
        control=bool(data.get("control", True)),
        tasks=tasks,
        cpus_per_cell=float(res.get("cpus_per_cell", 1)),
        gpus_per_cell=float(res.get("gpus_per_cell", 0)),
        source=source,
    )


def _variant(name: str, value: Any, source: str) -> Variant:
    spec = value or {}
    if not isinstance(spec, dict):
        raise ConfigError(f"{source}: variant {name!r} must be a mapping like {{recipe: web}}")
    _only(spec, ("recipe", "set", "without"), f"{source}: variant {name!r}")
    recipe = spec.get("recipe")
    return Variant(
        name=str(name),
        recipe=None if recipe in (None, "auto") else str(recipe),
        set=tuple(_strings(spec.get("set"), f"variant {name}.set", source)),
        without=tuple(_strings(spec.get("without"), f"variant {name}.without", source)),
    )


def _task(name: str, value: Any, source: str) -> Task:
    if name not in TASKS:
        raise ConfigError(f"{source}: unknown task {name!r}. Available: {', '.join(TASKS)}")
    spec = dict(value or {})
    for key in ("train", "dev"):
        if not spec.get(key):
            raise ConfigError(f"{source}: task {name!r} needs a {key!r} file")
    known = ("train", "dev", "test", "recipe", "set")
    options = {k: spec.pop(k) for k in list(spec) if k not in known}
    allowed = ("tag_column",) if name == "ner" else ("text_column", "label_column", "header")
    _only(options, allowed, f"{source}: task {name!r} (besides {', '.join(known)})")
    return Task(
        name=name,
        train=str(spec["train"]),
        dev=str(spec["dev"]),
        test=str(spec["test"]) if spec.get("test") else None,
        recipe=str(spec.get("recipe", "smoke")),
        set=tuple(_strings(spec.get("set"), f"tasks.{name}.set", source)),
        options=options,
    )


def _mapping(data: dict[str, Any], key: str, source: str, *, required: bool = True) -> dict:
    value = data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {key!r} must be a mapping")
    return value


def _only(spec: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(spec) - set(allowed))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}. Available: {', '.join(allowed)}")


def _strings(value: Any, key: str, source: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise ConfigError(f"{source}: {key!r} must be a list of strings")
    return [str(v) for v in value]


def _positive_ints(value: Any, key: str, source: str, *, minimum: int = 1) -> list[int]:
    items = value if isinstance(value, list) else [value]
    if value is None or not all(isinstance(v, int) and v >= minimum for v in items):
        raise ConfigError(f"{source}: {key!r} must be a list of integers >= {minimum}")
    return items
