"""The fine-tuning loop (one screen, top to bottom): epochs over the encoded train split, dev
scored after each, early stopping on dev F1, a checkpoint and a report per epoch. Ray Train runs
it on every rank (in-process in local mode); a Tune trial runs it directly."""

from __future__ import annotations

from typing import Any

import torch

from training.finetune.worker import FtWorker


def finetune_loop(config: dict[str, Any]) -> None:
    w = FtWorker(config)  # model (+ LoRA), optimizer, schedule, batches; resumed from a checkpoint
    t = w.recipe.train
    while w.epoch < t.epochs and not w.stopped:
        loss_sum, window = torch.zeros((), device=w.device), 0
        for inputs in w.train_batches(w.epoch):
            with w.autocast():
                loss = w.model(**inputs).loss
            loss.backward()
            if w.recipe.optim.grad_clip:
                torch.nn.utils.clip_grad_norm_(w.trainable, w.recipe.optim.grad_clip)
            w.optimizer.step()
            w.scheduler.step()
            w.optimizer.zero_grad(set_to_none=True)
            w.step, window = w.step + 1, window + 1
            loss_sum += loss.detach()
            if w.step % t.log_every == 0:  # the only host sync of a step
                w.log_train(loss_sum, window)
                loss_sum.zero_()
                window = 0
        if window:
            w.log_train(loss_sum, window)
        w.epoch += 1
        w.end_epoch(w.evaluate("dev"))  # best weights, patience, checkpoint, report
    w.close()
