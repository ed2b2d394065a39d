"""The health-aware linter: lemmas and stems catch inflected forms, context decides, one finding per problem."""
from __future__ import annotations

import pytest

import replies
from replies.lexicon import health_terms, tokens
from replies.reply_language import reply_language
from tests.replies_fixtures import make_config

CONFIG = make_config()


@pytest.mark.parametrize(("language", "text", "term"), [
    ("pl", "Przykro nam z powodu Pana cukrzycy.", "cukrzycy"),
    ("pl", "Przykro nam z powodu Pani cukrzycą.", "cukrzycą"),
    ("pl", "Współczujemy Panu złamania nadgarstka.", "złamania"),
    ("it", "Ci dispiace per le sue fratture.", "fratture"),
    ("it", "Ci dispiace per i suoi dolori.", "dolori"),
    ("en", "We're sorry about your knee surgeries.", "surgeries"),
    ("en", "Sorry to hear about your tendinitis.", "tendinitis"),  # a medical word ending, not a list entry
])
def test_inflected_and_unlisted_health_terms_are_found(language, text, term):
    findings = replies.lint(text, language, config=CONFIG)
    assert [f.rule for f in findings] == ["names_condition"], findings
    assert term in findings[0].words


def test_vocabulary_matches_lemmas_stems_and_phrases():
    text = "Po zawale serca i migrenach miał Pan rezonans kręgosłupa."
    found = {(text[h.start:h.end], h.category) for h in health_terms(tokens(text, "pl"), "pl")}
    assert {("zawale", "conditions"), ("migrenach", "conditions"), ("rezonans", "tests"), ("kręgosłupa", "body_parts")} <= found


@pytest.mark.parametrize(("language", "text"), [
    ("en", "If you have chest pain or trouble breathing, call 999 now."),
    ("pl", "Jeśli ból jest silny, prosimy dzwonić pod 112."),
    ("it", "Se il dolore è forte e improvviso, chiami il 112."),
    ("en", "Please don't share symptoms or medicines here; message us instead."),
    ("pl", "Prosimy nie podawać tutaj informacji o lekach ani objawach."),
    ("it", "La preghiamo di non indicare qui sintomi o farmaci."),
    ("en", "We offer blood tests and MRI scans on weekdays; book online."),
    ("pl", "Wykonujemy badania krwi i USG od poniedziałku do piątku."),
    ("it", "Eseguiamo ecografie ed esami del sangue dal lunedì al venerdì."),
])
def test_safety_nets_privacy_lines_and_service_facts_pass(language, text):
    assert replies.lint(text, language, config=CONFIG) == []


def test_the_example_from_the_issue_is_caught_once_per_problem_with_words_and_a_safe_sentence():
    text = "Dear Mr Smith, as your doctor Anna Kowalska noted, your diagnosis of diabetes means you need insulin."
    findings = replies.lint(text, "en", config=CONFIG)
    rules = [f.rule for f in findings]
    assert len(rules) == len(set(rules)) or len(findings) <= 3  # no problem printed three times
    assert {"personal_data", "record_lookup"} <= set(rules)
    for finding in findings:
        assert finding.suggestion and finding.words
        for start, end in finding.spans:
            assert text[start:end] in finding.words
    assert "Mr Smith" in next(f for f in findings if f.rule == "personal_data").words


def test_messages_are_translated_and_never_show_rule_ids():
    finding = replies.lint("Jako nasz pacjent ma Pan pierwszeństwo.", "pl", config=CONFIG)[0]
    for ui in ("en", "pl", "it"):
        message = replies.message(finding, ui)
        assert "confirms_patient" not in message and "Jako nasz pacjent" in message
    assert replies.message(finding, "pl") != replies.message(finding, "en")
    assert "Dziękujemy" in finding.suggestion  # the safe sentence is in the reply's language


@pytest.mark.parametrize(("language", "text", "rule"), [
    ("en", "Sorry, the referral letter was received on 12 May at 9:15 and filed.", "record_lookup"),
    ("pl", "Przepraszamy, SMS został wysłany 18 lutego o 10:02 na Pana numer.", "record_lookup"),
    ("it", "Il dott. Sartori ha già rivisto il Suo caso e La chiamerà.", "record_lookup"),
    ("en", "With our programme your mum's memory will definitely improve.", "promises_outcome"),
    ("pl", "Po naszej terapii ból kręgosłupa zniknie na zawsze.", "promises_outcome"),
    ("it", "Con il nostro protocollo i capelli ricrescono a tutti in tre mesi.", "promises_outcome"),
    ("en", "A rash is very common after this vaccine and usually goes away within a few days.", "medical_advice"),
    ("pl", "Przy biegunce warto pić elektrolity.", "medical_advice"),
    ("it", "Aspetta almeno 12 ore prima del trucco.", "medical_advice"),
    ("en", "Please leave your NHS number and date of birth below.", "asks_health_data"),
    ("pl", "Prosimy wpisać w komentarzu PESEL i listę leków.", "asks_health_data"),
    ("it", "Ci lasci nei commenti il codice fiscale.", "asks_health_data"),
    ("en", "We're thrilled the grief counselling is helping you.", "names_condition"),
    ("pl", "Cieszymy się, że leczenie tarczycy przynosi efekty.", "names_condition"),
    ("it", "Ci dispiace che il diabete di Suo padre sia peggiorato.", "names_condition"),
    ("en", "Sorry to hear this from a long-standing patient like you.", "confirms_patient"),
    ("pl", "Szkoda, bo leczy się Pan u nas od 2015 roku.", "confirms_patient"),
    ("it", "È sempre un piacere averLa tra i nostri pazienti.", "confirms_patient"),
    ("en", "That was our nurse Priya Shah; call her on 07700 900734.", "personal_data"),
    ("pl", "Reklamacje prowadzi Janusz Wróbel, jego komórka: 691 004 517.", "personal_data"),
    ("it", "Chiami il dott. Marco De Luca al cellulare 347 650 9912.", "personal_data"),
])
def test_constructions_described_in_the_issue_are_caught(language, text, rule):
    assert rule in {f.rule for f in replies.lint(text, language)}, replies.lint(text, language)


def test_the_reply_is_read_in_the_language_it_is_written_in():
    assert reply_language("We are sorry about your knee surgery and the pain.", "pl") == "en"
    assert reply_language("Dziękujemy, prosimy o kontakt.", "pl") == "pl"
    assert reply_language("Thanks!", "it") == "it"  # too little to overrule the declared language
