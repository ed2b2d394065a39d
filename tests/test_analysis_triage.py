"""Triage on hand-written sentences: emergencies first (over lemmas, with negation, jokes and past problems
kept apart), kind as its own decision, press and legal cues with sense checks, explanations."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import Analyzer
from analysis.kind import Context
from analysis.lemmacues import CONTEXT, _parse_signal, load_triage
from analysis.lexicon import fold
from analysis.rules import HEALTH_FLOOR, OTHERS_CAP
from core.models import Mention, TermMatch


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory) -> Analyzer:
    return Analyzer(model_dir=tmp_path_factory.mktemp("no-model"))


EMERGENCIES = [
    ("Our little girl (3) has been burning up with a fever for three days now and the GP can't see her until Friday.", "en"),
    ("Sharp pain across my chest since lunch and my left arm feels numb, should I wait for my appointment?", "en"),
    ("After the flu jab my husband's lips swelled up and he started wheezing.", "en"),
    ("My dad suddenly can't lift his right arm and his words come out slurred.", "en"),
    ("I've been having suicidal thoughts again and the crisis team never calls back.", "en"),
    ("I'm 20 weeks pregnant and bleeding, nobody at reception will put me through to a midwife.", "en"),
    ("Wnuczka ma dopiero roczek, gorączka nie spada od trzech dni, a w rejestracji każą czekać do poniedziałku.", "pl"),
    ("Od rana ucisk w klatce piersiowej i drętwieje mi lewa ręka, czy mogę przyjść bez zapisu?", "pl"),
    ("Po zastrzyku spuchła mi twarz i zrobiło mi się słabo, pielęgniarka kazała poczekać.", "pl"),
    ("Mąż nagle dostał drgawek i stracił przytomność, a infolinia nie odbiera.", "pl"),
    ("Il mio bimbo di due anni ha la febbre a 40 da ieri sera e nessuno risponde al telefono.", "it"),
    ("Dopo la nuova pastiglia mi si è gonfiata la lingua e mi gira la testa.", "it"),
    ("Mia madre non riesce a respirare bene da stamattina, le labbra sono viola.", "it"),
    ("Penso spesso al suicidio e la lista d'attesa per lo psichiatra è di sei mesi.", "it"),
    ("I honestly don't see the point anymore. Six months on the list for a therapist.", "en"),
    ("I'm 30 weeks pregnant and the baby hasn't moved since yesterday, midwife line not answering.", "en"),
    ("My wife's speech suddenly went weird and her arm is weak.", "en"),
    ("Mężowi opadła połowa twarzy i mówi niewyraźnie.", "pl"),
    ("Mio padre ha la bocca storta e non riesce a parlare bene.", "it"),
]


@pytest.mark.parametrize("text, language", EMERGENCIES)
def test_emergencies_are_found_and_outrank_everything(analyzer, text, language):
    result = analyzer.analyse_text(text, language)
    assert "health_risk" in result.urgency_reasons, result
    assert result.urgency >= HEALTH_FLOOR
    assert result.evidence["health_risk"], "the words that raised it are recorded"


@pytest.mark.parametrize(
    "text, language",
    [
        ("The invoice nearly gave me a heart attack 😂", "en"),
        ("Zawał serca jak zobaczyłam ten cennik, serio.", "pl"),
        ("Mi è venuto un infarto quando ho visto la parcella 🤣", "it"),
    ],
)
def test_an_emergency_word_as_a_joke_about_the_bill_is_a_complaint_not_an_emergency(analyzer, text, language):
    result = analyzer.analyse_text(text, language)
    assert "health_risk" not in result.urgency_reasons
    assert result.kind == "complaint", result


def test_health_risk_outranks_a_loud_legal_and_press_threat(analyzer):
    threat = analyzer.analyse_text(
        "Disgusting, useless, incompetent clinic!!! My lawyer is suing you and I've contacted the BBC.", "en", reach=5000
    )
    emergency = analyzer.analyse_text("Thank you, my baby has a high temperature since Monday, any slot today?", "en")
    assert {"legal_threat", "press"} <= set(threat.urgency_reasons)
    assert threat.urgency <= OTHERS_CAP < emergency.urgency


@pytest.mark.parametrize(
    "text, language",
    [
        ("No fever, no cough, just need a sick note for work.", "en"),
        ("Dziecko nie ma gorączki, chodzi tylko o bilans dwulatka.", "pl"),
        ("Senza febbre da due giorni, posso riportare il bimbo all'asilo?", "it"),
        ("The invoice nearly gave me a heart attack 😂", "en"),
        ("Zawał serca jak zobaczyłam ten cennik, serio.", "pl"),
        ("Mi è venuto un infarto quando ho visto la parcella 🤣", "it"),
        ("Years ago they saved me when I collapsed with chest pain. Still the best practice in town, thank you!", "en"),
        ("Dwa lata temu uratowali mnie przy udarze, wspaniały zespół, dziękuję!", "pl"),
        ("My chest pain is gone since the new tablets, lovely GP.", "en"),
        ("My son had a fit of giggles when the nurse showed him the stethoscope.", "en"),
        ("Il medico parla in modo strano ma è bravissimo.", "it"),
        ("At 30 weeks pregnant I moved to Salus, not moving back!", "en"),
        ("Umieram ze śmiechu, pan doktor ma super poczucie humoru.", "pl"),
    ],
)
def test_negation_jokes_and_past_problems_in_praise_are_not_emergencies(analyzer, text, language):
    result = analyzer.analyse_text(text, language)
    assert "health_risk" not in result.urgency_reasons, result
    assert result.urgency < HEALTH_FLOOR


@pytest.mark.parametrize(
    "text, language",
    [
        ("Ile kosztuje USG brzucha w Salusie?", "pl"),
        ("Jak się zapisać do dermatologa przez aplikację?", "pl"),
        ("Come prenotare una visita al Salus?", "it"),
        ("Quanto costa una visita cardiologica?", "it"),
        ("Where can I park when I come for my blood test?", "en"),
        ("What are your opening hours on Saturdays?", "en"),
    ],
)
def test_plain_questions_are_neutral_questions(analyzer, text, language):
    result = analyzer.analyse_text(text, language)
    assert (result.kind, result.sentiment) == ("question", "neutral"), result


@pytest.mark.parametrize(
    "text, language",
    [
        ("Why does nobody ever pick up the phone at this surgery?!", "en"),
        ("Dlaczego nikt nigdy nie oddzwania?!", "pl"),
        ("Ma è possibile che nessuno risponda mai alle email?", "it"),
        ("Thanks for nothing, two hours in the waiting room and then cancelled 👏", "en"),
        ("Dzięki za nic, znowu odwołana wizyta.", "pl"),
        ("Grazie tante per averci fatto aspettare quattro ore 😍", "it"),
        ("I would appreciate it if someone could explain why I was charged twice for one consultation.", "en"),
        ("Brawo, trzeci raz zgubione skierowanie 👏", "pl"),
        ("Five stars for losing my referral twice 👏👏", "en"),
        ("Complimenti davvero, terza volta che perdete la mia impegnativa 👏", "it"),
        ("Thanks Oakfield for charging me £60 for a letter that took 2 minutes to write. Really appreciated.", "en"),
        ("Dzięki Medicus za 60 zł za zaświadczenie, które pisało się 2 minuty. Naprawdę doceniam.", "pl"),
        ("Grazie Aurora per 60 euro per un certificato scritto in due minuti. Davvero apprezzato.", "it"),
        ("Czy to naprawdę tak dużo, żeby ktoś oddzwonił, kiedy obiecuje? Czwarty dzień.", "pl"),
        ("È chiedere troppo che qualcuno richiami quando lo promette? Quarto giorno.", "it"),
        ("Skierowanie do kardiologa czeka na podpis od tygodnia. Ile jeszcze?", "pl"),
        ("L'impegnativa per il cardiologo aspetta la firma da una settimana. Quanto ancora?", "it"),
        ("Uprzejmie informuję, że moja recepta 'zaginęła' już dwa razy. Proszę o kontakt.", "pl"),
        ("Gentilmente faccio presente che la mia ricetta è stata 'persa' due volte. Gradirei essere richiamata.", "it"),
    ],
)
def test_complaints_phrased_as_questions_thanks_or_applause_are_complaints(analyzer, text, language):
    result = analyzer.analyse_text(text, language)
    assert (result.kind, result.sentiment) == ("complaint", "negative"), result


@pytest.mark.parametrize(
    "text, language",
    [
        ("Ja jestem zadowolona z Salusa", "pl"),
        ("Unlike my previous practice where nobody listened, here the GP took real time with me. Highly recommend.", "en"),
        ("A differenza di altre strutture dove ti ignorano, qui mi hanno seguito benissimo. Consiglio!", "it"),
        ("Po latach w innych przychodniach wreszcie trafiłam na lekarza, który słucha.", "pl"),
        ("Shout out to the reception team, sorted my repeat prescription in 5 minutes 🙌", "en"),
        ("Wielkie dzięki dla rejestracji, receptę załatwili w 5 minut 🙌", "pl"),
        ("Un grazie enorme alla reception, ricetta sistemata in 5 minuti 🙌", "it"),
        ("W ogóle nie czekałam, weszłam i wyszłam w 15 minut. Rewelacja.", "pl"),
        ("After years of being fobbed off by my old practice, they ran the tests and found it. Can't thank them enough.",
         "en"),
        ("Po latach spychologii w starej przychodni tu w końcu zrobili badania. Nie wiem jak dziękować.", "pl"),
        ("Dr Nowak wytłumaczył wyniki ludzkim językiem i nie poganiał. Rzadkość w dzisiejszych czasach.", "pl"),
        ("Il dottor Rossi mi ha spiegato gli esami in parole semplici senza fretta. Cosa rara oggi.", "it"),
    ],
)
def test_praise_statements_and_comparisons_stay_praise(analyzer, text, language):
    assert analyzer.analyse_text(text, language).kind == "praise"


def test_name_alikes_headlines_and_alias_only_matches_are_other(analyzer):
    assert analyzer.analyse_text("Salus FC lose the derby 0-3, the stadium was silent.", "en").kind == "other"
    assert analyzer.analyse_text("Wszystkiego najlepszego z okazji urodzin, Salus! 🎂", "pl").kind == "other"
    assert analyzer.analyse_text("Oakfield Road closed this morning due to a burst water main.", "en").kind == "other"
    assert analyzer.analyse_text("Via San Marco chiusa per un guasto all'acquedotto, possibili disagi", "it").kind == "other"
    assert analyzer.analyse_text("Listening to the Riverside podcast, great piece on urban gardening", "en").kind == "other"
    news = Mention("headline", "news", "1", "", "Private clinic group opens a third site, waiting lists to shrink",
                   language="en")
    assert analyzer.analyse(news).kind == "other"
    alias = Mention("reddit", "r/x", "2", "", "Salus per aquam: nice little spa weekend", language="en",
                    matches=[TermMatch("Salus", "alias", "text", 0, 5)])
    assert analyzer.analyse(alias).kind == "other"
    assert analyzer.analyse_text("Pozdrawiam, x", "pl", context=Context(news=True)).kind == "other"


@pytest.mark.parametrize(
    "text, language, reason",
    [
        ("Przekażę nagranie dziennikarzom, niech wszyscy zobaczą.", "pl", "press"),
        ("Opiszę całą sprawę w prasie lokalnej, już napisałam do redakcji.", "pl", "press"),
        ("Ne parlerò con i giornalisti del Resto del Carlino.", "it", "press"),
        ("I'm taking this to the local newspaper.", "en", "press"),
        ("Złożyłam skargę do NFZ na odmowę przyjęcia.", "pl", "legal_threat"),
        ("Sprawę zgłaszam do Rzecznika Praw Pacjenta.", "pl", "legal_threat"),
        ("Procederemo per vie legali.", "it", "legal_threat"),
        ("Se non rimborsate arrivano le carte bollate.", "it", "legal_threat"),
        ("Ho segnalato tutto a Federconsumatori.", "it", "legal_threat"),
        ("I've reported the practice to the CQC.", "en", "legal_threat"),
        ("My solicitor will be in touch.", "en", "legal_threat"),
    ],
)
def test_press_and_legal_in_inflected_forms_and_payers(analyzer, text, language, reason):
    result = analyzer.analyse_text(text, language)
    assert reason in result.urgency_reasons, result
    assert result.evidence[reason]


@pytest.mark.parametrize(
    "text, language",
    [
        ("W poczekalni leżały tylko stare gazety, ale lekarz bardzo miły.", "pl"),
        ("Nella sala d'attesa c'erano solo vecchie riviste e giornali.", "it"),
        ("Press 1 for appointments, press 2 for results.", "en"),
        ("Jestem prawnikiem i doceniam, jak jasno pani doktor wszystko wytłumaczyła.", "pl"),
        ("I'm a lawyer myself, and the receptionist explained the bill better than I could.", "en"),
        ("Sono avvocato e trovo il personale molto gentile.", "it"),
        ("Przychodnia jest zaraz obok sądu rejonowego.", "pl"),
        ("Czy przyjmujecie pacjentów na NFZ?", "pl"),
        ("I read about you in the local paper, great article.", "en"),
        ("Ho letto di voi sul giornale, bell'articolo.", "it"),
    ],
)
def test_everyday_senses_and_own_profession_are_not_threats(analyzer, text, language):
    result = analyzer.analyse_text(text, language)
    assert not {"press", "legal_threat"} & set(result.urgency_reasons), result


def test_explanations_and_confidence(analyzer):
    result = analyzer.analyse_text("Ile kosztuje wizyta u kardiologa?", "pl")
    assert result.evidence["kind"] == ["ile kosztuje"]
    assert "topics" in result.evidence
    assert 0.0 < result.confidence <= 1.0
    vague = analyzer.analyse_text("Byłam tam wczoraj.", "pl")
    assert vague.confidence < result.confidence


def test_signal_file_errors_name_the_problem():
    groups = load_triage("en").groups
    with pytest.raises(ValueError, match="unknown group NOPE"):
        _parse_signal("health_risk x = FEVER NOPE", groups, "triage_en.txt")


def _entry_texts(language: str) -> list[str]:
    cues = load_triage(language)
    assert cues is not None
    words = sorted({w for g in cues.groups.values() for w in g.exact} | {" ".join(s) for g in cues.groups.values()
                                                                       for s in g.sequences if "*" not in "".join(s)})
    return words


@pytest.mark.parametrize("language", ["pl", "it", "en"])
def test_precheck_never_hides_a_signal(language):
    """Texts made of the data files' own words fire the same signals with and without the surface pre-check."""
    cues = load_triage(language)
    words = _entry_texts(language)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.sampled_from(words + [",", ".", "and", "the"]), min_size=1, max_size=12))
    def check(parts: list[str]) -> None:
        text = " ".join(parts)
        folded = fold(text)
        # Context facts (past, now, joke) only qualify signals: alone they need no lemmatising.
        checked = [hit for hit in cues.find(text, folded, candidate=True) if hit.reason != CONTEXT]
        assert [hit for hit in cues.find(text, folded) if hit.reason != CONTEXT] == checked

    check()


