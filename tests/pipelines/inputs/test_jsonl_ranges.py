"""A big plain JSONL file is read in byte ranges: the same rows, ids and record numbers as one
pass, and curate still writes one marker and one set of counts for the file."""

from __future__ import annotations

import json

import pyarrow as pa

from pipelines.core import schema as S
from pipelines.inputs import InputSpec, ReadConfig
from pipelines.inputs.jsonl import read_jsonl
from pipelines.inputs.sources import split_input
from pipelines.job.curate import curate
from pipelines.job.recipe import load_recipe


def _write(path, n: int = 3000) -> None:
    lines = []
    for i in range(n):
        if i % 97 == 0:
            lines.append("")  # blank lines are skipped, not errors
        elif i % 389 == 0:
            lines.append("{broken json")
        else:
            row = {"text": f"document {i} " + "word " * (i % 40)}
            if i % 2:
                row["id"] = f"own-{i}"
            lines.append(json.dumps(row))
    path.write_text("\n".join(lines) + "\n")


def _rows(specs) -> list[dict]:
    blocks = [b for spec in specs for b in read_jsonl(spec, ReadConfig())]
    rows = pa.concat_tables(blocks).to_pylist()
    return [r for r in rows if r[S.DROP_REASON] != S.END_OF_INPUT]


def test_ranges_give_the_same_rows_as_one_pass(tmp_path):
    path = tmp_path / "big.jsonl"
    _write(path)
    whole = InputSpec(str(path), "jsonl")
    ranges = split_input(whole, 10_000)
    assert len(ranges) > 5 and ranges[0].start == 0 and ranges[-1].stop == path.stat().st_size
    assert all(a.stop == b.start for a, b in zip(ranges, ranges[1:]))
    one, split = _rows([whole]), _rows(ranges)
    key = [S.ID, S.TEXT, S.DROP_REASON, S.ERROR]
    assert [[r[k] for k in key] for r in split] == [[r[k] for k in key] for r in one]
    records = [r[S.SOURCE_RECORD] for r in split]
    assert len(set(records)) == len(records) and records == sorted(records)


def test_curate_counts_a_split_file_once(ray_local, tmp_path):
    path = tmp_path / "big.jsonl"
    _write(path)
    recipe = load_recipe("ingest", ["read.split_bytes=20000"])
    manifest = curate([str(path)], str(tmp_path / "out"), recipe, quiet=True).manifest
    (entry,) = manifest["inputs"]
    assert entry["records_read"] == manifest["counts"]["input"]
    assert manifest["counts"]["errors"] == entry["errors"] == 7  # the broken lines
    assert manifest["counts"]["input"] == 3000 - 31  # minus the blank lines
