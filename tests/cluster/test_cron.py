"""Cron parsing and next-tick search: syntax, Vixie day rules, month ends, DST, errors."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cluster.cron import Cron
from pipelines.core.errors import ConfigError

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def ticks(expr: str, start: datetime, n: int) -> list[datetime]:
    out, t, cron = [], start, Cron.parse(expr)
    for _ in range(n):
        t = cron.next_after(t)
        out.append(t)
    return out


@pytest.mark.parametrize(
    ("field_text", "expected"),
    [
        ("*", tuple(range(24))),
        ("5", (5,)),
        ("1-4", (1, 2, 3, 4)),
        ("1,7,3", (1, 3, 7)),
        ("*/6", (0, 6, 12, 18)),
        ("2-11/3", (2, 5, 8, 11)),
        ("20/2", (20, 22)),
        ("1-3,10-12/2,23", (1, 2, 3, 10, 12, 23)),
    ],
)
def test_hour_field_syntax(field_text: str, expected: tuple[int, ...]) -> None:
    assert Cron.parse(f"0 {field_text} * * *").hours == expected


def test_five_fields_have_minute_resolution_six_fields_lead_with_seconds() -> None:
    five = Cron.parse("30 4 * * *")
    assert (five.seconds, five.minutes, five.hours) == ((0,), (30,), (4,))
    six = Cron.parse("15 30 4 * * *")
    assert (six.seconds, six.minutes, six.hours) == ((15,), (30,), (4,))


def test_names_are_case_insensitive_and_seven_is_sunday() -> None:
    cron = Cron.parse("0 0 * jan,Mar-may sun,Wed-FRI")
    assert cron.months == (1, 3, 4, 5)
    assert cron.weekdays == (0, 3, 4, 5)
    assert Cron.parse("0 0 * * 7").weekdays == (0,)
    assert Cron.parse("0 0 * * 5-7").weekdays == (0, 5, 6)


@pytest.mark.parametrize(
    ("macro", "start", "expected"),
    [
        ("@hourly", utc(2026, 1, 1, 10, 5), utc(2026, 1, 1, 11)),
        ("@daily", utc(2026, 1, 1, 10, 5), utc(2026, 1, 2)),
        ("@midnight", utc(2026, 1, 1, 10, 5), utc(2026, 1, 2)),
        ("@weekly", utc(2026, 1, 1), utc(2026, 1, 4)),  # 2026-01-04 is a Sunday
        ("@monthly", utc(2026, 1, 15), utc(2026, 2, 1)),
        ("@yearly", utc(2026, 1, 1), utc(2027, 1, 1)),
        ("@ANNUALLY", utc(2026, 1, 1), utc(2027, 1, 1)),
    ],
)
def test_macros(macro: str, start: datetime, expected: datetime) -> None:
    assert Cron.parse(macro).next_after(start) == expected


def test_next_after_is_strictly_after_and_drops_subseconds() -> None:
    cron = Cron.parse("0 3 * * 0")
    assert cron.next_after(utc(2026, 1, 4, 3)) == utc(2026, 1, 11, 3)
    assert cron.next_after(utc(2026, 1, 4, 2, 59, 59, 999999)) == utc(2026, 1, 4, 3)
    per_second = Cron.parse("* * * * * *")
    assert per_second.next_after(utc(2026, 1, 1, 0, 0, 0, 500000)) == utc(2026, 1, 1, 0, 0, 1)


def test_steps_roll_over_hours_days_and_years() -> None:
    assert ticks("*/20 * * * * *", utc(2026, 12, 31, 23, 59, 30), 3) == [
        utc(2026, 12, 31, 23, 59, 40),
        utc(2027, 1, 1, 0, 0, 0),
        utc(2027, 1, 1, 0, 0, 20),
    ]
    assert ticks("45 */10 * * *", utc(2026, 3, 1, 19), 3) == [
        utc(2026, 3, 1, 20, 45),
        utc(2026, 3, 2, 0, 45),
        utc(2026, 3, 2, 10, 45),
    ]


def test_both_day_fields_restricted_means_either_matches() -> None:
    # The 13th, or any Friday: April 2026 has Fridays 3, 10, 17, 24 and a Monday the 13th.
    assert ticks("0 0 13 * FRI", utc(2026, 4, 1), 4) == [
        utc(2026, 4, 3),
        utc(2026, 4, 10),
        utc(2026, 4, 13),
        utc(2026, 4, 17),
    ]


def test_a_starred_day_field_means_both_must_match() -> None:
    # "*/2" counts as unrestricted (Vixie looks at the leading '*'): odd days that are Fridays.
    assert ticks("0 0 */2 * FRI", utc(2026, 2, 1), 3) == [
        utc(2026, 2, 13),
        utc(2026, 2, 27),
        utc(2026, 3, 13),
    ]
    # Day of week alone when day of month is '*'.
    assert ticks("0 0 * * MON", utc(2026, 2, 1), 2) == [utc(2026, 2, 2), utc(2026, 2, 9)]


def test_month_ends_skip_months_without_the_day() -> None:
    assert ticks("0 12 31 * *", utc(2026, 1, 31, 13), 3) == [
        utc(2026, 3, 31, 12),
        utc(2026, 5, 31, 12),
        utc(2026, 7, 31, 12),
    ]


def test_leap_day_including_a_skipped_century() -> None:
    assert Cron.parse("0 0 29 2 *").next_after(utc(2025, 3, 1)) == utc(2028, 2, 29)
    # 2100 is not a leap year: eight years between leap days.
    assert Cron.parse("0 0 29 2 *").next_after(utc(2096, 3, 1)) == utc(2104, 2, 29)


def test_result_is_in_the_time_zone_of_the_input() -> None:
    start = datetime(2026, 6, 1, 12, tzinfo=BERLIN)
    got = Cron.parse("0 3 * * *").next_after(start)
    assert got == datetime(2026, 6, 2, 3, tzinfo=BERLIN)
    assert got.tzinfo is BERLIN and got.utcoffset() == timedelta(hours=2)


def test_berlin_spring_forward_skips_the_missing_hour() -> None:
    # 2026-03-29: clocks jump from 02:00 CET to 03:00 CEST, so 02:30 does not exist that day.
    start = datetime(2026, 3, 28, 12, tzinfo=BERLIN)
    assert ticks("30 2 * * *", start, 2) == [
        datetime(2026, 3, 30, 2, 30, tzinfo=BERLIN),
        datetime(2026, 3, 31, 2, 30, tzinfo=BERLIN),
    ]
    hourly = ticks("0 * * * *", datetime(2026, 3, 29, 0, 30, tzinfo=BERLIN), 3)
    assert [t.astimezone(UTC) for t in hourly] == [
        utc(2026, 3, 29, 0),  # 01:00 CET
        utc(2026, 3, 29, 1),  # 03:00 CEST: one hour later in real time
        utc(2026, 3, 29, 2),
    ]


def test_berlin_fall_back_runs_a_repeated_time_once() -> None:
    # 2026-10-25: clocks fall back from 03:00 CEST to 02:00 CET; 02:30 happens twice.
    daily = ticks("30 2 * * *", datetime(2026, 10, 24, 12, tzinfo=BERLIN), 2)
    assert [t.astimezone(UTC) for t in daily] == [
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
    ]
    # From inside the second 02:xx hour, the next half hour is 03:00 CET.
    second_pass = utc(2026, 10, 25, 1, 10).astimezone(BERLIN)
    assert second_pass.fold == 1
    got = Cron.parse("*/30 * * * *").next_after(second_pass)
    assert got.astimezone(UTC) == utc(2026, 10, 25, 2)


@pytest.mark.parametrize(
    ("day", "minutes"),
    [
        (datetime(2026, 3, 29, tzinfo=BERLIN), 23 * 60),
        (datetime(2026, 10, 25, tzinfo=BERLIN), 24 * 60),
    ],
)
def test_dst_days_terminate_and_ticks_strictly_increase(day: datetime, minutes: int) -> None:
    cron, t, seen = Cron.parse("* * * * *"), day - timedelta(seconds=1), []
    while (t := cron.next_after(t)).date() == day.date():
        seen.append(t.astimezone(UTC))
    assert len(seen) == minutes
    assert all(a < b for a, b in zip(seen, seen[1:]))


def test_impossible_expressions_raise_quickly() -> None:
    began = time.perf_counter()
    for expr in ("0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 0 30 FEB * "):
        with pytest.raises(ConfigError, match="matches no time in the 28 years after"):
            Cron.parse(expr).next_after(utc(2026, 1, 1))
    assert time.perf_counter() - began < 2


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ConfigError, match="timezone-aware"):
        Cron.parse("* * * * *").next_after(datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("0 25 * * *", "cron field 'hour' value 25 is outside 0-23 in \"0 25 * * *\""),
        ("60 * * * *", "cron field 'minute' value 60 is outside 0-59"),
        ("0 0 0 * *", "cron field 'day-of-month' value 0 is outside 1-31"),
        ("0 0 * 13 *", "cron field 'month' value 13 is outside 1-12"),
        ("0 0 * * 8", "cron field 'day-of-week' value 8 is outside 0-7"),
        ("61 * * * * *", "cron field 'second' value 61 is outside 0-59"),
        ("0 0 * FOO *", "cron field 'month' value 'FOO' is not a number in 1-12 or a name JAN-DEC"),
        ("0 0 * * funday", "value 'funday' is not a number in 0-7 or a name SUN-SAT"),
        ("x * * * *", "cron field 'minute' value 'x' is not a number in 0-59 in"),
        ("*/0 * * * *", "cron field 'minute' step '0' must be a whole number >= 1"),
        ("*/a * * * *", "step 'a' must be a whole number >= 1"),
        ("0 5-3 * * *", "cron field 'hour' range '5-3' runs backwards"),
        ("0 1,,2 * * *", "cron field 'hour' value '' is not a number"),
        ("* * * *", 'cron expression "* * * *" has 4 fields; expected 5'),
        ("* * * * * * *", "has 7 fields"),
        ("", "has 0 fields"),
        ("@reboot", 'unknown cron macro "@reboot". Available: @annually, @daily'),
    ],
)
def test_errors_name_the_field_and_allowed_range(expr: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        Cron.parse(expr)
    assert message in str(info.value)
