"""Sessions through AppTest: log out, failed-login lock, roles read again on every rerun, no remember-me key."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from storage.users import add_user, read_users, write_users
from tests.dashboard_fixtures import build_demo
from ui import login_guard

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PASSWORD = "correct-horse-9"


@pytest.fixture
def site(tmp_path, monkeypatch):
    config_path, _ = build_demo(tmp_path)
    users = tmp_path / "users.yaml"
    monkeypatch.setenv("CLINICWATCH_CONFIG", str(config_path))
    monkeypatch.setenv("CLINICWATCH_USERS", str(users))
    add_user(users, "ada", "Ada Admin", PASSWORD, "admin")
    return users


def start() -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def submit(app: AppTest, username: str, password: str) -> AppTest:
    app.text_input(key="login_username").set_value(username)
    app.text_input(key="login_password").set_value(password)
    app.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def audit_trail(users: Path) -> list[tuple[str, str]]:
    """(actor, action) of the sign-in events in the dashboard's database, oldest first."""
    with sqlite3.connect(users.parent / "data" / "dashboard.db") as conn:
        return conn.execute("SELECT actor, action FROM events WHERE mention_id IS NULL ORDER BY id").fetchall()


def signed_in(app: AppTest) -> bool:
    return any(r.key == "nav" for r in app.sidebar.radio)


def test_log_out_returns_to_the_login_form(site):
    app = submit(start(), "ada", PASSWORD)
    assert signed_in(app)
    app.sidebar.button(key="cw_logout").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not signed_in(app) and app.text_input(key="login_username")
    app.run()  # and stays signed out on the next rerun
    assert not signed_in(app)
    assert audit_trail(site) == [("ada", "login"), ("ada", "logout")]


def test_demotion_applies_at_the_next_rerun(site):
    app = submit(start(), "ada", PASSWORD)
    assert app.sidebar.radio(key="nav").options == ["Inbox", "Trends", "Sources", "Settings"]
    data = read_users(site)
    data["credentials"]["usernames"]["ada"]["roles"] = ["staff"]
    write_users(site, data)
    app.run()
    assert app.sidebar.radio(key="nav").options == ["Inbox"]


def test_a_deleted_user_is_signed_out(site):
    add_user(site, "bob", "Bob", "another-pass-1", "manager")
    app = submit(start(), "bob", "another-pass-1")
    assert signed_in(app)
    data = read_users(site)
    del data["credentials"]["usernames"]["bob"]
    write_users(site, data)
    app.run()
    assert not signed_in(app) and app.text_input(key="login_username")
    assert app.warning and "no longer exists" in app.warning[0].value


def test_the_right_password_is_refused_while_locked_then_accepted(site, monkeypatch):
    monkeypatch.setattr(login_guard, "FIRST_LOCK_SECONDS", 1.5)
    app = start()
    for _ in range(login_guard.USER_FREE_FAILURES):
        submit(app, "ada", "wrong-password")
    assert "Too many failed logins" in app.error[0].value
    submit(app, "ada", PASSWORD)
    assert not signed_in(app) and "Too many failed logins" in app.error[0].value
    # The lock is kept beside the users file: a new session (another tab) is locked too.
    assert not signed_in(submit(start(), "ada", PASSWORD))
    time.sleep(1.6)
    assert signed_in(submit(app, "ada", PASSWORD))
    failed = [("ada", "login_failed")] * login_guard.USER_FREE_FAILURES
    assert audit_trail(site) == [*failed, ("ada", "login_refused"), ("ada", "login_refused"), ("ada", "login")]


def test_a_users_file_without_a_cookie_key_signs_in(site):
    """Old files carry a cookie section, sometimes without its key: login must not need it."""
    data = yaml.safe_load(site.read_text())
    data["cookie"] = {"name": "clinicwatch_auth", "expiry_days": 7}
    site.write_text(yaml.safe_dump(data))
    assert signed_in(submit(start(), "ada", PASSWORD))


def test_add_user_writes_no_cookie_key_and_drops_an_old_one(tmp_path):
    path = tmp_path / "users.yaml"
    write_users(path, {"credentials": {"usernames": {}}, "cookie": {"name": "x", "key": "0" * 64, "expiry_days": 7}})
    add_user(path, "anna", "Anna", "long-secret-1", "staff")
    assert "cookie" not in yaml.safe_load(path.read_text())


def test_a_user_removed_while_the_page_is_open_acts_on_nothing(site):
    add_user(site, "sam", "Sam Staff", "staff-pass-12", "staff")
    app = submit(start(), "sam", "staff-pass-12")
    assert signed_in(app) and app.button(key="act_escalate")
    data = read_users(site)
    del data["credentials"]["usernames"]["sam"]
    write_users(site, data)
    # The button's callback runs before the script's sign-in check: it must refuse by itself.
    app.button(key="act_escalate").click().run()
    assert not app.exception, [e.value for e in app.exception]
    with sqlite3.connect(site.parent / "data" / "dashboard.db") as conn:
        escalated = conn.execute("SELECT count(*) FROM mentions WHERE status = 'escalated'").fetchone()[0]
    assert escalated == 0
    assert not signed_in(app)
