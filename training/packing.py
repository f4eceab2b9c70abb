"""Offline packing: corpus shards → fixed-length token blocks in Parquet, split train/val by document.

Layout under ``run_dir/data`` (the contract the trainer reads)::

    train/part-00000.parquet ...   one column ``tokens``: fixed_size_list<int32>[seq_len]
    val/part-00000.parquet ...     row groups of 1,024 blocks, 8,192 blocks per file
    unigram_val.npy                int64 count per token id over the val blocks
    packed.json                    written last (the commit point): keys, counts, and files
                                   as paths relative to this directory

Ray Data tokenizes (each worker loads the tokenizer once); the driver packs the
token stream in corpus order (file, then row), so the blocks do not depend on Ray's batch
boundaries or scheduling: the same corpus, tokenizer and settings give identical files.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.core import schema as S
from pipelines.core.errors import ConfigError, InputError
from pipelines.core.progress import Bar
from pipelines.core.ray_env import ensure_ray
from pipelines.output.atomic import write_json, write_parquet
from pipelines.output.shards import LOGS
from training.corpus import Corpus
from training.tokenizer import CLS, EOS, SEP, load_backend, tokenizer_sha256

log = logging.getLogger(__name__)

OBJECTIVES = ("clm", "mlm")
TOKENS = "tokens"  # the one column of a packed part
ROW_GROUP_ROWS = 1024
FILE_ROWS = 8 * ROW_GROUP_ROWS
DOC_BATCH_ROWS = 1024  # documents per tokenize call
PACKED_JSON = "packed.json"
UNIGRAM_FILE = "unigram_val.npy"
# packed.json fields that must match for a run to reuse packed data instead of rebuilding.
REUSE_KEYS = ("manifest_sha256", "tokenizer_sha256", "seq_len", "objective", "val_fraction", "seed")


@dataclass(frozen=True, kw_only=True)
class PackedData:
    """Packed token blocks of one run; files are absolute paths in training order."""

    run_dir: Path
    seq_len: int
    objective: str
    vocab_size: int
    train_files: list[Path]
    val_files: list[Path]
    train_blocks: int
    val_blocks: int
    unigram_baseline_loss: float  # nats/val token of a unigram model fitted on train
    info: dict[str, Any]  # the content of packed.json

    @property
    def data_dir(self) -> Path:
        """``run_dir/data``: packed.json and the paths it lists are relative to it."""
        return self.run_dir / "data"


def prepare_data(
    corpus_path: str | Path,
    run_dir: str | Path,
    tokenizer_dir: str | Path,
    *,
    seq_len: int,
    objective: str,
    val_fraction: float = 0.01,
    seed: int = 0,
    quiet: bool = True,
) -> PackedData:
    """Pack the corpus into ``run_dir/data`` (or reuse what an earlier call packed with the same keys).

    ``seed`` is recorded and part of the reuse key; the split itself is a pure function of each
    document's id, so it does not change with the seed.
    """
    _check_options(objective, seq_len, val_fraction)
    corpus = Corpus.open(corpus_path)
    keys = {
        "manifest_sha256": corpus.manifest_sha256,
        "tokenizer_sha256": tokenizer_sha256(tokenizer_dir),
        "seq_len": seq_len,
        "objective": objective,
        "val_fraction": val_fraction,
        "seed": seed,
    }
    data_dir = Path(run_dir) / "data"
    existing = _reusable(data_dir, keys)
    if existing is not None:
        log.info("reusing packed data in %s", data_dir)
        return _packed_data(Path(run_dir), existing)
    info = _pack(corpus, data_dir, Path(tokenizer_dir), keys, quiet=quiet)
    return _packed_data(Path(run_dir), info)


def _counted(batches: Iterator[pa.Table], bar: Bar) -> Iterator[pa.Table]:
    """``batches`` as they are, advancing ``bar`` by their documents."""
    for batch in batches:
        bar.update(bar.done + batch.num_rows)
        yield batch


MIN_VAL_DOCS = 8  # a small corpus still gets a validation split worth measuring


def effective_val_fraction(corpus: Corpus, val_fraction: float) -> float:
    """``val_fraction``, raised just enough that at least ``MIN_VAL_DOCS`` documents (at most a
    tenth of the corpus) fall below it: 1% of 88 documents would be none."""
    documents = sum(pq.ParquetFile(f).metadata.num_rows for f in corpus.data_files)
    if documents * val_fraction >= 10 * MIN_VAL_DOCS:  # ~80 expected: fewer than 8 ≈ never
        return val_fraction  # no pass over the ids of a large corpus
    ids = [i for f in corpus.data_files for i in pq.read_table(f, columns=[S.ID])[S.ID].to_pylist()]
    wanted = min(MIN_VAL_DOCS, len(ids) // 10)
    if wanted == 0:
        return val_fraction
    hashes = heapq.nsmallest(wanted, (_id_hash(i) for i in ids))
    return max(val_fraction, (hashes[-1] + 1) / 2**32)


def _id_hash(doc_id: str) -> int:
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8], 16)


def is_val(doc_id: str, val_fraction: float) -> bool:
    """A document is in val iff its id hashes below ``val_fraction`` (same answer everywhere)."""
    return _id_hash(doc_id) / 2**32 < val_fraction


def _both_splits(train: BlockWriter, val: BlockWriter, seq_len: int) -> str | None:
    """At least one block in each split: an empty one takes the other's last block (named in
    packed.json's ``val_fallback``); fewer than two blocks in all is an error."""
    if train.blocks + val.blocks < 2:
        raise InputError(
            f"the corpus makes {train.blocks + val.blocks} block(s) of {seq_len} tokens and "
            "training needs at least 2 (one train, one val): use a smaller seq_len or more text"
        )
    if val.blocks == 0:
        val.push(train.pop_last())
        log.warning("no val block from the split: using the last train block as val")
        return "last_train_block"
    if train.blocks == 0:
        train.push(val.pop_last())
        return "last_val_block"
    return None


