"""``forage experiment data-value`` and ``forage lineage``: what curation is worth downstream,
and where a model came from."""

from __future__ import annotations

import argparse
import json


def add_parsers(sub: argparse._SubParsersAction) -> None:
    exp = sub.add_parser("experiment", help="measure what curation is worth downstream")
    kinds = exp.add_subparsers(dest="kind", required=True, metavar="KIND")
    dv = kinds.add_parser(
        "data-value",
        help="corpus variants → pretraining at equal token budgets → fine-tuning, with seeds",
    )
    dv.add_argument("--config", required=True, metavar="NAME|FILE", help="smoke, gpu, or a YAML")
    dv.add_argument("--output", required=True, metavar="EXP", help="the experiment directory")
    dv.add_argument("--quiet", action="store_true", help="no progress output (for scripts)")
    dv.set_defaults(run=_run_data_value)

    lin = sub.add_parser("lineage", help="print the chain from a model back to its raw inputs")
    lin.add_argument("path", metavar="PATH", help="an hf/ model dir, a run dir or a corpus")
    lin.add_argument("--json", action="store_true", help="the chain as JSON")
    lin.set_defaults(run=_run_lineage)


def _run_data_value(args: argparse.Namespace) -> int:
    from cluster.experiment.config import load_experiment
    from cluster.experiment.run import data_value

    result = data_value(load_experiment(args.config), args.output, quiet=args.quiet)
    if result.failed:
        print(f"forage: {len(result.failed)} cell(s) failed; rerun the command to retry them")
        return 1
    return 0


def _run_lineage(args: argparse.Namespace) -> int:
    from cluster.lineage import format_chain, lineage

    links = lineage(args.path)
    print(json.dumps(links, indent=1) if args.json else format_chain(links))
    flagged = [
        w for link in links for w in link["warnings"] if w.startswith(("CHANGED", "MISSING"))
    ]
    return 1 if flagged else 0
