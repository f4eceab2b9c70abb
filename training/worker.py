"""What one rank holds around the train loop: model, optimizer, schedule, data, metrics and
checkpoints, set up in the order the loop needs them; plus the loop's small helpers."""

from __future__ import annotations

import contextlib
import functools
import math
import os
import time
from pathlib import Path
from typing import Any

import torch
from torch.nn.parallel import DistributedDataParallel as DDP

from pipelines.core.errors import ConfigError
from training import checkpoint as ckpt
from training.config import OptimConfig, TrainConfig, recipe_from_dict
from training.data import BlockReader, open_packed, val_batches
from training.metrics import MetricsLog, Throughput, peak_flops
from training.model import (
    Masking,
    batch_inputs,
    build_model,
    flops_per_token,
    generator_for,
    loss_module,
)

TRAIN_STREAM, VAL_STREAM = 0, 1  # keys that keep the train and val masking draws apart


class Worker:
    """Everything one rank holds around the loop, set up in the order the loop needs it."""

    def __init__(self, config: dict[str, Any]):
        import ray.train

        self.recipe = recipe_from_dict(config["recipe"])
        self.run_dir, self.data_id = Path(config["run_dir"]), config["data_id"]
        ctx = ray.train.get_context()
        self.rank, self.world = ctx.get_world_rank(), ctx.get_world_size()
        self.device = worker_device(self.recipe.train, ctx.get_local_world_size())
        self._build_model(config)
        self.start_step, self.start_tokens = self._resume(ray.train.get_checkpoint())
        self._open_data(config)
        self._open_metrics(config)

    def _build_model(self, config: dict[str, Any]) -> None:
        m, t = self.recipe.model, self.recipe.train
        torch.manual_seed(t.seed)  # identical initial weights on every rank
        self.hf = build_model(m, vocab_size=config["model_vocab"], token_ids=config["tokens"])
        self.hf.to(self.device)
        self.core = loss_module(self.hf, m.objective)  # the HF model stays intact inside
        self.optimizer = make_optimizer(self.hf, self.recipe.optim, self.device)
        self.schedule = lr_schedule(self.recipe.optim, t.max_steps)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, self.schedule)
        torch.manual_seed(t.seed + self.rank)  # dropout differs across ranks
        model = torch.compile(self.core) if t.compile else self.core
        ids = [self.device.index] if self.device.type == "cuda" else None
        self.model = DDP(model, device_ids=ids) if self.world > 1 else model
        bf16 = t.bf16 if t.bf16 is not None else self.device.type == "cuda"
        self.autocast = functools.partial(
            torch.autocast, self.device.type, dtype=torch.bfloat16, enabled=bf16
        )
        on_gpu = self.device.type == "cuda" and bf16
        self.peak = peak_flops(torch.cuda.get_device_name(self.device)) if on_gpu else None

    def _resume(self, ray_checkpoint: Any) -> tuple[int, int]:
        """Load the newest checkpoint (the run's, or Ray's after a worker-group restart):
        (step, tokens seen), (0, 0) for a fresh run."""
        resume = ckpt.choose(self.run_dir, ray_checkpoint)
        if resume is None:
            return 0, 0
        state = ckpt.load(
            resume,
            model=self.hf,
            optimizer=self.optimizer,
            scheduler=self.scheduler,
            rank=self.rank,
            world_size=self.world,
        )
        # The next step's LR under this run's schedule (a new max_steps moves the horizon).
        for group, base in zip(self.optimizer.param_groups, self.scheduler.base_lrs):
            group["lr"] = base * self.schedule(self.scheduler.last_epoch)
        return state.step, state.tokens_seen

    def _open_data(self, config: dict[str, Any]) -> None:
        m, t = self.recipe.model, self.recipe.train
        data = open_packed(config["data_dir"])
        shard = dict(batch_size=t.batch_size, rank=self.rank, world_size=self.world)
        self.reader = BlockReader(data.train_files, seed=t.seed, **shard)
        self.val = val_batches(data.val_files, max_batches=t.eval_steps, **shard)
        masking = config["masking"]
        self.masking = Masking(prob=t.mask_prob, **masking) if m.objective == "mlm" else None
        self.tokens_per_step = t.batch_size * m.seq_len * t.grad_accum * self.world

    def _open_metrics(self, config: dict[str, Any]) -> None:
        m, t = self.recipe.model, self.recipe.train
        self.speed = Throughput(
            tokens_per_step=self.tokens_per_step,
            flops_per_token=flops_per_token(self.hf, m, t.mask_prob),
            peak=self.peak and self.peak * self.world,
        )
        self.log, self.last = None, {}
        if self.rank == 0:
            self.log = MetricsLog(
                self.run_dir,
                resume_step=self.start_step,
                baseline=config["baseline"],
                echo=not config["quiet"],
                max_steps=self.recipe.train.max_steps,
            )

    def batch(self, micro_batch: int) -> tuple[torch.Tensor, ...]:
        """The loss inputs of global micro-batch ``micro_batch`` on this rank, on the device."""
        seed = self.recipe.train.seed
        with self.speed.waiting():  # host time spent producing the batch (no device sync)
            generator = generator_for(seed, TRAIN_STREAM, micro_batch, self.rank)
            return batch_inputs(
                self.reader.batch(micro_batch), self.masking, generator, self.device
            )

    def log_train(self, step: int, loss_sum: torch.Tensor, window: int, tokens: int) -> None:
        rate, mfu, data_wait = self.speed(window)
        loss = mean_over_ranks(loss_sum, self.world) / window
        lr = self.scheduler.base_lrs[0] * self.schedule(step - 1)  # the LR step `step` used
        self.last = {"step": step, "loss": loss, "lr": lr, "tokens": tokens, "tokens_per_s": rate}
        self.last |= {"mfu": mfu, "data_wait": data_wait, "time": round(time.time(), 3)}
        if self.log:
            self.log.write(self.last)

    def log_val(self, step: int, val_loss: float | None) -> None:
        """Write a validation record (rank 0); ``val_loss`` is None when val has no batch."""
        if self.log and val_loss is not None:
            self.log.write({"step": step, "val_loss": val_loss})
            self.last["val_loss"] = val_loss

    @torch.no_grad()
    def evaluate(self) -> float | None:
        """Mean loss over the fixed validation batches (with fixed masks), averaged over ranks."""
        if not self.val:
            return None
        with self.speed.paused():
            return self._evaluate()

    def _evaluate(self) -> float:
        self.core.eval()
        total = torch.zeros((), device=self.device)
        for i, tokens in enumerate(self.val):
            generator = generator_for(self.recipe.train.seed, VAL_STREAM, i, self.rank)
            inputs = batch_inputs(tokens, self.masking, generator, self.device)
            with self.autocast():
                total += self.core(*inputs).float()
        self.core.train()
        return mean_over_ranks(total, self.world) / len(self.val)

    def checkpoint(self, step: int, tokens_seen: int) -> None:
        """Rank 0 writes; every rank reports (``ray.train.report`` is a collective)."""
        with self.speed.paused():
            self._checkpoint(step, tokens_seen)

    def _checkpoint(self, step: int, tokens_seen: int) -> None:
        t = self.recipe.train
        rng = ckpt.gather_rng_states(self.world)
        saved = None
        if self.rank == 0:
            saved = ckpt.save(
                self.run_dir,
                step=step,
                model=self.hf,
                optimizer=self.optimizer,
                scheduler=self.scheduler,
                tokens_seen=tokens_seen,
                recipe=self.recipe.to_dict(),
                data_state=self.reader.state(step, t.grad_accum) | self.data_id,
                rng_states=rng,
                keep=t.keep_checkpoints,
            )
        ckpt.report({k: v for k, v in self.last.items() if v is not None}, saved)

    def close(self) -> None:
        if self.log:
            self.log.close()


