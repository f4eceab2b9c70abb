"""Model-based quality (GPT-3 / DCLM style): a fastText classifier of reference text vs web text.

``train_quality_model`` learns ``__label__hq`` (e.g. Wikipedia) against ``__label__lq`` (e.g. raw
crawl) from two corpora; the ``quality_classifier`` stage scores documents with it. Both sides see
text through the one ``normalize_text`` below, so training and prediction cannot drift apart.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.core import schema as S
from pipelines.core.errors import ConfigError, InputError
from pipelines.inputs import SUFFIXES, InputSpec, ReadConfig, get_reader
from pipelines.stages import fasttext as ft

log = logging.getLogger("forage.quality")

HQ, LQ = "hq", "lq"
# fastText splits words on ASCII whitespace and stops at a newline; RE2's \s is ASCII only, so
# vertical tab, NEL and the Unicode separators (\p{Z}: NBSP, U+2028, ...) are listed too.
_SPACES = r"[\s\v\x85\p{Z}]+"
_BATCH_ROWS = 8192
# Below this many training documents per class, 5 epochs at lr 0.1 barely move a fastText model
# (long documents average to near-zero hidden vectors, so the first updates are tiny).
_FEW_DOCS = 1000
_FEW_DOCS_EPOCH, _FEW_DOCS_LR = 25, 0.5  # what the small-data warning suggests


def normalize_text(texts: pa.Array | pa.ChunkedArray) -> list[str]:
    """What the classifier sees: lowercase, one line, single spaces, no ``__label__``; null → ``""``."""
    flat = pc.utf8_lower(pc.fill_null(texts, ""))
    flat = pc.replace_substring(flat, ft.LABEL_PREFIX, " ")  # a label inside a text would be one
    flat = pc.replace_substring_regex(flat, _SPACES, " ")
    return pc.utf8_trim(flat, " ").to_pylist()


@dataclass(frozen=True, kw_only=True)
class QualityTrainConfig:
    max_docs: int = 100_000  # per class, sampled uniformly; both classes get min(pos, neg, this)
    valid_fraction: float = 0.1  # held out per class for the reported precision/recall
    epoch: int = 5
    lr: float = 0.1
    dim: int = 64
    word_ngrams: int = 2  # bigrams, as the GPT-3 and DCLM classifiers
    # Hashed n-gram rows (fastText's default is 2M). The model file is ~ bucket * dim * 4 bytes
    # (256 MB here) and every worker process holds one copy; quantize for a few MB.
    bucket: int = 1_000_000
    threads: int = 0  # 0 = every CPU
    quantize: bool = False  # product-quantize (write a .ftz): ~100x smaller, slightly less accurate
    seed: int = 0

    def __post_init__(self) -> None:
        if self.max_docs < 10:
            raise ConfigError(f"max_docs={self.max_docs} must be at least 10")
        if not 0.0 < self.valid_fraction < 0.5:
            raise ConfigError(f"valid_fraction={self.valid_fraction} must be in (0, 0.5)")
        if not self.lr > 0:
            raise ConfigError(f"lr={self.lr} must be positive")
        for name in ("epoch", "dim", "word_ngrams", "bucket"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be at least 1")


@dataclass(frozen=True, kw_only=True)
class QualityReport:
    """Held-out metrics of the ``hq`` class (predicted hq when P(hq) >= 0.5)."""

    model_path: str
    train_docs: int  # per class
    valid_docs: int  # per class
    precision: float
    recall: float
    accuracy: float


def train_quality_model(
    positive: str, negative: str, output: str, config: QualityTrainConfig | None = None
) -> QualityReport:
    """Train hq (``positive``) vs lq (``negative``), save the model to ``output``, report metrics.

    Each input is a Forage corpus directory (its ``data/`` shards), a directory of ``*.parquet``
    / ``*.jsonl`` files, or one such file; the ``text`` column/field is used.
    """
    config = config or QualityTrainConfig()
    pos = sample_texts(positive, config.max_docs, config.seed)
    neg = sample_texts(negative, config.max_docs, config.seed + 1)
    n = min(len(pos), len(neg))
    n_valid = max(1, round(n * config.valid_fraction))
    if n - n_valid < 1:
        raise InputError(f"too few documents to train on: {len(pos)} positive, {len(neg)} negative")
    if n - n_valid < _FEW_DOCS:
        log.warning(few_docs_advice(n - n_valid, config))
    pos, neg = pos[:n], neg[:n]  # sampled in random order: a prefix is a uniform sample
    train = [(HQ, t) for t in pos[n_valid:]] + [(LQ, t) for t in neg[n_valid:]]
    np.random.default_rng(config.seed).shuffle(train)
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="forage-quality-") as tmp:
        train_file = os.path.join(tmp, "train.txt")
        with open(train_file, "w", encoding="utf-8") as f:
            f.writelines(f"{ft.LABEL_PREFIX}{label} {text}\n" for label, text in train)
        model = _fit(train_file, config)
        model.save_model(output)
    precision, recall, accuracy = evaluate(model, pos[:n_valid], neg[:n_valid])
    return QualityReport(
        model_path=output,
        train_docs=n - n_valid,
        valid_docs=n_valid,
        precision=precision,
        recall=recall,
        accuracy=accuracy,
    )


def few_docs_advice(docs: int, config: QualityTrainConfig) -> str:
    """The small-data warning, suggesting only the options still below what small data needs."""
    hints = []
    if config.epoch < _FEW_DOCS_EPOCH:
        hints.append(f"raise --epoch (now {config.epoch}; e.g. {_FEW_DOCS_EPOCH})")
    if config.lr < _FEW_DOCS_LR:
        hints.append(f"raise --lr (now {config.lr:g}; e.g. {_FEW_DOCS_LR:g})")
    hints.append("add documents")
    return (
        f"only {docs} documents per class to train on (epoch {config.epoch}, lr {config.lr:g}); "
        f"fastText's defaults assume many more: {', or '.join(hints)}"
    )


def _fit(train_file: str, config: QualityTrainConfig):
    import fasttext

    model = fasttext.train_supervised(
        input=train_file,
        epoch=config.epoch,
        lr=config.lr,
        dim=config.dim,
        wordNgrams=config.word_ngrams,
        bucket=config.bucket,
        minCount=1,
        thread=config.threads or os.cpu_count() or 1,
        seed=config.seed,
        verbose=0,
    )
    if config.quantize:
        # Keep the 100k most useful n-gram rows and retrain the output layer around them.
        model.quantize(input=train_file, cutoff=100_000, retrain=True, qnorm=True, verbose=0)
    return model


def hq_scores(model, texts: list[str], label: str = HQ) -> np.ndarray:
    """P(``label``) per normalized text; 0 for empty texts (no words, no evidence of quality)."""
    k = len(model.f.getLabels("replace")[0])
    scores = np.zeros(len(texts), dtype=np.float32)
    for i, pairs in enumerate(ft.predict(model, texts, k=k)):
        probs = dict(pairs)
        if label in probs:
            scores[i] = probs[label]
        elif probs:  # a binary model that returned only the other label
            scores[i] = max(0.0, 1.0 - sum(probs.values()))
    return scores


def evaluate(model, positive: list[str], negative: list[str]) -> tuple[float, float, float]:
    """Precision, recall (of hq) and accuracy on held-out normalized texts."""
    predicted_hq = hq_scores(model, positive + negative) >= 0.5
    truth = np.arange(len(predicted_hq)) < len(positive)
    tp = int((predicted_hq & truth).sum())
    precision = tp / max(1, int(predicted_hq.sum()))
    recall = tp / max(1, len(positive))
    accuracy = float((predicted_hq == truth).mean())
    return precision, recall, accuracy


def sample_texts(path: str, max_docs: int, seed: int) -> list[str]:
    """Up to ``max_docs`` non-empty normalized texts of a corpus: a uniform sample, in random order.

    Bottom-k sampling: every row draws a random key and the ``max_docs`` smallest keys win, so
    memory holds at most ~2 * ``max_docs`` texts however large the corpus; once the sample is
    full, rows whose key cannot win are dropped before they are copied.
    """
    rng = np.random.default_rng(seed)
    chunks: list[pa.Array] = []
    keys, threshold = np.empty(0), np.inf
    for texts in _text_batches(corpus_files(path)):
        texts = texts.filter(pc.match_substring_regex(texts, r"\S"))
        draw = rng.random(len(texts))
        admit = draw < threshold
        chunks.append(texts.filter(admit).cast(pa.large_string()))
        keys = np.concatenate([keys, draw[admit]])
        if len(keys) >= 2 * max_docs:
            best = np.argpartition(keys, max_docs)[:max_docs]
            chunks, keys = [pa.chunked_array(chunks).take(best).combine_chunks()], keys[best]
            threshold = keys.max()
    order = np.argsort(keys)[:max_docs]
    sample = pa.chunked_array(chunks, pa.large_string()).take(order)
    out = [t for t in normalize_text(sample) if t]
    if not out:
        raise InputError(f"{path}: no documents with a non-empty text")
    return out


def corpus_files(path: str) -> list[str]:
    """The Parquet/JSONL files of ``path``: a Forage corpus, a directory of files, or one file."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path} does not exist")
    if p.is_dir() and (p / "data").is_dir():
        if not (p / "_manifest.json").is_file():
            raise InputError(
                f"{path} has data/ but no _manifest.json: its `forage curate` run did not "
                "finish; rerun it to complete the corpus"
            )
        p = p / "data"
    files = sorted(f for f in p.iterdir() if f.is_file()) if p.is_dir() else [p]
    usable = [str(f) for f in files if _format(str(f))]
    if not usable:
        raise InputError(f"{path}: no .parquet or .jsonl files (Forage corpus: pass its directory)")
    return usable


