"""Per-batch sides of deduplication: write a batch and its keys to the work area (before the
global step), and apply the decided drops to a work part (after it).

Layout under ``OUT/_work``::

    docs/{rank}-{first}.parquet          the batch after the stages before dedup (all rows)
    keys/{rank}-{first}.parquet          gid, id, exact key, band keys of live rows
    buckets/{rank}-{first}.parquet       (key, gid) of live rows, sorted by key (row groups
                                         let a key-range task read only its share)
    drops/{rank}.parquet                 gid → reason, duplicate_of, cluster, cluster size

A document's ``gid`` is ``rank << 40 | record``: ``rank`` orders inputs (preferred sources
first, then input order; 0 is an earlier index), ``record`` is its record number in the input.
The smallest gid of a duplicate group is kept.
"""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.core import schema as S
from pipelines.dedup import minhash as M
from pipelines.dedup.stage import DUP_CLUSTER, DUP_CLUSTER_SIZE, DUPLICATE_OF, DedupStage
from pipelines.output.atomic import write_parquet

WORK = "_work"
RECORD_BITS = 40
_RECORD_MASK = (1 << RECORD_BITS) - 1


def gids(batch: pa.Table, rank: int) -> np.ndarray:
    records = pc.fill_null(batch[S.SOURCE_RECORD], 0).to_numpy().astype(np.uint64)
    return (np.uint64(rank) << np.uint64(RECORD_BITS)) | (records & np.uint64(_RECORD_MASK))


BUCKET_ROW_GROUP = 65_536


def write_sorted_keys(keys: np.ndarray, values: pa.Array, name: str, path: Path) -> None:
    """``(key, name)`` rows sorted by key, in row groups a key-range filter can skip."""
    order = np.argsort(keys, kind="stable")
    table = pa.table({"key": pa.array(keys[order]), name: pc.take(values, pa.array(order))})
    write_parquet(table, path, compression="lz4", row_group_size=BUCKET_ROW_GROUP)


def write_work(
    batch: pa.Table,
    stages: list[DedupStage],
    work: Path,
    rank: int,
    schema: pa.Schema,
) -> dict:
    """Write one input's batch and its dedup keys; returns the work part's stats."""
    first = pc.min(batch[S.SOURCE_RECORD]).as_py()  # the end-of-input row has none
    stem = f"{rank:06d}-{first:012d}" if first is not None else f"{rank:06d}-end-{uuid4().hex}"
    _write(S.conform(batch, schema), work / "docs" / f"{stem}.parquet")
    alive = pc.and_(pc.is_null(batch[S.DROP_REASON]), pc.is_valid(batch[S.SOURCE_RECORD])).to_numpy(
        zero_copy_only=False
    )
    live = batch.filter(alive)
    gid = gids(live, rank)
    columns = {"gid": pa.array(gid), "id": live[S.ID]}
    keys = []
    words = M.word_hashes(live[S.TEXT])  # the costly pass, shared by every dedup stage
    for stage in stages:
        stage_keys, stage_columns = stage.work_columns(live, words)
        keys.append(stage_keys)
        columns |= stage_columns
    _write(pa.table(columns), work / "keys" / f"{stem}.parquet")
    all_keys = np.concatenate([k for k in keys], axis=1) if keys else np.zeros((len(gid), 0))
    flat_keys = all_keys.reshape(-1).astype(np.uint64)
    flat_gids = np.repeat(gid, all_keys.shape[1])
    nonzero = flat_keys != 0
    flat_keys, flat_gids = flat_keys[nonzero], flat_gids[nonzero]
    write_sorted_keys(flat_keys, pa.array(flat_gids), "gid", work / "buckets" / f"{stem}.parquet")
    source = batch[S.SOURCE_FILE][0].as_py()
    return {"source_file": source, "part": stem, "rows": batch.num_rows, "keys": len(flat_keys)}


def apply_drops(
    batch: pa.Table, drops: pa.Table | None, rank: int, stage_of_reason: dict[str, str], mode: str
) -> pa.Table:
    """Mark the rows of one work part that the global step decided to drop."""
    n = batch.num_rows
    dup_of = pa.nulls(n, pa.string())
    cluster = pa.nulls(n, pa.string())
    size = pa.nulls(n, pa.int64())
    reason = pa.nulls(n, pa.string())
    if drops is not None and drops.num_rows:
        alive = pc.and_(pc.is_null(batch[S.DROP_REASON]), pc.is_valid(batch[S.SOURCE_RECORD]))
        index = pc.index_in(pa.array(gids(batch, rank)), drops["gid"])
        index = pc.if_else(alive, index, pa.nulls(n, pa.int32()))
        dup_of = pc.take(drops[DUPLICATE_OF], index)
        cluster = pc.take(drops[DUP_CLUSTER], index)
        size = pc.take(drops[DUP_CLUSTER_SIZE], index)
        reason = pc.take(drops["reason"], index)
    batch = _set(batch, DUPLICATE_OF, dup_of)
    batch = _set(batch, DUP_CLUSTER, cluster)
    batch = _set(batch, DUP_CLUSTER_SIZE, size)
    if mode == "drop":
        by = pa.nulls(n, pa.string())
        for why, stage in stage_of_reason.items():
            by = pc.if_else(pc.equal(reason, why), pa.scalar(stage), by)
        dropped = pc.is_valid(reason)
        batch = _set(batch, S.DROP_REASON, pc.if_else(dropped, reason, batch[S.DROP_REASON]))
        batch = _set(batch, S.DROPPED_BY, pc.if_else(dropped, by, batch[S.DROPPED_BY]))
    return batch


def read_drops(work: Path, rank: int, batch: pa.Table) -> pa.Table | None:
    """The decided drops of the documents in ``batch`` (one work part of input ``rank``): only
    the row groups of the gid-sorted drops file that overlap the part's gids are read."""
    path = work / "drops" / f"{rank:06d}.parquet"
    if not path.exists() or not batch.num_rows:
        return None
    part = gids(batch, rank)
    span = [("gid", ">=", int(part.min())), ("gid", "<=", int(part.max()))]
    return pq.read_table(path, filters=span)


def _set(batch: pa.Table, name: str, values) -> pa.Table:
    i = batch.schema.get_field_index(name)
    return batch.append_column(name, values) if i == -1 else batch.set_column(i, name, values)


def _write(table: pa.Table, path: Path) -> None:
    write_parquet(table, path, compression="lz4")  # scratch: fast beats small