@pytest.mark.parametrize(
    "text, language",
    [
        ("I'm contacting the BBC about this, my mum was left in the rain for an hour.", "en"),
        ("The Gazette's investigation found patients waited nine months for scans at the clinic.", "en"),
        ("Un'inchiesta del Corriere Locale rivela liste d'attesa di otto mesi al poliambulatorio.", "it"),
        ("Śledztwo Kuriera Lubelskiego pokazało, że w przychodni ginęły skierowania.", "pl"),
    ],
)
def test_press_by_outlet_investigation_and_contacting_a_broadcaster(analyzer, text, language):
    result = analyzer.analyse_text(text, language)
    assert "press" in result.urgency_reasons, result


@pytest.mark.parametrize(
    "text, language",
    [
        ("I am a journalist and the care here was great.", "en"),
        ("I work as a journalist, the nurses were lovely.", "en"),
        ("My son's a sports journalist and recommended Dr Lind, brilliant.", "en"),
        ("Read an old newspaper investigation in the waiting room, ha. Quick visit.", "en"),
        ("Ho letto un'inchiesta sul giornale in sala d'attesa, poi visita veloce.", "it"),
        ("Pracuję jako dziennikarz, obsługa super.", "pl"),
    ],
)
def test_own_profession_and_reading_in_the_waiting_room_are_not_press(analyzer, text, language):
    result = analyzer.analyse_text(text, language)
    assert "press" not in result.urgency_reasons, result


