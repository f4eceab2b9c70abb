"""The ``forage`` command line: curate, demo (later: pretrain, submit, refresh, ...)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from pipelines.errors import ForageError


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.ERROR if getattr(args, "quiet", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.run(args)
    except ForageError as exc:
        print(f"forage: error: {exc}", file=sys.stderr)
        return 2


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
        help="recipe name (default: web, every stage) or YAML file",
    )
    _add_common(curate)
    curate.set_defaults(run=_run_curate)

    demo = sub.add_parser("demo", help="generate a sample crawl, curate it, print a summary")
    demo.add_argument("--output", default="demo-out", metavar="DIR")
    demo.add_argument("--pages", type=int, default=240, help="pages in the generated crawl")
    _add_common(demo)
    demo.set_defaults(run=_run_demo)
    return parser


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="overrides",
        help="override a recipe value: stage.param=value, read.option=value, num_cpus=N",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output (for scripts)")


def _run_curate(args: argparse.Namespace) -> int:
    from cluster.summary import print_summary
    from pipelines.curate import curate
    from pipelines.recipe import load_recipe

    recipe = load_recipe(args.recipe, args.overrides)
    result = curate(args.input, args.output, recipe, quiet=args.quiet)
    if not args.quiet:
        print_summary(result.manifest, result.manifest_path)
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    from cluster.demo import run_demo

    return run_demo(args.output, pages=args.pages, overrides=args.overrides, quiet=args.quiet)


if __name__ == "__main__":
    sys.exit(main())