def worker_device(t: TrainConfig, local_world_size: int) -> torch.device:
    """This worker's device; on CPU, the node's cores are split between its workers."""
    if not t.use_gpu:
        cores = len(os.sched_getaffinity(0)) // max(1, local_world_size)
        if t.num_workers:  # the CPUs Ray reserved for this worker, if the node has them
            cores = min(cores, t.cpus_per_worker)
        elif os.environ.get("OMP_NUM_THREADS", "").isdigit():
            # Local mode inside a Ray task (an experiment cell): Ray set the task's CPU count.
            cores = min(cores, int(os.environ["OMP_NUM_THREADS"]))
        torch.set_num_threads(max(1, cores))
        return torch.device("cpu")
    if not torch.cuda.is_available():
        raise ConfigError("use_gpu=true but this worker sees no CUDA device; set use_gpu=false")
    if t.num_workers == 0:  # local mode: no Ray worker, so no Ray-assigned GPU
        device = torch.device("cuda", torch.cuda.current_device())
    else:
        import ray.train.torch

        device = ray.train.torch.get_device()
    torch.cuda.set_device(device)
    torch.backends.cuda.matmul.allow_tf32 = True  # fp32 leftovers (norms, softmax) on tensor cores
    torch.backends.cudnn.allow_tf32 = True
    return device


def make_optimizer(hf: torch.nn.Module, o: OptimConfig, device: torch.device) -> torch.optim.AdamW:
    """AdamW with weight decay on 2-D weights only (nanoGPT); fused kernels on GPU."""
    params = [p for p in hf.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": o.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    fused = True if device.type == "cuda" else None
    return torch.optim.AdamW(groups, lr=o.lr, betas=tuple(o.betas), fused=fused)


def lr_schedule(o: OptimConfig, max_steps: int) -> functools.partial:
    return functools.partial(lr_factor, o=o, horizon=o.decay_steps or max_steps)


def lr_factor(step: int, *, o: OptimConfig, horizon: int) -> float:
    """LR multiplier for 0-based optimizer step ``step``: linear warmup, cosine from 1 down to
    min_lr/lr at ``horizon``, flat after."""
    if step < o.warmup_steps:
        return (step + 1) / o.warmup_steps
    progress = min(1.0, (step - o.warmup_steps) / max(1, horizon - o.warmup_steps))
    floor = o.min_lr / o.lr
    return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def grad_sync(model: torch.nn.Module, *, last_micro_step: bool) -> Any:
    """Under DDP, all-reduce gradients only on the last micro-step of an accumulation."""
    if isinstance(model, DDP) and not last_micro_step:
        return model.no_sync()
    return contextlib.nullcontext()


def mean_over_ranks(value: torch.Tensor, world: int) -> float:
    if world > 1:
        value = value.detach().clone()
        torch.distributed.all_reduce(value)
        value /= world
    return value.item()