@pytest.mark.parametrize(
    "text, language",
    [
        ("Myślę o tym, żeby ze sobą skończyć, a psychiatra ma termin za dwa miesiące.", "pl"),
        ("Non ce la faccio, vorrei togliermi di mezzo, lo psicologo non ha posto.", "it"),
        ("Been having thoughts of ending it and the mental health waitlist is six months.", "en"),
    ],
)
def test_suicidal_thoughts_in_other_word_orders(analyzer, text, language):
    assert "health_risk" in analyzer.analyse_text(text, language).urgency_reasons


@pytest.mark.parametrize(
    "text, language",
    [
        ("Is there parking at the clinic on Mill Lane or should I take the bus?", "en"),
        ("Should we bring the vaccination card to the appointment?", "en"),
    ],
)
def test_asking_what_one_should_do_is_a_plain_question(analyzer, text, language):
    result = analyzer.analyse_text(text, language)
    assert (result.kind, result.sentiment) == ("question", "neutral"), result


@pytest.mark.parametrize(
    "text, language",
    [
        ("Last year I had a scary allergic reaction and the team saved my life. Back for a check-up, fab as always.",
         "en"),
        ("The magazines in the waiting room are from 2019 haha, otherwise quick and painless visit.", "en"),
        ("W poczekalni leżą stare gazety sprzed roku, ale poza tym wszystko ok.", "pl"),
        ("Riviste vecchie in sala d'attesa, ma per il resto tutto ok.", "it"),
        ("Rok temu doktor uratował mi życie, dziś kontrola i jak zawsze miła obsługa.", "pl"),
    ],
)
def test_a_small_gripe_or_a_past_scare_before_the_verdict_stays_praise(analyzer, text, language):
    result = analyzer.analyse_text(text, language)
    assert (result.kind, result.sentiment) == ("praise", "positive"), result


