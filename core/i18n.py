"""The one translation catalogue of the dashboard, alert e-mails and reports: every text in English, Polish and
Italian (the alerts' and the explanations' texts live in i18n_alerts.py and i18n_explain.py, merged here)."""
from __future__ import annotations

from core.i18n_alerts import ALERT_CATALOGUE
from core.i18n_explain import EXPLAIN_CATALOGUE
from core.i18n_inbox import INBOX_CATALOGUE
from core.i18n_plurals import PLURAL_CATALOGUE

LANGUAGES: tuple[str, ...] = ("en", "pl", "it")
LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "it": "Italiano"}

# key: (en, pl, it)
CATALOGUE: dict[str, tuple[str, str, str]] = {
    # navigation and frame
    "app_title": ("ClinicWatch", "ClinicWatch", "ClinicWatch"),
    "page_inbox": ("Inbox", "Skrzynka", "Posta in arrivo"),
    "page_trends": ("Trends", "Trendy", "Tendenze"),
    "page_sources": ("Sources", "Źródła", "Fonti"),
    "page_settings": ("Settings", "Ustawienia", "Impostazioni"),
    "navigation": ("Page", "Strona", "Pagina"),
    "ui_language": ("Language", "Język", "Lingua"),
    "signed_in_as": ("Signed in as {name} ({role})", "Zalogowano jako {name} ({role})", "Accesso come {name} ({role})"),
    "reads_from": ("Config: {config} · database: {database}", "Konfiguracja: {config} · baza: {database}", "Configurazione: {config} · database: {database}"),
    "reads_demo": ("Demo data (bundled offline sources), not a real install.", "Dane demonstracyjne (dołączone źródła offline), nie prawdziwa instalacja.", "Dati demo (fonti offline incluse), non un'installazione reale."),
    "logout": ("Log out", "Wyloguj", "Esci"),
    "login": ("Log in", "Zaloguj", "Accedi"),
    "username": ("Username", "Nazwa użytkownika", "Nome utente"),
    "password": ("Password", "Hasło", "Password"),
    "login_failed": ("Wrong username or password.", "Błędna nazwa użytkownika lub hasło.", "Nome utente o password errati."),
    "login_locked": (
        "Too many failed logins: try again in {seconds} s.",
        "Zbyt wiele nieudanych logowań: spróbuj ponownie za {seconds} s.",
        "Troppi accessi falliti: riprova tra {seconds} s.",
    ),
    "account_removed": (
        "Your account no longer exists: you have been signed out.",
        "Twoje konto już nie istnieje: zostałeś wylogowany.",
        "Il tuo account non esiste più: sei stato disconnesso.",
    ),
    "demo_mode": (
        "Demo mode without login (bound to localhost only).",
        "Tryb demo bez logowania (tylko localhost).",
        "Modalità demo senza accesso (solo localhost).",
    ),
    "login_required": (
        "No users file ({path}) and the server is not bound to localhost: add a user with "
        "`python -m clinicwatch add-user` or run with --server.address 127.0.0.1.",
        "Brak pliku użytkowników ({path}), a serwer nie jest ograniczony do localhost: dodaj użytkownika "
        "`python -m clinicwatch add-user` lub uruchom z --server.address 127.0.0.1.",
        "Nessun file utenti ({path}) e il server non è limitato a localhost: aggiungi un utente con "
        "`python -m clinicwatch add-user` o avvia con --server.address 127.0.0.1.",
    ),
    "config_error": ("Configuration problem: {error}", "Problem z konfiguracją: {error}", "Problema di configurazione: {error}"),
    "not_allowed": ("Your role cannot open this page.", "Twoja rola nie ma dostępu do tej strony.", "Il tuo ruolo non può aprire questa pagina."),
    "role_staff": ("staff", "personel", "staff"),
    "role_manager": ("manager", "kierownik", "responsabile"),
    "role_admin": ("admin", "administrator", "amministratore"),
    # filters
    "filters": ("Filters", "Filtry", "Filtri"),
    "f_source": ("Source", "Źródło", "Fonte"),
    "f_language": ("Language of mention", "Język wzmianki", "Lingua della menzione"),
    "f_kind": ("Kind", "Rodzaj", "Tipo"),
    "f_topic": ("Topic", "Temat", "Argomento"),
    "f_sentiment": ("Sentiment", "Wydźwięk", "Sentiment"),
    "f_status": ("Status", "Status", "Stato"),
    "f_assignee": ("Assignee", "Przypisane do", "Assegnatario"),
    "f_anyone": ("anyone", "ktokolwiek", "chiunque"),
    "f_choose": ("Any", "Dowolne", "Qualsiasi"),
    "f_unassigned": ("unassigned", "nieprzypisane", "non assegnato"),
    "f_dates": ("Published between", "Opublikowano między", "Pubblicato tra"),
    "f_search": ("Search text", "Szukaj w treści", "Cerca nel testo"),
    # inbox
    "page_of": ("Page {page} of {pages}", "Strona {page} z {pages}", "Pagina {page} di {pages}"),
    "prev": ("Previous", "Poprzednia", "Precedente"),
    "next": ("Next", "Następna", "Successiva"),
    "open": ("Open", "Otwórz", "Apri"),
    "mention_link_unknown": ("The linked mention ({id}) does not exist (it may have been deleted by retention).",
                             "Wspomnienie z linku ({id}) nie istnieje (mogło zostać usunięte po okresie przechowywania).",
                             "La menzione del link ({id}) non esiste (potrebbe essere stata eliminata dalla conservazione)."),
    "empty_queue": ("Nothing needs attention.", "Nic nie wymaga uwagi.", "Niente richiede attenzione."),
    "urgency": ("urgency {value}", "pilność {value}", "urgenza {value}"),
    "author": ("Author", "Autor", "Autore"),
    "reach": ("Reach", "Zasięg", "Portata"),
    "score_comments": ("score {score}, comments {comments}", "punkty {score}, komentarze {comments}", "punteggio {score}, commenti {comments}"),
    "original": ("Open the original", "Otwórz oryginał", "Apri l'originale"),
    "thread": ("Thread", "Wątek", "Discussione"),
    "thread_context": ("Other posts in this thread", "Inne wpisy w tym wątku", "Altri messaggi della discussione"),
    "suggested_reply": ("Suggested reply", "Proponowana odpowiedź", "Risposta suggerita"),
    "variants": ("Other variants", "Inne warianty", "Altre varianti"),
    "no_suggestion": ("No suggested reply available.", "Brak proponowanej odpowiedzi.", "Nessuna risposta suggerita."),
    "edit_reply": ("Edit the reply", "Edytuj odpowiedź", "Modifica la risposta"),
    "lint_ok": ("The reply passes every rule.", "Odpowiedź spełnia wszystkie zasady.", "La risposta rispetta tutte le regole."),
    "lint_finding": ("{reason}", "{reason}", "{reason}"),
    "lint_words": ("{reason} At fault: {words}.", "{reason} Problem: {words}.", "{reason} Da correggere: {words}."),
    "lint_instead": ("Write instead: {text}", "Zamiast tego: {text}", "Scriva invece: {text}"),
    "lint_preview": ("Preview (problems highlighted)", "Podgląd (problemy podświetlone)", "Anteprima (problemi evidenziati)"),
    "lint_names_condition": (
        "Names a health condition, symptom or treatment of the person in public.",
        "Publicznie wymienia chorobę, objaw lub leczenie tej osoby.",
        "Nomina in pubblico una malattia, un sintomo o una cura della persona.",
    ),
    "lint_record_lookup": (
        "Says something only the clinic's records could tell (a visit, a date, a doctor, a result).",
        "Zawiera informacje, które mogą pochodzić tylko z dokumentacji (wizyta, data, lekarz, wynik).",
        "Riporta informazioni che solo la documentazione può dare (visita, data, medico, risultato).",
    ),
    "lint_confirms_patient": (
        "Confirms that the person is or was a patient.",
        "Potwierdza, że ta osoba jest lub była pacjentem.",
        "Conferma che la persona è o è stata un paziente.",
    ),
    "lint_medical_advice": (
        "Gives medical advice, a dose or an explanation of symptoms; a public reply must not.",
        "Zawiera poradę medyczną, dawkowanie lub wyjaśnienie objawów; publiczna odpowiedź nie może.",
        "Contiene un consiglio medico, un dosaggio o una spiegazione dei sintomi; una risposta pubblica non deve.",
    ),
    "lint_asks_health_data": (
        "Asks in public for health details or an ID number; invite the person to a private channel instead.",
        "Prosi publicznie o dane o zdrowiu lub numer identyfikacyjny; należy zaprosić do kanału prywatnego.",
        "Chiede in pubblico dati sulla salute o un codice identificativo; inviti invece a un canale privato.",
    ),
    "lint_promises_outcome": (
        "Promises healing or an outcome the clinic cannot guarantee.",
        "Obiecuje wyleczenie lub wynik, którego placówka nie może zagwarantować.",
        "Promette una guarigione o un risultato che la struttura non può garantire.",
    ),
    "lint_personal_data": (
        "Contains personal data (a name, ID number, phone or e-mail) that is not one of the clinic's channels.",
        "Zawiera dane osobowe (nazwisko, PESEL, telefon, e-mail) inne niż kanały placówki.",
        "Contiene dati personali (nome, codice fiscale, telefono, e-mail) diversi dai canali della struttura.",
    ),
    "lint_impolite": ("Impolite or dismissive wording.", "Niegrzeczne lub lekceważące sformułowanie.", "Formulazione scortese o sbrigativa."),
    "lint_too_long": (
        "Too long for a public reply; keep it short and move the conversation to a private channel.",
        "Za długa jak na publiczną odpowiedź; należy ją skrócić i przenieść rozmowę do kanału prywatnego.",
        "Troppo lunga per una risposta pubblica; la accorci e sposti la conversazione su un canale privato.",
    ),
    "lint_second_opinion": (
        "The learned check (trained on the team's examples) thinks this reply may expose a patient; reword it.",
        "Wyuczony model (trenowany na przykładach zespołu) ocenia, że ta odpowiedź może ujawniać dane pacjenta; przeredaguj ją.",
        "Il modello appreso (addestrato sugli esempi del team) ritiene che la risposta possa esporre un paziente; la riformuli.",
    ),
    "press_escalate": (
        "A press enquiry: the reply only points to the press office. Escalate this mention to the press team.",
        "Pytanie od mediów: odpowiedź wskazuje tylko biuro prasowe. Eskaluj ten wpis do zespołu prasowego.",
        "Richiesta della stampa: la risposta indica solo l'ufficio stampa. Inoltri questa menzione al team stampa.",
    ),
    "second_opinion_off": (
        "Only the rules checked this reply: the learned second opinion has no corpus ({path}).",
        "Odpowiedź sprawdziły tylko reguły: model nie ma korpusu ({path}).",
        "La risposta è stata controllata solo dalle regole: il modello non ha un corpus ({path}).",
    ),
    "override_reason": (
        "Admin override: why this reply may be published despite the problems",
        "Zatwierdzenie administratora: dlaczego tę odpowiedź można opublikować mimo problemów",
        "Approvazione dell'amministratore: perché questa risposta può essere pubblicata nonostante i problemi",
    ),
    "override_admin_only": (
        "Only an admin may override the linter.",
        "Tylko administrator może pominąć wynik sprawdzenia.",
        "Solo un amministratore può ignorare il controllo.",
    ),
    "post_empty": ("Write a reply before posting.", "Napisz odpowiedź przed publikacją.", "Scrivi una risposta prima di pubblicarla."),
    "posted_not_marked": (
        "Posted to {platform} but not marked replied: {error}",
        "Opublikowano w serwisie {platform}, ale nie oznaczono jako odpowiedziane: {error}",
        "Pubblicata su {platform} ma non segnata come risposta: {error}",
    ),
    "missing_credentials": (
        "Missing credentials: set {names} in the collector's environment (see the README).",
        "Brak danych dostępowych: ustaw {names} w środowisku kolektora (zob. README).",
        "Credenziali mancanti: imposta {names} nell'ambiente del collettore (vedi il README).",
    ),
    "owner_reply": ("Owner's reply", "Odpowiedź właściciela", "Risposta del titolare"),
    "post_to_platform": ("Post this reply to {platform}", "Opublikuj tę odpowiedź w serwisie {platform}",
                         "Pubblica questa risposta su {platform}"),
    "post_failed_platform": ("Not posted to {platform}: {error}", "Nie opublikowano w serwisie {platform}: {error}",
                             "Non pubblicata su {platform}: {error}"),
    "posted_to_platform": ("Posted to {platform}: {url}", "Opublikowano w serwisie {platform}: {url}",
                           "Pubblicata su {platform}: {url}"),
    "actions": ("Actions", "Działania", "Azioni"),
    "posted_url": ("Link of the posted reply (optional)", "Link do opublikowanej odpowiedzi (opcjonalnie)", "Link della risposta pubblicata (facoltativo)"),
    "mark_replied": ("Mark replied", "Odpowiedziano", "Segna come risposto"),
    "escalate": ("Escalate", "Eskaluj", "Inoltra"),
    "start_review": ("Start review", "Rozpocznij", "Prendi in carico"),
    "dismiss": ("Dismiss", "Odrzuć", "Archivia"),
    "dismiss_reason": ("Reason for dismissing", "Powód odrzucenia", "Motivo dell'archiviazione"),
    "assign_to": ("Assign to", "Przypisz do", "Assegna a"),
    "assign": ("Assign", "Przypisz", "Assegna"),
    "note": ("Note", "Notatka", "Nota"),
    "add_note": ("Add note", "Dodaj notatkę", "Aggiungi nota"),
    "history": ("History", "Historia", "Cronologia"),
    "text_cut": ("Showing the first {shown} of {total} characters; the whole text is in the original.",
                 "Pokazano pierwsze {shown} z {total} znaków; cały tekst jest w oryginale.",
                 "Mostrati i primi {shown} di {total} caratteri; il testo completo è nell'originale."),
    "history_at": ("When", "Kiedy", "Quando"),
    "history_who": ("Who", "Kto", "Chi"),
    "history_what": ("What", "Co", "Cosa"),
    "history_detail": ("Details", "Szczegóły", "Dettagli"),
    "assigned_to": ("Assigned to", "Przypisane do", "Assegnata a"),
    "corrections": ("Correct the labels", "Popraw etykiety", "Correggi le etichette"),
    "save_labels": ("Save labels", "Zapisz etykiety", "Salva etichette"),
    "done": ("Saved.", "Zapisano.", "Salvato."),
    "action_failed": ("Not saved: {error}", "Nie zapisano: {error}", "Non salvato: {error}"),
    "export": ("Export", "Eksport", "Esporta"),
    "export_csv": ("Download CSV", "Pobierz CSV", "Scarica CSV"),
    "export_xlsx": ("Download XLSX", "Pobierz XLSX", "Scarica XLSX"),
    "export_real_authors": ("Include real author names", "Dołącz prawdziwe nazwy autorów", "Includi i nomi reali degli autori"),
    # trends
    "bucket": ("Period", "Okres", "Periodo"),
    "bucket_day": ("day", "dzień", "giorno"),
    "bucket_week": ("week", "tydzień", "settimana"),
    "group_by": ("Break down by", "Podział według", "Suddividi per"),
    "g_source": ("source", "źródło", "fonte"),
    "g_language": ("language", "język", "lingua"),
    "g_topic": ("topic", "temat", "argomento"),
    "g_sentiment": ("sentiment", "wydźwięk", "sentiment"),
    "g_kind": ("kind", "rodzaj", "tipo"),
    "g_term": ("location / doctor", "placówka / lekarz", "sede / medico"),
    "volume": ("Volume", "Liczba wzmianek", "Volume"),
    "sentiment_over_time": ("Sentiment over time", "Wydźwięk w czasie", "Sentiment nel tempo"),
    "complaint_share": ("Complaint share", "Udział skarg", "Quota di reclami"),
    "brand_health": ("Brand Health Index", "Indeks kondycji marki", "Indice di salute del marchio"),
    "median_response": ("Median time to first response", "Mediana czasu do pierwszej odpowiedzi", "Tempo mediano alla prima risposta"),
    "p90_response": ("90th percentile time to first response", "90. percentyl czasu do pierwszej odpowiedzi", "90° percentile del tempo alla prima risposta"),
    "hours": ("{value} h", "{value} godz.", "{value} h"),
    "volume_by": ("Volume ({bucket})", "Liczba wzmianek ({bucket})", "Volume ({bucket})"),
    "daily_spikes": ("Daily volume and spikes", "Dzienna liczba wzmianek i skoki", "Volume giornaliero e picchi"),
    "multi_count_note": (
        "A mention with several {groups} is counted once under each, so the bars can add up to more than the {total} mentions.",
        "Wzmianka z kilkoma wartościami ({groups}) liczy się raz przy każdej, więc słupki mogą dać więcej niż {total} wzmianek.",
        "Una menzione con più valori ({groups}) conta una volta per ciascuno, quindi le barre possono superare le {total} menzioni.",
    ),
    "total_mentions": ("Mentions", "Wzmianki", "Menzioni"),
    "spikes": ("Spikes: {days}", "Skoki: {days}", "Picchi: {days}"),
    "no_spikes": ("No spikes in this period.", "Brak skoków w tym okresie.", "Nessun picco in questo periodo."),
    "avg_rating": ("Average star rating", "Średnia ocena (gwiazdki)", "Valutazione media (stelle)"),
    "rating_by": ("Rating by", "Ocena według", "Valutazione per"),
    "rating_by_all": ("all rated reviews", "wszystkie ocenione opinie", "tutte le recensioni con voto"),
    "rating_by_location": ("location", "placówka", "sede"),
    "rating_by_doctor": ("doctor", "lekarz", "medico"),
    "rating_average": ("average", "średnia", "media"),
    "rating_count": ("ratings", "ocen", "valutazioni"),
    "ratings_based_on": (
        "{average} ★ on average from {count} rating(s) in this period. Only reviews with stars (1–5) count; "
        "each point's tooltip says how many ratings it rests on.",
        "Średnio {average} ★ z {count} ocen w tym okresie. Liczą się tylko opinie z gwiazdkami (1–5); "
        "podpowiedź przy każdym punkcie mówi, na ilu ocenach się opiera.",
        "In media {average} ★ da {count} valutazioni in questo periodo. Contano solo le recensioni con stelle "
        "(1–5); il suggerimento di ogni punto dice su quante valutazioni si basa.",
    ),
    "no_ratings": ("No rated reviews in this period.", "Brak ocenionych opinii w tym okresie.",
                   "Nessuna recensione con voto in questo periodo."),
    "download_csv": ("Download data (CSV)", "Pobierz dane (CSV)", "Scarica i dati (CSV)"),
    "no_data": ("No mentions in this period.", "Brak wzmianek w tym okresie.", "Nessuna menzione in questo periodo."),
    # sources
    "last_success": ("Last success", "Ostatni sukces", "Ultimo successo"),
    "last_error": ("Last error", "Ostatni błąd", "Ultimo errore"),
    "failures": ("Consecutive failures", "Kolejne błędy", "Errori consecutivi"),
    "items": ("Items (last run / total)", "Elementy (ostatnio / razem)", "Elementi (ultimo / totale)"),
    "dropped": ("Not stored, by reason (last run / total)", "Niezapisane, wg powodu (ostatnio / razem)",
                "Non salvati, per motivo (ultimo / totale)"),
    "source_note": ("Note", "Uwaga", "Nota"),
    "enabled": ("Enabled", "Włączone", "Attiva"),
    "run_now": ("Run now", "Uruchom teraz", "Esegui ora"),
    "run_queued": (
        "Run requested at {when}; the collector runs it within a few seconds and the result shows here.",
        "Uruchomienie zlecone o {when}; kolektor wykona je w ciągu kilku sekund, a wynik pojawi się tutaj.",
        "Esecuzione richiesta alle {when}; il collettore la esegue entro pochi secondi e il risultato appare qui.",
    ),
    "collector_idle": (
        "No collector is running (last seen: {when}). Start one with `python -m clinicwatch run` to carry out the request.",
        "Kolektor nie działa (ostatnio: {when}). Uruchom go poleceniem `python -m clinicwatch run`, aby wykonać zlecenie.",
        "Nessun collettore è attivo (ultima volta: {when}). Avvialo con `python -m clinicwatch run` per eseguire la richiesta.",
    ),
    "last_run_ok": (
        "Last run {when}: {seen} items read, {new} new.",
        "Ostatnie uruchomienie {when}: odczytano {seen}, nowych {new}.",
        "Ultima esecuzione {when}: {seen} elementi letti, {new} nuovi.",
    ),
    "never": ("never", "nigdy", "mai"),
    "not_in_store": ("Not run yet.", "Jeszcze nie uruchomione.", "Non ancora eseguita."),
    # settings
    "brand_names": ("Brand names (one per line)", "Nazwy marki (jedna w wierszu)", "Nomi del marchio (uno per riga)"),
    "aliases": ("Aliases", "Aliasy", "Alias"),
    "doctors": ("Doctors", "Lekarze", "Medici"),
    "locations": ("Locations", "Placówki", "Sedi"),
    "exclusions": ("Exclusions", "Wykluczenia", "Esclusioni"),
    "channels": ("Official channels, per language", "Oficjalne kanały, dla każdego języka", "Canali ufficiali, per lingua"),
    "channels_toml": ("Channels as written in the config file (TOML)", "Kanały tak, jak zapisano je w pliku konfiguracji (TOML)",
                      "Canali come sono scritti nel file di configurazione (TOML)"),
    "channel_hotline": ("Hotline (phone)", "Infolinia (telefon)", "Numero verde / centralino"),
    "channel_whatsapp": ("WhatsApp link", "Link do WhatsApp", "Link WhatsApp"),
    "channel_messenger": ("Messenger link", "Link do Messengera", "Link Messenger"),
    "channel_email": ("E-mail", "E-mail", "E-mail"),
    "channel_complaints_email": ("Complaints e-mail", "E-mail do skarg", "E-mail per i reclami"),
    "channel_contact_form": ("Contact form (URL)", "Formularz kontaktowy (URL)", "Modulo di contatto (URL)"),
    "channel_booking": ("Booking page (URL)", "Strona rejestracji wizyt (URL)", "Pagina di prenotazione (URL)"),
    "channel_portal_help": ("Patient portal help (URL)", "Pomoc portalu pacjenta (URL)", "Assistenza portale pazienti (URL)"),
    "channel_press_email": ("Press office e-mail", "E-mail biura prasowego", "E-mail ufficio stampa"),
    "channel_press_phone": ("Press office phone", "Telefon biura prasowego", "Telefono ufficio stampa"),
    "channel_emergency_number": ("Emergency number (default 112)", "Numer alarmowy (domyślnie 112)",
                                 "Numero di emergenza (predefinito 112)"),
    "templates": ("Reply templates", "Szablony odpowiedzi", "Modelli di risposta"),
    "template_language": ("Template language", "Język szablonów", "Lingua dei modelli"),
    "template_is_default": (
        "Shipped default templates; saving creates the clinic's own copy.",
        "Domyślne szablony; zapis utworzy własną kopię placówki.",
        "Modelli predefiniti; il salvataggio crea la copia della clinica.",
    ),
    "template_is_override": (
        "The clinic's own templates (the shipped ones are used again after a reset).",
        "Własne szablony placówki (po przywróceniu wracają domyślne).",
        "Modelli propri della clinica (dopo il ripristino tornano quelli predefiniti).",
    ),
    "template_text": ("Templates (TOML)", "Szablony (TOML)", "Modelli (TOML)"),
    "template_validate": ("Validate", "Sprawdź", "Verifica"),
    "template_save": ("Save templates", "Zapisz szablony", "Salva modelli"),
    "template_reset": ("Reset to default", "Przywróć domyślne", "Ripristina predefiniti"),
    "template_valid": ("The templates are valid.", "Szablony są poprawne.", "I modelli sono validi."),
    "template_invalid": ("Problem found: {error}", "Znaleziono problem: {error}", "Problema trovato: {error}"),
    "template_not_saved": (
        "Not saved, nothing changed: {error}",
        "Nie zapisano, nic nie zmieniono: {error}",
        "Non salvato, nulla è cambiato: {error}",
    ),
    "template_saved": (
        "Templates ({language}) saved; previous version backed up as {backup}.",
        "Zapisano szablony ({language}); poprzednia wersja w kopii {backup}.",
        "Modelli ({language}) salvati; versione precedente in copia {backup}.",
    ),
    "template_reset_done": (
        "Templates ({language}) reset to the default; the clinic's version backed up as {backup}.",
        "Przywrócono domyślne szablony ({language}); wersja placówki w kopii {backup}.",
        "Modelli ({language}) ripristinati ai predefiniti; versione della clinica in copia {backup}.",
    ),
    "users": ("Users", "Użytkownicy", "Utenti"),
    "save_settings": ("Validate and save", "Sprawdź i zapisz", "Verifica e salva"),
    "settings_saved": ("Saved; backup at {backup}.", "Zapisano; kopia w {backup}.", "Salvato; copia in {backup}."),
    "settings_invalid": ("Not saved, nothing changed: {error}", "Nie zapisano, nic nie zmieniono: {error}", "Non salvato, nulla è cambiato: {error}"),
    "no_config_file": ("The configuration has no file to write to.", "Konfiguracja nie ma pliku do zapisu.", "La configurazione non ha un file da scrivere."),
    "add_user": ("Add user", "Dodaj użytkownika", "Aggiungi utente"),
    "full_name": ("Full name", "Imię i nazwisko", "Nome e cognome"),
    "role": ("Role", "Rola", "Ruolo"),
    "user_added": ("User {username} added.", "Dodano użytkownika {username}.", "Utente {username} aggiunto."),
    "manage_user": ("User", "Użytkownik", "Utente"),
    "new_password": ("New password", "Nowe hasło", "Nuova password"),
    "reset_password": ("Set new password", "Ustaw nowe hasło", "Imposta nuova password"),
    "remove_user": ("Remove user", "Usuń użytkownika", "Rimuovi utente"),
    "password_reset_done": ("New password set for {username}.", "Ustawiono nowe hasło dla {username}.", "Nuova password impostata per {username}."),
    "user_removed": ("User {username} removed.", "Usunięto użytkownika {username}.", "Utente {username} rimosso."),
    # urgency reasons (core.labels.URGENCY_REASONS)
    "urgency_reasons": ("Why urgent", "Dlaczego pilne", "Perché è urgente"),
    "reason_legal_threat": ("legal threat", "groźba prawna", "minaccia legale"),
    "reason_press": ("press", "prasa", "stampa"),
    "reason_health_risk": ("health risk", "zagrożenie zdrowia", "rischio per la salute"),
    "reason_strong_negative": ("very negative", "bardzo negatywne", "molto negativo"),
    "reason_high_reach": ("high reach", "duży zasięg", "grande diffusione"),
    # statuses and labels
    "status_new": ("new", "nowe", "nuovo"),
    "status_in_review": ("in review", "w trakcie", "in revisione"),
    "status_replied": ("replied", "odpowiedziane", "risposto"),
    "status_escalated": ("escalated", "eskalowane", "inoltrato"),
    "status_dismissed": ("dismissed", "odrzucone", "archiviato"),
    "kind_complaint": ("complaint", "skarga", "reclamo"),
    "kind_question": ("question", "pytanie", "domanda"),
    "kind_praise": ("praise", "pochwała", "elogio"),
    "kind_other": ("other", "inne", "altro"),
    "sentiment_negative": ("negative", "negatywny", "negativo"),
    "sentiment_neutral": ("neutral", "neutralny", "neutro"),
    "sentiment_positive": ("positive", "pozytywny", "positivo"),
    "topic_appointments": ("appointments", "wizyty i terminy", "appuntamenti"),
    "topic_waiting_time": ("waiting time", "czas oczekiwania", "tempi di attesa"),
    "topic_staff_attitude": ("staff attitude", "podejście personelu", "atteggiamento del personale"),
    "topic_reaching_clinic": ("reaching the clinic", "kontakt z placówką", "contattare la clinica"),
    "topic_prices_billing": ("prices and billing", "ceny i rozliczenia", "prezzi e fatturazione"),
    "topic_results_records": ("results and records", "wyniki i dokumentacja", "referti e documentazione"),
    "topic_patient_account": ("patient account", "konto pacjenta", "account paziente"),
    "topic_services_offered": ("services offered", "oferowane usługi", "servizi offerti"),
    "topic_vaccinations": ("vaccinations", "szczepienia", "vaccinazioni"),
    "topic_location_hours": ("location and hours", "lokalizacja i godziny", "sede e orari"),
    "topic_quality_of_care": ("quality of care", "jakość opieki", "qualità delle cure"),
    "topic_other": ("other", "inne", "altro"),
}


