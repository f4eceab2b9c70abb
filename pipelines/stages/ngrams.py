"""Word n-gram repetition over a whole batch at once: top n-gram and duplicated n-gram characters.

N-grams are identified by a 64-bit rolling hash of word ids (arrow's dictionary encoding), so a
batch of documents is a handful of numpy sorts, not millions of joined strings. The one sequential
rule — DataTrove's greedy duplicated-n-gram scan, which jumps ``n`` words after each repeat —
visits only positions whose n-gram occurred earlier in the same document.
"""

from __future__ import annotations

import bisect

import numpy as np

from pipelines.stages.text import Flat

_MUL = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def _mix(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(31))
    h = h * _MIX
    return h ^ (h >> np.uint64(29))


class NGrams:
    """Word n-grams of every document in a batch, for n = 1, 2, ... in turn."""

    def __init__(self, words: Flat, ids: np.ndarray) -> None:
        self.words = words
        self.lengths = words.lengths()
        self.cum = np.concatenate(([0], np.cumsum(self.lengths)))
        self.ids = ids.astype(np.uint64)
        self.n = 1
        self.hash = _mix(self.ids + _MUL)

    def grow(self) -> None:
        """From n-grams to (n+1)-grams (positions keep their start word)."""
        with np.errstate(over="ignore"):
            nxt = self.ids[self.n :]
            self.hash = _mix(self.hash[: len(nxt)] * _MUL + nxt + np.uint64(self.n))
        self.n += 1

    def _valid(self) -> np.ndarray:
        """Start positions whose n-gram stays inside one document."""
        parent = self.words.parent
        count = len(parent) - self.n + 1
        if count <= 0:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(parent[:count] == parent[self.n - 1 :])

    def _groups(self):
        pos = self._valid()
        parent = self.words.parent[pos]
        with np.errstate(over="ignore"):
            key = _mix(self.hash[pos] ^ (parent.astype(np.uint64) * _MUL))
        uniq, first, inverse, counts = np.unique(
            key, return_index=True, return_inverse=True, return_counts=True
        )
        return pos, parent, first, inverse, counts

    def char_length(self, pos: np.ndarray, spaces: bool) -> np.ndarray:
        chars = self.cum[pos + self.n] - self.cum[pos]
        return chars + (self.n - 1) if spaces else chars

    def top(self) -> np.ndarray:
        """Per document: characters of its most frequent n-gram (joined by spaces) × its count.

        Ties go to the n-gram seen first (``Counter.most_common``); 0 when there is none.
        """
        out = np.zeros(self.words.rows, dtype=np.int64)
        pos, parent, first, _, counts = self._groups()
        if not len(pos):
            return out
        group_parent = parent[first]
        order = np.lexsort((first, -counts, group_parent))
        is_head = np.ones(len(order), dtype=bool)
        is_head[1:] = group_parent[order][1:] != group_parent[order][:-1]
        best = order[is_head]
        out[group_parent[best]] = counts[best] * self.char_length(pos[first[best]], spaces=True)
        return out

    def duplicated_chars(self) -> np.ndarray:
        """Per document: characters (no spaces) in repeated n-grams, greedy left-to-right scan."""
        out = np.zeros(self.words.rows, dtype=np.int64)
        pos, parent, first, inverse, _ = self._groups()
        seen_before = first[inverse] != np.arange(len(pos))
        candidates = np.flatnonzero(seen_before)
        if not len(candidates):
            return out
        first_pos = pos[first[inverse]]
        chars = self.char_length(pos, spaces=False)
        bounds = np.flatnonzero(np.diff(parent[candidates])) + 1
        for group in np.split(candidates, bounds):
            out[parent[group[0]]] = _greedy_scan(
                pos[group], inverse[group], first_pos[group], chars[group], self.n
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
