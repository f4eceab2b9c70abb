"""Search efficiency of ``forage tune``: ASHA + Optuna TPE with ``--samples`` trials against the
full grid of the same discrete space, on the same encoded CoNLL data, in one script.

The space (``--space``): lr × batch size × warmup ratio, every trial at most ``--epochs``
epochs. The grid runs every combination for every epoch (FIFO, no early stopping); the search
runs ``--samples`` TPE proposals under ASHA (grace period 1, reduction factor 3). Printed: each
side's best dev F1 and trial-epochs (epochs actually trained, summed over trials); the target is
the search's best within 1 F1 point of the grid's at <= 40% of its trial-epochs. As in
``forage tune``, the search's first trial is the recipe's own values.

    .venv/bin/python benchmarks/tune_efficiency.py --model RUN/hf [--examples 1000]
                                                   [--epochs 3] [--samples 8]
"""

from __future__ import annotations

import argparse
import functools
import itertools
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
NER = Path(__file__).resolve().parents[2] / "shared" / "data" / "ner"
SPACE = {"lr": [3e-4, 1e-3, 3e-3], "batch_size": [16, 32], "warmup_ratio": [0.0, 0.1]}


def run(out: Path, recipe, space: dict, *, samples: int | None, epochs: int) -> tuple[float, int]:
    """(best dev F1, trial-epochs) of a grid (``samples`` None) or an ASHA + TPE search."""
    from ray import tune as rt
    from ray.tune.schedulers import ASHAScheduler, FIFOScheduler
    from ray.tune.search.optuna import OptunaSearch

    from training.tune import recipe_point, trial

    trainable = rt.with_resources(
        functools.partial(trial, base=recipe.to_dict(), out=str(out), threads=1), {"cpu": 1}
    )
    if samples is None:
        param_space = {k: rt.grid_search(v) for k, v in space.items()}
        config = rt.TuneConfig(metric="dev_f1", mode="max", scheduler=FIFOScheduler())
    else:
        param_space = {k: rt.choice(v) for k, v in space.items()}
        start = recipe_point(recipe, param_space)  # as forage tune: the recipe is trial one
        config = rt.TuneConfig(
            metric="dev_f1", mode="max", num_samples=samples,
            search_alg=OptunaSearch(seed=0, points_to_evaluate=[start] if start else None),
            scheduler=ASHAScheduler(time_attr="epoch", max_t=epochs, grace_period=1,
                                    reduction_factor=3),
        )  # fmt: skip
    results = rt.Tuner(
        trainable, param_space=param_space, tune_config=config,
        run_config=rt.RunConfig(storage_path=str(out / "ray"), name="bench", verbose=0),
    ).fit()  # fmt: skip
    frames = [r.metrics_dataframe for r in results if r.metrics_dataframe is not None]
    for r in sorted(results, key=lambda r: -(r.metrics or {}).get("dev_f1", 0))[:3]:
        print(f"    {'grid' if samples is None else 'search'} top: {r.config} → "
              f"{float(r.metrics_dataframe['dev_f1'].max()):.4f}")  # fmt: skip
    best = max(float(f["dev_f1"].max()) for f in frames)
    return best, sum(int(f["epoch"].max()) for f in frames)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="a base model dir (RUN/hf of pretrain)")
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=8)
    args = parser.parse_args()

    import ray

    from training.finetune.config import load_finetune_recipe
    from training.finetune.prepare import TaskFiles
    from training.finetune.run import encoded_data

    overrides = [f"max_train_examples={args.examples}", "max_eval_examples=500",
                 f"epochs={args.epochs}", "patience=0"]  # fmt: skip
    recipe = load_finetune_recipe("smoke", overrides)
    files = TaskFiles(task="ner", train=str(NER / "eng.train"), dev=str(NER / "eng.testa"))
    ray.init(include_dashboard=False, log_to_driver=False)
    with tempfile.TemporaryDirectory() as tmp:
        sides = {}
        for name, samples in (("grid", None), ("asha+tpe", args.samples)):
            out = Path(tmp) / name
            encoded_data(files, Path(args.model).resolve(), recipe, out)
            sides[name] = run(out, recipe, SPACE, samples=samples, epochs=args.epochs)
    grid_best, grid_epochs = sides["grid"]
    size = len(list(itertools.product(*SPACE.values())))
    print(f"\nspace: {size} configurations × up to {args.epochs} epochs, {args.examples} examples")
    for name, (best, epochs) in sides.items():
        print(
            f"  {name:<9} best dev F1 {best:.4f}   trial-epochs {epochs:3d} "
            f"({epochs / grid_epochs:.0%} of the grid's)"
        )
    gap = (grid_best - sides["asha+tpe"][0]) * 100
    share = sides["asha+tpe"][1] / grid_epochs
    print(
        f"  search vs grid: {gap:+.2f} F1 points below, {share:.0%} of the trial-epochs "
        f"(target: <= 1 point at <= 40%)"
    )


if __name__ == "__main__":
    main()
