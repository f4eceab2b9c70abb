"""Packed token blocks for the train loop: a resumable shuffled reader and fixed validation batches.

The data of micro-batch ``g`` on rank ``r`` is a pure function of (g, seed, world size, batch size),
so a resumed run needs only its step number to read exactly what an uninterrupted run would.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import torch

from pipelines.core.errors import ConfigError, InputError

PACKED_INFO = "packed.json"
TOKENS = "tokens"
# Shuffle window: rows are permuted within groups of this many row groups (after the row groups
# themselves are permuted), so a batch reads a few cached row groups instead of one row from
# each of B row groups (mosaicml/streaming's block-local shuffle makes the same trade).
WINDOW_GROUPS = 8


@dataclass(frozen=True, kw_only=True)
class PackedInfo:
    """``RUN/data``: packed.json plus the train/val Parquet files it lists, in data order."""

    dir: Path
    info: dict[str, Any]
    train_files: list[Path]
    val_files: list[Path]
    tokenizer_dir: Path | None

    @property
    def seq_len(self) -> int:
        return int(self.info["seq_len"])

    @property
    def objective(self) -> str:
        return str(self.info["objective"])

    @property
    def vocab_size(self) -> int:
        return int(self.info["vocab_size"])


def open_packed(source: Any) -> PackedInfo:
    """The packed data of ``source``: a data dir, a run dir holding ``data/``, or an object with a
    ``path`` / ``data_dir`` / ``dir`` attribute naming one."""
    for attr in ("data_dir", "dir", "path"):
        if not isinstance(source, str | Path) and hasattr(source, attr):
            source = getattr(source, attr)
            break
    root = Path(source)
    if not (root / PACKED_INFO).is_file() and (root / "data" / PACKED_INFO).is_file():
        root = root / "data"
    info_file = root / PACKED_INFO
    if not info_file.is_file():
        raise InputError(
            f"{root} has no {PACKED_INFO}: pack a corpus first (training.packing.prepare_data)"
        )
    info = json.loads(info_file.read_text())
    missing = sorted({"seq_len", "objective", "vocab_size", "files"} - set(info))
    if missing:
        raise InputError(f"{info_file} lacks {', '.join(missing)}; repack the corpus")
    files = {split: [root / f for f in info["files"].get(split, [])] for split in ("train", "val")}
    absent = [p for split in files.values() for p in split if not p.is_file()]
    if absent or not files["train"]:
        raise InputError(f"{root}: packed files missing ({absent[:3] or 'no train files'}); repack")
    candidates = [root / info["tokenizer_dir"]] if info.get("tokenizer_dir") else []
    candidates += [root.parent / "tokenizer", root / "tokenizer"]
    tokenizer = next((p for p in candidates if (p / "tokenizer.json").is_file()), None)
    return PackedInfo(
        dir=root,
        info=info,
        train_files=files["train"],
        val_files=files["val"],
        tokenizer_dir=tokenizer,
    )


class BlockReader:
    """Per-epoch shuffled train blocks for one rank; reads row groups lazily and caches a few.

    Global micro-batch ``g`` holds rows ``[j*B*W, (j+1)*B*W)`` of the permutation of epoch
    ``g // batches_per_epoch`` (``j = g % batches_per_epoch``); rank ``r`` takes ``[r*B, (r+1)*B)``
    of those. The permutation is seeded by (seed, epoch); the tail that does not fill a global
    batch is left out of that epoch.
    """

    def __init__(
        self, files: list[Path], *, batch_size: int, rank: int, world_size: int, seed: int
    ):
        self.files = files
        self.batch_size, self.rank, self.world_size, self.seed = batch_size, rank, world_size, seed
        self.groups: list[tuple[int, int]] = []  # (file index, row group index) in data order
        sizes = []
        for i, path in enumerate(files):
            meta = pq.ParquetFile(path).metadata
            for g in range(meta.num_row_groups):
                self.groups.append((i, g))
                sizes.append(meta.row_group(g).num_rows)
        self.starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.num_blocks = int(self.starts[-1])
        self.batches_per_epoch = self.num_blocks // (batch_size * world_size)
        if self.batches_per_epoch == 0:
            raise ConfigError(
                f"train has {self.num_blocks} blocks, fewer than one global batch "
                f"(batch_size={batch_size} x {world_size} workers); lower batch_size"
            )
        self._order: tuple[int, np.ndarray] | None = None
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()

    def epoch_of(self, micro_batch: int) -> int:
        return micro_batch // self.batches_per_epoch

    def batch(self, micro_batch: int) -> torch.Tensor:
        """Rows of global micro-batch ``micro_batch`` for this rank: (B, T) int64 on the CPU."""
        epoch, j = divmod(micro_batch, self.batches_per_epoch)
        start = j * self.batch_size * self.world_size + self.rank * self.batch_size
        blocks = self.order(epoch)[start : start + self.batch_size]
        groups = np.searchsorted(self.starts, blocks, side="right") - 1
        rows = [self.group(g)[b - self.starts[g]] for g, b in zip(groups, blocks)]
        return torch.from_numpy(np.stack(rows)).long()

    def order(self, epoch: int) -> np.ndarray:
        """The block permutation of ``epoch``: shuffled row groups, rows shuffled per window."""
        if self._order is None or self._order[0] != epoch:
            rng = np.random.default_rng([self.seed, epoch])
            groups = rng.permutation(len(self.groups))
            parts = []
            for w in range(0, len(groups), WINDOW_GROUPS):
                window = groups[w : w + WINDOW_GROUPS]
                rows = np.concatenate(
                    [np.arange(self.starts[g], self.starts[g + 1]) for g in window]
                )
                parts.append(rng.permutation(rows))
            self._order = (epoch, np.concatenate(parts))
        return self._order[1]

    def group(self, index: int) -> np.ndarray:
        """Row group ``index`` as a (rows, T) int32 array, from a small LRU cache."""
        if index in self._cache:
            self._cache.move_to_end(index)
            return self._cache[index]
        file_index, group = self.groups[index]
        table = pq.ParquetFile(self.files[file_index]).read_row_group(group, columns=[TOKENS])
        self._cache[index] = blocks_array(table.column(TOKENS))
        if len(self._cache) > 2 * WINDOW_GROUPS:
            self._cache.popitem(last=False)
        return self._cache[index]

    def state(self, step: int, grad_accum: int) -> dict[str, int]:
        """What a checkpoint records; ``step`` alone decides the position."""
        return {
            "step": step,
            "epoch": self.epoch_of(step * grad_accum),
            "seed": self.seed,
            "world_size": self.world_size,
            "batch_size": self.batch_size,
            "grad_accum": grad_accum,
        }


def val_batches(
    files: list[Path], *, batch_size: int, rank: int, world_size: int, max_batches: int
) -> list[torch.Tensor]:
    """The first ``max_batches`` global batches of val in file order, this rank's slice of each.

    Every rank gets the same number of batches. With fewer val blocks than one global batch, the
    per-rank batch shrinks to fit; with fewer than ``world_size`` blocks there is no validation.
    """
    need = max_batches * batch_size * world_size
    parts, have = [], 0
    for path in files:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024, columns=[TOKENS]):
            parts.append(blocks_array(batch.column(TOKENS)))
            have += len(parts[-1])
            if have >= need:
                break
        if have >= need:
            break
    if have < world_size:
        return []
    rows = np.concatenate(parts)
    per_rank = min(batch_size, have // world_size)
    count = min(max_batches, have // (per_rank * world_size))
    out = []
    for i in range(count):
        start = (i * world_size + rank) * per_rank
        out.append(torch.from_numpy(rows[start : start + per_rank]).long())
    return out


def blocks_array(column: Any) -> np.ndarray:
    """A ``fixed_size_list<int32>[T]`` Arrow column as a (rows, T) numpy array (no copy if one chunk)."""
    if hasattr(column, "combine_chunks"):
        column = column.combine_chunks()
    width = column.type.list_size
    return column.flatten().to_numpy(zero_copy_only=False).reshape(-1, width)  # honours slices
