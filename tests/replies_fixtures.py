"""Test data for the replies tests: a clinic config with every channel filled, and real-shaped mentions."""
from __future__ import annotations

from core.config import BrandConfig, Channels, Config, OfficeHours

CHANNELS = {
    "pl": Channels(
        hotline="+48 22 555 01 02",
        whatsapp="https://wa.me/48225550103",
        messenger="https://m.me/zdrowieplus.pl",
        email="kontakt@zdrowieplus.pl",
        complaints_email="bop@zdrowieplus.pl",
        contact_form="https://zdrowieplus.pl/kontakt",
        booking="https://zdrowieplus.pl/rezerwacja",
        portal_help="https://pacjent.zdrowieplus.pl/pomoc",
        emergency_number="112",
    ),
    "it": Channels(
        hotline="+39 02 4000 1234",
        whatsapp="https://wa.me/390240001235",
        messenger="https://m.me/salutepiu.it",
        email="info@salutepiu.it",
        complaints_email="urp@salutepiu.it",
        contact_form="https://salutepiu.it/contatti",
        booking="https://salutepiu.it/prenota",
        portal_help="https://salutepiu.it/area-riservata/aiuto",
        emergency_number="112",
    ),
    "en": Channels(
        hotline="+44 20 7946 0321",
        whatsapp="https://wa.me/442079460322",
        messenger="https://m.me/healthplus.clinic",
        email="hello@healthplus.example",
        complaints_email="patientrelations@healthplus.example",
        contact_form="https://healthplus.example/contact",
        booking="https://healthplus.example/book",
        portal_help="https://portal.healthplus.example/help",
        emergency_number="999",
    ),
}


def make_config(channels: dict | None = None, **overrides) -> Config:
    values = dict(
        clinic_name="Zdrowie Plus",
        brand=BrandConfig(names=["Zdrowie Plus"]),
        channels=CHANNELS if channels is None else channels,
        office_hours=OfficeHours(timezone="Europe/Warsaw", days=["mon", "tue", "wed", "thu", "fri"], opens="08:00", closes="18:00"),
    )
    values.update(overrides)
    return Config(**values)


