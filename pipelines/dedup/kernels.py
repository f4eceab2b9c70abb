"""Compiled loops for dedup: normalized word hashes straight from UTF-8 bytes, shingles,
document hashes, the fused permutation minimum, and Jaccard by merging sorted sets (numba;
compiled once, cached on disk).

Word hash: FNV-1a 64 over the UTF-8 of the normalized word. Shingle hash: the words' hashes
folded with a multiply-xorshift, truncated to 32 bits — ``minhash.shingle_hash`` in Python.
"""

from __future__ import annotations

import numba
import numpy as np

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
FOLD_INIT = np.uint64(0x9E3779B97F4A7C15)
FOLD_MUL = np.uint64(0xBF58476D1CE4E5B9)


@numba.njit(cache=True, nogil=True, inline="always")
def _decode(data, i, end):
    """The codepoint at byte ``i`` of valid UTF-8 and the index after it."""
    b0 = np.int64(data[i])
    if b0 < 0x80 or i + 1 >= end:
        return b0, i + 1
    if b0 < 0xE0:
        return ((b0 & 0x1F) << 6) | (np.int64(data[i + 1]) & 0x3F), i + 2
    if b0 < 0xF0 or i + 2 >= end:
        cp = ((b0 & 0x0F) << 12) | ((np.int64(data[i + 1]) & 0x3F) << 6)
        return cp | (np.int64(data[i + 2]) & 0x3F), i + 3
    cp = ((b0 & 0x07) << 18) | ((np.int64(data[i + 1]) & 0x3F) << 12)
    cp |= (np.int64(data[i + 2]) & 0x3F) << 6
    return cp | (np.int64(data[i + 3]) & 0x3F), i + 4


@numba.njit(cache=True, nogil=True, inline="always")
def _feed(h, cp):
    """FNV-1a over the UTF-8 bytes of one codepoint."""
    if cp < 0x80:
        return (h ^ np.uint64(cp)) * FNV_PRIME
    if cp < 0x800:
        h = (h ^ np.uint64(0xC0 | (cp >> 6))) * FNV_PRIME
        return (h ^ np.uint64(0x80 | (cp & 0x3F))) * FNV_PRIME
    if cp < 0x10000:
        h = (h ^ np.uint64(0xE0 | (cp >> 12))) * FNV_PRIME
        h = (h ^ np.uint64(0x80 | ((cp >> 6) & 0x3F))) * FNV_PRIME
        return (h ^ np.uint64(0x80 | (cp & 0x3F))) * FNV_PRIME
    h = (h ^ np.uint64(0xF0 | (cp >> 18))) * FNV_PRIME
    h = (h ^ np.uint64(0x80 | ((cp >> 12) & 0x3F))) * FNV_PRIME
    h = (h ^ np.uint64(0x80 | ((cp >> 6) & 0x3F))) * FNV_PRIME
    return (h ^ np.uint64(0x80 | (cp & 0x3F))) * FNV_PRIME


@numba.njit(cache=True, nogil=True)
def _doc_words(data, i, end, kinds, map_offsets, mapped, ascii_map, out, k):
    """One document's word hashes from byte ``i`` to ``end`` into ``out[k:]``; returns the new
    ``k``. A word's hash grows while letters (and a number's single ``0``) come; a separator
    ends it."""
    h = FNV_OFFSET
    inside = False
    in_number = False
    while i < end:
        b = data[i]
        if b < 128:
            i += 1
            m = ascii_map[b]
            if m == 0:
                kind = 0
            elif m == 48:
                kind = 2
            else:
                h = (h ^ np.uint64(m)) * FNV_PRIME
                inside = True
                in_number = False
                continue
        else:
            cp, i = _decode(data, i, end)
            kind = kinds[cp]
            if kind == 1:
                for j in range(map_offsets[cp], map_offsets[cp + 1]):
                    h = _feed(h, np.int64(mapped[j]))
                inside = True
                in_number = False
                continue
        if kind == 2:
            if not in_number:
                h = (h ^ np.uint64(48)) * FNV_PRIME  # "0"
            inside = True
            in_number = True
        elif kind == 0:
            if inside:
                out[k] = h
                k += 1
            h = FNV_OFFSET
            inside = False
            in_number = False
    if inside:
        out[k] = h
        k += 1
    return k


@numba.njit(cache=True, nogil=True)
def word_hashes(data, offsets, kinds, map_offsets, mapped, ascii_map, out, out_offsets):
    """Normalize and hash words straight from UTF-8 (classes in ``unicode``): letters map to
    their lowercase, accent-free form, a run of numbers is one ``0``, separators end a word,
    marks vanish. ``out`` must hold one slot per two bytes (+1 per document); returns how
    many words were written. ASCII bytes take a 128-entry fast path (``ascii_map``: the
    lowercase byte of a letter, ``0`` for a digit, 0 for a separator)."""
    docs = offsets.shape[0] - 1
    k = 0
    for d in range(docs):
        out_offsets[d] = k
        k = _doc_words(data, offsets[d], offsets[d + 1], kinds, map_offsets, mapped, ascii_map,
                       out, k)  # fmt: skip
    out_offsets[docs] = k
    return k


@numba.njit(cache=True, nogil=True)
def shingle_hashes(words, word_offsets, ngram, out_offsets, out):
    """Fold each run of ``ngram`` word hashes (fewer for short documents) into 32 bits."""
    for d in range(word_offsets.shape[0] - 1):
        first, n_words = word_offsets[d], word_offsets[d + 1] - word_offsets[d]
        if n_words == 0:
            continue
        n = min(ngram, n_words)
        k = out_offsets[d]
        for start in range(first, first + n_words - n + 1):
            f = FOLD_INIT
            for j in range(n):
                f = (f ^ words[start + j]) * FOLD_MUL
                f ^= f >> np.uint64(29)
            out[k] = (f ^ (f >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
            k += 1


@numba.njit(cache=True, nogil=True)
def text_hashes(words, word_offsets):
    """One 64-bit hash of each document's whole word sequence (0: no words)."""
    out = np.zeros(word_offsets.shape[0] - 1, dtype=np.uint64)
    for d in range(out.shape[0]):
        if word_offsets[d + 1] == word_offsets[d]:
            continue
        f = FOLD_INIT
        for i in range(word_offsets[d], word_offsets[d + 1]):
            f = (f ^ words[i]) * FOLD_MUL
            f ^= f >> np.uint64(31)
        out[d] = f | np.uint64(1)  # never 0
    return out


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
