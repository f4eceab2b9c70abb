"""Labelled texts for sequence classification from .tsv/.csv/.txt, .jsonl(.gz) or .parquet tables."""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.core.errors import ConfigError, InputError
from training.finetune.conll import decode_utf8
from training.finetune.ner_data import frame

log = logging.getLogger(__name__)

FORMATS = {
    ".tsv": "tsv",
    ".csv": "csv",
    ".txt": "txt",
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    ".parquet": "parquet",
}
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_BATCH_TEXTS = 1024

Row = tuple[str, Any, Any]  # (where: "file:line", text value, label value)


@dataclass(frozen=True, kw_only=True)
class LabeledTexts:
    """Texts and their labels (as strings). ``stats``: rows (records read), kept,
    skipped_empty_text (rows whose text is empty or blank: counted, logged, not kept),
    blank_lines (empty lines between records of delimited and JSON Lines files)."""

    texts: list[str]
    labels: list[str]
    file: str
    stats: dict[str, int]


def read_labeled(
    path: str | Path,
    *,
    text_column: str | int = "sentence",
    label_column: str | int = "label",
    header: bool = True,
    delimiter: str | None = None,
) -> LabeledTexts:
    """Read a table of (text, label) by its suffix. Columns are header names or, for delimited
    files without a header, 0-based indices; JSON Lines keys; Parquet names (or indices).

    .tsv and .txt split on the delimiter alone (no quoting); .csv follows CSV quoting."""
    path = Path(path)
    suffix = next((s for s in FORMATS if path.name.endswith(s)), None)
    if suffix is None:
        raise InputError(f"{path}: unknown table format. Available: {', '.join(FORMATS)}")
    kind = FORMATS[suffix]
    stats = {"rows": 0, "kept": 0, "skipped_empty_text": 0, "blank_lines": 0}
    if kind == "parquet":
        rows = _parquet_rows(path, text_column, label_column)
    elif kind == "jsonl":
        rows = _jsonl_rows(
            path, _read_text(path, gz=suffix.endswith(".gz")), text_column, label_column, stats
        )
    else:
        sep = delimiter or {"tsv": "\t", "csv": ","}.get(kind)
        if sep is None:
            raise ConfigError(f"{path}: a .txt table needs delimiter= (e.g. '\\t' or ',')")
        columns = (text_column, label_column)
        rows = _delimited_rows(path, _read_text(path), sep, kind == "csv", columns, header, stats)
    return _collect(path, rows, stats)


def _collect(path: Path, rows: Iterator[Row], stats: dict[str, int]) -> LabeledTexts:
    texts, labels, first_empty = [], [], None
    for where, text, label in rows:
        stats["rows"] += 1
        name = _label_text(label, where)
        if text is None or (isinstance(text, str) and not text.strip()):
            stats["skipped_empty_text"] += 1
            first_empty = first_empty or where
            continue
        if not isinstance(text, str):
            raise InputError(f"{where}: text is a {type(text).__name__}, not a string")
        texts.append(text)
        labels.append(name)
    stats["kept"] = len(texts)
    if first_empty:
        log.warning(
            "%s: skipped %d rows with empty text (first: %s)",
            path,
            stats["skipped_empty_text"],
            first_empty,
        )
    return LabeledTexts(texts=texts, labels=labels, file=str(path), stats=stats)


def _label_text(label: Any, where: str) -> str:
    if isinstance(label, float) and label.is_integer():
        label = int(label)  # 1.0 from a float column is the label "1"
    if isinstance(label, int | str):
        text = str(label).strip()
        if text:
            return text
    if label is None or label == "" or isinstance(label, str):
        raise InputError(f"{where}: empty label")
    raise InputError(f"{where}: label {label!r} is not a string or an integer")


def _read_text(path: Path, *, gz: bool = False) -> str:
    try:
        data = path.read_bytes()
        data = gzip.decompress(data) if gz else data
    except OSError as e:  # gzip.BadGzipFile is an OSError
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e
    except (EOFError, zlib.error) as e:
        raise InputError(f"{path}: damaged gzip data ({e})") from e
    return decode_utf8(data, path)