# What people write, per language, kind and topic; health details are in on purpose: replies must not echo them.
MENTIONS: dict[str, dict[str, dict[str, str]]] = {
    "pl": {
        "complaint": {
            "appointments": "Od tygodnia próbuję zapisać się do kardiologa w Zdrowie Plus i ciągle brak terminów. Masakra.",
            "waiting_time": "Siedziałam 3 godziny w poczekalni Zdrowie Plus z gorączką i bólem brzucha, nikt nic nie wiedział.",
            "staff_attitude": "Pani w rejestracji Zdrowie Plus była niemiła i opryskliwa, jak można tak traktować ludzi z depresją?",
            "reaching_clinic": "Infolinia Zdrowie Plus nie odbiera od trzech dni, maile też bez odpowiedzi.",
            "prices_billing": "Zdrowie Plus policzyło mi 350 zł za USG, choć w cenniku było 200. Skandal.",
            "results_records": "Wyniki biopsji z Zdrowie Plus zaginęły, czekam już miesiąc i nikt nie wie, gdzie są.",
            "patient_account": "Nie mogę zalogować się do portalu pacjenta Zdrowie Plus, reset hasła nie działa.",
            "services_offered": "Zdrowie Plus reklamuje badania hormonalne, a na miejscu okazuje się, że ich nie robią.",
            "vaccinations": "W Zdrowie Plus zabrakło szczepionki na grypę, odesłali mnie z kwitkiem po dwóch godzinach.",
            "location_hours": "Na stronie Zdrowie Plus godziny otwarcia do 20, a o 18 zamknięte. Przyjechałam na darmo.",
            "quality_of_care": "Lekarz w Zdrowie Plus zbagatelizował moją cukrzycę i przepisał złe leki. Nie polecam.",
            "other": "Parking przy Zdrowie Plus to jakiś żart, zero miejsc.",
        },
        "question": {
            "appointments": "Czy w Zdrowie Plus są wolne terminy do dermatologa w tym tygodniu?",
            "waiting_time": "Jak długo czeka się teraz na wizytę u ortopedy w Zdrowie Plus? Boli mnie kolano.",
            "staff_attitude": "Czy ktoś wie, czy w Zdrowie Plus można poprosić o innego lekarza?",
            "reaching_clinic": "Jak najłatwiej skontaktować się z Zdrowie Plus poza infolinią?",
            "prices_billing": "Ile kosztuje w Zdrowie Plus konsultacja ginekologiczna bez abonamentu?",
            "results_records": "Gdzie w Zdrowie Plus odbiorę wyniki badań krwi? Podejrzewam anemię.",
            "patient_account": "Jak założyć konto w portalu pacjenta Zdrowie Plus?",
            "services_offered": "Czy Zdrowie Plus robi rezonans magnetyczny kolana?",
            "vaccinations": "Czy w Zdrowie Plus można zaszczepić dziecko przeciw HPV?",
            "location_hours": "Do której otwarte jest Zdrowie Plus w sobotę?",
            "quality_of_care": "Czy lekarze w Zdrowie Plus mają doświadczenie z leczeniem astmy u dzieci?",
            "other": "Czy Zdrowie Plus ma jakieś zniżki dla seniorów?",
        },
        "praise": {"other": "Dziękuję całemu zespołowi Zdrowie Plus, wspaniała opieka przy moim złamaniu!"},
        "other": {"other": "Zdrowie Plus otwiera nową placówkę na Mokotowie."},
    },
    "it": {
        "complaint": {
            "appointments": "Impossibile prenotare una visita cardiologica da Salute Più, nessuna disponibilità per mesi.",
            "waiting_time": "Tre ore in sala d'attesa da Salute Più con la febbre alta e nessuno che dava spiegazioni.",
            "staff_attitude": "L'infermiera di Salute Più è stata scortese e sgarbata, vergognoso con una persona con ansia.",
            "reaching_clinic": "Il numero di Salute Più squilla a vuoto da giorni e nessuno risponde alle email.",
            "prices_billing": "Salute Più mi ha fatto pagare 180 euro per un'ecografia che costava 120. Vergogna.",
            "results_records": "I referti della mia biopsia da Salute Più sono spariti, aspetto da un mese.",
            "patient_account": "Non riesco ad accedere all'area riservata di Salute Più, il recupero password non funziona.",
            "services_offered": "Salute Più pubblicizza la risonanza magnetica ma poi dicono che non la fanno più.",
            "vaccinations": "Da Salute Più hanno finito i vaccini antinfluenzali e mi hanno rimandato a casa.",
            "location_hours": "Sul sito di Salute Più c'è scritto aperto fino alle 20, alle 18 era già chiuso.",
            "quality_of_care": "Il medico di Salute Più ha ignorato il mio diabete e mi ha dato una terapia sbagliata.",
            "other": "Il parcheggio di Salute Più è sempre pieno, un incubo.",
        },
        "question": {
            "appointments": "Qualcuno sa se da Salute Più ci sono posti liberi dal dermatologo questa settimana?",
            "waiting_time": "Quanto si aspetta ora da Salute Più per una visita ortopedica? Ho dolore al ginocchio.",
            "staff_attitude": "Da Salute Più si può chiedere di cambiare medico?",
            "reaching_clinic": "Come si contatta Salute Più oltre al numero verde?",
            "prices_billing": "Quanto costa da Salute Più una visita ginecologica privata?",
            "results_records": "Dove ritiro da Salute Più le analisi del sangue? Temo di avere l'anemia.",
            "patient_account": "Come si crea l'account sul portale di Salute Più?",
            "services_offered": "Salute Più fa la risonanza magnetica al ginocchio?",
            "vaccinations": "Da Salute Più si può fare il vaccino HPV ai ragazzi?",
            "location_hours": "Fino a che ora è aperto Salute Più il sabato?",
            "quality_of_care": "I pediatri di Salute Più hanno esperienza con l'asma nei bambini?",
            "other": "Salute Più fa sconti per gli over 65?",
        },
        "praise": {"other": "Grazie a tutto lo staff di Salute Più, bravissimi con la mia frattura!"},
        "other": {"other": "Salute Più apre una nuova sede a Milano."},
    },
    "en": {
        "complaint": {
            "appointments": "Tried for a week to get a cardiology appointment at Health Plus, nothing available for months.",
            "waiting_time": "Sat 3 hours in the Health Plus waiting room with a fever and chest pain, nobody told us anything.",
            "staff_attitude": "The receptionist at Health Plus was rude and dismissive, awful way to treat someone with anxiety.",
            "reaching_clinic": "Health Plus phone line rings out for days and nobody answers emails.",
            "prices_billing": "Health Plus charged me 250 pounds for a scan that was listed at 150. Disgraceful.",
            "results_records": "Health Plus lost my biopsy results, I've been waiting a month and nobody knows where they are.",
            "patient_account": "Can't log in to the Health Plus patient portal, password reset is broken.",
            "services_offered": "Health Plus advertises hormone testing but when you get there they don't do it.",
            "vaccinations": "Health Plus ran out of flu vaccine and sent me home after two hours.",
            "location_hours": "Health Plus website says open until 8pm, it was closed at 6. Wasted trip.",
            "quality_of_care": "The doctor at Health Plus ignored my diabetes and gave me the wrong medication.",
            "other": "Parking at Health Plus is a joke.",
        },
        "question": {
            "appointments": "Does anyone know if Health Plus has dermatology appointments this week?",
            "waiting_time": "How long is the wait for an orthopaedic appointment at Health Plus right now? My knee pain is bad.",
            "staff_attitude": "Can you ask Health Plus for a different doctor?",
            "reaching_clinic": "What is the best way to contact Health Plus apart from the phone line?",
            "prices_billing": "How much is a private gynaecology consultation at Health Plus?",
            "results_records": "Where do I pick up my blood test results from Health Plus? Worried it's anaemia.",
            "patient_account": "How do I set up an account on the Health Plus patient portal?",
            "services_offered": "Does Health Plus do knee MRI scans?",
            "vaccinations": "Can teenagers get the HPV vaccine at Health Plus?",
            "location_hours": "What time does Health Plus close on Saturdays?",
            "quality_of_care": "Do the Health Plus paediatricians have experience with asthma in children?",
            "other": "Does Health Plus offer discounts for pensioners?",
        },
        "praise": {"other": "Huge thanks to the Health Plus team, brilliant care with my broken wrist!"},
        "other": {"other": "Health Plus opens a new clinic in Leeds."},
    },
}
GENERIC = {
    "pl": "Mam sprawę do Zdrowie Plus, ktoś pomoże?",
    "it": "Ho una questione per Salute Più, qualcuno mi aiuta?",
    "en": "I have an issue with Health Plus, can anyone help?",
}
SOURCES = (("reddit", "reddit-search"), ("discourse", "forum-zdrowie"), ("forum", "phpbb-board"), ("feed", "google-alerts"))


def mention_text(language: str, kind: str, topic: str) -> str:
    by_kind = MENTIONS[language].get(kind, {})
    return by_kind.get(topic) or by_kind.get("other") or GENERIC[language]
