"""The ``forage`` command line: curate, filter, demo, quality train, tokenizer train, pretrain,
finetune, tune, submit, jobs, refresh, schedule, report, serve."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from cluster.experiment_commands import add_parsers as add_experiment_parsers
from cluster.finetune_commands import add_parsers as add_finetune_parsers
from cluster.ops_commands import add_parsers as add_ops_parsers
from cluster.options import add_recipe_options
from cluster.train_commands import add_parsers as add_train_parsers
from cluster.view_commands import add_parsers as add_view_parsers
from pipelines.core.errors import ForageError


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.ERROR if getattr(args, "quiet", False) else logging.WARNING,
        format=getattr(args, "log_format", "%(levelname)s %(name)s: %(message)s"),
    )
    try:
        return args.run(args)
    except ForageError as exc:
        print(f"forage: error: {exc}", file=sys.stderr)
        return 2
    finally:
        _stop_local_ray()


def _stop_local_ray() -> None:
    """Stop the Ray this command started now, not in the exit hook (which sleeps first)."""
    ray = sys.modules.get("ray")
    if ray is not None and ray.is_initialized():
        ray.shutdown()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="forage", description="Crawls and dumps → clean pretraining corpora → models, on Ray."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    curate = sub.add_parser(
        "curate", help="read inputs, run a recipe, write Parquet shards + manifest"
    )
    curate.add_argument(
        "--input",
        nargs="+",
        required=True,
        metavar="PATH",
        help="files, globs, directories, http(s):// or s3:// URLs, warc.paths.gz listings",
    )
    curate.add_argument("--output", required=True, metavar="DIR", help="output corpus directory")
    curate.add_argument(
        "--recipe",
        default=None,
        metavar="NAME|FILE",
        help="recipe name or YAML file for every input (default: per source kind: "
        "wikipedia for MediaWiki dumps, web for the rest)",
    )
    add_recipe_options(curate)
    curate.set_defaults(run=_run_curate)

    demo = sub.add_parser("demo", help="generate a sample crawl, curate it, print a summary")
    demo.add_argument("--output", default="demo-out", metavar="DIR")
    demo.add_argument("--pages", type=int, default=240, help="pages in the generated crawl")
    demo.add_argument("--no-train", action="store_true", help="curate only, no pretraining")
    add_recipe_options(demo)
    demo.set_defaults(run=_run_demo)

    refilter = sub.add_parser(
        "filter", help="re-apply a recipe's filter thresholds to a corpus from its stored signals"
    )
    refilter.add_argument("--input", required=True, metavar="CORPUS", help="a curated corpus")
    refilter.add_argument("--recipe", required=True, metavar="NAME|FILE", help="filters only")
    refilter.add_argument("--output", required=True, metavar="DIR", help="the new corpus")
    add_recipe_options(refilter)
    refilter.set_defaults(run=_run_filter)
    _add_quality(sub)
    add_train_parsers(sub)
    add_finetune_parsers(sub)
    add_ops_parsers(sub)
    add_view_parsers(sub)
    add_experiment_parsers(sub)
    return parser


def _add_quality(sub: argparse._SubParsersAction) -> None:
    quality = sub.add_parser("quality", help="model-based quality: train a fastText classifier")
    actions = quality.add_subparsers(dest="action", required=True, metavar="ACTION")
    train = actions.add_parser(
        "train", help="train hq (e.g. Wikipedia) vs lq (e.g. web) and print held-out metrics"
    )
    train.add_argument("--positive", required=True, metavar="CORPUS", help="high-quality corpus")
    train.add_argument("--negative", required=True, metavar="CORPUS", help="low-quality corpus")
    train.add_argument("--output", required=True, metavar="FILE", help="model file (.bin/.ftz)")
    # Unset options keep QualityTrainConfig's defaults (one place for them).
    train.add_argument("--max-docs", type=int, metavar="N", help="per class (balanced)")
    train.add_argument("--epoch", type=int, metavar="N")
    train.add_argument("--lr", type=float, metavar="RATE", help="learning rate")
    train.add_argument("--dim", type=int, metavar="N")
    train.add_argument("--bucket", type=int, metavar="N", help="hashed n-gram rows")
    train.add_argument("--quantize", action="store_true", help="a few MB instead of dim*bucket*4")
    train.set_defaults(run=_run_quality_train)


def _run_curate(args: argparse.Namespace) -> int:
    from cluster.summary import print_summary
    from pipelines.job.curate import curate
    from pipelines.job.recipe_set import load_recipes

    recipes = load_recipes(args.recipe, args.overrides)
    result = curate(args.input, args.output, recipes, quiet=args.quiet)
    if not args.quiet:
        print_summary(result.manifest, result.manifest_path)
    return 0


def _run_filter(args: argparse.Namespace) -> int:
    from cluster.summary import print_summary
    from pipelines.job.recipe import load_recipe
    from pipelines.job.refilter import refilter

    manifest = refilter(args.input, args.output, load_recipe(args.recipe, args.overrides))
    if not args.quiet:
        print_summary(manifest, f"{args.output}/_manifest.json")
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    from cluster.demo.run import run_demo

    return run_demo(
        args.output,
        pages=args.pages,
        overrides=args.overrides,
        quiet=args.quiet,
        train=not args.no_train,
    )


def _run_quality_train(args: argparse.Namespace) -> int:
    from pipelines.quality.model import QualityTrainConfig, train_quality_model

    names = ("max_docs", "epoch", "lr", "dim", "bucket")
    options = {k: getattr(args, k) for k in names if getattr(args, k) is not None}
    config = QualityTrainConfig(quantize=args.quantize, **options)
    r = train_quality_model(args.positive, args.negative, args.output, config)
    print(f"model: {r.model_path}")
    print(f"documents: {r.train_docs:,} per class for training, {r.valid_docs:,} held out")
    scores = f"precision {r.precision:.3f}  recall {r.recall:.3f}  accuracy {r.accuracy:.3f}"
    print(f"held-out: {scores}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
