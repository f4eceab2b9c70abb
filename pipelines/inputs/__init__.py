"""Inputs: one reader module per format (each streams a file as bounded pyarrow blocks), and
input resolution: sources (paths, globs, URLs, listings), discovery, the Ray Data datasource."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pyarrow as pa

from pipelines.inputs.base import InputSpec, ReadConfig

Reader = Callable[[InputSpec, ReadConfig], Iterator[pa.Table]]

# File-name suffixes of each format, longest first where they overlap (.warc.wet.gz is WET).
SUFFIXES: dict[str, tuple[str, ...]] = {
    "wet": (".wet.gz", ".wet.zst", ".wet"),
    "warc": (".warc.gz", ".warc.zst", ".warc.lz4", ".warc", ".arc.gz"),
    "wikipedia": (".xml.bz2", ".xml.gz", ".xml.zst", ".xml"),
    "jsonl": (".jsonl", ".jsonl.gz", ".jsonl.zst", ".jsonl.bz2", ".json.gz", ".ndjson"),
    "parquet": (".parquet",),
}

# The page-range parts of a large MediaWiki dump carry the range after ".xml".
SPLIT_DUMP = re.compile(r"\.xml-p\d+p\d+\.(bz2|gz|zst)$")


def detect_format(path: str) -> str | None:
    """The format of ``path`` from its name, or None when no suffix matches."""
    name = path.lower().split("?", 1)[0]
    for fmt, suffixes in SUFFIXES.items():
        if name.endswith(suffixes):
            return fmt
    if SPLIT_DUMP.search(name):  # enwiki-…-pages-articles1.xml-p1p41242.bz2
        return "wikipedia"
    return None


def get_reader(fmt: str) -> Reader:
    """The reader function of a format (imported lazily: each pulls its own parser)."""
    if fmt in ("warc", "wet"):
        from pipelines.inputs.warc import read_warc

        return read_warc
    if fmt == "wikipedia":
        from pipelines.inputs.wikipedia import read_wikipedia

        return read_wikipedia
    if fmt == "jsonl":
        from pipelines.inputs.jsonl import read_jsonl

        return read_jsonl
    if fmt == "parquet":
        from pipelines.inputs.parquet import read_parquet

        return read_parquet
    raise KeyError(fmt)


__all__ = ["SUFFIXES", "InputSpec", "ReadConfig", "detect_format", "get_reader"]
