"""Suggested replies: language, channel routing, linter-clean, handles, variants, office hours, fallbacks."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import py3langid
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import replies
from collectors.registry import handle_format
from core.config import Channels
from core.labels import KINDS, TOPICS
from core.models import Analysis, Mention
from replies.suggest import primary_topic
from tests.replies_fixtures import CHANNELS, SOURCES, make_config, mention_text

LANGUAGES = ("pl", "it", "en")
OPEN_NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # Tuesday 11:00 in Warsaw
SATURDAY = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
THANKS_OR_SORRY = {
    "pl": re.compile(r"dziękujemy|przepraszamy|przykro", re.IGNORECASE),
    "it": re.compile(r"ringrazi|grazie|scus|dispiace", re.IGNORECASE),
    "en": re.compile(r"thank|sorry|apolog", re.IGNORECASE),
}
URL_OR_EMAIL = re.compile(r"https?://\S+|\S+@\S+")
_identifier = py3langid.langid.LanguageIdentifier.from_model_file(py3langid.langid.MODEL_FILE, norm_probs=True)
_identifier.set_languages(list(LANGUAGES))


def make_mention(language: str, kind: str, topic: str, index: int = 0) -> Mention:
    source_kind, source_name = SOURCES[index % len(SOURCES)]
    return Mention(
        source_kind=source_kind,
        source_name=source_name,
        external_id=f"{language}-{kind}-{topic}-{index}",
        url=f"https://example.org/{language}/{kind}/{topic}",
        text=mention_text(language, kind, topic),
        author="kasia_83" if source_kind != "feed" else "Redakcja",
        language=language,
    )


def make_analysis(language: str, kind: str, topic: str, reasons: list[str] | None = None) -> Analysis:
    sentiment = {"complaint": "negative", "praise": "positive"}.get(kind, "neutral")
    return Analysis(language, sentiment, 0.0, kind, [topic], 0.5, reasons or [])


def detected_language(text: str) -> str:
    return _identifier.classify(URL_OR_EMAIL.sub(" ", text))[0]


def official(language: str, name: str) -> str:
    return str(getattr(CHANNELS[language], name))


# What each topic must point to (for complaints and questions alike unless noted).
EXPECTED_CHANNEL = {
    "appointments": ("booking",),
    "patient_account": ("portal_help",),
    "results_records": ("portal_help", "email"),
    "prices_billing": ("complaints_email",),
    "vaccinations": ("booking",),
    "services_offered": ("booking",),
}
# Complaints go to patient relations (or the contact form), a failed login to the portal's help (routing.toml).
EXPECTED_COMPLAINT_CHANNEL = {topic: ("complaints_email",) for topic in TOPICS} | {"patient_account": ("portal_help",)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_and_topic_gets_a_safe_reply_in_the_mention_language(language):
    config = make_config()
    for kind in KINDS:
        for index, topic in enumerate(TOPICS):
            mention = make_mention(language, kind, topic, index)
            suggestions = replies.suggest(mention, make_analysis(language, kind, topic), config, now=OPEN_NOW)
            case = f"{language}/{kind}/{topic}"
            if kind == "other":
                assert suggestions == [], case
                continue
            assert len(suggestions) >= 2, case
            for suggestion in suggestions:
                assert suggestion.language == language, case
                assert suggestion.template_id.startswith(f"{language}.{kind}."), case
                assert detected_language(suggestion.text) == language, (case, suggestion.text)
                assert THANKS_OR_SORRY[language].search(suggestion.text), (case, suggestion.text)
                assert suggestion.findings == [], (case, suggestion.findings, suggestion.text)
                assert replies.lint(suggestion.text, language, mention_text=mention.text, config=config) == []
                assert "{" not in suggestion.text and "None" not in suggestion.text, suggestion.text
                assert suggestion.text.rstrip().endswith(config.clinic_name) or config.clinic_name in suggestion.text.splitlines()[-1]
            if kind == "praise":
                assert suggestions[0].channels == []
                continue
            expected = EXPECTED_COMPLAINT_CHANNEL.get(topic) if kind == "complaint" else None
            expected = expected or EXPECTED_CHANNEL.get(topic)
            text = suggestions[0].text
            if expected:
                assert any(official(language, name) in text for name in expected), (case, text)
                assert suggestions[0].channels[0] in expected, (case, suggestions[0].channels)
            assert suggestions[0].channels, case
            for name in suggestions[0].channels:
                assert official(language, name) in text, (case, name, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_appointments_name_booking_link_and_hotline(language):
    suggestion = replies.suggest(make_mention(language, "question", "appointments"), make_analysis(language, "question", "appointments"), make_config(), now=OPEN_NOW)[0]
    assert official(language, "booking") in suggestion.text
    assert official(language, "hotline") in suggestion.text
    assert suggestion.channels == ["booking", "hotline"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_health_risk_puts_the_emergency_number_first(language):
    analysis = make_analysis(language, "complaint", "waiting_time", ["health_risk", "strong_negative"])
    suggestion = replies.suggest(make_mention(language, "complaint", "waiting_time"), analysis, make_config(), now=OPEN_NOW)[0]
    assert suggestion.channels[0] == "emergency_number"
    emergency = official(language, "emergency_number")
    body = suggestion.text.split("\n", 1)[1]
    assert body.index(emergency) < body.index(official(language, suggestion.channels[1]))
    assert suggestion.findings == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_complaints_fall_back_to_the_contact_form_then_general_email_without_patient_relations(language):
    channels = {lang: Channels(email=CHANNELS[lang].email, contact_form=CHANNELS[lang].contact_form) for lang in LANGUAGES}
    suggestion = replies.suggest(make_mention(language, "complaint", "staff_attitude"), make_analysis(language, "complaint", "staff_attitude"), make_config(channels), now=OPEN_NOW)[0]
    assert suggestion.channels[0] == "contact_form"
    channels = {lang: Channels(email=CHANNELS[lang].email) for lang in LANGUAGES}
    suggestion = replies.suggest(make_mention(language, "complaint", "staff_attitude"), make_analysis(language, "complaint", "staff_attitude"), make_config(channels), now=OPEN_NOW)[0]
    assert suggestion.channels == ["email"]
    assert official(language, "email") in suggestion.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_channels_never_leave_an_empty_placeholder(language):
    only_email = {language: Channels(email=CHANNELS[language].email)}
    for config in (make_config(only_email), make_config({})):
        for kind in ("complaint", "question"):
            for topic in TOPICS:
                for suggestion in replies.suggest(make_mention(language, kind, topic), make_analysis(language, kind, topic), config, now=OPEN_NOW):
                    assert "{" not in suggestion.text and "None" not in suggestion.text
                    assert ": ." not in suggestion.text and "  " not in suggestion.text
                    assert suggestion.findings == [], suggestion.text
                    if config.channels:
                        assert official(language, "email") in suggestion.text


def test_a_language_without_channels_uses_another_languages_channels():
    config = make_config({"pl": CHANNELS["pl"]})
    suggestion = replies.suggest(make_mention("en", "question", "appointments"), make_analysis("en", "question", "appointments"), config, now=OPEN_NOW)[0]
    assert suggestion.language == "en"
    assert official("pl", "booking") in suggestion.text


def test_unsupported_language_gets_an_english_reply():
    analysis = make_analysis("de", "question", "appointments")
    suggestion = replies.suggest(make_mention("en", "question", "appointments"), analysis, make_config(), now=OPEN_NOW)[0]
    assert suggestion.language == "en" and suggestion.template_id.startswith("en.")


def test_handles_are_used_where_the_platform_has_them():
    config = make_config()
    analysis = make_analysis("pl", "question", "appointments")
    reddit = replies.suggest({"source_kind": "reddit", "external_id": "t1_x", "author": "kasia_83", "text": "Czy są terminy?"}, analysis, config, now=OPEN_NOW, handle_format=handle_format("reddit"))[0]
    assert reddit.text.startswith("Dzień dobry, u/kasia_83,")
    discourse = replies.suggest({"source_kind": "discourse", "external_id": "7", "author": "kasia_83", "text": "?"}, analysis, config, now=OPEN_NOW, handle_format=handle_format("discourse"))[0]
    assert "@kasia_83" in discourse.text
    news = replies.suggest({"source_kind": "feed", "external_id": "n1", "author": "Jan Kowalski", "text": "?"}, analysis, config, now=OPEN_NOW, handle_format=handle_format("feed"))[0]
    assert news.text.startswith("Szanowni Państwo,") and "Kowalski" not in news.text
    deleted = replies.suggest({"source_kind": "reddit", "external_id": "t1_y", "author": "[deleted]", "text": "?"}, analysis, config, now=OPEN_NOW, handle_format=handle_format("reddit"))[0]
    assert deleted.text.startswith("Szanowni Państwo,")


def test_polish_replies_never_guess_pan_or_pani_and_italian_ones_use_lei():
    config = make_config()
    for kind in ("complaint", "question", "praise"):
        for topic in TOPICS:
            for s in replies.suggest(make_mention("pl", kind, topic), make_analysis("pl", kind, topic), config, now=OPEN_NOW):
                assert not re.search(r"\b(Pan|Pani|Pana|Panu|Panią)\b", s.text), s.text
            for s in replies.suggest(make_mention("it", kind, topic), make_analysis("it", kind, topic), config, now=OPEN_NOW):
                assert not re.search(r"\b(tu|ti|tuo|tua|hai|sei|puoi)\b", s.text, re.IGNORECASE), s.text
                assert re.search(r"\b(La|Le|Lei|Sua|Sue|Suo|Può)\b", s.text), s.text


def test_variant_is_deterministic_per_mention_and_varies_across_mentions():
    config = make_config()
    analysis = make_analysis("en", "complaint", "waiting_time")
    first = [replies.suggest(make_mention("en", "complaint", "waiting_time", i), analysis, config, now=OPEN_NOW)[0].template_id for i in range(12)]
    again = [replies.suggest(make_mention("en", "complaint", "waiting_time", i), analysis, config, now=OPEN_NOW)[0].template_id for i in range(12)]
    assert first == again
    assert len(set(first)) >= 2
    chosen = replies.suggest(make_mention("en", "complaint", "waiting_time"), analysis, config, now=OPEN_NOW, variant=1)
    assert chosen[0].template_id == "en.complaint.waiting_time[1]"
    assert sorted(s.template_id for s in chosen) == ["en.complaint.waiting_time[0]", "en.complaint.waiting_time[1]"]


def test_dicts_from_the_store_work_like_dataclasses():
    config = make_config()
    mention = make_mention("it", "complaint", "prices_billing")
    analysis = make_analysis("it", "complaint", "prices_billing")
    as_objects = replies.suggest(mention, analysis, config, now=OPEN_NOW)
    stored_analysis = {"language": "it", "kind": "complaint", "topics": '["prices_billing"]', "urgency_reasons": "[]"}
    as_dicts = replies.suggest(mention.to_dict(), stored_analysis, config, now=OPEN_NOW)
    assert [s.text for s in as_dicts] == [s.text for s in as_objects]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 24, 10, 0, tzinfo=UTC), None),  # Tuesday 11:00 Warsaw: open
        (datetime(2026, 11, 21, 12, 0, tzinfo=UTC), "w poniedziałek od 8:00"),  # Saturday
        (datetime(2026, 11, 20, 18, 30, tzinfo=UTC), "w poniedziałek od 8:00"),  # Friday 19:30
        (datetime(2026, 11, 24, 5, 30, tzinfo=UTC), "dziś od 8:00"),  # Tuesday 6:30 Warsaw
        (datetime(2026, 11, 23, 18, 0, tzinfo=UTC), "jutro od 8:00"),  # Monday 19:00 Warsaw
        (datetime(2026, 11, 24, 6, 59, tzinfo=UTC), "dziś od 8:00"),  # 7:59 Warsaw: not yet
        (datetime(2026, 11, 24, 7, 0, tzinfo=UTC), None),  # 8:00 Warsaw: open
        (datetime(2026, 11, 24, 17, 0, tzinfo=UTC), "jutro od 8:00"),  # 18:00 Warsaw: closed
    ],
)
def test_office_hours_sentence_appears_outside_hours_only(now, expected):
    suggestion = replies.suggest(make_mention("pl", "complaint", "appointments"), make_analysis("pl", "complaint", "appointments"), make_config(), now=now)[0]
    if expected is None:
        assert "nieczynne" not in suggestion.text and "od 8:00" not in suggestion.text
    else:
        assert expected in suggestion.text
    assert suggestion.findings == []


def test_office_hours_sentence_in_italian_and_english():
    config = make_config()
    it = replies.suggest(make_mention("it", "question", "appointments"), make_analysis("it", "question", "appointments"), config, now=SATURDAY)[0]
    en = replies.suggest(make_mention("en", "question", "appointments"), make_analysis("en", "question", "appointments"), config, now=SATURDAY)[0]
    assert "Le risponderemo lunedì dalle 8:00" in it.text
    assert "we will reply on Monday from 8:00" in en.text
    praise = replies.suggest(make_mention("en", "praise", "other"), make_analysis("en", "praise", "other"), config, now=SATURDAY)[0]
    assert "Monday" not in praise.text


def test_edited_unsafe_text_in_a_suggestion_is_reported():
    config = make_config()
    mention = make_mention("pl", "complaint", "quality_of_care")
    suggestion = replies.suggest(mention, make_analysis("pl", "complaint", "quality_of_care"), config, now=OPEN_NOW)[0]
    edited = suggestion.text.replace("Zespół", "Przykro nam z powodu cukrzycy.\nZespół")
    rules = {f.rule for f in replies.lint(edited, "pl", mention_text=mention.text, config=config)}
    assert rules == {"names_condition"}


@settings(max_examples=60, deadline=None)
@given(
    author=st.text(max_size=40),
    text=st.text(max_size=300),
    kind=st.sampled_from([*KINDS, None, "spam"]),
    topics=st.lists(st.sampled_from([*TOPICS, "unknown"]), max_size=3),
    source_kind=st.sampled_from(["reddit", "discourse", "forum", "feed", ""]),
)
def test_suggest_never_raises_and_never_leaves_placeholders(author, text, kind, topics, source_kind):
    mention = {"source_kind": source_kind, "external_id": text[:10], "author": author, "text": text}
    analysis = {"language": "pl", "kind": kind, "topics": topics, "urgency_reasons": ["health_risk"]}
    for suggestion in replies.suggest(mention, analysis, make_config(), now=SATURDAY,
                                      handle_format=handle_format(source_kind)):
        assert "{" not in suggestion.text and suggestion.language == "pl"
        if not author.strip():  # no handle: nothing of the post's author is in the reply, so it is clean
            assert suggestion.findings == [], (suggestion.text, suggestion.findings)


def test_the_reply_answers_the_most_specific_topic():
    assert primary_topic(["appointments", "prices_billing", "quality_of_care"]) == "prices_billing"
    assert primary_topic(["appointments", "quality_of_care"]) == "appointments"
    assert primary_topic(["unknown"]) == "other"
