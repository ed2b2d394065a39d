"""Sessions in headless Chromium: a NUL in the search, an export that expires, log out, the failed-login lock."""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from storage.users import add_user
from tests.conftest import skip_unless_ci
from tests.dashboard_fixtures import build_demo
from tests.test_e2e_browser import CHROMIUM, CHROMIUM_ARGS, ROOT, running_dashboard
from ui import login_guard

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-9"
SPOOFED = "198.51.100.1"  # an address a client claims for itself
CLIENT = "203.0.113.9"  # the address the proxy appends


@pytest.fixture
def light_server(tmp_path, request):
    """The dashboard on the small fixture database (no demo collection), as `make dashboard` starts it.
    Parametrised indirectly with extra TOML for the config (e.g. a [dashboard] table)."""
    if not Path(CHROMIUM).exists():
        skip_unless_ci(f"{CHROMIUM} is not installed")
    config_path, _ = build_demo(tmp_path)
    extra = getattr(request, "param", "")
    if extra:
        config_path.write_text(config_path.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    users = tmp_path / "users.yaml"
    add_user(users, "ada", "Ada Admin", PASSWORD, "admin")
    # as `make dashboard`: uvicorn leaves the peer's address alone, the dashboard reads X-Forwarded-For itself
    env = {**os.environ, "CLINICWATCH_CONFIG": str(config_path), "CLINICWATCH_USERS": str(users),
           "FORWARDED_ALLOW_IPS": ""}
    log_path = tmp_path / "streamlit.log"
    with running_dashboard(env, log_path) as url:
        yield {"url": url, "users": users, "log": log_path}


def failures(users: Path, subject: str = "user:ada") -> int:
    return counted(users).get(subject, 0)


def counted(users: Path) -> dict[str, int]:
    """Failed logins by subject ('user:<name>', 'address:<ip>') as the login guard stored them."""
    path = login_guard.guard_path(users)
    if not path.exists():
        return {}
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT subject, failures FROM login_failures").fetchall())


def log_in(page, password: str) -> None:
    page.get_by_role("textbox", name="Username").fill("ada")
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_search_export_log_out_and_lock_in_a_browser(light_server):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # reruns are slow on a busy machine; the default 5 s is not enough
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # No trusted proxy is configured: a forwarded address the client writes itself is ignored.
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1400},
                                      extra_http_headers={"X-Forwarded-For": SPOOFED})
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(light_server["url"])
        # The first page of a fresh server loads the analyser: allow a busy machine longer than a rerun.
        expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=120_000)
        log_in(page, PASSWORD)
        expect(page.get_by_role("heading", name="Inbox")).to_be_visible()

        # A NUL typed into the search is a word break, never a traceback.
        page.get_by_label("Search text").fill("wonderful\x00")
        page.keyboard.press("Enter")
        expect(page.get_by_text("1 mention matches")).to_be_visible()
        assert "Traceback" not in page.content() and str(ROOT) not in page.content()
        page.get_by_label("Search text").fill("")
        page.keyboard.press("Enter")
        expect(page.get_by_text("7 mentions match")).to_be_visible()
        expect(page.get_by_text("Export", exact=True)).to_have_count(1)  # the rerun has settled

        # The export is made on click; its /media address stops answering soon after.
        page.get_by_text("Export", exact=True).click()
        with page.expect_download() as info:
            page.get_by_role("button", name="Download CSV").click()
        download = info.value
        assert "/media/" in download.url and b"author-" in Path(download.path()).read_bytes()
        # Served once, to the browser that clicked: the address answers no one after that, not even at once.
        assert httpx.get(download.url, timeout=10).status_code == 404
        with page.expect_download() as again:  # a second click makes the file anew
            page.get_by_role("button", name="Download CSV").click()
        assert b"author-" in Path(again.value.path()).read_bytes()
        assert httpx.get(again.value.url, timeout=10).status_code == 404

        # Log out: back to the login form, no page of the app left.
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("textbox", name="Username")).to_be_visible()
        expect(page.get_by_role("heading", name="Inbox")).to_have_count(0)

        # Five wrong passwords lock the user: the right one is then refused too.
        for attempt in range(1, login_guard.USER_FREE_FAILURES + 1):
            log_in(page, "wrong-password")
            deadline = time.monotonic() + 30
            while failures(light_server["users"]) < attempt and time.monotonic() < deadline:
                time.sleep(0.1)
            assert failures(light_server["users"]) == attempt
        expect(page.get_by_text("Too many failed logins", exact=False)).to_be_visible()
        log_in(page, PASSWORD)
        page.wait_for_timeout(2000)
        expect(page.get_by_text("Too many failed logins", exact=False)).to_be_visible()
        expect(page.get_by_role("heading", name="Inbox")).to_have_count(0)
        context.close()
        browser.close()
    assert not any(subject.startswith("address:") for subject in counted(light_server["users"]))

    assert "Traceback" not in light_server["log"].read_text(errors="replace")


@pytest.mark.parametrize("light_server", ['[dashboard]\ntrusted_proxies = ["127.0.0.1"]\n'], indirect=True)
def test_behind_a_trusted_proxy_failed_logins_count_against_the_forwarded_client(light_server):
    """The browser stands for a proxy on the same machine, passing on what a client sent plus the client."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(extra_http_headers={"X-Forwarded-For": f"{SPOOFED}, {CLIENT}"})
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(light_server["url"])
        # The first page of a fresh server loads the analyser: allow a busy machine longer than a rerun.
        expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=120_000)
        log_in(page, "wrong-password")
        deadline = time.monotonic() + 30
        while failures(light_server["users"]) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        context.close()
        browser.close()
    assert counted(light_server["users"]) == {"user:ada": 1, f"address:{CLIENT}": 1}
