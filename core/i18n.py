"""The one translation catalogue of the dashboard, alert e-mails and reports, read from gettext files.

core/locale/clinicwatch.pot holds every text in English (msgid, and msgid_plural for texts with a count), each
under its key (msgctxt); core/locale/<lang>/LC_MESSAGES/clinicwatch.po holds the Polish and Italian ones, with
each language's plural rule in its header. A translator edits the .po files (Poedit, Weblate, Lokalize); a new
text is added to the .pot and to each .po. Placeholders are Python's {name}.
"""
from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("en", "pl", "it")
LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "it": "Italiano"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "clinicwatch"
ENGLISH_PLURAL = "(n != 1)"


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, domain=DOMAIN)


def _load() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[tuple[str, ...], ...]], dict[str, Callable[[int], int]]]:
    """(key -> text per language, key -> plural forms per language, language -> plural rule)."""
    template = _read(LOCALE_DIR / f"{DOMAIN}.pot")
    translations = {lang: _read(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po") for lang in LANGUAGES[1:]}
    rules: dict[str, Callable[[int], int]] = {"en": gettext.c2py(ENGLISH_PLURAL)}
    rules |= {lang: gettext.c2py(catalog.plural_expr) for lang, catalog in translations.items()}
    texts: dict[str, tuple[str, ...]] = {}
    plurals: dict[str, tuple[tuple[str, ...], ...]] = {}
    for message in template:
        if not message.id or message.context is None:
            continue  # the header
        found = [translations[lang].get(message.id, context=message.context) for lang in LANGUAGES[1:]]
        strings = [entry.string if entry is not None else None for entry in found]
        if message.pluralizable:
            english = tuple(message.id)
            plurals[message.context] = (english, *(tuple(s) if s and all(s) else english for s in strings))
        else:
            texts[message.context] = (str(message.id), *(str(s) if s else str(message.id) for s in strings))
    return texts, plurals, rules


# key -> (en, pl, it); a text missing from a .po falls back to English (tests/test_i18n_catalogue.py finds it)
CATALOGUE, PLURAL_CATALOGUE, _PLURAL_RULES = _load()


def t(key: str, lang: str = "en", **values: object) -> str:
    """The label for `key` in `lang` (English when the language is unknown), formatted with `values`."""
    entry = CATALOGUE[key]
    index = LANGUAGES.index(lang) if lang in LANGUAGES else 0
    text = entry[index]
    return text.format(**values) if values else text


def plural_index(lang: str, count: int) -> int:
    """Which plural form `count` takes in `lang`, by the rule in its .po header (English: one/other)."""
    return _PLURAL_RULES.get(lang, _PLURAL_RULES["en"])(count)


def tn(key: str, lang: str, count: int, **values: object) -> str:
    """The text for `key` in the plural form `count` takes in `lang` (English when the language is unknown)."""
    index = LANGUAGES.index(lang) if lang in LANGUAGES else 0
    forms = PLURAL_CATALOGUE[key][index]
    return forms[plural_index(LANGUAGES[index], count)].format(count=count, **values)


def label(prefix: str, value: str | None, lang: str) -> str:
    """Translate a vocabulary value (kind, sentiment, topic, status); unknown values pass through."""
    key = f"{prefix}_{value}"
    return t(key, lang) if key in CATALOGUE else str(value)
