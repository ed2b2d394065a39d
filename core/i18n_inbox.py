"""Texts of the Inbox's views and search messages: part of the one catalogue (core.i18n merges it).

Same shape as the dashboard's catalogue: key -> (en, pl, it). Texts with a count are in core/i18n_plurals.py.
"""
from __future__ import annotations

INBOX_CATALOGUE: dict[str, tuple[str, str, str]] = {
    "view": ("View", "Widok", "Vista"),
    "view_filters": ("Sidebar filters", "Filtry z panelu", "Filtri laterali"),
    "view_mine": ("My queue", "Moja kolejka", "La mia coda"),
    "view_unassigned": ("Unassigned", "Nieprzypisane", "Non assegnate"),
    "view_escalated": ("Escalated", "Eskalowane", "Inoltrate"),
    "view_waiting_patient": ("Waiting on the patient", "Czeka na pacjenta", "In attesa del paziente"),
    "view_done_today": ("Done today", "Załatwione dziś", "Chiuse oggi"),
    "view_with_count": ("{name} ({count})", "{name} ({count})", "{name} ({count})"),
    "view_sets_status": (
        "This view sets the status and assignee; the sidebar's other filters still narrow it.",
        "Ten widok ustala status i osobę przypisaną; pozostałe filtry z panelu nadal go zawężają.",
        "Questa vista fissa stato e assegnatario; gli altri filtri laterali la restringono ancora.",
    ),
    "view_empty": ("Nothing in this view.", "W tym widoku nic nie ma.", "Niente in questa vista."),
    "search_no_hits": (
        "Nothing matched the search “{search}”.",
        "Nic nie pasuje do wyszukiwania „{search}”.",
        "Nessun risultato per la ricerca «{search}».",
    ),
    "status_waiting_patient": ("waiting on the patient", "czeka na pacjenta", "in attesa del paziente"),
    "wait_patient": ("Waiting on patient", "Czekamy na pacjenta", "Attesa paziente"),
    "moved_escalated": (
        "Escalated: it left the open queue and is now in the “Escalated” view.",
        "Eskalowano: wzmianka zniknęła z otwartej kolejki i jest teraz w widoku „Eskalowane”.",
        "Inoltrata: è uscita dalla coda aperta e ora è nella vista «Inoltrate».",
    ),
    "moved_waiting_patient": (
        "Waiting on the patient: it is now in the “Waiting on the patient” view.",
        "Czekamy na pacjenta: wzmianka jest teraz w widoku „Czeka na pacjenta”.",
        "In attesa del paziente: ora è nella vista «In attesa del paziente».",
    ),
}
