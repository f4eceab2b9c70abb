"""Ray Train's cost on CPU: steady-state training tokens/s of ``pretrain()`` in local mode and
with one Ray Train worker, against a plain PyTorch loop on the same model and packed data.

a. plain: build_model + the BlockReader + AdamW/LambdaLR in a bare ``for`` loop; no metrics,
   checkpoints, Ray or DDP. Timed over the steps after ``--warmup``.
b. local: ``pretrain(num_workers=0)``: Ray Train local mode, in-process.
c. ray-1: ``pretrain(num_workers=1, cpus_per_worker=all)``: one Ray Train worker actor (the
   real V2 controller) holding the machine's CPUs, as the plain loop does.
d. thread: the plain loop in a second thread of this process (``--modes ...,thread``). Ray
   Train V2 runs the train function in a thread of the worker actor, not its main thread; this
   control shows what that alone costs on CPU, without Ray.

Both pretrain modes log every ``--log-every`` steps; their steady state is total tokens over
total time of the logged windows after ``--warmup`` (eval and the final checkpoint excluded, as
the loop's Throughput does). Wall time includes start-up (imports, Ray, worker group) once.
Modes run interleaved ``--repeat`` times; medians are shown. Absolute numbers mean little on a
shared 2-core machine; the ratios are the result.

    .venv/bin/python benchmarks/train_overhead.py [--recipe smoke] [--steps 300] [--warmup 50]
                                                  [--repeat 3] [--modes plain,local,ray-1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RAY_AUTH_MODE", "disabled")


def plain_loop(data_dir: Path, recipe, steps: int, warmup: int) -> float:
    """Tokens/s of a bare PyTorch loop after ``warmup`` steps."""
    import torch

    from training.data import BlockReader, open_packed
    from training.model import build_model, loss_module, padded_vocab
    from training.worker import lr_schedule, make_optimizer

    m, t = recipe.model, recipe.train
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    torch.manual_seed(t.seed)
    hf = build_model(m, vocab_size=padded_vocab(m.vocab_size, m.vocab_multiple), token_ids={})
    model = loss_module(hf, m.objective)
    optimizer = make_optimizer(hf, recipe.optim, torch.device("cpu"))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_schedule(recipe.optim, steps))
    reader = BlockReader(open_packed(data_dir).train_files, batch_size=t.batch_size, rank=0,
                         world_size=1, seed=t.seed)  # fmt: skip
    for step in range(steps):
        if step == warmup:
            start = time.perf_counter()
        loss = model(reader.batch(step))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(hf.parameters(), recipe.optim.grad_clip)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
    loss.item()
    return (steps - warmup) * t.batch_size * m.seq_len / (time.perf_counter() - start)


def run_mode(mode: str, data: Path, recipe, sets: list[str], args, run: Path) -> float:
    """Steady-state tokens/s of one run of ``mode``; ray-1 starts and stops its own Ray, so
    its background processes do not slow the other modes."""
    from training.config import load_recipe
    from training.train import pretrain

    if mode == "plain":
        return plain_loop(data, recipe, args.steps, args.warmup)
    if mode == "thread":
        out: list[float] = []
        worker = threading.Thread(
            target=lambda: out.append(plain_loop(data, recipe, args.steps, args.warmup))
        )
        worker.start()
        worker.join()
        return out[0]
    workers = {"local": 0, "ray-1": 1}[mode]
    cpus = len(os.sched_getaffinity(0))  # the same process budget as the plain loop
    if workers:
        import ray

        ray.init(num_cpus=len(os.sched_getaffinity(0)), include_dashboard=False,
                 log_to_driver=False)  # fmt: skip
    try:
        options = [*sets, f"num_workers={workers}", f"cpus_per_worker={cpus}"]
        pretrain(data, run, load_recipe(args.recipe, options), quiet=True)
    finally:
        if workers:
            ray.shutdown()
    from training.metrics import read_metrics, steady_rate

    return steady_rate(read_metrics(run), args.warmup)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", default="smoke")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--log-every", type=int, default=25)
    parser.add_argument("--modes", default="plain,local,ray-1")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    from training.config import load_recipe
    from training.synthetic import write_packed

    tmp = Path(tempfile.mkdtemp(prefix="train-overhead-"))
    base = load_recipe(args.recipe)
    data = write_packed(tmp, seq_len=base.model.seq_len, train_blocks=4096, val_blocks=64)
    vocab = json.loads((data / "packed.json").read_text())["vocab_size"]
    sets = [f"max_steps={args.steps}", f"log_every={args.log_every}", f"eval_every={args.steps}",
            f"ckpt_every={args.steps}", "eval_steps=2", f"decay_steps={args.steps}"]  # fmt: skip
    recipe = load_recipe(args.recipe, sets).replace(vocab_size=vocab)
    print(f"{args.recipe}: L={recipe.model.n_layer} d={recipe.model.d_model} T={recipe.model.seq_len} "
          f"B={recipe.train.batch_size} V={vocab}, {args.steps} steps, warmup {args.warmup}, "
          f"{len(os.sched_getaffinity(0))} CPUs")  # fmt: skip
    rates: dict[str, list[float]] = {}
    walls: dict[str, list[float]] = {}
    for repeat in range(args.repeat):  # interleaved, so drift on a shared machine hits all modes
        for mode in args.modes.split(","):
            start = time.perf_counter()
            rate = run_mode(mode, data, recipe, sets, args, tmp / f"{mode}-{repeat}")
            rates.setdefault(mode, []).append(rate)
            walls.setdefault(mode, []).append(time.perf_counter() - start)
    results = {
        mode: {
            "tokens_per_s": statistics.median(r),
            "runs": r,
            "wall_s": statistics.median(walls[mode]),
        }
        for mode, r in rates.items()
    }
    plain = results.get("plain", {}).get("tokens_per_s")
    print(f"median of {args.repeat}: {'mode':8} {'tokens/s':>10} {'vs plain':>9} {'wall s':>8}")
    for mode, r in results.items():
        ratio = f"{r['tokens_per_s'] / plain:.3f}" if plain else "-"
        runs = " ".join(f"{x:,.0f}" for x in r["runs"])
        print(
            f"{'':13}{mode:8} {r['tokens_per_s']:10,.0f} {ratio:>9} {r['wall_s']:8.1f}   ({runs})"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
