"""Settings → brand terms and channels through AppTest: validated before writing, the file's comments kept."""
from __future__ import annotations

import tomllib

import bcrypt
import pytest
from streamlit.testing.v1 import AppTest

from collectors.registry import load_config
from storage.users import add_user, list_users, read_users, remove_user
from tests.dashboard_fixtures import DASHBOARD, run_app

SAVE = "FormSubmitter:settings_form-Validate and save"


@pytest.mark.parametrize("term", ["-", "—/!"])  # blank lines are not terms in the text area
def test_a_symbol_only_brand_name_is_refused_with_its_key_path_and_nothing_saved(demo, term):
    before = demo["config"].read_bytes()
    app = run_app("settings")
    app.text_area(key="set_names").set_value(f"Salus Medica\n{term}")
    app.button(key=SAVE).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.error and "brand.names[1]: a brand term needs at least one letter or digit" in app.error[0].value
    assert str(demo["config"].parent) not in app.error[0].value  # the key path, not the server's file path
    assert not app.success
    assert demo["config"].read_bytes() == before
    assert not list(demo["config"].parent.glob("*.bak"))


COMMENTED = {
    "top": "# Salus Medica's monitoring: ask the PR team before changing sources.",
    "brand": "# Names as patients write them (see the 2026 survey).",
    "exclusions": "# Latin mottos, not the clinic",
    "channels": "# Numbers checked with reception in November.",
}


def _with_comments(text: str) -> str:
    text = f"{COMMENTED['top']}\n{text}"
    text = text.replace("[brand]\n", f"[brand]\n{COMMENTED['brand']}\n")
    text = text.replace('exclusions = ["salus populi"]', f'exclusions = ["salus populi"]  {COMMENTED["exclusions"]}')
    return text.replace("[channels.pl]\n", f"{COMMENTED['channels']}\n[channels.pl]\n")


def test_saving_keeps_the_files_comments_and_key_order(demo):
    demo["config"].write_text(_with_comments(demo["config"].read_text(encoding="utf-8")), encoding="utf-8")
    before = demo["config"].read_text(encoding="utf-8")
    assert all(comment in before for comment in COMMENTED.values())
    app = run_app("settings")
    app.text_area(key="set_aliases").set_value("SalusMedica\nCentrum Medyczne Salus")
    assert app.text_input(key="set_ch_pl_hotline").value == "+48 22 100 20 30"
    app.text_input(key="set_ch_pl_hotline").set_value("+48 22 100 20 31")
    app.text_input(key="set_ch_pl_email").set_value("")  # an emptied box removes that channel
    app.text_input(key="set_ch_en_whatsapp").set_value("https://wa.me/48221002030")  # a new one is added
    app.button(key=SAVE).click().run()
    assert not app.error, [e.value for e in app.error]
    after = demo["config"].read_text(encoding="utf-8")
    for name, comment in COMMENTED.items():
        assert comment in after, name  # channels are edited value by value: their comment stays too
    assert list(tomllib.loads(after)) == list(tomllib.loads(before))  # the same keys, in the same order
    assert [line for line in after.splitlines() if line.startswith("[")] == \
        [line for line in before.splitlines() if line.startswith("[")]
    config = load_config(demo["config"])
    assert config.brand.aliases == ["SalusMedica", "Centrum Medyczne Salus"]
    assert config.channels["pl"].hotline == "+48 22 100 20 31"
    assert config.channels["pl"].email is None
    assert str(config.channels["en"].whatsapp) == "https://wa.me/48221002030" and config.channels["en"].email


def test_saving_only_terms_keeps_the_channels_comments_too(demo):
    demo["config"].write_text(_with_comments(demo["config"].read_text(encoding="utf-8")), encoding="utf-8")
    app = run_app("settings")
    app.text_area(key="set_doctors").set_value("dr Anna Kowalska\ndr Marek Nowak")
    app.button(key=SAVE).click().run()
    assert not app.error, [e.value for e in app.error]
    after = demo["config"].read_text(encoding="utf-8")
    assert all(comment in after for comment in COMMENTED.values())
    assert load_config(demo["config"]).brand.doctors == ["dr Anna Kowalska", "dr Marek Nowak"]


