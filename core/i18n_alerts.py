"""Texts of alert messages and the weekly report: part of the one catalogue (core.i18n merges it).

Same shape as the dashboard's catalogue: key -> (en, pl, it). Texts with a count are in core/i18n_plurals.py.
"""
from __future__ import annotations

ALERT_CATALOGUE: dict[str, tuple[str, str, str]] = {
    "subject.urgent": (
        "[ClinicWatch] Urgent mention on {source}",
        "[ClinicWatch] Pilna wzmianka: {source}",
        "[ClinicWatch] Menzione urgente su {source}",
    ),
    "subject.urgent_critical": (
        "[ClinicWatch] URGENT ({reasons}) mention on {source}",
        "[ClinicWatch] PILNE ({reasons}) wzmianka: {source}",
        "[ClinicWatch] URGENTE ({reasons}) menzione su {source}",
    ),
    "subject.sla": (
        "[ClinicWatch] Complaint unanswered for over {hours} h ({source})",
        "[ClinicWatch] Skarga bez odpowiedzi ponad {hours} godz. ({source})",
        "[ClinicWatch] Reclamo senza risposta da oltre {hours} ore ({source})",
    ),
    "subject.spike_volume": (
        "[ClinicWatch] Spike in mentions: {count} in {window} h (usually {baseline})",
        "[ClinicWatch] Nagły wzrost liczby wzmianek: {count} w {window} godz. (zwykle {baseline})",
        "[ClinicWatch] Picco di menzioni: {count} in {window} ore (di solito {baseline})",
    ),
    "subject.spike_negative": (
        "[ClinicWatch] Spike in negative mentions: {share}% (usually {baseline}%)",
        "[ClinicWatch] Wzrost negatywnych wzmianek: {share}% (zwykle {baseline}%)",
        "[ClinicWatch] Picco di menzioni negative: {share}% (di solito {baseline}%)",
    ),
    "intro.urgent": (
        "A new mention needs attention.",
        "Nowa wzmianka wymaga uwagi.",
        "Una nuova menzione richiede attenzione.",
    ),
    "intro.sla": (
        "This complaint has had no response within the {hours} h target.",
        "Ta skarga nie otrzymała odpowiedzi w docelowym czasie {hours} godz.",
        "Questo reclamo non ha ricevuto risposta entro l'obiettivo di {hours} ore.",
    ),
    "intro.spike_negative": (
        "{negative} of {count} mentions in the last {window} h are negative ({share}%); the usual share is {baseline}%.",
        "{negative} z {count} wzmianek w ciągu ostatnich {window} godz. jest negatywnych ({share}%); zwykle {baseline}%.",
        "{negative} menzioni su {count} nelle ultime {window} ore sono negative ({share}%); di solito {baseline}%.",
    ),
    "intro.digest": (
        "Alerts collected since the last message:",
        "Alerty zebrane od ostatniej wiadomości:",
        "Avvisi raccolti dall'ultimo messaggio:",
    ),
    "label.source": (
        "Source",
        "Źródło",
        "Fonte",
    ),
    "label.published": (
        "Published",
        "Opublikowano",
        "Pubblicato",
    ),
    "label.urgency": (
        "Urgency",
        "Pilność",
        "Urgenza",
    ),
    "label.reasons": (
        "Reasons",
        "Powody",
        "Motivi",
    ),
    "label.kind": (
        "Kind",
        "Rodzaj",
        "Tipo",
    ),
    "label.sentiment": (
        "Sentiment",
        "Wydźwięk",
        "Sentimento",
    ),
    "label.topics": (
        "Topics",
        "Tematy",
        "Argomenti",
    ),
    "label.open": (
        "Open the original",
        "Otwórz oryginał",
        "Apri l'originale",
    ),
    "label.open_dashboard": (
        "Open in ClinicWatch",
        "Otwórz w ClinicWatch",
        "Apri in ClinicWatch",
    ),
    "footer": (
        "Sent by ClinicWatch for {clinic}.",
        "Wysłane przez ClinicWatch dla: {clinic}.",
        "Inviato da ClinicWatch per {clinic}.",
    ),
    "reason.legal_threat": (
        "legal threat",
        "groźba prawna",
        "minaccia legale",
    ),
    "reason.press": (
        "press",
        "prasa",
        "stampa",
    ),
    "reason.health_risk": (
        "health risk",
        "zagrożenie zdrowia",
        "rischio per la salute",
    ),
    "reason.strong_negative": (
        "strongly negative",
        "bardzo negatywna",
        "molto negativa",
    ),
    "reason.high_reach": (
        "high reach",
        "duży zasięg",
        "ampia diffusione",
    ),
    "report.title": (
        "{clinic}: weekly report {week}",
        "{clinic}: raport tygodniowy {week}",
        "{clinic}: rapporto settimanale {week}",
    ),
    "report.period": (
        "{start} to {end}",
        "od {start} do {end}",
        "dal {start} al {end}",
    ),
    "report.volume": (
        "Volume",
        "Liczba wzmianek",
        "Volume",
    ),
    "report.total": (
        "Mentions this week: {total} (previous week: {previous})",
        "Wzmianki w tym tygodniu: {total} (poprzedni tydzień: {previous})",
        "Menzioni questa settimana: {total} (settimana precedente: {previous})",
    ),
    "report.sentiment": (
        "Sentiment",
        "Wydźwięk",
        "Sentimento",
    ),
    "report.kinds": (
        "Kinds",
        "Rodzaje",
        "Tipi",
    ),
    "report.topics": (
        "Topics",
        "Tematy",
        "Argomenti",
    ),
    "report.response": (
        "Response times",
        "Czas odpowiedzi",
        "Tempi di risposta",
    ),
    "report.response_line": (
        "Answered {answered} of {needing} mentions needing a reply; median {median}, 90th "
        "percentile {p90}; over the {sla} h target: {late}.",
        "Odpowiedziano na {answered} z {needing} wzmianek wymagających odpowiedzi; mediana {median}, 90. "
        "percentyl {p90}; po czasie docelowym {sla} godz.: {late}.",
        "Risposte a {answered} su {needing} menzioni che richiedevano risposta; mediana {median}, 90° "
        "percentile {p90}; oltre l'obiettivo di {sla} ore: {late}.",
    ),
    "report.top_complaints": (
        "Top complaints",
        "Najważniejsze skargi",
        "Reclami principali",
    ),
    "report.sources": (
        "Sources' health",
        "Stan źródeł",
        "Stato delle fonti",
    ),
    "report.none": (
        "None this week.",
        "Brak w tym tygodniu.",
        "Nessuno questa settimana.",
    ),
    "report.col.source": (
        "Source",
        "Źródło",
        "Fonte",
    ),
    "report.col.kind": (
        "Type",
        "Typ",
        "Tipo",
    ),
    "report.col.mentions": (
        "Mentions this week",
        "Wzmianki w tygodniu",
        "Menzioni nella settimana",
    ),
    "report.col.last_success": (
        "Last success",
        "Ostatni sukces",
        "Ultimo successo",
    ),
    "report.col.error": (
        "Last error",
        "Ostatni błąd",
        "Ultimo errore",
    ),
    "report.col.failures": (
        "Failures in a row",
        "Błędy z rzędu",
        "Errori consecutivi",
    ),
    "report.na": (
        "n/a",
        "b.d.",
        "n.d.",
    ),
    "report.subject": (
        "[ClinicWatch] Weekly report {week}",
        "[ClinicWatch] Raport tygodniowy {week}",
        "[ClinicWatch] Rapporto settimanale {week}",
    ),
}
