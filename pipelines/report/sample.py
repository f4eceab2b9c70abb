"""What a corpus report reads from the shards: chosen columns, column-wise, from a seeded sample
of row groups once a kind of shard holds more than ``limit`` rows — seconds for any corpus
size, never a second pass over the text."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.core import schema as S

SAMPLE_ROWS = 200_000  # per kind of shard (data, rejected) for distributions
SIGNAL_TYPES = (pa.types.is_integer, pa.types.is_floating)
NOT_SIGNALS = {S.SOURCE_RECORD, S.SOURCE_OFFSET, "dup_cluster_size"}


def shard_files(root: Path, manifest: dict[str, Any], kind: str) -> list[Path]:
    return [root / f["path"] for f in manifest.get("files", []) if f.get("kind") == kind]


def signal_columns(files: list[Path]) -> list[str]:
    """Numeric per-document columns the stages added (and the language score)."""
    names: dict[str, None] = {}
    for path in files[:1] + files[-1:]:
        for field in pq.read_schema(path):
            if field.name in NOT_SIGNALS or not any(t(field.type) for t in SIGNAL_TYPES):
                continue
            names[field.name] = None
    return list(names)


def read_columns(
    files: list[Path], columns: list[str], *, limit: int = SAMPLE_ROWS, seed: int = 0
) -> tuple[pa.Table, int, bool]:
    """(the columns of at most about ``limit`` rows, total rows, sampled?). Row groups are
    taken in a seeded random order until ``limit`` rows are read; a column a shard lacks is
    null there."""
    groups = [(f, i, n) for f in _open(files) for i, n in _row_groups(f)]
    total = sum(n for _, _, n in groups)
    sampled = total > limit
    if sampled:
        random.Random(seed).shuffle(groups)
    tables, rows = [], 0
    for f, index, n in groups:
        if rows >= limit:
            break
        present = [c for c in columns if c in f.schema_arrow.names]
        table = f.read_row_group(index, columns=present)
        for c in columns:
            if c not in present:
                table = table.append_column(c, pa.nulls(table.num_rows))
        tables.append(table.select(columns))
        rows += n
    if not tables:
        return pa.table({c: pa.nulls(0) for c in columns}), total, False
    return pa.concat_tables(tables, promote_options="permissive"), total, sampled


def first_rows(files: list[Path], columns: list[str], *, max_rows: int) -> Iterator[dict]:
    """Rows in shard order (the first row groups only), for sample documents."""
    seen = 0
    for f in _open(files):
        present = [c for c in columns if c in f.schema_arrow.names]
        for batch in f.iter_batches(batch_size=1024, columns=present):
            yield from batch.to_pylist()
            seen += batch.num_rows
            if seen >= max_rows:
                return


def _open(files: list[Path]) -> Iterator[pq.ParquetFile]:
    for path in files:
        if path.is_file():
            yield pq.ParquetFile(path)


def _row_groups(f: pq.ParquetFile) -> Iterator[tuple[int, int]]:
    for i in range(f.num_row_groups):
        yield i, f.metadata.row_group(i).num_rows