def _format(path: str) -> str | None:
    name = path.lower()
    for fmt in ("parquet", "jsonl"):
        if name.endswith(SUFFIXES[fmt]):
            return fmt
    return None


def _text_batches(files: list[str]) -> Iterator[pa.Array]:
    """Non-null ``text`` values of each file, in batches."""
    for path in files:
        if _format(path) == "parquet":
            try:
                pf = pq.ParquetFile(path)
            except (OSError, pa.ArrowException) as exc:
                raise InputError(f"{path}: not a readable Parquet file: {exc}") from None
            if S.TEXT not in pf.schema_arrow.names:
                raise InputError(f"{path}: no {S.TEXT!r} column (columns: {pf.schema_arrow.names})")
            for batch in pf.iter_batches(batch_size=_BATCH_ROWS, columns=[S.TEXT]):
                yield pc.drop_null(batch.column(0).cast(pa.string()))
            continue
        errors = 0
        for block in get_reader("jsonl")(InputSpec(path, "jsonl"), ReadConfig()):
            errors += pc.sum(pc.equal(block[S.DROP_REASON], S.READ_ERROR)).as_py() or 0
            live = pc.is_null(block[S.DROP_REASON])
            yield pc.drop_null(block[S.TEXT].filter(live)).combine_chunks()
        if errors:
            log.warning("%s: %d unreadable lines skipped", path, errors)
