"""The stage registry: recipe names → stage classes, and building a stage from recipe params."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from pipelines.core.errors import ConfigError
from pipelines.core.typecheck import check_type
from pipelines.dedup.stage import ExactDedup, MinHashDedup
from pipelines.pii.stage import Pii
from pipelines.quality.stage import QualityClassifier
from pipelines.stages.base import Filter, Stage, StageConfig
from pipelines.stages.c4 import C4Quality
from pipelines.stages.fineweb import FineWebQuality
from pipelines.stages.gopher import GopherQuality
from pipelines.stages.gopher_repetition import GopherRepetition
from pipelines.stages.langid import LangId
from pipelines.stages.length import TextLength
from pipelines.stages.normalize import Normalize
from pipelines.stages.url_filter import UrlFilter

# Pipeline order (the web recipe lists them in this order).
STAGES: dict[str, type[Stage]] = {
    cls.name: cls
    for cls in (
        UrlFilter,
        Normalize,
        TextLength,
        LangId,
        GopherRepetition,
        GopherQuality,
        C4Quality,
        FineWebQuality,
        QualityClassifier,
        Pii,
        ExactDedup,
        MinHashDedup,
    )
}


def stage_class(name: str) -> type[Stage]:
    """Look up a stage by recipe name, with a helpful miss."""
    try:
        return STAGES[name]
    except KeyError:
        raise ConfigError(
            f"Unknown stage {name!r}. Available: {', '.join(sorted(STAGES))}"
        ) from None


def build_config(name: str, params: dict[str, Any] | None) -> StageConfig:
    """The typed config of stage ``name`` from recipe params; errors name the stage and the fix."""
    cls = stage_class(name).Config
    params = dict(params or {})
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(params) - set(fields))
    if unknown:
        raise ConfigError(
            f"Unknown parameter {unknown[0]!r} for stage {name!r}. "
            f"Available: {', '.join(sorted(fields))}"
        )
    hints = typing.get_type_hints(cls)
    for key, value in params.items():
        params[key] = check_type(f"{name}.{key}", value, hints[key])
    try:
        return cls(**params)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{name}: {exc}") from None


def build_stage(name: str, params: dict[str, Any] | None = None) -> Stage:
    return stage_class(name)(build_config(name, params))


__all__ = ["STAGES", "Filter", "Stage", "StageConfig", "build_config", "build_stage", "stage_class"]
