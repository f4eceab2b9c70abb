"""Stages: each a small class over a pyarrow.Table (``base.py``: the contract), the filters that
have no engine of their own, and the registry (``registry.py``: recipe names → classes).

The registry's names are importable from here (``from pipelines.stages import build_stage``);
they load on first use, so the dedup, PII and quality stages — which live with their engines in
``pipelines/dedup``, ``pipelines/pii`` and ``pipelines/quality`` — can import the contract
without importing the registry that imports them."""

from __future__ import annotations

import importlib
from typing import Any

REGISTRY = (
    "STAGES",
    "Filter",
    "Stage",
    "StageConfig",
    "build_config",
    "build_stage",
    "stage_class",
)


def __getattr__(name: str) -> Any:
    if name in REGISTRY:
        return getattr(importlib.import_module("pipelines.stages.registry"), name)
    raise AttributeError(f"module 'pipelines.stages' has no attribute {name!r}")
