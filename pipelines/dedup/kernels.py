"""Compiled loops for MinHash: word hashing + shingles straight from UTF-8 bytes, and the
permutation minimum, fused per document (numba; compiled once, cached on disk).

Words are the runs of bytes between ASCII spaces of the normalized text (normalization turns
every other separator into a space). Word hash: FNV-1a 64. Shingle hash: the words' hashes
folded with a multiply-xorshift, truncated to 32 bits — ``minhash.shingle_hash`` in Python.
"""

from __future__ import annotations

import numba
import numpy as np

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
FOLD_INIT = np.uint64(0x9E3779B97F4A7C15)
FOLD_MUL = np.uint64(0xBF58476D1CE4E5B9)


@numba.njit(cache=True, nogil=True)
def word_counts(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    docs = offsets.shape[0] - 1
    counts = np.zeros(docs, dtype=np.int64)
    for d in range(docs):
        inside = False
        for i in range(offsets[d], offsets[d + 1]):
            if data[i] == 32:
                inside = False
            elif not inside:
                inside = True
                counts[d] += 1
    return counts


@numba.njit(cache=True, nogil=True)
def shingle_hashes(data, offsets, ngram, out_offsets, out):
    """Fill ``out[out_offsets[d]:out_offsets[d+1]]`` with document d's shingle hashes."""
    docs = offsets.shape[0] - 1
    words = np.empty(64, dtype=np.uint64)
    for d in range(docs):
        n_words = 0
        h = FNV_OFFSET
        inside = False
        for i in range(offsets[d], offsets[d + 1] + 1):
            at_end = i == offsets[d + 1]
            if at_end or data[i] == 32:
                if inside:
                    if n_words == words.shape[0]:
                        grown = np.empty(words.shape[0] * 2, dtype=np.uint64)
                        grown[: words.shape[0]] = words
                        words = grown
                    words[n_words] = h
                    n_words += 1
                    inside = False
                    h = FNV_OFFSET
            else:
                inside = True
                h = (h ^ np.uint64(data[i])) * FNV_PRIME
        if n_words == 0:
            continue
        n = min(ngram, n_words)
        k = out_offsets[d]
        for start in range(n_words - n + 1):
            f = FOLD_INIT
            for j in range(n):
                f = (f ^ words[start + j]) * FOLD_MUL
                f ^= f >> np.uint64(29)
            out[k] = (f ^ (f >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
            k += 1


@numba.njit(cache=True, nogil=True)
def signatures(hashes, offsets, a, b, out):
    """datasketch affine32: min over shingles of ``a * fmix32(h) + b`` (uint32 wraparound)."""
    docs = offsets.shape[0] - 1
    perms = a.shape[0]
    mask = np.uint64(0xFFFFFFFF)
    a64 = a.astype(np.uint64)
    b64 = b.astype(np.uint64)
    row = np.empty(perms, dtype=np.uint64)
    for d in range(docs):
        row[:] = mask
        for i in range(offsets[d], offsets[d + 1]):
            h = np.uint64(hashes[i]) & mask  # fmix32, in 64-bit registers, masked to 32 bits
            h ^= h >> np.uint64(16)
            h = (h * np.uint64(0x85EBCA6B)) & mask
            h ^= h >> np.uint64(13)
            h = (h * np.uint64(0xC2B2AE35)) & mask
            h ^= h >> np.uint64(16)
            for k in range(perms):
                v = (a64[k] * h + b64[k]) & mask
                if v < row[k]:
                    row[k] = v
        for k in range(perms):
            out[d, k] = np.uint32(row[k])


@numba.njit(cache=True, nogil=True)
def sorted_sets(values, offsets, docs):
    """The shingle hashes of documents ``docs``, each sorted and deduplicated (Jaccard by
    merging); returns (values, offsets) of the compact result, in the order of ``docs``."""
    total = 0
    for d in docs:
        total += offsets[d + 1] - offsets[d]
    out = np.empty(total, dtype=values.dtype)
    out_offsets = np.empty(docs.shape[0] + 1, dtype=np.int64)
    k = 0
    for n in range(docs.shape[0]):
        d = docs[n]
        out_offsets[n] = k
        segment = np.sort(values[offsets[d] : offsets[d + 1]])
        for i in range(segment.shape[0]):
            if i == 0 or segment[i] != segment[i - 1]:
                out[k] = segment[i]
                k += 1
    out_offsets[docs.shape[0]] = k
    return out[:k], out_offsets


@numba.njit(cache=True, nogil=True)
def jaccards_at(va, oa, ia, vb, ob, ib):
    """Jaccard of sorted sets ``a[ia[p]]`` and ``b[ib[p]]`` for every pair p."""
    out = np.empty(ia.shape[0], dtype=np.float64)
    for p in range(ia.shape[0]):
        i, i_end = oa[ia[p]], oa[ia[p] + 1]
        j, j_end = ob[ib[p]], ob[ib[p] + 1]
        size = (i_end - i) + (j_end - j)
        shared = 0
        while i < i_end and j < j_end:
            if va[i] == vb[j]:
                shared += 1
                i += 1
                j += 1
            elif va[i] < vb[j]:
                i += 1
            else:
                j += 1
        union = size - shared
        out[p] = shared / union if union > 0 else 1.0
    return out
