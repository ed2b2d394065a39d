"""Docplanner profile pages (ZnanyLekarz, MioDottore, Doctoralia) served on 127.0.0.1 and read by the collector."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from clinicwatch.pipeline import collect_once
from collectors.base import SourceError
from collectors.docplanner import DocplannerCollector, resolve_site, spanish_as_italian
from collectors.http import Fetcher, close_shared_fetchers
from storage.store import open_store
from tests.forum_fixtures import make_config, text
from tests.loopback import Request, Response
from tests.platform_fixtures import read

FACILITY = "/placowki/centrum-medyczne-salus-medica"
FACILITY_P2 = FACILITY + "/opinie?page=2"
NOW = datetime(2025, 11, 15, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_fetchers():
    yield
    close_shared_fetchers()


def html(name: str):
    body = read(name)

    def handler(_request: Request) -> Response:
        return Response(200, body, {"Content-Type": "text/html; charset=utf-8"})

    return handler


def source(url: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "docplanner", "name": "znanylekarz-salus", "url": url, "site": "znanylekarz", **fields}


def collector(tmp_path, src: dict[str, Any], sleeps: list[float] | None = None) -> DocplannerCollector:
    config = make_config(tmp_path, [src])
    return DocplannerCollector(config.sources[0], config, fetcher=Fetcher(config.http, backoff_seconds=0.01),
                               sleep=(sleeps if sleeps is not None else []).append, now=lambda: NOW)


def serve_facility(loopback, robots: str = "User-agent: *\nDisallow: /logowanie\nCrawl-delay: 7\n") -> None:
    loopback.routes["/robots.txt"] = text(robots)
    loopback.routes[FACILITY] = html("znanylekarz_placowka_p1.html")
    loopback.routes[FACILITY_P2] = html("znanylekarz_placowka_p2.html")


def test_znanylekarz_opinions_across_pages_with_rating_reply_and_dates(tmp_path, loopback) -> None:
    serve_facility(loopback)
    sleeps: list[float] = []
    result = collector(tmp_path, source(loopback.url(FACILITY), delay_seconds=2), sleeps).collect({})

    assert [m.external_id for m in result.mentions] == ["8812301", "8811977", "8809120", "8790455", "8781002"]
    first = result.mentions[0]
    assert first.author == "Agnieszka" and first.extra["rating"] == 1
    assert first.published_at == datetime(2025, 11, 13, 17, 22, 5, tzinfo=UTC)
    assert first.thread_title == "Centrum Medyczne Salus Medica" and first.source_kind == "docplanner"
    assert first.url == loopback.url(FACILITY) + "#opinion-8812301"
    assert first.text.startswith("Rejestracja nie odbiera telefonu") and "Przepraszamy" not in first.text
    assert first.extra["owner_reply"]["comment"].startswith("Przepraszamy za utrudnienia")
    assert first.language == "pl"
    shown_date_only = result.mentions[3]
    assert shown_date_only.published_at == datetime(2025, 10, 27, 23, 0, tzinfo=UTC)  # 28 Oct, Warsaw
    assert not shown_date_only.published_estimated
    assert result.mentions[4].author == "anonymous"
    assert result.mentions[4].published_at == datetime(2025, 11, 13, 23, 0, tzinfo=UTC)  # "wczoraj"
    assert sleeps == [7.0]  # robots.txt's Crawl-delay beats the source's 2 s
    assert [r.path for r in loopback.requests] == ["/robots.txt", FACILITY, FACILITY_P2]


def test_a_second_run_stops_at_the_first_known_opinion(tmp_path, loopback) -> None:
    serve_facility(loopback)
    reader = collector(tmp_path, source(loopback.url(FACILITY)))
    first = reader.collect({})
    loopback.requests.clear()

    second = reader.collect(first.cursor)

    assert second.mentions == []
    assert [r.path for r in loopback.requests] == ["/robots.txt", FACILITY]


def test_miodottore_doctor_page_in_italian(tmp_path, loopback) -> None:
    loopback.routes["/giulia-ferri/cardiologo/milano"] = html("miodottore_dottoressa.html")
    src = source(loopback.url("/giulia-ferri/cardiologo/milano"), name="miodottore-ferri", site="miodottore")
    result = collector(tmp_path, src).collect({})

    assert [(m.author, m.extra["rating"]) for m in result.mentions] == [("Luca", 5), ("Francesca R.", 2)]
    assert result.mentions[0].thread_title == "Dott.ssa Giulia Ferri"
    assert result.mentions[0].published_at == datetime(2025, 11, 12, 11, 0, tzinfo=UTC)  # 3 giorni fa
    assert result.mentions[1].published_at == datetime(2025, 11, 4, 23, 0, tzinfo=UTC)  # 5 Nov, Rome
    assert result.mentions[1].extra["owner_reply"]["comment"] == "Gentile Francesca, ci scusiamo per l'attesa."
    assert result.mentions[0].language == "it"


def test_doctoralia_page_with_spanish_dates(tmp_path, loopback) -> None:
    loopback.routes["/clinicas/salus-medica"] = html("doctoralia_clinica.html")
    src = source(loopback.url("/clinicas/salus-medica"), name="doctoralia-salus", site="doctoralia")
    result = collector(tmp_path, src).collect({})

    recent, dated = result.mentions
    assert recent.published_at == datetime(2025, 11, 12, 11, 0, tzinfo=UTC)  # hace 3 días
    assert dated.published_at == datetime(2025, 3, 11, 23, 0, tzinfo=UTC)  # 12 de marzo, Madrid
    assert recent.thread_title == "Clínica Salus Medica Madrid" and dated.extra["rating"] == 1


@pytest.mark.parametrize("spanish, italian", [
    ("12 de marzo de 2025", "12 marzo 2025"),
    ("hace 3 días", "3 giorni fa"),
    ("hace una hora", "una ora fa"),
    ("ayer", "ieri"),
    ("5 de enero de 2024 a las 10:30", "5 gennaio 2024 10:30"),
])
def test_spanish_dates_are_rewritten_for_the_date_parser(spanish, italian) -> None:
    assert spanish_as_italian(spanish) == italian


def test_the_portal_is_found_from_the_host(tmp_path) -> None:
    config = make_config(tmp_path, [{"kind": "docplanner", "name": "zl", "url": "https://www.znanylekarz.pl/x"},
                                    {"kind": "docplanner", "name": "other", "url": "https://example.org/x"}])
    assert resolve_site(config.sources[0]).language == "pl"  # type: ignore[arg-type]
    with pytest.raises(SourceError) as raised:
        resolve_site(config.sources[1])  # type: ignore[arg-type]
    assert raised.value.kind == "config" and "set site" in raised.value.message


def test_a_changed_layout_names_the_selector(tmp_path, loopback) -> None:
    loopback.routes[FACILITY] = html("znanylekarz_new_layout.html")
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, source(loopback.url(FACILITY))).collect({})
    assert raised.value.kind == "parse"
    assert "[data-test-id='opinion-block']" in raised.value.message and "selectors.opinion" in raised.value.message


def test_a_profile_without_opinions_is_empty_not_an_error(tmp_path, loopback) -> None:
    loopback.routes["/marek-nowak/internista/warszawa"] = html("znanylekarz_no_opinions.html")
    result = collector(tmp_path, source(loopback.url("/marek-nowak/internista/warszawa"))).collect({})
    assert result.mentions == [] and result.seen == 0


def test_robots_disallow_stops_before_the_profile(tmp_path, loopback) -> None:
    serve_facility(loopback, robots="User-agent: ClinicWatch\nDisallow: /placowki/\n")
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, source(loopback.url(FACILITY))).collect({})
    assert raised.value.kind == "forbidden"
    assert [r.path for r in loopback.requests] == ["/robots.txt"]


def test_loopback_profile_is_refused_unless_allowed(tmp_path, loopback) -> None:
    serve_facility(loopback)
    config = make_config(tmp_path, [source(loopback.url(FACILITY))], allow_private_addresses=False)
    with pytest.raises(SourceError) as raised:
        DocplannerCollector(config.sources[0], config).collect({})
    assert raised.value.kind == "blocked_address" and loopback.requests == []


def test_opinions_are_stored_once_through_the_pipeline(tmp_path, loopback) -> None:
    serve_facility(loopback, robots="User-agent: *\nDisallow: /logowanie\n")
    config = make_config(tmp_path, [source(loopback.url(FACILITY), delay_seconds=0)])
    store = open_store(config.database)

    [run] = collect_once(config, store)
    assert run.status == "ok", run
    rows = {row["external_id"]: row for row in store.recent_mentions(100)}
    assert set(rows) == {"8812301", "8811977", "8809120", "8790455", "8781002"}
    assert rows["8812301"]["extra"]["rating"] == 1

    [again] = collect_once(config, store)
    assert again.new == 0 and store.count_mentions() == 5