def _settings_as(role: str) -> None:
    """Settings rendered for a user of `role`, whatever the navigation offers them."""
    import os
    from pathlib import Path

    from collectors.registry import load_config
    from storage import open_store
    from ui.auth import User
    from ui.components import Context
    from ui.pages import settings

    config = load_config(os.environ["CLINICWATCH_CONFIG"])
    users_file = Path(os.environ["CLINICWATCH_USERS"])
    settings.render(Context(config=config, store=open_store(config.database), user=User("ola", "Ola", role),
                            users_file=users_file))


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_settings_shows_non_admins_no_server_path(demo, role):
    app = AppTest.from_function(_settings_as, args=(role,), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    shown = " ".join(str(getattr(element, "value", "")) for element in app.main)
    assert str(demo["config"].parent) not in shown
    assert app.error and "cannot open this page" in app.error[0].value
    assert not app.text_area  # no terms, channels, templates or users


def test_add_user_form_keeps_its_entries_after_an_error_and_clears_after_success(demo):
    add_user(demo["users"], "ada", "Ada Admin", "long-secret-1", "admin")
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    app.text_input[0].set_value("ada")
    app.text_input[1].set_value("long-secret-1")
    app.button[0].click().run()
    app.sidebar.radio(key="nav").set_value("settings").run()
    assert not app.exception, [e.value for e in app.exception]
    app.text_input(key="nu_username").set_value("ola")
    app.text_input(key="nu_name").set_value("Ola Nowak")
    app.text_input(key="nu_password").set_value("short")
    app.button(key="FormSubmitter:add_user_form-Add user").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.error and "password" in app.error[0].value
    assert app.text_input(key="nu_username").value == "ola" and app.text_input(key="nu_name").value == "Ola Nowak"
    assert "ola" not in demo["users"].read_text(encoding="utf-8")
    app.text_input(key="nu_password").set_value("long-enough-1")
    app.button(key="FormSubmitter:add_user_form-Add user").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("ola" in success.value for success in app.success)
    assert app.text_input(key="nu_username").value == "" and app.text_input(key="nu_password").value == ""
    assert "ola" in demo["users"].read_text(encoding="utf-8")


def _signed_in_settings(users) -> AppTest:
    add_user(users, "ada", "Ada Admin", "long-secret-1", "admin")
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    app.text_input[0].set_value("ada")
    app.text_input[1].set_value("long-secret-1")
    app.button[0].click().run()
    app.sidebar.radio(key="nav").set_value("settings").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_an_admin_sets_a_new_password_and_removes_a_user_but_not_themselves(demo):
    add_user(demo["users"], "ola", "Ola", "first-pass-1", "staff")
    app = _signed_in_settings(demo["users"])
    app.selectbox(key="mu_user").set_value("ola")
    app.text_input(key="mu_password").set_value("second-pass-2")
    app.button(key="FormSubmitter:manage_user_form-Set new password").click().run()
    assert not app.error, [e.value for e in app.error]
    stored = read_users(demo["users"])["credentials"]["usernames"]["ola"]
    assert bcrypt.checkpw(b"second-pass-2", stored["password"].encode()) and stored["roles"] == ["staff"]
    app.selectbox(key="mu_user").set_value("ada")
    app.button(key="FormSubmitter:manage_user_form-Remove user").click().run()
    assert app.error and "cannot remove yourself" in app.error[0].value
    app.selectbox(key="mu_user").set_value("ola")
    app.button(key="FormSubmitter:manage_user_form-Remove user").click().run()
    assert not app.error, [e.value for e in app.error]
    assert [user["username"] for user in list_users(demo["users"])] == ["ada"]
    assert any("ola" in success.value for success in app.success)


def test_the_last_admin_cannot_be_removed(tmp_path):
    path = tmp_path / "users.yaml"
    add_user(path, "ada", "Ada", "long-secret-1", "admin")
    add_user(path, "ola", "Ola", "long-secret-2", "staff")
    with pytest.raises(ValueError, match="last admin"):
        remove_user(path, "ada")
    add_user(path, "bea", "Bea", "long-secret-3", "admin")
    remove_user(path, "ada")
    assert [user["username"] for user in list_users(path)] == ["bea", "ola"]


def test_the_sidebar_tells_admins_which_config_and_database_it_reads(demo):
    app = run_app()  # the local no-login user is an admin
    footer = " ".join(caption.value for caption in app.sidebar.caption)
    assert f"Config: {demo['config']}" in footer and f"database: {demo['database']}" in footer
    assert not any("Demo data" in info.value for info in app.sidebar.info)  # a real install's config


def test_the_sidebar_marks_the_demo_and_hides_paths_from_staff(demo):
    demo["config"].write_text(demo["config"].read_text(encoding="utf-8").replace(
        "[brand]", '[demo]\nfiles = "."\n\n[brand]', 1), encoding="utf-8")
    app = run_app()
    assert any("Demo data" in info.value for info in app.sidebar.info)
    add_user(demo["users"], "ola", "Ola", "long-secret-2", "staff")
    staff = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    staff.text_input[0].set_value("ola")
    staff.text_input[1].set_value("long-secret-2")
    staff.button[0].click().run()
    assert not staff.exception, [e.value for e in staff.exception]
    shown = " ".join(caption.value for caption in staff.sidebar.caption)
    assert "Ola" in shown and str(demo["config"]) not in shown and str(demo["database"]) not in shown
