"""Batch MinHash signatures, bit-identical to ``datasketch.MinHash`` (scheme ``affine32``).

Words are normalized (lowercase, accents stripped, a run of digits folded to ``0``, punctuation
and symbols separate words; ``unicode``) and hashed by compiled loops (``kernels``) straight
from the Arrow UTF-8 buffer; shingles and the permutation minimum are compiled loops too.
``shingle_hash`` computes the same value from a shingle's bytes, so::

    MinHash(num_perm=128, seed=1, hashfunc=shingle_hash).update_batch(shingles(text))

gives exactly ``signatures(...)``'s row for that text (tests/pipelines/dedup checks). A document
shorter than ``ngram`` words is one shingle of all its words; one without words gets no signature.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.dedup import kernels as K
from pipelines.dedup import unicode as U

_MUL = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def word_hashes(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every normalized word of a batch, flat, and per-document offsets."""
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    text = pc.fill_null(text, "").cast(pa.large_string())
    _, offsets_buf, data_buf = text.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[text.offset : text.offset + len(text) + 1]
    data = (
        np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    )
    kinds, map_offsets, mapped = U.tables()
    word_offsets = np.empty(len(offsets), dtype=np.int64)
    out = np.empty(len(data) // 2 + len(offsets), dtype=np.uint64)  # ≥ 1 word per 2 bytes
    n = K.word_hashes(data, offsets, kinds, map_offsets, mapped, U.ascii_map(), out, word_offsets)
    return out[:n], word_offsets


WordHashes = tuple[np.ndarray, np.ndarray]  # what word_hashes returns


def shingle_hashes(
    text: pa.Array, ngram: int, words: WordHashes | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """All shingle hashes of a batch of texts, flat, and per-document offsets (``words``: the
    batch's ``word_hashes`` when already computed)."""
    words, word_offsets = words if words is not None else word_hashes(text)
    counts = np.diff(word_offsets)
    per_doc = np.where(counts > 0, counts - np.minimum(counts, ngram) + 1, 0)
    out_offsets = np.concatenate(([0], np.cumsum(per_doc))).astype(np.int64)
    out = np.empty(int(out_offsets[-1]), dtype=np.uint64)
    K.shingle_hashes(words, word_offsets, ngram, out_offsets, out)
    return out, out_offsets


def text_hashes(text: pa.Array, words: WordHashes | None = None) -> np.ndarray:
    """A 64-bit hash of each document's normalized word sequence (0: no words)."""
    return K.text_hashes(*(words if words is not None else word_hashes(text)))


def normalize_words_py(text: str) -> list[str]:
    """The normalized words of one text (tests, ``shingles``)."""
    return U.words_py(text)


def shingles(text: str, ngram: int = 5) -> list[bytes]:
    """Word n-gram shingles of a text as datasketch inputs (``update_batch``)."""
    words = U.words_py(text)
    if not words:
        return []
    n = min(ngram, len(words))
    return [" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)]


def shingle_hash(shingle: bytes) -> int:
    """The 32-bit hash of one shingle (``b"w1 w2 w3 w4 w5"``), as ``shingle_hashes`` computes it:
    FNV-1a 64 per word, folded with a multiply-xorshift."""
    mask = (1 << 64) - 1
    fold = int(K.FOLD_INIT)
    for word in shingle.split(b" "):
        h = int(K.FNV_OFFSET)
        for byte in word:
            h = ((h ^ byte) * int(K.FNV_PRIME)) & mask
        fold = ((fold ^ h) * int(K.FOLD_MUL)) & mask
        fold ^= fold >> 29
    return (fold ^ (fold >> 32)) & 0xFFFFFFFF


@functools.lru_cache(maxsize=64)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch 2.0's affine32 permutation parameters ``(a, b)`` (odd ``a``), drawn the same
    way from ``numpy.random.RandomState(seed)`` (a test compares with datasketch)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signatures(hashes: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """``(documents, num_perm)`` uint32 MinHash values; rows of documents without shingles are
    all ``0xFFFFFFFF`` (datasketch's empty value)."""
    a, b = permutations(num_perm, seed)
    out = np.empty((len(offsets) - 1, num_perm), dtype=np.uint32)
    K.signatures(hashes.astype(np.uint32), offsets, a, b, out)
    return out


@functools.lru_cache(maxsize=64)
def optimal_bands(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """``(bands, rows)`` minimizing the weighted areas under the false-positive (below the
    threshold) and false-negative (above it) curves: datasketch's method, integrated with
    numpy instead of scipy (a test checks the same choice)."""
    low = np.linspace(0.0, threshold, 2001)
    high = np.linspace(threshold, 1.0, 2001)
    best, best_error = (1, 1), float("inf")
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = np.trapezoid(1 - (1 - low**r) ** b, low)
            fn = np.trapezoid((1 - high**r) ** b, high)
            error = fp * fp_weight + fn * fn_weight
            if error < best_error:
                best, best_error = (b, r), error
    return best


def band_hashes(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(documents, bands)`` uint64 keys: equal iff the band's ``rows`` values are equal
    (up to 64-bit hash collisions); the band index is mixed in so bands never collide."""
    with np.errstate(over="ignore"):
        out = np.empty((sigs.shape[0], bands), dtype=np.uint64)
        for band in range(bands):
            h = np.full(sigs.shape[0], _MUL * np.uint64(band + 1), dtype=np.uint64)
            for value in sigs[:, band * rows : (band + 1) * rows].T.astype(np.uint64):
                h = (h ^ value) * _MIX
                h ^= h >> np.uint64(31)
            out[:, band] = h
    return out
