"""Ray Data wiring: one read task per input file, and the one map_batches step running the stages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import ray.data
from ray.data import Datasource, ReadTask
from ray.data.block import BlockMetadata

from pipelines.readers import InputSpec, ReadConfig, get_reader
from pipelines.recipe import Recipe
from pipelines.shards import write_parts


class InputDatasource(Datasource):
    """Streams each input file in its own read task, as bounded blocks (never whole files)."""

    def __init__(self, specs: list[InputSpec], config: ReadConfig) -> None:
        super().__init__()
        self.specs = specs
        self.config = config

    def estimate_inmemory_data_size(self) -> int | None:
        return None

    def get_read_tasks(
        self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None
    ) -> list[ReadTask]:
        return [self._task(spec) for spec in self.specs]

    def _task(self, spec: InputSpec) -> ReadTask:
        config = self.config

        def read() -> Iterable[pa.Table]:
            yield from get_reader(spec.format)(spec, config)

        meta = BlockMetadata(
            num_rows=None, size_bytes=None, exec_stats=None, input_files=(spec.path,)
        )
        return ReadTask(read, meta)


class ProcessAndWrite:
    """Runs the recipe's stages over a batch, writes its parts, returns per-input stats.

    Stages are built once per worker process and reused across tasks (a fastText model
    loads once), so Ray can fuse reading, processing and writing into one task per input.
    """

    _cache: dict[str, list] = {}

    def __init__(self, recipe: Recipe, out_dir: str, schema: pa.Schema) -> None:
        self.recipe = recipe
        self.out_dir = out_dir
        self.schema = schema
        self.fingerprint = recipe.fingerprint()  # once, not per batch

    def __call__(self, batch: pa.Table) -> pa.Table:
        key = self.fingerprint
        if key not in self._cache:
            self._cache[key] = self.recipe.build_stages()
        for stage in self._cache[key]:
            batch = stage(batch)
        stats = write_parts(batch, self.out_dir, self.schema)
        return pa.table({"stats": [json.dumps(s, default=str) for s in stats]})


def build_dataset(
    specs: list[InputSpec], recipe: Recipe, out_dir: str, schema: pa.Schema
) -> ray.data.Dataset:
    """The whole curate job as one streaming Dataset of per-batch write statistics."""
    ds = ray.data.read_datasource(
        InputDatasource(specs, recipe.read), override_num_blocks=len(specs)
    )
    return ds.map_batches(
        ProcessAndWrite(recipe, out_dir, schema), batch_size=None, batch_format="pyarrow"
    )
