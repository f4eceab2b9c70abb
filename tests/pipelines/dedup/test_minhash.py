"""Batch MinHash signatures are bit-identical to datasketch's MinHash with our shingle hash."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest
from datasketch import MinHash, MinHashLSH

from pipelines.dedup import minhash as M

TEXTS = [
    "The Quick brown fox, jumps over the lazy dog in 1999 and again in 2004!",
    "Café naïve résumé — déjà vu",
    "",
    " ... !!! ",
    "one",
    "a b c d e",
    "Ünïcödé wörds: 東京 は 大きい 都市 です と 言われて います",
]


def _random_texts(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    vocab = ["alpha", "beta", "Gamma", "delta,", "epsilon.", "zeta", "éta", "theta", "42", "iota"]
    return [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 60))) for _ in range(n)]


@pytest.mark.parametrize("num_perm,seed,ngram", [(128, 1, 5), (64, 7, 3), (256, 42, 1)])
def test_signatures_equal_datasketch(num_perm, seed, ngram):
    texts = TEXTS + _random_texts(60, seed)
    hashes, offsets = M.shingle_hashes(pa.array(texts), ngram)
    sigs = M.signatures(hashes, offsets, num_perm, seed)
    for text, row in zip(texts, sigs):
        expected = MinHash(num_perm=num_perm, seed=seed, hashfunc=M.shingle_hash)
        expected.update_batch(M.shingles(text, ngram))
        assert np.array_equal(expected.hashvalues, row), text


def test_compiled_word_hashes_match_the_python_normalization():
    texts = TEXTS + _random_texts(30) + ["ǅemal Straße İstanbul Ⅻ ²³ e\u0301 ﬁne 😀x𝔘y 한국어"]
    hashes, offsets = M.shingle_hashes(pa.array(texts), 1)  # 1-word shingles: the words
    for i, text in enumerate(texts):
        expected = [M.shingle_hash(w.encode()) for w in M.normalize_words_py(text)]
        assert hashes[offsets[i] : offsets[i + 1]].tolist() == expected, text


def test_normalization_folds_case_accents_digits_and_punctuation():
    assert M.normalize_words_py("Café, NAÏVE—déjà-vu 1999 & 2,004!") == [
        "cafe", "naive", "deja", "vu", "0", "0", "0"]  # fmt: skip


def test_signatures_load_into_datasketch_lsh():
    texts = ["the cat sat on the mat and looked out of the window all day long"] * 2 + [
        "completely different words appear in this other sentence about dogs and parks"
    ]
    hashes, offsets = M.shingle_hashes(pa.array(texts), 5)
    sigs = M.signatures(hashes, offsets, 128, 1)
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    for i, row in enumerate(sigs):
        lsh.insert(str(i), MinHash(num_perm=128, seed=1, hashvalues=row, scheme="affine32"))
    query = MinHash(num_perm=128, seed=1, hashvalues=sigs[0], scheme="affine32")
    assert sorted(lsh.query(query)) == ["0", "1"]


def test_band_hashes_are_equal_only_for_equal_bands():
    sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [1, 2, 3, 4]], dtype=np.uint32)
    keys = M.band_hashes(sigs, bands=2, rows=2)
    assert keys[0, 0] == keys[1, 0] == keys[2, 0] and keys[0, 1] == keys[2, 1] != keys[1, 1]
    assert keys[0, 0] != keys[0, 1]  # the band number is part of the key


def test_optimal_bands_follow_datasketch():
    bands, rows = M.optimal_bands(0.8, 128)
    assert bands * rows <= 128 and (bands, rows) == (9, 13)


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.8, 0.9])
@pytest.mark.parametrize("weights", [(0.5, 0.5), (0.05, 0.95)])
def test_banding_and_permutations_match_datasketch_without_scipy(threshold, weights):
    from datasketch.lsh import _optimal_param

    assert M.optimal_bands(threshold, 128, *weights) == _optimal_param(threshold, 128, *weights)
    a, b = MinHash(num_perm=128, seed=3).permutations
    ours = M.permutations(128, 3)
    assert np.array_equal(a, ours[0]) and np.array_equal(b, ours[1])
