"""BERT-base-shape NER fine-tuning on one GPU: training examples/s, tokens/s and MFU in bf16.

The base model is a randomly initialised BERT-base (12 × 768, 12 heads, 3072 FFN, 512
positions) with a 30,522-token WordPiece-sized byte-level BPE trained on the CoNLL text, saved
like a `forage pretrain` export (no download; throughput does not depend on the weights).
``forage finetune ner`` runs the finetune-bert-base recipe (bf16, Ray Train local mode, one
GPU) for one epoch over ``--examples`` CoNLL sentences; examples/s is the epoch's train rate
from metrics.jsonl; tokens/s = examples/s × the mean window length of the encoded train split.

MFU = tokens/s × 6 × N / peak, N the encoder's parameters without embeddings (the token
classification head is negligible); attention's T-dependent term is left out at these short
windows (it adds ~12·L·d·T per token, reported separately as ``mfu_with_attention``). Peak is
dense BF16 by device name (H100 SXM / H200: 989 TFLOP/s).

    .venv/bin/python benchmarks/gpu_finetune.py [--examples 14041] [--batch-size 32]
    .venv/bin/python benchmarks/gpu_finetune.py --cpu --examples 64   # smoke check, no GPU
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
NER = Path(__file__).resolve().parents[2] / "shared" / "data" / "ner"


def bert_base(root: Path, cpu: bool) -> Path:
    import torch
    from transformers import BertConfig, BertForMaskedLM

    from training.finetune.conll import read_conll
    from training.tokenizer import train_bpe

    texts = [" ".join(s.words) for s in read_conll(NER / "eng.train").sentences]
    tokenizer = train_bpe([texts], 30522)
    size = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128)
    config = BertConfig(
        vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
        **(size if cpu else {}),
    )  # fmt: skip
    torch.manual_seed(0)
    BertForMaskedLM(config).save_pretrained(root)
    tokenizer.save_pretrained(root)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=14041)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cpu", action="store_true", help="a tiny BERT on CPU: checks the path")
    args = parser.parse_args()

    import pyarrow.parquet as pq
    import torch

    from training.finetune.config import load_finetune_recipe
    from training.finetune.prepare import TaskFiles
    from training.finetune.run import finetune
    from training.metrics import peak_flops, read_metrics

    overrides = [f"max_train_examples={args.examples}", "max_eval_examples=256", "epochs=1",
                 f"batch_size={args.batch_size}", "patience=0", "log_every=20"]  # fmt: skip
    if args.cpu:
        overrides += ["use_gpu=false", "bf16=false", "num_workers=0", "max_seq_len=64"]
    else:
        overrides += ["num_workers=0"]
    files = TaskFiles(task="ner", train=str(NER / "eng.train"), dev=str(NER / "eng.testa"))
    with tempfile.TemporaryDirectory() as tmp:
        model = bert_base(Path(tmp) / "base", args.cpu)
        out = Path(tmp) / "run"
        result = finetune(
            files, model, out, load_finetune_recipe("bert-base", overrides), quiet=True
        )
        train = [r for r in read_metrics(out) if "examples_per_s" in r]
        lengths = pq.read_table(out / "data" / "train.parquet", columns=["input_ids"])
        mean_len = sum(len(x) for x in lengths["input_ids"].to_pylist()) / lengths.num_rows
        config = json.loads((model / "config.json").read_text())
    rate = train[-1]["examples_per_s"]
    tokens = rate * mean_len
    L, d = config["num_hidden_layers"], config["hidden_size"]
    n = L * (4 * d * d + 2 * d * config["intermediate_size"])  # attention + FFN weights
    device = "cpu" if args.cpu else torch.cuda.get_device_name()
    peak = None if args.cpu else peak_flops(device)
    figures = {
        "device": device, "examples_per_s": round(rate, 1), "mean_window_tokens": round(mean_len, 1),
        "tokens_per_s": round(tokens, 1), "encoder_params": n,
        "mfu": round(tokens * 6 * n / peak, 4) if peak else None,
        "mfu_with_attention": round(tokens * (6 * n + 12 * L * d * mean_len) / peak, 4) if peak else None,
        "dev_f1_after_1_epoch": round(result.metrics["dev_f1"], 4),
    }  # fmt: skip
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
