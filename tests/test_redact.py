"""Credentials in source URLs never reach the terminal, the database or the pages; secrets in the config file are refused."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from collectors.registry import parse_config
from core.config import ConfigError
from core.redact import redact
from tests.loopback import Response

ROOT = Path(__file__).resolve().parent.parent
SECRETS = ("hunter2", "s3cr3t-token", "k-123456", "AbCdEf0123", "sig-999", "tok-abc")


@pytest.mark.parametrize("url, shown", [
    ("https://bob:hunter2@feeds.example.org/rss", "https://***@feeds.example.org/rss"),
    ("https://x.example/feed?token=s3cr3t-token&page=2", "https://x.example/feed?token=***&page=2"),
    ("https://x.example/feed?lang=pl&key=k-123456", "https://x.example/feed?lang=pl&key=***"),
    ("https://x.example/a?access_token=AbCdEf0123", "https://x.example/a?access_token=***"),
    ("https://x.example/a?API_KEY=AbCdEf0123&sig=sig-999", "https://x.example/a?API_KEY=***&sig=***"),
    ("https://x.example/a?feed_token=tok-abc#top", "https://x.example/a?feed_token=***#top"),
    ("https://x.example/a?page=2&monkey=1", "https://x.example/a?page=2&monkey=1"),
])
def test_urls_are_redacted(url, shown) -> None:
    assert redact(url) == shown
    assert redact(f"could not reach {url}: connection refused") == f"could not reach {shown}: connection refused"


def test_a_secret_key_in_the_config_file_says_to_use_the_environment(tmp_path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"clinic_name": "x", "brand": {"names": ["x"]},
                      "sources": [{"kind": "reddit", "name": "r", "client_secret": "hunter2"}]})
    message = str(caught.value)
    assert "sources[0].client_secret: unknown key: secrets are never read from the config file" in message
    assert "environment" in message and "hunter2" not in message


def test_credentials_in_source_urls_are_shown_and_stored_masked(tmp_path, loopback) -> None:
    loopback.routes["/private"] = lambda r: Response(500, b"boom")
    port = loopback.httpd.server_address[1]
    urls = {
        "userinfo": f"http://bob:hunter2@127.0.0.1:{port}/private",
        "token": f"http://127.0.0.1:{port}/private?token=s3cr3t-token&key=k-123456",
        "signed": f"http://127.0.0.1:{port}/private?access_token=AbCdEf0123&api_key=tok-abc&sig=sig-999",
    }
    settings = {"clinic_name": "Medicover", "database": str(tmp_path / "cw.db"), "brand": {"names": ["Medicover"]},
                "http": {"allow_private_addresses": True, "retries": 0, "timeout_seconds": 2},
                "sources": [{"kind": "feed", "name": name, "url": url} for name, url in urls.items()]}
    config_file = tmp_path / "cw.toml"
    config_file.write_bytes(tomli_w.dumps(settings).encode())
    env = {"COLUMNS": "400", "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "clinicwatch"]
    collect = subprocess.run([*run, "collect", "--once", "--config", str(config_file)], cwd=ROOT,
                             capture_output=True, text=True, timeout=120, env=env, check=False)
    status = subprocess.run([*run, "status", "--config", str(config_file)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env=env, check=False)

    assert len(loopback.requests_to("/private")) == 3  # the credentials were used to fetch
    assert "500" in collect.stdout and "***" in collect.stdout and "***" in status.stdout
    with sqlite3.connect(tmp_path / "cw.db") as conn:
        stored = "\n".join(str(value) for row in conn.execute("SELECT * FROM sources") for value in row)
    assert "***" in stored
    for secret in SECRETS:
        for where, shown in (("collect", collect.stdout + collect.stderr), ("status", status.stdout),
                             ("database", stored)):
            assert secret not in shown, (secret, where)
