"""Opening inputs: local paths, http(s):// and s3:// URLs, with transparent decompression."""

from __future__ import annotations

import io
from typing import IO, Any

import fsspec
import zstandard


def open_binary(path: str, *, decompress: bool, storage_options: dict[str, Any]) -> IO[bytes]:
    """Open ``path`` for streaming reads; ``decompress`` infers gzip/bz2/xz/zstd from the name."""
    name = path.lower().split("?", 1)[0]
    if decompress and name.endswith((".zst", ".zstd")):
        # fsspec's zstd file cannot readline(); a buffered stream reader can, across frames.
        raw = fsspec.open(path, "rb", **storage_options).open()
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        return io.BufferedReader(reader, buffer_size=1 << 20)
    compression = "infer" if decompress else None
    return fsspec.open(path, "rb", compression=compression, **storage_options).open()
