"""Fine-tuning throughput: training examples/s of ``forage finetune ner`` (Ray Train local mode,
and one Ray Train worker) against the Hugging Face ``Trainer`` on the same model, the same
encoded windows and the same batch size, in one script.

The base model is a smoke-shape ModernBERT (L=4, d=128, 64-token window) with a byte-level BPE
trained on the CoNLL train text (no download). Forage encodes the CoNLL sentences once; the
Trainer is fed exactly those windows (``OUT/data/train.parquet``), with
``DataCollatorForTokenClassification``, no evaluation and no checkpoints during the epoch.
Forage's figure is its epoch's examples/s from metrics.jsonl (the last train record of the
epoch, start-up excluded); the Trainer's is ``train_samples_per_second``. Both sides run the
same number of examples; modes are interleaved ``--repeat`` times and medians shown. On a shared
2-core machine absolute numbers mean little: the ratios are the result.

    .venv/bin/python benchmarks/finetune.py [--examples 2000] [--batch-size 32] [--repeat 2]
                                            [--modes local,ray-1,trainer]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
NER = Path(__file__).resolve().parents[2] / "shared" / "data" / "ner"


def base_model(root: Path) -> Path:
    """A smoke-shape MLM + tokenizer saved like `forage pretrain`'s RUN/hf."""

    from training.config import ModelConfig
    from training.export import save_initialised
    from training.finetune.conll import read_conll
    from training.tokenizer import train_bpe

    texts = [" ".join(s.words) for s in read_conll(NER / "eng.train").sentences]
    cfg = ModelConfig(objective="mlm", n_layer=4, n_head=4, d_model=128, d_ff=512, seq_len=64)
    return save_initialised(cfg, train_bpe([texts], 2048), root / "hf")


def forage(model: Path, out: Path, examples: int, batch: int, workers: int) -> float:
    from training.finetune.config import load_finetune_recipe
    from training.finetune.prepare import TaskFiles
    from training.finetune.run import finetune
    from training.metrics import read_metrics

    overrides = [
        f"max_train_examples={examples}",
        "max_eval_examples=64",
        "epochs=1",
        f"batch_size={batch}",
        "patience=0",
        "log_every=1000000",
        f"num_workers={workers}",
        f"cpus_per_worker={len(os.sched_getaffinity(0))}",
    ]
    files = TaskFiles(task="ner", train=str(NER / "eng.train"), dev=str(NER / "eng.testa"))
    finetune(files, model, out, load_finetune_recipe("smoke", overrides), quiet=True)
    train = [r for r in read_metrics(out) if "examples_per_s" in r]
    return train[-1]["examples_per_s"]


def trainer(model: Path, data: Path, batch: int) -> float:
    """The HF Trainer on forage's encoded windows: train_samples_per_second."""
    import json

    import pyarrow.parquet as pq
    import torch
    from transformers import (
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        Trainer,
        TrainingArguments,
    )

    table = pq.read_table(data / "train.parquet", columns=["input_ids", "labels"])
    rows = [
        {"input_ids": i, "labels": lab}
        for i, lab in zip(*(table[c].to_pylist() for c in table.column_names))
    ]
    labels = len(json.loads((data / "meta.json").read_text())["labels"])
    torch.manual_seed(0)
    net = AutoModelForTokenClassification.from_pretrained(str(model), num_labels=labels)
    tokenizer = AutoTokenizer.from_pretrained(str(model))
    with tempfile.TemporaryDirectory() as tmp:
        args = TrainingArguments(
            output_dir=tmp,
            per_device_train_batch_size=batch,
            num_train_epochs=1,
            learning_rate=1e-3,
            warmup_steps=0.1,
            weight_decay=0.01,
            save_strategy="no",
            eval_strategy="no",
            logging_strategy="no",
            report_to=[],
            use_cpu=True,
            dataloader_num_workers=0,
            disable_tqdm=True,
            seed=0,
        )
        collator = DataCollatorForTokenClassification(tokenizer)
        result = Trainer(model=net, args=args, train_dataset=rows, data_collator=collator).train()
    return result.metrics["train_samples_per_second"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--modes", default="local,ray-1,trainer")
    args = parser.parse_args()
    modes = args.modes.split(",")
    rates: dict[str, list[float]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        model = base_model(root / "base")
        for r in range(args.repeat):
            for mode in modes:
                out = root / f"{mode}-{r}"
                started = time.perf_counter()
                if mode in ("local", "ray-1"):
                    rate = forage(model, out, args.examples, args.batch_size, int(mode == "ray-1"))
                else:
                    if not (root / "data").is_dir():  # the windows forage encoded, once
                        forage(model, root / "enc", args.examples, args.batch_size, 0)
                        (root / "enc" / "data").rename(root / "data")
                    rate = trainer(model, root / "data", args.batch_size)
                rates[mode].append(rate)
                print(
                    f"  {mode:<16} run {r + 1}: {rate:8.1f} examples/s "
                    f"({time.perf_counter() - started:.0f}s wall)",
                    flush=True,
                )
    print(f"\nexamples/s, median of {args.repeat} (CoNLL windows, batch {args.batch_size}):")
    base = statistics.median(rates["trainer"]) if "trainer" in rates else None
    for mode, values in rates.items():
        median = statistics.median(values)
        ratio = f"  {median / base:.2f}x the HF Trainer" if base else ""
        print(f"  {mode:<16} {median:8.1f}{ratio}")


if __name__ == "__main__":
    main()