def test_an_emergency_told_with_upbeat_words_is_a_negative_complaint(analyzer):
    text = "My 2 year old has had a 104 fever for three days and the first slot is next Tuesday. Unbelievable."
    result = analyzer.analyse_text(text, "en")
    assert (result.kind, result.sentiment) == ("complaint", "negative"), result
    assert "health_risk" in result.urgency_reasons


# Red flags beyond the list, each in the three languages: a head injury with warning signs, coughing blood,
# a blood-pressure crisis, severe belly pain, bleeding after a birth, sudden confusion, swelling after a food.
MORE_RED_FLAGS = [
    ("my 18 month old is burning up, 39.8 and floppy, GP says no appts till thurs", "en"),
    ("Tight chest and my left arm's gone numb, been like this an hour, Riverside phone just rings", "en"),
    ("got the booster at Oakfield this morning and now my throat feels like it's closing up", "en"),
    ("honestly just want to not wake up anymore. waited 5 months for the counselling referral", "en"),
    ("Started the tablets Dr Ahmed gave me and my face has swollen up and I feel faint", "en"),
    ("11 weeks pregnant, heavy bleeding and cramps, midwife unit won't pick up", "en"),
    ("Husband's face has dropped on one side and he can't get his words out", "en"),
    ("Kid's lips are going blue when he coughs and the out of hours line is engaged", "en"),
    ("Córka (3 lata) od trzech dni 40 stopni, leje się przez ręce, a pediatra dopiero w piątek", "pl"),
    ("Ściska mnie w klatce i drętwieje lewa ręka od godziny, w Medicusie nikt nie odbiera", "pl"),
    ("Po szczepionce przypominającej zaczęło mnie dusić w gardle, co mam robić?", "pl"),
    ("Nie chcę już żyć, na psychologa czekam pięć miesięcy", "pl"),
    ("Po nowych tabletkach spuchła mi twarz i słabo mi, lekarka nie oddzwania", "pl"),
    ("11 tydzień ciąży, mocne krwawienie i skurcze, położna nie odbiera", "pl"),
    ("Mia figlia di 2 anni scotta, 39.8, molle, il pediatra dice niente fino a giovedì", "it"),
    ("Ho una morsa al petto e il braccio sinistro intorpidito da un'ora, al San Marco non risponde nessuno", "it"),
    ("Dopo il richiamo del vaccino mi sento chiudere la gola, cosa faccio?", "it"),
    ("Non voglio più svegliarmi, aspetto lo psicologo da cinque mesi", "it"),
    ("Con le nuove pastiglie mi si è gonfiata la faccia e mi sento svenire", "it"),
    ("Incinta di 11 settimane, sanguinamento forte e crampi, l'ostetrica non risponde", "it"),
    ("My baby is really floppy and hard to wake, temperature 38.5, GP won't call back", "en"),
    ("Toddler has a rash that doesn't fade when I press a glass on it and a fever, receptionist said book online", "en"),
    ("My asthma inhaler isn't working and I can barely talk between breaths, no appointments till Monday", "en"),
    ("Dad fell and hit his head, he's on blood thinners and now he's confused and being sick", "en"),
    ("Coughing up blood since last night and the surgery says the first slot is in 2 weeks", "en"),
    ("My blood pressure is 210/120 with a pounding headache and blurry vision, what do I do", "en"),
    ("Had my baby 5 days ago and I'm bleeding through a pad every hour, midwife line rings out", "en"),
    ("Severe stomach pain on the right side and vomiting for 12 hours, 111 told me to contact my GP who won't answer", "en"),
    ("My son ate peanuts by mistake and his face is puffing up, the clinic put us on hold", "en"),
    ("Mum is 84, very confused today and hasn't passed urine since yesterday", "en"),
    ("Dziecko jest bardzo ospałe, trudno je dobudzić, temperatura 39, a przychodnia nie odbiera", "pl"),
    ("Wysypka u córki nie znika pod szklanką i ma gorączkę, rejestracja każe czekać", "pl"),
    ("Inhalator nie pomaga, duszę się i nie mogę złapać tchu, a terminu brak", "pl"),
    ("Tata upadł i uderzył się w głowę, bierze leki na rozrzedzenie krwi, teraz wymiotuje i jest splątany", "pl"),
    ("Od wczoraj kaszlę krwią, a w Medicusie najbliższy termin za dwa tygodnie", "pl"),
    ("Ciśnienie 210/120, silny ból głowy i mroczki przed oczami, co robić?", "pl"),
    ("Pięć dni po porodzie, krwawię bardzo mocno, położna nie odbiera", "pl"),
    ("Silny ból brzucha po prawej stronie i wymioty od 12 godzin, lekarz nie oddzwania", "pl"),
    ("Syn zjadł orzeszki i puchnie mu twarz, a w przychodni kazali czekać na linii", "pl"),
    ("Mama ma 84 lata, dziś jest bardzo splątana i od wczoraj nie oddała moczu", "pl"),
    ("Il bambino è molto spossato, fatica a svegliarsi, febbre a 39, e il pediatra non risponde", "it"),
    ("Mia figlia ha macchie sulla pelle che non spariscono premendo un bicchiere e la febbre", "it"),
    ("L'inalatore non funziona, non riesco a respirare e non ci sono appuntamenti", "it"),
    ("Mio padre è caduto e ha battuto la testa, prende anticoagulanti, ora vomita ed è confuso", "it"),
    ("Da ieri sera tossisco sangue e il primo appuntamento è tra due settimane", "it"),
    ("Pressione a 210/120, mal di testa fortissimo e vista offuscata, cosa faccio?", "it"),
    ("Ho partorito cinque giorni fa e perdo tantissimo sangue, l'ostetrica non risponde", "it"),
    ("Dolore fortissimo alla pancia a destra e vomito da 12 ore, il medico non richiama", "it"),
    ("Mio figlio ha mangiato arachidi e gli si gonfia la faccia, ci hanno messo in attesa", "it"),
    ("Mia madre ha 84 anni, oggi è molto confusa e non urina da ieri", "it"),
]


