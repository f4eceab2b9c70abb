"""Recipes: YAML data selecting stages and parameters, dotted ``--set`` overrides, typed validation."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipelines.core.errors import ConfigError
from pipelines.core.typecheck import read_recipe_yaml, recipe_names
from pipelines.inputs import ReadConfig
from pipelines.stages import build_config, build_stage, stage_class
from pipelines.stages.base import Stage

RECIPES_DIR = Path(__file__).resolve().parents[1] / "recipes"
DEFAULT_RECIPE = "web"
TOP_LEVEL_KEYS = ("stages", "read", "num_cpus")


@dataclass(frozen=True, kw_only=True)
class StageSpec:
    name: str
    params: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class Recipe:
    """A validated recipe: the stage chain, reader options and execution settings."""

    stages: tuple[StageSpec, ...]
    name: str = "custom"  # the recipe's name or YAML path, as the manifest reports it
    read: ReadConfig = dataclasses.field(default_factory=ReadConfig)
    num_cpus: int | None = None  # local Ray only; None uses every core

    def build_stages(self) -> list[Stage]:
        return [build_stage(s.name, s.params) for s in self.stages]

    def resolved(self, *, redact: bool = True) -> dict[str, Any]:
        """The recipe with every default filled in, as recorded in the manifest (secrets
        redacted: storage credentials, and stage parameters marked ``secret`` like pii.salt)."""
        stages = [
            {s.name: _stage_params(build_config(s.name, s.params), redact)} for s in self.stages
        ]
        read = dataclasses.asdict(self.read)
        read["storage_options"] = {k: "<redacted>" for k in read["storage_options"]}  # secrets
        return {"stages": stages, "read": read, "num_cpus": self.num_cpus}

    def fingerprint(self) -> str:
        """Hash of what decides the output (not execution settings like num_cpus)."""
        content = self.resolved(redact=False)  # another pii.salt gives other output
        content.pop("num_cpus")
        content["read"].pop("storage_options")  # credentials never change results
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]


def _stage_params(config: Any, redact: bool) -> dict[str, Any]:
    params = dataclasses.asdict(config)
    for field in dataclasses.fields(config):
        if redact and field.metadata.get("secret") and params[field.name]:
            params[field.name] = "<redacted>"
    return params


def available_recipes() -> list[str]:
    return recipe_names(RECIPES_DIR)


def load_recipe(name_or_path: str | None, overrides: list[str] = ()) -> Recipe:
    """Load a recipe by name (``web``) or YAML path, apply ``key=value`` overrides, validate."""
    data = load_recipe_data(name_or_path or DEFAULT_RECIPE)
    for item in overrides:
        apply_override(data, item)
    return recipe_from_dict(data, name=name_or_path or DEFAULT_RECIPE)


def recipe_from_dict(data: dict[str, Any], *, name: str = "custom") -> Recipe:
    unknown = sorted(set(data) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise ConfigError(
            f"Unknown recipe key {unknown[0]!r}. Available: {', '.join(TOP_LEVEL_KEYS)}"
        )
    stages = tuple(StageSpec(name=n, params=p) for n, p in _stage_items(data.get("stages")))
    for spec in stages:
        build_config(spec.name, spec.params)  # validate now, before any work starts
    read_fields = {f.name for f in dataclasses.fields(ReadConfig)}
    read = dict(data.get("read") or {})
    bad = sorted(set(read) - read_fields)
    if bad:
        raise ConfigError(
            f"Unknown read option {bad[0]!r}. Available: {', '.join(sorted(read_fields))}"
        )
    num_cpus = data.get("num_cpus")
    if num_cpus is not None and (not isinstance(num_cpus, int) or num_cpus < 1):
        raise ConfigError(f"num_cpus={num_cpus!r} must be a positive integer")
    return Recipe(stages=stages, name=name, read=ReadConfig(**read), num_cpus=num_cpus)


def load_recipe_data(name_or_path: str) -> dict[str, Any]:
    """A recipe's YAML as data, before overrides and validation."""
    return read_recipe_yaml(name_or_path, RECIPES_DIR, what="recipe", shape="a 'stages' list")


def _stage_items(stages: Any) -> list[tuple[str, dict[str, Any]]]:
    if stages is None:
        return []
    if not isinstance(stages, list):
        raise ConfigError("recipe 'stages' must be a list like [{langid: {keep: [en]}}]")
    items = []
    for entry in stages:
        if isinstance(entry, str):
            items.append((entry, {}))
        elif isinstance(entry, dict) and len(entry) == 1:
            name, params = next(iter(entry.items()))
            if params is not None and not isinstance(params, dict):
                raise ConfigError(f"parameters of stage {name!r} must be a mapping")
            stage_class(name)
            items.append((name, dict(params or {})))
        else:
            raise ConfigError(f"each stage is 'name' or {{name: {{params}}}}, got {entry!r}")
    return items


def apply_override(data: dict[str, Any], item: str) -> None:
    """``stage.param=value`` sets a stage parameter; ``read.x=v`` and ``num_cpus=N`` likewise."""
    key, sep, raw = item.partition("=")
    if not sep or not key:
        raise ConfigError(f"--set expects key=value, got {item!r}")
    value = yaml.safe_load(raw) if raw else None
    head, _, rest = key.partition(".")
    if head == "num_cpus" and not rest:
        data["num_cpus"] = value
        return
    if head == "read" and rest:
        data.setdefault("read", {})[rest] = value
        return
    for entry in data.get("stages") or []:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name == head and rest:
            if isinstance(entry, str):
                entry = {name: {}}
                data["stages"][data["stages"].index(name)] = entry
            entry[name] = dict(entry[name] or {}) | {rest: value}
            return
    names = [e if isinstance(e, str) else next(iter(e)) for e in data.get("stages") or []]
    raise ConfigError(
        f"--set {key}: no stage {head!r} in this recipe (stages: {', '.join(names) or 'none'}); "
        "other keys: read.<option>, num_cpus"
    )
