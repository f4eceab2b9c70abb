"""The curate job: validate inputs, stream them through the stages on Ray, commit shards + manifest."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from pipelines.core import schema as S
from pipelines.core.progress import Progress
from pipelines.core.ray_env import ensure_ray, quiet_ray_data
from pipelines.inputs import InputSpec
from pipelines.inputs.sources import resolve, skipped_summary
from pipelines.job.recipe import Recipe
from pipelines.job.recipe_set import RecipeSet
from pipelines.output.lock import output_lock
from pipelines.output.manifest import build_manifest, file_identity, input_marker
from pipelines.output.shards import LOGS, ShardStore
from pipelines.report import report_after_run
from pipelines.stages import Stage

log = logging.getLogger("forage.curate")


@dataclass(frozen=True, kw_only=True)
class CurateResult:
    manifest: dict[str, Any]
    manifest_path: str
    resumed_inputs: int  # inputs finished by an earlier run and skipped now


def curate(
    inputs: list[str], output: str, recipe: Recipe | RecipeSet, *, quiet: bool = False
) -> CurateResult:
    """Run the recipe(s) over ``inputs`` into ``output``; a rerun resumes where a killed run
    stopped. A ``RecipeSet`` gives each input the recipe of its source kind."""
    started = time.monotonic()
    recipes = recipe if isinstance(recipe, RecipeSet) else RecipeSet.single(recipe)
    resolved = resolve(inputs, recipes.read)  # fails fast, before Ray starts
    stages = recipes.build_stages()  # validates parameters and loads models once, here too
    fields = [f for chain in stages.values() for stage in chain for f in stage.output_fields]
    job = _Job(
        specs=resolved.specs,
        skipped=resolved.skipped,
        output=output,
        recipes=recipes,
        stages=stages,
        schema=S.shard_schema(fields),
        quiet=quiet,
    )
    with output_lock(output, "curate"):  # a second writer stops here, naming this one
        return _curate_locked(job, started)


@dataclass(frozen=True, kw_only=True)
class _Job:
    specs: list[InputSpec]
    skipped: list[dict[str, str]]  # files in given directories that are not read, and why
    output: str
    recipes: RecipeSet
    stages: dict[str, list[Stage]]  # recipe name → its stages
    schema: pa.Schema
    quiet: bool

    def recipe_name(self, spec: InputSpec) -> str:
        return self.recipes.for_format(spec.format).name


def _curate_locked(job: _Job, started: float) -> CurateResult:
    store = ShardStore(job.output)
    done = store.prepare(job.recipes.fingerprint())
    todo = [s for s in job.specs if s.key not in done]
    inputs = len({s.path for s in job.specs})
    resumed = inputs - len({s.path for s in todo})
    progress = Progress(inputs, resumed, quiet=job.quiet)
    if todo:
        _run(job, todo, store, progress)
    markers = list(store.markers().values())
    resolved = {name: r.resolved() for name, r in job.recipes.recipes.items()}
    manifest = build_manifest(
        markers, resolved, job.recipes.fingerprint(), time.monotonic() - started
    )
    if job.skipped:
        manifest["skipped_files"] = skipped_summary(job.skipped)
    path = store.write_manifest(manifest)
    report_after_run(job.output)
    if not os.environ.get("FORAGE_KEEP_WORK"):  # dedup's scratch space (kept for debugging)
        shutil.rmtree(os.path.join(job.output, "_work"), ignore_errors=True)
    progress.finish(manifest["counts"])
    return CurateResult(manifest=manifest, manifest_path=str(path), resumed_inputs=resumed)


def _run(job: _Job, todo: list[InputSpec], store: ShardStore, progress: Progress) -> None:
    ensure_ray(job.recipes.num_cpus, log_dir=os.path.join(job.output, LOGS))
    by_path = {s.path: s for s in todo}
    ranges = Counter(s.path for s in todo)  # read tasks per input (large JSONL: several)
    parts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen_rows: dict[str, int] = defaultdict(int)
    output = os.path.abspath(job.output)
    if any(s.is_global for chain in job.stages.values() for s in chain):
        from pipelines.dedup import job as dedup  # the whole corpus first, then the shards

        chain = job.stages[job.recipes.default]
        batches = dedup.run(todo, job.specs, job.recipes, chain, output, job.schema)
    else:
        from pipelines.inputs.datasource import build_dataset  # imports Ray Data

        quiet_ray_data()
        dataset = build_dataset(todo, job.recipes, output, job.schema)
        batches = dataset.iter_batches(batch_size=None, batch_format="pyarrow")
    for batch in batches:
        for raw in batch["stats"].to_pylist():
            stat = json.loads(raw)
            path = stat["source_file"]
            parts[path].append(stat)
            seen_rows[path] += stat["rows"]
            _log_errors(path, stat["error_rows"])
            progress.update(stat)
            ends = [p["end"] for p in parts[path] if p["end"]]
            if len(ends) == ranges[path] and seen_rows[path] == sum(e["records"] for e in ends):
                spec = by_path[path]
                marker = input_marker(path, spec.format, parts.pop(path))
                marker["source"] = file_identity(path, job.recipes.read.storage_options)
                store.mark_done(spec.key, marker | {"recipe": job.recipe_name(spec)})
                progress.input_done()


def _log_errors(path: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        log.warning(
            "bad input in %s at record %s (offset %s): %s",
            path,
            row[S.SOURCE_RECORD],
            row[S.SOURCE_OFFSET],
            row[S.ERROR],
        )
