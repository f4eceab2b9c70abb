"""The refresh scheduler against a fake job client and a fake clock (plus one real-clock run)."""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cluster.cron import Cron
from cluster.schedule import Decision, JobExists, Schedule, run_schedule, submission_id
from pipelines.core.errors import ConfigError

T0 = datetime(2026, 1, 4, 2, 59, 30, tzinfo=UTC)  # 30 s before a tick of a per-minute schedule
ENTRY = "forage refresh --input /data/in --corpus /data/c"


class FakeJobs:
    """Jobs in memory: each submitted id walks through `lifecycle`, one state per status() call."""

    def __init__(self, lifecycle: tuple[str, ...] = ("SUCCEEDED",)) -> None:
        self.lifecycle = lifecycle
        self.jobs: dict[str, list[str]] = {}
        self.submitted: list[str] = []
        self.submit_errors: list[Exception] = []

    def submit(self, entrypoint: str, *, submission_id: str) -> str:
        if self.submit_errors:
            raise self.submit_errors.pop(0)
        if submission_id in self.jobs:
            raise JobExists(submission_id)
        self.jobs[submission_id] = list(self.lifecycle)
        self.submitted.append(submission_id)
        return submission_id

    def status(self, submission_id: str) -> str | None:
        states = self.jobs.get(submission_id)
        if states is None:
            return None
        return states.pop(0) if len(states) > 1 else states[0]


class FakeClock:
    """now() and sleep(): sleeping advances time; `jumps` adds extra seconds per sleep call."""

    def __init__(self, start: datetime, jumps: dict[int, float] | None = None) -> None:
        self.t = start
        self.jumps = jumps or {}
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        extra = self.jumps.get(len(self.sleeps), 0.0)
        self.sleeps.append(seconds)
        self.t += timedelta(seconds=seconds + extra)


def schedule(expr: str = "* * * * *", entrypoint: str = ENTRY) -> Schedule:
    return Schedule(cron=Cron.parse(expr), entrypoint=entrypoint)


def run(jobs: FakeJobs, clock: FakeClock, n: int, expr: str = "* * * * *") -> list[Decision]:
    return run_schedule(schedule(expr), jobs, now=clock.now, sleep=clock.sleep, max_ticks=n)


def actions(decisions: list[Decision]) -> list[str]:
    return [d.action for d in decisions]


def test_submission_ids_are_deterministic_and_distinct() -> None:
    s = schedule()
    tick = datetime(2026, 1, 4, 3, tzinfo=UTC)
    sid = submission_id(s, tick)
    assert re.fullmatch(r"forage-refresh-[0-9a-f]{8}-20260104T030000Z", sid)
    assert submission_id(schedule(), tick) == sid  # a new process computes the same id
    assert submission_id(s, tick.astimezone(ZoneInfo("Europe/Berlin"))) == sid  # the same instant
    assert submission_id(s, tick + timedelta(minutes=1)) != sid
    assert submission_id(schedule(entrypoint=ENTRY + " --full"), tick) != sid
    named = Schedule(cron=s.cron, entrypoint=ENTRY, name="nightly")
    assert submission_id(named, tick).startswith("forage-nightly-")


def test_schedule_validates_name_and_entrypoint() -> None:
    with pytest.raises(ConfigError, match="schedule name 'bad name' must be letters"):
        Schedule(cron=Cron.parse("@daily"), entrypoint=ENTRY, name="bad name")
    with pytest.raises(ConfigError, match="entrypoint is empty"):
        Schedule(cron=Cron.parse("@daily"), entrypoint="  ")


def test_submits_once_per_tick_at_the_tick() -> None:
    jobs, clock = FakeJobs(), FakeClock(T0)
    decisions = run(jobs, clock, 3)
    assert actions(decisions) == ["submitted"] * 3
    assert [d.tick for d in decisions] == [T0 + timedelta(seconds=s) for s in (30, 90, 150)]
    assert jobs.submitted == [d.submission_id for d in decisions]
    assert len(set(jobs.submitted)) == 3
    assert clock.sleeps == [30.0, 60.0, 60.0]


def test_skips_while_running_then_submits_after_success_or_failure() -> None:
    jobs, clock = FakeJobs(lifecycle=("RUNNING", "RUNNING", "FAILED")), FakeClock(T0)
    decisions = run(jobs, clock, 5)
    assert actions(decisions) == ["submitted", "skip", "skip", "submitted", "skip"]
    first = decisions[0].submission_id
    assert decisions[1].detail == f"{first} still RUNNING"
    assert decisions[3].detail == f"{decisions[3].submission_id} (after {first} FAILED)"
    jobs2, clock2 = FakeJobs(lifecycle=("PENDING", "SUCCEEDED")), FakeClock(T0)
    assert actions(run(jobs2, clock2, 4)) == ["submitted", "skip", "submitted", "skip"]


def test_existing_id_is_already_submitted_and_watched() -> None:
    jobs, clock = FakeJobs(lifecycle=("RUNNING", "SUCCEEDED")), FakeClock(T0)
    first_tick = T0 + timedelta(seconds=30)
    jobs.jobs[submission_id(schedule(), first_tick)] = ["RUNNING", "SUCCEEDED"]
    decisions = run(jobs, clock, 3)
    assert actions(decisions) == ["already-submitted", "skip", "submitted"]
    assert "exists" in decisions[0].detail


