"""A small synthetic packed dataset in the packed-data contract (tokenizer, Parquet blocks,
packed.json) for tests, benchmarks and smoke runs that have no curated corpus at hand.

The text is a sparse word-level Markov chain, so a model can learn it quickly: the loss falls well
below the unigram baseline within a few dozen steps.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from training.packing import unigram_loss
from training.tokenizer import tokenizer_sha256, train_bpe

SYLLABLES = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "dz", "an", "or"]


def markov_texts(n_docs: int, *, seed: int = 0, n_words: int = 120) -> list[str]:
    """``n_docs`` documents from a fixed random chain: every word has three likely successors."""
    rng = np.random.default_rng(seed)
    words = sorted({"".join(rng.choice(SYLLABLES, size=rng.integers(1, 4))) for _ in range(400)})
    words = words[:n_words]
    successors = rng.integers(0, len(words), size=(len(words), 3))
    docs = []
    for _ in range(n_docs):
        w = int(rng.integers(len(words)))
        out = []
        for _ in range(int(rng.integers(20, 120))):
            out.append(words[w])
            w = int(successors[w, rng.choice(3, p=[0.6, 0.3, 0.1])])
        docs.append(" ".join(out).capitalize() + ".")
    return docs


def write_packed(
    run_dir: str | Path,
    *,
    seq_len: int,
    objective: str = "clm",
    vocab_size: int = 320,
    train_blocks: int = 512,
    val_blocks: int = 64,
    rows_per_group: int = 1024,
    seed: int = 0,
) -> Path:
    """Write ``RUN/tokenizer`` and ``RUN/data`` (two train files, one val file); returns RUN/data."""
    run = Path(run_dir)
    texts = markov_texts(400, seed=seed)
    tokenizer = train_bpe(texts, vocab_size, min_frequency=0)
    tokenizer.save_pretrained(run / "tokenizer")

    need = (train_blocks + val_blocks) * seq_len
    stream: list[int] = []
    doc_seed = seed
    while len(stream) < need:
        for ids in tokenizer(markov_texts(200, seed=doc_seed))["input_ids"]:
            stream += ids + [tokenizer.eos_token_id]
        doc_seed += 1
    blocks = np.array(stream[:need], dtype=np.int32).reshape(-1, seq_len)
    train, val = blocks[:train_blocks], blocks[train_blocks:]
    data = run / "data"
    half = train_blocks // 2
    splits = {"train": [train[:half], train[half:]], "val": [val]}
    files: dict[str, list[str]] = {}
    for split, parts in splits.items():
        (data / split).mkdir(parents=True, exist_ok=True)
        files[split] = []
        for i, part in enumerate(parts):
            name = f"{split}/part-{i:05d}.parquet"
            column = pa.FixedSizeListArray.from_arrays(pa.array(part.reshape(-1)), seq_len)
            pq.write_table(pa.table({"tokens": column}), data / name, row_group_size=rows_per_group)
            files[split].append(name)
    info = {
        "manifest_sha256": hashlib.sha256(f"synthetic-{seed}".encode()).hexdigest(),
        "tokenizer_sha256": tokenizer_sha256(run / "tokenizer"),
        "seq_len": seq_len,
        "objective": objective,
        "vocab_size": len(tokenizer),
        "train_blocks": len(train),
        "val_blocks": len(val),
        "train_tokens": int(train.size),
        "val_tokens": int(val.size),
        "unigram_baseline_loss": unigram_loss(
            np.bincount(val.reshape(-1), minlength=len(tokenizer)),
            np.bincount(train.reshape(-1), minlength=len(tokenizer)),
        ),
        "files": files,
    }
    (data / "packed.json").write_text(json.dumps(info, indent=2) + "\n")
    return data
