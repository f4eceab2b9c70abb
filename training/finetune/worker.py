"""What one rank holds around the fine-tuning loop: the model with its task head (and LoRA),
optimizer, schedule, batches, metrics, early-stopping state and checkpoints."""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import torch
from torch.nn.parallel import DistributedDataParallel as DDP

from pipelines.output.atomic import write_json
from training import checkpoint as ckpt
from training.finetune import tasks
from training.finetune.config import FinetuneRecipe, finetune_recipe_from_dict
from training.finetune.prepare import read_meta, read_split
from training.metrics import MetricsLog
from training.worker import make_optimizer, worker_device

BEST = "best"  # OUT/best/model.pt + best.json: the weights of the best dev epoch
KEEP_CHECKPOINTS = 2


class FtWorker:
    def __init__(self, config: dict[str, Any]):
        self.recipe: FinetuneRecipe = finetune_recipe_from_dict(config["recipe"])
        self.out, self.quiet = Path(config["out"]), config.get("quiet", True)
        self.api, restored = self._session(config.get("session", "train"))
        self.meta = read_meta(Path(config["data_root"]))
        self.task = tasks.get(self.meta["task"])
        self.device = worker_device(self.recipe.train, self.world)
        self._build_model()
        self._open_data(Path(config["data_root"]))
        self.step, self.epoch, self.best, self.best_epoch, self.bad, self.stopped = (
            0,
            0,
            -1.0,
            0,
            0,
            False,
        )
        self._resume(restored)
        self._open_metrics()

    def _session(self, session: str) -> tuple[Any, Any]:
        """(report API, restored Ray checkpoint); rank and world size of this worker."""
        if session == "tune":
            import ray.tune

            self.rank, self.world = 0, 1
            return ray.tune, ray.tune.get_checkpoint()
        import ray.train

        ctx = ray.train.get_context()
        self.rank, self.world = ctx.get_world_rank(), ctx.get_world_size()
        return ray.train, ray.train.get_checkpoint()

    def _build_model(self) -> None:
        t = self.recipe.train
        torch.manual_seed(t.seed)  # the same head initialisation on every rank
        self.hf = self.task.build_model(Path(self.meta["base_model"]), self.meta, self.recipe)
        self.hf.to(self.device)
        self.trainable = [p for p in self.hf.parameters() if p.requires_grad]
        self.optimizer = make_optimizer(self.hf, self.recipe.optim, self.device)
        ids = [self.device.index] if self.device.type == "cuda" else None
        self.model = DDP(self.hf, device_ids=ids) if self.world > 1 else self.hf
        bf16 = t.bf16 if t.bf16 is not None else self.device.type == "cuda"
        self.autocast = functools.partial(
            torch.autocast, self.device.type, dtype=torch.bfloat16, enabled=bf16
        )

    def _open_data(self, root: Path) -> None:
        t = self.recipe.train
        table = read_split(root, "train")
        self.train_ids = split_lists(table["input_ids"])
        labels = table["labels"]
        is_list = pa.types.is_list(labels.type)  # ner: a label per token; classify: one per row
        self.train_labels = split_lists(labels) if is_list else labels.to_numpy().tolist()
        self.eval_tables = {s: self.task.load_eval(root, s) for s in ("dev", "test")}
        self.pad_id = self.meta["pad_id"]
        per_rank = -(-len(self.train_ids) // self.world)
        self.steps_per_epoch = -(-per_rank // t.batch_size)
        total = self.steps_per_epoch * t.epochs
        warmup = int(self.recipe.optim.warmup_ratio * total)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, functools.partial(linear_schedule, warmup=warmup, total=total)
        )
        self.total_steps = total

    def train_batches(self, epoch: int):
        """This rank's batches of ``epoch``: a seeded permutation, split across ranks, batches
        of similar lengths (sorted within chunks of 50 batches), in shuffled order."""
        t = self.recipe.train
        rng = np.random.default_rng([t.seed, epoch])
        order = rng.permutation(len(self.train_ids))
        order = np.resize(order, -(-len(order) // self.world) * self.world)[self.rank :: self.world]
        chunk = t.batch_size * 50
        batches = []
        for start in range(0, len(order), chunk):
            part = sorted(order[start : start + chunk], key=lambda i: len(self.train_ids[i]))
            batches += [part[i : i + t.batch_size] for i in range(0, len(part), t.batch_size)]
        self._examples, self._started = 0, time.perf_counter()
        for b in rng.permutation(len(batches)):
            rows = batches[b]
            self._examples += len(rows) * self.world
            yield tasks.collate(
                [self.train_ids[i] for i in rows],
                [self.train_labels[i] for i in rows],
                self.pad_id,
                self.device,
            )

    def _resume(self, restored: Any) -> None:
        path = ckpt.choose(self.out, restored)
        if path is None:
            return
        state = ckpt.load(
            path,
            model=self.hf,
            optimizer=self.optimizer,
            scheduler=self.scheduler,
            rank=self.rank,
            world_size=self.world,
        )
        d = state.data
        self.step, self.epoch = state.step, d["epoch"]
        self.best, self.best_epoch, self.bad, self.stopped = (
            d["best_f1"],
            d["best_epoch"],
            d["bad_epochs"],
            d["stopped"],
        )

    def _open_metrics(self) -> None:
        self.log = None
        if self.rank == 0:
            self.log = MetricsLog(
                self.out,
                resume_step=self.step,
                baseline=None,
                echo=not self.quiet,
                max_steps=self.total_steps,
            )

    def log_train(self, loss_sum: torch.Tensor, window: int) -> None:
        from training.worker import mean_over_ranks

        loss = mean_over_ranks(loss_sum, self.world) / window
        rate = self._examples / max(time.perf_counter() - self._started, 1e-9)
        lr = self.scheduler.get_last_lr()[0]
        if self.log:
            self.log.write(
                {
                    "step": self.step,
                    "epoch": self.epoch,
                    "loss": loss,
                    "lr": lr,
                    "examples_per_s": rate,
                    "time": round(time.time(), 3),
                }
            )

    @torch.no_grad()
    def evaluate(self, split: str) -> dict[str, Any] | None:
        """Rank 0 scores ``split`` (the others get its scores); None when there is no split."""
        scores = None
        if self.rank == 0 and self.eval_tables.get(split) is not None:
            self.hf.eval()
            scores = self.task.evaluate(
                self.hf,
                self.eval_tables[split],
                self.meta,
                self.device,
                batch_size=self.recipe.train.eval_batch_size,
                autocast=self.autocast,
            )
            self.hf.train()
        if self.world > 1:
            box = [scores]
            torch.distributed.broadcast_object_list(box, src=0)
            scores = box[0]
        return scores

    def end_epoch(self, dev: dict[str, Any] | None) -> None:
        """Keep the best weights, count epochs without progress, checkpoint, report."""
        f1 = dev["f1"] if dev else 0.0
        if f1 > self.best:
            self.best, self.best_epoch, self.bad = f1, self.epoch, 0
            if self.rank == 0:
                self._save_best(dev)
        else:
            self.bad += 1
        patience = self.recipe.train.patience
        self.stopped = bool(patience and self.bad >= patience)
        record = {"step": self.step, "epoch": self.epoch, "dev_f1": f1, "best_dev_f1": self.best}
        if self.log:
            self.log.write(record | {"time": round(time.time(), 3)})
        saved = None
        if self.rank == 0:
            saved = ckpt.save(
                self.out,
                step=self.step,
                model=self.hf,
                optimizer=self.optimizer,
                scheduler=self.scheduler,
                tokens_seen=0,
                recipe=self.recipe.to_dict(),
                data_state={
                    "epoch": self.epoch,
                    "best_f1": self.best,
                    "best_epoch": self.best_epoch,
                    "bad_epochs": self.bad,
                    "stopped": self.stopped,
                },
                rng_states=ckpt.gather_rng_states(1),
                keep=KEEP_CHECKPOINTS,
            )
        ckpt.report(record | {"stopped": self.stopped}, saved, api=self.api)

    def _save_best(self, dev: dict[str, Any]) -> None:
        best = self.out / BEST
        best.mkdir(parents=True, exist_ok=True)
        tmp = best / ".model.pt.tmp"
        torch.save(self.hf.state_dict(), tmp)
        tmp.replace(best / "model.pt")
        write_json(best / "best.json", {"epoch": self.epoch, "step": self.step, "dev": dev})

    def close(self) -> None:
        if self.log:
            self.log.close()


def split_lists(column: pa.ChunkedArray) -> list[np.ndarray]:
    """A list<int> column as one int64 array per row (views of one buffer, no per-row parsing)."""
    flat = column.combine_chunks()
    values = flat.flatten().to_numpy(zero_copy_only=False).astype(np.int64)
    offsets = flat.offsets.to_numpy()
    return np.split(values, offsets[1:-1] - offsets[0])


def linear_schedule(step: int, *, warmup: int, total: int) -> float:
    """Linear warmup to 1 over ``warmup`` steps, then linear decay to 0 at ``total`` (BERT)."""
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))
