"""The refresh scheduler: one job per cron tick, never twice, never on top of a running one.

Each tick submits the schedule's entrypoint under a deterministic submission id, so a tick that
two schedulers (or a restarted one) both reach runs once: the second submit raises JobExists.
Ticks are computed in the time zone of `now()` (UTC by default).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from cluster.cron import Cron
from pipelines.core.errors import ConfigError, ForageError

_LOG = logging.getLogger("forage.schedule")
ACTIVE_STATES = frozenset({"PENDING", "RUNNING"})
# Re-read the clock at least this often while waiting, so a wall-clock jump (NTP, a suspended
# machine) delays a tick by at most this much.
MAX_SLEEP_S = 60.0
# On start-up, ask the cluster about the ids of this many past ticks, so a restarted scheduler
# does not start a refresh on top of one its previous run submitted.
LOOKBACK_TICKS = 3
_LOOKBACK_MAX = timedelta(days=400)
_WATCH_MAX = 16  # ids remembered across ticks: the last submission plus failed submits since
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_VERB = {
    "submitted": "submitted",
    "skip": "skipped",
    "already-submitted": "already submitted",
    "error": "error",
}

Action = Literal["submitted", "skip", "already-submitted", "error"]


class JobExists(ForageError):
    """A job with this submission id was submitted before: its tick already ran or is running."""


class JobClient(Protocol):
    """The two calls the scheduler makes to a job service (the Ray Jobs API in production)."""

    def submit(self, entrypoint: str, *, submission_id: str) -> str:
        """Submit `entrypoint` as `submission_id`; raise JobExists if that id was ever used."""
        ...

    def status(self, submission_id: str) -> str | None:
        """PENDING, RUNNING, SUCCEEDED, FAILED or STOPPED; None for an id never submitted."""
        ...


@dataclass(frozen=True, kw_only=True)
class Schedule:
    cron: Cron
    entrypoint: str  # e.g. "forage refresh --input ... --corpus /data/c"
    name: str = "refresh"  # prefix of submission ids

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ConfigError(
                f"schedule name {self.name!r} must be letters, digits, '-' or '_' "
                "(it becomes part of job submission ids)"
            )
        if not self.entrypoint.strip():
            raise ConfigError("schedule entrypoint is empty; give the command after '--'")


@dataclass(frozen=True)
class Decision:
    tick: datetime
    submission_id: str
    action: Action
    detail: str
    missed: int = 0  # earlier due ticks collapsed into this one after a late wake-up


def submission_id(schedule: Schedule, tick: datetime) -> str:
    """`forage-{name}-{hash8 of entrypoint}-{tick in UTC}`: the same tick always maps to one id."""
    if tick.utcoffset() is None:
        raise ConfigError(f"a schedule tick must be timezone-aware, got {tick.isoformat()}")
    digest = hashlib.sha256(schedule.entrypoint.encode()).hexdigest()[:8]
    return f"forage-{schedule.name}-{digest}-{tick.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def run_schedule(
    schedule: Schedule,
    client: JobClient,
    *,
    now: Callable[[], datetime] = _utc_now,
    sleep: Callable[[float], object] = time.sleep,
    max_ticks: int | None = None,
    log: logging.Logger = _LOG,
) -> list[Decision]:
    """Handle ticks until `max_ticks` are done (None: forever); return the decisions.

    At each tick: skip if an earlier submission is still PENDING/RUNNING, else submit; an id that
    exists is "already-submitted"; any other submit error is logged and the loop goes on. After a
    late wake-up only the most recent due tick runs. One INFO line per decision.
    """
    start = _checked(now())
    watch: deque[str] = deque(_find_earlier(schedule, client, start, log), maxlen=_WATCH_MAX)
    tick = schedule.cron.next_after(start)
    log.info(
        "schedule %r: %s; first tick %s", schedule.cron.expr, schedule.entrypoint, tick.isoformat()
    )
    decisions: list[Decision] = []
    while max_ticks is None or len(decisions) < max_ticks:
        current = _sleep_until(tick, now, sleep)
        first_due = tick
        tick, missed = _latest_due(schedule.cron, tick, current)
        decision = _decide(schedule, client, tick, watch)
        if missed:
            late = f"woke up late: {missed} earlier tick(s) from {first_due.isoformat()} not run"
            decision = replace(decision, detail=f"{decision.detail}; {late}", missed=missed)
        log.info("tick %s %s: %s", tick.isoformat(), _VERB[decision.action], decision.detail)
        decisions.append(decision)
        tick = schedule.cron.next_after(tick)
    return decisions


def _decide(schedule: Schedule, client: JobClient, tick: datetime, watch: deque[str]) -> Decision:
    """Submit this tick unless a watched submission still runs; updates `watch` in place."""
    sid = submission_id(schedule, tick)
    try:
        states = [(w, client.status(w)) for w in watch]
    except Exception as exc:  # the cluster is unreachable: never start a second refresh blind
        return Decision(tick, sid, "error", f"cannot read job status: {_describe(exc)}")
    running = [(w, state) for w, state in states if state in ACTIVE_STATES]
    if running:
        w, state = running[-1]
        return Decision(tick, sid, "skip", f"{w} still {state}")
    watch.clear()
    try:
        client.submit(schedule.entrypoint, submission_id=sid)
    except JobExists:
        watch.append(sid)
        return Decision(
            tick, sid, "already-submitted", f"{sid} exists (another scheduler or a restart ran it)"
        )
    except Exception as exc:  # a cluster that is briefly down must not kill the scheduler
        watch.append(sid)  # the request may have landed before the error: check it next tick
        return Decision(tick, sid, "error", f"submit {sid} failed: {_describe(exc)}")
    watch.append(sid)
    finished = ", ".join(f"{w} {state}" for w, state in states if state is not None)
    return Decision(tick, sid, "submitted", sid + (f" (after {finished})" if finished else ""))


def _sleep_until(
    tick: datetime, now: Callable[[], datetime], sleep: Callable[[float], object]
) -> datetime:
    """Sleep in chunks of at most MAX_SLEEP_S until now() >= tick; return that now()."""
    while True:
        current = _checked(now())
        remaining = (_utc(tick) - _utc(current)).total_seconds()
        if remaining <= 0:
            return current
        sleep(min(remaining, MAX_SLEEP_S))


def _latest_due(cron: Cron, tick: datetime, current: datetime) -> tuple[datetime, int]:
    """The most recent tick at or before `current`, from due `tick` on, and how many it skips."""
    missed = 0
    while _utc(later := cron.next_after(tick)) <= _utc(current):
        tick, missed = later, missed + 1
    return tick, missed


def _find_earlier(
    schedule: Schedule, client: JobClient, start: datetime, log: logging.Logger
) -> list[str]:
    """Ids of the last LOOKBACK_TICKS ticks before `start` that the cluster knows, oldest first."""
    ids = [submission_id(schedule, t) for t in _recent_ticks(schedule.cron, start)]
    try:
        known = [sid for sid in ids if client.status(sid) is not None]
    except Exception as exc:
        log.warning(
            "cannot look up earlier submissions (%s); starting without them", _describe(exc)
        )
        return []
    if known:
        log.info("earlier submissions found: %s", ", ".join(known))
    return known


def _recent_ticks(cron: Cron, before: datetime) -> list[datetime]:
    """Up to LOOKBACK_TICKS ticks at or before `before`, oldest first, looking back <= 400 days."""
    span = timedelta(minutes=1)
    end = _utc(before)
    while True:
        ticks: list[datetime] = []
        t = cron.next_after(before - span)
        while _utc(t) <= end:
            ticks.append(t)
            t = cron.next_after(t)
        if len(ticks) >= LOOKBACK_TICKS or span >= _LOOKBACK_MAX:
            return ticks[-LOOKBACK_TICKS:]
        span *= 4


def _utc(t: datetime) -> datetime:
    # Aware datetimes that share a tzinfo compare and subtract by wall clock; UTC ones do not.
    return t.astimezone(UTC)


def _checked(t: datetime) -> datetime:
    if t.utcoffset() is None:
        raise ConfigError(f"the scheduler clock must return timezone-aware times, got {t}")
    return t


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"