def unigram_loss(val_counts: np.ndarray, train_counts: np.ndarray) -> float:
    """Nats per val token of a unigram model fitted on train (add-one smoothing): the loss a
    model must beat to have learned more than token frequencies. (The entropy of val's own
    frequencies would be a model fitted on the answers: too low on a small val split.)"""
    q = (train_counts + 1) / (train_counts.sum() + len(train_counts))
    p = val_counts / val_counts.sum()
    seen = p > 0
    return float(-(p[seen] * np.log(q[seen])).sum())


class Tokenize:
    """Batch UDF: (id, text) rows → one row per document with its tokens and its split.

    Tokens carry the objective's separators: ``doc <|endoftext|>`` (clm) or ``<cls> doc <sep>``
    (mlm). Special-token strings inside a text are tokenized as plain text, so a web page that
    contains "<|endoftext|>" cannot forge a document boundary. The instance is small; each
    worker process loads the tokenizer once and keeps it (keyed by its content hash), so Ray
    runs this as plain tasks without actor start-up, like pipelines' ProcessAndWrite.
    """

    _loaded: ClassVar[dict[str, Any]] = {}  # tokenizer sha256 → tokenizers.Tokenizer

    def __init__(self, tokenizer_dir: str | Path, objective: str, val_fraction: float) -> None:
        self.tokenizer_dir = os.fspath(tokenizer_dir)
        self.key = tokenizer_sha256(tokenizer_dir)
        ids = self._backend().token_to_id
        self.prefix = [] if objective == "clm" else [ids(CLS)]
        self.suffix = [ids(EOS)] if objective == "clm" else [ids(SEP)]
        self.val_fraction = val_fraction

    def __call__(self, batch: pa.Table) -> pa.Table:
        batch = batch.filter(pc.is_valid(batch[S.TEXT]))
        encodings = self._backend().encode_batch_fast(
            batch[S.TEXT].to_pylist(), add_special_tokens=False
        )
        tokens = [self.prefix + e.ids + self.suffix for e in encodings]
        val = [is_val(i, self.val_fraction) for i in batch[S.ID].to_pylist()]
        return pa.table(
            {TOKENS: pa.array(tokens, pa.list_(pa.int32())), "val": pa.array(val, pa.bool_())}
        )

    def _backend(self) -> Any:
        backend = self._loaded.get(self.key)
        if backend is None:
            backend = load_backend(self.tokenizer_dir)
            backend.encode_special_tokens = True
            self._loaded[self.key] = backend
        return backend


