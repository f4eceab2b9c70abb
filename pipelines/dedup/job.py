"""A curate job with dedup stages, in three steps over the same Ray cluster:

1. read + the stages before dedup, per input (as without dedup); each batch and its keys go to
   ``OUT/_work`` (``pipelines.dedup.work``);
2. the global step over key partitions (``pipelines.dedup.resolve``);
3. per work part: apply its drops, run the stages after dedup, write the shards (and the index).

A run killed during step 1 or 2 starts those again; once step 2 has finished
(``_work/resolved.json``), a rerun only finishes the inputs without a marker.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import ray

from pipelines.dedup import index as I
from pipelines.dedup.resolve import resolve
from pipelines.dedup.stage import DedupStage
from pipelines.dedup.work import WORK, apply_drops, read_drops, write_work
from pipelines.inputs import InputSpec
from pipelines.job.recipe import Recipe
from pipelines.job.recipe_set import RecipeSet
from pipelines.output.atomic import write_json
from pipelines.output.shards import write_parts
from pipelines.stages.base import Stage

RESOLVED = "resolved.json"
log = logging.getLogger("forage.dedup")


def split_stages(stages: list[Stage]) -> tuple[list[Stage], list[DedupStage], list[Stage]]:
    """(before, dedup, after); dedup stages must be next to each other."""
    marks = [i for i, s in enumerate(stages) if s.is_global]
    if not marks:
        return stages, [], []
    first, last = marks[0], marks[-1]
    if last - first + 1 != len(marks):
        from pipelines.core.errors import ConfigError

        raise ConfigError("put the dedup stages next to each other in the recipe")
    return stages[:first], stages[first : last + 1], stages[last + 1 :]


def ranks(specs: list[InputSpec], prefer: list[str]) -> dict[str, int]:
    """Input → rank (1, 2, ...): inputs whose format or path matches ``prefer`` first."""

    def preference(spec: InputSpec) -> int:
        hits = [i for i, p in enumerate(prefer) if p == spec.format or p in spec.path]
        return hits[0] if hits else len(prefer)

    inputs = list({spec.path: spec for spec in specs}.values())  # ranges of one file: one rank
    ordered = sorted(enumerate(inputs), key=lambda item: (preference(item[1]), item[0]))
    return {spec.path: rank + 1 for rank, (_, spec) in enumerate(ordered)}


KEYS_PER_TASK = 8_000_000  # ~130 MB of (key, gid) per bucket task, whatever the corpus size


def partitions_for(keys: int) -> int:
    """Enough partitions to keep every task's share bounded, and at least 2 per CPU."""
    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(2 * cpus, -(-keys // KEYS_PER_TASK))


_STAGES: dict[str, tuple] = {}  # per worker process: stages built once per recipe


def _stages(recipe: Recipe) -> tuple[list[Stage], list[DedupStage], list[Stage]]:
    key = recipe.fingerprint()
    if key not in _STAGES:
        _STAGES[key] = split_stages(recipe.build_stages())
    return _STAGES[key]


@ray.remote
def _prepare(spec: InputSpec, recipe: Recipe, out_dir: str, schema: pa.Schema, rank: int):
    """Step 1 for one input (or range): read, stages before dedup, work parts and keys."""
    from pipelines.inputs import get_reader

    before, dedup, _ = _stages(recipe)
    work = Path(out_dir) / WORK
    stats = []
    for batch in get_reader(spec.format)(spec, recipe.read):
        for stage in before:
            batch = stage(batch)
        stats.append(write_work(batch, dedup, work, rank, schema))
    return stats


@ray.remote
def _finish(stem: str, recipe: Recipe, out_dir: str, schema: pa.Schema) -> list[str]:
    """Step 3 for one work part: drops, stages after dedup, shards, index entries."""
    _, dedup, after = _stages(recipe)
    work = Path(out_dir) / WORK
    rank = _rank(stem)
    batch = pq.read_table(work / "docs" / f"{stem}.parquet")
    by_reason = {s.reason: s.name for s in dedup}
    for s in dedup:  # a reason no stage of the recipe owns goes to the one that is there
        by_reason.setdefault("exact_duplicate", s.name)
        by_reason.setdefault("near_duplicate", s.name)
    mode = "annotate" if all(s.config.mode == "annotate" for s in dedup) else "drop"
    batch = apply_drops(batch, read_drops(work, rank, batch), rank, by_reason, mode)
    for stage in after:
        batch = stage(batch)
    for stage in dedup:
        if getattr(stage.config, "index", None):
            I.write_entries(stage.config.index, work, stem, batch, rank)
    return [json.dumps(s, default=str) for s in write_parts(batch, out_dir, schema)]


def _rank(stem: str) -> int:
    """The input rank of a work part (``<rank>-<part>``)."""
    return int(stem.split("-")[0])


def _as_completed(refs: list) -> Iterator:
    """Results of ``refs`` in completion order."""
    pending = list(refs)
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        yield ray.get(done[0])


@ray.remote
def _warm() -> None:
    """Import the stages and load the compiled kernels in a worker while the driver plans."""
    import pyarrow as pa

    from pipelines.dedup import minhash as M
    from pipelines.stages import STAGES  # noqa: F401

    M.signatures(*M.shingle_hashes(pa.array(["warm up"]), 5), 8, 1)


def _resolved_ranks(work: Path) -> dict[str, int] | None:
    """The input ranks the decided drops were computed for (None: not decided). A rerun with
    other inputs must decide again: its new inputs have no work parts, and ranks may shift."""
    try:
        return json.loads((work / RESOLVED).read_text()).get("ranks")
    except (OSError, json.JSONDecodeError):
        return None


def run(
    todo: list[InputSpec],
    specs: list[InputSpec],
    recipes: RecipeSet,
    stages: list[Stage],
    output: str,
    schema: pa.Schema,
) -> Iterator[pa.Table]:
    """Steps 1 and 2 (unless done), then step 3; yields tables of write stats as parts finish.
    Each input runs its own recipe's stages; the dedup stages (those of ``stages``, any recipe's
    built stages) are the same in every recipe."""
    _, dedup, _ = split_stages(stages)
    work = Path(output) / WORK
    prefer = sorted({p for s in dedup for p in s.config.prefer})
    rank_of = ranks(specs, prefer)
    if _resolved_ranks(work) != rank_of:  # not resolved yet, or for another set of inputs
        for _ in range(int(ray.cluster_resources().get("CPU", 1))):
            _warm.remote()  # not awaited: overlaps with the planning below
        shutil.rmtree(work, ignore_errors=True)
        for stage in dedup:
            I.check_compatible(stage)
        started = time.monotonic()
        keys = 0
        tasks = [
            _prepare.remote(s, recipes.for_format(s.format), output, schema, rank_of[s.path])
            for s in specs
        ]
        for stats in _as_completed(tasks):
            keys += sum(stat["keys"] for stat in stats)
        configured = next((s.config.partitions for s in dedup if s.config.partitions), None)
        partitions = configured or partitions_for(keys)
        index_dirs = [path for s in dedup for path in I.against_indexes(s.config)]
        exact = any(s.name == "exact_dedup" for s in dedup)
        keyed = time.monotonic()
        minhash = [s for s in dedup if s.name == "minhash_dedup"]
        verify = minhash[0].config.threshold if minhash and minhash[0].config.verify else None
        dropped = resolve(work, partitions, exact, index_dirs, verify)
        done = time.monotonic()
        timing = {"keys_s": round(keyed - started, 2), "resolve_s": round(done - keyed, 2)}
        log.info("dedup: %s keys, %s partitions, %s dropped, %s", keys, partitions, dropped, timing)
        summary = {"dropped": dropped, "partitions": partitions, "keys": keys, **timing}
        write_json(work / RESOLVED, summary | {"ranks": rank_of})
    wanted = {rank_of[s.path] for s in todo}
    stems = sorted(p.stem for p in (work / "docs").glob("*.parquet") if _rank(p.stem) in wanted)
    format_of = {rank_of[s.path]: s.format for s in specs}
    tasks = [
        _finish.remote(stem, recipes.for_format(format_of[_rank(stem)]), output, schema)
        for stem in stems
    ]
    return (pa.table({"stats": stats}) for stats in _as_completed(tasks))
