"""Word n-gram repetition over a whole batch at once: top n-gram and duplicated n-gram characters.

N-grams are identified by a 64-bit rolling hash of word ids (arrow's dictionary encoding), so a
batch of documents is a handful of numpy sorts, not millions of joined strings. The one sequential
rule — DataTrove's greedy duplicated-n-gram scan, which jumps ``n`` words after each repeat —
visits only positions whose n-gram occurred earlier in the same document.
"""

from __future__ import annotations

import bisect

import numpy as np

from pipelines.stages.text import Flat, first_occurrence_ids

_MUL = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def _mix(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(31))
    h = h * _MIX
    return h ^ (h >> np.uint64(29))


class NGrams:
    """Word n-grams of every document in a batch, for n = 1, 2, ... in turn (``grow``).

    Only n-grams that occur twice in their document matter beyond the first n-gram, and an
    (n+1)-gram can repeat only where its n-gram prefix does, so each step hashes the positions that
    repeated at the step before: a shrinking set, not the whole batch nine times.
    """

    def __init__(self, words: Flat, ids: np.ndarray) -> None:
        self.words = words
        self.lengths = words.lengths()
        self.cum = np.concatenate(([0], np.cumsum(self.lengths)))
        self.doc_start = np.concatenate(([0], np.cumsum(words.counts)[:-1]))
        self.ids = ids.astype(np.uint64)
        self.n = 1
        self.hash = _mix(self.ids + _MUL)
        self._group(np.arange(len(ids), dtype=np.int64))

    def grow(self) -> None:
        """From n-grams to (n+1)-grams (positions keep their start word)."""
        with np.errstate(over="ignore"):
            nxt = self.ids[self.n :]
            self.hash = _mix(self.hash[: len(nxt)] * _MUL + nxt + np.uint64(self.n))
        self.n += 1
        repeated = self.pos[self.counts[self.group] >= 2]
        self._group(repeated)

    def _group(self, candidates: np.ndarray) -> None:
        """Group the candidate start positions whose n-gram stays inside one document."""
        parent = self.words.parent
        end = candidates + self.n - 1
        inside = end < len(parent)
        inside[inside] = parent[candidates[inside]] == parent[end[inside]]
        self.pos = candidates[inside]
        with np.errstate(over="ignore"):
            key = _mix(self.hash[self.pos] ^ (parent[self.pos].astype(np.uint64) * _MUL))
        self.group, self.first = first_occurrence_ids(key)
        self.counts = np.bincount(self.group, minlength=len(self.first))

    def char_length(self, pos: np.ndarray, spaces: bool) -> np.ndarray:
        chars = self.cum[pos + self.n] - self.cum[pos]
        return chars + (self.n - 1) if spaces else chars

    def top(self) -> np.ndarray:
        """Per document: characters of its most frequent n-gram (joined by spaces) × its count.

        Ties go to the n-gram seen first (``Counter.most_common``); 0 when there is none.
        """
        words = self.words
        out = np.zeros(words.rows, dtype=np.int64)
        has = words.counts >= self.n  # no repeat: the first n-gram, once
        out[has] = self.char_length(self.doc_start[has], spaces=True)
        repeated = np.flatnonzero(self.counts >= 2)
        if not len(repeated):
            return out
        # Group ids rise with first occurrence, so each document's groups are one contiguous run.
        counts, first = self.counts[repeated], self.first[repeated]
        group_parent = words.parent[self.pos[first]]
        big = len(repeated) + 1
        score = counts * big + (big - 1 - np.arange(len(repeated)))
        starts = np.flatnonzero(np.diff(group_parent, prepend=-1))
        best = big - 1 - np.maximum.reduceat(score, starts) % big
        docs = group_parent[starts]
        out[docs] = counts[best] * self.char_length(self.pos[first[best]], spaces=True)
        return out

    def duplicated_chars(self) -> np.ndarray:
        """Per document: characters (no spaces) in repeated n-grams, greedy left-to-right scan."""
        out = np.zeros(self.words.rows, dtype=np.int64)
        seen_before = self.first[self.group] != np.arange(len(self.pos))
        candidates = np.flatnonzero(seen_before)
        if not len(candidates):
            return out
        pos, group = self.pos[candidates], self.group[candidates]
        first_pos = self.pos[self.first[group]]
        chars = self.char_length(pos, spaces=False)
        parent = self.words.parent[pos]
        bounds = np.flatnonzero(np.diff(parent)) + 1
        for chunk in np.split(np.arange(len(pos)), bounds):
            out[parent[chunk[0]]] = _greedy_scan(
                pos[chunk], group[chunk], first_pos[chunk], chars[chunk], self.n
            )
        return out


def _greedy_scan(
    positions: np.ndarray, keys: np.ndarray, first: np.ndarray, chars: np.ndarray, n: int
) -> int:
    """DataTrove's scan restricted to repeat positions of one document.

    Every other position is the first occurrence of its n-gram: it enters the seen set unless a
    jump skipped it. A repeat counts when its n-gram was seen — its first occurrence was not
    skipped, or an earlier visited repeat added it — and then the scan jumps ``n`` words.
    """
    starts: list[int] = []
    ends: list[int] = []
    added: set[int] = set()
    resume = 0
    total = 0
    for p, key, f, c in zip(positions.tolist(), keys.tolist(), first.tolist(), chars.tolist()):
        if p < resume:
            continue
        k = bisect.bisect_right(starts, f) - 1
        first_skipped = k >= 0 and f < ends[k]
        if key in added or not first_skipped:
            total += c
            starts.append(p + 1)
            ends.append(p + n)
            resume = p + n
        else:
            added.add(key)
            resume = p + 1
    return total
