"""A byte-level BPE tokenizer trained on a corpus, saved as a transformers tokenizer directory."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipelines.core.errors import ConfigError, InputError
from pipelines.output.lock import output_lock
from training.corpus import Corpus

# One special-token set serves both objectives: <|endoftext|> is eos and bos for CLM and the
# separator between packed documents; <cls> ... <sep> wrap a document for MLM.
EOS = "<|endoftext|>"
PAD, UNK, MASK, CLS, SEP = "<pad>", "<unk>", "<mask>", "<cls>", "<sep>"
SPECIAL_TOKENS = (EOS, PAD, UNK, MASK, CLS, SEP)  # ids 0..5, in this order
TOKENIZER_FILE = "tokenizer.json"
INFO_FILE = "forage_tokenizer.json"


def train_bpe(texts: Iterable, vocab_size: int, *, min_frequency: int = 2):
    """A byte-level BPE ``PreTrainedTokenizerFast`` with the special tokens both objectives use,
    trained from an iterator of texts (or of lists of texts).

    BpeTrainer breaks ties between equally frequent pairs on the pair itself, not on hash order,
    so the merges do not depend on thread count or the process's hash seed (checked across
    processes and with TOKENIZERS_PARALLELISM=false; the tests check two runs match)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        eos_token=EOS,
        bos_token=EOS,
        pad_token=PAD,
        unk_token=UNK,
        mask_token=MASK,
        cls_token=CLS,
        sep_token=SEP,
    )


def train_tokenizer(
    corpus_path: str | Path,
    vocab_size: int,
    output_dir: str | Path,
    *,
    max_docs: int | None = None,
    min_frequency: int = 2,
) -> Path:
    """Train byte-level BPE on the corpus texts (the first ``max_docs`` if given); returns the dir.

    ``vocab_size`` is an upper bound on everything: the 6 special tokens, the 256 byte symbols
    and the merges (a small corpus may run out of pairs seen ``min_frequency`` times first;
    forage_tokenizer.json records the size reached). The same corpus gives the same
    tokenizer.json, byte for byte.
    """
    floor = len(SPECIAL_TOKENS) + 256
    if vocab_size <= floor:
        raise ConfigError(f"vocab_size={vocab_size} must be > {floor} (special tokens + 256 bytes)")
    corpus = Corpus.open(corpus_path)
    with output_lock(output_dir, "tokenizer train") as out:  # one writer per directory
        return _train(corpus, vocab_size, out, max_docs, min_frequency)


def _train(
    corpus: Corpus, vocab_size: int, out: Path, max_docs: int | None, min_frequency: int
) -> Path:
    docs = 0

    def texts() -> Iterator[list[str]]:
        nonlocal docs
        remaining = max_docs
        for _, batch in corpus.iter_texts():
            batch = batch if remaining is None else batch[:remaining]
            docs += len(batch)
            yield batch
            if remaining is not None:
                remaining -= len(batch)
                if remaining <= 0:
                    return

    tokenizer = train_bpe(texts(), vocab_size, min_frequency=min_frequency)
    if docs == 0:
        raise InputError(f"{corpus.path} has no documents to train a tokenizer on")
    tokenizer.save_pretrained(out)
    info = {
        "manifest_sha256": corpus.manifest_sha256,
        "vocab_size": len(tokenizer),
        "tokenizer_sha256": tokenizer_sha256(out),
        "documents": docs,
        "min_frequency": min_frequency,
    }
    (out / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n")
    return out


def load_tokenizer(tokenizer_dir: str | Path) -> Any:
    """The saved tokenizer as a ``transformers.PreTrainedTokenizerFast``."""
    from transformers import PreTrainedTokenizerFast

    path = Path(tokenizer_dir)
    if not (path / TOKENIZER_FILE).is_file():
        raise InputError(f"{path} has no {TOKENIZER_FILE}; train one with train_tokenizer()")
    return PreTrainedTokenizerFast.from_pretrained(os.fspath(path))


def load_backend(tokenizer_dir: str | Path) -> Any:
    """The saved tokenizer as a raw ``tokenizers.Tokenizer`` (what packing workers use)."""
    from tokenizers import Tokenizer

    path = Path(tokenizer_dir) / TOKENIZER_FILE
    if not path.is_file():
        raise InputError(f"{path.parent} has no {TOKENIZER_FILE}; train one with train_tokenizer()")
    return Tokenizer.from_file(os.fspath(path))


def tokenizer_sha256(tokenizer_dir: str | Path) -> str:
    """sha256 of tokenizer.json: identifies the vocabulary and merges (packing reuse keys on it)."""
    path = Path(tokenizer_dir) / TOKENIZER_FILE
    if not path.is_file():
        raise InputError(f"{path.parent} has no {TOKENIZER_FILE}; train one with train_tokenizer()")
    return hashlib.sha256(path.read_bytes()).hexdigest()
