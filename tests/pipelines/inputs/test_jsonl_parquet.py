"""JSONL and Parquet readers: own ids kept, configurable fields, bad lines and rows counted."""

from __future__ import annotations

import bz2
import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

from pipelines.inputs import ReadConfig
from tests.pipelines.inputs.helpers import read_all

RECORDS = [
    {"id": f"doc-{i}", "text": f"Document number {i}.", "url": f"https://x.org/{i}"}
    for i in range(5)
]


def _jsonl(records) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def test_jsonl_plain_and_compressed_keep_ids(tmp_path):
    payload = _jsonl(RECORDS)
    files = {
        "a.jsonl": payload,
        "b.jsonl.gz": gzip.compress(payload),
        "c.jsonl.zst": zstandard.ZstdCompressor().compress(payload),
        "d.jsonl.bz2": bz2.compress(payload),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        result = read_all(tmp_path / name)
        assert [d["id"] for d in result.docs] == [r["id"] for r in RECORDS], name
        assert result.docs[2]["text"] == "Document number 2." and result.docs[2]["url"].endswith(
            "/2"
        )


def test_jsonl_configurable_fields_and_hashed_ids(tmp_path):
    path = tmp_path / "custom.jsonl"
    path.write_bytes(_jsonl([{"content": "hello there"}, {"content": "second"}]))
    result = read_all(path, ReadConfig(text_field="content"))
    assert [d["text"] for d in result.docs] == ["hello there", "second"]
    ids = [d["id"] for d in result.docs]
    assert len(set(ids)) == 2 and ids == [
        d["id"] for d in read_all(path, ReadConfig(text_field="content")).docs
    ]


def test_jsonl_bad_lines_are_errors_with_line_numbers(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(
        _jsonl(RECORDS[:2]) + b"{not json\n" + b'{"id": "x"}\n[1, 2]\n' + _jsonl(RECORDS[2:])
    )
    result = read_all(path)
    assert len(result.docs) == 5
    messages = [e["error"] for e in result.errors]
    assert messages[0].startswith("line 3:") and "'text' missing" in messages[1]
    assert "expected a JSON object" in messages[2]


def test_jsonl_truncated_gzip_keeps_what_was_read(tmp_path):
    data = gzip.compress(_jsonl(RECORDS * 200))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    result = read_all(path)
    assert result.docs and len(result.docs) < 1000
    (error,) = result.errors
    assert "unreadable after line" in error["error"]


def test_jsonl_huge_document_is_an_error(tmp_path):
    path = tmp_path / "huge.jsonl"
    big = {"id": "big", "text": "x" * (50 * 1024 * 1024)}
    path.write_bytes(_jsonl([RECORDS[0], big, RECORDS[1]]))
    result = read_all(path)
    assert [d["id"] for d in result.docs] == ["doc-0", "doc-1"]
    assert "exceeds read.max_record_bytes" in result.errors[0]["error"]


def test_parquet_reader_maps_columns_and_counts_null_text(tmp_path):
    table = pa.table(
        {"doc_id": ["a", "b", "c"], "body": ["one", None, "three"], "title": ["T", "U", "V"]}
    )
    path = tmp_path / "in.parquet"
    pq.write_table(table, path)
    result = read_all(path, ReadConfig(id_field="doc_id", text_field="body"))
    assert [(d["id"], d["text"], d["title"]) for d in result.docs] == [
        ("a", "one", "T"),
        ("c", "three", "V"),
    ]
    assert result.errors[0]["error"] == "row 1: null text"


def test_parquet_without_text_column_is_an_error(tmp_path):
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"x": [1]}), path)
    result = read_all(path)
    assert "no column 'text'" in result.errors[0]["error"]
