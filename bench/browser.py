"""A triage session in a real browser at scale: `python -m bench.browser [--db bench/output/mentions-1m.db]`.

Starts the dashboard on the benchmark database (built by bench/dataset.py when missing), opens it in headless
Debian Chromium through Playwright, then for each of the first `--opens` cards of the Inbox: click Open and wait
until that mention's detail is shown and the script run has ended; click Start review and wait until "Saved."
is shown. Prints p50/p95 of both (click to settled page) against the 1 s target, and one JSON line. The
mentions it touched are set back to their earlier status afterwards, so the database stays as it was.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect, sync_playwright

from bench.common import ROOT, percentile
from storage.store import open_store

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGET_MS = 1000.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_dashboard(db: Path, port: int) -> subprocess.Popen:
    """The dashboard on `db`; without a users file it signs in the local demo user (allowed on 127.0.0.1)."""
    config = db.parent / "bench-browser.toml"
    config.write_text(f'clinic_name = "Bench"\ndatabase = "{db.resolve()}"\n[brand]\nnames = ["Salus"]\n')
    env = {**os.environ, "CLINICWATCH_CONFIG": str(config), "CLINICWATCH_USERS": str(db.parent / "no-users.yaml")}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.address", "127.0.0.1",
               "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log = (db.parent / "browser-server.log").open("wb")  # the server's own account when a run fails
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the dashboard exited while starting")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).text == "ok":
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError("the dashboard did not start within 120 s")


def settled(page: Page) -> None:
    """The script run has ended and every element is drawn: no running indicator, no placeholder left."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=60_000)


def session(url: str, opens: int, touched: list[int]) -> tuple[list[float], list[float]]:
    """(open times ms, act times ms); `touched` receives the ids of the mentions acted on as they are."""
    open_ms: list[float] = []
    act_ms: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(url)
        try:
            _triage(page, opens, open_ms, act_ms, touched)
        except AssertionError:
            page.screenshot(path=ROOT / "bench" / "output" / "browser-failed.png")  # what the page showed
            raise
        browser.close()
    return open_ms, act_ms


def _triage(page: Page, opens: int, open_ms: list[float], act_ms: list[float], touched: list[int]) -> None:
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible(timeout=300_000)
    settled(page)
    cards = page.locator("[class*='st-key-open_']")
    expect(cards.first).to_be_visible()
    ids = [_key_id(cards.nth(index).get_attribute("class") or "") for index in range(min(opens + 1, cards.count()))]
    # Untimed: the first detail of a fresh server may wait for the reply checker's dictionaries (loaded in the
    # background from start-up); a user meets that once per server, not once per mention.
    page.locator(f".st-key-open_{ids[-1]} button").click()
    expect(page.locator(f".st-key-posted_{ids[-1]}")).to_be_attached(timeout=300_000)
    settled(page)
    for mention_id in ids[:-1]:
        started = time.perf_counter()
        page.locator(f".st-key-open_{mention_id} button").click()
        expect(page.locator(f".st-key-posted_{mention_id}")).to_be_attached(timeout=60_000)  # its actions
        settled(page)
        open_ms.append((time.perf_counter() - started) * 1000)
        review = page.locator(".st-key-act_review button")
        if review.count():
            started = time.perf_counter()
            review.click()
            expect(page.get_by_text("Saved.")).to_be_visible()
            settled(page)
            act_ms.append((time.perf_counter() - started) * 1000)
            touched.append(mention_id)


def _key_id(classes: str) -> int:
    """The mention id in an Open button's container class (st-key-open_<id>)."""
    return int(next(c for c in classes.split() if c.startswith("st-key-open_")).removeprefix("st-key-open_"))


def summary(name: str, samples: list[float]) -> dict:
    if not samples:
        return {"name": name, "runs": 0}
    p95 = percentile(samples, 95)
    return {"name": name, "runs": len(samples), "p50_ms": round(percentile(samples, 50), 1), "p95_ms": round(p95, 1),
            "target_ms": TARGET_MS, "ok": p95 <= TARGET_MS}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "output" / "mentions-1m.db")
    parser.add_argument("--mentions", type=int, default=1_000_000, help="size of the database built when missing")
    parser.add_argument("--opens", type=int, default=20)
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    if not args.db.exists():
        from bench.dataset import build

        print(f"building {args.db} with {args.mentions:,} mentions (once; reused afterwards)", file=sys.stderr)
        args.db.parent.mkdir(parents=True, exist_ok=True)
        build(args.db, args.mentions)
    store = open_store(args.db)  # migrations first, so the dashboard does not time them
    mentions = store.count_mentions()
    port = free_port()
    process = start_dashboard(args.db, port)
    touched: list[int] = []
    try:
        open_ms, act_ms = session(f"http://127.0.0.1:{port}", args.opens, touched)
    finally:
        process.terminate()
        process.wait(timeout=30)
        with store.transaction():  # leave the benchmark database as it was: Start review acts only on new ones
            for mention_id in touched:
                store._conn.execute("UPDATE mentions SET status = 'new' WHERE id = ?", (mention_id,))
                store._conn.execute("DELETE FROM events WHERE mention_id = ? AND actor = 'demo'", (mention_id,))
        store.close()
    results = [summary("open a mention (click to settled)", open_ms), summary("start review (click to Saved.)", act_ms)]
    print(f"\n{mentions:,} mentions in {args.db}; headless Chromium, 1400 x 1000")
    for row in results:
        if row["runs"]:
            print(f"{row['name']:40s} p50 {row['p50_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  "
                  f"target {TARGET_MS:.0f} ms  {'ok' if row['ok'] else 'MISSED'}  ({row['runs']} runs)")
    print(json.dumps({"benchmark": "browser", "mentions": mentions, "results": results}))


if __name__ == "__main__":
    main()
