"""Test helpers: read a whole input with a reader and split its rows by kind."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from pipelines.core import schema as S
from pipelines.inputs import InputSpec, ReadConfig, detect_format, get_reader


@dataclass
class ReadResult:
    docs: list[dict]
    errors: list[dict]
    end: dict


def read_all(
    path: Path | str, config: ReadConfig | None = None, fmt: str | None = None
) -> ReadResult:
    import json

    path = str(path)
    fmt = fmt or detect_format(path)
    blocks = list(get_reader(fmt)(InputSpec(path, fmt), config or ReadConfig()))
    rows = pa.concat_tables(blocks).to_pylist()
    end = rows.pop()
    assert [r[S.SOURCE_RECORD] for r in rows] == list(range(len(rows)))
    assert end[S.SOURCE_RECORD] is None
    assert end[S.DROP_REASON] == S.END_OF_INPUT
    return ReadResult(
        docs=[r for r in rows if r[S.DROP_REASON] is None],
        errors=[r for r in rows if r[S.DROP_REASON] == S.READ_ERROR],
        end=json.loads(end[S.ERROR]),
    )
