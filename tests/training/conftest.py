"""Tiny finished corpora written straight to disk (the shard + manifest contract), and a tokenizer."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cluster.demo.texts import PARAGRAPHS
from pipelines.core import schema as S

SUBJECTS = ("The miller", "A cyclist", "Our neighbour", "The baker", "A gardener", "The council")
VERBS = ("repaired", "painted", "sold", "watered", "described", "measured", "carried")
OBJECTS = ("the old bridge", "a red bicycle", "three loaves", "the tomato plants", "the chimney")
PLACES = ("before dawn", "after the rain", "near the river", "in the market", "every Sunday")
EOS_TEXT, CLS_TEXT = "<|endoftext|>", "<cls>"


def synthetic_docs(n: int, seed: int = 0) -> list[str]:
    """``n`` English documents of 3-12 sentences from a small grammar (deterministic)."""
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        sentences = [
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}."
            for _ in range(rng.randint(3, 12))
        ]
        docs.append(" ".join(sentences))
    return docs


def sample_docs() -> list[tuple[str, str]]:
    """(id, text): the multilingual demo paragraphs, 300 synthetic English documents and one
    that quotes special-token strings."""
    texts = [text for paragraphs in PARAGRAPHS.values() for _, text in paragraphs]
    texts += synthetic_docs(300)
    texts.append(f"A page that quotes {EOS_TEXT} and {CLS_TEXT} as plain text, not separators.")
    return [(f"doc-{i:05d}", text) for i, text in enumerate(texts)]


def write_corpus(
    root: Path, docs: list[tuple[str, str]], *, parts: int = 2, manifest: bool = True
) -> Path:
    """A finished corpus: ``parts`` data shards with id/text(/url) and a manifest listing them."""
    files = []
    per_part = -(-len(docs) // parts)
    for i in range(parts):
        chunk = docs[i * per_part : (i + 1) * per_part]
        table = pa.table(
            {
                S.ID: [d[0] for d in chunk],
                S.TEXT: [d[1] for d in chunk],
                S.URL: [f"https://example.org/{d[0]}" for d in chunk],
            }
        )
        path = root / "data" / f"part-{i:012x}-000000000.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        files.append(
            {
                "path": f"data/{path.name}",
                "kind": "data",
                "rows": len(chunk),
                "bytes": path.stat().st_size,
                "sha256": digest,
            }
        )
    if manifest:
        content = {
            "schema_version": S.SCHEMA_VERSION,
            "counts": {"kept": len(docs)},
            "files": files,
        }
        (root / "_manifest.json").write_text(json.dumps(content, indent=2))
    return root


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"), sample_docs(), parts=3)


@pytest.fixture(scope="session")
def tokenizer_dir(corpus_dir, tmp_path_factory) -> Path:
    from training.tokenizer import train_tokenizer

    return train_tokenizer(corpus_dir, 512, tmp_path_factory.mktemp("tokenizer"))


@pytest.fixture(scope="session")
def base_model(tokenizer_dir, tmp_path_factory) -> Path:
    """``RUN/hf`` as `forage pretrain` exports it, at a size that trains in seconds."""
    from training.config import ModelConfig
    from training.export import save_initialised
    from training.tokenizer import load_tokenizer

    run = tmp_path_factory.mktemp("pretrain-run")
    cfg = ModelConfig(objective="mlm", n_layer=1, n_head=2, d_model=32, d_ff=64, seq_len=48)
    save_initialised(cfg, load_tokenizer(tokenizer_dir), run / "hf")
    (run / "run.json").write_text(json.dumps({"manifest_sha256": "ab" * 32, "data_dir": "/corpus"}))
    return run / "hf"
