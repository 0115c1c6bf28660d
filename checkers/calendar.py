"""Counting days the way 行政处罚法 art85 and 民事诉讼法 art85 count them.

Kept apart from `samples.timeline` on purpose: the generator's truth must not share code with
the checks it is used to measure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar


@dataclass(frozen=True)
class Deadline:
    """The last day of a period; `exact` is False where the holiday calendar did not cover a year
    (then plain Mon–Fri stands in, and a finding resting on it is uncertain)."""

    day: dt.date
    exact: bool = True


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(working day?, known from the State Council calendar?)."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:  # outside the package's years
        return day.weekday() < 5, False


def add_workdays(start: dt.date, n: int) -> Deadline:
    """The n-th working day after `start` (the start day itself is not counted; LAP art85:
    二日、三日、五日、七日 are working days, statutory holidays excluded, 调休 Saturdays counted)."""
    day, exact, left = start, True, n
    while left > 0:
        day += dt.timedelta(days=1)
        work, known = is_workday(day)
        exact = exact and known
        if work:
            left -= 1
    return Deadline(day, exact)


def add_days(start: dt.date, n: int) -> Deadline:
    """A period of n natural days from `start` (start not counted); a last day that is not a
    working day moves to the next working day (民事诉讼法 art85)."""
    day, exact = start + dt.timedelta(days=n), True
    while True:
        work, known = is_workday(day)
        exact = exact and known
        if work:
            return Deadline(day, exact)
        day += dt.timedelta(days=1)


def period_end(start: dt.date, days: int, working_day_max: int = 7) -> Deadline:
    """The end of a period stated as `days` 日: working days up to `working_day_max` (art85
    names 二日, 三日, 五日, 七日), natural days beyond."""
    return add_workdays(start, days) if days <= working_day_max else add_days(start, days)
