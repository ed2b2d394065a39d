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


# Free mailbox providers: an address there belongs to a person, not to the clinic.
WEBMAIL = frozenset({
    "gmail.com", "googlemail.com", "wp.pl", "o2.pl", "onet.pl", "onet.eu", "interia.pl", "interia.eu", "op.pl",
    "poczta.fm", "tlen.pl", "gazeta.pl", "libero.it", "virgilio.it", "alice.it", "tiscali.it", "tim.it", "hotmail.com",
    "hotmail.it", "outlook.com", "outlook.it", "live.com", "live.it", "yahoo.com", "yahoo.it", "icloud.com", "me.com",
    "proton.me", "protonmail.com", "aol.com", "gmx.com", "gmx.net", "fastwebnet.it", "email.it", "inwind.it",
})
# "anna.kowalska@", "j.smith@", "mario_rossi@": a person's mailbox even on the clinic's domain.
PERSONAL_LOCAL = re.compile(r"^[a-z]{1,20}[._][a-z]{2,30}\d{0,4}$")
# A person's name right before a number or an address: "dr Nowak: 601 234 567", "Anna Kowalska, 601...".
PERSON_NAME = re.compile(
    r"\b(?:[Dd]r|[Dd]ott(?:\.|ssa|or)?|[Dd]oktor|[Pp]an[ia]?|[Mm]rs?|[Mm]s|[Ss]ig(?:\.|nor[ae]?|\.ra)|[Nn]urse|[Pp]rof)\.?\s+"
    r"[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźżàèéìòù]+|\b[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźżàèéìòù]+\s+[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźżàèéìòù]{2,}"
)
NAME_WINDOW = 90
# Capitalised words of offices and services, not people: "Biuro Obsługi Pacjenta", "Data Protection Officer".
NOT_NAMES = frozenset("""
biuro biura biurem biurze obslugi pacjenta pacjentow rzecznik rzecznika rzecznikiem praw dzial dzialu sekretariat
rejestracja rejestracji recepcja recepcji infolinia infolinii centrum klinika kliniki przychodnia przychodni szpital
prosimy zapraszamy prosze dzien dobry szanowni szanowny szanowna zespol
data protection officer patient patients advice liaison service services please call contact team reception clinic
centre center help desk customer care office nhs pals whatsapp messenger email phone press media practice hospital
surgery switchboard hello dear thanks thank sorry hi
ufficio relazioni pubblico ufficio segreteria centralino ambulatorio servizio clienti gentile buongiorno salve grazie
struttura centro accettazione direzione sanitaria stampa
helpline line amico telefono linea samaritans childline zaufania zaufanie telefon abuse crisis
""".split())


@dataclass(frozen=True)
class Official:
    """The clinic's own contacts; `known` is False without a config (then addresses are judged by their shape)."""

    phones: frozenset[str]
    emails: frozenset[str]
    domains: frozenset[str]
    known: bool


def official_contacts(config: Config | None) -> Official:
    """The clinic's own phone numbers (digits only), e-mail addresses and web domains, all languages."""
    phones: set[str] = set()
    emails: set[str] = set()
    domains: set[str] = set()
    if config is None:
        return Official(frozenset(), frozenset(), frozenset(), False)
    for channels in config.channels.values():
        for value in channels.model_dump().values():
            if value is None:
                continue
            text = str(value)
            if "@" in text and "/" not in text:
                emails.add(text.lower())
                domains.add(text.lower().rsplit("@", 1)[1])
            elif text.startswith("http"):
                host = re.sub(r"^https?://(?:www\.)?", "", text.lower()).split("/")[0]
                if host not in ("wa.me", "m.me"):
                    domains.add(host)
                digits = _digits(text)
                if host == "wa.me" and len(digits) >= 7:
                    phones.add(digits)
            elif len(_digits(text)) >= 3:
                phones.add(_digits(text))
    return Official(frozenset(phones), frozenset(emails), frozenset(domains), True)


def _personal_email(address: str, official: Official) -> bool:
    address = address.lower().rstrip(".")
    local, _, domain = address.partition("@")
    if address in official.emails:
        return False
    if domain in WEBMAIL or PERSONAL_LOCAL.match(local):
        return True
    if official.known:
        return not any(domain == d or domain.endswith("." + d) or d.endswith("." + domain) for d in official.domains)
    return False  # "kontakt@przychodnia.pl" without a config: an institution's mailbox


def person_name(window: str) -> re.Match[str] | None:
    """The last person's name in `window` (a title and a surname, or two capitalised words), not an office."""
    found = None
    for match in PERSON_NAME.finditer(window):
        words = [w.lower() for w in re.findall(r"\w+", match.group())]
        if not any(fold_word(w) in NOT_NAMES for w in words[-2:]):
            found = match
    return found


def fold_word(word: str) -> str:
    return word.translate(_PLAIN)


_PLAIN = str.maketrans("ąćęłńóśźżàèéìòù", "acelnoszzaeeiou")


def _person_named_before(text: str, start: int) -> bool:
    window = text[max(0, start - NAME_WINDOW) : start]
    name = person_name(window)
    # the name must be right before the number: at most a few words in between ("dr Nowak, tel. 601...")
    return name is not None


def find_personal_data(text: str, config: Config | None) -> Iterator[Hit]:
    """Yield personal data. Without a config, a number or address counts when it looks like a person's."""
    official = official_contacts(config)
    taken: list[tuple[int, int]] = [m.span() for m in URL.finditer(text)]
    for match in EMAIL.finditer(text):
        if _overlaps(match.span(), taken):
            continue
        taken.append(match.span())
        if _personal_email(match.group(), official):
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
        if not long_enough or _overlaps(span, taken) or _is_official(digits, official.phones):
            continue
        if official.known or _person_named_before(text, match.start()):
            yield Hit("phone number", span)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _is_official(digits: str, official: frozenset[str]) -> bool:
    # "+48 22 123 45 67" and "22 123 45 67" are the same line: compare without the country code.
    return any(
        digits == number or (min(len(digits), len(number)) >= 6 and (digits.endswith(number) or number.endswith(digits)))
        for number in official
    )


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)
