"""Rule-based analysis on hand-written sentences: language, sentiment with negation, kind, topics, urgency."""
from __future__ import annotations

import pytest

from analysis import Analyzer
from core.labels import KINDS, SENTIMENTS, TOPICS, URGENCY_REASONS
from core.models import Mention


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory) -> Analyzer:
    return Analyzer(model_dir=tmp_path_factory.mktemp("no-model"))


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("Nie polecam tej przychodni, pani w rejestracji była opryskliwa.", "pl", "negative"),
        ("Bardzo miła pani doktor, wszystko dokładnie wyjaśniła. Polecam!", "pl", "positive"),
        ("Nikt nie odbiera telefonu, próbuję się dodzwonić od tygodnia.", "pl", "negative"),
        ("Wizyta odbyła się we wtorek o 10.", "pl", "neutral"),
        ("Non consiglio questo centro, personale scortese e tempi di attesa infiniti.", "it", "negative"),
        ("Medico bravissimo e gentilissimo, lo consiglio a tutti.", "it", "positive"),
        ("La visita è fissata per lunedì mattina.", "it", "neutral"),
        ("The receptionist was not helpful at all and very rude.", "en", "negative"),
        ("Waited over 3 hours to be seen, nobody told us anything.", "en", "negative"),
        ("Lovely staff, the nurse put me at ease. Thank you!", "en", "positive"),
    ],
)
def test_sentiment_on_hand_written_sentences(analyzer, text, language, expected):
    result = analyzer.analyse_text(text, declared_language=language)
    assert result.sentiment == expected, result
    assert -1.0 <= result.sentiment_score <= 1.0


@pytest.mark.parametrize(
    "positive, negated, language",
    [
        ("Polecam tego lekarza.", "Nie polecam tego lekarza.", "pl"),
        ("Consiglio questo medico.", "Non consiglio questo medico.", "it"),
        ("The staff were helpful.", "The staff were not helpful.", "en"),
    ],
)
def test_negation_flips_praise_into_criticism(analyzer, positive, negated, language):
    assert analyzer.analyse_text(positive, language).sentiment == "positive"
    assert analyzer.analyse_text(negated, language).sentiment == "negative"


def test_negated_criticism_is_not_negative(analyzer):
    result = analyzer.analyse_text("Lekarz wcale nie był niemiły, bez żadnego problemu.", "pl")
    assert result.sentiment != "negative"


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("Czy można zapisać się na szczepienie bez skierowania", "pl", "question"),
        ("Come posso prenotare una visita?", "it", "question"),
        ("How do I get my blood test results", "en", "question"),
        ("Skandal, lekarz był arogancki i niekompetentny.", "pl", "complaint"),
        ("Dottoressa splendida, grazie di cuore!", "it", "praise"),
        ("The clinic is on the second floor.", "en", "other"),
        ("Why does nobody ever answer the phone?! Absolutely disgraceful service, worst clinic ever.", "en", "complaint"),
    ],
)
def test_kind(analyzer, text, language, expected):
    assert analyzer.analyse_text(text, language).kind == expected


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("Nie mogę się dodzwonić do rejestracji, telefon ciągle zajęty.", "pl", {"reaching_clinic"}),
        ("Czekałam dwie godziny w poczekalni.", "pl", {"waiting_time"}),
        ("Il prezzo della visita è troppo caro, 150 euro.", "it", {"prices_billing"}),
        ("I can't log in to the patient portal, password reset fails.", "en", {"patient_account"}),
        ("When can my son get the flu vaccine?", "en", {"vaccinations"}),
        ("Dove si trova la sede e quali sono gli orari di apertura?", "it", {"location_hours"}),
        ("Wyniki badań krwi nadal nie są dostępne.", "pl", {"results_records"}),
    ],
)
def test_topics_found(analyzer, text, language, expected):
    topics = analyzer.analyse_text(text, language).topics
    assert expected <= set(topics), topics
    assert set(topics) <= set(TOPICS)


def test_topics_are_never_empty(analyzer):
    assert analyzer.analyse_text("Hmm.", "en").topics == ["other"]


@pytest.mark.parametrize(
    "text, language, reason",
    [
        ("Idę z tym do prawnika, złożę pozew o odszkodowanie.", "pl", "legal_threat"),
        ("Ho già scritto a un giornalista di Striscia la notizia.", "it", "press"),
        ("My father got sepsis after the operation and nobody noticed.", "en", "health_risk"),
        ("Absolutely disgusting, the worst, rude and incompetent staff. Horrible!", "en", "strong_negative"),
    ],
)
def test_urgency_reasons(analyzer, text, language, reason):
    result = analyzer.analyse_text(text, language)
    assert reason in result.urgency_reasons
    assert set(result.urgency_reasons) <= set(URGENCY_REASONS)
    calm = analyzer.analyse_text("Dziękuję za miłą obsługę.", "pl")
    assert result.urgency > calm.urgency


def test_reach_raises_urgency(analyzer):
    quiet = analyzer.analyse_text("Rejestracja była nieuprzejma.", "pl", reach=0)
    viral = analyzer.analyse_text("Rejestracja była nieuprzejma.", "pl", reach=900)
    assert "high_reach" in viral.urgency_reasons and "high_reach" not in quiet.urgency_reasons
    assert viral.urgency > quiet.urgency
    assert quiet.urgency_reasons == []  # one unfriendly word is a complaint, not an emergency


def test_language_uses_hint_only_when_plausible(analyzer):
    assert analyzer.analyse_text("Nie polecam tej przychodni, fatalna obsługa.", "en").language == "pl"
    assert analyzer.analyse_text("ok", "it").language == "it"
    assert analyzer.analyse_text("Il medico è stato molto gentile con mia madre.").language == "it"


def test_analyse_mention_uses_title_text_and_reach(analyzer):
    mention = Mention(
        "reddit", "r/poland", "t3_1", "https://example.org/1", text="Lekarz był arogancki, nie polecam.",
        title="Fatalna przychodnia", language="pl", score=400, comment_count=120,
    )
    result = analyzer.analyse(mention)
    assert (result.language, result.sentiment, result.kind) == ("pl", "negative", "complaint")
    assert "high_reach" in result.urgency_reasons
    assert result.model_version == "rules"
    assert result.needs_reply
    assert result.sentiment in SENTIMENTS and result.kind in KINDS


def test_long_and_odd_input_does_not_break(analyzer):
    for text in ("", "   ", "🙂🙂🙂", "??!!", "x" * 50_000, "Привет, как дела?"):
        result = analyzer.analyse_text(text)
        assert result.topics and 0.0 <= result.urgency <= 1.0
