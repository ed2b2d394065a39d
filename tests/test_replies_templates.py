"""Template loading and validation: every case is covered, and a bad edit is an error naming the template."""
from __future__ import annotations

from pathlib import Path

import pytest

import replies
from core.config import Channels
from core.labels import TOPICS
from replies.templates_loader import TEMPLATES_DIR, TOPIC_KINDS, TemplateError, load_templates
from tests.replies_fixtures import CHANNELS, make_config

SHIPPED_PL = (TEMPLATES_DIR / "pl.toml").read_text(encoding="utf-8")


def edited(tmp_path: Path, old: str, new: str, text: str = SHIPPED_PL) -> Path:
    assert old in text, f"test setup: {old!r} is not in the shipped template"
    path = tmp_path / "pl.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_shipped_templates_cover_every_kind_and_topic_in_three_languages():
    templates = load_templates(config=make_config())
    assert templates.languages == ["en", "it", "pl"]
    for pack in templates.packs.values():
        for kind in TOPIC_KINDS:
            for topic in TOPICS:
                case, variants = pack.variants(kind, topic)
                assert case in (topic, "default") and len(variants) >= 2, (pack.language, kind, topic)
        assert len(pack.variants("praise", "other")[1]) >= 2


def test_unknown_placeholder_names_the_template(tmp_path):
    path = edited(tmp_path, "Przykro nam, że czas oczekiwania był dłuższy, niż powinien. {invite}", "Przykro nam. Prosimy dzwonić: {hotlne}. {invite}")
    with pytest.raises(TemplateError) as error:
        load_templates(path)
    assert str(error.value).startswith("pl.complaint.waiting_time[1]: unknown placeholder {hotlne}")


def test_a_template_breaking_a_linter_rule_is_an_error_naming_it(tmp_path):
    path = edited(tmp_path, "Przykro nam, że umówienie terminu okazało się tak trudne. {invite}", "Gwarantujemy termin w ciągu doby. {invite}")
    with pytest.raises(TemplateError, match=r"^pl\.complaint\.appointments\[0\]: breaks rule promises_outcome"):
        load_templates(path)
    path = edited(tmp_path, "Dziękujemy za pytanie o szczepienia. {invite}", "Jako nasz pacjent ma Pan pierwszeństwo. {invite}")
    with pytest.raises(TemplateError, match=r"^pl\.question\.vaccinations\[0\]: breaks rule confirms_patient"):
        load_templates(path)
    path = edited(tmp_path, 'signoff = "Zespół {clinic_name}"', 'signoff = "Zespół {clinic_name}, tel. 601 234 567"')
    with pytest.raises(TemplateError, match=r"^pl\.frame\.signoff: breaks rule personal_data"):
        load_templates(path)


def test_a_too_long_template_is_caught_in_its_worst_case(tmp_path):
    wordy = "Bardzo nam przykro, że umówienie terminu okazało się tak trudne i czasochłonne, rozumiemy frustrację. " * 3
    path = edited(tmp_path, "Przykro nam, że umówienie terminu okazało się tak trudne. {invite}", wordy + "{invite}")
    with pytest.raises(TemplateError, match=r"^pl\.complaint\.appointments\[0\]: breaks rule too_long"):
        load_templates(path)


def test_a_topic_without_a_case_must_use_the_default_explicitly(tmp_path):
    start = SHIPPED_PL.index("[question]")
    block_start = SHIPPED_PL.index("vaccinations = [", start)
    block_end = SHIPPED_PL.index("]\n", block_start) + 2
    without = SHIPPED_PL[:block_start] + SHIPPED_PL[block_end:]
    path = tmp_path / "pl.toml"
    path.write_text(without, encoding="utf-8")
    with pytest.raises(TemplateError, match=r"^pl\.question\.vaccinations: missing"):
        load_templates(path)
    question_header = '[question]\nuses_default = ["other"]'
    path.write_text(without.replace(question_header, '[question]\nuses_default = ["other", "vaccinations"]'), encoding="utf-8")
    pack = load_templates(path).packs["pl"]
    assert pack.variants("question", "vaccinations")[0] == "default"


def test_structural_mistakes_name_what_is_wrong(tmp_path):
    cases = [
        ('uses_default = ["other"]\ndefault = [\n  "Dziękujemy za pytanie', 'uses_default = ["other", "szczepionki"]\ndefault = [\n  "Dziękujemy za pytanie', r"^pl\.question\.uses_default: unknown topic 'szczepionki'"),
        ("appointments = [\n  \"Dziękujemy za pytanie o wolne", "appointmnets = [\n  \"Dziękujemy za pytanie o wolne", r"^pl\.question\.appointmnets: unknown topic"),
        ("Dziękujemy za pytanie o naszą ofertę. {invite}", "Dziękujemy za pytanie o naszą ofertę.", r"^pl\.question\.services_offered\[0\]: must contain \{invite\}"),
        ("Dziękujemy za pytanie, chętnie pomożemy. {invite}", "Zapraszamy: {booking}. {invite}", r"^pl\.question\.default\[0\]: unknown placeholder \{booking\}"),
        ('emergency = "Jeśli potrzebna jest pilna pomoc, prosimy natychmiast dzwonić pod numer alarmowy {emergency_number}."', 'emergency = "Prosimy dzwonić."', r"^pl\.frame\.emergency: must contain \{emergency_number\}"),
        ('portal_help = "przez centrum pomocy: {portal_help}"\n', "", r"^pl\.channel\.portal_help: missing"),
        ("Prosimy o kontakt {channels}.", "Prosimy o kontakt {channels.", r"^pl\.invite\.contact: bad braces"),
        ('language = "pl"', 'language = "pl"\n[[oops', r"pl\.toml: not valid TOML"),
    ]
    for old, new, expected in cases:
        with pytest.raises(TemplateError, match=expected):
            load_templates(edited(tmp_path, old, new))


def test_a_variant_with_a_direct_channel_is_used_only_when_that_channel_exists(tmp_path):
    path = edited(tmp_path, "Dziękujemy za wiadomość, chętnie pomożemy w umówieniu wizyty. {invite}", "Wolne terminy widać na stronie {booking}. {invite}")
    templates = load_templates(path)
    mention = {"source_kind": "reddit", "external_id": "x", "author": "ola", "text": "Są terminy?"}
    analysis = {"language": "pl", "kind": "question", "topics": ["appointments"], "urgency_reasons": []}
    with_booking = replies.suggest(mention, analysis, make_config(), templates=templates, variant=1)
    assert with_booking[0].template_id == "pl.question.appointments[1]"
    assert "Wolne terminy widać na stronie https://zdrowieplus.pl/rezerwacja." in with_booking[0].text
    no_booking = make_config({"pl": Channels(hotline=CHANNELS["pl"].hotline)})
    without = replies.suggest(mention, analysis, no_booking, templates=templates)
    assert [s.template_id for s in without] == ["pl.question.appointments[0]"]
    assert all("{" not in s.text for s in without)


def test_loading_with_the_clinic_config_checks_its_own_contacts(tmp_path):
    # A clinic name long enough to push the worst-case reply over the limit is caught at load time.
    long_name = "Niepubliczny Zakład Opieki Zdrowotnej Centrum Medyczne Zdrowie Plus Spółka z ograniczoną odpowiedzialnością " * 3
    with pytest.raises(TemplateError, match="too_long"):
        load_templates(config=make_config(clinic_name=long_name))
    assert load_templates(config=make_config()).languages == ["en", "it", "pl"]
