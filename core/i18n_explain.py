"""Texts of the Inbox's explanations (why the analysis decided, its confidence, "needs a human look"), merged
into core.i18n.CATALOGUE. key: (en, pl, it)."""
from __future__ import annotations

EXPLAIN_CATALOGUE: dict[str, tuple[str, str, str]] = {
    "why_title": ("Why", "Dlaczego", "Perché"),
    "why_kind": ("Kind", "Rodzaj", "Tipo"),
    "why_topics": ("Topics", "Tematy", "Argomenti"),
    "by_rule": ("rule", "reguła", "regola"),
    "learned_from": (
        "learned from {n} staff-labelled mentions",
        "nauczone na {n} wzmiankach oznaczonych przez personel",
        "appreso da {n} menzioni etichettate dallo staff",
    ),
    "confidence": ("Confidence {value}", "Pewność {value}", "Affidabilità {value}"),
    "confidence_unknown": (
        "Confidence not recorded (analysed before explanations were stored)",
        "Pewność nie została zapisana (analiza sprzed zapisywania wyjaśnień)",
        "Affidabilità non registrata (analizzata prima che si salvassero le spiegazioni)",
    ),
    "needs_look": ("needs a human look", "wymaga sprawdzenia przez człowieka", "da verificare da una persona"),
    "f_needs_look": (
        "Needs a human look (confidence below {threshold})",
        "Wymaga sprawdzenia (pewność poniżej {threshold})",
        "Da verificare (affidabilità sotto {threshold})",
    ),
}
