"""Routing as data: every kind × topic × urgency reason × language gives the intended channels, none twice."""
from __future__ import annotations

import itertools

import pytest

import replies
from core.config import Channels
from core.labels import TOPICS, URGENCY_REASONS
from replies.routing import channels_for, route, table
from tests.replies_fixtures import CHANNELS, make_config

LANGUAGES = ("pl", "it", "en")
FULL = {lang: CHANNELS[lang].model_copy(update={"press_email": f"press@{lang}.example", "press_phone": "+48 22 999 00 11"})
        for lang in LANGUAGES}
COMPLAINT_FIRST = "complaints_email"
# The policy of issue 21, written out independently of routing.toml: kind -> topic -> channels with every one set.
INTENDED = {
    "question": {
        "appointments": ["booking", "hotline"], "waiting_time": ["hotline", "booking"],
        "staff_attitude": [COMPLAINT_FIRST, "hotline"], "reaching_clinic": ["whatsapp", "email"],
        "prices_billing": [COMPLAINT_FIRST, "hotline"], "results_records": ["portal_help", "email"],
        "patient_account": ["portal_help", "hotline"], "services_offered": ["booking", "hotline"],
        "vaccinations": ["booking", "hotline"], "location_hours": ["hotline", "contact_form"],
        "quality_of_care": [COMPLAINT_FIRST, "hotline"], "other": ["email", "hotline"],
    },
    "complaint": {topic: [COMPLAINT_FIRST, "hotline"] for topic in TOPICS} | {
        "appointments": [COMPLAINT_FIRST, "booking"], "reaching_clinic": [COMPLAINT_FIRST, "whatsapp"],
        "results_records": [COMPLAINT_FIRST, "portal_help"], "patient_account": ["portal_help", "hotline"],
    },
}
REASON_SETS = [[], *([r] for r in URGENCY_REASONS), ["press", "health_risk"], ["health_risk", "strong_negative"]]
CASES = list(itertools.product(("complaint", "question"), TOPICS, range(len(REASON_SETS)), LANGUAGES))


def intended(kind: str, topic: str, reasons: list[str]) -> list[str]:
    if "press" in reasons:
        return ["press_email", "press_phone"]  # two media: e-mail and phone
    if "health_risk" in reasons:
        return ["emergency_number", "hotline", "email"]
    return INTENDED[kind][topic]


@pytest.mark.parametrize(("kind", "topic", "reasons_index", "language"), CASES)
def test_every_case_gets_the_intended_channels_once(kind, topic, reasons_index, language):
    reasons = REASON_SETS[reasons_index]
    chosen = route(kind, topic, reasons, channels_for(make_config(FULL), language))
    assert chosen.channels == intended(kind, topic, reasons)
    assert len(set(chosen.channels)) == len(chosen.channels)
    media = [table().medium.get(name, name) for name in chosen.channels]
    assert len(set(media)) == len(media), media  # never two e-mails (or two chats) in one reply
    assert chosen.escalate == ("press" in reasons)
    if "health_risk" in reasons and "press" not in reasons:
        assert chosen.emergency and "booking" not in chosen.channels


@pytest.mark.parametrize("language", LANGUAGES)
def test_billing_and_complaints_use_the_contact_form_when_there_is_no_complaints_email(language):
    channels = {lang: FULL[lang].model_copy(update={"complaints_email": None}) for lang in LANGUAGES}
    chosen = route("complaint", "prices_billing", [], channels_for(make_config(channels), language))
    assert chosen.channels == ["contact_form", "hotline"]


def test_a_channel_missing_in_one_language_comes_from_the_next_language_in_the_stated_order():
    channels = {"pl": Channels(hotline="+48 22 555 01 02"), "en": CHANNELS["en"], "it": CHANNELS["it"]}
    merged = channels_for(make_config(channels), "pl")
    assert merged.hotline == "+48 22 555 01 02"
    assert str(merged.booking) == str(CHANNELS["en"].booking)  # pl -> en -> it (routing.toml)
    assert merged.emergency_number == "112"


def test_without_any_channel_of_a_route_a_stand_in_is_used_and_health_risk_never_books():
    only_booking = {lang: Channels(booking=CHANNELS[lang].booking) for lang in LANGUAGES}
    chosen = route("question", "appointments", ["health_risk"], channels_for(make_config(only_booking), "en"))
    assert chosen.channels == ["emergency_number"]
    assert "booking" not in chosen.channels


def test_emergency_number_defaults_per_language_and_is_configurable():
    plain = {lang: Channels(hotline=CHANNELS[lang].hotline) for lang in LANGUAGES}
    assert channels_for(make_config(plain), "it").emergency_number == "112"
    uk = {"en": Channels(hotline=CHANNELS["en"].hotline, emergency_number="999")}
    assert channels_for(make_config(uk), "en").emergency_number == "999"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_press_enquiry_gets_the_press_office_and_an_escalation_not_a_patient_template(language):
    mention = {"id": 7, "language": language, "text": "Journalist here", "source_kind": "feed"}
    analysis = {"kind": "complaint", "language": language, "topics": ["quality_of_care"], "urgency_reasons": ["press"]}
    suggestion = replies.suggest(mention, analysis, make_config(FULL))[0]
    assert suggestion.template_id.startswith(f"{language}.press.default")
    assert suggestion.escalate and suggestion.channels == ["press_email", "press_phone"]
    assert f"press@{language}.example" in suggestion.text
    assert CHANNELS[language].complaints_email not in suggestion.text and CHANNELS[language].email not in suggestion.text
    assert suggestion.findings == []


def test_italian_reply_never_offers_e_mail_twice():
    mention = {"id": 3, "language": "it", "text": "Fattura sbagliata", "source_kind": "feed"}
    for topic in TOPICS:
        for kind in ("complaint", "question"):
            analysis = {"kind": kind, "language": "it", "topics": [topic], "urgency_reasons": []}
            for suggestion in replies.suggest(mention, analysis, make_config(FULL)):
                assert suggestion.text.count("via e-mail") <= 1, suggestion.text
