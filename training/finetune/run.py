"""``finetune()``: encode the task's files, train with Ray Train (``finetune_loop``), score the
best dev epoch on dev and test, export ``OUT/hf`` and write metrics.json, report.txt, run.json."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from pipelines.core.errors import ConfigError, InputError
from pipelines.output.atomic import write_bytes, write_json
from pipelines.output.lock import output_lock
from pipelines.output.manifest import recipe_sha256
from training import checkpoint as ckpt
from training.finetune import tasks
from training.finetune.config import FinetuneRecipe
from training.finetune.loop import finetune_loop
from training.finetune.lora import merged, trainable_share
from training.finetune.prepare import DATA, META, TaskFiles, prepare
from training.finetune.worker import BEST
from training.metrics import read_metrics, say
from training.train import fit

METRICS_JSON, REPORT, HF_DIR, RUN_INFO = "metrics.json", "report.txt", "hf", "run.json"


@dataclass(frozen=True, kw_only=True)
class FinetuneResult:
    out: Path
    metrics: dict[str, Any]
    hf_dir: Path


def finetune(
    files: TaskFiles,
    model: str | Path,
    output: str | Path,
    recipe: FinetuneRecipe,
    *,
    quiet: bool = False,
) -> FinetuneResult:
    """Fine-tune ``model`` on the task's files into ``output``; a rerun resumes from the last
    finished epoch (the same files, model and recipe), a finished run only re-exports."""
    model_dir = Path(model).resolve()
    with output_lock(output, "finetune") as out:
        out = out.resolve()
        meta = encoded_data(files, model_dir, recipe, out)
        _check_resume(out, recipe)
        config = {
            "recipe": recipe.to_dict(),
            "out": str(out),
            "data_root": str(out),
            "quiet": quiet,
            "session": "train",
        }
        if not quiet:
            say(
                f"fine-tuning {files.task} on {meta['stats']['train']['examples']:,} examples "
                f"({recipe.train.epochs} epochs at most) → {out}"
            )
        fit(
            out,
            config,
            recipe.train,
            quiet,
            loop=finetune_loop,
            kind=f"finetune-{files.task}",
            keep=2,
        )
        metrics = finish(out, recipe, meta, files.task)
        return FinetuneResult(out=out, metrics=metrics, hf_dir=out / HF_DIR)


def encoded_data(files: TaskFiles, model_dir: Path, recipe: FinetuneRecipe, out: Path) -> dict:
    """The meta of ``out``'s encoded data: reused when encoded from the same inputs."""
    key = data_key(files, model_dir, recipe)
    meta = _prepared(out, key)
    if meta is None:
        meta = prepare(files, model_dir, recipe, out) | {"key": key, "files": _identities(files)}
        write_json(out / DATA / META, meta)
    return meta


def _identities(files: TaskFiles) -> dict[str, Any]:
    """Each data file's path, bytes and sha256, for run.json's lineage."""
    from pipelines.output.manifest import file_identity

    return {
        name: {"path": os.path.abspath(path), **file_identity(path)}
        for name in ("train", "dev", "test")
        if (path := getattr(files, name))
    }


def data_key(files: TaskFiles, model_dir: Path, recipe: FinetuneRecipe) -> str:
    """What decides the encoded data: the files (path, size, mtime), the options, the base
    model's tokenizer and config, the window and the example limits."""
    parts: dict[str, Any] = {"files": asdict(files), "model": str(model_dir)}
    for name in ("train", "dev", "test"):
        path = getattr(files, name)
        if path:
            if not os.path.isfile(path):
                raise InputError(f"--{name} {path}: no such file")
            stat = os.stat(path)
            parts[name] = [stat.st_size, stat.st_mtime_ns]
    for name in ("config.json", "tokenizer.json"):
        f = model_dir / name
        parts[name] = hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else None
    t = recipe.train
    parts["window"] = [recipe.model.max_seq_len, recipe.model.stride]
    parts["limits"] = [t.max_train_examples, t.max_eval_examples]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def _prepared(out: Path, key: str) -> dict[str, Any] | None:
    """The meta of data encoded earlier with the same key (else None: encode again)."""
    path = out / DATA / META
    if not path.is_file():
        return None
    meta = json.loads(path.read_text())
    if meta.get("key") == key:
        return meta
    if ckpt.latest(out) is not None:
        raise ConfigError(
            f"{out} holds a fine-tune of other data, model or window; use a new --output"
        )
    return None


def _check_resume(out: Path, recipe: FinetuneRecipe) -> None:
    previous = ckpt.latest(out)
    if previous is None:
        return
    old = ckpt.read_state(previous)["recipe"]
    changed = [
        f"{section}.{k}"
        for section in ("model", "lora", "optim")
        for k, v in recipe.to_dict()[section].items()
        if old.get(section, {}).get(k) != v
    ]
    if changed:
        raise ConfigError(
            f"{out} was trained with other {', '.join(changed)}; restore them or use a new "
            "--output (epochs and patience may change: a rerun continues)"
        )


