"""Shared reader machinery: input specs, read options, and batching rows into bounded blocks."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from pipelines.core import schema as S


@dataclass(frozen=True, kw_only=True)
class ReadConfig:
    """Reader options (recipe section ``read``)."""

    id_field: str = "id"  # JSONL/Parquet: the column holding the input's own document id
    text_field: str = "text"  # JSONL/Parquet: the column holding the text
    url_field: str = "url"
    split_bytes: int = 32 * 1024 * 1024  # a plain local JSONL file is read in ranges this big
    max_record_bytes: int = 16 * 1024 * 1024  # bigger records become error rows, never loaded
    block_rows: int = 2000  # rows per block, hence per output shard at most
    block_bytes: int = 64 * 1024 * 1024  # text bytes per block, hence per output shard at most
    html_main_content: bool = True  # WARC: keep only main content (resiliparse heuristics)
    cc_base_url: str = "https://data.commoncrawl.org/"  # resolves warc.paths.gz listings
    storage_options: dict[str, Any] = field(default_factory=dict)  # passed to fsspec (s3 keys, ...)


@dataclass(frozen=True)
class InputSpec:
    """One input file: its resolved path or URL and its format (a key of readers.READERS)."""

    path: str
    format: str
    # A byte range of a large plain file read by its own task ([start, stop), at line starts);
    # first_line: lines before ``start``, so line numbers and record numbers stay file-wide.
    start: int = 0
    stop: int | None = None
    first_line: int = 0

    @property
    def key(self) -> str:
        return input_key(self.path)

    @property
    def is_range(self) -> bool:
        return self.stop is not None


def input_key(path: str) -> str:
    """A short stable key of an input path, naming its parts and its completion marker."""
    return hashlib.sha1(path.encode()).hexdigest()[:12]


def hashed_id(source_file: str, offset: int | str) -> str:
    """A stable id for records without their own: hash of source file and record position."""
    return hashlib.sha1(f"{source_file}#{offset}".encode()).hexdigest()[:24]


class BlockBuilder:
    """Collects rows of one input and yields pyarrow blocks bounded in rows and text bytes.

    Every row gets ``source_file`` and a consecutive ``source_record``; a final marker row
    (drop_reason END_OF_INPUT) carries the input's read statistics so the writer can tell
    when all of an input's rows have been stored.
    """

    def __init__(self, spec: InputSpec, config: ReadConfig) -> None:
        self.spec = spec
        self.config = config
        self.rows: list[dict[str, Any]] = []
        self.bytes = 0
        self.emitted = 0
        self.skipped: Counter[str] = Counter()
        self.errors = 0
        self.first_error: str | None = None
        self.notes: dict[str, Any] = {}

    def add(self, row: dict[str, Any]) -> Iterator[pa.Table]:
        """Add a document row; yields a block when the current one is full."""
        row[S.SOURCE_FILE] = self.spec.path
        row[S.SOURCE_RECORD] = self.spec.first_line + self.emitted
        self.emitted += 1
        self.rows.append(row)
        self.bytes += len(row.get(S.TEXT) or "")
        if len(self.rows) >= self.config.block_rows or self.bytes >= self.config.block_bytes:
            yield self._flush()

    def error(
        self, message: str, *, offset: int | None, source: str, where: str | None = None
    ) -> Iterator[pa.Table]:
        """Record a read error as an error row (counted, stored under errors/); ``where`` (e.g.
        ``line12``) keeps its id stable however the input is split."""
        self.errors += 1
        self.first_error = self.first_error or message
        where = where or f"error@{self.spec.first_line + self.emitted}"
        row = {
            S.ID: hashed_id(self.spec.path, where),
            S.SOURCE: source,
            S.SOURCE_OFFSET: offset,
            S.DROP_REASON: S.READ_ERROR,
            S.DROPPED_BY: "read",
            S.ERROR: message,
        }
        yield from self.add(row)

    def skip(self, reason: str) -> None:
        """Count a record that is not a document (a request record, a redirect page, ...)."""
        self.skipped[reason] += 1

    def note(self, key: str, value: Any) -> None:
        """Record a fact about the whole input (e.g. a default the reader assumed); the notes go
        into the end-of-input stats and the input's manifest entry. ``value`` must be JSON."""
        self.notes[key] = value

    def finish(self) -> Iterator[pa.Table]:
        """Flush the last rows plus the end-of-input marker row."""
        if self.emitted == 0 and not self.skipped and not self.spec.is_range:
            yield from self.error(
                f"no records found: empty file or not {self.spec.format} data",
                offset=None,
                source=self.spec.format,
            )
        stats = {
            "records": self.emitted,
            "errors": self.errors,
            "error": self.first_error,
            "skipped": dict(sorted(self.skipped.items())),
        } | ({"notes": self.notes} if self.notes else {})
        self.rows.append(
            {
                S.ID: "",
                S.SOURCE_FILE: self.spec.path,
                S.SOURCE_RECORD: None,
                S.DROP_REASON: S.END_OF_INPUT,
                S.ERROR: json.dumps(stats),
            }
        )
        yield self._flush()

    def _flush(self) -> pa.Table:
        table = pa.Table.from_pylist(self.rows, schema=S.DOCUMENT_SCHEMA)
        self.rows, self.bytes = [], 0
        return table
