"""Training progress on the terminal: a live bar over steps; records as lines elsewhere."""

from __future__ import annotations

import io
import json

from training.metrics import MetricsLog


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _log(tmp_path, monkeypatch, stream):
    monkeypatch.setattr("sys.stderr", stream)
    return MetricsLog(tmp_path, resume_step=0, baseline=4.5, echo=True, max_steps=20)


def test_terminal_shows_a_step_bar_and_validation_lines(tmp_path, monkeypatch):
    out = Terminal()
    log = _log(tmp_path, monkeypatch, out)
    log.write({"step": 10, "loss": 3.5, "lr": 1e-3, "tokens_per_s": 1234.0, "time": 1.0})
    log.write({"step": 10, "val_loss": 3.4})
    log.close()
    text = out.getvalue()
    assert "\r[forage] train" in text and "10/20 steps (50%)" in text and "loss 3.5" in text
    assert "[forage] step 10 · val_loss 3.4\n" in text
    assert "[forage] step 0 · unigram_baseline_loss 4.5\n" in text
    records = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records] == [0, 10, 10]  # the file is the same either way


def test_plain_stream_gets_one_line_per_record(tmp_path, monkeypatch):
    out = io.StringIO()
    log = _log(tmp_path, monkeypatch, out)
    log.write({"step": 10, "loss": 3.5, "time": 1.0})
    log.close()
    assert out.getvalue().splitlines()[-1] == "[forage] step 10 · loss 3.5"
    assert "\r" not in out.getvalue()
