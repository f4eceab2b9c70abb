"""``forage finetune ner|classify`` and ``forage tune ner|classify``: fine-tuning a pretrained
model on Ray Train, and searching its recipe's hyperparameters with Ray Tune."""

from __future__ import annotations

import argparse

from cluster.options import add_recipe_options

SET_HELP = "override the recipe: lr=3e-4, epochs=5, max_train_examples=2000, peft=lora, lora.r=8"


def add_parsers(sub: argparse._SubParsersAction) -> None:
    for command, helps in (
        (
            "finetune",
            "fine-tune a model (RUN/hf of pretrain, or any local HF model) with Ray Train",
        ),
        ("tune", "search a fine-tune recipe's hyperparameters with Ray Tune (ASHA + Optuna TPE)"),
    ):
        parser = sub.add_parser(command, help=helps)
        tasks = parser.add_subparsers(dest="task", required=True, metavar="TASK")
        ner = tasks.add_parser("ner", help="token classification on CoNLL files (IOB1 or IOB2)")
        ner.add_argument(
            "--tag-column", type=int, default=-1, metavar="N", help="0-based (default: last)"
        )
        classify = tasks.add_parser(
            "classify", help="sequence classification on TSV / CSV / JSONL / Parquet"
        )
        classify.add_argument("--text-column", default="sentence", metavar="NAME|N")
        classify.add_argument("--label-column", default="label", metavar="NAME|N")
        classify.add_argument("--no-header", action="store_true", help="no header line")
        for p in (ner, classify):
            _common(p, tune=command == "tune")
            p.set_defaults(run=_run_tune if command == "tune" else _run_finetune)


def _common(p: argparse.ArgumentParser, *, tune: bool) -> None:
    p.add_argument("--train", required=True, metavar="FILE")
    p.add_argument("--dev", required=True, metavar="FILE", help="scored every epoch")
    p.add_argument("--test", default=None, metavar="FILE", help="scored once, at the end")
    p.add_argument("--model", required=True, metavar="DIR", help="a local Hugging Face model dir")
    p.add_argument("--output", required=True, metavar="DIR")
    p.add_argument("--recipe", default="smoke", metavar="NAME|FILE", help="smoke, bert-base")
    if tune:
        p.add_argument("--num-samples", type=int, default=None, metavar="N", help="trials")
    add_recipe_options(p, SET_HELP)


def _files(args: argparse.Namespace):
    from training.finetune.prepare import TaskFiles

    def column(value: str) -> str | int:
        return int(value) if value.isdigit() else value

    extra = (
        {"tag_column": args.tag_column}
        if args.task == "ner"
        else {
            "text_column": column(args.text_column),
            "label_column": column(args.label_column),
            "header": not args.no_header,
        }
    )
    return TaskFiles(task=args.task, train=args.train, dev=args.dev, test=args.test, **extra)


def _run_finetune(args: argparse.Namespace) -> int:
    from training.finetune.config import load_finetune_recipe
    from training.finetune.run import finetune

    recipe = load_finetune_recipe(args.recipe, args.overrides, task=args.task)
    result = finetune(_files(args), args.model, args.output, recipe, quiet=args.quiet)
    m = result.metrics
    scores = " · ".join(f"{k} {m[k]:.4f}" for k in ("dev_f1", "test_f1") if k in m)
    print(f"{result.out}: {scores} · best epoch {m['best_epoch']} of {m['epochs']}")
    print(f"  model   {result.hf_dir}\n  report  {result.out / 'report.txt'}")
    return 0


def _run_tune(args: argparse.Namespace) -> int:
    from training.finetune.config import load_finetune_recipe
    from training.tune import tune

    recipe = load_finetune_recipe(args.recipe, args.overrides, task=args.task)
    result = tune(
        _files(args),
        args.model,
        args.output,
        recipe,
        num_samples=args.num_samples,
        quiet=args.quiet,
    )
    print(result.summary())
    return 0
