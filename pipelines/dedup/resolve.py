"""The global step: bucket keys → candidate edges → connected components → per-input drops.

Every step is a Ray task over one partition: bucket partitions (by key), component partitions
(by node), join partitions (by input rank). The driver passes object references and counts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import ray

from pipelines.dedup import kernels as K
from pipelines.dedup.components import as_list, connected_components, transpose
from pipelines.dedup.index import INDEX_RANK, index_gids, index_shingles
from pipelines.dedup.stage import DUP_CLUSTER, DUP_CLUSTER_SIZE, DUPLICATE_OF
from pipelines.dedup.work import BUCKET_ROW_GROUP, RECORD_BITS
from pipelines.output.atomic import write_parquet

_EMPTY = np.zeros((0, 2), dtype=np.uint64)
_JOINED = pa.schema(
    [
        ("node", pa.uint64()),
        ("label_id", pa.string()),
        ("size", pa.int64()),
        ("label_exact", pa.uint64()),
    ]
)


def resolve(
    work: Path, partitions: int, exact_reason: bool, index_dirs: list[str], verify: float | None
) -> int:
    """Decide the drops and write ``drops/{rank}.parquet``; returns how many documents go.

    ``verify``: keep only candidate pairs whose hashed-shingle Jaccard reaches it (None: all).
    """
    all_pairs = verify is not None
    buckets = [
        _bucket.remote(str(work / "buckets"), p, partitions, index_dirs, all_pairs)
        for p in range(partitions)
    ]
    edges = [edges for edges, _ in buckets]
    if verify is not None:
        edges = _verified(str(work), index_dirs, edges, partitions, verify)
    labels = connected_components(edges, partitions)
    index_ids = [ids for _, ids in buckets]
    split = _split_labels.options(num_returns=partitions)
    by_label = transpose([as_list(split.remote(ref, partitions)) for ref in labels], partitions)
    join = _join_labels.options(num_returns=partitions)
    by_node = transpose(
        [
            as_list(join.remote(str(work), partitions, index_ids, *by_label[q]))
            for q in range(partitions)
        ],
        partitions,
    )
    return sum(
        ray.get([_write_drops.remote(str(work), exact_reason, *chunks) for chunks in by_node])
    )


@ray.remote(num_returns=2)
def _bucket(directory: str, p: int, partitions: int, index_dirs: list[str], all_pairs: bool):
    """Candidate edges for every key shared by documents — the smallest gid of a bucket to each
    other one, or every pair (buckets up to 64 documents) when they are verified next — and the
    ids of index documents met here (gid → id)."""
    lo = (p << 64) // partitions  # key range [lo, hi) of this task; keys are uniform hashes
    hi = ((p + 1) << 64) // partitions
    where = pads.field("key") >= pa.scalar(lo, pa.uint64())
    if hi < 1 << 64:
        where &= pads.field("key") < pa.scalar(hi, pa.uint64())
    tables = [_read_range(sorted(Path(directory).glob("*.parquet")), where)]
    names = []
    for index_dir in index_dirs:
        t = _read_range(sorted(Path(index_dir).glob("*.parquet")), where)
        if t is not None and t.num_rows:
            # Indexes written before the gid column: hash the ids here.
            gid = t["gid"] if "gid" in t.column_names else pa.array(index_gids(t["id"]))
            tables.append(pa.table({"key": t["key"], "gid": gid}))
            named = {"gid": gid, "id": t["id"]}
            if "exact" in t.column_names:
                named["exact"] = t["exact"]
            names.append(pa.table(named))
    tables = [t for t in tables if t is not None and t.num_rows]
    if not tables:
        return _EMPTY, None
    table = pa.concat_tables(tables)
    key = table["key"].to_numpy().astype(np.uint64)
    gid = table["gid"].to_numpy().astype(np.uint64)
    order = np.lexsort((gid, key))
    key, gid = key[order], gid[order]
    start = np.concatenate(([True], key[1:] != key[:-1]))
    group = np.cumsum(start) - 1
    root = gid[start][group]
    edges = np.stack([root, gid], 1)[~start]
    if all_pairs:
        edges = np.concatenate([edges, _pairs_within(gid, start, group)])
    edges = np.unique(edges, axis=0) if len(edges) else _EMPTY
    if not names:
        return edges, None
    named = pa.concat_tables(names, promote_options="default")  # only index documents met
    met = pc.is_in(named["gid"], pa.array(np.unique(edges[:, 0]), pa.uint64()))
    named = named.filter(met)
    _, first = np.unique(named["gid"].to_numpy(), return_index=True)  # one row per document
    return edges, named.take(pa.array(first))


def _read_range(files: list[Path], where) -> pa.Table | None:
    """Rows of sorted key files inside a key range (row groups outside it are not read)."""
    if not files:
        return None
    return pads.dataset([str(f) for f in files], format="parquet").to_table(filter=where)


def _pairs_within(gid: np.ndarray, start: np.ndarray, group: np.ndarray, cap: int = 64):
    """All pairs of members (not only root → member) in buckets of 3 to ``cap`` documents.
    Buckets are contiguous runs of ``gid``; those of one size are paired in one step."""
    sizes = np.bincount(group)
    firsts = np.flatnonzero(start)
    out = [_EMPTY]
    for size in np.unique(sizes[(sizes >= 3) & (sizes <= cap)]):
        members = gid[firsts[sizes == size][:, None] + np.arange(size)]  # (buckets, size)
        i, j = np.triu_indices(size, k=1)
        out.append(np.stack([members[:, i].ravel(), members[:, j].ravel()], 1))
    return np.concatenate(out)


def _verified(
    work: str, index_dirs: list[str], edges: list, partitions: int, threshold: float
) -> list:
    """Candidate edges whose two documents' shingle-set Jaccard reaches ``threshold``. Pairs are
    grouped by the inputs of their two documents, so a task loads the keys of those inputs only
    (and, for pairs with an earlier corpus, the shingles of just the index documents met)."""
    split = _split_pairs.options(num_returns=partitions)
    by_inputs = transpose([as_list(split.remote(ref, partitions)) for ref in edges], partitions)
    return [_keep_similar.remote(work, index_dirs, threshold, *chunks) for chunks in by_inputs]


@ray.remote
def _split_pairs(pairs: np.ndarray, partitions: int):
    shift = np.uint64(RECORD_BITS)
    with np.errstate(over="ignore"):
        mixed = ((pairs[:, 0] >> shift) * np.uint64(0x9E3779B97F4A7C15)) ^ (pairs[:, 1] >> shift)
    q = (mixed % np.uint64(partitions)).astype(np.int64) if len(pairs) else np.zeros(0, np.int64)
    parts = [pairs[q == i] for i in range(partitions)]
    return parts[0] if partitions == 1 else tuple(parts)


@ray.remote
def _keep_similar(
    work: str, index_dirs: list[str], threshold: float, *chunks: np.ndarray
) -> np.ndarray:
    pairs = np.concatenate(chunks) if chunks else _EMPTY
    if not len(pairs):
        return _EMPTY
    ranks = pairs >> np.uint64(RECORD_BITS)
    keep = np.ones(len(pairs), dtype=bool)  # pairs of two index documents stay as they are
    loaded: dict[int, tuple] = {}
    old = ranks[:, 0] == INDEX_RANK  # index gids are the smallest: an index document is first
    if old.any():  # the shingles of every index document met here, read once
        loaded[INDEX_RANK] = index_shingles(index_dirs, np.unique(pairs[old, 0]))
    for ru, rv in np.unique(ranks, axis=0).tolist():
        if rv == INDEX_RANK:
            continue
        mine = np.flatnonzero((ranks[:, 0] == ru) & (ranks[:, 1] == rv))
        if ru == INDEX_RANK:
            known = np.isin(pairs[mine, 0], loaded[ru][0])
            mine = mine[known]  # an index written without shingles: its pairs stay unverified
        for r in (ru, rv):
            if r not in loaded:
                loaded[r] = _shingle_sets(work, r)
        (gu, vu, ou), (gv, vv, ov) = loaded[ru], loaded[rv]
        iu = np.searchsorted(gu, pairs[mine, 0])
        iv = np.searchsorted(gv, pairs[mine, 1])
        du, dv = np.unique(iu), np.unique(iv)  # sort only the documents in candidate pairs
        su, sv = K.sorted_sets(vu, ou, du), K.sorted_sets(vv, ov, dv)
        iu, iv = np.searchsorted(du, iu), np.searchsorted(dv, iv)
        keep[mine] = K.jaccards_at(*su, iu, *sv, iv) >= threshold
    return pairs[keep]


def _shingle_sets(work: str, rank: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One input's documents: sorted gids, and their shingle hashes (values, offsets)."""
    files = sorted(Path(work, "keys").glob(f"{rank:06d}-*.parquet"))
    table = pa.concat_tables([pq.read_table(f, columns=["gid", "shingles"]) for f in files])
    gids = table["gid"].to_numpy().astype(np.uint64)
    lists = table["shingles"].combine_chunks()
    offsets = np.concatenate(([0], np.cumsum(pc.list_value_length(lists).to_numpy()))).astype(
        np.int64
    )
    values = np.asarray(pc.list_flatten(lists).to_numpy(), dtype=np.uint32)
    if np.any(gids[1:] <= gids[:-1]):  # files and rows are in record order; searchsorted needs it
        raise RuntimeError(f"key files of input {rank} are not in record order")
    return gids, values, offsets