def test_two_schedulers_never_run_a_tick_twice() -> None:
    jobs = FakeJobs()
    a = run(jobs, FakeClock(T0), 3)
    b = run(jobs, FakeClock(T0), 3)
    assert actions(a) == ["submitted"] * 3
    assert actions(b) == ["already-submitted"] * 3
    assert len(jobs.submitted) == 3


def test_restart_finds_the_running_job_of_an_earlier_tick() -> None:
    jobs = FakeJobs(lifecycle=("RUNNING",))
    run(jobs, FakeClock(T0), 1)  # submits 03:00:00, which then runs for a long time
    restarted = run(jobs, FakeClock(T0 + timedelta(minutes=2)), 2)
    assert actions(restarted) == ["skip", "skip"]
    assert jobs.submitted == [submission_id(schedule(), T0 + timedelta(seconds=30))]


def test_submit_errors_are_logged_and_the_loop_goes_on(caplog) -> None:
    jobs, clock = FakeJobs(), FakeClock(T0)
    jobs.submit_errors = [ConnectionError("cluster down"), TimeoutError("slow")]
    with caplog.at_level(logging.INFO, logger="forage.schedule"):
        decisions = run(jobs, clock, 3)
    assert actions(decisions) == ["error", "error", "submitted"]
    assert decisions[0].detail.endswith("failed: ConnectionError: cluster down")
    assert any("error: submit" in r.message and "cluster down" in r.message for r in caplog.records)


def test_status_errors_never_start_a_refresh_blind(caplog) -> None:
    class StatusDown(FakeJobs):
        def status(self, submission_id: str) -> str | None:
            raise ConnectionError("no route to host")

    jobs, clock = StatusDown(), FakeClock(T0)
    with caplog.at_level(logging.INFO, logger="forage.schedule"):
        decisions = run(jobs, clock, 3)
    # Nothing is watched at start-up (the look-back failed), so the first tick submits; later
    # ticks cannot tell whether that job still runs, so they do not submit.
    assert actions(decisions) == ["submitted", "error", "error"]
    assert decisions[1].detail == "cannot read job status: ConnectionError: no route to host"
    assert len(jobs.submitted) == 1
    assert "cannot look up earlier submissions (ConnectionError: no route to host)" in caplog.text


def test_late_wake_up_runs_only_the_latest_missed_tick(caplog) -> None:
    # The first sleep (30 s to 03:00:00) oversleeps by 5 min 10 s: ticks 03:00 ... 03:05 are due.
    jobs, clock = FakeJobs(), FakeClock(T0, jumps={0: 310.0})
    with caplog.at_level(logging.INFO, logger="forage.schedule"):
        decisions = run(jobs, clock, 2)
    assert [d.tick for d in decisions] == [
        datetime(2026, 1, 4, 3, 5, tzinfo=UTC),
        datetime(2026, 1, 4, 3, 6, tzinfo=UTC),
    ]
    assert [d.missed for d in decisions] == [5, 0]
    assert "5 earlier tick(s) from 2026-01-04T03:00:00+00:00 not run" in decisions[0].detail
    assert len(jobs.submitted) == 2
    assert "woke up late: 5" in caplog.text


def test_clock_jumping_back_delays_but_never_repeats_a_tick() -> None:
    jobs, clock = FakeJobs(), FakeClock(T0, jumps={1: -3600.0})
    decisions = run(jobs, clock, 2)
    assert [d.tick for d in decisions] == [T0 + timedelta(seconds=30), T0 + timedelta(seconds=90)]
    assert max(clock.sleeps) <= 60.0


def test_every_decision_is_one_info_line(caplog) -> None:
    jobs, clock = FakeJobs(lifecycle=("RUNNING", "SUCCEEDED")), FakeClock(T0)
    with caplog.at_level(logging.INFO, logger="forage.schedule"):
        decisions = run(jobs, clock, 3)
    lines = [r for r in caplog.records if r.message.startswith("tick ")]
    assert len(lines) == 3 and all(r.levelno == logging.INFO for r in lines)
    assert all("\n" not in r.message for r in lines)
    first = decisions[0].submission_id
    assert lines[1].message == f"tick 2026-01-04T03:01:00+00:00 skipped: {first} still RUNNING"


def test_ticks_follow_the_time_zone_of_the_clock() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    jobs, clock = FakeJobs(), FakeClock(datetime(2026, 1, 4, 2, 0, tzinfo=berlin))
    decisions = run(jobs, clock, 1, expr="0 3 * * *")
    assert decisions[0].tick.astimezone(UTC) == datetime(2026, 1, 4, 2, tzinfo=UTC)
    assert decisions[0].submission_id.endswith("-20260104T020000Z")


def test_real_clock_per_second_schedule() -> None:
    jobs = FakeJobs()
    began = time.monotonic()
    decisions = run_schedule(schedule("*/1 * * * * *"), jobs, max_ticks=3)
    assert actions(decisions) == ["submitted"] * 3
    ticks = [d.tick for d in decisions]
    assert [b - a for a, b in zip(ticks, ticks[1:])] == [timedelta(seconds=1)] * 2
    assert len(set(jobs.submitted)) == 3
    assert time.monotonic() - began < 5


def test_impossible_schedule_fails_at_start() -> None:
    with pytest.raises(ConfigError, match="30 February"):
        run(FakeJobs(), FakeClock(T0), 1, expr="0 0 30 2 *")
