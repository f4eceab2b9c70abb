"""The experiment's outputs: ``results.csv`` (one row per cell), ``summary.md`` (mean ± std over
seeds, and each comparison called a difference only when a t-test over seeds says so) and
``report.html`` (downstream score against pretraining tokens per variant)."""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

from cluster.experiment.cells import budget_label
from cluster.experiment.config import CONTROL, ExperimentConfig
from pipelines.output.atomic import write_bytes

FIRST = ("variant", "budget_tokens", "seed", "pretrain_steps", "pretrain_tokens",
         "pretrain_val_loss", "unigram_baseline_loss", "corpus_documents", "corpus_train_tokens")  # fmt: skip
ALPHA = 0.05  # a difference is reported as one only below this p-value


def write_results(
    exp: Path, cfg: ExperimentConfig, rows: list[dict[str, Any]], failed: dict[str, str]
) -> dict[str, Path]:
    stats = group_stats(rows)
    verdicts = comparisons(cfg, rows)
    paths = {
        "csv": exp / "results.csv",
        "summary": exp / "summary.md",
        "report": exp / "report.html",
    }
    write_bytes(paths["csv"], to_csv(rows).encode())
    write_bytes(paths["summary"], summary_md(cfg, rows, stats, verdicts, failed).encode())
    from cluster.experiment.report import report_html

    write_bytes(paths["report"], report_html(exp, cfg, stats, verdicts, failed).encode())
    return paths


def to_csv(rows: list[dict[str, Any]]) -> str:
    keys = {k for r in rows for k in r}
    columns = [k for k in FIRST if k in keys] + sorted(keys - set(FIRST) - {"seconds"})
    columns += ["seconds"] if "seconds" in keys else []
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def metrics_of(cfg: ExperimentConfig) -> list[str]:
    return [t.metric for t in cfg.tasks]


def group_stats(rows: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """(variant, budget) → {metric: (mean, std, n)} over the seeds, in row order."""
    groups: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["variant"], row["budget_tokens"])].append(row)
    out = {}
    for key, members in groups.items():
        numeric = {k for r in members for k, v in r.items() if _number(v)} - {
            "seed",
            "budget_tokens",
        }
        out[key] = {k: mean_std([r[k] for r in members if _number(r.get(k))]) for k in numeric}
        out[key]["n"] = len(members)
    return out


def mean_std(values: list[float]) -> tuple[float, float, int]:
    n = len(values)
    mean = sum(values) / n if n else math.nan
    var = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else math.nan
    return mean, math.sqrt(var), n