def finish(
    out: Path,
    recipe: FinetuneRecipe,
    meta: dict[str, Any],
    task: str,
    *,
    best_dir: Path | None = None,
) -> dict[str, Any]:
    """Score the best epoch's weights (of the run in ``best_dir``, default ``out``: a tune run
    passes its best trial's), export them, write metrics.json and report.txt into ``out``."""
    best_dir = best_dir or out
    best = best_dir / BEST / "model.pt"
    if not best.is_file():
        raise InputError(f"{out}: training ended without a scored epoch; see the log above")
    module = tasks.get(task)
    model = module.build_model(Path(meta["base_model"]), meta, recipe)
    model.load_state_dict(torch.load(best, map_location="cpu", weights_only=True))
    model.eval()
    scores = {}
    for split in ("dev", "test"):
        data = module.load_eval(out, split)
        if data is not None:
            scores[split] = module.evaluate(
                model,
                data,
                meta,
                torch.device("cpu"),
                batch_size=recipe.train.eval_batch_size,
                autocast=contextlib.nullcontext,
                with_report=True,
            )
    reports = {split: s.pop("report") for split, s in scores.items()}
    metrics = summarize(best_dir, recipe, meta, scores, trainable_share(model))
    hf = export(out, merged(model), meta)
    write_json(out / METRICS_JSON, metrics)
    text = "".join(f"== {split} ==\n{r}\n" for split, r in reports.items())
    write_bytes(out / REPORT, text.encode())
    write_run_info(out, recipe, meta, task)
    return metrics | {"hf": str(hf)}


def summarize(
    out: Path,
    recipe: FinetuneRecipe,
    meta: dict[str, Any],
    scores: dict[str, Any],
    params: dict[str, Any],
) -> dict[str, Any]:
    records = read_metrics(out)
    rates = [r["examples_per_s"] for r in records if "examples_per_s" in r]
    epochs = [r for r in records if "dev_f1" in r]
    best = json.loads((out / BEST / "best.json").read_text())
    metrics: dict[str, Any] = {f"{split}_f1": s["f1"] for split, s in scores.items()}
    for split, s in scores.items():
        metrics[split] = s
    metrics |= {
        "best_epoch": best["epoch"],
        "epochs": epochs[-1]["epoch"] if epochs else 0,
        "stopped_early": bool(epochs) and epochs[-1]["epoch"] < recipe.train.epochs,
        "dev_f1_per_epoch": [r["dev_f1"] for r in epochs],
        "examples_per_s": sorted(rates)[len(rates) // 2] if rates else None,
        "parameters": params,
        "peft": recipe.model.peft,
        "data": meta["stats"],
    }
    return metrics


def export(out: Path, model: Any, meta: dict[str, Any]) -> Path:
    """``OUT/hf``: the model (adapters merged) with id2label/label2id, plus the tokenizer."""
    import shutil

    from transformers import AutoTokenizer

    from training.export import no_progress_bars

    tmp = out / f".{HF_DIR}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with no_progress_bars():
        model.save_pretrained(tmp)
    AutoTokenizer.from_pretrained(meta["base_model"]).save_pretrained(tmp)
    shutil.rmtree(out / HF_DIR, ignore_errors=True)
    tmp.rename(out / HF_DIR)
    return out / HF_DIR


def write_run_info(out: Path, recipe: FinetuneRecipe, meta: dict[str, Any], task: str) -> None:
    """``OUT/run.json``: the base model and, when it came from ``forage pretrain``, the corpus
    it was pretrained on (the lineage)."""
    import ray
    import transformers

    base = Path(meta["base_model"])
    pretrain = base.parent / RUN_INFO
    lineage = json.loads(pretrain.read_text()) if pretrain.is_file() else None
    write_json(
        out / RUN_INFO,
        {
            "task": task,
            "base_model": str(base),
            "base_model_config_sha256": hashlib.sha256(
                (base / "config.json").read_bytes()
            ).hexdigest(),
            "pretrain_run": str(base.parent) if lineage else None,
            "pretrain_run_sha256": hashlib.sha256(pretrain.read_bytes()).hexdigest()
            if lineage
            else None,
            "corpus": (lineage or {}).get("corpus"),
            "corpus_manifest_sha256": (lineage or {}).get("manifest_sha256"),
            "corpus_data_dir": (lineage or {}).get("data_dir"),
            "data": meta["stats"],
            "data_files": meta.get("files"),
            "recipe": recipe.to_dict(),
            "recipe_sha256": recipe_sha256(recipe.to_dict()),
            "software": {
                "torch": torch.__version__,
                "transformers": transformers.__version__,
                "ray": ray.__version__,
            },
        },
    )
