"""Office hours: is the team in now, and when does it next open (in the clinic's time zone)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.config import OfficeHours

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def local_now(hours: OfficeHours, now: datetime | None = None) -> datetime:
    """`now` in the office's time zone; a naive `now` is taken as UTC, like every time in the project."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(ZoneInfo(hours.timezone))


def is_open(hours: OfficeHours, now: datetime | None = None) -> bool:
    moment = local_now(hours, now)
    if WEEKDAYS[moment.weekday()] not in hours.days:
        return False
    return _clock(hours.opens) <= moment.time() < _clock(hours.closes)


def next_opening(hours: OfficeHours, now: datetime | None = None) -> datetime | None:
    """The next moment the office opens after `now` (local time), or None when no day is configured."""
    moment = local_now(hours, now)
    opens = _clock(hours.opens)
    for offset in range(8):
        day: date = moment.date() + timedelta(days=offset)
        start = datetime.combine(day, opens, tzinfo=moment.tzinfo)
        if WEEKDAYS[day.weekday()] in hours.days and start > moment:
            return start
    return None


def describe_day(opening: datetime, now: datetime, names: dict[str, str]) -> str:
    """'today', 'tomorrow' or the weekday phrase, taken from the language's `names`."""
    days_ahead = (opening.date() - now.date()).days
    if days_ahead == 0:
        return names["today"]
    if days_ahead == 1:
        return names["tomorrow"]
    return names[WEEKDAYS[opening.weekday()]]


def clock_text(value: str) -> str:
    """'08:00' -> '8:00', as people write it."""
    hours, minutes = value.split(":")
    return f"{int(hours)}:{minutes}"
