"""A small demo-like config and database for the dashboard tests, built through Store.record_success."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.models import Analysis, Mention, TermMatch
from storage.store import Store, open_store

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_LINK = "[click](javascript:alert(1))"

CONFIG_TOML = """\
clinic_name = "Salus Medica"
languages = ["pl", "it", "en"]
database = "{database}"

[brand]
names = ["Salus Medica", "Salus"]
doctors = ["dr Anna Kowalska"]
locations = ["Salus Mokotów"]
exclusions = ["salus populi"]

[[sources]]
name = "forum-zdrowie"
kind = "feed"
url = "https://forum.example/feed.xml"
language = "pl"

[[sources]]
name = "clinic-reviews"
kind = "feed"
url = "https://reviews.example/feed.json"
language = "en"

[channels.pl]
hotline = "+48 22 100 20 30"
email = "kontakt@salusmedica.example"

[channels.en]
email = "contact@salusmedica.example"
"""

# (source, language, kind, sentiment, topics, urgency, hours ago, title, text)
ROWS = [
    ("forum-zdrowie", "pl", "complaint", "negative", ["waiting_time"], 0.9, 5,
     "Salus Medica – skandal", "Czekałem 3 godziny w Salus Mokotów, nikt nie odbiera telefonu. Pozew!"),
    ("clinic-reviews", "en", "question", "neutral", ["appointments"], 0.5, 30,
     "Booking at Salus", "How do I book a vaccination at Salus Medica for my kid?"),
    ("clinic-reviews", "en", "praise", "positive", ["staff_attitude"], 0.1, 50,
     "Great visit", "dr Anna Kowalska at Salus Medica was wonderful and kind."),
    ("forum-zdrowie", "pl", "complaint", "negative", ["prices_billing"], 0.6, 80,
     "Faktura", "Salus Medica policzyła mi dwa razy za to samo badanie."),
    ("clinic-reviews", "en", "complaint", "negative", ["reaching_clinic"], 0.4, 100,
     "Phone", "Salus never answers the phone, terrible."),
    ("clinic-reviews", "en", "other", "neutral", ["other"], 0.2, 120,
     "Salus XSS image", f"Salus Medica review {XSS_IMG} end"),
    ("clinic-reviews", "en", "other", "neutral", ["other"], 0.19, 140,
     "Salus XSS link", f"Salus Medica link {XSS_LINK} end"),
]


def _matches(title: str, text: str) -> list[TermMatch]:
    found = []
    for field, value in (("title", title), ("text", text)):
        for term, category in (("Salus Medica", "name"), ("dr Anna Kowalska", "doctor"), ("Salus Mokotów", "location")):
            start = value.find(term)
            if start >= 0:
                found.append(TermMatch(term, category, field, start, start + len(term)))
    return found


def build_demo(folder: Path, now: datetime | None = None, database_url: str | None = None) -> tuple[Path, Path]:
    """Write config.toml and a database with ROWS into `folder` (or into the PostgreSQL database at
    `database_url`, which the config then names); returns (config path, database path)."""
    now = now or datetime.now(UTC)
    database = folder / "data" / "dashboard.db"
    config_path = folder / "config.toml"
    text = CONFIG_TOML.format(database=database.as_posix())
    if database_url:
        text = text.replace("\n\n[brand]", f'\ndatabase_url = "{database_url}"\n\n[brand]', 1)
    config_path.write_text(text, encoding="utf-8")
    store = open_store(database_url or database)
    try:
        fill(store, now)
    finally:
        store.close()
    return config_path, database


def fill(store: Store, now: datetime) -> None:
    by_source: dict[str, list] = {}
    for i, (source, lang, kind, sentiment, topics, urgency, hours, title, text) in enumerate(ROWS):
        mention = Mention(
            source_kind="feed", source_name=source, external_id=f"item-{i}", url=f"https://{source}.example/{i}",
            text=text, title=title, author=f"user{i}", published_at=now - timedelta(hours=hours),
            language=lang, score=i * 3, comment_count=i, matches=_matches(title, text),
            thread_url=f"https://{source}.example/thread/{i % 2}", thread_title=f"Thread {i % 2}",
        )
        analysis = Analysis(lang, sentiment, -0.5 if sentiment == "negative" else 0.5, kind, topics, urgency, [])
        by_source.setdefault(source, []).append((mention, analysis))
    for source, items in by_source.items():
        store.ensure_source(source, "feed")
        store.record_success(source, items, {}, seen=len(items), at=now)


def add_xss_mentions(store: Store, now: datetime, source: str = "clinic-reviews") -> None:
    """Two hostile mentions (HTML and Markdown-link payloads) on top of any database."""
    items = []
    for i, (title, payload) in enumerate((("Salus XSS image", XSS_IMG), ("Salus XSS link", XSS_LINK))):
        text = f"Salus Medica review {payload} end"
        mention = Mention(
            source_kind="feed", source_name=source, external_id=f"xss-{i}", url="javascript:alert(1)",
            text=text, title=title, author="<b>attacker</b>", published_at=now - timedelta(hours=1),
            matches=_matches(title, text),
        )
        items.append((mention, Analysis("en", "neutral", 0.0, "other", ["other"], 0.0, [])))
    store.ensure_source(source, "feed")
    store.record_success(source, items, store.cursor(source), seen=len(items), at=now)


def mention_id_by_title(store: Store, title: str) -> int:
    return store._conn.execute("SELECT id FROM mentions WHERE title = ?", (title,)).fetchone()[0]


DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def run_app(page: str = "inbox") -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    if page != "inbox":
        app.sidebar.radio(key="nav").set_value(page).run()
        assert not app.exception, [e.value for e in app.exception]
    return app


def open_buttons(app: AppTest) -> list:
    return [b for b in app.button if (b.key or "").startswith("open_")]
