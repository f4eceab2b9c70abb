"""PII detection: one small validated detector per entity type, a one-pass RE2 pre-check, and
the rewrite actions (the ``pii`` stage in pipelines/pii/stage.py wires them to batches)."""

from pipelines.pii.actions import ACTIONS, TOKENS, Rewriter
from pipelines.pii.detectors import Span
from pipelines.pii.scan import ENTITIES, Scanner, build_detectors

__all__ = ["ACTIONS", "ENTITIES", "TOKENS", "Rewriter", "Scanner", "Span", "build_detectors"]
