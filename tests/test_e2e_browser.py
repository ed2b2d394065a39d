"""End to end in headless Chromium: log in, answer the top complaint, visit every page, no XSS."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import tomli_w

from storage import queries
from storage.store import open_store
from storage.users import add_user, list_users
from tests.conftest import skip_unless_ci
from tests.dashboard_fixtures import XSS_IMG, XSS_LINK, add_xss_mentions, mention_id_by_title

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_real_demo(folder: Path) -> tuple[Path, Path]:
    """The lead's demo database, built through the real collectors, plus two hostile mentions."""
    database = folder / "demo.db"
    result = subprocess.run(
        [sys.executable, "-m", "clinicwatch", "demo", "--database", str(database)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    raw = tomllib.loads((ROOT / "data" / "demo" / "demo.toml").read_text(encoding="utf-8"))
    raw["database"] = str(database)
    config_path = folder / "demo.toml"
    config_path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    store = open_store(database)
    add_xss_mentions(store, datetime.now(UTC))
    store.close()
    return config_path, database


@pytest.fixture
def server(tmp_path):
    if not Path(CHROMIUM).exists():
        skip_unless_ci(f"{CHROMIUM} is not installed")
    config_path, database = build_real_demo(tmp_path)
    users = tmp_path / "users.yaml"
    add_user(users, "admin", "Ada Admin", "correct-horse-9", "admin")
    env = {**os.environ, "CLINICWATCH_CONFIG": str(config_path), "CLINICWATCH_USERS": str(users)}
    with running_dashboard(env, tmp_path / "streamlit.log") as url:
        yield {"url": url, "database": database, "users": users}


@contextmanager
def running_dashboard(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free loopback port with `env`, as `make dashboard` starts it; yields its
    URL once healthy, and stops it after. The server's output goes to `log_path`."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.address", "127.0.0.1",
        "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process, log_path)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("streamlit exited:\n" + log.read_text(errors="replace"))
        try:
            if httpx.get(url + "/_stcore/health", timeout=2).text == "ok":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("streamlit did not start:\n" + log.read_text(errors="replace"))


def test_login_reply_and_every_page(server):
    from playwright.sync_api import expect, sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    store = open_store(server["database"])
    queue = queries.inbox_page(store, queries.MentionFilter(), 0, 20)
    top = next(row["id"] for row in queue if row["kind"] == "complaint")
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.set_default_timeout(30_000)
        page.goto(server["url"])
        page.get_by_role("textbox", name="Username").fill("admin")
        page.get_by_role("textbox", name="Password").fill("correct-horse-9")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
        queue_item = page.locator(f".st-key-row_{top}")
        expect(queue_item).to_be_visible()
        # The first detail pane of a fresh server may wait for the reply checker's dictionaries (loaded in the
        # background from the first page view on), so this one expectation allows more than the usual 5 s.
        expect(page.get_by_role("button", name="Mark replied")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="Next")).to_be_visible()
        page.wait_for_timeout(1500)  # code blocks load lazily
        page.screenshot(path=OUTPUT / "e2e-1-inbox.png", full_page=True)

        # Open the top complaint, answer it and watch it leave the queue.
        page.locator(f".st-key-open_{top} button").click()
        expect(page.locator(".st-key-detail")).to_contain_text(queue[[r["id"] for r in queue].index(top)]["title"][:20])
        settled(page)  # the previous mention's detail may still be on screen while the new one is drawn
        page.locator(f".st-key-posted_{top} input").fill("https://forum.example/reply/1")
        page.keyboard.press("Tab")
        page.locator(".st-key-act_replied button").click()
        expect(page.get_by_text("Saved.")).to_be_visible()
        expect(queue_item).to_have_count(0)
        assert store.mention(top)["status"] == "replied"
        posted = store._conn.execute("SELECT posted_url FROM replies WHERE mention_id = ?", (top,)).fetchone()
        assert posted == ("https://forum.example/reply/1",)
        page.screenshot(path=OUTPUT / "e2e-2-inbox-after-reply.png", full_page=True)

        page.get_by_label("Search text").fill("XSS")  # full-text search brings the hostile mentions up
        page.keyboard.press("Enter")
        expect(page.get_by_text("2 mentions match")).to_be_visible()
        for title, literal in (("Salus XSS image", XSS_IMG), ("Salus XSS link", XSS_LINK)):
            page.locator(f".st-key-open_{mention_id_by_title(store, title)} button").click()
            expect(page.locator(".cw-text", has_text=literal)).to_have_count(1)
            assert page.locator("img[src='x']").count() == 0
            assert page.locator("a[href^='javascript']").count() == 0
            assert page.locator("b", has_text="attacker").count() == 0
            expect(page.get_by_text("Author: <b>attacker</b>")).to_have_count(1)
        page.locator(".cw-text", has_text=XSS_LINK).scroll_into_view_if_needed()
        page.screenshot(path=OUTPUT / "e2e-3-inbox-xss-literal.png", full_page=True)

        last_element = {"Trends": re.compile(r"^(Spikes: |No spikes)"), "Sources": "Run now", "Settings": "Add user"}
        for number, name in ((4, "Trends"), (5, "Sources"), (6, "Settings")):
            page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()
            expect(page.get_by_role("heading", name=name)).to_be_visible()
            expect(page.get_by_text(last_element[name]).first).to_be_visible()
            if name == "Trends":
                charts = page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
                expect(charts.nth(3)).to_be_visible()
            page.wait_for_timeout(500)
            page.screenshot(path=OUTPUT / f"e2e-{number}-{name.lower()}.png", full_page=True)

        # The UI language is per user: switching to Polish relabels the page and is remembered.
        page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name="Polski").click()
        expect(page.get_by_role("heading", name="Ustawienia")).to_be_visible()
        page.get_by_test_id("stSidebar").get_by_text("Skrzynka", exact=True).click()
        expect(page.get_by_role("button", name="Odpowiedziano")).to_be_visible()
        page.wait_for_timeout(1000)
        page.screenshot(path=OUTPUT / "e2e-7-inbox-pl.png", full_page=True)
        browser.close()
    assert list_users(server["users"])[0]["language"] == "pl"
    store.close()
    assert dialogs == []  # no script from a mention ever ran


SCREEN_WIDTHS = {"wide": 1400, "phone": 390}
PAGE_NAMES = ("inbox", "trends", "sources", "settings")


def test_screenshots_of_every_page_in_three_languages_at_two_widths(server):
    """test-output/screens/<page>-<language>-<width>.png: what a reviewer (or the README) looks at."""
    from playwright.sync_api import expect, sync_playwright

    from core.i18n import LANGUAGES, t

    folder = OUTPUT / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:  # the UI language is the user's own
        add_user(server["users"], f"admin_{language}", "Ada Admin", "correct-horse-9", "admin", language=language)
    taken: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width_name, width in SCREEN_WIDTHS.items():
            for language in LANGUAGES:
                context = browser.new_context(viewport={"width": width, "height": 1000})
                page = context.new_page()
                page.set_default_timeout(30_000)
                for name in PAGE_NAMES:
                    page.goto(f"{server['url']}/?page={name}")  # every page has its own link
                    page.get_by_role("textbox", name="Username").fill(f"admin_{language}")
                    page.get_by_role("textbox", name="Password").fill("correct-horse-9")
                    page.get_by_role("button", name="Log in").click()
                    expect(page.get_by_role("heading", name=t(f"page_{name}", language))).to_be_visible()
                    settled(page)  # a minute, not the default 5 s: a busy machine draws 70 placeholders slowly
                    page.wait_for_timeout(1500)  # charts and code blocks draw after the run
                    target = folder / f"{name}-{language}-{width_name}.png"
                    page.screenshot(path=target, full_page=True)
                    taken.append(target.name)
                context.close()
        browser.close()
    assert len(taken) == len(PAGE_NAMES) * len(LANGUAGES) * len(SCREEN_WIDTHS)
    assert all((folder / name).stat().st_size > 10_000 for name in taken)  # a drawn page, not a blank one


def sign_in(page, url: str, username: str = "admin", password: str = "correct-horse-9") -> None:
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()


def settled(page) -> None:
    """The script run has ended and every element is drawn."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=60_000)


def card_ids(page) -> list[int]:
    classes = page.locator("[class*='st-key-open_']").evaluate_all("nodes => nodes.map(n => n.className)")
    ids = [int(c.split("st-key-open_")[1].split()[0]) for c in classes]
    return list(dict.fromkeys(ids))


def test_a_triage_session_as_staff_work_it(server):
    """Open the 15th card (its detail in view, the card outlined), j / k to the next card and back, copy the
    reply, mark it replied, escalate another and find it under Escalated, follow a mention's link in a new tab,
    log out."""
    from playwright.sync_api import expect, sync_playwright

    store = open_store(server["database"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server["url"])
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, server["url"])
        settled(page)
        ids = card_ids(page)
        assert len(ids) >= 15, ids
        fifteenth = ids[14]
        page.locator(f".st-key-open_{fifteenth} button").click()
        expect(page.locator(f".st-key-posted_{fifteenth}")).to_be_attached(timeout=60_000)
        settled(page)
        expect(page.locator(".st-key-detail")).to_be_in_viewport()  # not 2,600 px above, out of sight
        outline = page.locator(f".st-key-row_{fifteenth}").evaluate("n => getComputedStyle(n).borderTopColor")
        assert outline == "rgb(0, 114, 178)"
        assert f"mention={fifteenth}" in page.url  # the address bar is this mention's link

        # Keyboard: j opens the next card, k the previous one again.
        page.keyboard.press("j")
        expect(page.locator(f".st-key-posted_{ids[15]}")).to_be_attached(timeout=60_000)
        settled(page)
        page.keyboard.press("k")
        expect(page.locator(f".st-key-posted_{fifteenth}")).to_be_attached(timeout=60_000)
        settled(page)

        # Copy the suggested reply with the code block's own button.
        code = page.get_by_test_id("stCode").first  # the suggested reply, first code block of the detail
        code.hover()
        code.get_by_role("button").first.click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.strip() and copied.strip() == code.inner_text().strip()

        page.locator(".st-key-act_replied button").click()
        expect(page.get_by_text("Saved.")).to_be_visible()
        settled(page)
        assert store.mention(fifteenth)["status"] == "replied"
        expect(page.locator(f".st-key-open_{fifteenth}")).to_have_count(0)

        other = card_ids(page)[0]
        page.locator(f".st-key-open_{other} button").click()
        expect(page.locator(f".st-key-posted_{other}")).to_be_attached(timeout=60_000)
        settled(page)
        page.get_by_role("button", name="Escalate").click()
        expect(page.get_by_text("Escalated: it left the open queue")).to_be_visible()
        settled(page)
        page.get_by_text(re.compile(r"^Escalated \(\d+\)$")).click()
        settled(page)
        expect(page.locator(f".st-key-open_{other}")).to_have_count(1)
        assert store.mention(other)["status"] == "escalated"

        # A colleague opens the link in a new tab: after signing in, that very mention is open.
        tab = context.new_page()
        sign_in(tab, f"{server['url']}/?page=inbox&mention={fifteenth}")
        expect(tab.locator(f".st-key-posted_{fifteenth}")).to_be_attached(timeout=60_000)
        tab.close()

        page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
        expect(page.get_by_role("button", name="Log in")).to_be_visible()
        browser.close()
    store.close()
