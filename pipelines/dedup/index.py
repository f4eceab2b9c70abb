"""A persisted dedup index: the bucket keys of a corpus's kept documents, for later runs.

``index: PATH`` (on ``minhash_dedup``) writes ``PATH/{part}.parquet`` rows ``(key, id, exact)``
sorted by key (band keys, plus the exact key when the recipe has ``exact_dedup``), so a later run's key-range task reads only its share of row groups, and
``PATH/_index.json`` with the settings that make keys comparable. ``against_index: PATH`` drops
new documents that share a key with an indexed one (chains included); the old corpus is not
touched, and its documents always win.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from pipelines.core import schema as S
from pipelines.core.errors import ConfigError
from pipelines.dedup.work import BUCKET_ROW_GROUP, RECORD_BITS, gids
from pipelines.output.atomic import write_parquet

SETTINGS = "_index.json"
_SORTED = {"compression": "lz4", "row_group_size": BUCKET_ROW_GROUP}  # key-range reads skip groups
SHINGLES = "shingles"  # PATH/shingles/{part}.parquet: (gid, shingles) of kept documents
INDEX_RANK = 0  # documents of an earlier corpus's index: smallest gids, so always the keepers


def index_gids(ids: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Rank-0 gids of index documents: a hash of each id (an id is listed once per band, so
    each distinct id is hashed once)."""
    ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    encoded = ids.dictionary_encode()
    mask = (1 << RECORD_BITS) - 1
    hashed = np.array(
        [
            int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest(), "little") & mask
            for i in encoded.dictionary.to_pylist()
        ],
        dtype=np.uint64,
    )
    return hashed[encoded.indices.to_numpy()] | np.uint64(INDEX_RANK << RECORD_BITS)


def index_shingles(index_dirs: list[str], gids: np.ndarray) -> tuple[np.ndarray, ...]:
    """The shingle hashes of the index documents ``gids`` (those found): sorted gids, values,
    offsets — the shape of one input's shingle sets."""
    files = [str(f) for d in index_dirs for f in sorted(Path(d, SHINGLES).glob("*.parquet"))]
    empty = (np.zeros(0, np.uint64), np.zeros(0, np.uint32), np.zeros(1, np.int64))
    if not files:
        return empty
    wanted = pads.field("gid").isin(pa.array(gids, pa.uint64()))
    table = pads.dataset(files, format="parquet").to_table(filter=wanted)
    if not table.num_rows:
        return empty
    table = table.sort_by("gid")
    gid = table["gid"].to_numpy().astype(np.uint64)
    first = np.concatenate(([True], gid[1:] != gid[:-1]))  # one copy of a document in two indexes
    table = table.filter(pa.array(first))
    lists = table["shingles"].combine_chunks()
    lengths = pc.list_value_length(lists).to_numpy()
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    values = np.asarray(pc.list_flatten(lists).to_numpy(), dtype=np.uint32)
    return gid[first], values, offsets


def settings(stage) -> dict:
    c = stage.config
    bands, rows = c.banding
    return {"num_perm": c.num_perm, "seed": c.seed, "ngram": c.ngram, "bands": bands, "rows": rows}


def against_indexes(config) -> list[str]:
    """The earlier indexes a stage deduplicates against: ``against_index`` as a list."""
    against = getattr(config, "against_index", None)
    return [against] if isinstance(against, str) else list(against or [])


def check_compatible(stage) -> None:
    """Before a run: an ``against_index`` must have been built with the same settings; an
    ``index`` directory gets its settings file."""
    config = stage.config
    for against in against_indexes(config):
        path = Path(against) / SETTINGS
        if not path.is_file():
            raise ConfigError(f"{against} is not a dedup index (no {SETTINGS})")
        theirs = json.loads(path.read_text())
        if theirs != settings(stage):
            raise ConfigError(
                f"{against} was built with {theirs}; this run uses {settings(stage)}: "
                "keys would not match"
            )
    target = getattr(config, "index", None)
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / SETTINGS).write_text(json.dumps(settings(stage)) + "\n")


def write_entries(target: str, work: Path, stem: str, batch: pa.Table, rank: int) -> None:
    """Index rows for the documents of one work part that were kept."""

    kept = batch.filter(
        pc.and_(pc.is_null(batch[S.DROP_REASON]), pc.is_valid(batch[S.SOURCE_RECORD]))
    )
    keys = pq.read_table(work / "keys" / f"{stem}.parquet")
    if "bands" not in keys.column_names or not kept.num_rows:
        return
    keys = keys.filter(pc.is_in(keys["gid"], pa.array(gids(kept, rank))))
    bands = keys["bands"].combine_chunks()
    width = bands.type.list_size
    flat = pc.list_flatten(bands).to_numpy().astype(np.uint64)
    rows = np.repeat(np.arange(keys.num_rows), width)
    exact = np.zeros(keys.num_rows, dtype=np.uint64)
    if "exact" in keys.column_names:  # exact keys enter the index too, so reasons stay exact
        exact = keys["exact"].to_numpy().astype(np.uint64)
        flat = np.concatenate([flat, exact])
        rows = np.concatenate([rows, np.arange(keys.num_rows)])
    keep = flat != 0
    flat, rows = flat[keep], rows[keep]
    order = np.argsort(flat, kind="stable")
    doc_gids = index_gids(keys["id"])  # hashed once here, not in every later run's tasks
    table = pa.table(
        {
            "key": pa.array(flat[order]),
            "id": pc.take(keys["id"], pa.array(rows[order])),
            "exact": pa.array(exact[rows[order]]),
            "gid": pa.array(doc_gids[rows[order]]),
        }
    )
    write_parquet(table, Path(target) / f"{stem}.parquet", **_SORTED)
    if "shingles" in keys.column_names:  # so later runs can verify their pairs with these
        shingles = pa.table({"gid": pa.array(doc_gids), "shingles": keys["shingles"]})
        write_parquet(
            shingles.sort_by("gid"), Path(target) / SHINGLES / f"{stem}.parquet", **_SORTED
        )
