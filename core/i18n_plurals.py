"""Texts that show a count, in every plural form of their language (core.i18n.tn picks the form).

key -> (English forms (one, other), Polish forms (one, few, many), Italian forms (one, other)).
Polish: 1 → one; 2–4, 22–24, 32–34… (not 12–14) → few; everything else (0, 5–21, 25…) → many.
"""
from __future__ import annotations

PluralForms = tuple[tuple[str, str], tuple[str, str, str], tuple[str, str]]

PLURAL_CATALOGUE: dict[str, PluralForms] = {
    "queue_count": (
        ("{count} mention matches", "{count} mentions match"),
        ("{count} pasująca wzmianka", "{count} pasujące wzmianki", "{count} pasujących wzmianek"),
        ("{count} menzione corrisponde", "{count} menzioni corrispondono"),
    ),
    "ago_minutes": (
        ("{count} min ago", "{count} min ago"),
        ("{count} minutę temu", "{count} minuty temu", "{count} minut temu"),
        ("{count} minuto fa", "{count} minuti fa"),
    ),
    "ago_hours": (
        ("{count} hour ago", "{count} hours ago"),
        ("{count} godzinę temu", "{count} godziny temu", "{count} godzin temu"),
        ("{count} ora fa", "{count} ore fa"),
    ),
    "ago_days": (
        ("{count} day ago", "{count} days ago"),
        ("{count} dzień temu", "{count} dni temu", "{count} dni temu"),
        ("{count} giorno fa", "{count} giorni fa"),
    ),
    "replied_refused_lint": (
        ("Not marked replied: the reply has 1 problem shown above. Fix it, or an admin can override with a reason.",
         "Not marked replied: the reply has {count} problems shown above. Fix them, or an admin can override with a "
         "reason."),
        ("Nie oznaczono jako odpowiedziane: odpowiedź ma {count} problem pokazany powyżej. Popraw go albo "
         "administrator może go zatwierdzić z uzasadnieniem.",
         "Nie oznaczono jako odpowiedziane: odpowiedź ma {count} problemy pokazane powyżej. Popraw je albo "
         "administrator może je zatwierdzić z uzasadnieniem.",
         "Nie oznaczono jako odpowiedziane: odpowiedź ma {count} problemów pokazanych powyżej. Popraw je albo "
         "administrator może je zatwierdzić z uzasadnieniem."),
        ("Non segnata come risposta: la risposta ha 1 problema indicato sopra. Lo corregga, oppure un "
         "amministratore può approvarla con una motivazione.",
         "Non segnata come risposta: la risposta ha {count} problemi indicati sopra. Li corregga, oppure un "
         "amministratore può approvarla con una motivazione."),
    ),
    "post_refused_lint": (
        ("Not posted: fix the problem shown above first, or an admin can override with a reason.",
         "Not posted: fix the {count} problems shown above first, or an admin can override with a reason."),
        ("Nie opublikowano: najpierw popraw {count} problem pokazany powyżej albo administrator może go "
         "zatwierdzić z uzasadnieniem.",
         "Nie opublikowano: najpierw popraw {count} problemy pokazane powyżej albo administrator może je "
         "zatwierdzić z uzasadnieniem.",
         "Nie opublikowano: najpierw popraw {count} problemów pokazanych powyżej albo administrator może je "
         "zatwierdzić z uzasadnieniem."),
        ("Non pubblicata: correggi prima il problema indicato sopra, oppure un amministratore può approvarla con "
         "una motivazione.",
         "Non pubblicata: correggi prima i {count} problemi indicati sopra, oppure un amministratore può "
         "approvarla con una motivazione."),
    ),
    # alert messages (alerts/messages.py)
    "subject.digest": (
        ("[ClinicWatch] 1 alert", "[ClinicWatch] {count} alerts"),
        ("[ClinicWatch] {count} alert", "[ClinicWatch] {count} alerty", "[ClinicWatch] {count} alertów"),
        ("[ClinicWatch] 1 avviso", "[ClinicWatch] {count} avvisi"),
    ),
    "intro.spike_volume": (
        ("{count} mention in the last {window} h; the usual level is {baseline}.",
         "{count} mentions in the last {window} h; the usual level is {baseline}."),
        ("{count} wzmianka w ciągu ostatnich {window} godz.; zwykle {baseline}.",
         "{count} wzmianki w ciągu ostatnich {window} godz.; zwykle {baseline}.",
         "{count} wzmianek w ciągu ostatnich {window} godz.; zwykle {baseline}."),
        ("{count} menzione nelle ultime {window} ore; il livello abituale è {baseline}.",
         "{count} menzioni nelle ultime {window} ore; il livello abituale è {baseline}."),
    ),
}
