"""The recipe each input of a curate run gets: one recipe for all (``--recipe``), or, by default,
the recipe of its source kind — ``wikipedia`` for MediaWiki dumps, ``web`` for everything else.

Per-document stages differ between the recipes of a set; the dedup stages must not (dedup runs
once over the whole corpus), and reader options and ``num_cpus`` are shared."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from pipelines.core.errors import ConfigError
from pipelines.inputs import ReadConfig
from pipelines.job.recipe import (
    DEFAULT_RECIPE,
    Recipe,
    apply_override,
    load_recipe,
    load_recipe_data,
    recipe_from_dict,
)
from pipelines.stages.base import Stage

# Input format → its default recipe; formats not listed get DEFAULT_RECIPE (web).
SOURCE_DEFAULTS = {"wikipedia": "wikipedia"}


@dataclass(frozen=True, kw_only=True)
class RecipeSet:
    recipes: dict[str, Recipe]  # name → recipe
    default: str  # the recipe of formats not in by_format
    by_format: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        globals_of = {n: _global_stages(r) for n, r in self.recipes.items()}
        first = globals_of[self.default]
        for name, stages in globals_of.items():
            if stages != first:
                raise ConfigError(
                    f"recipes {self.default!r} and {name!r} differ in their dedup stages; "
                    "dedup runs once over the whole corpus, so give both the same ones"
                )

    @classmethod
    def single(cls, recipe: Recipe) -> RecipeSet:
        return cls(recipes={recipe.name: recipe}, default=recipe.name)

    def for_format(self, fmt: str) -> Recipe:
        return self.recipes[self.by_format.get(fmt, self.default)]

    @property
    def read(self) -> ReadConfig:
        return self.recipes[self.default].read

    @property
    def num_cpus(self) -> int | None:
        return self.recipes[self.default].num_cpus

    def build_stages(self) -> dict[str, list[Stage]]:
        """Every recipe's stages, built (and validated, models loaded) once."""
        return {name: recipe.build_stages() for name, recipe in self.recipes.items()}

    def fingerprint(self) -> str:
        """A single recipe's own fingerprint (so its outputs resume as before); for a set, the
        hash of every member's and of the format mapping."""
        if len(self.recipes) == 1:
            return self.recipes[self.default].fingerprint()
        content = {
            "recipes": {n: r.fingerprint() for n, r in sorted(self.recipes.items())},
            "by_format": dict(sorted(self.by_format.items())),
            "default": self.default,
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]

    def with_recipes(self, recipes: dict[str, Recipe]) -> RecipeSet:
        return RecipeSet(recipes=recipes, default=self.default, by_format=self.by_format)


def _global_stages(recipe: Recipe) -> list[tuple[str, str]]:
    from pipelines.stages import stage_class

    return [
        (s.name, json.dumps(s.params, sort_keys=True, default=str))
        for s in recipe.stages
        if stage_class(s.name).is_global
    ]


def load_recipes(
    name_or_path: str | None, overrides: list[str] = (), *, without: list[str] = ()
) -> RecipeSet:
    """``--recipe`` given: that recipe for every input. Not given: each source kind's default,
    with each ``--set`` applied to every recipe that has its stage (an error if none has).
    ``without``: stage names taken out of the recipe(s) first (the data-value experiment's
    "filtered" variant is a full recipe without its dedup and PII stages)."""
    if name_or_path is not None and not without:
        return RecipeSet.single(load_recipe(name_or_path, overrides))
    if name_or_path is not None:
        data = drop_stages(load_recipe_data(name_or_path), without)
        for item in overrides:
            apply_override(data, item)
        return RecipeSet.single(recipe_from_dict(data, name=name_or_path))
    names = [DEFAULT_RECIPE, *sorted(set(SOURCE_DEFAULTS.values()) - {DEFAULT_RECIPE})]
    data = {name: drop_stages(load_recipe_data(name), without) for name in names}
    for item in overrides:
        errors = []
        for name in names:
            try:
                apply_override(data[name], item)
            except ConfigError as exc:
                errors.append(exc)
        if len(errors) == len(names):
            raise errors[0]
    recipes = {name: recipe_from_dict(data[name], name=name) for name in names}
    return RecipeSet(recipes=recipes, default=DEFAULT_RECIPE, by_format=dict(SOURCE_DEFAULTS))


def drop_stages(data: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """The recipe data without the stages in ``names`` (each must be a known stage)."""
    from pipelines.stages import stage_class

    for name in names:
        stage_class(name)  # an unknown name is a ConfigError listing the stages
    kept = [e for e in data.get("stages") or [] if (e if isinstance(e, str) else next(iter(e)))
            not in set(names)]  # fmt: skip
    return {**data, "stages": kept}


def describe(recipes: RecipeSet) -> dict[str, Any]:
    """Which recipe each source kind gets, for logs and the manifest."""
    return {"default": recipes.default, "by_format": dict(recipes.by_format)}
