"""The text catalogue for alerts and the weekly report in Polish, Italian and English, and alert rendering."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.display import visible_controls, visible_href
from core.i18n import label as vocabulary_label  # kinds, sentiments, topics: the dashboard's one catalogue

LANGUAGES = ("pl", "it", "en")

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "subject.urgent": "[ClinicWatch] Urgent mention on {source}",
        "subject.urgent_critical": "[ClinicWatch] URGENT ({reasons}) mention on {source}",
        "subject.sla": "[ClinicWatch] Complaint unanswered for over {hours} h ({source})",
        "subject.spike_volume": "[ClinicWatch] Spike in mentions: {count} in {window} h (usually {baseline})",
        "subject.spike_negative": "[ClinicWatch] Spike in negative mentions: {share}% (usually {baseline}%)",
        "subject.digest": "[ClinicWatch] {count} alerts",
        "intro.urgent": "A new mention needs attention.",
        "intro.sla": "This complaint has had no response within the {hours} h target.",
        "intro.spike_volume": "{count} mentions in the last {window} h; the usual level is {baseline}.",
        "intro.spike_negative": "{negative} of {count} mentions in the last {window} h are negative ({share}%); "
        "the usual share is {baseline}%.",
        "intro.digest": "Alerts collected since the last message:",
        "label.source": "Source",
        "label.published": "Published",
        "label.urgency": "Urgency",
        "label.reasons": "Reasons",
        "label.kind": "Kind",
        "label.sentiment": "Sentiment",
        "label.topics": "Topics",
        "label.open": "Open the original",
        "footer": "Sent by ClinicWatch for {clinic}.",
        "reason.legal_threat": "legal threat",
        "reason.press": "press",
        "reason.health_risk": "health risk",
        "reason.strong_negative": "strongly negative",
        "reason.high_reach": "high reach",
        "report.title": "{clinic}: weekly report {week}",
        "report.period": "{start} to {end}",
        "report.volume": "Volume",
        "report.total": "Mentions this week: {total} (previous week: {previous})",
        "report.sentiment": "Sentiment",
        "report.kinds": "Kinds",
        "report.topics": "Topics",
        "report.response": "Response times",
        "report.response_line": "Answered {answered} of {needing} mentions needing a reply; "
        "median {median}, 90th percentile {p90}; over the {sla} h target: {late}.",
        "report.top_complaints": "Top complaints",
        "report.sources": "Sources' health",
        "report.none": "None this week.",
        "report.col.source": "Source",
        "report.col.kind": "Type",
        "report.col.mentions": "Mentions this week",
        "report.col.last_success": "Last success",
        "report.col.error": "Last error",
        "report.col.failures": "Failures in a row",
        "report.na": "n/a",
        "report.subject": "[ClinicWatch] Weekly report {week}",
    },
    "pl": {
        "subject.urgent": "[ClinicWatch] Pilna wzmianka: {source}",
        "subject.urgent_critical": "[ClinicWatch] PILNE ({reasons}) wzmianka: {source}",
        "subject.sla": "[ClinicWatch] Skarga bez odpowiedzi ponad {hours} godz. ({source})",
        "subject.spike_volume": "[ClinicWatch] Nagły wzrost liczby wzmianek: {count} w {window} godz. (zwykle {baseline})",
        "subject.spike_negative": "[ClinicWatch] Wzrost negatywnych wzmianek: {share}% (zwykle {baseline}%)",
        "subject.digest": "[ClinicWatch] Zestawienie alertów: {count}",
        "intro.urgent": "Nowa wzmianka wymaga uwagi.",
        "intro.sla": "Ta skarga nie otrzymała odpowiedzi w docelowym czasie {hours} godz.",
        "intro.spike_volume": "{count} wzmianek w ciągu ostatnich {window} godz.; zwykle {baseline}.",
        "intro.spike_negative": "{negative} z {count} wzmianek w ciągu ostatnich {window} godz. jest negatywnych "
        "({share}%); zwykle {baseline}%.",
        "intro.digest": "Alerty zebrane od ostatniej wiadomości:",
        "label.source": "Źródło",
        "label.published": "Opublikowano",
        "label.urgency": "Pilność",
        "label.reasons": "Powody",
        "label.kind": "Rodzaj",
        "label.sentiment": "Wydźwięk",
        "label.topics": "Tematy",
        "label.open": "Otwórz oryginał",
        "footer": "Wysłane przez ClinicWatch dla: {clinic}.",
        "reason.legal_threat": "groźba prawna",
        "reason.press": "prasa",
        "reason.health_risk": "zagrożenie zdrowia",
        "reason.strong_negative": "bardzo negatywna",
        "reason.high_reach": "duży zasięg",
        "report.title": "{clinic}: raport tygodniowy {week}",
        "report.period": "od {start} do {end}",
        "report.volume": "Liczba wzmianek",
        "report.total": "Wzmianki w tym tygodniu: {total} (poprzedni tydzień: {previous})",
        "report.sentiment": "Wydźwięk",
        "report.kinds": "Rodzaje",
        "report.topics": "Tematy",
        "report.response": "Czas odpowiedzi",
        "report.response_line": "Odpowiedziano na {answered} z {needing} wzmianek wymagających odpowiedzi; "
        "mediana {median}, 90. percentyl {p90}; po czasie docelowym {sla} godz.: {late}.",
        "report.top_complaints": "Najważniejsze skargi",
        "report.sources": "Stan źródeł",
        "report.none": "Brak w tym tygodniu.",
        "report.col.source": "Źródło",
        "report.col.kind": "Typ",
        "report.col.mentions": "Wzmianki w tygodniu",
        "report.col.last_success": "Ostatni sukces",
        "report.col.error": "Ostatni błąd",
        "report.col.failures": "Błędy z rzędu",
        "report.na": "b.d.",
        "report.subject": "[ClinicWatch] Raport tygodniowy {week}",
    },
    "it": {
        "subject.urgent": "[ClinicWatch] Menzione urgente su {source}",
        "subject.urgent_critical": "[ClinicWatch] URGENTE ({reasons}) menzione su {source}",
        "subject.sla": "[ClinicWatch] Reclamo senza risposta da oltre {hours} ore ({source})",
        "subject.spike_volume": "[ClinicWatch] Picco di menzioni: {count} in {window} ore (di solito {baseline})",
        "subject.spike_negative": "[ClinicWatch] Picco di menzioni negative: {share}% (di solito {baseline}%)",
        "subject.digest": "[ClinicWatch] Riepilogo: {count} avvisi",
        "intro.urgent": "Una nuova menzione richiede attenzione.",
        "intro.sla": "Questo reclamo non ha ricevuto risposta entro l'obiettivo di {hours} ore.",
        "intro.spike_volume": "{count} menzioni nelle ultime {window} ore; il livello abituale è {baseline}.",
        "intro.spike_negative": "{negative} menzioni su {count} nelle ultime {window} ore sono negative ({share}%); "
        "di solito {baseline}%.",
        "intro.digest": "Avvisi raccolti dall'ultimo messaggio:",
        "label.source": "Fonte",
        "label.published": "Pubblicato",
        "label.urgency": "Urgenza",
        "label.reasons": "Motivi",
        "label.kind": "Tipo",
        "label.sentiment": "Sentimento",
        "label.topics": "Argomenti",
        "label.open": "Apri l'originale",
        "footer": "Inviato da ClinicWatch per {clinic}.",
        "reason.legal_threat": "minaccia legale",
        "reason.press": "stampa",
        "reason.health_risk": "rischio per la salute",
        "reason.strong_negative": "molto negativa",
        "reason.high_reach": "ampia diffusione",
        "report.title": "{clinic}: rapporto settimanale {week}",
        "report.period": "dal {start} al {end}",
        "report.volume": "Volume",
        "report.total": "Menzioni questa settimana: {total} (settimana precedente: {previous})",
        "report.sentiment": "Sentimento",
        "report.kinds": "Tipi",
        "report.topics": "Argomenti",
        "report.response": "Tempi di risposta",
        "report.response_line": "Risposte a {answered} su {needing} menzioni che richiedevano risposta; "
        "mediana {median}, 90° percentile {p90}; oltre l'obiettivo di {sla} ore: {late}.",
        "report.top_complaints": "Reclami principali",
        "report.sources": "Stato delle fonti",
        "report.none": "Nessuno questa settimana.",
        "report.col.source": "Fonte",
        "report.col.kind": "Tipo",
        "report.col.mentions": "Menzioni nella settimana",
        "report.col.last_success": "Ultimo successo",
        "report.col.error": "Ultimo errore",
        "report.col.failures": "Errori consecutivi",
        "report.na": "n.d.",
        "report.subject": "[ClinicWatch] Rapporto settimanale {week}",
    },
}


def text(language: str, key: str, **values: Any) -> str:
    """A catalogue string in `language` (English when missing), with values filled in."""
    template = CATALOGUE.get(language, CATALOGUE["en"]).get(key) or CATALOGUE["en"][key]
    return template.format(**values)


def reason_names(language: str, reasons: list[str]) -> str:
    return ", ".join(text(language, f"reason.{r}") if f"reason.{r}" in CATALOGUE["en"] else r for r in reasons)


def _vocabulary(prefix: str, value: str | None, language: str) -> str:
    return vocabulary_label(prefix, value, language) if value else "-"


def topic_names(language: str, topics: list[str]) -> str:
    return ", ".join(vocabulary_label("topic", topic, language) for topic in topics)


@dataclass(slots=True)
class Message:
    """One alert rendered in one language, ready for any channel to format."""

    subject: str
    intro: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    excerpt: str = ""  # the mention's own words: plain text, escaped by every channel that needs it
    link: str | None = None
    link_label: str = ""
    critical: bool = False


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def render(payload: dict[str, Any], language: str) -> Message:
    """Turn a recorded alert payload into a Message in `language`."""
    rule, data, critical = payload["rule"], payload["data"], payload.get("critical", False)
    if rule.startswith("spike"):
        values = dict(
            count=data["count"],
            negative=data.get("negative", 0),
            window=_number(data["window_hours"]),
            baseline=_number(data["baseline"]) if rule == "spike_volume" else _number(data["baseline"] * 100),
            share=_number(data["value"] * 100),
        )
        return Message(text(language, f"subject.{rule}", **values), text(language, f"intro.{rule}", **values))
    reasons = reason_names(language, data.get("urgency_reasons", []))
    hours = _number(data.get("sla_hours", 0))
    if rule == "urgent":
        subject_key = "subject.urgent_critical" if critical else "subject.urgent"
        subject = text(language, subject_key, source=data["source_name"], reasons=reasons)
        intro = text(language, "intro.urgent")
    else:
        subject = text(language, "subject.sla", source=data["source_name"], hours=hours)
        intro = text(language, "intro.sla", hours=hours)
    facts = [
        (text(language, "label.source"), data["source_name"]),
        (text(language, "label.published"), (data.get("published_at") or "")[:16].replace("T", " ") + " UTC"),
        (text(language, "label.urgency"), f"{data.get('urgency', 0):.2f}"),
        (text(language, "label.reasons"), reasons or "-"),
        (text(language, "label.kind"), _vocabulary("kind", data.get("kind"), language)),
        (text(language, "label.sentiment"), _vocabulary("sentiment", data.get("sentiment"), language)),
        (text(language, "label.topics"), topic_names(language, data.get("topics") or []) or "-"),
    ]
    excerpt = visible_controls("\n".join(part for part in (data.get("title") or "", data.get("text") or "") if part))
    url = visible_href(data.get("url") or "")
    link = url if url.startswith(("https://", "http://")) else None  # never javascript: or data: links
    return Message(subject, intro, facts, excerpt, link, text(language, "label.open"), critical)


def digest_subject(language: str, count: int) -> str:
    return text(language, "subject.digest", count=count)
