"""Packing: fixed-length blocks in corpus order, split by document id, reproducible and reused."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pipelines.core.errors import ConfigError, InputError
from pipelines.output.shards import LOGS
from tests.training.conftest import CLS_TEXT, EOS_TEXT, sample_docs, write_corpus
from training import packing
from training.packing import BlockWriter, Tokenize, pack_blocks, prepare_data
from training.tokenizer import load_backend

SEQ_LEN = 32
VAL_FRACTION = 0.1


@pytest.fixture(scope="module")
def clm(ray_local, corpus_dir, tokenizer_dir, tmp_path_factory):
    run = tmp_path_factory.mktemp("clm")
    return prepare_data(
        corpus_dir, run, tokenizer_dir, seq_len=SEQ_LEN, objective="clm", val_fraction=VAL_FRACTION
    )


@pytest.fixture(scope="module")
def mlm(ray_local, corpus_dir, tokenizer_dir, tmp_path_factory):
    run = tmp_path_factory.mktemp("mlm")
    return prepare_data(
        corpus_dir, run, tokenizer_dir, seq_len=SEQ_LEN, objective="mlm", val_fraction=VAL_FRACTION
    )


def in_val(doc_id: str) -> bool:
    """The contract's rule, spelled out independently of training.packing."""
    return int(hashlib.sha1(doc_id.encode()).hexdigest()[:8], 16) / 2**32 < VAL_FRACTION


def read_tokens(files) -> np.ndarray:
    return np.concatenate(
        [pq.read_table(f)["tokens"].combine_chunks().flatten().to_numpy() for f in files]
    )


def test_every_block_is_seq_len_int32_tokens_in_1024_row_groups(clm, mlm):
    block_type = pa.list_(pa.int32(), SEQ_LEN)
    for packed in (clm, mlm):
        for split, files, blocks in (
            ("train", packed.train_files, packed.train_blocks),
            ("val", packed.val_files, packed.val_blocks),
        ):
            assert [f.name for f in files] == [f"part-{i:05d}.parquet" for i in range(len(files))]
            assert all(f.parent == packed.run_dir / "data" / split for f in files)
            metas = [pq.ParquetFile(f).metadata for f in files]
            assert all(pq.read_schema(f).types == [block_type] for f in files)
            assert sum(m.num_rows for m in metas) == blocks > 0
            assert all(
                m.row_group(i).num_rows <= 1024 for m in metas for i in range(m.num_row_groups)
            )
        assert packed.info["train_tokens"] == packed.train_blocks * SEQ_LEN


@pytest.mark.parametrize("objective", ["clm", "mlm"])
def test_blocks_are_the_split_documents_in_corpus_order(objective, clm, mlm, tokenizer_dir):
    packed = clm if objective == "clm" else mlm
    backend = load_backend(tokenizer_dir)
    backend.encode_special_tokens = True
    before, after = ("", "<|endoftext|>") if objective == "clm" else ("<cls>", "<sep>")
    docs = sample_docs()
    for split, files in (("train", packed.train_files), ("val", packed.val_files)):
        texts = [text for doc_id, text in docs if in_val(doc_id) == (split == "val")]
        stream = read_tokens(files).tolist()
        expected = "".join(before + t + after for t in texts)
        decoded = backend.decode(stream, skip_special_tokens=False)
        # The dropped tail (< one block) may end inside a multi-byte character.
        assert expected.startswith(decoded.rstrip("\ufffd"))
        separators = 1 if objective == "clm" else 2
        total = sum(len(e.ids) + separators for e in backend.encode_batch(texts))
        assert len(stream) == total // SEQ_LEN * SEQ_LEN  # only the last partial block dropped
    assert packed.info["val_documents"] == sum(in_val(doc_id) for doc_id, _ in docs)
    assert packed.info["val_fallback"] is None


def test_tokenize_wraps_documents_and_keeps_special_strings_as_text(tokenizer_dir):
    ids = [f"doc-{i}" for i in range(40)]
    batch = pa.table(
        {"id": ids, "text": [f"quote {EOS_TEXT} and {CLS_TEXT} {i}" for i in range(40)]}
    )
    batch = pa.concat_tables([batch, pa.table({"id": ["null"], "text": pa.nulls(1, pa.string())})])
    clm = Tokenize(str(tokenizer_dir), "clm", VAL_FRACTION)(batch)
    mlm = Tokenize(str(tokenizer_dir), "mlm", VAL_FRACTION)(batch)
    assert clm.num_rows == mlm.num_rows == 40  # the null text is skipped
    assert clm["val"].to_pylist() == [in_val(i) for i in ids]
    eos, cls, sep = 0, 4, 5
    for doc_clm, doc_mlm in zip(clm["tokens"].to_pylist(), mlm["tokens"].to_pylist()):
        assert doc_clm[-1] == eos and doc_clm.count(eos) == 1 and cls not in doc_clm
        assert doc_mlm == [cls, *doc_clm[:-1], sep]


def test_unigram_baseline_is_a_train_unigram_model_scored_on_val(clm):
    counts = np.load(clm.run_dir / "data" / clm.info["unigram_counts_file"])
    assert counts.dtype == np.int64 and len(counts) == clm.vocab_size
    assert np.array_equal(counts, np.bincount(read_tokens(clm.val_files), minlength=len(counts)))
    train = np.bincount(read_tokens(clm.train_files), minlength=len(counts))
    q = (train + 1) / (train.sum() + len(train))
    expected = -(counts * np.log(q)).sum() / counts.sum()
    assert clm.unigram_baseline_loss == pytest.approx(expected)
    p = counts[counts > 0] / counts.sum()
    assert clm.unigram_baseline_loss >= -(p * np.log(p)).sum()  # never below val's own entropy


