"""The dashboard of an install serving two clinics (Streamlit AppTest): each user sees only their workspaces, and
no link, search or page of one clinic shows anything of the other."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from storage.users import read_users, write_users
from tests.dashboard_fixtures import DASHBOARD
from tests.workspace_fixtures import PASSWORD, build_install

# Words of Vita's mention as the page writes them (cards escape punctuation as HTML entities) and its name.
VITA_WORDS = ("Vitaprivate", "Kowalczyk", "Vita Clinic")


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = build_install(tmp_path)
    monkeypatch.setenv("CLINICWATCH_CONFIG", str(path))
    monkeypatch.delenv("CLINICWATCH_USERS", raising=False)
    return path


def signed_in_as(username: str, **query: str) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    app.text_input(key="login_username").set_value(username)
    app.text_input(key="login_password").set_value(PASSWORD)
    app.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def page_text(app: AppTest) -> str:
    """Everything the page shows as text, sidebar included."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "text", "title", "subheader", "error", "warning", "info", "success"):
        parts += [str(element.value) for element in getattr(app, kind)]
    parts += [str(element.value) for element in app.get("html")]  # the Inbox's cards and the open mention
    parts += [str(box.options) for box in app.selectbox]
    parts += [frame.value.to_csv() for frame in app.dataframe]
    return "\n".join(parts)


def shows_nothing_of_vita(app: AppTest, words: tuple[str, ...] = VITA_WORDS) -> None:
    text = page_text(app)
    assert not [word for word in words if word in text], text[:2000]


def test_staff_of_one_clinic_sees_only_it(install: Path) -> None:
    app = signed_in_as("sam")
    picker = app.sidebar.selectbox(key="workspace")
    assert picker.options == ["Salus Medica"]  # vita is not even named
    assert app.query_params["ws"] in ("salus", ["salus"])  # the address names the workspace
    assert "Salus Medica" in page_text(app)
    shows_nothing_of_vita(app)


def test_a_link_to_another_clinics_mention_opens_nothing_of_it(install: Path) -> None:
    app = signed_in_as("sam", ws="vita", mention="8")
    assert "a workspace you cannot open" in page_text(app)
    shows_nothing_of_vita(app)
    # The same for a workspace that does not exist: no way to tell the two apart.
    gone = signed_in_as("sam", ws="nowhere", mention="8")
    assert [e.value for e in gone.error] == [e.value for e in app.error]
    # Vita's mention number inside Salus is just a number Salus does not have.
    same_id = signed_in_as("sam", mention="8")
    assert "The linked mention (8) does not exist" in page_text(same_id)
    shows_nothing_of_vita(same_id)


def test_search_in_one_clinic_never_finds_the_others_words(install: Path) -> None:
    app = signed_in_as("sam")
    app.text_input(key="f_search").set_value("oncology").run()  # a word only Vita's mention has
    assert not app.exception
    text = page_text(app)
    assert "Nothing matched the search “oncology”." in text
    assert "Vitaprivate" not in text and "Kowalczyk" not in text


def test_an_admin_of_both_follows_a_link_into_vita_and_switches_back_to_salus(install: Path) -> None:
    app = signed_in_as("ada", ws="vita", mention="8")
    assert "Vitaprivate" in page_text(app)  # the linked mention, opened in its own workspace
    app.sidebar.selectbox(key="workspace").set_value("salus").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.query_params["ws"] == "salus"
    assert app.query_params.get("mention") != "8"  # ids are per workspace: Vita's open mention is left behind
    shows_nothing_of_vita(app, VITA_WORDS[:2])  # Vita stays in her picker, its mentions stay out of Salus
    app.sidebar.radio(key="nav").set_value("settings").run()
    users = page_text(app)
    assert "sam" in users and "val" not in users  # Salus's admin page lists Salus's users only


def test_a_user_in_no_workspace_is_told_so(install: Path) -> None:
    users = install.parent / "users.yaml"
    data = read_users(users)
    data["credentials"]["usernames"]["val"]["workspaces"] = {}
    write_users(users, data)
    app = signed_in_as("val")
    assert "does not belong to any clinic" in page_text(app)
    shows_nothing_of_vita(app)


def test_staff_removed_from_the_workspace_mid_session_can_no_longer_act(install: Path) -> None:
    app = signed_in_as("val")
    assert "Vitaprivate" in page_text(app)
    users = install.parent / "users.yaml"
    data = read_users(users)
    data["credentials"]["usernames"]["val"]["workspaces"] = {}
    write_users(users, data)
    app.run()
    assert not app.exception
    shows_nothing_of_vita(app)


def sign_in_events(store_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(store_path) as conn:
        return conn.execute("SELECT actor, action FROM events WHERE mention_id IS NULL ORDER BY id").fetchall()


def test_sign_ins_join_the_audit_trail_of_each_workspace_the_user_works_in(install: Path) -> None:
    signed_in_as("sam")
    signed_in_as("ada")
    salus = sign_in_events(install.parent / "salus" / "data" / "dashboard.db")
    vita = sign_in_events(install.parent / "vita" / "data" / "dashboard.db")
    assert salus == [("sam", "login"), ("ada", "login")]
    assert vita == [("ada", "login")]  # sam does not work for Vita: Vita's trail never names him