def _rank_partition(gids: np.ndarray, partitions: int) -> np.ndarray:
    return ((gids >> np.uint64(RECORD_BITS)) % np.uint64(partitions)).astype(np.int64)


@ray.remote
def _split_labels(pairs: np.ndarray, partitions: int):
    """(node, label) pairs of dropped nodes, split by the label's input rank."""
    pairs = pairs[pairs[:, 0] != pairs[:, 1]] if len(pairs) else _EMPTY
    q = _rank_partition(pairs[:, 1], partitions)
    parts = [pairs[q == i] for i in range(partitions)]
    return parts[0] if partitions == 1 else tuple(parts)


@ray.remote
def _join_labels(work: str, partitions: int, index_ids: list, *chunks: np.ndarray):
    """Kept document's id and exact key, and cluster size, for each dropped node; split by the
    node's input rank."""
    pairs = np.concatenate(chunks) if chunks else _EMPTY
    table = _JOINED.empty_table()
    if len(pairs):
        labels, inverse, counts = np.unique(pairs[:, 1], return_inverse=True, return_counts=True)
        ids, exact = _lookup(work, labels, index_ids)
        table = pa.table(
            {
                "node": pa.array(pairs[:, 0]),
                "label_id": pc.take(ids, pa.array(inverse)),
                "size": pa.array(counts[inverse] + 1),
                "label_exact": pa.array(exact[inverse]),
            },
            schema=_JOINED,
        )
    q = _rank_partition(table["node"].to_numpy(), partitions)
    parts = [table.filter(pa.array(q == i)) for i in range(partitions)]
    return parts[0] if partitions == 1 else tuple(parts)