class BlockWriter:
    """Cuts one token stream into ``seq_len`` blocks and writes them as numbered Parquet parts.

    The tokens after the last full block are dropped at ``close`` (never padded). At least one
    block stays unwritten until ``close``, so ``pop_last`` can always take the final block.
    """

    def __init__(self, out_dir: Path, seq_len: int, vocab_size: int) -> None:
        self.out_dir, self.seq_len = out_dir, seq_len
        self.counts = np.zeros(vocab_size, np.int64)  # unigram counts of the written blocks
        self.carry = np.empty(0, np.int32)  # tokens not yet in a full block
        self.pending: list[np.ndarray] = []  # (n, seq_len) arrays of blocks not yet written
        self.files: list[Path] = []
        self.blocks = 0

    def add(self, tokens: np.ndarray) -> None:
        stream = np.concatenate([self.carry, tokens.astype(np.int32, copy=False)])
        n = len(stream) // self.seq_len
        if n:
            self.pending.append(stream[: n * self.seq_len].reshape(n, self.seq_len))
            self.blocks += n
        self.carry = stream[n * self.seq_len :]
        while sum(len(b) for b in self.pending) > FILE_ROWS:
            rows = np.concatenate(self.pending)
            self._write(rows[:FILE_ROWS])
            self.pending = [rows[FILE_ROWS:]]

    def pop_last(self) -> np.ndarray:
        rows = np.concatenate(self.pending)
        self.pending, self.blocks = [rows[:-1]], self.blocks - 1
        return rows[-1:]

    def push(self, blocks: np.ndarray) -> None:
        """Append whole (n, seq_len) blocks after the pending ones, bypassing the carry."""
        self.pending.append(blocks)
        self.blocks += len(blocks)

    def close(self) -> list[Path]:
        rows = np.concatenate(self.pending) if self.pending else np.empty((0, self.seq_len))
        if len(rows):
            self._write(rows)
        self.pending, self.carry = [], np.empty(0, np.int32)
        return self.files

    def _write(self, rows: np.ndarray) -> None:
        flat = pa.array(rows.reshape(-1).astype(np.int32, copy=False))
        table = pa.table({TOKENS: pa.FixedSizeListArray.from_arrays(flat, self.seq_len)})
        path = self.out_dir / f"part-{len(self.files):05d}.parquet"
        write_parquet(table, path, row_group_size=ROW_GROUP_ROWS, compression="zstd")
        self.counts += np.bincount(rows.reshape(-1), minlength=len(self.counts))
        self.files.append(path)


def _pack(
    corpus: Corpus, data_dir: Path, tokenizer_dir: Path, keys: dict[str, Any], *, quiet: bool
) -> dict[str, Any]:
    """Tokenize the corpus, pack its blocks into ``data_dir``, write packed.json; returns it."""
    if not corpus.data_files:
        raise InputError(f"{corpus.path} has no data files: nothing to pack")
    shutil.rmtree(data_dir, ignore_errors=True)
    seq_len, objective = keys["seq_len"], keys["objective"]
    vocab_size = load_backend(tokenizer_dir).get_vocab_size(with_added_tokens=True)
    effective = effective_val_fraction(corpus, keys["val_fraction"])
    batches = _token_batches(corpus, tokenizer_dir, objective, effective, data_dir.parent)
    total = corpus.manifest.get("counts", {}).get("kept")
    bar = Bar("packing", total, unit="documents", quiet=quiet)
    stats = pack_blocks(_counted(batches, bar), data_dir, seq_len=seq_len, vocab_size=vocab_size)
    bar.update(force=True)
    bar.close()
    tokenizer = os.fspath(tokenizer_dir.resolve())
    info = {**keys, **stats, "tokenizer_dir": tokenizer, "val_fraction_effective": effective}
    info["corpus"] = os.fspath(corpus.path.resolve())  # lineage: where manifest_sha256 came from
    write_json(data_dir / PACKED_JSON, info)
    log.info("packed %d train + %d val blocks of %d tokens into %s", info["train_blocks"],
             info["val_blocks"], seq_len, data_dir)  # fmt: skip
    return info