def comparisons(cfg: ExperimentConfig, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At each budget, every variant against the first (the least curated) and against the
    random-init control, on each task's score: the mean difference and a p-value — paired over
    seeds when both sides ran the same seeds (a seed fine-tunes both sides alike), else Welch's."""
    by: dict[tuple[str, int, str], dict[int, float]] = defaultdict(dict)
    for metric in metrics_of(cfg):
        for row in rows:
            if _number(row.get(metric)):
                by[(row["variant"], row["budget_tokens"], metric)][row["seed"]] = row[metric]
    base = cfg.variants[0].name
    out = []
    for budget in cfg.budgets:
        for metric in metrics_of(cfg):
            for v in cfg.variants:
                pairs = [(base, budget)] if v.name != base else []
                pairs += [(CONTROL, 0)] if cfg.control else []
                for other in pairs:
                    a, b = by.get((v.name, budget, metric)), by.get((*other, metric))
                    if a and b:
                        out.append(_verdict(v.name, budget, other[0], metric, a, b))
    return out


def _verdict(name: str, budget: int, other: str, metric: str, a: dict, b: dict) -> dict[str, Any]:
    diff = sum(a.values()) / len(a) - sum(b.values()) / len(b)
    paired = set(a) == set(b)
    seeds = sorted(a)
    p = (paired_p([a[s] for s in seeds], [b[s] for s in seeds]) if paired
         else welch_p(list(a.values()), list(b.values())))  # fmt: skip
    if math.isnan(p):
        call = "not testable (fewer than 2 seeds a side)"
    elif p < ALPHA:
        call = f"{name} {'better' if diff > 0 else 'worse'}"
    else:
        call = "within noise"
    return {"variant": name, "budget": budget, "against": other, "metric": metric,
            "difference": diff, "p": p, "test": "paired" if paired else "Welch",
            "verdict": call}  # fmt: skip


def paired_p(a: list[float], b: list[float]) -> float:
    """Two-sided p-value of the paired t-test over seeds (NaN with fewer than 2 pairs)."""
    if len(a) < 2:
        return math.nan
    from scipy import stats

    diffs = [x - y for x, y in zip(a, b, strict=True)]
    if len(set(diffs)) == 1:
        return 1.0 if diffs[0] == 0 else 0.0
    return float(stats.ttest_rel(a, b).pvalue)


def welch_p(a: list[float], b: list[float]) -> float:
    """Two-sided p-value of Welch's t-test (NaN with fewer than 2 values a side)."""
    if len(a) < 2 or len(b) < 2:
        return math.nan
    from scipy import stats

    if len(set(a)) == 1 and len(set(b)) == 1:
        return 1.0 if a[0] == b[0] else 0.0
    return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def summary_md(
    cfg: ExperimentConfig,
    rows: list[dict[str, Any]],
    stats: dict[tuple[str, int], dict[str, Any]],
    verdicts: list[dict[str, Any]],
    failed: dict[str, str],
) -> str:
    metrics = metrics_of(cfg)
    lines = [
        f"# Data-value experiment ({Path(cfg.source).name})",
        "",
        f"{len(rows)} cells: variants {', '.join(v.name for v in cfg.variants)}"
        + (f" + {CONTROL} (random init)" if cfg.control else "")
        + f"; budgets {', '.join(budget_label(b) for b in cfg.budgets)} tokens; "
        f"seeds {', '.join(map(str, cfg.seeds))}; tasks {', '.join(t.name for t in cfg.tasks)} "
        f"({', '.join(metrics)}). Values are mean ± std over seeds (n per row).",
        "",
        *_table_lines(stats, metrics),
    ]
    lines += ["", "Validation losses are each corpus's own held-out split: they compare budgets "
              "within a variant, not variants.", "", "## What it shows", ""]  # fmt: skip
    lines += [_sentence(v) for v in verdicts] or ["No comparison: too few cells."]
    lines += ["", f"A difference is called one only at p < {ALPHA}: a paired t-test over seeds "
              "when both sides ran the same seeds (a seed fine-tunes both alike), else Welch's; "
              "with few seeds small real effects stay 'within noise'."]  # fmt: skip
    if failed:
        lines += ["", "## Failed cells (a rerun retries them)", ""]
        lines += [f"- `{k}`: {v}" for k, v in failed.items()]
    return "\n".join(lines) + "\n"


def _table_lines(stats: dict[tuple[str, int], dict[str, Any]], metrics: list[str]) -> list[str]:
    lines = [
        "| variant | budget | n | corpus docs | corpus tokens | val loss | "
        + " | ".join(metrics) + " |",
        "|---" * (6 + len(metrics)) + "|",
    ]  # fmt: skip
    for (variant, budget), s in stats.items():
        cells = [plus_minus(s.get(m)) for m in ("pretrain_val_loss", *metrics)]
        docs, tokens = (
            s.get(k, (math.nan,))[0] for k in ("corpus_documents", "corpus_train_tokens")
        )
        lines.append(
            f"| {variant} | {budget_label(budget) if budget else '0'} | {s['n']} | "
            f"{_int(docs)} | {_int(tokens)} | " + " | ".join(cells) + " |"
        )
    return lines


def _sentence(v: dict[str, Any]) -> str:
    return (
        f"- {budget_label(v['budget'])} tokens, {v['metric']}: {v['variant']} vs {v['against']} "
        f"{v['difference']:+.4f} ({v['test']} p = {v['p']:.3f}): **{v['verdict']}**"
    )


def plus_minus(value: tuple[float, float, int] | None) -> str:
    if not value or math.isnan(value[0]):
        return "–"
    mean, std, _ = value
    return f"{mean:.4f}" if math.isnan(std) else f"{mean:.4f} ± {std:.4f}"


def _int(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:,.0f}"


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)
