"""Tokenizer: byte-level BPE with both objectives' special tokens, lossless and reproducible."""

from __future__ import annotations

import hashlib
import json

import pytest

from pipelines.core.errors import ConfigError, InputError
from tests.training.conftest import sample_docs, write_corpus
from training.corpus import Corpus
from training.tokenizer import (
    SPECIAL_TOKENS,
    load_tokenizer,
    tokenizer_sha256,
    train_tokenizer,
)


def test_special_tokens_for_clm_and_mlm(tokenizer_dir):
    tok = load_tokenizer(tokenizer_dir)
    assert len(tok) == 512
    assert tok.eos_token == tok.bos_token == "<|endoftext|>"
    named = (tok.pad_token, tok.unk_token, tok.mask_token, tok.cls_token, tok.sep_token)
    assert named == ("<pad>", "<unk>", "<mask>", "<cls>", "<sep>")
    assert tok.convert_tokens_to_ids(list(SPECIAL_TOKENS)) == [0, 1, 2, 3, 4, 5]


def test_round_trips_any_text_byte_level(tokenizer_dir):
    tok = load_tokenizer(tokenizer_dir)
    texts = [t for _, t in sample_docs()[:40]] + ["Ünïcödé 🦙 never seen: ꙮ\ttabs\n\nlines  "]
    for text in texts:
        ids = tok(text, add_special_tokens=False)["input_ids"]
        assert tok.unk_token_id not in ids
        assert tok.decode(ids) == text


def test_same_corpus_gives_the_same_tokenizer(corpus_dir, tokenizer_dir, tmp_path):
    again = train_tokenizer(corpus_dir, 512, tmp_path / "again")
    assert (again / "tokenizer.json").read_bytes() == (
        tokenizer_dir / "tokenizer.json"
    ).read_bytes()


def test_info_file_records_corpus_vocab_and_content_hash(corpus_dir, tokenizer_dir):
    info = json.loads((tokenizer_dir / "forage_tokenizer.json").read_text())
    content = (tokenizer_dir / "tokenizer.json").read_bytes()
    assert info["manifest_sha256"] == Corpus.open(corpus_dir).manifest_sha256
    assert info["tokenizer_sha256"] == hashlib.sha256(content).hexdigest()
    assert info["tokenizer_sha256"] == tokenizer_sha256(tokenizer_dir)
    assert info["vocab_size"] == 512
    assert info["documents"] == len(sample_docs())


def test_max_docs_limits_the_training_texts(corpus_dir, tmp_path):
    out = train_tokenizer(corpus_dir, 300, tmp_path / "few", max_docs=7)
    assert json.loads((out / "forage_tokenizer.json").read_text())["documents"] == 7


def test_refusals_name_the_fix(tmp_path, tokenizer_dir):
    unfinished = write_corpus(tmp_path / "c", sample_docs()[:5], parts=1, manifest=False)
    with pytest.raises(InputError, match="not a finished corpus"):
        train_tokenizer(unfinished, 512, tmp_path / "t")
    with pytest.raises(ConfigError, match="vocab_size=100 must be > 262"):
        train_tokenizer(unfinished, 100, tmp_path / "t")
    with pytest.raises(InputError, match="train one with train_tokenizer"):
        load_tokenizer(tmp_path)
