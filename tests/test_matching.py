"""The brand matcher on real-looking sentences in Polish, Italian and English."""
from __future__ import annotations

import time

import pytest

from collectors.registry import parse_config
from core.config import BrandConfig, ConfigError
from core.models import Mention
from matching import Matcher


def brand(**overrides) -> BrandConfig:
    values = dict(
        names=["Medicover", "Lux Med", "Salus"],
        aliases=["Centrum Medyczne Salus", "LIM"],
        doctors=["dr Anna Kowalska", "dr Nowak", "dr Jan Wiśniewski", "dott.ssa Giulia Rossi"],
        locations=["ul. Puławska 14"],
        exclusions=["salus populi", "Salus per aquam"],
    )
    values.update(overrides)
    return BrandConfig(**values)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(brand())


def found(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    """(matched original substring, configured term) for every match in a text."""
    return [(text[m.start : m.end], m.term) for m in matcher.find("", text)]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Wczoraj byłam w Medicoverze na Mokotowie i czekałam dwie godziny.", [("Medicoverze", "Medicover")]),
        ("Nie polecam Medicoveru, infolinia nie odbiera.", [("Medicoveru", "Medicover")]),
        ("Jestem bardzo zadowolona z Medicoverem i Medicoverowi dziękuję.",
         [("Medicoverem", "Medicover"), ("Medicoverowi", "Medicover")]),
        ("Zapisałam się do dr Kowalskiej na czwartek.", [("dr Kowalskiej", "dr Anna Kowalska")]),
        ("Rozmawiałam z dr. Kowalską o wynikach.", [("dr. Kowalską", "dr Anna Kowalska")]),
        ("Pani Anna Kowalska przyjmuje we wtorki.", [("Anna Kowalska", "dr Anna Kowalska")]),
        ("Polecam dr hab. n. med. Annę Kowalską!", [("dr hab. n. med. Annę Kowalską", "dr Anna Kowalska")]),
        ("Byłem u dr Nowaka, potem z dr Nowakiem rozmawiałem, dr. Nowakowi podziękowałem.",
         [("dr Nowaka", "dr Nowak"), ("dr Nowakiem", "dr Nowak"), ("dr. Nowakowi", "dr Nowak")]),
        ("Wizyta u prof. Wiśniewskiego trwała pięć minut.", [("prof. Wiśniewskiego", "dr Jan Wiśniewski")]),
        ("W LuxMedzie znowu brak terminów, a w Lux Medu też.", [("LuxMedzie", "Lux Med"), ("Lux Medu", "Lux Med")]),
        ("LUX MED i Lux-Med to to samo.", [("LUX MED", "Lux Med"), ("Lux-Med", "Lux Med")]),
        ("Byłam w Salusie i w Centrum Medycznym Salus.",
         [("Salusie", "Salus"), ("Centrum Medycznym Salus", "Centrum Medyczne Salus")]),
        ("Rejestracja LIM-u nie odpowiada na maile.", [("LIM-u", "LIM")]),
        ("Przychodnia przy ul. Puławskiej 14 jest zamknięta.", [("ul. Puławskiej 14", "ul. Puławska 14")]),
        ("Ho prenotato al Medicover di Milano con la dott.ssa Rossi, bravissima.",
         [("Medicover", "Medicover"), ("dott.ssa Rossi", "dott.ssa Giulia Rossi")]),
        ("La dottoressa Giulia Rossi mi ha richiamato subito.", [("dottoressa Giulia Rossi", "dott.ssa Giulia Rossi")]),
        ("Medicover's call centre kept me on hold for an hour.", [("Medicover", "Medicover")]),
        ("Dr. Nowak at Lux Med was great.", [("Dr. Nowak", "dr Nowak"), ("Lux Med", "Lux Med")]),
    ],
)
def test_sentences_in_three_languages(matcher: Matcher, sentence: str, expected: list) -> None:
    assert found(matcher, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Salus populi suprema lex esto.",  # an exclusion
        "Salus per aquam: le terme di Montecatini.",
        "To był salusowy produkt.",  # no adjective from the name: a bounded list of case endings
        "Kupiłam limonkę i lima beans.",  # a short name takes endings only after a hyphen
        "Dr. Nowakowski przyjmuje w szpitalu.",  # another surname that starts like ours
        "Pani Kowalska z sąsiedztwa.",  # a bare surname without title or first name
        "dr Kowalski, her husband, works elsewhere.",  # the masculine form is another person
        "Medicoverowy format? Nie ma takiego słowa.",
        "Luxmedical is another company.",
    ],
)
def test_no_match(matcher: Matcher, sentence: str) -> None:
    assert found(matcher, sentence) == []


