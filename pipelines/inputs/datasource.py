"""Ray Data wiring: one read task per input file, and the one map_batches step running the stages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import ray.data
from ray.data import Datasource, ReadTask
from ray.data.block import BlockMetadata

from pipelines.core import schema as S
from pipelines.inputs import InputSpec, ReadConfig, get_reader
from pipelines.job.recipe import Recipe
from pipelines.job.recipe_set import RecipeSet
from pipelines.output.shards import write_parts


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
    """Runs its input's recipe over a batch, writes its parts, returns per-input stats.

    Stages are built once per worker process and reused across tasks (a fastText model
    loads once), so Ray can fuse reading, processing and writing into one task per input.
    """

    _cache: dict[str, list] = {}

    def __init__(
        self, recipes: RecipeSet, formats: dict[str, str], out_dir: str, schema: pa.Schema
    ) -> None:
        self.recipes = recipes
        self.formats = formats  # input path → format, which picks the recipe
        self.out_dir = out_dir
        self.schema = schema

    def __call__(self, batch: pa.Table) -> pa.Table:
        stats = []
        paths = pc.unique(batch[S.SOURCE_FILE]).to_pylist()  # one, unless Ray bundles blocks
        for path in paths:
            rows = batch if len(paths) == 1 else batch.filter(pc.equal(batch[S.SOURCE_FILE], path))
            for stage in self._stages(self.recipes.for_format(self.formats[path])):
                rows = stage(rows)
            stats += write_parts(rows, self.out_dir, self.schema)
        return pa.table({"stats": [json.dumps(s, default=str) for s in stats]})

    def _stages(self, recipe: Recipe) -> list:
        key = recipe.fingerprint()
        if key not in self._cache:
            self._cache[key] = recipe.build_stages()
        return self._cache[key]


def build_dataset(
    specs: list[InputSpec], recipes: RecipeSet, out_dir: str, schema: pa.Schema
) -> ray.data.Dataset:
    """The whole curate job as one streaming Dataset of per-batch write statistics."""
    ds = ray.data.read_datasource(
        InputDatasource(specs, recipes.read), override_num_blocks=len(specs)
    )
    formats = {s.path: s.format for s in specs}
    return ds.map_batches(
        ProcessAndWrite(recipes, formats, out_dir, schema),
        batch_size=None,
        batch_format="pyarrow",
    )
