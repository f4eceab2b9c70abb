"""One cell of the grid: pretrain the architecture on a variant's corpus at a token budget with a
seed (or initialise it at random: the control), fine-tune it on every task, and write the row
to ``CELL/cell.json`` last. Cells run as Ray tasks; a cell directory with a ``cell.json`` is done,
and a killed one resumes from its pretraining and fine-tuning checkpoints."""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cluster.experiment.config import CONTROL, ExperimentConfig, Task

CELL_JSON = "cell.json"


@dataclass(frozen=True, kw_only=True)
class Cell:
    variant: str  # a variant's name, or CONTROL
    budget: int  # pretraining tokens (0 for the control)
    seed: int

    @property
    def key(self) -> str:
        return f"{self.variant}/{budget_label(self.budget)}/seed{self.seed}"

    def dir(self, exp: Path) -> Path:
        return exp / self.key


def budget_label(tokens: int) -> str:
    """150000 → 150k, 2000000 → 2M: the budget's directory name."""
    for unit, size in (("B", 10**9), ("M", 10**6), ("k", 10**3)):
        if tokens >= size and tokens % (size // 10) == 0:
            value = tokens / size
            return f"{value:g}{unit}"
    return str(tokens)


def grid(cfg: ExperimentConfig) -> list[Cell]:
    """Every cell: the controls first (cheap), then each budget, largest last."""
    cells = [Cell(variant=CONTROL, budget=0, seed=s) for s in cfg.seeds] if cfg.control else []
    for budget in cfg.budgets:
        cells += [
            Cell(variant=v.name, budget=budget, seed=s) for s in cfg.seeds for v in cfg.variants
        ]
    return cells


def done(exp: Path, cell: Cell) -> dict[str, Any] | None:
    path = cell.dir(exp) / CELL_JSON
    return json.loads(path.read_text()) if path.is_file() else None


def steps_for(budget: int, recipe: Any) -> int:
    """Optimizer steps that see ``budget`` tokens (at least one)."""
    t = recipe.train
    per_step = t.batch_size * t.grad_accum * recipe.model.seq_len * max(1, t.num_workers)
    return max(1, math.ceil(budget / per_step))


def run_cell(exp: str, cell: Cell, cfg: ExperimentConfig, packed: str | None) -> dict[str, Any]:
    """The cell's row (also written to CELL/cell.json): pretraining and downstream scores."""
    from pipelines.output.atomic import write_json

    started = time.monotonic()
    out = cell.dir(Path(exp))
    out.mkdir(parents=True, exist_ok=True)
    row: dict[str, Any] = {"variant": cell.variant, "budget_tokens": cell.budget, "seed": cell.seed}
    if cell.variant == CONTROL:
        row |= _initialise(Path(exp), out, cfg, cell.seed)
    else:
        row |= _pretrain(out, cfg, cell, packed)
    for task in cfg.tasks:
        row |= _finetune(out, task, cell.seed)
    row["seconds"] = round(time.monotonic() - started, 1)
    write_json(out / CELL_JSON, row)
    return row


def _pretrain(out: Path, cfg: ExperimentConfig, cell: Cell, packed: str | None) -> dict[str, Any]:
    from training.config import load_recipe
    from training.train import pretrain

    base = load_recipe(cfg.pretrain_recipe, list(cfg.pretrain_set))
    steps = steps_for(cell.budget, base)
    recipe = load_recipe(
        cfg.pretrain_recipe, [*cfg.pretrain_set, f"max_steps={steps}", f"seed={cell.seed}"]
    )
    result = pretrain(packed, out, recipe, quiet=True)
    info = json.loads((out / "run.json").read_text())
    return {
        "pretrain_steps": result.steps,
        "pretrain_tokens": info.get("tokens_seen"),
        "pretrain_val_loss": result.val_loss,
        "unigram_baseline_loss": result.unigram_baseline_loss,
    }


def _initialise(exp: Path, out: Path, cfg: ExperimentConfig, seed: int) -> dict[str, Any]:
    """The control: the same architecture, randomly initialised, with the shared tokenizer."""
    import hashlib

    from pipelines.output.atomic import write_json
    from pipelines.output.manifest import recipe_sha256
    from training.config import load_recipe
    from training.export import save_initialised
    from training.tokenizer import load_tokenizer

    recipe = load_recipe(cfg.pretrain_recipe, [*cfg.pretrain_set, f"seed={seed}"])
    tokenizer_dir = exp / "tokenizer"
    if not (out / "hf" / "config.json").is_file():
        save_initialised(recipe.model, load_tokenizer(tokenizer_dir), out / "hf", seed=seed)
    write_json(
        out / "run.json",
        {
            "kind": "random-init",
            "seed": seed,
            "tokenizer_sha256": hashlib.sha256(
                (tokenizer_dir / "tokenizer.json").read_bytes()
            ).hexdigest(),
            "recipe": recipe.to_dict(),
            "recipe_sha256": recipe_sha256(recipe.to_dict()),
        },
    )
    return {"pretrain_steps": 0, "pretrain_tokens": 0}


def _finetune(out: Path, task: Task, seed: int) -> dict[str, Any]:
    from training.finetune.config import load_finetune_recipe
    from training.finetune.prepare import TaskFiles
    from training.finetune.run import finetune

    recipe = load_finetune_recipe(task.recipe, [*task.set, f"seed={seed}"], task=task.name)
    files = TaskFiles(
        task=task.name, train=task.train, dev=task.dev, test=task.test, **task.options
    )
    metrics = (
        json.loads((out / task.name / "metrics.json").read_text())
        if (out / task.name / "metrics.json").is_file()
        else finetune(files, out / "hf", out / task.name, recipe, quiet=True).metrics
    )
    row = {}
    for split in ("dev", "test"):
        if f"{split}_f1" in metrics:
            row[f"{task.name}_{split}_f1"] = metrics[f"{split}_f1"]
        accuracy = (metrics.get(split) or {}).get("accuracy")
        if accuracy is not None:
            row[f"{task.name}_{split}_accuracy"] = accuracy
    return row
