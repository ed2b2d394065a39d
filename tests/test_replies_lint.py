"""The guardrail linter: unsafe replies in each language are caught with the right rule; safe ones are not."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import replies
from replies.lint import MAX_CHARS, count_sentences
from replies.personal_data import is_valid_pesel
from tests.replies_fixtures import make_config

CONFIG = make_config()

# rule -> language -> [(reply, post it answers)]; each reply is written to break that rule.
UNSAFE: dict[str, dict[str, list[tuple[str, str]]]] = {
    "medical_advice": {
        "en": [
            ("You should take ibuprofen and rest for a few days.", ""),
            ("It sounds like you have a migraine, nothing serious.", ""),
            ("Try 400 mg twice a day until it settles.", ""),
            ("We recommend taking a double dose tonight.", ""),
            ("Your test results show nothing abnormal.", ""),
            ("That could be a sign of infection.", ""),
        ],
        "pl": [
            ("Powinien Pan brać leki regularnie, wtedy przejdzie.", ""),
            ("To wygląda na zwykłe przeziębienie.", ""),
            ("Zalecamy przyjmowanie 500 mg dwa razy dziennie.", ""),
            ("Proszę odstawić tabletki i odpocząć.", ""),
            ("Pomoże antybiotyk, prosimy o cierpliwość.", ""),
            ("Proszę przyjść na SOR, to może być zawał.", ""),
            ("Pani wyniki są w normie.", ""),
        ],
        "it": [
            ("Dovrebbe prendere un antinfiammatorio per qualche giorno.", ""),
            ("Sembra che lei abbia una semplice influenza.", ""),
            ("Le consigliamo di assumere 1 compressa la sera.", ""),
            ("Probabilmente si tratta di un'allergia stagionale.", ""),
            ("Potrebbe essere un'infezione.", ""),
            ("I suoi esami sono nella norma.", ""),
        ],
    },
    "confirms_patient": {
        "en": [
            ("As our patient, you deserve better service.", ""),
            ("During your stay the ward was very busy.", ""),
            ("We're sorry your visit was disappointing.", ""),
        ],
        "pl": [
            ("Przykro nam, że podczas Pani wizyty u nas doszło do nieporozumienia.", ""),
            ("Jako nasz pacjent ma Pan pierwszeństwo.", ""),
        ],
        "it": [
            ("Ci dispiace che durante la sua visita ci sia stato un ritardo.", ""),
            ("Come nostra paziente ha diritto a un rimborso.", ""),
        ],
    },
    "record_lookup": {
        "en": [
            ("We're sorry about your visit on Tuesday with Dr Smith.", ""),
            ("We have checked your records and everything was in order.", ""),
            ("Dear Sir, as your doctor noted, the results were fine.", ""),
        ],
        "pl": [
            ("W naszej placówce była Pani przyjęta zgodnie z procedurą.", ""),
            ("Sprawdziliśmy Pana dokumentację i wszystko się zgadza.", ""),
            ("Lekarz, który Panią przyjmował, ma dyżur w środy.", ""),
        ],
        "it": [
            ("Abbiamo verificato la sua cartella clinica.", ""),
            ("Dai nostri archivi risulta che l'appuntamento era confermato.", ""),
            ("Il medico che l'ha visitata ieri è molto esperto.", ""),
        ],
    },
    "names_condition_from_post": {
        "en": [
            ("We're sorry to hear about your diabetes.", "The doctor ignored my diabetes completely."),
            ("Sorry the chest pain was not taken seriously.", "Sat for hours with chest pain."),
            ("We understand you waited with a broken wrist in the corridor.", "I waited with a broken wrist in the corridor for hours."),
        ],
        "pl": [
            ("Przykro nam z powodu Państwa cukrzycy.", "Lekarz zbagatelizował moją cukrzycę."),
            ("Rozumiemy, że gorączka była wysoka.", "Siedziałam 3 godziny z gorączką."),
            ("Przykro nam, że wyniki biopsji zaginęły.", "Wyniki biopsji zaginęły."),
        ],
        "it": [
            ("Ci dispiace per il suo diabete.", "Il medico ha ignorato il mio diabete."),
            ("Comprendiamo che la febbre alta sia preoccupante.", "Tre ore di attesa con la febbre alta."),
            ("Ci scusiamo per i referti della biopsia.", "I referti della mia biopsia sono spariti."),
        ],
    },
    "names_condition": {
        "en": [
            ("We're so sorry about your knee surgery.", ""),
            ("We hope your recovery from the fractured wrist goes well.", ""),
        ],
        "pl": [
            ("Przykro nam z powodu Pana cukrzycy.", ""),
            ("Współczujemy bólu po zabiegu.", ""),
        ],
        "it": [
            ("Ci dispiace per il suo intervento al ginocchio.", ""),
            ("Ci dispiace molto per la febbre alta.", ""),
        ],
    },
    "asks_health_data": {
        "en": [
            ("Please describe your symptoms below so we can help.", ""),
            ("Could you tell us more about your condition?", ""),
            ("What medication are you on at the moment?", ""),
        ],
        "pl": [
            ("Prosimy opisać objawy w komentarzu.", ""),
            ("Jakie ma Pani dolegliwości?", ""),
            ("Prosimy podać diagnozę, to sprawdzimy.", ""),
        ],
        "it": [
            ("Ci descriva i sintomi qui sotto.", ""),
            ("Quali sono i farmaci che assume?", ""),
            ("Ci può indicare la diagnosi ricevuta?", ""),
        ],
    },
    "promises_outcome": {
        "en": [
            ("We guarantee you will be seen within a day.", ""),
            ("You will be cured in no time.", ""),
            ("This will never happen again.", ""),
            ("We'll refund you the full amount.", ""),
        ],
        "pl": [
            ("Gwarantujemy, że termin będzie jutro.", ""),
            ("Na pewno Pani wyzdrowieje.", ""),
            ("Taka sytuacja już nigdy się nie powtórzy.", ""),
            ("Zwrócimy pieniądze od razu.", ""),
        ],
        "it": [
            ("Garantiamo un appuntamento entro domani.", ""),
            ("Le promettiamo che sarà guarita presto.", ""),
            ("Non succederà mai più.", ""),
            ("Le rimborseremo tutto.", ""),
        ],
    },
    "personal_data": {
        "en": [
            ("Call Dr Smith directly on 07700 900123.", ""),
            ("Write to our manager at j.smith@gmail.com.", ""),
        ],
        "pl": [
            ("Prosimy o podanie numeru PESEL 44051401359 w wiadomości.", ""),
            ("Proszę dzwonić do dr Nowak: 601 234 567.", ""),
            ("Prosimy pisać na anna.kowalska@wp.pl.", ""),
        ],
        "it": [
            ("Il suo codice fiscale RSSMRA85T10A562S risulta registrato.", ""),
            ("Chiami il dottore al +39 333 123 4567.", ""),
            ("Scriva a mario.rossi@libero.it.", ""),
        ],
    },
    "impolite": {
        "en": [("That's ridiculous, calm down.", "")],
        "pl": [("To są bzdury, prosimy się uspokoić.", "")],
        "it": [("Sono sciocchezze, si calmi.", "")],
    },
}

# General replies that mention visits, appointments and official contacts: none of this is a finding.
SAFE: dict[str, list[str]] = {
    "en": [
        "Thanks for your message! You can book an appointment online at https://healthplus.example/book or by phone on +44 20 7946 0321.",
        "We're sorry to read this. Please contact our patient relations team at patientrelations@healthplus.example so we can look into it.",
        "Appointments for vaccinations are available on weekdays. Please don't share health details here.",
        "The results of our patient survey show we must improve, and your feedback helps.",
        "Our office is closed right now; we will reply on Monday from 8:00. If you need urgent help, please call 999 now.",
    ],
    "pl": [
        "Zapraszamy do umówienia wizyty przez rejestrację online: https://zdrowieplus.pl/rezerwacja.",
        "Dziękujemy za wiadomość. Wizytę można umówić telefonicznie pod numerem +48 22 555 01 02.",
        "Przykro nam, że czas oczekiwania na wizytę był tak długi. Prosimy o kontakt: bop@zdrowieplus.pl.",
        "Prosimy nie opisywać objawów w komentarzach, chętnie porozmawiamy prywatnie.",
        "Szczepienia odbywają się od poniedziałku do piątku, wizyty można rezerwować online.",
        "To może być pomyłka w systemie rezerwacji, sprawdzimy to.",
        "W naszej placówce wykonujemy badania krwi i USG, zapraszamy do rejestracji.",
    ],
    "it": [
        "La ringraziamo per il messaggio. Può prenotare una visita sul nostro sito: https://salutepiu.it/prenota.",
        "Ci scusiamo per l'attesa. La invitiamo a contattarci all'indirizzo urp@salutepiu.it oppure al numero +39 02 4000 1234.",
        "Per prenotare la visita può chiamare il numero +39 02 4000 1234 dal lunedì al venerdì.",
        "La preghiamo di non indicare sintomi o diagnosi nei commenti pubblici.",
        "Può prendere appuntamento online; i tempi di attesa sono normali per la stagione.",
        "Presso la nostra struttura è possibile effettuare ecografie e analisi del sangue.",
    ],
}

CASES = [
    pytest.param(rule, language, reply, post, id=f"{rule}-{language}-{i}")
    for rule, by_language in UNSAFE.items()
    for language, examples in by_language.items()
    for i, (reply, post) in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "language", "reply", "post"), CASES)
def test_unsafe_reply_is_caught_with_the_right_rule(rule, language, reply, post):
    rule = rule.removesuffix("_from_post")
    findings = replies.lint(reply, language, mention_text=post, config=CONFIG)
    assert rule in {f.rule for f in findings}, (reply, findings)
    finding = next(f for f in findings if f.rule == rule)
    assert finding.reason and finding.reason[0].isupper()
    if finding.span is not None:
        start, end = finding.span
        assert 0 <= start < end <= len(reply)


def test_every_rule_is_exercised_in_every_language():
    for rule in replies.RULES:
        if rule in ("too_long", "second_opinion"):  # the second opinion is tested in test_replies_gate.py
            continue
        assert set(UNSAFE[rule]) == {"pl", "it", "en"}, rule


@pytest.mark.parametrize(("language", "reply"), [(lang, text) for lang, texts in SAFE.items() for text in texts])
def test_safe_general_replies_are_not_flagged(language, reply):
    assert replies.lint(reply, language, mention_text="Czekałam na wizytę 3 godziny, wizyta trwała 5 minut.", config=CONFIG) == []


def test_spans_point_at_the_offending_words():
    reply = "Dziękujemy. Gwarantujemy szybki termin."
    finding = next(f for f in replies.lint(reply, "pl") if f.rule == "promises_outcome")
    assert reply[finding.span[0] : finding.span[1]] == "Gwarantujemy"
    reply = "Ci dispiace: durante la sua visita c'era molta gente."
    finding = next(f for f in replies.lint(reply, "it") if f.rule == "confirms_patient")
    assert reply[finding.span[0] : finding.span[1]].startswith("durante la sua visita")


def test_clinic_contacts_pass_and_others_are_flagged():
    clinic = "Prosimy dzwonić pod numer 22 555 01 02 lub pisać na kontakt@zdrowieplus.pl."
    assert replies.lint(clinic, "pl", config=CONFIG) == []
    # Without a config, addresses and numbers are judged by their shape: an office mailbox passes, a person's does not.
    assert replies.lint(clinic, "pl") == []
    assert {f.rule for f in replies.lint("Prosimy pisać na jan.nowak@gmail.com.", "pl")} == {"personal_data"}
    assert {f.rule for f in replies.lint("Proszę dzwonić do dr. Nowaka, tel. 601 234 567.", "pl")} == {"personal_data"}
    other = "Prosimy dzwonić pod numer 22 555 99 99."
    assert [f.rule for f in replies.lint(other, "pl", config=CONFIG)] == ["personal_data"]


def test_pesel_needs_a_valid_checksum_and_dates_are_not_phone_numbers():
    assert is_valid_pesel("44051401359")
    assert not is_valid_pesel("44051401358")
    assert replies.lint("Termin: 22.11.2026, godz. 8:00-18:00, rok 2019-2024.", "pl", config=CONFIG) == []
    findings = replies.lint("PESEL 44051401359", "pl", config=CONFIG)
    assert [f.rule for f in findings] == ["personal_data"] and "44051401359" in findings[0].words


def test_too_long_by_characters_and_by_sentences():
    long_reply = "Dziękujemy za wiadomość i przepraszamy za kłopot " * 15
    assert len(long_reply) > MAX_CHARS
    assert "too_long" in {f.rule for f in replies.lint(long_reply, "pl")}
    chatty = "Thanks. We are sorry. We hear you. We will check. We care. Please write to us."
    assert count_sentences(chatty) == 6
    assert [f.rule for f in replies.lint(chatty, "en")] == ["too_long"]
    assert count_sentences("See https://x.example/a.b.c or mail a.b@x.example. Thanks!") == 2


def test_negated_requests_are_not_asking_for_health_details():
    assert replies.lint("Please do not describe your symptoms here.", "en") == []
    assert replies.lint("Prosimy nie podawać tutaj diagnozy.", "pl") == []
    assert [f.rule for f in replies.lint("Prosimy podać tutaj diagnozę.", "pl")] == ["asks_health_data"]


def test_reasons_are_localised_on_request():
    assert replies.reason("too_long", "pl") != replies.reason("too_long", "en")
    assert "lunga" in replies.reason("too_long", "it")
    assert replies.reason("too_long", "de") == replies.reason("too_long", "en")


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=800), post=st.text(max_size=300), language=st.sampled_from(["pl", "it", "en", "de", ""]))
def test_lint_never_raises_on_arbitrary_text(text, post, language):
    findings = replies.lint(text, language, mention_text=post, config=CONFIG)
    for finding in findings:
        assert finding.rule in replies.RULES
        if finding.span is not None:
            assert 0 <= finding.span[0] <= finding.span[1] <= len(text)


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet="aąćęłńóśźżAĄĆĘŁŃÓŚŹŻ ’ßİ0123456789.,+-@/:", max_size=300))
def test_lint_spans_stay_inside_text_with_folding_characters(text):
    for finding in replies.lint(text, "pl", mention_text=text):
        if finding.span is not None:
            assert 0 <= finding.span[0] <= finding.span[1] <= len(text)


def test_the_clinics_own_names_and_links_are_not_findings():
    config = make_config(clinic_name="Centrum Leczenia Cukrzycy Gwarant", brand={"names": ["Gwarant"], "aliases": ["CLC Gwarant"]})
    post = "W Centrum Leczenia Cukrzycy Gwarant zlekceważono moją cukrzycę."
    reply = "Przykro nam. Prosimy o kontakt: https://gwarant.example/cukrzyca.\nZespół Centrum Leczenia Cukrzycy Gwarant"
    assert replies.lint(reply, "pl", mention_text=post, config=config) == []
    rules = {f.rule for f in replies.lint(reply + "\nGwarantujemy poprawę cukrzycy.", "pl", mention_text=post, config=config)}
    assert rules == {"promises_outcome", "names_condition"}
