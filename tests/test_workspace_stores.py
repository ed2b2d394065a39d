"""Workspaces' stores are apart by construction: a file each on SQLite, a schema each in one PostgreSQL database."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from core.config import parse_config
from core.models import Mention
from core.store_url import schema_of_url, url_in_schema, workspace_schema
from storage import open_store, queries
from storage.queries import MentionFilter

BRAND = {"names": ["Salus"]}


def mention(external_id: str, text: str) -> Mention:
    return Mention("feed", "feed-a", external_id, f"https://example.org/{external_id}", text)


def save(store, *mentions: Mention) -> None:
    store.ensure_source("feed-a", "feed")
    store.record_success("feed-a", [(m, None) for m in mentions], {}, seen=len(mentions))


def clinic(name: str, **extra: object) -> dict:
    return {"clinic_name": name, "brand": BRAND, **extra}


def test_url_carries_the_workspace_schema_and_keeps_other_parameters() -> None:
    url = url_in_schema("postgresql://cw@db.example:5433/clinicwatch?sslmode=require", workspace_schema("salus"))
    assert url.startswith("postgresql://cw@db.example:5433/clinicwatch?sslmode=require&options=")
    assert schema_of_url(url) == "cw_salus"
    assert schema_of_url("postgresql://cw@db.example/clinicwatch") is None
    assert schema_of_url(url_in_schema(url, "cw_vita")) == "cw_vita"  # replaced, not appended twice


def test_a_config_alone_keeps_its_store_and_a_workspace_gets_its_own_schema() -> None:
    config = parse_config(clinic("Salus", database_url="postgresql://cw@db.example/clinicwatch"))
    assert config.workspace is None
    assert config.store_target == "postgresql://cw@db.example/clinicwatch"
    served = config.in_workspace("salus")
    assert served.workspace == "salus" and config.workspace is None  # a copy: the loaded config is unchanged
    assert schema_of_url(str(served.store_target)) == "cw_salus"
    assert served.store_label == "postgresql://cw@db.example/clinicwatch (schema cw_salus)"
    on_sqlite = parse_config(clinic("Salus", database="data/salus/clinicwatch.db")).in_workspace("salus")
    assert on_sqlite.store_target == Path("data/salus/clinicwatch.db")


def test_two_workspace_schemas_in_one_postgresql_database_see_only_their_own_mentions(pg_url: str) -> None:
    salus = open_store(url_in_schema(pg_url, workspace_schema("salus")))
    vita = open_store(url_in_schema(pg_url, workspace_schema("vita")))
    try:
        save(salus, mention("a1", "Salus: infolinia nie odbiera"))
        save(vita, mention("b1", "Vita: infolinia znowu zajęta"), mention("b2", "Vita parking"))
        assert salus.count_mentions() == 1 and vita.count_mentions() == 2
        found = queries.inbox_page(salus, MentionFilter(search="infolinia", statuses=[]), 0, 20)
        assert [row["text"] for row in found] == ["Salus: infolinia nie odbiera"]
        assert queries.inbox_count(vita, MentionFilter(search="infolinia", statuses=[])) == 1
    finally:
        salus.close()
        vita.close()
    with psycopg.connect(pg_url) as conn:
        schemas = {row[0] for row in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'cw_%'")}
        public_mentions = conn.execute("SELECT count(*) FROM public.mentions").fetchone()
    assert {"cw_salus", "cw_vita"} <= schemas
    assert public_mentions == (0,)  # the default schema (a single-clinic install) is untouched


def test_a_bad_schema_name_is_refused_before_any_sql() -> None:
    bad = 'cw_x"; DROP TABLE mentions; --'
    with pytest.raises(ValueError, match="schema name"):
        url_in_schema("postgresql://cw@127.0.0.1:1/clinicwatch", bad)
    with pytest.raises(ValueError, match="schema name"):  # a hand-written URL, before any connection is tried
        open_store(f"postgresql://cw@127.0.0.1:1/clinicwatch?options=-c%20search_path%3D{quote(bad)}")
