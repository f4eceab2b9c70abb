"""Opening inputs: local paths, http(s):// and s3:// URLs, with transparent decompression."""

from __future__ import annotations

from typing import IO, Any

import fsspec


def open_binary(path: str, *, decompress: bool, storage_options: dict[str, Any]) -> IO[bytes]:
    """Open ``path`` for streaming reads; ``decompress`` infers gzip/bz2/zstd from the name."""
    compression = "infer" if decompress else None
    return fsspec.open(path, "rb", compression=compression, **storage_options).open()
