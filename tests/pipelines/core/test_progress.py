"""Progress: a live bar with rate and ETA on a terminal, plain periodic lines elsewhere."""

from __future__ import annotations

import io

from pipelines.core.progress import Bar, Progress, format_eta


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_bar_redraws_in_place_with_eta(monkeypatch):
    clock = iter([0.0, 10.0, 20.0, 30.0])
    monkeypatch.setattr("pipelines.core.progress.time.monotonic", lambda: next(clock))
    out = Terminal()
    bar = Bar("train", 100, unit="steps", stream=out)
    bar.update(25, "loss 3.2", force=True)  # 25 steps in 10 s: 75 more take 30 s
    bar.update(50, "loss 2.9", force=True)
    bar.close()
    text = out.getvalue()
    assert text.count("\r") == 2 and "\n" not in text[:-1] and text.endswith("\n")
    first, second = text.split("\r")[1:]
    assert "25/100 steps (25%)" in first and "loss 3.2" in first and "ETA 0:30" in first
    assert "█" * 12 + "░" * 12 in second and "ETA 0:20" in second


def test_plain_stream_gets_lines_at_most_every_few_seconds(monkeypatch):
    clock = iter([0.0, 1.0, 2.0, 6.0])
    monkeypatch.setattr("pipelines.core.progress.time.monotonic", lambda: next(clock))
    out = io.StringIO()
    bar = Bar("packing", 10, unit="documents", stream=out, every_s=5.0)
    bar.update(3)  # 1 s after the start: too soon
    bar.update(4)  # 2 s: too soon
    bar.update(6)  # 6 s: a line
    assert out.getvalue().splitlines() == ["[forage] packing · 6/10 documents (60%) · ETA 0:04"]


def test_resumed_work_does_not_count_toward_the_rate(monkeypatch):
    clock = iter([0.0, 10.0])
    monkeypatch.setattr("pipelines.core.progress.time.monotonic", lambda: next(clock))
    out = io.StringIO()
    bar = Bar("train", 100, unit="steps", already=80, stream=out)
    bar.update(90, force=True)  # 10 steps in 10 s since the resume: 10 more take 10 s
    assert "ETA 0:10" in out.getvalue()


def test_quiet_curate_prints_only_the_final_summary():
    out = Terminal()
    progress = Progress(3, 1, quiet=True, stream=out)
    progress.update({"rows": 5, "kept": 4})
    progress.input_done()
    progress.finish({"input": 5, "kept": 4, "rejected": 1, "errors": 0})
    (line,) = out.getvalue().splitlines()
    assert line.startswith("[forage] done: 5 documents → 4 kept, 1 rejected, 0 errors in ")


def test_eta_format():
    assert (format_eta(59.6), format_eta(61), format_eta(3725)) == ("1:00", "1:01", "1:02:05")
