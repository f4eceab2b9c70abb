"""Cron expressions: parse 5-field (or 6-field, seconds first) specs and find the next matching time.

Semantics follow Vixie cron: `*`, numbers, `a-b`, lists, `*/n`, `a-b/n` and `a/n` (from a to the
field's maximum), month and weekday names, 7 == Sunday, and the @hourly/@daily/... macros. When
both day fields are restricted (neither starts with `*`), a day matches if EITHER matches.

Matching is on the wall clock of the datetime's own time zone. Across a DST change a wall time that
does not exist that day (02:30 when clocks jump 02:00 -> 03:00) is skipped, and a wall time that
happens twice (clocks fall back) fires once, at its first occurrence.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pipelines.core.errors import ConfigError

_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# How far next_after looks before calling an expression impossible. A day-of-month/weekday
# combination recurs within the 28-year Gregorian cycle; searching that far costs ~10 ms.
SEARCH_YEARS = 28


@dataclass(frozen=True)
class _Field:
    name: str
    lo: int
    hi: int
    names: Mapping[str, int]


_FIELDS = (
    _Field("second", 0, 59, {}),
    _Field("minute", 0, 59, {}),
    _Field("hour", 0, 23, {}),
    _Field("day-of-month", 1, 31, {}),
    _Field("month", 1, 12, {n: i for i, n in enumerate(_MONTHS, start=1)}),
    _Field("day-of-week", 0, 7, {n: i for i, n in enumerate(_WEEKDAYS)}),
)


@dataclass(frozen=True, kw_only=True)
class Cron:
    """A parsed cron expression; each field holds its allowed values, sorted."""

    expr: str
    seconds: tuple[int, ...]  # (0,) for a 5-field expression: minute resolution
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...]  # day of month, 1-31
    months: tuple[int, ...]  # 1-12
    weekdays: tuple[int, ...]  # 0-6, Sunday = 0
    days_either: bool  # both day fields restricted: a day matches if either one does

    @classmethod
    def parse(cls, expr: str) -> Cron:
        """Parse `expr`; raise ConfigError naming the bad field and its allowed range."""
        text = expr.strip()
        if text.startswith("@"):
            if text.lower() not in MACROS:
                raise ConfigError(
                    f'unknown cron macro "{text}". Available: {", ".join(sorted(MACROS))}'
                )
            text = MACROS[text.lower()]
        parts = text.split()
        if len(parts) == 5:
            parts = ["0", *parts]
        elif len(parts) != 6:
            raise ConfigError(
                f'cron expression "{expr}" has {len(parts)} fields; expected 5 (minute hour '
                "day-of-month month day-of-week) or 6 (a seconds field first)"
            )
        values = [_parse_field(spec, part, expr) for spec, part in zip(_FIELDS, parts)]
        return cls(
            expr=expr,
            seconds=values[0],
            minutes=values[1],
            hours=values[2],
            days=values[3],
            months=values[4],
            weekdays=values[5],
            days_either=not parts[3].startswith("*") and not parts[5].startswith("*"),
        )

    def next_after(self, t: datetime) -> datetime:
        """The first matching time strictly after `t`, in t's time zone (t must be aware)."""
        if t.tzinfo is None or t.utcoffset() is None:
            raise ConfigError(f"cron needs a timezone-aware datetime, got {t.isoformat()}")
        tz = t.tzinfo
        after = t.astimezone(UTC)
        wall = t.replace(tzinfo=None, microsecond=0) + timedelta(seconds=1)
        last_year = wall.year + SEARCH_YEARS
        while True:
            wall = self._next_wall(wall, last_year, t)
            # fold=0: a wall time that happens twice fires at its first occurrence only.
            candidate = wall.replace(tzinfo=tz, fold=0)
            instant = candidate.astimezone(UTC)
            # Same-tzinfo comparisons ignore the offset, so compare in UTC. The first check skips
            # wall times in a spring-forward gap; the second skips the first occurrence of a
            # repeated hour when t lies in its second occurrence.
            if instant.astimezone(tz).replace(tzinfo=None) == wall and instant > after:
                return candidate
            wall += timedelta(seconds=1)

    def _matches_day(self, day: datetime) -> bool:
        """Whether the calendar day of `day` can hold a tick (months and both day fields)."""
        if day.month not in self.months:
            return False
        dom = day.day in self.days
        dow = day.isoweekday() % 7 in self.weekdays
        return (dom or dow) if self.days_either else (dom and dow)

    def _next_wall(self, wall: datetime, last_year: int, t: datetime) -> datetime:
        """The first matching naive wall-clock time at or after `wall`."""
        while wall.year <= last_year:
            midnight = wall.replace(hour=0, minute=0, second=0)
            if wall.month not in self.months:
                wall = (midnight.replace(day=1) + timedelta(days=32)).replace(day=1)
                continue
            if not self._matches_day(wall):
                wall = midnight + timedelta(days=1)
                continue
            hour = _first_at_least(self.hours, wall.hour)
            if hour is None:
                wall = midnight + timedelta(days=1)
                continue
            if hour > wall.hour:
                wall = wall.replace(hour=hour, minute=0, second=0)
            minute = _first_at_least(self.minutes, wall.minute)
            if minute is None:
                wall = wall.replace(minute=0, second=0) + timedelta(hours=1)
                continue
            if minute > wall.minute:
                wall = wall.replace(minute=minute, second=0)
            second = _first_at_least(self.seconds, wall.second)
            if second is None:
                wall = wall.replace(second=0) + timedelta(minutes=1)
                continue
            return wall.replace(second=second)
        raise ConfigError(
            f'cron expression "{self.expr}" matches no time in the {SEARCH_YEARS} years after '
            f"{t.isoformat()}; does it name a day that does not exist, like 30 February?"
        )


def _first_at_least(values: tuple[int, ...], x: int) -> int | None:
    i = bisect.bisect_left(values, x)
    return values[i] if i < len(values) else None


def _parse_field(spec: _Field, text: str, expr: str) -> tuple[int, ...]:
    values: set[int] = set()
    for item in text.split(","):
        body, slash, step_text = item.partition("/")
        step = 1
        if slash:
            if not (step_text.isascii() and step_text.isdigit()) or int(step_text) < 1:
                raise _error(spec, expr, f"step {step_text!r} must be a whole number >= 1")
            step = int(step_text)
        if body == "*":
            lo, hi = spec.lo, spec.hi
        elif "-" in body:
            first, _, last = body.partition("-")
            lo, hi = _value(spec, first, expr), _value(spec, last, expr)
            if lo > hi:
                raise _error(spec, expr, f"range {body!r} runs backwards; write it low-high")
        else:
            lo = _value(spec, body, expr)
            hi = spec.hi if slash else lo
        values.update(range(lo, hi + 1, step))
    if spec.name == "day-of-week" and 7 in values:
        values = (values - {7}) | {0}  # 7 is Sunday too
    return tuple(sorted(values))


def _value(spec: _Field, token: str, expr: str) -> int:
    if token.isascii() and token.isdigit():
        n = int(token)
        if not spec.lo <= n <= spec.hi:
            raise _error(spec, expr, f"value {n} is outside {spec.lo}-{spec.hi}")
        return n
    if token.upper() in spec.names:
        return spec.names[token.upper()]
    names = list(spec.names)
    also = f" or a name {names[0]}-{names[-1]}" if names else ""
    raise _error(spec, expr, f"value {token!r} is not a number in {spec.lo}-{spec.hi}{also}")


def _error(spec: _Field, expr: str, what: str) -> ConfigError:
    return ConfigError(f'cron field {spec.name!r} {what} in "{expr}"')
