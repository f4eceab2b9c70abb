"""``forage filter``: re-apply a recipe's thresholds to a finished corpus from its stored signals.

Filters that ran in ``annotate`` mode (or ``drop`` mode: signals are written either way) left
their measurements as columns; this job reads the corpus's ``data/`` shards, clears the verdicts
and lets each filter of the new recipe decide again with ``Filter.reasons`` — no text is
tokenized, no model is loaded for scoring. Documents the original run already rejected stay
rejected (their later signals were never computed): curate in ``annotate`` mode to keep options.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.core import schema as S
from pipelines.core.errors import ConfigError, InputError
from pipelines.job.recipe import Recipe
from pipelines.output.lock import output_lock
from pipelines.output.manifest import build_manifest, input_marker, stages_run
from pipelines.output.shards import DATA, MANIFEST, ShardStore, write_parts
from pipelines.report import report_after_run
from pipelines.stages import STAGES
from pipelines.stages.base import Filter


def refilter(corpus: str, output: str, recipe: Recipe) -> dict[str, Any]:
    """Write a new corpus at ``output``; returns its manifest."""
    started = time.monotonic()
    source = Path(corpus)
    if not (source / MANIFEST).is_file():
        raise InputError(f"{corpus} is not a finished Forage corpus (no {MANIFEST})")
    if Path(output).resolve() == source.resolve():
        raise ConfigError("--output must differ from --input: the corpus is read while writing")
    original = json.loads((source / MANIFEST).read_text())
    filters = _filters(recipe, original)
    files = sorted((source / DATA).glob("*.parquet"))
    with output_lock(output, "filter"):
        return _refilter(source, output, recipe, original, filters, files, started)


def _refilter(
    source: Path,
    output: str,
    recipe: Recipe,
    original: dict[str, Any],
    filters: list[Filter],
    files: list[Path],
    started: float,
) -> dict[str, Any]:
    store = ShardStore(output)
    store.prepare(recipe.fingerprint())
    markers = []
    for path in files:
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowInvalid) as exc:  # named; the output gets no manifest
            raise InputError(f"{path} cannot be read as Parquet: {exc}") from None
        _check_signals(filters, table.column_names, path)
        nulls = pa.nulls(table.num_rows, pa.string())
        if S.ERROR not in table.column_names:  # shards of kept rows carry no error column
            table = table.append_column(S.ERROR, nulls)
        table = table.set_column(table.schema.get_field_index(S.DROP_REASON), S.DROP_REASON, nulls)
        table = table.set_column(table.schema.get_field_index(S.DROPPED_BY), S.DROPPED_BY, nulls)
        for stage in filters:
            table = stage.reapply(table)
        schema = _schema(table.schema)
        parts = write_parts(table, output, schema)
        # One input read whole: its record count goes on the first part, as a reader's end row.
        parts = [p | {"end": None} for p in parts]
        if parts:
            parts[0]["end"] = {"records": table.num_rows, "error": None, "skipped": {}}
        marker = input_marker(str(path), "parquet", parts) | {"recipe": recipe.name}
        store.mark_done(f"{path.stem}", marker)
        markers.append(marker)
    manifest = build_manifest(
        markers, {recipe.name: recipe.resolved()}, recipe.fingerprint(), time.monotonic() - started
    )
    manifest["refiltered_from"] = {
        "corpus": str(source),
        "manifest_sha256": hashlib.sha256((source / MANIFEST).read_bytes()).hexdigest(),
        "recipes": original.get("recipes") or {"": original.get("recipe")},
    }
    store.write_manifest(manifest)
    report_after_run(output)
    return manifest


def _filters(recipe: Recipe, original: dict[str, Any]) -> list[Filter]:
    ran = stages_run(original)
    filters = []
    for stage in recipe.build_stages():
        if not isinstance(stage, Filter):
            raise ConfigError(
                f"stage {stage.name!r} changes text; `forage filter` only re-applies filter "
                f"thresholds ({', '.join(n for n, c in STAGES.items() if issubclass(c, Filter))})"
            )
        if stage.name not in ran:
            raise ConfigError(
                f"the corpus was not curated with {stage.name!r}, so it has no {stage.name} "
                f"signals; curate with `- {stage.name}: {{mode: annotate}}` first"
            )
        filters.append(stage)
    return filters


def _check_signals(filters: list[Filter], columns: list[str], path: Path) -> None:
    for stage in filters:
        missing = [c for c in stage.signal_columns if c not in columns]
        if missing:
            raise ConfigError(
                f"{path.name} lacks {stage.name} signal columns {missing}: the corpus was "
                f"curated with other {stage.name} settings (e.g. other n-gram sizes)"
            )


def _schema(schema: pa.Schema) -> pa.Schema:
    base = set(S.DOCUMENT_SCHEMA.names)
    return S.shard_schema([f for f in schema if f.name not in base])
