"""GPT-2 124M (12 x 768, T=1024, vocab 50304) on one GPU: training tokens/s and MFU.

a. raw: the model from ``training.model.build_model``, bf16 autocast, fused AdamW,
   torch.compile, random tokens already on the GPU: the ceiling for these settings.
b. loop: ``pretrain()`` with the gpt2-124m recipe in Ray Train local mode on synthetic packed
   data (the vocabulary overridden to GPT-2's 50257, so the LM head costs what it costs for
   GPT-2); tokens/s and MFU from metrics.jsonl after the warm-up steps.

MFU = tokens/s x (6N + 12·L·d·T) / peak, N without position embeddings and with the tied head
once (training.model.flops_per_token); peak is dense BF16 by device name (H100 SXM / H200:
989 TFLOP/s). Compilation and the first steps are excluded (``--warmup``).

    .venv/bin/python benchmarks/gpu_pretrain.py [--steps 60] [--warmup 15] [--batch-size 32]
    .venv/bin/python benchmarks/gpu_pretrain.py --device cpu --steps 2   # smoke check, no GPU
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RAY_AUTH_MODE", "disabled")

GPT2_VOCAB = 50257
LOG_EVERY = 5  # the loop syncs the host once per log; every step would cost throughput


def raw_loop(recipe, args) -> dict:
    import torch

    from training.metrics import peak_flops
    from training.model import build_model, flops_per_token, loss_module, padded_vocab
    from training.worker import make_optimizer

    m, device = recipe.model, torch.device(args.device)
    torch.manual_seed(0)
    hf = build_model(m, vocab_size=padded_vocab(GPT2_VOCAB, m.vocab_multiple), token_ids={})
    hf.to(device)
    model = loss_module(hf, m.objective)
    model = torch.compile(model) if args.compile else model
    optimizer = make_optimizer(hf, recipe.optim, device)
    tokens = torch.randint(0, GPT2_VOCAB, (args.batch_size, m.seq_len), device=device)
    bf16 = device.type == "cuda"
    for step in range(args.steps):
        if step == args.warmup:
            sync(device)
            start = time.perf_counter()
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            loss = model(tokens)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(hf.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    sync(device)
    rate = (args.steps - args.warmup) * args.batch_size * m.seq_len / (time.perf_counter() - start)
    peak = peak_flops(torch.cuda.get_device_name(device)) if bf16 else None
    flops = flops_per_token(hf, m)
    return {"tokens_per_s": rate, "mfu": rate * flops / peak if peak else None, "flops": flops}


def train_loop(recipe_sets: list[str], args, tmp: Path) -> dict:
    from training.config import load_recipe
    from training.metrics import read_metrics, steady_rate
    from training.synthetic import write_packed
    from training.train import pretrain

    seq_len = load_recipe("gpt2-124m", recipe_sets).model.seq_len
    blocks = max(64, 2 * args.batch_size)
    data = write_packed(tmp, seq_len=seq_len, train_blocks=blocks, val_blocks=args.batch_size)
    sets = [*recipe_sets, f"vocab_size={GPT2_VOCAB}", f"max_steps={args.steps}",
            f"log_every={args.log_every}", f"eval_every={args.steps}", "eval_steps=1",
            f"ckpt_every={args.steps}", "grad_accum=1", "num_workers=0"]  # fmt: skip
    pretrain(data, tmp / "run", load_recipe("gpt2-124m", sets), quiet=True)
    records = [r for r in read_metrics(tmp / "run") if "tokens_per_s" in r]
    rate = steady_rate(records, args.warmup)
    last = records[-1]
    mfu = rate * last["mfu"] / last["tokens_per_s"] if last["mfu"] is not None else None
    return {"tokens_per_s": rate, "mfu": mfu}


def sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=None, help="default: 15 on GPU, 1 on CPU")
    parser.add_argument("--batch-size", type=int, default=None, help="default: 32 GPU, 1 CPU")
    parser.add_argument("--seq-len", type=int, default=None, help="default: 1024 GPU, 128 CPU")
    parser.add_argument("--no-compile", dest="compile", action="store_false")
    parser.add_argument("--modes", default="raw,loop")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    gpu = args.device.startswith("cuda")
    warmup = args.warmup if args.warmup is not None else (15 if gpu else 1)
    args.warmup = min(warmup, args.steps - 1)
    args.log_every = LOG_EVERY if gpu else 1
    if gpu and args.steps - args.warmup < 2 * LOG_EVERY:
        parser.error(f"--steps must exceed --warmup by {2 * LOG_EVERY} for a steady-state window")
    args.batch_size = args.batch_size or (32 if gpu else 1)
    args.compile = args.compile and gpu  # compiling 124M on CPU takes minutes; smoke checks skip it
    seq_len = args.seq_len or (1024 if gpu else 128)
    sets = [f"batch_size={args.batch_size}", f"seq_len={seq_len}", f"use_gpu={str(gpu).lower()}",
            f"compile={str(args.compile).lower()}"]  # fmt: skip

    from training.config import load_recipe

    recipe = load_recipe("gpt2-124m", sets)
    name = torch.cuda.get_device_name() if gpu else "cpu"
    print(f"GPT-2 124M, T={seq_len}, batch {args.batch_size}, {name}, compile={args.compile}, "
          f"{args.steps} steps ({args.warmup} warm-up)")  # fmt: skip
    results = {}
    with tempfile.TemporaryDirectory(prefix="gpu-pretrain-") as tmp:
        for mode in args.modes.split(","):
            start = time.perf_counter()
            if mode == "raw":
                results[mode] = raw_loop(recipe, args)
            else:
                results[mode] = train_loop(sets, args, Path(tmp))
            results[mode]["wall_s"] = time.perf_counter() - start
    for mode, r in results.items():
        mfu = f"{r['mfu']:.1%}" if r["mfu"] is not None else "n/a (CPU or unknown GPU)"
        print(f"{mode:5} {r['tokens_per_s']:12,.0f} tokens/s  MFU {mfu}  wall {r['wall_s']:.0f}s")
    if "raw" in results and "loop" in results:
        print(f"loop / raw tokens/s: {results['loop']['tokens_per_s'] / results['raw']['tokens_per_s']:.3f}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
