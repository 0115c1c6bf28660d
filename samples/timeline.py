"""Working-day arithmetic for generated timelines (行政处罚法 art85: 工作日, 不含法定节假日)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar


def is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # outside the package's years: plain Mon-Fri
        return day.weekday() < 5


def next_workday(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (the start day itself is not counted)."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += dt.timedelta(days=step)
        if is_workday(day):
            remaining -= 1
    return day


def add_days_to_workday(day: dt.date, n: int) -> dt.date:
    return next_workday(day + dt.timedelta(days=n))
