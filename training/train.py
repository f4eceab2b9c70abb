"""Pretraining on Ray Train: the per-worker loop (one screen, top to bottom) and ``pretrain()``,
which runs it under a TorchTrainer, resumes a run from its checkpoints and exports a HF model."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from pipelines.core.errors import ConfigError, InputError
from pipelines.core.ray_env import ensure_ray
from pipelines.output.shards import LOGS
from training import checkpoint as ckpt
from training.config import Recipe
from training.data import BlockReader, PackedInfo, open_packed
from training.export import export_hf, load_tokenizer, token_ids, write_run_info
from training.metrics import read_metrics, say
from training.model import padded_vocab
from training.worker import Worker, grad_sync


def train_loop(config: dict[str, Any]) -> None:
    """One worker's training; Ray Train runs it on every rank (in-process in local mode)."""
    w = Worker(config)  # model, optimizer, data, metrics; restored from the newest checkpoint
    t = w.recipe.train
    step, tokens_seen = w.start_step, w.start_tokens
    loss_sum, window = torch.zeros((), device=w.device), 0
    while step < t.max_steps:
        for micro in range(t.grad_accum):
            inputs = w.batch(step * t.grad_accum + micro)
            with grad_sync(w.model, last_micro_step=micro == t.grad_accum - 1):
                with w.autocast():
                    loss = w.model(*inputs) / t.grad_accum
                loss.backward()
            loss_sum += loss.detach()
        if w.recipe.optim.grad_clip:
            torch.nn.utils.clip_grad_norm_(w.hf.parameters(), w.recipe.optim.grad_clip)
        w.optimizer.step()
        w.scheduler.step()
        w.optimizer.zero_grad(set_to_none=True)
        step, tokens_seen, window = step + 1, tokens_seen + w.tokens_per_step, window + 1
        last = step == t.max_steps
        if step % t.log_every == 0 or last:  # the only host sync of a train step
            w.log_train(step, loss_sum, window, tokens_seen)
            loss_sum.zero_()
            window = 0
        if step % t.eval_every == 0 or last:
            w.log_val(step, w.evaluate())
        if step % t.ckpt_every == 0 or last:
            w.checkpoint(step, tokens_seen)
    w.close()


@dataclass(frozen=True, kw_only=True)
class RunResult:
    """What a ``pretrain`` call leaves behind, read back from RUN/metrics.jsonl and the export."""

    steps: int  # the run's step count now
    trained_steps: int  # steps this call trained (0: the run had already reached max_steps)
    first_loss: float | None  # the run's first logged train loss
    last_loss: float | None
    val_loss: float | None  # the latest validation loss
    unigram_baseline_loss: float | None  # the loss of a context-free model, from packed.json
    hf_dir: Path
    resumed_from: int | None  # the checkpoint step this call started from


def pretrain(packed: Any, run_dir: str | Path, recipe: Recipe, *, quiet: bool = False) -> RunResult:
    """Train ``recipe`` on packed data (a data dir, run dir or PackedData-like object) into
    ``run_dir``; continue from its newest checkpoint, so a larger ``max_steps`` extends a run."""
    data = open_packed(packed)
    run = Path(run_dir).resolve()
    recipe = fit_to_data(recipe, data)
    tokenizer = load_tokenizer(data)
    previous = ckpt.latest(run)
    start = ckpt.step_of(previous) if previous else None
    if previous:
        check_resume(previous, recipe, data, quiet)
    if start is not None and start >= recipe.train.max_steps:
        say(
            f"{run} is at step {start} = max_steps: nothing to do (raise max_steps to go on)", quiet
        )
    else:
        if start:
            say(f"resuming {run} from step {start} to {recipe.train.max_steps}", quiet)
        config = loop_config(run, data, recipe, tokenizer, quiet)
        fit(run, config, recipe.train, quiet, keep=recipe.train.keep_checkpoints)
    final = ckpt.latest(run)
    if final is None:
        raise InputError(f"{run}: training finished without a checkpoint; see the log above")
    hf_dir = export_hf(run, final, recipe, tokenizer)
    write_run_info(run, final, recipe, data)
    return summarize(run, data, hf_dir, start)


def fit_to_data(recipe: Recipe, data: PackedInfo) -> Recipe:
    """The recipe with the data's vocabulary; objective and block length must match the data,
    and one global batch must fit in train."""
    m, t = recipe.model, recipe.train
    for key, have, want in (
        ("objective", m.objective, data.objective),
        ("seq_len", m.seq_len, data.seq_len),
    ):
        if have != want:
            raise ConfigError(
                f"{data.dir} was packed with {key}={want} but the recipe has {key}={have}; "
                f"--set {key}={want}, or repack the corpus for {key}={have}"
            )
    if m.vocab_size and m.vocab_size < data.vocab_size:
        raise ConfigError(f"vocab_size={m.vocab_size} is below the tokenizer's {data.vocab_size}")
    world = max(1, t.num_workers)
    BlockReader(data.train_files, batch_size=t.batch_size, rank=0, world_size=world, seed=t.seed)
    return recipe.replace(vocab_size=m.vocab_size or data.vocab_size)


