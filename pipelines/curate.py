"""The curate job: validate inputs, stream them through the stages on Ray, commit shards + manifest."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from pipelines import schema as S
from pipelines.manifest import build_manifest, input_marker
from pipelines.ray_env import ensure_ray, quiet_ray_data
from pipelines.readers import InputSpec
from pipelines.recipe import Recipe
from pipelines.shards import ShardStore
from pipelines.sources import resolve_inputs
from pipelines.stages import Stage

log = logging.getLogger("forage.curate")


@dataclass(frozen=True, kw_only=True)
class CurateResult:
    manifest: dict[str, Any]
    manifest_path: str
    resumed_inputs: int  # inputs finished by an earlier run and skipped now


def curate(inputs: list[str], output: str, recipe: Recipe, *, quiet: bool = False) -> CurateResult:
    """Run the recipe over ``inputs`` into ``output``; rerunning resumes where a killed run stopped."""
    started = time.monotonic()
    specs = resolve_inputs(inputs, recipe.read)  # fails fast, before Ray starts
    stages = recipe.build_stages()  # validates parameters and loads models once, here too
    schema = S.shard_schema([f for stage in stages for f in stage.output_fields])
    store = ShardStore(output)
    done = store.prepare(recipe.fingerprint())
    todo = [s for s in specs if s.key not in done]
    inputs = len({s.path for s in specs})
    progress = Progress(inputs, inputs - len({s.path for s in todo}), quiet=quiet)
    if todo:
        _run(todo, specs, recipe, stages, output, schema, store, progress)
    markers = list(store.markers().values())
    manifest = build_manifest(
        markers, recipe.resolved(), recipe.fingerprint(), time.monotonic() - started
    )
    path = store.write_manifest(manifest)
    if not os.environ.get("FORAGE_KEEP_WORK"):  # dedup's scratch space (kept for debugging)
        shutil.rmtree(os.path.join(output, "_work"), ignore_errors=True)
    progress.finish(manifest["counts"])
    return CurateResult(
        manifest=manifest,
        manifest_path=str(path),
        resumed_inputs=inputs - len({s.path for s in todo}),
    )


def _run(
    todo: list[InputSpec],
    specs: list[InputSpec],
    recipe: Recipe,
    stages: list[Stage],
    output: str,
    schema: pa.Schema,
    store: ShardStore,
    progress: Progress,
) -> None:
    from pipelines.datasource import build_dataset  # imports Ray Data

    ensure_ray(recipe.num_cpus, quiet=progress.quiet)
    by_path = {s.path: s for s in todo}
    ranges = Counter(s.path for s in todo)  # read tasks per input (large JSONL: several)
    parts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen_rows: dict[str, int] = defaultdict(int)
    if any(stage.is_global for stage in stages):
        from pipelines.dedup import job  # the whole corpus first, then the shards

        batches = job.run(todo, specs, recipe, stages, os.path.abspath(output), schema)
    else:
        quiet_ray_data()
        dataset = build_dataset(todo, recipe, os.path.abspath(output), schema)
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
                store.mark_done(spec.key, input_marker(path, spec.format, parts.pop(path)))
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


class Progress:
    """A progress line every few seconds on stderr (``--quiet`` silences it)."""

    def __init__(self, total_inputs: int, done_inputs: int, *, quiet: bool, every_s: float = 5.0):
        self.total, self.done, self.quiet, self.every_s = total_inputs, done_inputs, quiet, every_s
        self.docs = self.kept = 0
        self.start = self.last = time.monotonic()
        if done_inputs and not quiet:
            self._print(f"resuming: {done_inputs} of {total_inputs} inputs already done")

    def update(self, stat: dict[str, Any]) -> None:
        self.docs += stat["rows"]
        self.kept += stat["kept"]
        if time.monotonic() - self.last >= self.every_s:
            self._line()

    def input_done(self) -> None:
        self.done += 1
        self._line()

    def finish(self, counts: dict[str, int]) -> None:
        if not self.quiet:
            c = counts
            self._print(
                f"done: {c['input']:,} documents → {c['kept']:,} kept, {c['rejected']:,} rejected, "
                f"{c['errors']:,} errors in {time.monotonic() - self.start:.1f}s"
            )

    def _line(self) -> None:
        self.last = time.monotonic()
        rate = self.docs / max(self.last - self.start, 1e-9)
        self._print(
            f"{self.done}/{self.total} inputs · {self.docs:,} docs · {self.kept:,} kept · "
            f"{rate:,.0f} docs/s"
        )

    def _print(self, message: str) -> None:
        if not self.quiet:
            print(f"[forage] {message}", file=sys.stderr, flush=True)
