"""Options every recipe-running command shares."""

from __future__ import annotations

import argparse

CURATE_SET_HELP = "override a recipe value: stage.param=value, read.option=value, num_cpus=N"


def add_recipe_options(p: argparse.ArgumentParser, set_help: str = CURATE_SET_HELP) -> None:
    """``--set KEY=VALUE`` (repeatable, into ``args.overrides``) and ``--quiet``."""
    p.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides", help=set_help
    )
    p.add_argument("--quiet", action="store_true", help="no progress output (for scripts)")