def test_exclusion_suppresses_only_the_match_it_overlaps(matcher: Matcher) -> None:
    text = "Salus populi suprema lex, ale w Salusie na Mokotowie obsługa jest świetna."
    assert found(matcher, text) == [("Salusie", "Salus")]


def test_exclusion_that_covers_the_only_match_means_no_mention(matcher: Matcher) -> None:
    mention = Mention("feed", "news", "1", "https://example.org/1", "Salus populi suprema lex esto.")
    assert matcher.match(mention) is False
    assert mention.matches == []


def test_case_and_diacritics_are_ignored_and_spans_point_at_the_original(matcher: Matcher) -> None:
    text = "ŻÓŁTA ĆMA: zażółć gęślą jaźń w MEDICOVERZE, Łódź."
    [match] = matcher.find("", text)
    assert text[match.start : match.end] == "MEDICOVERZE"


def test_spans_survive_characters_that_fold_to_more_or_fewer_characters(matcher: Matcher) -> None:
    # ß folds to "ss" and the decomposed é to "e": folded offsets differ from the original ones.
    text = "Straße, Cafe\u0301, ﬁne: Medicover i Sa\u0301lus."
    assert found(matcher, text) == [("Medicover", "Medicover"), ("Sa\u0301lus", "Salus")]


def test_title_and_text_are_both_searched_with_their_own_spans(matcher: Matcher) -> None:
    matches = matcher.find("Opinia o Lux Medzie", "Źle: w Medicoverze czekałam.")
    assert [(m.field, m.term, m.start, m.end) for m in matches] == [
        ("title", "Lux Med", 9, 19),
        ("text", "Medicover", 7, 18),
    ]


def test_flexible_white_space_inside_phrases(matcher: Matcher) -> None:
    text = "Centrum\n  Medyczne\u00a0Salus w Krakowie"
    assert found(matcher, text) == [(text[:24], "Centrum Medyczne Salus")]


def test_match_records_matches_on_the_mention(matcher: Matcher) -> None:
    mention = Mention("reddit", "r/poland", "t3_1", "https://reddit.com/1", "Kto zna dr Nowaka?", title="Lux Med")
    assert matcher.match(mention) is True
    assert [(m.field, m.term, m.category) for m in mention.matches] == [
        ("title", "Lux Med", "name"),
        ("text", "dr Nowak", "doctor"),
    ]


def test_same_term_twice_or_spelled_alike_is_one_term() -> None:
    matcher = Matcher(brand(names=["Salus", "SALUS"], aliases=["Salus"]))
    assert [t.text for t in matcher.terms].count("Salus") == 1
    assert found(matcher, "Salus") == [("Salus", "Salus")]


def test_term_without_letters_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="a brand term needs at least one letter or digit"):
        brand(aliases=["??"])  # config validation refuses it (tests/test_config.py) …
    unvalidated = BrandConfig.model_construct(**{**brand().model_dump(), "aliases": ["??"]})
    with pytest.raises(ValueError, match=r"brand.aliases: '\?\?' has no letters or digits"):
        Matcher(unvalidated)  # … and the matcher keeps its own guard for a config built without it


QUERY = '("Salus" OR "Centrum Medyczne Salus") AND (Warszawa OR Kraków) NOT praca'


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Byłam w Salusie w Krakowie, polecam.", True),  # inflected query words: Salusie, Krakowie
        ("Centrum Medyczne Salus w Warszawie: nikt nie odbiera.", True),
        ("Salus w Gdańsku jest super.", False),  # no city from the query
        ("Salus w Krakowie: praca od zaraz, wyślij CV.", False),  # NOT praca
        ("Salus w Krakowie szuka pracy?", False),  # NOT praca, in another case
        ("Medicover w Krakowie", False),  # brand term matched, but not the query's names
    ],
)
def test_boolean_query_decides_together_with_the_terms(text: str, expected: bool) -> None:
    matcher = Matcher(brand(query=QUERY))
    mention = Mention("feed", "alerts", "1", "https://example.org", text)
    assert matcher.match(mention) is expected
    assert bool(mention.matches) is expected