@pytest.mark.parametrize("text, language", MORE_RED_FLAGS)
def test_more_red_flags_are_emergencies(analyzer, text, language):
    result = analyzer.analyse_text(text, language)
    assert "health_risk" in result.urgency_reasons, result
    assert result.urgency >= HEALTH_FLOOR


@pytest.mark.parametrize(
    "text, language",
    [
        ("I was really confused today by the new booking app, took ages to find a slot", "en"),
        ("My dad hit his head on the low doorway at reception lol, someone should pad it 😂", "en"),
        ("Had my baby here last year, the midwives were amazing and the bleeding settled quickly", "en"),
        ("Went in with a cough, got a blood test booked for Monday, quick and easy", "en"),
        ("My blood pressure was 120/80 at the check, nurse was lovely", "en"),
        ("Severe lack of parking and the stomach-churning prices in the cafe", "en"),
        ("They gave me a leaflet about peanut allergies, very informative", "en"),
        ("Mum gets confused by the automated phone menu, please add an option to speak to a person", "en"),
        ("Byłam dziś trochę zdezorientowana nową aplikacją, ale w końcu się zapisałam", "pl"),
        ("Rok temu urodziłam tu dziecko, położne cudowne, krwawienie szybko minęło", "pl"),
        ("Kaszel minął, wyniki krwi w normie, dziękuję pani doktor", "pl"),
        ("Ciśnienie 120/80, wszystko w porządku, miła pielęgniarka", "pl"),
        ("Silny ból brzucha ze śmiechu jak zobaczyłam cennik 😂", "pl"),
        ("Oggi ero un po' confusa con la nuova app di prenotazione", "it"),
        ("Ho partorito qui l'anno scorso, ostetriche bravissime, il sanguinamento è passato subito", "it"),
        ("Pressione 120/80, tutto ok, infermiera gentile", "it"),
        ("Ho la tosse da una settimana, esami del sangue prenotati per lunedì", "it"),
    ],
)
def test_the_same_words_in_everyday_or_past_senses_are_not_emergencies(analyzer, text, language):
    assert "health_risk" not in analyzer.analyse_text(text, language).urgency_reasons
