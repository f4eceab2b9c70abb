"""A bounded load test of ``forage serve`` on loopback, in one script: batched vs unbatched and
fp32 vs dynamic int8, at concurrency 1, 8 and 32 — p50/p99 latency and requests/s, printed as
ratios against the unbatched fp32 endpoint; plus int8's entity-F1 change on CoNLL testb.

    .venv/bin/python benchmarks/serve.py --model RUN/hf [--requests 160] [--sentences 600]

Target: batched requests/s at concurrency 32 >= 3x unbatched. Texts are CoNLL testb sentences.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
NER = Path(__file__).resolve().parents[2] / "shared" / "data" / "ner"
SIDES = {"unbatched fp32": (1, None), "batched fp32": (32, None), "batched int8": (32, "dynamic")}
CONCURRENCY = (1, 8, 32)


def load(url: str, texts: list[str], concurrency: int, requests: int) -> dict[str, float]:
    def one(i: int) -> float:
        body = json.dumps({"text": texts[i % len(texts)]}).encode()
        request = urllib.request.Request(f"{url}/predict", data=body)
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = np.array(list(pool.map(one, range(requests))))
    wall = time.perf_counter() - started
    return {"p50": float(np.percentile(latencies, 50)), "p99": float(np.percentile(latencies, 99)),
            "rps": requests / wall}  # fmt: skip


def int8_f1_change(model: str, sentences) -> tuple[float, float]:
    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2

    from training.serve.predictor import Predictor

    gold = [list(s.tags) for s in sentences]
    words = [list(s.words) for s in sentences]
    scores = []
    for quantize in (None, "dynamic"):
        tags = Predictor(model, "ner", quantize=quantize).tag_words(words)
        pred = [[t for t, _ in row] for row in tags]
        scores.append(f1_score(gold, pred, mode="strict", scheme=IOB2))
    return scores[0], scores[1]


def widened(model: str, out: Path, layers: int, width: int) -> str:
    """``model``'s tokenizer and labels on a randomly initialised encoder of another shape
    (12 x 768: BERT-base): what serving costs when the model, not the HTTP path, dominates."""
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    config = AutoConfig.from_pretrained(model)
    config.update({"num_hidden_layers": layers, "hidden_size": width,
                   "num_attention_heads": width // 64, "intermediate_size": 4 * width})  # fmt: skip
    pattern = getattr(config, "layer_types", None)  # ModernBERT: one entry per layer
    if pattern:
        config.layer_types = [pattern[i % len(pattern)] for i in range(layers)]
    AutoModelForTokenClassification.from_config(config).save_pretrained(out)
    AutoTokenizer.from_pretrained(model).save_pretrained(out)
    return str(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="a fine-tuned NER model (OUT/hf)")
    parser.add_argument("--requests", type=int, default=160, help="per concurrency level")
    parser.add_argument("--sentences", type=int, default=600, help="testb sentences for F1")
    parser.add_argument("--shape", default=None, metavar="LxD",
                        help="load-test a random encoder of this shape (12x768: BERT-base) with "
                             "the model's tokenizer and labels; F1 stays the model's")  # fmt: skip
    args = parser.parse_args()
    served = args.model
    if args.shape:
        import tempfile

        layers, width = (int(v) for v in args.shape.lower().split("x"))
        served = widened(args.model, Path(tempfile.mkdtemp()) / "hf", layers, width)

    import ray
    from ray import serve

    from training.finetune.conll import read_conll
    from training.serve.app import ServeConfig, start

    sentences = read_conll(str(NER / "eng.testb")).sentences
    texts = [" ".join(s.words) for s in sentences if len(s.words) > 3][:500]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    results: dict[str, dict[int, dict[str, float]]] = {}
    for side, (batch, quantize) in SIDES.items():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        config = ServeConfig(model=served, task="ner", quantize=quantize, max_batch_size=batch)
        url = start(config, port=port)
        load(url, texts, 4, 16)  # warm-up
        results[side] = {c: load(url, texts, c, args.requests) for c in CONCURRENCY}
        serve.shutdown()
    base = results["unbatched fp32"]
    shape = f"a random {args.shape} encoder" if args.shape else args.model
    print(f"\n{args.requests} requests per level, one replica (1 CPU), {shape}, testb sentences")
    print(f"{'endpoint':<16}{'conc':>5}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>8}{'vs unbatched':>14}")
    for side, levels in results.items():
        for c, r in levels.items():
            print(f"{side:<16}{c:>5}{r['p50'] * 1e3:>9.1f}{r['p99'] * 1e3:>9.1f}{r['rps']:>8.1f}"
                  f"{r['rps'] / base[c]['rps']:>13.2f}x")  # fmt: skip
    ratio = results["batched fp32"][32]["rps"] / base[32]["rps"]
    print(f"batched vs unbatched at concurrency 32: {ratio:.2f}x (target >= 3x)")
    fp32, int8 = int8_f1_change(args.model, sentences[: args.sentences])
    print(f"entity F1 on {args.sentences} testb sentences: fp32 {fp32:.4f}, int8 {int8:.4f} "
          f"({(int8 - fp32) * 100:+.2f} points)")  # fmt: skip


if __name__ == "__main__":
    main()
