"""JSONL reader (.jsonl, .jsonl.gz, .jsonl.zst, ...): one JSON object per line, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from pipelines.core import schema as S
from pipelines.inputs.base import BlockBuilder, InputSpec, ReadConfig, hashed_id
from pipelines.inputs.io import open_binary


def read_jsonl(spec: InputSpec, config: ReadConfig) -> Iterator[pa.Table]:
    """Stream one JSONL file; bad lines become error rows with their line number."""
    out = BlockBuilder(spec, config)
    line_no = spec.first_line
    try:
        with open_binary(spec.path, decompress=True, storage_options=config.storage_options) as f:
            lines = f if not spec.is_range else _range_lines(f, spec.start, spec.stop)
            for line_no, line in enumerate(lines, start=spec.first_line + 1):
                if line.strip():
                    yield from _line_rows(line, line_no, spec, config, out)
    except (OSError, EOFError, ValueError) as exc:  # truncated gzip/zstd, network failure
        msg = f"unreadable after line {line_no}: {type(exc).__name__}: {exc}"
        yield from out.error(msg, offset=None, source="jsonl")
    yield from out.finish()


def _range_lines(f, start: int, stop: int) -> Iterator[bytes]:
    """The lines of ``f`` starting in [start, stop) (``start`` is a line start)."""
    f.seek(start)
    position = start
    while position < stop:
        line = f.readline()
        if not line:
            return
        position += len(line)
        yield line


def _line_rows(
    line: bytes, line_no: int, spec: InputSpec, config: ReadConfig, out: BlockBuilder
) -> Iterator[pa.Table]:
    if len(line) > config.max_record_bytes:
        msg = (
            f"line {line_no}: record of {len(line):,} bytes exceeds read.max_record_bytes="
            f"{config.max_record_bytes:,} (raise it with --set read.max_record_bytes=N)"
        )
        yield from out.error(msg, offset=None, source="jsonl", where=f"error-line{line_no}")
        return
    try:
        obj = json.loads(line)
        row = _row(obj, line_no, spec, config)
    except (ValueError, TypeError) as exc:
        msg = f"line {line_no}: {exc}"
        yield from out.error(msg, offset=None, source="jsonl", where=f"error-line{line_no}")
        return
    yield from out.add(row)


def _row(obj: Any, line_no: int, spec: InputSpec, config: ReadConfig) -> dict:
    if not isinstance(obj, dict):
        raise TypeError(f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get(config.text_field)
    if not isinstance(text, str):
        raise TypeError(f"field {config.text_field!r} missing or not a string")
    own_id = obj.get(config.id_field)
    row = {
        S.ID: str(own_id) if own_id is not None else hashed_id(spec.path, f"line{line_no}"),
        S.TEXT: text,
        S.URL: _str_or_none(obj.get(config.url_field)),
        S.TITLE: _str_or_none(obj.get("title")),
        S.SOURCE: "jsonl",
    }
    return row


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
