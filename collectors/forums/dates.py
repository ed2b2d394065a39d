"""Forum dates as forums print them ("wczoraj, 14:32", "3 giorni fa", "12 lis 2025, 08:15") to UTC datetimes."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.models import fold_text

# Month names, full and abbreviated, in every grammatical form forums print; keys are folded (no diacritics).
MONTHS: dict[str, dict[str, int]] = {
    "pl": {
        "styczen": 1, "stycznia": 1, "sty": 1, "luty": 2, "lutego": 2, "lut": 2,
        "marzec": 3, "marca": 3, "mar": 3, "kwiecien": 4, "kwietnia": 4, "kwi": 4,
        "maj": 5, "maja": 5, "czerwiec": 6, "czerwca": 6, "cze": 6, "lipiec": 7, "lipca": 7, "lip": 7,
        "sierpien": 8, "sierpnia": 8, "sie": 8, "wrzesien": 9, "wrzesnia": 9, "wrz": 9,
        "pazdziernik": 10, "pazdziernika": 10, "paz": 10, "listopad": 11, "listopada": 11, "lis": 11,
        "grudzien": 12, "grudnia": 12, "gru": 12,
    },
    "it": {
        "gennaio": 1, "gen": 1, "febbraio": 2, "feb": 2, "marzo": 3, "mar": 3, "aprile": 4, "apr": 4,
        "maggio": 5, "mag": 5, "giugno": 6, "giu": 6, "luglio": 7, "lug": 7, "agosto": 8, "ago": 8,
        "settembre": 9, "set": 9, "ottobre": 10, "ott": 10, "novembre": 11, "nov": 11, "dicembre": 12, "dic": 12,
    },
    "en": {
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
        "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
        "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    },
}

# Weekday names (Monday = 0), as XenForo prints posts of the last week: "Domenica alle 10:15".
WEEKDAYS: dict[str, dict[str, int]] = {
    "pl": {"poniedzialek": 0, "wtorek": 1, "sroda": 2, "czwartek": 3, "piatek": 4, "sobota": 5, "niedziela": 6},
    "it": {"lunedi": 0, "martedi": 1, "mercoledi": 2, "giovedi": 3, "venerdi": 4, "sabato": 5, "domenica": 6},
    "en": {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6},
}

# Words for a day relative to today.
DAY_WORDS: dict[str, dict[str, int]] = {
    "pl": {"dzisiaj": 0, "dzis": 0, "wczoraj": -1, "przedwczoraj": -2},
    "it": {"oggi": 0, "ieri": -1, "l'altro ieri": -2, "altro ieri": -2, "l'altroieri": -2},
    "en": {"today": 0, "yesterday": -1},
}

# "Just now" in its forms: the post is as old as the page.
NOW_WORDS: dict[str, tuple[str, ...]] = {
    "pl": ("przed chwila", "teraz", "chwile temu", "moment temu"),
    "it": ("adesso", "proprio ora", "ora", "un momento fa", "pochi secondi fa", "poco fa"),
    "en": ("just now", "a moment ago", "now", "a few seconds ago"),
}

# Units of "N units ago", by the stem each language's inflected forms start with.
UNIT_STEMS: dict[str, tuple[tuple[str, str], ...]] = {
    "pl": (("sekund", "seconds"), ("sek", "seconds"), ("min", "minutes"), ("godz", "hours"), ("dzien", "days"), ("dni", "days"),
           ("tydzien", "weeks"), ("tygodni", "weeks"), ("miesiac", "months"), ("miesiec", "months"),
           ("rok", "years"), ("lata", "years"), ("lat", "years")),
    "it": (("second", "seconds"), ("minut", "minutes"), ("ora", "hours"), ("ore", "hours"), ("giorn", "days"),
           ("settiman", "weeks"), ("mese", "months"), ("mesi", "months"), ("anno", "years"), ("anni", "years")),
    "en": (("sec", "seconds"), ("min", "minutes"), ("hour", "hours"), ("hr", "hours"), ("day", "days"),
           ("week", "weeks"), ("month", "months"), ("year", "years"), ("yr", "years")),
}
AGO_WORDS = {"pl": "temu", "it": "fa", "en": "ago"}
# "un'ora fa", "a day ago", "godzinę temu": an article or no number means one.
ONE_WORDS = {"a", "an", "one", "un", "una", "uno", "un'", "jeden", "jedna", "jedno"}

LANGUAGES = tuple(MONTHS)


class DateParseError(ValueError):
    """A forum date this parser does not understand; the message quotes it."""


def zone(name: str | tzinfo) -> tzinfo:
    """A tzinfo from a name like "Europe/Warsaw"; ValueError naming it when unknown."""
    if isinstance(name, tzinfo):
        return name
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Europe/Warsaw)") from None


def parse_machine_date(value: str, tz: str | tzinfo = "UTC") -> datetime | None:
    """A machine-readable date (unix seconds as in XenForo's data-time, or ISO 8601) in UTC; None if neither."""
    value = (value or "").strip()
    if not value:
        return None
    if re.fullmatch(r"\d{9,11}(\.\d+)?", value):
        return datetime.fromtimestamp(float(value), tz=UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None
    return _local_to_utc(moment, zone(tz)) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_forum_date(
    text: str, *, now: datetime, tz: str | tzinfo = "UTC", language: str | None = None
) -> datetime:
    """Parse a date as a forum shows it, relative ones against `now`, local ones in `tz`; the result is UTC."""
    local_zone = zone(tz)
    machine = parse_machine_date(text, local_zone)
    if machine is not None:
        return machine
    languages = _languages(language)
    folded = fold_text(text).replace("\u2019", "'")
    now_local = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(local_zone)
    for parser in (_parse_now_word, _parse_ago, _parse_day_word, _parse_absolute, _parse_weekday):
        result = parser(folded, now_local, languages)
        if result is not None:
            return result.astimezone(UTC)
    raise DateParseError(f"cannot read the date {text!r}" + (f" as {language!r}" if language else ""))


def _languages(language: str | None) -> tuple[str, ...]:
    if not language:
        return LANGUAGES
    code = language.lower().split("-")[0].split("_")[0]
    return (code,) + tuple(other for other in LANGUAGES if other != code) if code in MONTHS else LANGUAGES


def _parse_now_word(folded: str, now_local: datetime, languages: tuple[str, ...]) -> datetime | None:
    cleaned = folded.strip(" .!")
    if any(cleaned == word for lang in languages for word in NOW_WORDS[lang]):
        return now_local
    return None


_AGO = re.compile(r"^(?:(\d+)\s*|([a-z]+'|[a-z]+\s+))?([a-z]+)\.?\s+(temu|fa|ago)$")


def _parse_ago(folded: str, now_local: datetime, languages: tuple[str, ...]) -> datetime | None:
    match = _AGO.match(folded.strip(" ."))
    if not match:
        return None
    number, word, unit_word, ago = match.groups()
    if word and word.strip() not in ONE_WORDS:
        return None
    amount = int(number) if number else 1
    lang = next(code for code, ago_word in AGO_WORDS.items() if ago_word == ago)
    unit = _unit(unit_word, lang)
    if unit is None:
        return None
    if unit in ("seconds", "minutes", "hours"):
        # Short spans are real elapsed time, so they cross a DST change correctly.
        return (now_local.astimezone(UTC) - timedelta(**{unit: amount})).astimezone(now_local.tzinfo)
    if unit == "months":
        return _local(_shift_months(now_local.date(), -amount), now_local.timetz(), now_local.tzinfo)
    if unit == "years":
        return _local(_shift_months(now_local.date(), -12 * amount), now_local.timetz(), now_local.tzinfo)
    days = amount * (7 if unit == "weeks" else 1)
    # Days are calendar days on the forum's wall clock: "3 giorni fa" at 10:00 is 10:00 local three days back.
    return _local(now_local.date() - timedelta(days=days), now_local.timetz(), now_local.tzinfo)


def _unit(word: str, lang: str) -> str | None:
    for stem, unit in UNIT_STEMS[lang]:
        if word.startswith(stem):
            return unit
    return None


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


_TIME = re.compile(r"(?<![\d.:/-])(\d{1,2})[:.](\d{2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?![\d.:/-]\d)")


def _find_time(folded: str) -> time | None:
    match = _TIME.search(folded)
    if not match:
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    meridiem = (match.group(4) or "").replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _parse_day_word(folded: str, now_local: datetime, languages: tuple[str, ...]) -> datetime | None:
    words = sorted(((w, off) for lang in languages for w, off in DAY_WORDS[lang].items()), key=lambda p: -len(p[0]))
    for word, offset in words:
        if re.search(rf"(?<![a-z']){re.escape(word)}(?![a-z])", folded):
            clock = _find_time(folded) or time(0, 0)
            return _local(now_local.date() + timedelta(days=offset), clock, now_local.tzinfo)
    return None


def _month_alternation(languages: tuple[str, ...]) -> str:
    names = {name for lang in languages for name in MONTHS[lang]}
    return "|".join(sorted(names, key=len, reverse=True))


def _month_number(name: str, languages: tuple[str, ...]) -> int:
    return next(MONTHS[lang][name] for lang in languages if name in MONTHS[lang])


def _parse_absolute(folded: str, now_local: datetime, languages: tuple[str, ...]) -> datetime | None:
    found = _numeric_date(folded, languages) or _named_date(folded, languages)
    if found is None:
        return None
    (year, month, day), rest = found
    if year is None:
        year = now_local.year
        # "12 lis" with no year is the most recent such day, never one in the future.
        if date(year, month, day) > now_local.date() + timedelta(days=1):
            year -= 1
    elif year < 100:
        year += 2000
    try:
        target = date(year, month, day)
    except ValueError:
        return None
    return _local(target, _find_time(rest) or time(0, 0), now_local.tzinfo)


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_DATE = re.compile(r"(?<![\d:])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d:])")


def _numeric_date(folded: str, languages: tuple[str, ...]) -> tuple[tuple[int | None, int, int], str] | None:
    iso = _ISO_DATE.search(folded)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        return (year, month, day), folded[: iso.start()] + " " + folded[iso.end():]
    match = _NUMERIC_DATE.search(folded)
    if not match:
        return None
    first, separator, second, year = int(match.group(1)), match.group(2), int(match.group(3)), int(match.group(4))
    # English forums (vBulletin's default) write month first with / or -; Polish and Italian write day first.
    month_first = languages[0] == "en" and separator in "/-" and first <= 12
    if second > 12:
        month_first = True
    elif first > 12:
        month_first = False
    month, day = (first, second) if month_first else (second, first)
    return (year, month, day), folded[: match.start()] + " " + folded[match.end():]


def _named_date(folded: str, languages: tuple[str, ...]) -> tuple[tuple[int | None, int, int], str] | None:
    names = _month_alternation(languages)
    day_first = re.compile(rf"(?<!\d)(\d{{1,2}})\.?\s+({names})\.?(?![a-z])(?:,?\s+(\d{{4}})(?!\d))?")
    month_first = re.compile(rf"(?<![a-z])({names})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(\d{{4}})(?!\d))?")
    match = day_first.search(folded)
    if match:
        day, name, year = match.groups()
    else:
        match = month_first.search(folded)
        if not match:
            return None
        name, day, year = match.groups()
    rest = folded[: match.start()] + " " + folded[match.end():]
    return (int(year) if year else None, _month_number(name, languages), int(day)), rest


def _parse_weekday(folded: str, now_local: datetime, languages: tuple[str, ...]) -> datetime | None:
    for lang in languages:
        for name, weekday in WEEKDAYS[lang].items():
            if re.search(rf"(?<![a-z]){name}(?![a-z])", folded):
                # XenForo names the weekday only for the last seven days, always in the past.
                back = (now_local.weekday() - weekday) % 7 or 7
                return _local(now_local.date() - timedelta(days=back), _find_time(folded) or time(0, 0), now_local.tzinfo)
    return None


def _local(day: date, clock: time, tz: tzinfo | None) -> datetime:
    return _local_to_utc(datetime.combine(day, clock.replace(tzinfo=None)), tz or UTC).astimezone(tz)


def _local_to_utc(naive: datetime, tz: tzinfo) -> datetime:
    """Wall-clock time in `tz` to UTC; an ambiguous hour (DST end) takes the first, a skipped one moves forward."""
    # fold=0 (PEP 495) reads both cases with the offset in force before the change, which is exactly that.
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