def test_query_words_are_highlighted_when_the_query_holds() -> None:
    matcher = Matcher(brand(query=QUERY))
    text = "Byłam w Salusie w Krakowie."
    mention = Mention("feed", "alerts", "1", "https://example.org", text)
    assert matcher.match(mention)
    assert [(text[m.start : m.end], m.category) for m in mention.matches] == [
        ("Salusie", "name"),
        ("Krakowie", "query"),
    ]


def test_query_is_checked_at_config_load() -> None:
    raw = {"clinic_name": "Salus", "brand": {"names": ["Salus"], "query": "(Salus OR Kraków"}}
    with pytest.raises(ConfigError, match=r"brand\.query: .*'\(' is never closed at character 1"):
        parse_config(raw)


def test_pathological_text_stays_fast(matcher: Matcher) -> None:
    text = "dr.-" * 20000 + "Kowalska " + "Lux " * 20000 + "x" * 50000
    started = time.process_time()
    assert found(matcher, text) == [("dr.-dr.-dr.-dr.-dr.-Kowalska", "dr Anna Kowalska")]
    assert time.process_time() - started < 2.0  # an unbounded honorific run took minutes here


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Zapisałam się w Przychodni Zdrowie na jutro.", "Przychodni Zdrowie"),
        ("Byłam w Klinice Salus, a potem dzwoniłam do Kliniki Salus.", "Klinice Salus"),
        ("Leżałam w Szpitalu Bródnowskim tydzień.", "Szpitalu Bródnowskim"),
        ("W Enel-Medzie nie ma terminów.", "Enel-Medzie"),
        ("Dziękuję dr. Pawłowi Zielińskiemu za opiekę.", "dr. Pawłowi Zielińskiemu"),
        ("Wizyta u doktora Zielińskiego była krótka.", "doktora Zielińskiego"),
        ("Polecam dr Marię Nowicką, świetna lekarka.", "dr Marię Nowicką"),
        ("La dr.ssa Bianchi è sempre disponibile.", "dr.ssa Bianchi"),
        ("Dr. Bianchi was very kind to my mother.", "Dr. Bianchi"),
    ],
)
def test_institution_and_person_names_decline(sentence: str, expected: str) -> None:
    matcher = Matcher(BrandConfig(
        names=["Przychodnia Zdrowie", "Klinika Salus", "Szpital Bródnowski", "Enel-Med"],
        doctors=["dr Paweł Zieliński", "dr Maria Nowicka", "dott.ssa Chiara Bianchi"],
    ))
    assert [sentence[m.start : m.end] for m in matcher.find("", sentence)][:1] == [expected]


def test_honorifics_belong_to_doctors_only() -> None:
    matcher = Matcher(BrandConfig(names=["MED Polonia"], doctors=["dr Polonia"]))
    assert found(matcher, "Byłam w MED Polonii.") == [("MED Polonii", "MED Polonia")]
    assert found(matcher, "Dziękuję doktor Polonii.") == [("doktor Polonii", "dr Polonia")]
    assert found(matcher, "Sama Polonia") == []


def test_exclusion_with_punctuation_inside() -> None:
    matcher = Matcher(brand(exclusions=["Salus, the Roman goddess"]))
    assert found(matcher, "Salus, the Roman goddess of safety, had a temple.") == []
    assert found(matcher, "Salus the clinic, not the goddess.") == [("Salus", "Salus")]


def test_a_reply_in_a_thread_about_the_clinic_is_a_mention():
    matcher = Matcher(BrandConfig(names=["Salus"]))
    reply = Mention("forum", "f", "p2", "https://forum.example/t/1#p2", "Odwołali mi wizytę dzień wcześniej.",
                    thread_title="Przychodnia Salus na Mokotowie – warto?")
    unrelated = Mention("forum", "f", "p3", "https://forum.example/t/2#p3", "Odwołali mi wizytę dzień wcześniej.",
                        thread_title="Dentysta na Woli")
    assert matcher.match(reply)
    assert [(m.field, reply.thread_title[m.start:m.end]) for m in reply.matches] == [("thread", "Salus")]
    assert not matcher.match(unrelated)
