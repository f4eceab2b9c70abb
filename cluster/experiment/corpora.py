"""The experiment's data: one corpus per variant curated from the same raw inputs (Ray Data jobs,
one after another: each uses the whole cluster), one shared tokenizer, and each corpus packed once
for every pretraining run on it. Finished pieces are kept: a rerun reuses them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cluster.experiment.config import ExperimentConfig, Variant
from pipelines.core.errors import InputError

CORPORA = "corpora"  # EXP/corpora/<variant>: the curated corpora
TOKENIZER = "tokenizer"  # EXP/tokenizer: trained on the tokenizer_variant corpus
MANIFEST = "_manifest.json"

log = logging.getLogger("forage.experiment")


@dataclass(frozen=True, kw_only=True)
class VariantData:
    name: str
    corpus: Path  # EXP/corpora/<name>
    packed: Path  # EXP/<name>/data (packed.json + train/val blocks)
    documents: int  # kept documents
    train_tokens: int  # tokens in the packed train split

    def as_row(self) -> dict[str, Any]:
        return {"corpus_documents": self.documents, "corpus_train_tokens": self.train_tokens}


def build_data(exp: Path, cfg: ExperimentConfig, say) -> dict[str, VariantData]:  # noqa: ANN001
    """Curate every variant, train the shared tokenizer, pack each corpus; returns them by name."""
    from training.config import load_recipe

    for variant in cfg.variants:
        curate_variant(exp, cfg, variant, say)
    recipe = load_recipe(cfg.pretrain_recipe, list(cfg.pretrain_set))
    tokenizer = shared_tokenizer(exp, cfg, recipe, say)
    return {v.name: pack_variant(exp, v, tokenizer, recipe, say) for v in cfg.variants}


def curate_variant(exp: Path, cfg: ExperimentConfig, variant: Variant, say) -> Path:  # noqa: ANN001
    from pipelines.job.curate import curate
    from pipelines.job.recipe_set import load_recipes

    out = exp / CORPORA / variant.name
    if (out / MANIFEST).is_file():
        return out
    recipes = load_recipes(variant.recipe, list(variant.set), without=list(variant.without))
    say(f"curating the {variant.name!r} corpus ({variant.recipe or 'per-source recipes'}) → {out}")
    result = curate(list(cfg.inputs), str(out), recipes, quiet=True)
    if not result.manifest["counts"]["kept"]:
        raise InputError(f"the {variant.name!r} corpus kept no document: nothing to pretrain on")
    return out


def shared_tokenizer(exp: Path, cfg: ExperimentConfig, recipe: Any, say) -> Path:  # noqa: ANN001
    """One tokenizer for every variant, so a token budget is the same text length everywhere."""
    from cluster.train_commands import default_vocab
    from training.tokenizer import train_tokenizer

    out = exp / TOKENIZER
    if not (out / "tokenizer.json").is_file():
        vocab = cfg.vocab_size or recipe.model.vocab_size or default_vocab(recipe.model.d_model)
        corpus = exp / CORPORA / cfg.tokenizer_variant
        say(
            f"training the shared {vocab:,}-token tokenizer on the {cfg.tokenizer_variant!r} corpus"
        )
        train_tokenizer(corpus, vocab, out)
    return out


def pack_variant(exp: Path, variant: Variant, tokenizer: Path, recipe: Any, say) -> VariantData:  # noqa: ANN001
    from training.corpus import Corpus
    from training.packing import prepare_data

    corpus = exp / CORPORA / variant.name
    packed = prepare_data(
        corpus,
        exp / variant.name,
        tokenizer,
        seq_len=recipe.model.seq_len,
        objective=recipe.model.objective,
        quiet=True,
    )
    info = packed.info
    say(f"  {variant.name}: {info['train_tokens']:,} train tokens packed")
    return VariantData(
        name=variant.name,
        corpus=corpus,
        packed=Path(packed.data_dir),
        documents=Corpus.open(corpus).manifest["counts"]["kept"],
        train_tokens=int(info["train_tokens"]),
    )
