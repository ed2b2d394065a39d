"""The message catalogue is complete in every language, and every rule renders in each of them."""
from __future__ import annotations

import string
from datetime import UTC, datetime

import pytest

from alerts.delivery import in_quiet_hours
from alerts.messages import LANGUAGES, render
from core.i18n import CATALOGUE
from tests.test_alerts_support import make_config

MENTION = {"id": 1, "source_name": "forum-a", "url": "https://f.example/1", "title": "", "text": "<script>x</script>",
           "published_at": "2026-11-17T10:00:00.000000Z", "kind": "complaint", "sentiment": "negative",
           "urgency": 0.9, "urgency_reasons": ["legal_threat", "high_reach"], "topics": ["waiting_time"], "sla_hours": 4}
SPIKE = {"metric": "volume", "value": 55, "baseline": 12, "count": 55, "negative": 40, "window_hours": 24}
PAYLOADS = [
    {"rule": "urgent", "critical": True, "data": MENTION},
    {"rule": "urgent", "critical": False, "data": MENTION},
    {"rule": "sla", "critical": False, "data": MENTION},
    {"rule": "spike_volume", "critical": False, "data": SPIKE},
    {"rule": "spike_negative", "critical": False, "data": SPIKE | {"metric": "negative_share", "value": 0.727,
                                                                   "baseline": 0.2}},
]


def test_one_catalogue_has_every_text_in_every_language_with_the_same_placeholders():
    fields = string.Formatter()
    for key, texts in CATALOGUE.items():
        assert len(texts) == len(LANGUAGES) and all(text.strip() for text in texts), key
        placeholders = [{name for _, name, _, _ in fields.parse(text) if name} for text in texts]
        assert all(names == placeholders[0] for names in placeholders), key
    assert "subject.urgent" in CATALOGUE and "page_inbox" in CATALOGUE  # alerts' and the dashboard's texts


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p["rule"] + ("!" if p["critical"] else ""))
def test_every_rule_renders_in_every_language(language, payload):
    message = render(payload, language)
    assert message.subject.startswith("[ClinicWatch] ") and message.intro
    assert "{" not in message.subject + message.intro  # no placeholder left unfilled
    if language != "en":
        assert message.subject != render(payload, "en").subject


def test_quiet_hours_span_midnight_in_the_clinic_time_zone(tmp_path):
    config = make_config(tmp_path, quiet_hours="22:00-07:00")  # Europe/Warsaw, UTC+1 in November
    at = lambda hour, minute=0: datetime(2026, 11, 17, hour, minute, tzinfo=UTC)  # noqa: E731
    assert [in_quiet_hours(config, at(h)) for h in (20, 21, 23, 5, 6)] == [False, True, True, True, False]
    assert in_quiet_hours(make_config(tmp_path), at(23)) is False


@pytest.mark.parametrize(("count", "language", "start"), [
    (1, "en", "1 mention in"), (22, "en", "22 mentions in"), (1, "pl", "1 wzmianka w"), (22, "pl", "22 wzmianki w"),
    (25, "pl", "25 wzmianek w"), (12, "pl", "12 wzmianek w"), (1, "it", "1 menzione nelle"), (3, "it", "3 menzioni"),
])
def test_counts_in_alerts_take_the_plural_form_of_their_language(count, language, start):
    message = render({"rule": "spike_volume", "critical": False, "data": {**SPIKE, "count": count}}, language)
    assert message.intro.startswith(start) and str(count) in message.subject
