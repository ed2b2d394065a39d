"""Personal data in a reply: PESEL, codice fiscale, and phone numbers or e-mails that are not the clinic's."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.config import Config

URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PESEL = re.compile(r"(?<!\d)\d{11}(?!\d)")
CODICE_FISCALE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[ABCDEHLMPRSTabcdehlmprst]"
    r"[0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z](?![A-Za-z0-9])"
)
# Digits with the separators people use in phone numbers; dots are left out so dates do not match.
PHONE = re.compile(r"(?<![\w/])\+?\(?\d[\d \-()]{5,}\d(?![\w])")
PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)


@dataclass(frozen=True, slots=True)
class Hit:
    what: str  # "PESEL", "codice fiscale", "phone number", "e-mail address"
    span: tuple[int, int]


def is_valid_pesel(digits: str) -> bool:
    if len(digits) != 11 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits, PESEL_WEIGHTS))
    if (10 - total % 10) % 10 != int(digits[10]):
        return False
    month = int(digits[2:4]) % 20  # PESEL adds 20/40/60/80 to the month for other centuries
    return 1 <= month <= 12 and 1 <= int(digits[4:6]) <= 31


def official_contacts(config: Config | None) -> tuple[set[str], set[str]]:
    """The clinic's own phone numbers (digits only) and e-mail addresses (lower-case), all languages."""
    phones: set[str] = set()
    emails: set[str] = set()
    if config is None:
        return phones, emails
    for channels in config.channels.values():
        for number in (channels.hotline, channels.emergency_number):
            digits = _digits(number or "")
            if digits:
                phones.add(digits)
        if channels.whatsapp:
            digits = _digits(str(channels.whatsapp))
            if len(digits) >= 7:
                phones.add(digits)
        for address in (channels.email, channels.complaints_email):
            if address:
                emails.add(address.lower())
    return phones, emails


def find_personal_data(text: str, config: Config | None) -> Iterator[Hit]:
    """Yield personal data; without a config every phone number and e-mail address counts."""
    phones, emails = official_contacts(config)
    taken: list[tuple[int, int]] = [m.span() for m in URL.finditer(text)]
    for match in EMAIL.finditer(text):
        if _overlaps(match.span(), taken):
            continue
        taken.append(match.span())
        if match.group().lower().rstrip(".") not in emails:
            yield Hit("e-mail address", match.span())
    for match in CODICE_FISCALE.finditer(text):
        if not _overlaps(match.span(), taken):
            taken.append(match.span())
            yield Hit("codice fiscale", match.span())
    for match in PESEL.finditer(text):
        if not _overlaps(match.span(), taken) and is_valid_pesel(match.group()):
            taken.append(match.span())
            yield Hit("PESEL", match.span())
    for match in PHONE.finditer(text):
        span = (match.start(), match.end())
        digits = _digits(match.group())
        long_enough = len(digits) >= 9 or (match.group().startswith("+") and len(digits) >= 8)
        if long_enough and not _overlaps(span, taken) and not _is_official(digits, phones):
            yield Hit("phone number", span)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _is_official(digits: str, official: set[str]) -> bool:
    # "+48 22 123 45 67" and "22 123 45 67" are the same line: compare without the country code.
    return any(
        digits == number or (min(len(digits), len(number)) >= 6 and (digits.endswith(number) or number.endswith(digits)))
        for number in official
    )


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)
