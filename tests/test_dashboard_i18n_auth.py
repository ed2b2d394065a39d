"""The translation catalogue is complete; users are stored with hashed passwords only."""
from __future__ import annotations

import stat
import string

import pytest

from core import labels
from core.i18n import CATALOGUE, LANGUAGES, label, t
from storage.users import UserExists, add_user, list_users, read_users, set_user_language
from ui import auth


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_label_has_all_languages_with_the_same_placeholders():
    for key, texts in CATALOGUE.items():
        assert len(texts) == len(LANGUAGES) and all(x.strip() for x in texts), key
        assert len({frozenset(_placeholders(x)) for x in texts}) == 1, key


@pytest.mark.parametrize(
    "prefix, values",
    [("kind", labels.KINDS), ("sentiment", labels.SENTIMENTS), ("topic", labels.TOPICS),
     ("status", labels.WORKFLOW_STATUSES), ("reason", getattr(labels, "URGENCY_REASONS", ()))],
)
def test_every_vocabulary_value_is_translated(prefix, values):
    for value in values:
        assert f"{prefix}_{value}" in CATALOGUE
    assert label("kind", "complaint", "pl") == "skarga" and label("kind", "unknown-x", "it") == "unknown-x"
    assert t("page_inbox", "xx") == "Inbox"  # unknown UI language falls back to English


def test_add_user_keeps_only_a_bcrypt_hash(tmp_path):
    path = tmp_path / "users.yaml"
    add_user(path, "Anna", "Anna K", "long-secret-1", "manager", language="it")
    text = path.read_text()
    assert "long-secret-1" not in text and "$2b$" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list_users(path) == [{"username": "anna", "name": "Anna K", "role": "manager", "language": "it"}]
    add_user(path, "bob", "Bob", "long-secret-2", "staff")
    assert "cookie" not in read_users(path)  # no remember-me, so no cookie signing key
    set_user_language(path, "bob", "pl")
    assert [u["language"] for u in list_users(path)] == ["it", "pl"]
    with pytest.raises(UserExists, match="user 'bob' already exists"):
        add_user(path, "Bob", "Bob", "long-secret-3", "admin")
    add_user(path, "bob", "Bob", "long-secret-3", "admin", replace=True)
    assert [u["role"] for u in list_users(path)] == ["manager", "admin"]


@pytest.mark.parametrize(
    "username, password, role, message",
    [("x y", "long-secret-1", "staff", "username"), ("anna", "short", "staff", "password"),
     ("anna", "long-secret-1", "root", "role"), ("anna", "long-secret-1", "staff", "language")],
)
def test_add_user_rejects_bad_input(tmp_path, username, password, role, message):
    with pytest.raises(ValueError, match=message):
        add_user(tmp_path / "users.yaml", username, "Name", password, role, "de" if message == "language" else "en")
    assert not (tmp_path / "users.yaml").exists()


def test_roles_limit_pages():
    assert auth.User("a", "A", "staff").can_open("inbox") and not auth.User("a", "A", "staff").can_open("trends")
    assert auth.User("m", "M", "manager").can_open("trends") and not auth.User("m", "M", "manager").can_open("settings")
    assert all(auth.User("r", "R", "admin").can_open(p) for p in ("inbox", "trends", "sources", "settings"))