def _lookup(work: str, gids: np.ndarray, index_ids: list) -> tuple[pa.Array, np.ndarray]:
    """Ids and exact keys (0: none) of ``gids``, from the key files or the index."""
    ranks = {int(r) for r in np.unique(gids >> np.uint64(RECORD_BITS))}
    tables = [t for t in [_keys_of(work, ranks - {INDEX_RANK})] if t is not None]
    if INDEX_RANK in ranks:
        tables += [t for t in ray.get([r for r in index_ids]) if t is not None]
    table = pa.concat_tables(tables, promote_options="default")
    position = pc.index_in(pa.array(gids), table["gid"])
    exact = np.zeros(len(gids), dtype=np.uint64)
    if "exact" in table.column_names:
        exact = pc.fill_null(pc.take(table["exact"], position), 0).to_numpy()
    return pc.take(table["id"], position), exact


def _keys_of(work: str, ranks) -> pa.Table | None:
    files = [
        f for r in sorted(ranks) for f in sorted(Path(work, "keys").glob(f"{r:06d}-*.parquet"))
    ]
    tables = []
    for f in files:
        names = pq.read_schema(f).names
        tables.append(pq.read_table(f, columns=[c for c in ("gid", "id", "exact") if c in names]))
    return pa.concat_tables(tables, promote_options="default") if tables else None


@ray.remote
def _write_drops(work: str, exact_reason: bool, *chunks: pa.Table) -> int:
    """``drops/{rank}.parquet`` for the input ranks of this partition; returns rows written."""
    table = pa.concat_tables(chunks)
    if not table.num_rows:
        return 0
    node = table["node"].to_numpy()
    ranks = node >> np.uint64(RECORD_BITS)
    label_exact = table["label_exact"].to_numpy()
    node_exact = np.zeros(len(node), dtype=np.uint64)
    keys = _keys_of(work, {int(r) for r in np.unique(ranks)})
    if exact_reason and keys is not None and "exact" in keys.column_names:
        position = pc.index_in(table["node"], keys["gid"])
        node_exact = pc.fill_null(pc.take(keys["exact"], position), 0).to_numpy()
    same = (node_exact == label_exact) & (label_exact != 0)
    drops = pa.table(
        {
            "gid": table["node"],
            "reason": pa.array(np.where(same, "exact_duplicate", "near_duplicate")),
            DUPLICATE_OF: table["label_id"],
            DUP_CLUSTER: table["label_id"],
            DUP_CLUSTER_SIZE: table["size"],
        }
    )
    for rank in np.unique(ranks):  # sorted by gid: a work part reads only its row groups
        mine = drops.filter(pa.array(ranks == rank)).sort_by("gid")
        path = Path(work, "drops", f"{int(rank):06d}.parquet")
        write_parquet(mine, path, compression="lz4", row_group_size=BUCKET_ROW_GROUP)
    return drops.num_rows
