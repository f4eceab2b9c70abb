"""``exact_dedup`` and ``minhash_dedup``: global stages. Per batch they only compute keys; which
documents go is decided over the whole corpus by ``pipelines.dedup.resolve`` on Ray.

The document kept in a group is the one seen first: inputs are ranked (sources listed in
``prefer`` first, then the input order), documents by their record number in the input. The
choice is the same across runs and whatever the number of partitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pyarrow as pa

from pipelines.core import schema as S
from pipelines.dedup import minhash as M
from pipelines.stages.base import FilterConfig, Stage

DUPLICATE_OF = "duplicate_of"
DUP_CLUSTER = "dup_cluster"
DUP_CLUSTER_SIZE = "dup_cluster_size"
DEDUP_FIELDS = (
    pa.field(DUPLICATE_OF, pa.string()),
    pa.field(DUP_CLUSTER, pa.string()),
    pa.field(DUP_CLUSTER_SIZE, pa.int64()),
)
EXACT_BAND = 0xFFFF  # the band number under which exact hashes enter the bucket tables


@dataclass(frozen=True, kw_only=True)
class DedupConfig(FilterConfig):
    # Inputs whose format (wikipedia, warc, jsonl, ...) or path contains one of these win.
    prefer: list[str] = field(default_factory=list)
    # Tasks per global step; default: 2 per CPU, more when a task would hold > 8M bucket keys.
    partitions: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.partitions is not None and self.partitions < 1:
            raise ValueError(f"partitions={self.partitions} must be positive")


class DedupStage(Stage):
    """A stage whose verdict needs the whole corpus: ``keys`` per batch, resolution later."""

    is_global: ClassVar[bool] = True
    output_fields = DEDUP_FIELDS
    reason: ClassVar[str]  # the drop reason of the duplicates this stage finds

    def __call__(self, batch: pa.Table) -> pa.Table:
        raise TypeError(f"{self.name} is resolved over the whole corpus, not per batch")

    def keys(self, batch: pa.Table, words: M.WordHashes | None = None) -> np.ndarray:
        """``(rows, k)`` uint64 bucket keys per row of ``batch`` (rows that are alive);
        ``words``: the batch's ``word_hashes``, computed once for every dedup stage."""
        raise NotImplementedError

    def work_columns(
        self, batch: pa.Table, words: M.WordHashes | None = None
    ) -> tuple[np.ndarray, dict[str, pa.Array]]:
        """The bucket keys of ``batch`` and the per-document columns the global step reads
        from the keys file (exact keys, band keys, shingles for verification)."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class ExactDedupConfig(DedupConfig):
    pass


class ExactDedup(DedupStage):
    """Identical normalized text (lowercase, no accents, punctuation or whitespace differences,
    digits folded) → ``exact_duplicate``."""

    name = "exact_dedup"
    Config = ExactDedupConfig
    reason = "exact_duplicate"

    def work_columns(self, batch, words=None):
        keys = self.keys(batch, words)
        return keys, {"exact": pa.array(keys[:, 0])}

    def keys(self, batch: pa.Table, words: M.WordHashes | None = None) -> np.ndarray:
        values = M.text_hashes(batch[S.TEXT], words)  # 0 for a text without words: no key
        tagged = _tag(values, EXACT_BAND)
        tagged[values == 0] = 0
        return tagged[:, None]


@dataclass(frozen=True, kw_only=True)
class MinHashDedupConfig(DedupConfig):
    threshold: float = 0.8  # Jaccard similarity of word n-gram sets
    num_perm: int = 128
    ngram: int = 5  # words per shingle, after normalization
    seed: int = 1
    bands: int | None = None  # with rows: explicit LSH banding; default: datasketch's optimum
    rows: int | None = None
    # Check each candidate pair's Jaccard on its hashed shingle sets and drop LSH false
    # positives. Costs a join over candidate pairs; switch off for very large corpora.
    verify: bool = True
    index: str | None = None  # write the band keys of kept documents here (Parquet)
    # Drop documents that match this earlier index (or any of these indexes).
    against_index: str | list[str] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold={self.threshold} must be between 0 and 1")
        if (self.bands is None) != (self.rows is None):
            raise ValueError("give both bands and rows, or neither (then they are optimized)")
        if self.bands is not None and self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands × rows = {self.bands * self.rows} exceeds num_perm")
        if self.ngram < 1 or self.num_perm < 1:
            raise ValueError("ngram and num_perm must be positive")

    @property
    def banding(self) -> tuple[int, int]:
        """Explicit, or datasketch's optimum; with ``verify`` weighted to miss few pairs
        (0.95 × false negatives + 0.05 × false positives), since verification removes the rest."""
        if self.bands is not None:
            return self.bands, self.rows
        weights = (0.05, 0.95) if self.verify else (0.5, 0.5)
        return M.optimal_bands(self.threshold, self.num_perm, *weights)


class MinHashDedup(DedupStage):
    """Near-duplicates by MinHash LSH → ``near_duplicate`` (connected components of band hits)."""

    name = "minhash_dedup"
    Config = MinHashDedupConfig
    reason = "near_duplicate"

    def work_columns(self, batch, words=None):
        bands, hashes, offsets = self.sketch(batch, words)
        columns = {
            "bands": pa.FixedSizeListArray.from_arrays(pa.array(bands.reshape(-1)), bands.shape[1])
        }
        if self.config.verify:  # for checking candidate pairs later
            columns["shingles"] = pa.ListArray.from_arrays(
                pa.array(offsets.astype(np.int32)), pa.array(hashes.astype(np.uint32))
            )
        return bands, columns

    def keys(self, batch: pa.Table, words: M.WordHashes | None = None) -> np.ndarray:
        return self.sketch(batch, words)[0]

    def sketch(
        self, batch: pa.Table, words: M.WordHashes | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Band keys ``(rows, bands)`` (0 for documents without words), and the shingle hashes
        with per-row offsets."""
        c = self.config
        bands, rows = c.banding
        hashes, offsets = M.shingle_hashes(batch[S.TEXT], c.ngram, words)
        sigs = M.signatures(hashes, offsets, c.num_perm, c.seed)
        keys = M.band_hashes(sigs, bands, rows)
        keys[offsets[1:] == offsets[:-1]] = 0  # no words: no keys (0 is never bucketed)
        return keys, hashes, offsets


def _tag(values: np.ndarray, band: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = (values ^ np.uint64(band * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF)) * np.uint64(
            0xBF58476D1CE4E5B9
        )
        return h ^ (h >> np.uint64(31))