def test_packed_json_is_the_contract(clm, tokenizer_dir):
    info = json.loads((clm.run_dir / "data" / "packed.json").read_text())
    assert info == clm.info
    assert info["seq_len"] == SEQ_LEN and info["objective"] == "clm" and info["seed"] == 0
    assert info["vocab_size"] == clm.vocab_size == 512
    assert [clm.run_dir / "data" / f for f in info["files"]["train"]] == clm.train_files
    assert info["val_tokens"] == clm.val_blocks * SEQ_LEN


def _packed(path: Path) -> bool:
    return path.is_file() and path.parent.name != LOGS  # Ray's log differs run to run


def test_same_inputs_give_identical_files_and_unchanged_inputs_reuse(
    clm, corpus_dir, tokenizer_dir, tmp_path, caplog
):
    run = tmp_path / "again"
    again = prepare_data(
        corpus_dir, run, tokenizer_dir, seq_len=SEQ_LEN, objective="clm", val_fraction=VAL_FRACTION
    )
    ours = sorted(p.relative_to(clm.run_dir) for p in clm.run_dir.rglob("*") if _packed(p))
    theirs = sorted(p.relative_to(run) for p in run.rglob("*") if _packed(p))
    assert ours == theirs
    assert all((clm.run_dir / p).read_bytes() == (run / p).read_bytes() for p in ours)

    stamps = {p: p.stat().st_mtime_ns for p in run.rglob("*")}
    with caplog.at_level(logging.INFO, logger="training.packing"):
        reused = prepare_data(
            corpus_dir,
            run,
            tokenizer_dir,
            seq_len=SEQ_LEN,
            objective="clm",
            val_fraction=VAL_FRACTION,
        )
    assert "reusing packed data" in caplog.text
    assert reused == again and {p: p.stat().st_mtime_ns for p in run.rglob("*")} == stamps

    rebuilt = prepare_data(
        corpus_dir, run, tokenizer_dir, seq_len=16, objective="clm", val_fraction=VAL_FRACTION
    )
    assert rebuilt.info["seq_len"] == 16 and rebuilt.train_blocks >= 2 * again.train_blocks
    assert all(pq.read_schema(f).types == [pa.list_(pa.int32(), 16)] for f in rebuilt.train_files)
    assert sorted(run.rglob("*.parquet")) == sorted(rebuilt.train_files + rebuilt.val_files)


def test_empty_val_split_falls_back_to_the_last_train_block(tokenizer_dir, tmp_path):
    docs = sample_docs()[:60]
    tokenize = Tokenize(str(tokenizer_dir), "clm", 1e-9)  # no id hashes below 1e-9
    batches = [tokenize(pa.table({"id": [d[0] for d in docs], "text": [d[1] for d in docs]}))]
    stats = pack_blocks(batches, tmp_path, seq_len=SEQ_LEN, vocab_size=512)
    assert stats["val_fallback"] == "last_train_block" and stats["val_documents"] == 0
    assert stats["val_blocks"] == 1 and stats["train_blocks"] >= 1
    train = read_tokens([tmp_path / f for f in stats["files"]["train"]])
    val = read_tokens([tmp_path / f for f in stats["files"]["val"]])
    stream = pc.list_flatten(batches[0]["tokens"]).to_numpy()
    assert np.array_equal(np.concatenate([train, val]), stream[: len(train) + len(val)])


def test_too_little_text_for_two_blocks_is_refused(tokenizer_dir, tmp_path):
    tokenize = Tokenize(str(tokenizer_dir), "clm", VAL_FRACTION)
    batches = [tokenize(pa.table({"id": ["a"], "text": ["far too short"]}))]
    with pytest.raises(InputError, match="makes 0 block"):
        pack_blocks(batches, tmp_path, seq_len=SEQ_LEN, vocab_size=512)


def test_refusals_name_the_fix(tmp_path, tokenizer_dir):
    unfinished = write_corpus(tmp_path / "c", sample_docs()[:5], parts=1, manifest=False)
    with pytest.raises(InputError, match="not a finished corpus"):
        prepare_data(unfinished, tmp_path / "r", tokenizer_dir, seq_len=8, objective="clm")
    with pytest.raises(ConfigError, match="Unknown objective 'gpt'. Available: clm, mlm"):
        prepare_data(unfinished, tmp_path / "r", tokenizer_dir, seq_len=8, objective="gpt")
    with pytest.raises(ConfigError, match=r"val_fraction=0 must be in \(0, 1\)"):
        prepare_data(
            unfinished, tmp_path / "r", tokenizer_dir, seq_len=8, objective="clm", val_fraction=0
        )


def test_block_writer_rolls_files_drops_the_tail_and_keeps_one_block_back(tmp_path, monkeypatch):
    monkeypatch.setattr(packing, "FILE_ROWS", 3)
    writer = BlockWriter(tmp_path, seq_len=4, vocab_size=30)
    for chunk in np.array_split(np.arange(30), 7):  # 7 blocks of 4 and a tail of 2
        writer.add(chunk)
    assert writer.blocks == 7 and len(writer.files) == 2  # 6 written, 1 held back
    assert writer.pop_last().tolist() == [[24, 25, 26, 27]]
    files = writer.close()
    assert [f.name for f in files] == ["part-00000.parquet", "part-00001.parquet"]
    assert read_tokens(files).tolist() == list(range(24))
    assert writer.counts.tolist() == [1] * 24 + [0] * 6  # what was written, counted once
