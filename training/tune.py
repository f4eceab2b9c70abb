"""``forage tune``: Ray Tune over a fine-tune recipe's ``search:`` space (the same dotted keys as
``--set``), Optuna TPE proposing trials, ASHA stopping poor ones after each epoch on dev F1.
Every trial runs the fine-tuning loop in-process on data encoded once; a killed tune run resumes
with ``Tuner.restore`` (finished trials stay finished, running ones resume from their epoch)."""

from __future__ import annotations

import csv
import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.core.errors import ConfigError
from pipelines.core.ray_env import ensure_ray
from pipelines.output.atomic import write_json
from pipelines.output.lock import output_lock
from pipelines.output.shards import LOGS
from training.finetune.config import FinetuneRecipe, finetune_recipe_from_dict
from training.finetune.prepare import TaskFiles
from training.finetune.worker import BEST
from training.metrics import say

TRIALS, BEST_JSON, TRIALS_CSV = "trials", "best.json", "trials.csv"
DISTRIBUTIONS = ("loguniform", "uniform", "choice", "randint", "quniform")


@dataclass(frozen=True, kw_only=True)
class TuneResult:
    out: Path
    best: dict[str, Any]
    trials: list[dict[str, Any]]

    def summary(self) -> str:
        early = sum(1 for t in self.trials if t["stopped_by"] == "asha")
        failed = sum(1 for t in self.trials if t["stopped_by"] == "error")
        lines = [
            f"{self.out}: {len(self.trials)} trials, {early} stopped early by ASHA, "
            f"{failed} failed (logs under {self.out / 'ray' / 'tune'})",
            f"  best dev_f1 {self.best['dev_f1']:.4f} with {json.dumps(self.best['config'])}",
            f"  model   {self.out / 'hf'}\n  trials  {self.out / TRIALS_CSV}",
        ]
        return "\n".join(lines)


def search_space(recipe: FinetuneRecipe) -> dict[str, Any]:
    """The recipe's ``search:`` as Tune distributions; ``lora.*`` only when peft=lora."""
    from ray import tune

    space = {}
    for key, spec in recipe.search.items():
        if key.startswith("lora.") and recipe.model.peft != "lora":
            continue
        if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in DISTRIBUTIONS:
            raise ConfigError(
                f"search.{key}: expected one of {', '.join(DISTRIBUTIONS)} like "
                f"{{loguniform: [1.0e-4, 1.0e-3]}}, got {spec!r}"
            )
        ((kind, args),) = spec.items()
        space[key] = tune.choice(args) if kind == "choice" else getattr(tune, kind)(*args)
    if not space:
        raise ConfigError("the recipe has no search: space for forage tune")
    return space


def recipe_point(recipe: FinetuneRecipe, space: dict[str, Any]) -> dict[str, Any] | None:
    """The recipe's own values of the searched keys, when every one lies in its range: the
    first trial, so the search starts from the recipe as written (TPE explores from there)."""
    from training.finetune.config import SECTIONS, route_key

    data = recipe.to_dict()
    point = {}
    for key, domain in space.items():
        section, field = route_key(key, SECTIONS)
        value = data[section][field]
        categories = getattr(domain, "categories", None)
        inside = value in categories if categories is not None else (
            domain.lower <= value <= domain.upper)  # fmt: skip
        if not inside:
            return None
        point[key] = value
    return point


def trial(config: dict[str, Any], *, base: dict[str, Any], out: str, threads: int) -> None:
    """One trial: the base recipe with the sampled values, trained in this process."""
    import ray.tune
    import torch

    from training.finetune.loop import finetune_loop

    torch.set_num_threads(threads)
    recipe = finetune_recipe_from_dict(base).with_settings(config)
    trial_dir = Path(out) / TRIALS / ray.tune.get_context().get_trial_id()
    finetune_loop(
        {"recipe": recipe.to_dict(), "out": str(trial_dir), "data_root": out, "session": "tune"}
    )


def tune(
    files: TaskFiles,
    model: str | Path,
    output: str | Path,
    recipe: FinetuneRecipe,
    *,
    num_samples: int | None = None,
    quiet: bool = False,
) -> TuneResult:
    from training.finetune.run import encoded_data, finish

    model_dir = Path(model).resolve()
    with output_lock(output, "tune") as out:
        out = out.resolve()
        meta = encoded_data(files, model_dir, recipe, out)
        ensure_ray(None, log_dir=out / LOGS, worker_output=not quiet)
        results = _fit(out, recipe, num_samples, quiet)
        trials = trial_rows(results, recipe)
        scored = [t for t in trials if t["best_dev_f1"] is not None]
        best = min(scored, key=lambda t: (-t["best_dev_f1"], t["trial_id"]))  # ties: stable
        best_recipe = recipe.with_settings(best["config"])
        trial_dir = out / TRIALS / best["trial_id"]
        write_json(
            out / BEST_JSON,
            {
                "config": best["config"],
                "dev_f1": best["best_dev_f1"],
                "checkpoint": str(trial_dir / BEST / "model.pt"),
                "trial_id": best["trial_id"],
            },
        )
        write_trials_csv(out / TRIALS_CSV, trials)
        finish(out, best_recipe, meta, files.task, best_dir=trial_dir)
        if not quiet:
            say(f"best trial {best['trial_id']}: dev_f1 {best['best_dev_f1']:.4f}")
        return TuneResult(out=out, best=json.loads((out / BEST_JSON).read_text()), trials=trials)


