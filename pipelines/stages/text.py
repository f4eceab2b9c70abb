"""Vectorized text measurements shared by the quality filters: words, lines, duplicates.

Everything works on whole pyarrow columns with RE2 kernels and numpy; results are flat arrays
with a ``parent`` index (row of the batch) so per-document sums are one ``np.bincount``.

Words follow the shape of a spaCy-style tokenizer (what DataTrove counts with): punctuation runs
are their own tokens, numbers keep their inner ``.``/``,`` (not ``-``), contractions keep their
letters, and scripts written without spaces are segmented: one token per Han/Kana character, Thai
and Lao split before leading vowels (≈ syllables), so a Chinese or Thai page has hundreds of
words, not 3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Unicode Sentence_Terminal (as DataTrove's TERMINAL_PUNCTUATION) plus its three extra Khmer signs.
TERMINAL_CLASS = (
    r"\x{0021}\x{002E}\x{003F}\x{0589}\x{061D}-\x{061F}\x{06D4}\x{0700}-\x{0702}\x{07F9}"
    r"\x{0837}\x{0839}\x{083D}-\x{083E}\x{0964}-\x{0965}\x{104A}-\x{104B}\x{1362}"
    r"\x{1367}-\x{1368}\x{166E}\x{1735}-\x{1736}\x{17D4}-\x{17D6}\x{17D9}-\x{17DA}\x{1803}"
    r"\x{1809}\x{1944}-\x{1945}\x{1AA8}-\x{1AAB}\x{1B4E}-\x{1B4F}\x{1B5A}-\x{1B5B}"
    r"\x{1B5E}-\x{1B5F}\x{1B7D}-\x{1B7F}\x{1C3B}-\x{1C3C}\x{1C7E}-\x{1C7F}\x{2024}"
    r"\x{203C}-\x{203D}\x{2047}-\x{2049}\x{2CF9}-\x{2CFB}\x{2E2E}\x{2E3C}\x{2E53}-\x{2E54}"
    r"\x{2E60}-\x{2E61}\x{3002}\x{A4FF}\x{A60E}-\x{A60F}\x{A6F3}\x{A6F7}\x{A876}-\x{A877}"
    r"\x{A8CE}-\x{A8CF}\x{A92F}\x{A9C8}-\x{A9C9}\x{AA5D}-\x{AA5F}\x{AAF0}-\x{AAF1}\x{ABEB}"
    r"\x{FE12}\x{FE15}-\x{FE16}\x{FE52}\x{FE56}-\x{FE57}\x{FF01}\x{FF0E}\x{FF1F}\x{FF61}"
    r"\x{10A56}-\x{10A57}\x{10F55}-\x{10F59}\x{10F86}-\x{10F89}\x{11047}-\x{11048}"
    r"\x{110BE}-\x{110C1}\x{11141}-\x{11143}\x{111C5}-\x{111C6}\x{111CD}\x{111DE}-\x{111DF}"
    r"\x{11238}-\x{11239}\x{1123B}-\x{1123C}\x{112A9}\x{113D4}-\x{113D5}\x{1144B}-\x{1144C}"
    r"\x{115C2}-\x{115C3}\x{115C9}-\x{115D7}\x{11641}-\x{11642}\x{1173C}-\x{1173E}\x{11944}"
    r"\x{11946}\x{11A42}-\x{11A43}\x{11A9B}-\x{11A9C}\x{11C41}-\x{11C42}\x{11EF7}-\x{11EF8}"
    r"\x{11F43}-\x{11F44}\x{16A6E}-\x{16A6F}\x{16AF5}\x{16B37}-\x{16B38}\x{16B44}"
    r"\x{16D6E}-\x{16D6F}\x{16E98}\x{1BC9F}\x{1DA88}"
)
# str.splitlines() boundaries; a final terminator does not start another line.
LINE_BREAK = r"\r\n|[\n\r\v\f\x1c-\x1e\x{85}\x{2028}\x{2029}]"
_SPACE = r"\s\p{Z}"
# Punctuation inside a token stays in it, as spaCy keeps setup.py, N=367, TEL：05 (but splits
# hyphens between letters, and en/em dashes and ~ before a letter: Mon–Khmer, but 1944–1945 and
# I–11 stay whole); one \x01 stands in for it (not a letter). Applied twice for runs like
# a.b.c; initials (H.), dashed options (--user) and a trailing / (dist/) likewise.
_NOT_INNER = r"\pL\pN\pM\s\p{Z}\x01\x02,\-…\[\](){}<>\"'“”‘’«»"
_INNER = (
    r"([\pL\pN])(?:[^" + _NOT_INNER + r"]+(\pN)|[^" + _NOT_INNER + r"–—~]+(\pL))",
    "\\1\x01\\2\\3",
)
_ELLIPSIS = (r"(\.\.+)", " \\1 ")  # wait...what → wait ... what, as spaCy splits it
# spaCy's infixes: a comma stays inside a number (1,000, 12,5); a hyphen stays after a letter
# before a digit (COVID-19, I-11) but splits two numbers (1912-1994 → 1912 - 1994).
_NUMBER_INNER = (r"(\pN),(\pN)|(\pL)-(\pN)", "\\1\\3\x01\\2\\4")
# spaCy keeps a period after one capital (H., Б.) or uncased letter and after a–z, ä, ö, ü (its
# exceptions), but splits it after other lower-case letters: г. → г . (Bulgarian "year").
_INITIAL = (r"(^|[\s\p{Z}(])([\p{Lu}\p{Lt}\p{Lo}a-zäöü])\.", "\\1\\2\x01")
_TRAILING_SLASH = (r"([\pL\pN])/([\s\p{Z}]|$)", "\\1\x01\\2")  # dist/, legacy/
_OPTION = (r"(^|[\s\p{Z}])(-+)(\pL)", "\\1\x01\\3")
_CONTRACTION = (r"(\pL)['’](\pL)", "\\1 \x02\\2")  # don't → don 't (two alphabetic tokens)
# Punctuation runs, and each character of scripts without spaces, become tokens of their own.
_PUNCT_RUN = (r"(\.\.+|…|[^\pL\pN\pM" + _SPACE + "\x01\x02])", " \\1 ")
_NO_SPACE_CHARS = (r"([\p{Han}\p{Hiragana}\p{Katakana}])", " \\1 ")
_THAI_LAO_SYLLABLE = (r"([\x{0E40}-\x{0E44}\x{0EC0}-\x{0EC4}])", " \\1")
_SYMBOL_WORD = r"^[\pP\pS\pC]+$"


# A transient column: the word tokens of the current text, computed by the first filter that needs
# them and reused by the next ones in the batch. Not in the shard schema, so never written.
WORDS = "_words"


def batch_words(batch: pa.Table) -> tuple[pa.ListArray, dict[str, pa.ListArray]]:
    """Word tokens of ``batch``'s text, and the signals entry that shares them with later filters
    (empty when an earlier filter already did)."""
    if WORDS in batch.column_names:
        return batch[WORDS].combine_chunks(), {}
    lists = words(text_column(batch))
    return lists, {WORDS: lists}


def text_changed(batch: pa.Table) -> pa.Table:
    """Drop derived columns after a stage rewrote the text."""
    return batch.drop_columns([WORDS]) if WORDS in batch.column_names else batch


def text_column(batch: pa.Table) -> pa.Array:
    """The ``text`` column as one array, nulls as empty strings."""
    return pc.fill_null(batch["text"].combine_chunks(), "")


def words(text: pa.Array) -> pa.ListArray:
    """Language-aware word tokens per document (see module docstring)."""
    text = pc.replace_substring(text, "://", "\x01\x01\x01")  # URL schemes stay in the token
    for pattern, repl in (
        _CONTRACTION,
        _ELLIPSIS,
        _INNER,
        _INNER,
        _NUMBER_INNER,
        _INITIAL,
        _OPTION,
        _TRAILING_SLASH,
        _PUNCT_RUN,
        _NO_SPACE_CHARS,
        _THAI_LAO_SYLLABLE,
    ):
        text = pc.replace_substring_regex(text, pattern, repl)
    text = pc.utf8_trim_whitespace(text)
    return _empty_when_blank(text, pc.utf8_split_whitespace(text))


def lines(text: pa.Array) -> pa.ListArray:
    """``str.splitlines()`` per document: no trailing empty line, ``""`` has no lines."""
    body = pc.replace_substring_regex(text, "(?:" + LINE_BREAK + ")$", "")
    return _empty_when_blank(text, pc.split_pattern_regex(body, LINE_BREAK))


def _empty_when_blank(text: pa.Array, split: pa.ListArray) -> pa.ListArray:
    return pc.if_else(pc.equal(text, ""), pa.scalar([], split.type), split)


@dataclass(frozen=True)
class Flat:
    """A list column flattened: ``values`` with ``parent`` (row index) and per-row ``counts``."""

    values: pa.Array
    parent: np.ndarray
    counts: np.ndarray
    rows: int

    @classmethod
    def of(cls, lists: pa.ListArray) -> Flat:
        lists = lists.combine_chunks() if isinstance(lists, pa.ChunkedArray) else lists
        counts = pc.list_value_length(lists).fill_null(0).to_numpy().astype(np.int64)
        parent = np.repeat(np.arange(len(lists), dtype=np.int64), counts)
        return cls(pc.list_flatten(lists), parent, counts, len(lists))

    def sum(self, values: np.ndarray | pa.Array) -> np.ndarray:
        """Per-row sum of a per-element value (bools count)."""
        if not isinstance(values, np.ndarray):
            values = values.to_numpy(zero_copy_only=False)
        return np.bincount(self.parent, weights=values, minlength=self.rows)

    def any(self, mask: np.ndarray | pa.Array) -> np.ndarray:
        return self.sum(mask) > 0

    def first(self, mask: np.ndarray) -> np.ndarray:
        """Per row, the element position (within the row) of the first True; -1 if none."""
        out = np.full(self.rows, -1, dtype=np.int64)
        hits = np.flatnonzero(mask)[::-1]  # reversed so the earliest write wins
        starts = np.concatenate(([0], np.cumsum(self.counts)[:-1]))
        out[self.parent[hits]] = hits - starts[self.parent[hits]]
        return out

    def lengths(self) -> np.ndarray:
        return pc.utf8_length(self.values).to_numpy(zero_copy_only=False).astype(np.int64)

    def matches(self, pattern: str, ignore_case: bool = False) -> np.ndarray:
        found = pc.match_substring_regex(self.values, pattern, ignore_case=ignore_case)
        return found.to_numpy(zero_copy_only=False)


def is_symbol_word(values: pa.Array) -> np.ndarray:
    """Tokens made only of punctuation, symbols or control characters."""
    return pc.match_substring_regex(values, _SYMBOL_WORD).to_numpy(zero_copy_only=False)


def element_ids(flat: Flat) -> np.ndarray:
    """An integer per element, equal iff the strings are equal (arrow's hash table)."""
    return flat.values.dictionary_encode().indices.to_numpy().astype(np.int64)


def first_occurrence_ids(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Equal keys → equal ids, numbered 0, 1, ... in order of first occurrence (a hash table).

    Returns the ids and, per id, the position of its first occurrence.
    """
    if not len(key):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ids = pc.dictionary_encode(pa.array(key)).indices.to_numpy().astype(np.int64)
    seen = np.maximum.accumulate(ids)
    is_first = np.empty(len(ids), dtype=bool)
    is_first[0] = True
    is_first[1:] = ids[1:] > seen[:-1]
    return ids, np.flatnonzero(is_first)


def duplicates(flat: Flat, ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per row: how many elements repeat an earlier one, and the characters in those repeats.

    DataTrove's ``find_duplicates``: the first occurrence is unique, every later one a duplicate.
    """
    if ids is None:
        ids = element_ids(flat)
    group, first = first_occurrence_ids(flat.parent * (int(ids.max(initial=0)) + 1) + ids)
    repeat = first[group] != np.arange(len(group))
    return flat.sum(repeat), flat.sum(np.where(repeat, flat.lengths(), 0))


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise division with 0/0 → NaN and x/0 → inf, without warnings."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(numerator, dtype=np.float64) / np.asarray(denominator, dtype=np.float64)


def float_column(values: np.ndarray) -> pa.Array:
    """A float64 signal column (exact at thresholds like 3/10 > 0.3); NaN (undefined, e.g. no words) becomes null."""
    values = np.asarray(values, dtype=np.float64)
    return pa.array(values, mask=np.isnan(values))
