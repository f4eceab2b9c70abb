"""Run metrics: ``RUN/metrics.jsonl`` (one JSON object per line, unique steps across resumes),
TensorBoard events when the package is installed, and tokens/s + MFU."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipelines.core.progress import Bar
from pipelines.output.atomic import write_bytes

log = logging.getLogger("forage.train")

METRICS = "metrics.jsonl"
TENSORBOARD_DIR = "tb"
# Dense BF16 peaks by device name, first match wins (training-anchors §2b: torchtitan's
# get_peak_flops; H200 has H100 SXM's compute; 1,979 TF is the 2:4-sparse figure, not this).
PEAK_BF16_FLOPS = (
    ("H200", 989e12),
    ("H100 NVL", 835e12),
    ("H100 PCIe", 756e12),
    ("H100", 989e12),  # SXM, named "NVIDIA H100 80GB HBM3"
    ("A100", 312e12),
)


def peak_flops(device_name: str) -> float | None:
    """Dense BF16 FLOP/s of one device, or None when unknown (MFU is then not reported)."""
    return next((peak for key, peak in PEAK_BF16_FLOPS if key in device_name), None)


def say(message: str, quiet: bool = False) -> None:
    """One progress line on stderr, like the curate command's."""
    if not quiet:
        print(f"[forage] {message}", file=sys.stderr, flush=True)


def steady_rate(records: list[dict[str, Any]], warmup: int) -> float:
    """Training tokens/s over the logged windows that start at or after step ``warmup`` (start-up,
    compilation and the first steps left out); NaN when no such window was logged."""
    logged = [r for r in records if "tokens_per_s" in r]
    tokens = seconds = 0.0
    for before, record in zip(logged, logged[1:]):
        if before["step"] >= warmup:
            window = record["tokens"] - before["tokens"]
            tokens, seconds = tokens + window, seconds + window / record["tokens_per_s"]
    return tokens / seconds if seconds else float("nan")


def read_metrics(run_dir: str | Path) -> list[dict[str, Any]]:
    """The records of metrics.jsonl; a torn last line (a worker killed mid-write) is skipped."""
    path = Path(run_dir) / METRICS
    if not path.is_file():
        return []
    records = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            log.warning("skipping a torn line in %s: %.60s", path, line)
    return records


def truncate_after(run_dir: str | Path, step: int) -> int:
    """Drop records with a step beyond ``step`` (a killed run may have logged past its last
    checkpoint) and any torn line; returns how many records were dropped."""
    path = Path(run_dir) / METRICS
    if not path.is_file():
        return 0
    records = read_metrics(run_dir)
    kept = [r for r in records if r.get("step", 0) <= step]
    write_bytes(path, "".join(json.dumps(r) + "\n" for r in kept).encode())
    return len(records) - len(kept)


BAR_KEYS = ("loss", "lr", "tokens_per_s", "mfu")  # what the live bar shows of a train record


class MetricsLog:
    """Rank 0's writer. On a resume from step k it first drops records after k, so the file keeps
    one record per step and kind; the unigram baseline is written once, by the first run."""

    def __init__(
        self,
        run_dir: str | Path,
        *,
        resume_step: int,
        baseline: float | None,
        echo: bool = False,
        max_steps: int | None = None,
    ):
        self.run_dir, self.echo = Path(run_dir), echo
        # On a terminal train records move a live bar; elsewhere each record is a line.
        self.bar = Bar("train", max_steps, unit="steps", already=resume_step, quiet=not echo)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        truncate_after(self.run_dir, resume_step)
        has_baseline = any("unigram_baseline_loss" in r for r in read_metrics(self.run_dir))
        self.file = (self.run_dir / METRICS).open("a")
        self.tb = _summary_writer(self.run_dir / TENSORBOARD_DIR, resume_step + 1, echo)
        if baseline is not None and not has_baseline:
            self.write({"step": 0, "unigram_baseline_loss": baseline})

    def write(self, record: dict[str, Any]) -> None:
        self.file.write(json.dumps(record) + "\n")
        self.file.flush()
        if self.echo:
            self._show(record)
        if self.tb is not None:
            for key, value in record.items():
                if key not in ("step", "time") and isinstance(value, int | float):
                    self.tb.add_scalar(key, value, record["step"])

    def _show(self, record: dict[str, Any]) -> None:
        items = {k: v for k, v in record.items() if v is not None and k != "time"}
        line = " · ".join(f"{k} {_short(v)}" for k, v in items.items())
        if not self.bar.tty:
            say(line)
        elif "loss" in items:
            detail = " · ".join(f"{k} {_short(items[k])}" for k in BAR_KEYS if k in items)
            self.bar.update(items["step"], detail, force=True)
        else:  # validation, baseline: a line of its own above the bar
            self.bar.message(line)

    def close(self) -> None:
        self.bar.close()
        self.file.close()
        if self.tb is not None:
            self.tb.close()


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def _summary_writer(path: Path, purge_step: int, echo: bool) -> Any:
    """TensorBoard events beside metrics.jsonl; ``purge_step`` drops events a killed run wrote
    past the checkpoint it resumes from."""
    if importlib.util.find_spec("tensorboard") is None:
        message = "tensorboard is not installed: no event files (metrics.jsonl has everything)"
        if echo:
            say(message)
        else:
            log.info(message)
        return None
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(str(path), purge_step=purge_step)


class Throughput:
    """Training tokens/s, MFU and the share of step time spent producing batches (``data_wait``:
    reading, masking, host-to-device copies) over the steps since the previous call. Time spent
    under ``paused()`` (evaluation, checkpoints) does not count; the first window includes
    start-up and compilation, so read steady state from later records."""

    def __init__(self, *, tokens_per_step: int, flops_per_token: float, peak: float | None):
        self.tokens_per_step = tokens_per_step
        self.flops_per_token, self.peak = flops_per_token, peak  # peak: all workers together
        self.last, self.excluded, self.waited = time.perf_counter(), 0.0, 0.0

    def __call__(self, steps: int) -> tuple[float, float | None, float]:
        now = time.perf_counter()
        elapsed = max(now - self.last - self.excluded, 1e-9)
        rate = steps * self.tokens_per_step / elapsed
        data_wait = round(min(self.waited / elapsed, 1.0), 4)
        self.last, self.excluded, self.waited = now, 0.0, 0.0
        mfu = rate * self.flops_per_token / self.peak if self.peak else None
        return rate, mfu, data_wait

    def paused(self) -> contextlib.AbstractContextManager[None]:
        """Time inside does not count (evaluation, checkpoints)."""
        return self._timed("excluded")

    def waiting(self) -> contextlib.AbstractContextManager[None]:
        """Time inside is spent producing a batch (``data_wait``)."""
        return self._timed("waited")

    @contextlib.contextmanager
    def _timed(self, total: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            setattr(self, total, getattr(self, total) + time.perf_counter() - start)
