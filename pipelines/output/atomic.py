"""Files readers see whole or not at all: written beside the target, then renamed over it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


def write_bytes(path: Path, data: bytes, *, durable: bool = False) -> None:
    """``data`` to ``path`` atomically; ``durable`` also fsyncs the file and its directory, for
    commit points that must survive a power loss."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        if durable:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)
    if durable:
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_json(path: Path, content: Any, *, durable: bool = False) -> None:
    write_bytes(path, (json.dumps(content, indent=2, default=str) + "\n").encode(), durable=durable)


def write_parquet(table: pa.Table, path: Path, **options: Any) -> None:
    """``table`` as one Parquet file (``options`` go to ``pq.write_table``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, **options)
    os.replace(tmp, path)
