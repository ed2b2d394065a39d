"""The gettext catalogue: every text of core/locale/clinicwatch.pot is translated in each .po, with the same
placeholders, and texts with a count have every plural form their language's header asks for."""
from __future__ import annotations

import re

import pytest

from core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, _read

PLACEHOLDER = re.compile(r"{(\w+)")
TEMPLATE = _read(LOCALE_DIR / f"{DOMAIN}.pot")
KEYED = [message for message in TEMPLATE if message.id and message.context]


def test_every_text_has_a_key_and_the_template_is_not_empty():
    assert len(KEYED) > 250
    assert len({m.context for m in KEYED}) == len(KEYED)  # one key, one text


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_text_is_translated_with_the_same_placeholders(lang):
    catalog = _read(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
    for message in KEYED:
        found = catalog.get(message.id, context=message.context)
        assert found is not None, (lang, message.context)
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        if message.pluralizable:
            assert len(strings) == catalog.num_plurals, (lang, message.context)
        assert all(s and s.strip() for s in strings), (lang, message.context)
        wanted = set(PLACEHOLDER.findall(english[-1]))
        for text in strings:
            found_names = set(PLACEHOLDER.findall(text))
            if message.pluralizable:  # a form may spell its number out ("1 problema"): the count is optional
                found_names |= {"count"} & wanted
            assert found_names == wanted, (lang, message.context, text)


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_no_translation_is_left_over_from_a_removed_text(lang):
    catalog = _read(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
    keys = {m.context for m in KEYED}
    assert {m.context for m in catalog if m.id and m.context} == keys
