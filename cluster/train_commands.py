"""``forage tokenizer train`` and ``forage pretrain``: the training half of the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cluster.options import add_recipe_options


def add_parsers(sub: argparse._SubParsersAction) -> None:
    tokenizer = sub.add_parser("tokenizer", help="train a byte-level BPE tokenizer on a corpus")
    actions = tokenizer.add_subparsers(dest="action", required=True, metavar="ACTION")
    train = actions.add_parser("train", help="train on CORPUS, save a PreTrainedTokenizerFast")
    train.add_argument("--data", required=True, metavar="CORPUS", help="a curated corpus")
    train.add_argument("--vocab-size", type=int, required=True, metavar="N")
    train.add_argument("--output", required=True, metavar="DIR")
    train.add_argument("--max-docs", type=int, default=None, metavar="N")
    train.set_defaults(run=_run_tokenizer)

    pretrain = sub.add_parser(
        "pretrain", help="pretrain a causal or masked LM on a corpus with Ray Train"
    )
    pretrain.add_argument("--data", required=True, metavar="CORPUS", help="a curated corpus")
    pretrain.add_argument(
        "--recipe", default="smoke", metavar="NAME|FILE", help="smoke, mini, gpt2-124m, bert-base"
    )
    pretrain.add_argument("--output", required=True, metavar="RUN", help="the run directory")
    pretrain.add_argument(
        "--tokenizer", default=None, metavar="DIR", help="default: RUN/tokenizer, trained if absent"
    )
    pretrain.add_argument(
        "--vocab-size", type=int, default=None, metavar="N", help="for a tokenizer trained here"
    )
    add_recipe_options(
        pretrain, "override the recipe: objective=mlm, max_steps=400, num_workers=2, use_gpu=true"
    )
    pretrain.set_defaults(run=_run_pretrain)


def default_vocab(d_model: int) -> int:
    """A vocabulary that suits the model's width when the recipe does not fix one: on a CPU
    the embedding and output projection dominate small models (training-anchors §4a)."""
    if d_model <= 64:
        return 2048
    if d_model <= 256:
        return 4096
    return 32768


def _run_tokenizer(args: argparse.Namespace) -> int:
    from training.tokenizer import train_tokenizer

    path = train_tokenizer(args.data, args.vocab_size, args.output, max_docs=args.max_docs)
    print(f"tokenizer: {path}")
    return 0


def _run_pretrain(args: argparse.Namespace) -> int:
    from pipelines.output.lock import output_lock
    from training.config import load_recipe
    from training.corpus import Corpus

    recipe = load_recipe(args.recipe, args.overrides)
    Corpus.open(args.data)  # a wrong --data fails here, before anything is written
    with output_lock(args.output, "pretrain") as run:  # one writer per run directory
        return _pretrain_locked(args, recipe, run)


def _pretrain_locked(args: argparse.Namespace, recipe: Any, run: Path) -> int:
    from training.packing import prepare_data
    from training.tokenizer import train_tokenizer
    from training.train import pretrain

    tokenizer = Path(args.tokenizer) if args.tokenizer else run / "tokenizer"
    if args.tokenizer is None and not (tokenizer / "tokenizer.json").exists():
        vocab = args.vocab_size or recipe.model.vocab_size or default_vocab(recipe.model.d_model)
        if not args.quiet:
            print(f"training a {vocab:,}-token BPE tokenizer on {args.data} → {tokenizer}")
        train_tokenizer(args.data, vocab, tokenizer)
    packed = prepare_data(
        args.data,
        run,
        tokenizer,
        seq_len=recipe.model.seq_len,
        objective=recipe.model.objective,
        quiet=args.quiet,
    )
    result = pretrain(packed, run, recipe, quiet=args.quiet)
    if not args.quiet:
        _print_result(result)
    return 0


def _print_result(r) -> None:
    print(f"\nrun: {Path(r.hf_dir).parent}")
    for name in ("steps", "first_loss", "last_loss", "val_loss", "unigram_baseline_loss"):
        value = getattr(r, name, None)
        if value is not None:
            print(
                f"  {name:<22} {value:.4f}" if isinstance(value, float) else f"  {name:<22} {value}"
            )
    print(f"  hf export              {r.hf_dir}")