def _fit(out: Path, recipe: FinetuneRecipe, num_samples: int | None, quiet: bool) -> Any:
    import ray
    from ray import tune as rt

    settings = recipe.tune
    cpus = int(settings.get("cpus_per_trial", 1))
    gpus = float(settings.get("gpus_per_trial", 0))
    trainable = rt.with_resources(
        functools.partial(
            trial, base=recipe.to_dict() | {"search": recipe.search}, out=str(out), threads=cpus
        ),
        {"cpu": cpus, "gpu": gpus},
    )
    path = out / "ray" / "tune"
    if rt.Tuner.can_restore(path):
        if not quiet:
            say(f"resuming the tune run in {path}")
        return rt.Tuner.restore(str(path), trainable, resume_errored=True).fit()
    concurrent = settings.get("max_concurrent_trials") or max_concurrent(
        ray.cluster_resources(), cpus, gpus
    )
    return _new_tuner(out, recipe, trainable, num_samples, concurrent).fit()


def _new_tuner(
    out: Path, recipe: FinetuneRecipe, trainable: Any, num_samples: int | None, concurrent: int
) -> Any:
    """Optuna TPE proposals, the recipe's own values first; ASHA on dev F1 per epoch."""
    from ray import tune as rt
    from ray.tune.schedulers import ASHAScheduler
    from ray.tune.search.optuna import OptunaSearch

    settings = recipe.tune
    epochs = max([recipe.train.epochs, *recipe.search.get("epochs", {}).get("choice", [])])
    space = search_space(recipe)
    start = recipe_point(recipe, space)
    return rt.Tuner(
        trainable,
        param_space=space,
        tune_config=rt.TuneConfig(
            metric="dev_f1",
            mode="max",
            search_alg=OptunaSearch(
                seed=recipe.train.seed, points_to_evaluate=[start] if start else None
            ),
            scheduler=ASHAScheduler(
                time_attr="epoch",
                max_t=epochs,
                grace_period=int(settings.get("grace_period", 1)),
                reduction_factor=float(settings.get("reduction_factor", 3)),
            ),
            num_samples=num_samples or int(settings.get("num_samples", 8)),
            max_concurrent_trials=concurrent,
        ),
        run_config=rt.RunConfig(name="tune", storage_path=str(out / "ray"), verbose=0),
    )


def max_concurrent(resources: dict[str, float], cpus: int, gpus: float) -> int:
    """As many trials as the cluster fits at once (by GPUs when trials use them)."""
    if gpus:
        return max(1, math.floor(resources.get("GPU", 0) / gpus))
    return max(1, math.floor(resources.get("CPU", 1) / cpus))


def trial_rows(results: Any, recipe: FinetuneRecipe) -> list[dict[str, Any]]:
    """One row per trial: config, best dev F1, epochs run, and what stopped it (asha, patience,
    error, none). A trial that failed is a row too, never left out."""
    rows = []
    for result in results:
        history = result.metrics_dataframe
        scored = history is not None and "dev_f1" in history
        config = dict(result.config)
        epochs = int(history["epoch"].max()) if scored else 0
        if result.error is not None:
            stopped_by = "error"
        elif scored and bool(history["stopped"].iloc[-1]):
            stopped_by = "patience"
        else:
            stopped_by = "asha" if epochs < config.get("epochs", recipe.train.epochs) else "none"
        rows.append(
            {
                "trial_id": str((result.metrics or {}).get("trial_id") or Path(result.path).name),
                "config": config,
                "best_dev_f1": float(history["dev_f1"].max()) if scored else None,
                "epochs": epochs,
                "stopped_by": stopped_by,
                "dev_f1_per_epoch": [float(x) for x in history["dev_f1"]] if scored else [],
            }
        )
    if not any(r["best_dev_f1"] is not None for r in rows):
        raise ConfigError("no trial reported a dev score; see the trial logs under OUT/ray/tune")
    return rows


def write_trials_csv(path: Path, trials: list[dict[str, Any]]) -> None:
    keys = sorted({k for t in trials for k in t["config"]})
    with open(path.with_suffix(".tmp"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "trial_id",
                *keys,
                "best_dev_f1",
                "epochs",
                "stopped_early",
                "stopped_by",
                "dev_f1_per_epoch",
            ]
        )
        for t in sorted(trials, key=lambda t: -(t["best_dev_f1"] or -1.0)):
            writer.writerow(
                [
                    t["trial_id"],
                    *(t["config"].get(k) for k in keys),
                    "" if t["best_dev_f1"] is None else round(t["best_dev_f1"], 6),
                    t["epochs"],
                    t["stopped_by"] == "asha",
                    t["stopped_by"],
                    " ".join(f"{x:.4f}" for x in t["dev_f1_per_epoch"]),
                ]
            )
    path.with_suffix(".tmp").replace(path)
