"""SSRF guard: sources on loopback/private/link-local addresses or file:// are refused unless allowed in config."""
from __future__ import annotations

import socket

import pytest

from clinicwatch.pipeline import collect_once
from collectors import http_guard
from collectors.base import SourceError
from collectors.http import close_shared_fetchers
from collectors.registry import parse_config
from core.config import ConfigError
from storage import open_store


@pytest.fixture(autouse=True)
def _fresh_fetchers():
    yield
    close_shared_fetchers()


def _sources(base: str) -> list[dict]:
    return [
        {"kind": "feed", "name": "feed", "url": f"{base}/feed.xml"},
        {"kind": "discourse", "name": "discourse", "base_url": base, "search": ["Salus"]},
        {"kind": "forum", "name": "forum", "url": f"{base}/viewtopic.php?t=1", "preset": "phpbb"},
        {"kind": "forum", "name": "forum-feed", "engine": "feed", "url": f"{base}/app.php/feed"},
    ]


def _config(tmp_path, base: str, allow: bool):
    return parse_config({
        "clinic_name": "Salus", "database": str(tmp_path / "cw.db"), "brand": {"names": ["Salus"]},
        "http": {"allow_private_addresses": allow, "retries": 0, "timeout_seconds": 5},
        "sources": _sources(base),
    })


def test_every_collector_refuses_a_loopback_source_by_default(tmp_path, loopback):
    store = open_store(tmp_path / "cw.db")
    runs = collect_once(_config(tmp_path, loopback.base_url, allow=False), store)
    assert {r.name: (r.status, r.error_kind) for r in runs} == {
        name: ("error", "blocked_address") for name in ("feed", "discourse", "forum", "forum-feed")
    }
    assert loopback.requests == [], "a refused source must not be contacted at all"
    assert "allow_private_addresses" in store.source("feed")["last_error"]


def test_the_admin_can_allow_it_explicitly(tmp_path, loopback):
    store = open_store(tmp_path / "cw.db")
    runs = collect_once(_config(tmp_path, loopback.base_url, allow=True), store)
    assert all(r.error_kind != "blocked_address" for r in runs)
    assert loopback.requests, "with the allowance the sources are fetched"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed", "gopher://127.0.0.1:70/"])
def test_non_http_urls_are_refused_at_config_load(tmp_path, url):
    with pytest.raises(ConfigError, match=r"sources\[0\]\.url: not a valid URL"):
        parse_config({"clinic_name": "x", "brand": {"names": ["x"]},
                      "sources": [{"kind": "feed", "name": "f", "url": url}]})


@pytest.mark.parametrize(
    "errno, advice, not_said",
    [(socket.EAI_AGAIN, "is this machine online", "check the URL"),  # no network: the URL is not to blame
     (socket.EAI_NONAME, "check the URL", "online")],
)
def test_a_failed_lookup_says_whether_the_url_or_the_network_is_to_blame(monkeypatch, errno, advice, not_said):
    def lookup(*args, **kwargs):
        raise socket.gaierror(errno, "lookup failed")

    monkeypatch.setattr(http_guard.socket, "getaddrinfo", lookup)
    with pytest.raises(SourceError) as info:
        http_guard.resolve("forum.example", 443, "https://forum.example/feed.xml")
    assert info.value.kind == "network"
    assert advice in str(info.value) and not_said not in str(info.value)
