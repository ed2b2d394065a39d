"""Source leases on PostgreSQL (storage/leases.py, clinicwatch/leasing.py): one holder at a time, expiry and
take-over, a lost lease stores nothing; SQLite keeps the single `run` process without leases."""
from __future__ import annotations

import time

import pytest
import tomli_w

from analysis import Analyzer
from clinicwatch.leasing import SourceLeases
from clinicwatch.pipeline import Pipeline
from collectors.base import CollectResult
from collectors.registry import parse_config
from core.models import Mention, utcnow
from storage import leases, open_store
from tests.test_cli import cli


@pytest.fixture
def two_stores(pg_url):
    """Two stores on one database, each with its own connection pool: two collector processes as far as the
    database can tell."""
    first, second = open_store(pg_url), open_store(pg_url)
    yield first, second
    first.close()
    second.close()


def config_for(tmp_path, names: list[str]):
    return parse_config({
        "clinic_name": "Salus", "database": str(tmp_path / "cw.db"), "brand": {"names": ["Salus"]},
        "http": {"allow_private_addresses": True, "retries": 0},
        "sources": [{"kind": "feed", "name": n, "url": f"http://127.0.0.1:9/{n}.xml"} for n in names],
    })


def _take(holder: SourceLeases, names: list[str], limit: int = 100) -> list[str]:
    return [s.name for s in holder.take(lambda: [_Named(n) for n in names], limit)]  # type: ignore[list-item]


class _Named:
    def __init__(self, name: str) -> None:
        self.name = name


def test_a_source_is_leased_to_one_holder_and_freed_when_given_back(two_stores):
    store_a, store_b = two_stores
    names = [f"s{i}" for i in range(6)]
    a, b = SourceLeases(store_a, names, seconds=30), SourceLeases(store_b, names, seconds=30)
    try:
        assert _take(a, names, limit=4) == names[:4]
        assert _take(b, names) == names[4:]  # only what a does not hold
        assert _take(a, names) == []
        assert set(leases.holders(store_a)) == set(names)
        with a.giving_back(["s0"]) as kept:
            assert kept == ["s0"]
        assert _take(b, names) == ["s0"]
    finally:
        a.close()
        b.close()
    assert leases.holders(store_a) == {}  # a clean stop hands everything back


def test_an_expired_lease_is_taken_over_and_its_old_holder_stores_nothing(two_stores):
    store_a, store_b = two_stores
    a = SourceLeases(store_a, ["feed"], seconds=1)
    b = SourceLeases(store_b, ["feed"], seconds=30)
    try:
        assert _take(a, ["feed"]) == ["feed"]
        a._stop.set()  # a stalls: it stops renewing, as a killed or frozen collector does
        a._renewer.join()
        assert _take(b, ["feed"]) == []  # not yet expired
        time.sleep(1.2)
        assert _take(b, ["feed"]) == ["feed"]
        with a.giving_back(["feed"]) as kept:
            assert kept == []
        assert a.lost == 1
        assert leases.holders(store_a) == {"feed": b.holder}
    finally:
        a.close()
        b.close()


def test_renewal_keeps_a_lease_past_its_period(two_stores):
    store_a, store_b = two_stores
    a = SourceLeases(store_a, ["feed"], seconds=1)
    b = SourceLeases(store_b, ["feed"], seconds=30)
    try:
        assert _take(a, ["feed"]) == ["feed"]
        time.sleep(2.5)  # two and a half periods: renewed every third of one
        assert _take(b, ["feed"]) == []
        assert leases.holders(store_b) == {"feed": a.holder}
    finally:
        a.close()
        b.close()


def _mention(source: str, n: int) -> Mention:
    now = utcnow()
    return Mention(source_name=source, source_kind="feed", external_id=f"{source}-{n}", url=f"https://x.example/{n}",
                   title=f"Salus {n}", text=f"Opinia {n} o przychodni Salus, {source}.", published_at=now,
                   fetched_at=now)


def test_a_pipeline_that_lost_its_lease_stores_neither_mentions_nor_cursor(two_stores, tmp_path):
    store_a, store_b = two_stores
    config = config_for(tmp_path, ["feed"])
    analyzer = Analyzer(config)  # one for both: building it is most of the test's time
    with (Pipeline(config, store_a, analyzer=analyzer, lease_seconds=1) as a,
          Pipeline(config, store_b, analyzer=analyzer, lease_seconds=30) as b):
        [source] = config.sources
        assert a.leases is not None and b.leases is not None
        assert [s.name for s in a.leases.take(lambda: [source], 10)] == ["feed"]
        a.leases._stop.set()
        a.leases._renewer.join()
        time.sleep(1.2)
        assert [s.name for s in b.leases.take(lambda: [source], 10)] == ["feed"]
        late = a.store_result(source, CollectResult([_mention("feed", 1)], {"seen_ids": ["a"]}, seen=1))
        assert late.status == "lease_lost" and late.new == 0
        assert store_a.count_mentions() == 0 and store_a.cursor("feed") == {}
        done = b.store_result(source, CollectResult([_mention("feed", 2)], {"seen_ids": ["b"]}, seen=1))
        assert done.status == "ok" and done.new == 1
    assert store_a.count_mentions() == 1 and store_a.cursor("feed") == {"seen_ids": ["b"]}


def test_sqlite_pipelines_take_no_leases(tmp_path):
    config = config_for(tmp_path, ["feed"])
    store = open_store(tmp_path / "cw.db")
    try:
        with Pipeline(config, store) as pipeline:
            assert pipeline.leases is None
            with pytest.raises(ValueError, match="PostgreSQL"):
                leases.ensure_leases(store, ["feed"])
    finally:
        store.close()


def test_collect_once_leaves_a_source_another_collector_holds(tmp_path, pg_url):
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps({
        "clinic_name": "Salus", "database": str(tmp_path / "cw.db"), "database_url": pg_url,
        "brand": {"names": ["Salus"]}, "http": {"allow_private_addresses": True, "retries": 0},
        "sources": [{"kind": "feed", "name": n, "url": f"http://127.0.0.1:9/{n}.xml"} for n in ("mine", "theirs")],
    }), encoding="utf-8")
    store = open_store(pg_url)
    other = SourceLeases(store, ["mine", "theirs"], seconds=60)
    try:
        assert _take(other, ["theirs"]) == ["theirs"]
        done = cli("collect", "--once", "--config", str(path))
        assert "1 sources left to other collector processes" in done.stderr, done.stderr
        states = {row["name"]: row for row in store.sources()}
        assert states["mine"]["last_error_kind"] is not None  # collected (nothing listens on port 9: an error)
        assert states["theirs"]["last_attempt"] is None  # not touched: another collector holds it
        assert leases.holders(store) == {"theirs": other.holder}
        status = cli("status", "--config", str(path))  # the admin sees which collector holds which source
        assert status.returncode == 0 and "leased by" in status.stdout
        assert [line for line in status.stdout.splitlines() if "theirs" in line and other.holder in line]
    finally:
        other.close()
        store.close()
