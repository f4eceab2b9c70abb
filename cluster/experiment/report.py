"""``EXP/report.html``: each task's score against pretraining tokens per variant (mean ± std over
seeds, the random-init control at 0 tokens), the table and the comparisons of summary.md."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from cluster.experiment.cells import budget_label
from cluster.experiment.config import CONTROL, ExperimentConfig
from cluster.experiment.results import plus_minus
from pipelines.report import charts
from pipelines.report import html as H


def report_html(
    exp: Path,
    cfg: ExperimentConfig,
    stats: dict[tuple[str, int], dict[str, Any]],
    verdicts: list[dict[str, Any]],
    failed: dict[str, str],
) -> str:
    figures = [_score_chart(cfg, stats, t.metric) for t in cfg.tasks]
    figures.append(_score_chart(cfg, stats, "pretrain_val_loss", control=False))
    sections = [
        H.section("Downstream score vs pretraining tokens", H.charts(*figures)),
        H.section("Results (mean ± std over seeds)", _results_table(cfg, stats),
                  H.para("one row per cell: results.csv", "muted")),
        H.section("What it shows", _verdicts_table(verdicts),
                  H.para("a difference is called one only at p < 0.05: a paired t-test over "
                         "seeds where both sides ran the same seeds, else Welch's", "muted")),
    ]  # fmt: skip
    if failed:
        sections.append(H.section("Failed cells", H.table(["cell", "error"], failed.items())))
    return H.page("Data-value experiment", str(exp), *sections)


def _results_table(cfg: ExperimentConfig, stats: dict[tuple[str, int], dict[str, Any]]) -> str:
    metrics = [t.metric for t in cfg.tasks]
    rows = []
    for name in [CONTROL] * cfg.control + [v.name for v in cfg.variants]:
        for budget in [0] if name == CONTROL else cfg.budgets:
            if s := stats.get((name, budget)):
                rows.append([name, budget_label(budget) if budget else "0", s["n"],
                             *(plus_minus(s.get(m)) for m in ("pretrain_val_loss", *metrics))])  # fmt: skip
    return H.table(["variant", "budget", "n", "val loss", *metrics], rows)


def _verdicts_table(verdicts: list[dict[str, Any]]) -> str:
    rows = [[budget_label(v["budget"]), v["metric"], v["variant"], v["against"],
             round(v["difference"], 4), v["test"], round(v["p"], 3), v["verdict"]]
            for v in verdicts]  # fmt: skip
    return H.table(["budget", "metric", "variant", "against", "difference", "test", "p",
                    "verdict"], rows)  # fmt: skip


def _score_chart(
    cfg: ExperimentConfig, stats: dict[tuple[str, int], dict[str, Any]], metric: str, *,
    control: bool = True,
) -> str:  # fmt: skip
    series = {}
    if control and cfg.control and (s := stats.get((CONTROL, 0))) and metric in s:
        series[f"{CONTROL} (random init)"] = ([0], [s[metric][0]], [_std(s[metric])])
    for v in cfg.variants:
        points = [(b, stats[(v.name, b)][metric]) for b in cfg.budgets
                  if metric in stats.get((v.name, b), {})]  # fmt: skip
        if points:
            series[v.name] = ([b for b, _ in points], [m[0] for _, m in points],
                              [_std(m) for _, m in points])  # fmt: skip
    return charts.errorbars(series, metric, xlabel="pretraining tokens", ylabel=metric)


def _std(value: tuple[float, float, int]) -> float:
    return 0.0 if math.isnan(value[1]) else value[1]
