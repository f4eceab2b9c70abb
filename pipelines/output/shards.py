"""Shard store: Parquet parts first, per-input completion markers, and ``_manifest.json`` last."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.core import schema as S
from pipelines.core.errors import ForageError
from pipelines.inputs.base import input_key
from pipelines.output.atomic import write_bytes, write_json
from pipelines.output.lock import LOCK_FILE

DATA, REJECTED, ERRORS = "data", "rejected", "errors"
PROGRESS = "_progress"
MANIFEST = "_manifest.json"
RECIPE_MARKER = "_recipe.json"
# What a run leaves in its output directory: shards, markers, the manifest, dedup's scratch space,
# Ray's logs, the lock, the report; a refresh adds its pending marker and its dedup index.
LOGS = "_logs"
NEW_DIR_ENTRIES = frozenset({LOCK_FILE, LOGS, "_refresh.json"})
OWN_ENTRIES = NEW_DIR_ENTRIES | {
    DATA,
    REJECTED,
    ERRORS,
    PROGRESS,
    MANIFEST,
    "_work",
    "report.html",
    "dedup-index",
}
INDEX_SETTINGS = "_index.json"  # a dedup index written into the corpus (minhash_dedup.index)
PART = re.compile(r"\.?part-[0-9a-f]{12}-\d{9}\.parquet(\.tmp)?")


def write_parts(batch: pa.Table, out_dir: str, schema: pa.Schema) -> list[dict[str, Any]]:
    """Write one processed batch as parts per input; returns one stats dict per input.

    Kept rows go to ``data/``, rejected rows (drop_reason set) to ``rejected/`` and read
    errors to ``errors/``. A part's name is the input key and its first record number, so a
    rerun over the same input rewrites the same names instead of adding duplicates.
    """
    stats = []
    for source_file in pc.unique(batch[S.SOURCE_FILE]).to_pylist():
        rows = batch.filter(pc.equal(batch[S.SOURCE_FILE], source_file))
        stats.append(_write_input_rows(rows, source_file, Path(out_dir), schema))
    return stats


def _write_input_rows(rows: pa.Table, source_file: str, out: Path, schema: pa.Schema) -> dict:
    reason = rows[S.DROP_REASON]
    is_end = pc.fill_null(pc.equal(reason, S.END_OF_INPUT), False)
    end = rows.filter(is_end)
    rows = rows.filter(pc.invert(is_end))
    is_error = pc.fill_null(pc.equal(rows[S.DROP_REASON], S.READ_ERROR), False)
    kept_mask = pc.is_null(rows[S.DROP_REASON])
    errors = rows.filter(is_error)
    rejected = rows.filter(pc.and_(pc.invert(kept_mask), pc.invert(is_error)))
    kept = rows.filter(kept_mask)
    key = input_key(source_file)
    first = pc.min(rows[S.SOURCE_RECORD]).as_py() if rows.num_rows else None
    shard_schema = schema.remove(schema.get_field_index(S.ERROR))
    files = []
    for kind, table, target in (
        (DATA, kept, shard_schema),
        (REJECTED, rejected, shard_schema),
        (ERRORS, errors, S.DOCUMENT_SCHEMA),
    ):
        if table.num_rows:
            files.append(
                _write_file(S.conform(table, target), out, kind, f"part-{key}-{first:09d}")
            )
    reasons = reason_counts(rejected)
    counted = rows.filter(pc.invert(is_error))
    totals = {c: _totals(counted[c]) for c in S.total_columns(schema) if c in rows.column_names}
    return {
        "source_file": source_file,
        "rows": rows.num_rows,
        "kept": kept.num_rows,
        "rejected": rejected.num_rows,
        "errors": errors.num_rows,
        "reasons": reasons,
        "error_rows": _error_details(errors),
        "files": files,
        "end": json.loads(end[S.ERROR][0].as_py()) if end.num_rows else None,
    } | ({"totals": totals} if totals else {})


def reason_counts(rejected: pa.Table) -> list[list]:
    """``[stage, reason, rows]`` for each (dropped_by, drop_reason) of rejected rows, sorted."""
    if not rejected.num_rows:
        return []
    counts = rejected.group_by([S.DROPPED_BY, S.DROP_REASON]).aggregate([([], "count_all")])
    rows = counts.to_pylist()  # one per distinct (stage, reason): few
    return sorted([r[S.DROPPED_BY], r[S.DROP_REASON], r["count_all"]] for r in rows)


def _totals(column: pa.ChunkedArray) -> int | dict[str, int]:
    """The sum of a count column; of each field for a struct (fields all null left out)."""
    if not pa.types.is_struct(column.type):
        return pc.sum(column).as_py() or 0
    totals = {}
    for field in column.type:
        total = pc.sum(pc.struct_field(column, field.name)).as_py()
        if total is not None:
            totals[field.name] = total
    return totals


def _write_file(table: pa.Table, out: Path, kind: str, stem: str) -> dict[str, Any]:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", compression_level=3)
    payload = sink.getvalue()
    path = out / kind / f"{stem}.parquet"
    write_bytes(path, payload.to_pybytes())
    return {
        "path": f"{kind}/{path.name}",
        "kind": kind,
        "rows": table.num_rows,
        "bytes": payload.size,
        "sha256": hashlib.sha256(payload).hexdigest(),
    }


def _error_details(errors: pa.Table, limit: int = 50) -> list[dict[str, Any]]:
    cols = [S.SOURCE_RECORD, S.SOURCE_OFFSET, S.ERROR]
    return errors.select(cols).slice(0, limit).to_pylist()


class ShardStore:
    """The output directory: recipe check, resume markers, cleanup of unfinished inputs."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.progress = self.root / PROGRESS

    def prepare(self, fingerprint: str) -> dict[str, dict[str, Any]]:
        """Open the directory for a run; returns markers of inputs finished by earlier runs."""
        foreign = self.foreign_files()
        if foreign:
            shown = ", ".join(str(p.relative_to(self.root)) for p in foreign[:5])
            more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
            raise ForageError(
                f"{self.root} holds files Forage did not write ({shown}{more}); a corpus "
                "directory holds only Forage's files: move them away or choose another output"
            )
        self.progress.mkdir(parents=True, exist_ok=True)
        recipe_file = self.progress / RECIPE_MARKER
        if recipe_file.exists():
            previous = json.loads(recipe_file.read_text())["fingerprint"]
            if previous != fingerprint:
                raise ForageError(
                    f"{self.root} was written with a different recipe (fingerprint {previous}, "
                    f"now {fingerprint}); use a new --output directory"
                )
        else:
            write_json(recipe_file, {"fingerprint": fingerprint})
        (self.root / MANIFEST).unlink(missing_ok=True)  # no longer a finished corpus
        (self.root / "report.html").unlink(missing_ok=True)  # nor its report
        done = self.markers()
        self._remove_unfinished(set(done))
        return done

    def foreign_files(self) -> list[Path]:
        """What in the directory no Forage run wrote: in data/, rejected/ and errors/ anything
        but parts (and their temporary files); at the top level, in a directory that is not a
        Forage output yet, anything at all but the lock and log files."""
        if not self.root.is_dir():
            return []
        started = self.progress.is_dir()
        allowed = OWN_ENTRIES if started else NEW_DIR_ENTRIES
        foreign = [
            p
            for p in sorted(self.root.iterdir())
            if p.name not in allowed and not (started and (p / INDEX_SETTINGS).is_file())
        ]
        for kind in (DATA, REJECTED, ERRORS):
            if (self.root / kind).is_dir():
                foreign += [
                    p for p in sorted((self.root / kind).iterdir()) if not PART.fullmatch(p.name)
                ]
        return foreign

    def markers(self) -> dict[str, dict[str, Any]]:
        found = {}
        for path in sorted(self.progress.glob("*.json")):
            if path.name != RECIPE_MARKER:
                found[path.stem] = json.loads(path.read_text())
        return found

    def mark_done(self, key: str, marker: dict[str, Any]) -> None:
        write_json(self.progress / f"{key}.json", marker)

    def write_manifest(self, manifest: dict[str, Any]) -> Path:
        path = self.root / MANIFEST
        write_json(path, manifest)
        return path

    def _remove_unfinished(self, done: set[str]) -> None:
        """Parts of inputs without a marker come from an interrupted run: delete them."""
        for kind in (DATA, REJECTED, ERRORS):
            for part in (self.root / kind).glob("part-*"):
                key = part.name.split("-")[1]
                if key not in done:
                    part.unlink()
            for tmp in (self.root / kind).glob(".part-*.tmp"):  # a write killed before its rename
                tmp.unlink()
