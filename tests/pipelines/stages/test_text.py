"""Vectorized text measurements agree with straightforward Python on random and edge inputs."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pyarrow as pa

from pipelines.stages import text as T
from pipelines.stages.ngrams import NGrams

EDGE = ["", "\n", "a", "a\n", "a\n\n", "\na", "a\r\nb", "a\rb\x0bc\x0cd\x1ce\x85f\u2028g", "x\n\ny"]


def test_lines_match_str_splitlines():
    rng = random.Random(0)
    pieces = ["ab", " ", "\n", "\r\n", "\r", "\u2028", "é", "\n\n"]
    texts = EDGE + ["".join(rng.choice(pieces) for _ in range(12)) for _ in range(300)]
    assert T.lines(pa.array(texts)).to_pylist() == [t.splitlines() for t in texts]


def test_words_split_punctuation_but_keep_numbers_and_file_names():
    (tokens,) = T.words(pa.array(["Hello, world! It costs $3.50 (see setup.py)..."])).to_pylist()
    shown = [t.replace("\x01", ".") for t in tokens]
    assert shown == ["Hello", ",", "world", "!", "It", "costs", "$", "3.50", "(", "see",
                     "setup.py", ")", "..."]  # fmt: skip
    # spaCy (DataTrove's tokenizer) splits dot runs between words, keeps other inner runs.
    words = T.words(pa.array(["wait...what now", "end..Next", "std::vector foo?!bar"]))
    shown = [[t.replace("\x01", "·") for t in ts] for ts in words.to_pylist()]
    assert shown == [["wait", "...", "what", "now"], ["end", "..", "Next"],
                     ["std·vector", "foo·bar"]]  # fmt: skip


def test_words_segment_scripts_without_spaces():
    chinese = "我们今天去公园散步。天气很好"
    thai = "ภาษาไทยเป็นภาษาที่สวยงาม และเขียนไม่มีช่องว่าง"
    zh, th = T.words(pa.array([chinese, thai])).to_pylist()
    assert len(zh) == len(chinese)  # one token per character (the full stop included)
    assert len(th) >= 6  # split before leading vowels, at spaces


def test_empty_and_blank_texts_have_no_words():
    assert T.words(pa.array(["", "  \n "])).to_pylist() == [[], []]


def _find_duplicates(items):
    seen, dups, chars = set(), 0, 0
    for x in items:
        if x in seen:
            dups, chars = dups + 1, chars + len(x)
        seen.add(x)
    return dups, chars


def test_duplicates_match_reference():
    rng = random.Random(1)
    rows = [
        [rng.choice(["a", "bb", "ccc", "é"]) for _ in range(rng.randint(0, 8))] for _ in range(200)
    ]
    flat = T.Flat.of(pa.array(rows, pa.list_(pa.string())))
    dups, chars = T.duplicates(flat)
    expected = [_find_duplicates(r) for r in rows]
    assert dups.tolist() == [e[0] for e in expected]
    assert chars.tolist() == [e[1] for e in expected]


def _top(words, n):
    grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0
    gram, count = Counter(grams).most_common(1)[0]
    return len(gram) * count


def _all_duplicate(words, n):
    unique, repeated, idx = set(), 0, 0
    while idx < len(words) - n + 1:
        gram = tuple(words[idx : idx + n])
        if gram in unique:
            repeated += sum(len(w) for w in gram)
            idx += n
        else:
            unique.add(gram)
            idx += 1
    return repeated


def test_ngrams_match_datatrove_reference_scans():
    rng = random.Random(2)
    vocab = ["a", "b", "cc", "ddd", "e", "ffff"]
    rows = []
    for _ in range(300):
        length = rng.randint(0, 40)
        row = [rng.choice(vocab[: rng.randint(1, 6)]) for _ in range(length)]
        if row and rng.random() < 0.3:
            row = row[: len(row) // 3] * 3  # heavy repetition
        rows.append(row)
    flat = T.Flat.of(pa.array(rows, pa.list_(pa.string())))
    grams = NGrams(flat, T.element_ids(flat))
    for n in range(2, 11):
        grams.grow()
        assert grams.top().tolist() == [_top(r, n) for r in rows], n
        assert grams.duplicated_chars().tolist() == [_all_duplicate(r, n) for r in rows], n


def test_ratio_and_float_column_mark_undefined_as_null():
    values = T.ratio(np.array([1, 0, 3]), np.array([2, 0, 0]))
    assert T.float_column(values).to_pylist() == [0.5, None, float("inf")]
