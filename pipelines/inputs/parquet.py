"""Parquet reader: streams row groups, mapping the configured id/text columns onto the schema."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.core import schema as S
from pipelines.inputs.base import BlockBuilder, InputSpec, ReadConfig, hashed_id
from pipelines.inputs.io import open_binary


def read_parquet(spec: InputSpec, config: ReadConfig) -> Iterator[pa.Table]:
    """Stream one Parquet file in row batches; rows without text become error rows."""
    out = BlockBuilder(spec, config)
    row_no = 0
    try:
        with open_binary(spec.path, decompress=False, storage_options=config.storage_options) as f:
            pf = pq.ParquetFile(f)
            names = set(pf.schema_arrow.names)
            if config.text_field not in names:
                raise ValueError(
                    f"no column {config.text_field!r} (columns: {sorted(names)}); "
                    "set read.text_field"
                )
            for batch in pf.iter_batches(batch_size=config.block_rows):
                yield from _batch_rows(pa.Table.from_batches([batch]), row_no, spec, config, out)
                row_no += batch.num_rows
    except (OSError, ValueError, pa.ArrowException) as exc:
        msg = f"unreadable after row {row_no}: {type(exc).__name__}: {exc}"
        yield from out.error(msg, offset=None, source="parquet")
    yield from out.finish()


def _batch_rows(
    table: pa.Table, first_row: int, spec: InputSpec, config: ReadConfig, out: BlockBuilder
) -> Iterator[pa.Table]:
    texts = pc.cast(table[config.text_field], pa.string()).to_pylist()
    ids = _column(table, config.id_field)
    urls = _column(table, config.url_field)
    titles = _column(table, S.TITLE)
    for i, text in enumerate(texts):
        row_no = first_row + i
        if text is None:
            yield from out.error(f"row {row_no}: null text", offset=None, source="parquet")
            continue
        own_id = ids[i] if ids else None
        yield from out.add(
            {
                S.ID: own_id if own_id is not None else hashed_id(spec.path, f"row{row_no}"),
                S.TEXT: text,
                S.URL: urls[i] if urls else None,
                S.TITLE: titles[i] if titles else None,
                S.SOURCE: "parquet",
            }
        )


def _column(table: pa.Table, name: str) -> list | None:
    if name not in table.column_names:
        return None
    return pc.cast(table[name], pa.string()).to_pylist()
