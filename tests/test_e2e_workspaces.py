"""Workspace isolation in headless Chromium: staff of Salus try Vita's mention links, search and export; the staff
of Vita, signing in at the same links, see Vita's mention (so the checks can fail)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import skip_unless_ci
from tests.test_e2e_browser import CHROMIUM, CHROMIUM_ARGS, running_dashboard
from tests.test_e2e_sessions import SPOOFED
from tests.workspace_fixtures import PASSWORD, build_install

pytestmark = pytest.mark.e2e
VITA_MENTION_WORDS = ("Vitaprivate", "Kowalczyk")
TIMEOUT_MS = 30_000


@pytest.fixture
def install_server(tmp_path: Path):
    """The dashboard of a two-clinic install, as `make dashboard` starts it with CLINICWATCH_CONFIG set."""
    if not Path(CHROMIUM).exists():
        skip_unless_ci(f"{CHROMIUM} is not installed")
    install = build_install(tmp_path)
    env = {key: value for key, value in os.environ.items() if key != "CLINICWATCH_USERS"}
    env |= {"CLINICWATCH_CONFIG": str(install), "FORWARDED_ALLOW_IPS": ""}
    log_path = tmp_path / "streamlit.log"
    with running_dashboard(env, log_path) as url:
        yield {"url": url, "log": log_path}


def open_as(page, url: str, username: str) -> None:
    """A new browser session at `url`: sign in, and wait until the run has settled."""
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=120_000)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def vita_words_on(page) -> list[str]:
    text = page.inner_text("body")
    return [word for word in VITA_MENTION_WORDS if word in text]


def test_staff_of_one_clinic_get_nothing_of_another_through_links_search_or_export(install_server):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    base = install_server["url"]
    vita_link = f"{base}/?ws=vita&page=inbox&mention=8"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1200},
                                      extra_http_headers={"X-Forwarded-For": SPOOFED})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)

        # Vita's own staff at Vita's link: the mention is there (the checks below can see it when it shows).
        open_as(page, vita_link, "val")
        expect(page.get_by_text("Vitaprivate", exact=False).first).to_be_visible()

        # Salus's staff at the same link: a message, nothing of Vita, and the address forgets the link.
        open_as(page, vita_link, "sam")
        expect(page.get_by_text("a workspace you cannot open", exact=False)).to_be_visible()
        assert vita_words_on(page) == []
        assert "ws=vita" not in page.url and "mention=8" not in page.url
        # Every other way in: Vita's number inside Salus, Vita's other pages, a workspace that does not exist.
        for url in (f"{base}/?page=inbox&mention=8", f"{base}/?ws=vita&page=trends",
                    f"{base}/?ws=nowhere&page=inbox&mention=1"):
            open_as(page, url, "sam")
            assert vita_words_on(page) == [], url
        expect(page.get_by_text("a workspace you cannot open", exact=False)).to_be_visible()

        # In Salus: searching Vita's words finds nothing, and the export holds Salus's mentions only.
        open_as(page, f"{base}/?ws=salus&page=inbox", "sam")
        page.get_by_label("Search text").fill("oncology")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Nothing matched the search", exact=False)).to_be_visible()
        page.get_by_label("Search text").fill("")
        page.keyboard.press("Enter")
        expect(page.get_by_text("7 mentions match")).to_be_visible()
        page.get_by_text("Export", exact=True).click()
        with page.expect_download() as info:
            page.get_by_role("button", name="Download CSV").click()
        exported = Path(info.value.path()).read_text(encoding="utf-8-sig")
        assert "Salus Medica" in exported and not [w for w in VITA_MENTION_WORDS if w in exported]
        assert len(exported.strip().splitlines()) == 1 + 7  # a header and Salus's seven mentions

        # Log out: back to the login form.
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("textbox", name="Username")).to_be_visible()
        context.close()
        browser.close()
    assert "Traceback" not in install_server["log"].read_text(errors="replace")
