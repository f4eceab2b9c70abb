"""Corpus: a finished corpus opens (manifest, its hash, sorted shards); anything else is refused."""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.core.errors import InputError
from tests.training.conftest import sample_docs, write_corpus
from training.corpus import Corpus


def test_open_reads_manifest_hash_and_sorted_shards(corpus_dir):
    corpus = Corpus.open(corpus_dir)
    raw = (corpus_dir / "_manifest.json").read_bytes()
    assert corpus.manifest == json.loads(raw)
    assert corpus.manifest_sha256 == hashlib.sha256(raw).hexdigest()
    assert corpus.data_files == sorted((corpus_dir / "data").glob("*.parquet"))
    assert len(corpus.data_files) == 3


def test_iter_texts_yields_every_document_in_order_in_bounded_batches(corpus_dir):
    batches = list(Corpus.open(corpus_dir).iter_texts(batch_rows=50))
    assert all(len(ids) == len(texts) <= 50 for ids, texts in batches)
    got = [(i, t) for ids, texts in batches for i, t in zip(ids, texts)]
    assert got == sample_docs()


def test_iter_texts_skips_null_texts(tmp_path):
    root = write_corpus(tmp_path, [("a", "kept text")], parts=1)
    part = root / "data" / "part-000000000000-000000000.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["kept text", None]}), part)
    (root / "_manifest.json").write_text(json.dumps({"files": []}))
    assert list(Corpus.open(root).iter_texts()) == [(["a"], ["kept text"])]


def test_refuses_a_directory_without_manifest(tmp_path):
    root = write_corpus(tmp_path, sample_docs()[:5], parts=1, manifest=False)
    with pytest.raises(InputError, match="not a finished corpus: _manifest.json is missing"):
        Corpus.open(root)


def test_refuses_data_that_does_not_match_the_manifest(tmp_path):
    root = write_corpus(tmp_path, sample_docs()[:10], parts=2)
    next((root / "data").glob("*.parquet")).unlink()
    with pytest.raises(InputError, match="data/ does not match _manifest.json"):
        Corpus.open(root)


def test_refuses_a_truncated_shard_or_a_damaged_manifest(tmp_path):
    root = write_corpus(tmp_path, sample_docs()[:10], parts=2)
    shard = next((root / "data").glob("*.parquet"))
    shard.write_bytes(shard.read_bytes()[:-100])
    with pytest.raises(InputError, match=f"{shard.name} is damaged"):
        Corpus.open(root)
    (root / "_manifest.json").write_text('{"files": [')
    with pytest.raises(InputError, match="_manifest.json is damaged"):
        Corpus.open(root)


def test_missing_data_directory_is_named(tmp_path):
    with pytest.raises(InputError, match=r"/nope does not exist: --data takes a directory"):
        Corpus.open(tmp_path / "nope")
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match=r"is a file: --data takes a directory"):
        Corpus.open(tmp_path / "file")


def test_pretrain_and_tokenizer_refuse_a_directory_in_use(corpus_dir, tmp_path, capsys):
    from cluster.cli import main
    from pipelines.output.lock import output_lock

    with output_lock(tmp_path / "run", "pretrain"):
        code = main(["pretrain", "--data", str(corpus_dir), "--output", str(tmp_path / "run")])
        assert code == 2
        assert "is in use by forage pretrain (pid " in capsys.readouterr().err
    with output_lock(tmp_path / "tok", "tokenizer train"):
        args = ["tokenizer", "train", "--data", str(corpus_dir), "--vocab-size", "300"]
        assert main([*args, "--output", str(tmp_path / "tok")]) == 2
        assert "is in use by forage tokenizer train (pid " in capsys.readouterr().err
    assert not (tmp_path / "run" / "tokenizer").exists()
