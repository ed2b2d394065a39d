"""The CLI end to end, as a user runs it: real subprocesses, real loopback HTTP, a real SQLite file."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomli_w

from clinicwatch.demo import DEMO_CONFIG, DEMO_DIR, DEMO_GOOGLE_ENV
from tests.loopback import Response

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clinicwatch", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, **kwargs)


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM mentions").fetchone()[0]


def demo_copy(tmp_path: Path, files: Path | str = DEMO_DIR) -> Path:
    """The shipped demo config with its database under tmp_path and its [demo] folder given absolutely."""
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    assert 'database = "data/demo.db"' in text and 'files = "."' in text, "demo.toml changed; update demo_copy"
    text = text.replace('database = "data/demo.db"', f'database = "{tmp_path / "demo.db"}"')
    config = tmp_path / "demo.toml"
    config.write_text(text.replace('files = "."', f'files = "{files}"'), encoding="utf-8")
    return config


def test_collect_once_twice_on_the_demo_config_stores_the_same_mentions(tmp_path):
    # No Google credentials in the environment: the demo config's [demo] table supplies its fictional ones,
    # and its sources' demo.invalid addresses are served from the bundled files on loopback.
    without_google = {k: v for k, v in os.environ.items() if k not in DEMO_GOOGLE_ENV}
    config = demo_copy(tmp_path)
    first = cli("collect", "--once", "--config", str(config), env=without_google)
    assert first.returncode == 0, first.stderr + first.stdout
    stored = count(tmp_path / "demo.db")
    assert f"{stored} mentions stored in {tmp_path / 'demo.db'}" in " ".join(first.stderr.split())
    assert "demo.invalid" not in first.stdout + first.stderr
    second = cli("collect", "--once", "--config", str(config), env=without_google)
    assert second.returncode == 0, second.stderr
    assert stored >= 25
    assert count(tmp_path / "demo.db") == stored
    status = cli("status", "--config", str(config), env=without_google)
    assert status.returncode == 0
    assert "google-alerts-pl" in status.stdout and f"{stored} mentions" in status.stdout
    # Outside a collection the fictional credentials are not there: status names what the Google source lacks.
    assert "GOOGLE_REFRESH_TOKEN" in status.stdout


def test_demo_takes_config_and_refuses_a_real_one(tmp_path):
    built = cli("demo", "--config", str(demo_copy(tmp_path)))
    assert built.returncode == 0, built.stderr
    assert count(tmp_path / "demo.db") >= 25
    real = _config(tmp_path, {})
    refused = cli("demo", "--config", str(real))
    assert refused.returncode == 2
    assert "is not a demo config" in refused.stderr and "collect --once" in refused.stderr
    missing = cli("collect", "--once", "--config", str(demo_copy(tmp_path, files=tmp_path / "nowhere")))
    assert missing.returncode == 2
    assert "demo.files: no folder" in missing.stderr


def test_demo_command_builds_a_database(tmp_path):
    result = cli("demo", "--database", str(tmp_path / "d.db"))
    assert result.returncode == 0, result.stderr
    assert count(tmp_path / "d.db") >= 25
    with sqlite3.connect(tmp_path / "d.db") as conn:
        kinds = dict(conn.execute("SELECT source_kind, count(*) FROM mentions GROUP BY source_kind").fetchall())
    # The fictional Google location and ZnanyLekarz profile come through the real collectors.
    assert kinds.get("google_reviews") == 4 and kinds.get("docplanner") == 3
    with sqlite3.connect(tmp_path / "d.db") as conn:
        langs = {r[0] for r in conn.execute("SELECT DISTINCT declared_language FROM mentions")}
    assert {"pl", "it", "en"} <= langs


@pytest.mark.parametrize(
    "body, expected",
    [
        ("clinic_name = 'x'\n[brand]\nnames = ['x']\ncolour = 1\n", "brand.colour: unknown key"),
        ("[brand]\nnames = ['x']\n", "clinic_name: required key is missing"),
        ("clinic_name = 'x'\nretention_days = 'never'\n[brand]\nnames = ['x']\n", "retention_days:"),
    ],
)
def test_bad_config_exits_non_zero_with_one_line(tmp_path, body, expected):
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    result = cli("status", "--config", str(path))
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("term", ["", "-", "  "])
def test_blank_or_symbol_only_brand_name_is_refused_by_status_and_collect(tmp_path, loopback, term):
    loopback.routes["/f.xml"] = lambda r: Response(200, _rss(0, 2), {"Content-Type": "application/rss+xml"})
    config = _config(tmp_path, {"f": loopback.url("/f.xml")})
    config.write_text(config.read_text(encoding="utf-8").replace('names = [\n    "Salus",\n]', f"names = [{term!r}]"),
                      encoding="utf-8")
    assert f"names = [{term!r}]" in config.read_text(encoding="utf-8")
    for command in (("status",), ("collect", "--once")):
        result = cli(*command, "--config", str(config))
        assert result.returncode == 2, result.stderr
        assert "brand.names[0]: a brand term needs at least one letter or digit" in result.stderr
        assert "Traceback" not in result.stderr
    assert not loopback.requests


def test_failing_source_exits_non_zero_while_others_are_stored(tmp_path, loopback):
    loopback.routes["/ok.xml"] = lambda r: Response(200, _rss(0, 5), {"Content-Type": "application/rss+xml"})
    loopback.routes["/broken.xml"] = lambda r: Response(500, b"oops")
    config = _config(tmp_path, {"ok": loopback.url("/ok.xml"), "broken": loopback.url("/broken.xml")})
    result = cli("collect", "--once", "--config", str(config))
    assert result.returncode == 3
    assert "1 of 2 sources failed: broken" in result.stderr
    assert count(tmp_path / "cw.db") == 5


def test_run_loop_stops_cleanly_on_sigterm(tmp_path, loopback):
    loopback.routes["/f.xml"] = lambda r: Response(200, _rss(0, 3), {"Content-Type": "application/rss+xml"})
    config = _config(tmp_path, {"f": loopback.url("/f.xml")})
    proc = subprocess.Popen([sys.executable, "-m", "clinicwatch", "run", "--config", str(config)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _has_mentions(tmp_path / "cw.db", 3):
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped cleanly" in err
    assert count(tmp_path / "cw.db") == 3


def _has_mentions(db: Path, n: int) -> bool:
    try:
        return db.exists() and count(db) >= n
    except sqlite3.OperationalError:
        return False


def _config(tmp_path: Path, feeds: dict[str, str], concurrency: int = 8) -> Path:
    raw = {
        "clinic_name": "Salus Medica",
        "database": str(tmp_path / "cw.db"),
        "brand": {"names": ["Salus"]},
        "sources": [{"name": n, "kind": "feed", "url": u, "interval_minutes": 60} for n, u in feeds.items()],
        "http": {"allow_private_addresses": True, "concurrency": concurrency, "retries": 0, "timeout_seconds": 10},
    }
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    return path


def _rss(start: int, n: int) -> bytes:
    items = "".join(
        f"<item><guid>item-{i}</guid><title>Wpis {i}</title><link>https://forum.example/{i}</link>"
        f"<description>Opinia numer {i} o przychodni Salus na Mokotowie.</description>"
        f"<pubDate>Fri, 20 Nov 2026 10:{i % 60:02d}:00 +0000</pubDate></item>"
        for i in range(start, start + n)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def test_add_user_stores_only_a_hash(tmp_path):
    config = _config(tmp_path, {})
    env = {**os.environ, "CLINICWATCH_USERS": str(tmp_path / "users.yaml")}
    result = cli("add-user", "ala", "--role", "staff", "--config", str(config), input="s3cret-pass\ns3cret-pass\n",
                 env=env)
    assert result.returncode == 0, result.stderr
    stored = (tmp_path / "users.yaml").read_text()
    assert "ala" in stored and "s3cret-pass" not in stored and "$2b$" in stored
    # The first user turns login on for the dashboard, the local demo included: the command says so.
    assert "first user" in result.stderr and "sign in" in result.stderr
    # A clean terminal: no Streamlit warnings, no getpass warning about echoing a piped password.
    assert "user 'ala' (staff) added" in result.stderr
    assert not [line for line in result.stderr.splitlines() if "warning" in line.lower() or "streamlit" in line.lower()]


def test_add_user_checks_the_role_before_asking_for_the_password(tmp_path):
    config = _config(tmp_path, {})
    env = {**os.environ, "CLINICWATCH_USERS": str(tmp_path / "users.yaml")}
    for args in (("--role", "boss"), ("--role", "staff", "--language", "de")):
        bad = cli("add-user", "ola", *args, "--config", str(config), input="", env=env)
        assert bad.returncode == 2, bad.stderr
        assert ("role: must be one of staff, manager, admin (got 'boss')" in bad.stderr
                or "language: must be one of pl, it, en (got 'de')" in bad.stderr)
        assert "password" not in bad.stderr.lower()  # refused before the prompt, not after it
    assert not (tmp_path / "users.yaml").exists()


def test_add_user_replaces_an_existing_user_only_with_replace(tmp_path):
    config = _config(tmp_path, {})
    env = {**os.environ, "CLINICWATCH_USERS": str(tmp_path / "users.yaml")}
    assert cli("add-user", "ala", "--role", "staff", "--config", str(config), input="s3cret-pass\n",
               env=env).returncode == 0
    before = (tmp_path / "users.yaml").read_bytes()
    again = cli("add-user", "Ala", "--role", "admin", "--config", str(config), input="other-pass-1\n", env=env)
    assert again.returncode == 2
    assert "user 'ala' already exists" in again.stderr and "--replace" in again.stderr
    assert (tmp_path / "users.yaml").read_bytes() == before
    replaced = cli("add-user", "ala", "--role", "admin", "--replace", "--config", str(config),
                   input="other-pass-1\n", env=env)
    assert replaced.returncode == 0, replaced.stderr
    assert "user 'ala' (admin) replaced" in replaced.stderr
    assert "first user" not in replaced.stderr  # login was already on
    assert "- admin" in (tmp_path / "users.yaml").read_text()


def test_retrain_learns_from_staff_labels_and_the_pipeline_uses_the_model(tmp_path):
    from collectors.registry import load_config
    from storage import open_store
    from storage.labels_repo import add_labels

    built = cli("demo", "--database", str(tmp_path / "cw.db"))
    assert built.returncode == 0, built.stderr
    config = tmp_path / "cw.toml"
    config.write_text((ROOT / "data/demo/demo.toml").read_text().replace('database = "data/demo.db"',
                                                                          f'database = "{tmp_path / "cw.db"}"'))
    empty = cli("retrain", "--config", str(config))
    store = open_store(tmp_path / "cw.db")
    rows = list(store._conn.execute("SELECT id FROM mentions ORDER BY id"))
    add_labels(store, [(mention_id, "sentiment", "negative" if i % 2 else "positive")
                       for i, (mention_id,) in enumerate(rows)], "staff")
    store.close()
    trained = cli("retrain", "--config", str(config))
    assert trained.returncode == 0, trained.stderr + trained.stdout
    assert "model-v" in trained.stderr
    # Every demo mention has a staff sentiment label, so the staff's labels win over every rating.
    assert "the stars of 0 rated review(s) as weak sentiment labels" in " ".join(trained.stderr.split())
    assert (tmp_path / "models" / "CURRENT").exists()
    cfg = load_config(config)
    assert cfg.model_dir == tmp_path / "models"
    from clinicwatch.pipeline import Pipeline

    store = open_store(cfg.database)
    with Pipeline(cfg, store) as pipeline:
        assert pipeline.analyzer.model_version.startswith("model-v")
    store.close()
    assert empty.returncode in (0, 1)  # with no labels it either trains an empty model or says why, never crashes
    assert "Traceback" not in empty.stderr


def test_alerts_check_without_recipients_warns_that_nothing_can_be_delivered(tmp_path):
    config = _config(tmp_path, {})
    bare = cli("alerts-check", "--config", str(config))
    assert bare.returncode == 0, bare.stderr
    assert "alerts:" in bare.stdout
    warning = " ".join(bare.stderr.split())
    assert "no alert recipients, so nothing can be delivered" in warning
    assert "alerts.email_to" in warning and "alerts.webhooks" in warning and str(config) in warning
    with_recipient = config.read_text(encoding="utf-8") + '\n[alerts]\nemail_to = ["pr@salus.example"]\n'
    config.write_text(with_recipient, encoding="utf-8")
    configured = cli("alerts-check", "--config", str(config))
    assert configured.returncode == 0, configured.stderr
    assert "nothing can be delivered" not in configured.stderr


def test_collect_once_over_a_workspaces_file_fills_each_clinics_own_store(tmp_path):
    without_google = {k: v for k, v in os.environ.items() if k not in DEMO_GOOGLE_ENV}
    for clinic in ("salus", "vita"):
        (tmp_path / clinic).mkdir()
        demo_copy(tmp_path / clinic)
    install = tmp_path / "workspaces.toml"
    install.write_text('users = "users.yaml"\n\n[[workspace]]\nid = "salus"\nconfig = "salus/demo.toml"\n\n'
                       '[[workspace]]\nid = "vita"\nconfig = "vita/demo.toml"\n', encoding="utf-8")
    only_vita = cli("collect", "--once", "--config", str(install), "-w", "vita", env=without_google)
    assert only_vita.returncode == 0, only_vita.stderr + only_vita.stdout
    assert count(tmp_path / "vita" / "demo.db") >= 25 and not (tmp_path / "salus" / "demo.db").exists()
    both = cli("collect", "--once", "--config", str(install), env=without_google)
    assert both.returncode == 0, both.stderr + both.stdout
    assert "workspace salus" in both.stderr and "workspace vita" in both.stderr
    assert count(tmp_path / "salus" / "demo.db") == count(tmp_path / "vita" / "demo.db")  # the same sources
    unknown = cli("collect", "--once", "--config", str(install), "-w", "nope", env=without_google)
    assert unknown.returncode == 2 and "no workspace 'nope'" in unknown.stderr


def test_run_over_a_workspaces_file_collects_every_clinic_into_its_own_store(tmp_path, loopback):
    loopback.routes["/salus.xml"] = lambda r: Response(200, _rss(0, 3), {"Content-Type": "application/rss+xml"})
    loopback.routes["/vita.xml"] = lambda r: Response(200, _rss(10, 2), {"Content-Type": "application/rss+xml"})
    for clinic in ("salus", "vita"):
        (tmp_path / clinic).mkdir()
        _config(tmp_path / clinic, {clinic: loopback.url(f"/{clinic}.xml")})
    install = tmp_path / "workspaces.toml"
    install.write_text('[[workspace]]\nid = "salus"\nconfig = "salus/config.toml"\n\n'
                       '[[workspace]]\nid = "vita"\nconfig = "vita/config.toml"\n', encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "clinicwatch", "run", "--config", str(install)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (_has_mentions(tmp_path / "salus" / "cw.db", 3)
                                               and _has_mentions(tmp_path / "vita" / "cw.db", 2)):
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "of 2 clinics" in err and "stopped cleanly" in err
    assert (count(tmp_path / "salus" / "cw.db"), count(tmp_path / "vita" / "cw.db")) == (3, 2)
