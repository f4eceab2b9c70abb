"""Resumable checkpoints in ``RUN/checkpoints/step-XXXXXXX/``: model, optimizer, LR scheduler, every
rank's RNG, data position, tokens seen and the recipe. Rank 0 writes; a directory appears only
complete (written under a temporary name, then renamed)."""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

CHECKPOINTS = "checkpoints"
MODEL_FILE = "model.pt"  # the HF model's state_dict
TRAINER_FILE = "trainer.pt"  # optimizer, scheduler, per-rank RNG states
STATE_FILE = "state.json"  # step, tokens_seen, data position, recipe: readable without torch
POINTER_FILE = "forage_checkpoint.json"  # what Ray Train stores: a pointer to the real checkpoint


@dataclass(frozen=True, kw_only=True)
class Resumed:
    path: Path
    step: int
    tokens_seen: int
    data: dict[str, Any]
    recipe: dict[str, Any]


def checkpoint_path(run_dir: str | Path, step: int) -> Path:
    return Path(run_dir) / CHECKPOINTS / f"step-{step:07d}"


def step_of(path: Path) -> int:
    return int(path.name.removeprefix("step-"))


def list_checkpoints(run_dir: str | Path) -> list[Path]:
    """Complete checkpoints, oldest first."""
    root = Path(run_dir) / CHECKPOINTS
    found = [p for p in root.glob("step-*") if (p / STATE_FILE).is_file()] if root.is_dir() else []
    return sorted(found, key=step_of)


def latest(run_dir: str | Path) -> Path | None:
    found = list_checkpoints(run_dir)
    return found[-1] if found else None


def read_state(path: Path) -> dict[str, Any]:
    return json.loads((path / STATE_FILE).read_text())


def rng_state() -> dict[str, Any]:
    """This process's RNG states in types ``torch.load(weights_only=True)`` accepts."""
    np_state = np.random.get_state(legacy=False)
    np_state["state"]["key"] = np_state["state"]["key"].tolist()
    return {
        "python": random.getstate(),
        "numpy": np_state,
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np_state = dict(state["numpy"])
    np_state["state"] = dict(np_state["state"], key=np.array(np_state["state"]["key"], np.uint32))
    np.random.set_state(np_state)
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def gather_rng_states(world_size: int) -> list[dict[str, Any]]:
    """Every rank's RNG state, on every rank (a collective: all ranks must call it)."""
    if world_size == 1:
        return [rng_state()]
    states: list[Any] = [None] * world_size
    torch.distributed.all_gather_object(states, rng_state())
    return states


def save(
    run_dir: str | Path,
    *,
    step: int,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    tokens_seen: int,
    data_state: dict[str, Any],
    recipe: dict[str, Any],
    rng_states: list[dict[str, Any]],
    keep: int,
) -> Path:
    """Write checkpoint ``step`` atomically and delete all but the newest ``keep``; rank 0 only."""
    final = checkpoint_path(run_dir, step)
    tmp = final.with_name(f".{final.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    torch.save(model.state_dict(), tmp / MODEL_FILE)
    trainer = {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}
    torch.save(trainer | {"rng": rng_states}, tmp / TRAINER_FILE)
    state = {"step": step, "tokens_seen": tokens_seen, "data": data_state, "recipe": recipe}
    (tmp / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")
    shutil.rmtree(final, ignore_errors=True)
    tmp.rename(final)  # the commit point
    for old in list_checkpoints(run_dir)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def load(
    path: Path,
    *,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    rank: int,
    world_size: int,
) -> Resumed:
    """Restore everything ``save`` wrote into live objects; RNG only if the world size matches."""
    model.load_state_dict(torch.load(path / MODEL_FILE, map_location="cpu", weights_only=True))
    trainer = torch.load(path / TRAINER_FILE, map_location="cpu", weights_only=True)
    optimizer.load_state_dict(trainer["optimizer"])
    scheduler.load_state_dict(trainer["scheduler"])
    if len(trainer["rng"]) == world_size:
        set_rng_state(trainer["rng"][rank])
    state = read_state(path)
    return Resumed(
        path=path,
        step=state["step"],
        tokens_seen=state["tokens_seen"],
        data=state["data"],
        recipe=state["recipe"],
    )


def choose(run_dir: str | Path, ray_checkpoint: Any) -> Path | None:
    """The newer of the run's latest checkpoint and the one Ray Train restored after a failure
    (``ray.train.get_checkpoint()``, a pointer written by :func:`report`)."""
    found = [p for p in [latest(run_dir)] if p is not None]
    if ray_checkpoint is not None:
        with ray_checkpoint.as_directory() as directory:
            pointer = Path(directory) / POINTER_FILE
            if pointer.is_file():
                target = Path(json.loads(pointer.read_text())["path"])
                if (target / STATE_FILE).is_file():
                    found.append(target)
    return max(found, key=step_of, default=None)


def report(metrics: dict[str, Any], saved: Path | None, *, api: Any = None) -> None:
    """``ray.train.report`` with a small pointer checkpoint for ``saved`` (rank 0 passes the path,
    other ranks None). Every rank must call this equally often: report is a collective. Ray
    stores the pointer, not a second copy of a 1.5 GB checkpoint; ``RUN`` must therefore be on
    storage every worker sees (it already must be: the packed data lives there). ``api``:
    ``ray.train`` (default) or ``ray.tune``, which report the same way."""
    import ray.train

    api = api or ray.train  # ray.tune in a Tune trial that trains in-process
    if saved is None:
        api.report(metrics)
        return
    with tempfile.TemporaryDirectory() as tmp:
        pointer = {"path": str(saved.resolve()), "step": step_of(saved)}
        (Path(tmp) / POINTER_FILE).write_text(json.dumps(pointer) + "\n")
        api.report(metrics, checkpoint=api.Checkpoint.from_directory(tmp))