def _delimited_rows(
    path: Path,
    text: str,
    sep: str,
    quoted: bool,
    columns: tuple[str | int, str | int],
    header: bool,
    stats: dict[str, int],
) -> Iterator[Row]:
    quoting = csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quoting=quoting)
    except TypeError as e:
        raise ConfigError(f"delimiter={sep!r} must be a single character") from e
    indices: tuple[int, int] | None = None
    width = 0
    try:
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if not row or (len(row) == 1 and not row[0].strip()):
                stats["blank_lines"] += 1
                continue
            if indices is None:
                width = len(row)
                indices = _resolve(
                    columns, [c.strip() for c in row] if header else None, width, path
                )
                if header:
                    continue
            if len(row) != width:
                few = "too few" if len(row) < width else "too many"
                raise InputError(
                    f"{where}: {len(row)} fields, {few} (expected {width}, as the first row)"
                )
            yield where, row[indices[0]], row[indices[1]]
    except csv.Error as e:
        raise InputError(f"{path}:{reader.line_num}: {e}") from e


def _resolve(
    columns: tuple[str | int, str | int], names: list[str] | None, width: int, path: Path
) -> tuple[int, int]:
    """Column indices from names (needs a header) or 0-based indices."""
    out = []
    for column in columns:
        if isinstance(column, int):
            if not 0 <= column < width:
                raise ConfigError(
                    f"{path}: column {column} is out of range: rows have {width} fields"
                )
            out.append(column)
        elif names is None:
            raise ConfigError(
                f"{path}: column {column!r} is a name but header=False; give a 0-based index"
            )
        elif column not in names:
            raise ConfigError(f"{path}: no column {column!r}. Available: {', '.join(names)}")
        else:
            out.append(names.index(column))
    return out[0], out[1]


def _jsonl_rows(
    path: Path, text: str, text_column: str | int, label_column: str | int, stats: dict[str, int]
) -> Iterator[Row]:
    if isinstance(text_column, int) or isinstance(label_column, int):
        raise ConfigError(f"{path}: JSON Lines columns are keys, not indices")
    first = True
    lines = text.removesuffix("\n").split("\n") if text else []
    for number, line in enumerate(lines, start=1):
        where = f"{path}:{number}"
        if not line.strip():
            stats["blank_lines"] += 1
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{where}: not JSON ({e.msg})") from e
        if not isinstance(record, dict):
            raise InputError(f"{where}: a JSON {type(record).__name__}, not an object")
        for key in (text_column, label_column):
            if key not in record:
                keys = ", ".join(record)
                if first:
                    raise ConfigError(f"{path}: no column {key!r}. Available: {keys}")
                raise InputError(f"{where}: no key {key!r} (keys: {keys})")
        first = False
        yield where, record[text_column], record[label_column]


def _parquet_rows(path: Path, text_column: str | int, label_column: str | int) -> Iterator[Row]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except (OSError, pa.ArrowException) as e:
        raise InputError(f"{path}: not a readable Parquet file ({e})") from e
    text_i, label_i = _resolve((text_column, label_column), names, len(names), path)
    table = pq.read_table(path, columns=[names[text_i], names[label_i]])
    texts = table.column(0).to_pylist()
    labels = table.column(1).to_pylist()
    for i, (text, label) in enumerate(zip(texts, labels)):
        yield f"{path}:row {i + 1}", text, label


def label_names(train: LabeledTexts) -> list[str]:
    """The distinct labels, sorted; numeric-looking ones by value ("2" before "10"), first."""

    def key(label: str) -> tuple[int, float, str]:
        return (0, float(label), label) if _NUMBER.match(label) else (1, 0.0, label)

    return sorted(set(train.labels), key=key)


def encode_texts(
    texts: Sequence[str], tokenizer: Any, *, max_seq_len: int
) -> tuple[list[list[int]], dict[str, int]]:
    """Token ids wrapped in the model's special tokens (as ``ner_data.special_ids``), cut to ``max_seq_len``.

    stats: texts, tokens (before cutting), truncated (texts cut), truncated_tokens (ids cut),
    longest (ids of the longest text, before cutting and without special tokens)."""
    head, tail, budget = frame(tokenizer, max_seq_len)
    stats = {"texts": len(texts), "tokens": 0, "truncated": 0, "truncated_tokens": 0, "longest": 0}
    out = []
    for start in range(0, len(texts), _BATCH_TEXTS):
        batch = list(texts[start : start + _BATCH_TEXTS])
        for ids in tokenizer(batch, add_special_tokens=False)["input_ids"]:
            stats["tokens"] += len(ids)
            stats["longest"] = max(stats["longest"], len(ids))
            if len(ids) > budget:
                stats["truncated"] += 1
                stats["truncated_tokens"] += len(ids) - budget
            out.append(head + list(ids[:budget]) + tail)
    return out, stats
