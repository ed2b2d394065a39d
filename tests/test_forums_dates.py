"""Forum dates in Polish, Italian and English, relative and absolute, to UTC in the forum's own time zone."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from collectors.forums.dates import DateParseError, parse_forum_date, parse_machine_date

WARSAW = ZoneInfo("Europe/Warsaw")
ROME = ZoneInfo("Europe/Rome")
# Saturday 15 November 2025, 12:00 in Warsaw (CET, UTC+1) = 11:00 UTC.
NOW = datetime(2025, 11, 15, 11, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


POLISH = [
    ("wczoraj, 14:32", utc(2025, 11, 14, 13, 32)),
    ("Wczoraj o 14:32", utc(2025, 11, 14, 13, 32)),
    ("dzisiaj o 09:10", utc(2025, 11, 15, 8, 10)),
    ("Dziś, 9:10", utc(2025, 11, 15, 8, 10)),
    ("przedwczoraj o 7:05", utc(2025, 11, 13, 6, 5)),
    ("2 godziny temu", utc(2025, 11, 15, 9, 0)),
    ("godzinę temu", utc(2025, 11, 15, 10, 0)),
    ("5 minut temu", utc(2025, 11, 15, 10, 55)),
    ("5 min. temu", utc(2025, 11, 15, 10, 55)),
    ("3 dni temu", utc(2025, 11, 12, 11, 0)),
    ("tydzień temu", utc(2025, 11, 8, 11, 0)),
    ("przed chwilą", utc(2025, 11, 15, 11, 0)),
    ("12 lis 2025, 08:15", utc(2025, 11, 12, 7, 15)),
    ("12 listopada 2025", utc(2025, 11, 11, 23, 0)),
    ("12 listopada 2025 r., godz. 18:40", utc(2025, 11, 12, 17, 40)),
    ("śr 12 lis 2025 08:15", utc(2025, 11, 12, 7, 15)),
    ("3 paź 2025, 22:05", utc(2025, 10, 3, 20, 5)),  # CEST, UTC+2
    ("15.11.2025, 12:30", utc(2025, 11, 15, 11, 30)),
    ("12 lis, 08:15", utc(2025, 11, 12, 7, 15)),  # no year: this year
    ("20 gru", utc(2024, 12, 19, 23, 0)),  # no year, would be in the future: last year
    ("Niedziela o 10:15", utc(2025, 11, 9, 9, 15)),  # XenForo, the last seven days
]

ITALIAN = [
    ("Oggi alle 10:15", utc(2025, 11, 15, 9, 15)),
    ("Ieri alle 18:03", utc(2025, 11, 14, 17, 3)),
    ("l'altro ieri alle 09:00", utc(2025, 11, 13, 8, 0)),
    ("3 giorni fa", utc(2025, 11, 12, 11, 0)),
    ("2 ore fa", utc(2025, 11, 15, 9, 0)),
    ("un'ora fa", utc(2025, 11, 15, 10, 0)),
    ("Un minuto fa", utc(2025, 11, 15, 10, 59)),
    ("2 settimane fa", utc(2025, 11, 1, 11, 0)),
    ("un mese fa", utc(2025, 10, 15, 10, 0)),  # 12:00 CEST on 15 October
    ("poco fa", utc(2025, 11, 15, 11, 0)),
    ("12 novembre 2025 alle 10:15", utc(2025, 11, 12, 9, 15)),
    ("12 nov 2025", utc(2025, 11, 11, 23, 0)),
    ("mar 11 nov 2025, 10:15", utc(2025, 11, 11, 9, 15)),  # "mar" is Tuesday here, not March
    ("15/11/2025 12:30", utc(2025, 11, 15, 11, 30)),
    ("1 ago 2025 alle 9:00", utc(2025, 8, 1, 7, 0)),  # CEST
    ("Domenica alle 10:15", utc(2025, 11, 9, 9, 15)),
]

ENGLISH = [
    ("Today at 10:15 AM", utc(2025, 11, 15, 9, 15)),
    ("Yesterday at 6:03 PM", utc(2025, 11, 14, 17, 3)),
    ("3 days ago", utc(2025, 11, 12, 11, 0)),
    ("an hour ago", utc(2025, 11, 15, 10, 0)),
    ("Wed Nov 12, 2025 8:15 pm", utc(2025, 11, 12, 19, 15)),
    ("11-12-2025, 08:15 AM", utc(2025, 11, 12, 7, 15)),  # vBulletin: month first
    ("Nov 12, 2025", utc(2025, 11, 11, 23, 0)),
]


@pytest.mark.parametrize("text, expected", POLISH)
def test_polish_dates_in_warsaw(text: str, expected: datetime) -> None:
    assert parse_forum_date(text, now=NOW, tz="Europe/Warsaw", language="pl") == expected


@pytest.mark.parametrize("text, expected", ITALIAN)
def test_italian_dates_in_rome(text: str, expected: datetime) -> None:
    assert parse_forum_date(text, now=NOW, tz="Europe/Rome", language="it") == expected


@pytest.mark.parametrize("text, expected", ENGLISH)
def test_english_dates(text: str, expected: datetime) -> None:
    assert parse_forum_date(text, now=NOW, tz=WARSAW, language="en") == expected


@pytest.mark.parametrize("text, language", [("wczoraj, 14:32", None), ("Ieri alle 18:03", None), ("12 lis 2025", None)])
def test_language_may_be_left_out(text: str, language: None) -> None:
    assert parse_forum_date(text, now=NOW, tz=WARSAW, language=language).tzinfo is not None


# Around the end of summer time (26 October 2025, 03:00 CEST -> 02:00 CET) and its start (30 March 2025).
DST = [
    # "yesterday 14:32" seen on Monday 27 Oct (CET) is Sunday 26 Oct 14:32 CET = 13:32 UTC.
    ("wczoraj, 14:32", utc(2025, 10, 27, 9, 0), "pl", utc(2025, 10, 26, 13, 32)),
    # Seen on Sunday 26 Oct in the morning: "yesterday" is Saturday, still summer time (UTC+2).
    ("Ieri alle 18:03", utc(2025, 10, 26, 8, 0), "it", utc(2025, 10, 25, 16, 3)),
    # Calendar days on the wall clock: 3 days before Tue 28 Oct 10:00 CET is Sat 25 Oct 10:00 CEST.
    ("3 giorni fa", utc(2025, 10, 28, 9, 0), "it", utc(2025, 10, 25, 8, 0)),
    # Hours are elapsed time: 2 hours before 03:30 CET (02:30 UTC) is 00:30 UTC, across the repeated hour.
    ("2 godziny temu", utc(2025, 10, 26, 2, 30), "pl", utc(2025, 10, 26, 0, 30)),
    # The repeated hour 02:30 is read as its first occurrence (CEST).
    ("26.10.2025 02:30", utc(2025, 10, 27, 9, 0), "pl", utc(2025, 10, 26, 0, 30)),
    # Spring: "dzisiaj 10:00" on 30 March is CEST (UTC+2), "wczoraj 10:00" was CET (UTC+1).
    ("dzisiaj o 10:00", utc(2025, 3, 30, 12, 0), "pl", utc(2025, 3, 30, 8, 0)),
    ("wczoraj o 10:00", utc(2025, 3, 30, 12, 0), "pl", utc(2025, 3, 29, 9, 0)),
    # A time the clocks skipped (02:30 on 30 March) is moved forward, never raises.
    ("30.03.2025 02:30", utc(2025, 3, 31, 12, 0), "pl", utc(2025, 3, 30, 1, 30)),
]


@pytest.mark.parametrize("text, now, language, expected", DST)
def test_dst_boundaries(text: str, now: datetime, language: str, expected: datetime) -> None:
    tz = "Europe/Warsaw" if language == "pl" else "Europe/Rome"
    assert parse_forum_date(text, now=now, tz=tz, language=language) == expected


@pytest.mark.parametrize("value, expected", [
    ("1763053380", utc(2025, 11, 13, 17, 3)),  # XenForo data-time
    ("2025-11-12T07:15:00+00:00", utc(2025, 11, 12, 7, 15)),  # phpBB <time datetime>
    ("2025-11-13T18:03:00+0100", utc(2025, 11, 13, 17, 3)),  # XenForo datetime
    ("2025-11-14T16:42:10.512Z", utc(2025, 11, 14, 16, 42, 10, 512000)),  # Discourse created_at
    ("2025-11-12T08:15:00", utc(2025, 11, 12, 7, 15)),  # vBulletin, no offset: the forum's zone
])
def test_machine_dates(value: str, expected: datetime) -> None:
    assert parse_machine_date(value, "Europe/Warsaw") == expected


def test_machine_date_rejects_text() -> None:
    assert parse_machine_date("wczoraj, 14:32") is None
    assert parse_machine_date("") is None


@pytest.mark.parametrize("text", ["", "kiedyś", "dawno temu", "32 lis 2025", "31/02/2025 10:00"])
def test_unreadable_dates_raise(text: str) -> None:
    with pytest.raises(DateParseError) as error:
        parse_forum_date(text, now=NOW, tz=WARSAW, language="pl")
    assert repr(text) in str(error.value)


def test_unknown_timezone_is_named() -> None:
    with pytest.raises(ValueError, match="Europe/Warszawa"):
        parse_forum_date("wczoraj, 14:32", now=NOW, tz="Europe/Warszawa")
