"""``forage experiment data-value``: does curation pay? Curate each variant from the same raw
inputs, pretrain the same architecture on each at equal token budgets (plus a random-init control),
fine-tune every checkpoint on the downstream tasks, with several seeds; then results.csv,
summary.md and report.html. The cells are Ray tasks, so a cluster runs the grid in parallel; a
rerun skips finished cells and resumes unfinished ones from their checkpoints."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cluster.experiment.cells import Cell, done, grid, run_cell
from cluster.experiment.config import CONTROL, ExperimentConfig
from cluster.experiment.corpora import build_data
from cluster.experiment.results import write_results
from pipelines.core.errors import ConfigError, InputError
from pipelines.core.ray_env import ensure_ray
from pipelines.output.atomic import write_json
from pipelines.output.lock import output_lock

EXPERIMENT_JSON = "experiment.json"
LOGS = "_logs"

log = logging.getLogger("forage.experiment")


@dataclass(frozen=True, kw_only=True)
class ExperimentResult:
    out: Path
    rows: list[dict[str, Any]]
    failed: dict[str, str]  # cell key → error
    skipped: int  # cells finished by an earlier run


def data_value(
    cfg: ExperimentConfig, output: str | Path, *, quiet: bool = False
) -> ExperimentResult:
    def say(text: str) -> None:
        if not quiet:
            print(f"[forage] {text}", flush=True)

    for path in [*cfg.inputs, *(f for t in cfg.tasks for f in (t.train, t.dev, t.test) if f)]:
        if "://" not in path and not any(c in path for c in "*?[") and not Path(path).exists():
            raise InputError(f"{cfg.source}: {path}: no such file (relative paths are read "
                             "from the current directory)")  # fmt: skip
    with output_lock(output, "experiment") as exp:
        exp = exp.resolve()
        _check_same_experiment(exp, cfg)
        data = build_data(exp, cfg, say)
        ensure_ray(None, log_dir=exp / LOGS)
        cells = grid(cfg)
        rows = {c.key: row for c in cells if (row := done(exp, c)) is not None}
        skipped = len(rows)
        if skipped:
            say(f"{skipped} of {len(cells)} cells finished earlier: skipped")
        todo = [c for c in cells if c.key not in rows]
        failed = _run_cells(exp, cfg, todo, data, rows, say)
        ordered = [rows[c.key] | data_row(data, c) for c in cells if c.key in rows]
        paths = write_results(exp, cfg, ordered, failed)
        say(f"results: {paths['csv']}\n  summary {paths['summary']}\n  report  {paths['report']}")
        return ExperimentResult(out=exp, rows=ordered, failed=failed, skipped=skipped)


def _run_cells(
    exp: Path,
    cfg: ExperimentConfig,
    todo: list[Cell],
    data: dict[str, Any],
    rows: dict[str, dict[str, Any]],
    say,  # noqa: ANN001
) -> dict[str, str]:
    """Run ``todo`` as Ray tasks (cpus/gpus per cell from the config) and collect their rows."""
    import ray

    task = ray.remote(run_cell).options(
        num_cpus=cfg.cpus_per_cell, num_gpus=cfg.gpus_per_cell, max_retries=0
    )
    pending = {task.remote(str(exp), c, cfg, _packed(data, c)): c for c in todo}
    failed: dict[str, str] = {}
    total = len(rows) + len(todo)
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        cell = pending.pop(ready[0])
        try:
            row = ray.get(ready[0])
        except Exception as exc:  # noqa: BLE001 - one cell's failure must not stop the grid
            failed[cell.key] = _first_line(exc)
            log.exception("cell %s failed", cell.key)
            say(f"cell {cell.key} FAILED: {failed[cell.key]}")
            continue
        rows[cell.key] = row
        scores = " · ".join(f"{t.metric} {row[t.metric]:.4f}" for t in cfg.tasks if t.metric in row)
        say(f"[{len(rows)}/{total}] {cell.key}: {scores} ({row['seconds']:.0f} s)")
    return failed


def _packed(data: dict[str, Any], cell: Cell) -> str | None:
    return None if cell.variant == CONTROL else str(data[cell.variant].packed)


def data_row(data: dict[str, Any], cell: Cell) -> dict[str, Any]:
    return data[cell.variant].as_row() if cell.variant in data else {}


def _first_line(exc: BaseException) -> str:
    cause = getattr(exc, "cause", None) or exc  # a RayTaskError wraps the cell's own error
    text = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {text[-1] if text else ''}"


def _check_same_experiment(exp: Path, cfg: ExperimentConfig) -> None:
    """A directory holds one experiment: another config's cells are not mixed into it (seeds,
    budgets and resources may change: new cells are added)."""
    path = exp / EXPERIMENT_JSON
    if path.is_file():
        previous = json.loads(path.read_text())
        if previous.get("fingerprint") != cfg.fingerprint():
            raise ConfigError(
                f"{exp} holds an experiment with another config ({previous.get('source')}: "
                "inputs, variants, pretrain recipe or tasks differ); use another --output"
            )
    from dataclasses import asdict

    write_json(
        path, {"fingerprint": cfg.fingerprint(), "source": cfg.source, "config": asdict(cfg)}
    )