CATALOGUE.update(ALERT_CATALOGUE)
CATALOGUE.update(EXPLAIN_CATALOGUE)
CATALOGUE.update(INBOX_CATALOGUE)


def t(key: str, lang: str = "en", **values: object) -> str:
    """The label for `key` in `lang` (English when the language is unknown), formatted with `values`."""
    entry = CATALOGUE[key]
    index = LANGUAGES.index(lang) if lang in LANGUAGES else 0
    text = entry[index]
    return text.format(**values) if values else text


def plural_index(lang: str, count: int) -> int:
    """Which plural form `count` takes in `lang`: English and Italian one/other; Polish one/few/many."""
    if lang == "pl":
        if count == 1:
            return 0
        return 1 if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14) else 2
    return 0 if count == 1 else 1


def tn(key: str, lang: str, count: int, **values: object) -> str:
    """The text for `key` in the plural form `count` takes in `lang` (English when the language is unknown)."""
    index = LANGUAGES.index(lang) if lang in LANGUAGES else 0
    forms = PLURAL_CATALOGUE[key][index]
    return forms[plural_index(LANGUAGES[index], count)].format(count=count, **values)


def label(prefix: str, value: str | None, lang: str) -> str:
    """Translate a vocabulary value (kind, sentiment, topic, status); unknown values pass through."""
    key = f"{prefix}_{value}"
    return t(key, lang) if key in CATALOGUE else str(value)
