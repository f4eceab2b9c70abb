"""A persisted dedup index: the bucket keys of a corpus's kept documents, for later runs.

``index: PATH`` (on ``minhash_dedup``) writes ``PATH/b{byte}/{part}.parquet`` rows ``(key, id)``,
split by the key's top byte so a later run's bucket partition reads only its share, and
``PATH/_index.json`` with the settings that make keys comparable. ``against_index: PATH`` drops
new documents that share a key with an indexed one (chains included); the old corpus is not
touched, and its documents always win.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines import schema as S
from pipelines.errors import ConfigError

SETTINGS = "_index.json"


def settings(stage) -> dict:
    c = stage.config
    bands, rows = c.banding
    return {"num_perm": c.num_perm, "seed": c.seed, "ngram": c.ngram, "bands": bands, "rows": rows}


def check_compatible(stage) -> None:
    """Before a run: an ``against_index`` must have been built with the same settings; an
    ``index`` directory gets its settings file."""
    config = stage.config
    against = getattr(config, "against_index", None)
    if against:
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
    from pipelines.dedup.work import gids

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
    ids = np.repeat(np.arange(keys.num_rows), width)
    keep = flat != 0
    flat, ids = flat[keep], ids[keep]
    top = (flat >> np.uint64(56)).astype(np.int64)
    for byte in np.unique(top):
        mine = top == byte
        table = pa.table({"key": flat[mine], "id": pc.take(keys["id"], pa.array(ids[mine]))})
        path = Path(target) / f"b{byte:03d}" / f"{stem}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path)