def _check_options(objective: str, seq_len: int, val_fraction: float) -> None:
    if objective not in OBJECTIVES:
        raise ConfigError(f"Unknown objective {objective!r}. Available: {', '.join(OBJECTIVES)}")
    if seq_len < 2:
        raise ConfigError(f"seq_len={seq_len} must be >= 2")
    if not 0 < val_fraction < 1:
        raise ConfigError(f"val_fraction={val_fraction} must be in (0, 1)")


def pack_blocks(
    batches: Iterable[pa.Table], data_dir: Path, *, seq_len: int, vocab_size: int
) -> dict[str, Any]:
    """Pack tokenized batches (``Tokenize`` output, in corpus order) into ``data_dir``.

    Writes train/ and val/ parts and unigram_val.npy; returns the counts for packed.json. If no
    val block comes out of the split (too few val documents), the last train block becomes
    val and ``val_fallback`` says so; the reverse for an empty train split.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    writers = {
        split: BlockWriter(data_dir / split, seq_len, vocab_size) for split in ("train", "val")
    }
    docs = {"train": 0, "val": 0}
    for batch in batches:
        for split, mask in (("val", batch["val"]), ("train", pc.invert(batch["val"]))):
            rows = batch.filter(mask)
            docs[split] += rows.num_rows
            writers[split].add(pc.list_flatten(rows[TOKENS]).to_numpy())
    train, val = writers["train"], writers["val"]
    fallback = _both_splits(train, val, seq_len)
    files = {
        split: [p.relative_to(data_dir).as_posix() for p in writer.close()]
        for split, writer in writers.items()
    }
    np.save(data_dir / UNIGRAM_FILE, val.counts)
    return {
        "train_blocks": train.blocks,
        "val_blocks": val.blocks,
        "train_tokens": train.blocks * seq_len,
        "val_tokens": val.blocks * seq_len,
        "train_documents": docs["train"],
        "val_documents": docs["val"],
        "val_fallback": fallback,
        "vocab_size": vocab_size,
        "files": files,
        "unigram_counts_file": UNIGRAM_FILE,
        "unigram_baseline_loss": unigram_loss(val.counts, train.counts),
    }


def _token_batches(
    corpus: Corpus, tokenizer_dir: Path, objective: str, val_fraction: float, run_dir: Path
) -> Iterator[pa.Table]:
    """Tokenized batches in corpus order: Ray Data with preserve_order, one read per shard."""
    import ray.data

    ensure_ray(None, log_dir=run_dir / LOGS)
    ds = ray.data.read_parquet(
        [os.fspath(p) for p in corpus.data_files], override_num_blocks=len(corpus.data_files)
    ).select_columns([S.ID, S.TEXT])  # pushed down into the read: only id and text are read
    ds.context.execution_options.preserve_order = True  # this dataset only (a copied context)
    ds.context.enable_progress_bars = False
    ds.context.print_on_execution_start = False
    tokenize = Tokenize(tokenizer_dir, objective, val_fraction)
    ds = ds.map_batches(tokenize, batch_size=DOC_BATCH_ROWS, batch_format="pyarrow")
    yield from ds.iter_batches(batch_size=None, batch_format="pyarrow")


def _reusable(data_dir: Path, keys: dict[str, Any]) -> dict[str, Any] | None:
    """The existing packed.json if it was packed with ``keys`` and all its files are there."""
    path = data_dir / PACKED_JSON
    if not path.is_file():
        return None
    info = json.loads(path.read_text())
    if any(info.get(k) != keys[k] for k in REUSE_KEYS):
        return None
    listed = [*info["files"]["train"], *info["files"]["val"], info["unigram_counts_file"]]
    return info if all((data_dir / f).is_file() for f in listed) else None


def _packed_data(run_dir: Path, info: dict[str, Any]) -> PackedData:
    return PackedData(
        run_dir=run_dir,
        seq_len=info["seq_len"],
        objective=info["objective"],
        vocab_size=info["vocab_size"],
        train_files=[run_dir / "data" / f for f in info["files"]["train"]],
        val_files=[run_dir / "data" / f for f in info["files"]["val"]],
        train_blocks=info["train_blocks"],
        val_blocks=info["val_blocks"],
        unigram_baseline_loss=info["unigram_baseline_loss"],
        info=info,
    )
