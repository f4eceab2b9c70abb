"""Batch MinHash signatures, bit-identical to ``datasketch.MinHash`` (scheme ``affine32``).

Words are normalized (lowercase, accents stripped, digits folded to ``0``, punctuation removed),
each distinct word is hashed once per batch, and word n-gram shingle hashes are combined from
word hashes with numpy. ``shingle_hash`` computes the same value from a shingle's bytes, so::

    MinHash(num_perm=128, seed=1, hashfunc=shingle_hash).update_batch(shingles(text))

gives exactly ``signatures(...)``'s row for that text (tests/pipelines/dedup checks). A document
shorter than ``ngram`` words is one shingle of all its words; one without words gets no signature.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_MASK32 = np.uint64(0xFFFFFFFF)
_MUL = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def normalize_words(text: pa.Array) -> pa.ListArray:
    """Normalized words per document, vectorized (RE2 over the whole column)."""
    text = pc.utf8_lower(pc.fill_null(text, ""))
    text = pc.utf8_normalize(text, "NFD")
    text = pc.replace_substring_regex(text, r"\pM+", "")
    text = pc.replace_substring_regex(text, r"\pN+", "0")
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, r"[\pP\pS\pC]+", " "))
    split = pc.utf8_split_whitespace(text)
    return pc.if_else(pc.equal(text, ""), pa.scalar([], split.type), split)


def normalize_words_py(text: str) -> list[str]:
    """The same normalization for one string (tests, ``shingles``)."""
    import regex

    text = unicodedata.normalize("NFD", text.lower())
    text = regex.sub(r"\pM+", "", text)
    text = regex.sub(r"\pN+", "0", text)
    return regex.sub(r"[\pP\pS\pC]+", " ", text).split()


def shingles(text: str, ngram: int = 5) -> list[bytes]:
    """Word n-gram shingles of a text as datasketch inputs (``update_batch``)."""
    words = normalize_words_py(text)
    if not words:
        return []
    n = min(ngram, len(words))
    return [" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)]


def _word_hash(word: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(word, digest_size=8).digest(), "little")


def _combine(hashes: np.ndarray) -> np.ndarray:
    """Fold a (shingles, n) array of word hashes into 32-bit shingle hashes."""
    with np.errstate(over="ignore"):
        h = np.full(hashes.shape[0], _MUL, dtype=np.uint64)
        for j in range(hashes.shape[1]):
            h = (h ^ hashes[:, j]) * _MIX
            h ^= h >> np.uint64(29)
    return (h ^ (h >> np.uint64(32))) & _MASK32


def shingle_hash(shingle: bytes) -> int:
    """The 32-bit hash of one shingle (``b"w1 w2 w3 w4 w5"``), as ``signatures`` computes it."""
    words = np.array([_word_hash(w) for w in shingle.split(b" ")], dtype=np.uint64)
    return int(_combine(words[None, :])[0])


def shingle_hashes(words: pa.ListArray, ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """All shingle hashes of a batch, flat, and per-document offsets into them."""
    words = words.combine_chunks() if isinstance(words, pa.ChunkedArray) else words
    counts = pc.list_value_length(words).fill_null(0).to_numpy().astype(np.int64)
    flat = pc.list_flatten(words)
    if len(flat):
        encoded = flat.dictionary_encode()
        vocab = np.array(
            [_word_hash(w) for w in encoded.dictionary.cast(pa.binary()).to_pylist()],
            dtype=np.uint64,
        )
        word_h = vocab[encoded.indices.to_numpy()]
    else:
        word_h = np.zeros(0, dtype=np.uint64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    n = np.minimum(counts, ngram)  # short documents: one shingle of all their words
    per_doc = np.where(counts > 0, counts - n + 1, 0)
    offsets = np.concatenate(([0], np.cumsum(per_doc))).astype(np.int64)
    out = np.empty(int(offsets[-1]), dtype=np.uint64)
    long_docs = counts >= ngram
    if long_docs.any():  # rolling over the flat word array; keep windows inside one document
        rolled = _combine_rolling(word_h, ngram)
        first = np.repeat(starts[long_docs], per_doc[long_docs]) + _ranges(per_doc[long_docs])
        dest = np.repeat(offsets[:-1][long_docs], per_doc[long_docs]) + _ranges(per_doc[long_docs])
        out[dest] = rolled[first]
    for size in np.unique(n[(counts > 0) & ~long_docs]):
        docs = np.flatnonzero((n == size) & (counts > 0) & ~long_docs)
        window = starts[docs][:, None] + np.arange(size)[None, :]
        out[offsets[docs]] = _combine(word_h[window])
    return out, offsets


def _combine_rolling(word_h: np.ndarray, n: int) -> np.ndarray:
    """``_combine`` of every window of ``n`` consecutive word hashes, by slices (no gather)."""
    count = len(word_h) - n + 1
    with np.errstate(over="ignore"):
        h = np.full(count, _MUL, dtype=np.uint64)
        for j in range(n):
            h ^= word_h[j : j + count]
            h *= _MIX
            h ^= h >> np.uint64(29)
    return (h ^ (h >> np.uint64(32))) & _MASK32


def _ranges(lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(n) for n in lengths])`` without the loop."""
    lengths = lengths[lengths > 0]
    if not len(lengths):
        return np.zeros(0, dtype=np.int64)
    out = np.ones(int(lengths.sum()), dtype=np.int64)
    out[0] = 0
    out[np.cumsum(lengths)[:-1]] = 1 - lengths[:-1]
    return np.cumsum(out)


@functools.lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters ``(a, b)`` for ``num_perm`` and ``seed``."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signatures(hashes: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """``(documents, num_perm)`` uint32 MinHash values; rows of documents without shingles are
    all ``0xFFFFFFFF`` (datasketch's empty value)."""
    a, b = permutations(num_perm, seed)
    mixed = _fmix32(hashes.astype(np.uint32))
    docs = len(offsets) - 1
    out = np.full((docs, num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for d in range(docs):
            lo, hi = offsets[d], offsets[d + 1]
            if hi > lo:
                block = mixed[lo:hi, None] * a
                block += b
                block.min(axis=0, out=out[d])
    return out


def optimal_bands(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """``(bands, rows)`` minimizing weighted false positives + negatives (datasketch's method)."""
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, fp_weight, fn_weight)


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
