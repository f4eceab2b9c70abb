"""Per-codepoint normalization tables for the compiled word hasher (and its Python twin).

For every codepoint: its class — separator, letter, number or dropped (combining marks, and
characters whose normalization is empty) — and for letters the codepoints it becomes after
lowercasing, canonical decomposition (NFD) and removal of combining marks (``É`` → ``e``,
``ﬀ`` stays, ``Ⅻ`` is a number). Built from ``unicodedata`` once per machine and Python version
(~2 s), then loaded from a cache file.
"""

from __future__ import annotations

import functools
import os
import sys
import unicodedata
from pathlib import Path

import numpy as np

SEPARATOR, LETTER, NUMBER, DROPPED = 0, 1, 2, 3
LIMIT = sys.maxunicode + 1


def char_class(ch: str) -> tuple[int, str]:
    """``(class, replacement)`` of one character: the definition both paths share."""
    category = unicodedata.category(ch)
    if category[0] == "N":
        return NUMBER, "0"
    if category[0] == "M":
        return DROPPED, ""
    if category[0] != "L":
        return SEPARATOR, ""
    out = "".join(
        c for c in unicodedata.normalize("NFD", ch.lower()) if unicodedata.category(c)[0] != "M"
    )
    return (LETTER, out) if out else (DROPPED, "")


def words_py(text: str) -> list[str]:
    """Normalized words of a text, one character at a time (the reference for the kernel)."""
    words, current, in_number = [], [], False
    for ch in text:
        kind, out = char_class(ch)
        if kind == LETTER:
            current.append(out)
            in_number = False
        elif kind == NUMBER:
            if not in_number:
                current.append("0")
            in_number = True
        elif kind == SEPARATOR:
            if current:
                words.append("".join(current))
            current, in_number = [], False
    if current:
        words.append("".join(current))
    return words


def _cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    tag = f"unicode-{unicodedata.unidata_version}-v1.npz"
    return Path(base) / "forage" / tag


def _build() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    kinds = np.zeros(LIMIT, dtype=np.uint8)
    offsets = np.zeros(LIMIT + 1, dtype=np.int64)
    mapped: list[int] = []
    for cp in range(LIMIT):
        offsets[cp] = len(mapped)
        if 0xD800 <= cp <= 0xDFFF:  # surrogates never occur in decoded UTF-8
            continue
        kind, out = char_class(chr(cp))
        kinds[cp] = kind
        if kind == LETTER:
            mapped.extend(ord(c) for c in out)
    offsets[LIMIT] = len(mapped)
    return kinds, offsets, np.array(mapped, dtype=np.uint32)


@functools.lru_cache(maxsize=1)
def ascii_map() -> np.ndarray:
    """Per ASCII byte: its normalized byte if a letter, ``ord("0")`` if a digit, 0 otherwise
    (every ASCII character is a letter, a digit or a separator)."""
    out = np.zeros(128, dtype=np.uint8)
    for b in range(128):
        kind, text = char_class(chr(b))
        if kind == LETTER:
            out[b] = ord(text)
        elif kind == NUMBER:
            out[b] = ord("0")
    return out


@functools.lru_cache(maxsize=1)
def tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(kinds, offsets, mapped)``: class per codepoint; a letter's replacement codepoints are
    ``mapped[offsets[cp]:offsets[cp + 1]]``."""
    path = _cache_path()
    try:
        with np.load(path) as cached:
            return cached["kinds"], cached["offsets"], cached["mapped"]
    except (OSError, KeyError, ValueError):
        pass
    kinds, offsets, mapped = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
        np.savez(tmp, kinds=kinds, offsets=offsets, mapped=mapped)
        tmp.replace(path)
    except OSError:
        pass  # a read-only home: build again next time
    return kinds, offsets, mapped
