"""Two gloo DDP workers under a real TorchTrainer, one of them killed mid-run (~45 s on 2 cores:
the one multi-worker test)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.training.test_train_loop import tiny
from training import checkpoint as ckpt
from training.metrics import read_metrics
from training.synthetic import write_packed
from training.train import pretrain


def descendants(root: int) -> list[int]:
    """Process ids below ``root`` (Linux /proc): Ray's raylet and, under it, the workers."""
    parents = {}
    for entry in os.listdir("/proc"):
        try:
            parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])  # fmt: skip
        except (ValueError, OSError):
            continue
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found += children
        frontier += children
    return found


def kill_a_worker_after(run: Path, step: int, killed: list[int]) -> None:
    """SIGKILL one Ray Train worker once ``run`` has logged ``step`` (between checkpoints)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if any(r.get("step", 0) >= step for r in read_metrics(run) if "loss" in r):
            for pid in descendants(os.getpid()):
                try:
                    command = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if command.startswith(b"ray::RayTrainWorker"):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                        killed.append(pid)
                    return
        time.sleep(0.02)


def test_two_workers_survive_a_kill_and_match_one_worker(ray_local, tmp_path):
    """Rank r reads slice r of each global micro-batch and DDP averages gradients (synced on
    the last of 2 accumulation steps), so 2 workers x 4 blocks follow the loss curve of
    1 worker x 8 blocks, up to float summation order. A worker killed after step 7 makes Ray
    restart the group from the newest checkpoint; the redone steps replace the logged ones
    and reproduce them."""
    data = write_packed(tmp_path, seq_len=32, train_blocks=256, rows_per_group=64)
    common = ("max_steps=40", "grad_accum=2", "ckpt_every=5", "decay_steps=40")
    one = pretrain(data, tmp_path / "one", tiny(*common, "batch_size=8"), quiet=True)
    killed: list[int] = []
    killer = threading.Thread(target=kill_a_worker_after, args=(tmp_path / "two", 7, killed))
    killer.start()
    two = pretrain(
        data, tmp_path / "two", tiny(*common, "batch_size=4", "num_workers=2"), quiet=True
    )
    killer.join()
    assert len(killed) == 1 and (two.steps, two.trained_steps) == (40, 40)
    losses = {
        name: [r["loss"] for r in read_metrics(tmp_path / name) if "loss" in r]
        for name in ("one", "two")
    }
    assert [r["step"] for r in read_metrics(tmp_path / "two") if "loss" in r] == list(range(1, 41))
    assert losses["two"] == pytest.approx(losses["one"], rel=1e-5)
    assert two.val_loss == pytest.approx(one.val_loss, rel=1e-5)
    state = ckpt.read_state(ckpt.latest(tmp_path / "two"))
    assert state["data"]["world_size"] == 2 and state["tokens_seen"] == 40 * 2 * 2 * 4 * 32
    # Ray Train stores small pointers to our checkpoints, not second copies of them.
    pointers = list((tmp_path / "two" / "ray").rglob(ckpt.POINTER_FILE))
    assert pointers and all(len(list(p.parent.iterdir())) == 1 for p in pointers)
    targets = {json.loads(p.read_text())["path"] for p in pointers}
    assert str(ckpt.checkpoint_path(tmp_path / "two", 40).resolve()) in targets
