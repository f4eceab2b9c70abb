"""Progress on stderr: a live bar with rate and ETA on a terminal, a plain line every few seconds
otherwise (logs, CI, ``forage submit``); ``quiet`` prints nothing."""

from __future__ import annotations

import shutil
import sys
import time
from typing import Any, TextIO

BAR_WIDTH = 24


def format_eta(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Bar:
    """``done`` of ``total`` units; ``detail`` is shown after the counts (rates, losses).

    On a TTY the line is redrawn in place at most ``redraw_s`` apart; elsewhere a line is
    printed at most ``every_s`` apart. ETA: elapsed time × remaining / done since the start
    (units done before this process, ``already``, do not count toward the rate).
    """

    def __init__(
        self,
        label: str,
        total: int | None,
        *,
        unit: str,
        already: int = 0,
        quiet: bool = False,
        stream: TextIO | None = None,
        every_s: float = 5.0,
        redraw_s: float = 0.2,
    ) -> None:
        self.label, self.total, self.unit, self.quiet = label, total, unit, quiet
        self.done = self.already = already
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every_s = redraw_s if self.tty else every_s
        self.start = self.last = time.monotonic()
        self.drawn = False

    def update(self, done: int | None = None, detail: str = "", *, force: bool = False) -> None:
        if done is not None:
            self.done = done
        now = time.monotonic()
        if self.quiet or (not force and now - self.last < self.every_s):
            return
        self.last = now
        line = self.render(detail, now)
        if self.tty:
            width = shutil.get_terminal_size((100, 20)).columns - 1
            self.stream.write("\r" + line[:width].ljust(width))
            self.drawn = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def render(self, detail: str, now: float) -> str:
        parts = [f"[forage] {self.label}"]
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = int(share * BAR_WIDTH)
            if self.tty:
                parts.append("█" * filled + "░" * (BAR_WIDTH - filled))
            parts.append(f"{self.done:,}/{self.total:,} {self.unit} ({share:.0%})")
        else:
            parts.append(f"{self.done:,} {self.unit}")
        if detail:
            parts.append(detail)
        eta = self.eta(now)
        if eta is not None:
            parts.append(f"ETA {format_eta(eta)}")
        return " · ".join(parts)

    def eta(self, now: float) -> float | None:
        progressed = self.done - self.already
        if not self.total or progressed <= 0 or self.done >= self.total:
            return None
        return (now - self.start) * (self.total - self.done) / progressed

    def message(self, text: str) -> None:
        """A line of its own (the bar is redrawn below it on the next update)."""
        if self.quiet:
            return
        if self.tty and self.drawn:
            self.stream.write("\r\x1b[K")
            self.drawn = False
        self.stream.write(f"[forage] {text}\n")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line (a TTY bar stays as drawn last)."""
        if self.tty and self.drawn and not self.quiet:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


class Progress:
    """Curate's progress: inputs done of total, documents read and kept, docs/s."""

    def __init__(
        self, total_inputs: int, done_inputs: int, *, quiet: bool, stream: Any = None
    ) -> None:
        self.bar = Bar(
            "curate", total_inputs, unit="inputs", already=done_inputs, quiet=quiet, stream=stream
        )
        self.quiet = quiet
        self.docs = self.kept = 0
        if done_inputs:
            self.bar.message(f"resuming: {done_inputs} of {total_inputs} inputs already done")

    def update(self, stat: dict[str, Any]) -> None:
        self.docs += stat["rows"]
        self.kept += stat["kept"]
        self.bar.update(detail=self._detail())

    def input_done(self) -> None:
        self.bar.update(self.bar.done + 1, self._detail(), force=True)

    def _detail(self) -> str:
        rate = self.docs / max(time.monotonic() - self.bar.start, 1e-9)
        return f"{self.docs:,} docs · {self.kept:,} kept · {rate:,.0f} docs/s"

    def finish(self, counts: dict[str, int]) -> None:
        """The one-line summary (printed with ``quiet`` too: scripts want the outcome)."""
        self.bar.close()
        c = counts
        line = (
            f"done: {c['input']:,} documents → {c['kept']:,} kept, {c['rejected']:,} rejected, "
            f"{c['errors']:,} errors in {time.monotonic() - self.bar.start:.1f}s"
        )
        print(f"[forage] {line}", file=self.bar.stream, flush=True)
