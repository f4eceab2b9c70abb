"""DataTrove's PIIFormatter on the texts of benchmarks/pii.py, the baseline half of it.

Runs in DataTrove's own venv (``make bench-pii`` builds .venv-datatrove) and imports nothing
from Forage. Reads INPUT (JSONL of {"text"}), formats every text with ``PIIFormatter()`` at its
defaults (e-mail addresses and public IPv4 addresses; nothing else), one process on one core,
after a warm-up pass over the first texts, and writes to OUT a JSON object with the output texts
and the wall and CPU seconds of the best of --repeat timed passes.

    .venv-datatrove/bin/python benchmarks/_datatrove_pii.py INPUT OUT [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import time
from importlib.metadata import version
from pathlib import Path

from datatrove.pipeline.formatters import PIIFormatter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--repeat", type=int, default=1, help="timed passes; the best counts")
    args = parser.parse_args()
    with args.input.open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    formatter = PIIFormatter()
    for text in texts[:200]:  # warm-up: regex caches
        formatter.format(text)
    wall = cpu = float("inf")
    for _ in range(args.repeat):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        outputs = [formatter.format(text) for text in texts]
        wall = min(wall, time.perf_counter() - start_wall)
        cpu = min(cpu, time.process_time() - start_cpu)
    result = {"wall_s": wall, "cpu_s": cpu, "outputs": outputs, "datatrove": version("datatrove")}
    args.out.write_text(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