def loop_config(
    run: Path, data: PackedInfo, recipe: Recipe, tokenizer: Any, quiet: bool
) -> dict[str, Any]:
    """What every worker's ``train_loop`` receives: plain values, so Ray can ship them."""
    return {
        "recipe": recipe.to_dict(),
        "run_dir": str(run),
        "data_dir": str(data.dir),
        "model_vocab": padded_vocab(recipe.model.vocab_size, recipe.model.vocab_multiple),
        "tokens": token_ids(tokenizer),
        "masking": masking_ids(tokenizer, recipe),
        "baseline": data.info.get("unigram_baseline_loss"),
        "data_id": data_identity(data),
        "quiet": quiet,
    }


def data_identity(data: PackedInfo) -> dict[str, Any]:
    return {k: data.info.get(k) for k in ("manifest_sha256", "tokenizer_sha256")}


def check_resume(previous: Path, recipe: Recipe, data: PackedInfo, quiet: bool) -> None:
    """Refuse to resume a checkpoint into a different model or tokenizer; say when the data
    order will differ from an uninterrupted run."""
    state, data_id = ckpt.read_state(previous), data_identity(data)
    old, new = state["recipe"]["model"], recipe.to_dict()["model"]
    changed = [f"{k}={old.get(k)!r}" for k in new if old.get(k) != new[k]]
    if changed:
        raise ConfigError(
            f"{previous} was trained with {', '.join(changed)}; restore those settings or "
            "train in a new run directory"
        )
    if state["data"].get("tokenizer_sha256") != data_id["tokenizer_sha256"]:
        raise ConfigError(f"{previous} was trained with another tokenizer; use a new run directory")
    if state["data"].get("manifest_sha256") != data_id["manifest_sha256"]:
        say(
            "the corpus changed since the last checkpoint; training continues on the new data",
            quiet,
        )
    t = recipe.train
    now = {
        "seed": t.seed,
        "batch_size": t.batch_size,
        "grad_accum": t.grad_accum,
        "world_size": max(1, t.num_workers),
    }
    if any(state["data"].get(k) != v for k, v in now.items()):
        say(
            "seed, batch size, accumulation or workers changed: the data order differs from an uninterrupted run",
            quiet,
        )


def fit(
    run: Path,
    config: dict[str, Any],
    t: Any,
    quiet: bool,
    *,
    loop: Callable[[dict[str, Any]], None] = train_loop,
    kind: str = "pretrain",
    keep: int = 3,
) -> None:
    """Run ``loop`` under a TorchTrainer with ``t``'s workers (a TrainConfig or a fine-tune
    one). ``num_workers=0`` is Ray Train's local mode: in-process, no Ray cluster, no
    FailureConfig; otherwise a failed worker group restarts from the newest checkpoint up to
    twice, and a re-run with the same run dir resumes."""
    from ray.train import CheckpointConfig, FailureConfig, RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer

    # Local mode logs every report ("Reported metrics: ...") at INFO; metrics.jsonl has them.
    logging.getLogger("ray.train").setLevel(logging.WARNING)
    if t.num_workers:
        ensure_ray(None, log_dir=run / LOGS, worker_output=not quiet)  # rank 0's progress
    trainer = TorchTrainer(
        loop,
        train_loop_config=config,
        scaling_config=ScalingConfig(
            num_workers=t.num_workers,
            use_gpu=t.use_gpu,
            resources_per_worker={"CPU": t.cpus_per_worker} | ({"GPU": 1} if t.use_gpu else {}),
        ),
        run_config=RunConfig(
            name=f"{kind}-{run.name}-{hashlib.sha256(str(run).encode()).hexdigest()[:8]}",
            storage_path=str(run / "ray"),
            failure_config=FailureConfig(max_failures=2),
            checkpoint_config=CheckpointConfig(num_to_keep=keep),
        ),
    )
    trainer.fit()


def masking_ids(tokenizer: Any, recipe: Recipe) -> dict[str, Any]:
    if recipe.model.objective != "mlm":
        return {}
    if tokenizer.mask_token_id is None:
        raise InputError("objective=mlm needs a tokenizer with a mask token (<mask>)")
    return {
        "mask_id": tokenizer.mask_token_id,
        "special_ids": tuple(sorted(set(tokenizer.all_special_ids))),
        "vocab_size": len(tokenizer),
    }


def summarize(run: Path, data: PackedInfo, hf_dir: Path, start: int | None) -> RunResult:
    records = read_metrics(run)
    losses = [r for r in records if "loss" in r]
    vals = [r["val_loss"] for r in records if "val_loss" in r]
    steps = ckpt.step_of(ckpt.latest(run))
    return RunResult(
        steps=steps,
        trained_steps=steps - (start or 0),
        first_loss=losses[0]["loss"] if losses else None,
        last_loss=losses[-1]["loss"] if losses else None,
        val_loss=vals[-1] if vals else None,
        unigram_baseline_loss=data.info.get("unigram_baseline_loss"),
        hf_dir=hf_dir,
        resumed_from=start,
    )
