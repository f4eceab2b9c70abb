"""``RUN/report.html`` for a pretrain, fine-tune or tune directory (``forage report RUN``): loss
and validation curves against the unigram baseline, throughput, MFU, learning rate and data wait;
dev F1 per epoch and per-type scores for a fine-tune; every trial's dev-F1 curve and where ASHA
stopped it for a tune run; the lineage (base model, pretrain run, corpus manifest) linked."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from pipelines.core.errors import InputError
from pipelines.report import charts
from pipelines.report import html as H
from training.metrics import read_metrics


def run_kind(run: Path) -> str:
    if (run / "trials.csv").is_file() or (run / "best.json").is_file():
        return "tune"
    info = _json(run / "run.json")
    if "task" in info or (run / "metrics.json").is_file():
        return "finetune"
    if (run / "metrics.jsonl").is_file() or info:
        return "pretrain"
    raise InputError(f"{run}: not a pretrain, fine-tune or tune run (no metrics.jsonl, run.json)")


def write_training_report(run: str | Path) -> Path:
    run = Path(run)
    kind = run_kind(run)
    records, info = read_metrics(run), _json(run / "run.json")
    if kind == "pretrain":
        sections = _pretrain(records, info)
    elif kind == "finetune":
        sections = _finetune(records, _json(run / "metrics.json"))
    else:
        sections = _tune(run) + _finetune([], _json(run / "metrics.json"))
    sections.append(_lineage(run, info))
    title = f"{kind.capitalize()} report · {run.resolve().name}"
    return H.write_report(run, H.page(title, str(run.resolve()), *sections))


def _pretrain(records: list[dict[str, Any]], info: dict[str, Any]) -> list[str]:
    def series(key: str) -> tuple[list[float], list[float]]:
        rows = [r for r in records if r.get(key) is not None]
        return [r["step"] for r in rows], [r[key] for r in rows]

    baseline = next((r["unigram_baseline_loss"] for r in records if "unigram_baseline_loss" in r),
                    None)  # fmt: skip
    loss = charts.lines(
        {"train loss": series("loss"), "val loss": series("val_loss")},
        "Loss",
        xlabel="step",
        ylabel="cross-entropy (nats)",
        hlines={"unigram baseline": baseline} if baseline else None,
    )
    figures = [loss]
    for key, title, label in (
        ("tokens_per_s", "Throughput", "tokens/s"),
        ("mfu", "Model FLOPs utilization", "MFU"),
        ("lr", "Learning rate", "lr"),
        ("data_wait", "Data wait", "share of step time"),
    ):
        figures.append(charts.lines({key: series(key)}, title, xlabel="step", ylabel=label))
    last = {k: v for r in records for k, v in r.items() if k != "time"}
    rows = [(k, last[k]) for k in ("step", "loss", "val_loss", "tokens", "tokens_per_s", "mfu")
            if last.get(k) is not None]  # fmt: skip
    rows += [(k, info[k]) for k in ("steps", "tokens_seen") if k in info]
    rows += [(f"model.{k}", v) for k, v in ((info.get("recipe") or {}).get("model") or {}).items()]
    return [
        H.section("Training curves", H.charts(*figures)),
        H.section("Run", H.table(["", ""], rows)),
    ]


def _finetune(records: list[dict[str, Any]], metrics: dict[str, Any]) -> list[str]:
    parts = []
    steps = [r for r in records if "loss" in r]
    epochs = [r for r in records if "dev_f1" in r]
    figures = [
        charts.lines({"train loss": ([r["step"] for r in steps], [r["loss"] for r in steps])},
                     "Training loss", xlabel="step", ylabel="loss"),
        charts.lines({"dev F1": ([r["epoch"] for r in epochs], [r["dev_f1"] for r in epochs])},
                     "Dev F1 per epoch", xlabel="epoch", ylabel="F1"),
        charts.lines({"examples/s": ([r["step"] for r in steps],
                                     [r.get("examples_per_s") or 0 for r in steps])},
                     "Throughput", xlabel="step", ylabel="examples/s"),
    ]  # fmt: skip
    if any(figures):
        parts.append(H.section("Training curves", H.charts(*figures)))
    if not metrics:
        return parts
    test = metrics.get("test") or metrics.get("dev") or {}
    per = test.get("per_type") or test.get("per_label") or {}
    scores = {name: v["f1"] for name, v in per.items()}
    rows = [(k, metrics.get(k)) for k in ("dev_f1", "test_f1", "best_epoch", "epochs",
            "stopped_early", "examples_per_s") if k in metrics]  # fmt: skip
    table = [(n, v.get("precision"), v.get("recall"), v.get("f1"), v.get("support"))
             for n, v in per.items()]  # fmt: skip
    parts.append(
        H.section(
            "Scores",
            H.table(["", ""], rows),
            H.charts(charts.bars(scores, "F1 per type (test)", xlabel="F1")) if scores else "",
            H.table(["type", "precision", "recall", "F1", "support"], table),
        )
    )
    return parts


def _tune(run: Path) -> list[str]:
    trials = _read_csv(run / "trials.csv")
    curves, stops = {}, {}
    for t in trials:
        f1 = [float(x) for x in (t.get("dev_f1_per_epoch") or "").split()]
        name = f"{t['trial_id']}"
        curves[name] = (list(range(1, len(f1) + 1)), f1)
        if t.get("stopped_by") == "asha" and f1:
            stops[f"ASHA stop {t['trial_id']}"] = (len(f1), f1[-1])
    best = _json(run / "best.json")
    figure = charts.lines(curves, "Dev F1 per epoch, every trial", xlabel="epoch",
                          ylabel="dev F1", markers=stops)  # fmt: skip
    headers = list(trials[0]) if trials else []
    early = sum(t.get("stopped_by") == "asha" for t in trials)
    summary = f"{len(trials)} trials, {early} stopped early by ASHA"
    if best:
        summary += (
            f"; best dev F1 {best.get('dev_f1', 0):.4f} with {json.dumps(best.get('config'))}"
        )
    return [
        H.section("Trials", H.para(summary), H.charts(figure),
                  H.table(headers, ([t[h] for h in headers] for t in trials))),
    ]  # fmt: skip


def _lineage(run: Path, info: dict[str, Any]) -> str:
    rows = []
    for key in ("base_model", "pretrain_run", "corpus_data_dir", "data_dir"):
        if info.get(key):
            target = Path(info[key])
            page = target / "report.html" if (target / "report.html").is_file() else target
            rows.append((key, H.link(page.resolve().as_uri(), str(target))))
    for key in ("manifest_sha256", "corpus_manifest_sha256", "tokenizer_sha256",
                "base_model_config_sha256"):  # fmt: skip
        if info.get(key):
            rows.append((key, H.esc(info[key])))
    if not rows:
        return H.section("Lineage", H.para("run.json names no base model or corpus", "muted"))
    body = "".join(f"<tr><td>{H.esc(k)}</td><td>{v}</td></tr>" for k, v in rows)
    return H.section("Lineage", f"<table><tbody>{body}</tbody></table>")


def _json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text()) if path.is_file() else {}
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is damaged: {exc}") from None


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))
