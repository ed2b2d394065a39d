"""Settings → Reply templates through AppTest: validated saves into the clinic's folder, used by the Inbox."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit.config as st_config
from streamlit.testing.v1 import AppTest

from collectors.registry import load_config
from replies import suggest, templates_dir_for
from replies.templates_loader import TEMPLATES_DIR, TemplateError, check_language_text, templates_for
from storage.store import open_store
from tests.dashboard_fixtures import build_demo, mention_id_by_title

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
SHIPPED_PL = (TEMPLATES_DIR / "pl.toml").read_text(encoding="utf-8")
WAITING_BLOCK = """waiting_time = [
  "Przepraszamy za tak długie oczekiwanie, rozumiemy, jak bardzo jest to frustrujące. {invite}",
  "Przykro nam, że czas oczekiwania był dłuższy, niż powinien. {invite}",
]"""
NEW_WORDING = "Bardzo przepraszamy, że kolejka w naszej placówce tak się wydłużyła."


def pl_with_waiting_time(*variants: str) -> str:
    """The shipped Polish templates with complaint.waiting_time replaced by `variants`."""
    assert SHIPPED_PL.count(WAITING_BLOCK) == 1, "the shipped pl.toml changed; update WAITING_BLOCK"
    lines = "".join(f'  "{variant}",\n' for variant in variants)
    return SHIPPED_PL.replace(WAITING_BLOCK, f"waiting_time = [\n{lines}]")


@pytest.fixture
def demo(tmp_path, monkeypatch):
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "127.0.0.1")  # the no-login demo user is an admin
    config_path, database = build_demo(tmp_path)
    monkeypatch.setenv("CLINICWATCH_CONFIG", str(config_path))
    monkeypatch.setenv("CLINICWATCH_USERS", str(tmp_path / "users.yaml"))
    store = open_store(database)
    shipped = {path.name: path.read_bytes() for path in TEMPLATES_DIR.glob("*.toml")}
    yield {"config": config_path, "store": store, "folder": tmp_path / "reply_templates"}
    store.close()
    st_config.set_option("server.address", before)
    assert {path.name: path.read_bytes() for path in TEMPLATES_DIR.glob("*.toml")} == shipped  # never edited


def settings_app(language: str = "pl") -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    app.sidebar.radio(key="nav").set_value("settings").run()
    app.selectbox(key="tpl_lang").set_value(language).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def save(app: AppTest, text: str, language: str = "pl") -> AppTest:
    app.text_area(key=f"tpl_text_{language}").set_value(text)
    app.button(key="tpl_save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def top_suggestion(app: AppTest, store) -> str:
    app.sidebar.radio(key="nav").set_value("inbox").run()
    assert not app.exception, [e.value for e in app.exception]
    top = mention_id_by_title(store, "Salus Medica – skandal")
    return app.text_area(key=f"reply_{top}").value


def test_valid_edit_is_written_to_the_clinic_folder_and_used_by_the_inbox(demo):
    app = settings_app()
    assert app.text_area(key="tpl_text_pl").value == SHIPPED_PL  # prefilled with the shipped default
    assert NEW_WORDING not in top_suggestion(app, demo["store"])

    edited = pl_with_waiting_time(NEW_WORDING + " {invite}")
    app = save(settings_app(), edited)
    assert not app.error and app.success
    override = demo["folder"] / "pl.toml"
    assert override.read_text(encoding="utf-8") == edited
    assert templates_dir_for(load_config(demo["config"])) == demo["folder"].resolve()

    reply = top_suggestion(app, demo["store"])
    assert reply.startswith(f"Szanowni Państwo,\n{NEW_WORDING} ")
    assert reply.endswith("Zespół Salus Medica")  # filled from the clinic's config

    app = settings_app()  # the editor now shows the clinic's own version
    assert app.text_area(key="tpl_text_pl").value == edited
    second = pl_with_waiting_time(NEW_WORDING + " Dziękujemy za cierpliwość. {invite}")
    save(app, second)
    assert override.read_text(encoding="utf-8") == second
    backups = list(demo["folder"].glob("pl.toml.*.bak"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == edited


def test_unknown_placeholder_names_the_template_and_changes_nothing(demo):
    app = save(settings_app(), pl_with_waiting_time(NEW_WORDING + " {invite}"))
    override = demo["folder"] / "pl.toml"
    before = override.read_bytes()
    files_before = sorted(p.name for p in demo["folder"].iterdir())

    app = save(settings_app(), pl_with_waiting_time("Prosimy dzwonić na {hotlne}. {invite}"))
    assert app.error
    assert "pl.complaint.waiting_time[0]: unknown placeholder {hotlne}" in app.error[0].value
    assert override.read_bytes() == before
    assert sorted(p.name for p in demo["folder"].iterdir()) == files_before  # no backup, no temporary file


def test_outcome_promise_is_refused_with_the_rule_named(demo):
    app = save(settings_app(), pl_with_waiting_time("Gwarantujemy wyleczenie. {invite}"))
    assert app.error
    message = app.error[0].value
    assert "pl.complaint.waiting_time[0]" in message and "promises_outcome" in message
    assert not demo["folder"].exists()  # nothing written, not even the folder


def test_validate_reports_findings_without_writing(demo):
    app = settings_app("it")
    text = app.text_area(key="tpl_text_it").value
    app.button(key="tpl_validate").click().run()
    assert app.success and not app.error
    broken = text.replace("[complaint]", "[complaint]\nbilling = [\"Ci scusi. {invite}\"]", 1)
    app.text_area(key="tpl_text_it").set_value(broken)
    app.button(key="tpl_validate").click().run()
    assert app.error and "it.complaint.billing: unknown topic" in app.error[0].value
    assert not demo["folder"].exists()


def test_reset_removes_the_override_with_a_backup(demo):
    edited = pl_with_waiting_time(NEW_WORDING + " {invite}")
    app = save(settings_app(), edited)
    override = demo["folder"] / "pl.toml"
    assert override.exists()

    app = settings_app()
    app.button(key="tpl_reset").click().run()
    assert not app.exception and not app.error
    assert not override.exists()
    backups = list(demo["folder"].glob("pl.toml.*.bak"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == edited
    assert app.text_area(key="tpl_text_pl").value == SHIPPED_PL
    assert app.button(key="tpl_reset").disabled  # nothing left to reset
    assert NEW_WORDING not in top_suggestion(app, demo["store"])


# --- the loader side: one folder, validated with the clinic's config ---------------------------------

def test_suggest_falls_back_to_shipped_templates_when_an_override_is_broken_by_hand(demo):
    config = load_config(demo["config"])
    demo["folder"].mkdir()
    (demo["folder"] / "pl.toml").write_text(pl_with_waiting_time("Gwarantujemy wyleczenie. {invite}"), encoding="utf-8")
    assert templates_for(config).packs["pl"].path == TEMPLATES_DIR / "pl.toml"

    (demo["folder"] / "pl.toml").write_text(pl_with_waiting_time(NEW_WORDING + " {invite}"), encoding="utf-8")
    row = demo["store"].mention(mention_id_by_title(demo["store"], "Salus Medica – skandal"))
    analysis = {"language": "pl", "kind": "complaint", "topics": ["waiting_time"], "urgency_reasons": []}
    [first] = suggest(row, analysis, config)
    assert NEW_WORDING in first.text and first.template_id == "pl.complaint.waiting_time[0]" and not first.findings
    assert suggest(row, {**analysis, "language": "it"}, config)[0].language == "it"  # other languages stay shipped


def test_check_language_text_uses_the_clinics_channels_and_language():
    with pytest.raises(TemplateError, match=r"pl\.language: the text declares language = 'it'"):
        check_language_text("pl", (TEMPLATES_DIR / "it.toml").read_text(encoding="utf-8"))
    foreign_phone = pl_with_waiting_time("Prosimy dzwonić pod +48 601 234 567. {invite}")
    with pytest.raises(TemplateError, match=r"pl\.complaint\.waiting_time\[0\]: breaks rule personal_data"):
        check_language_text("pl", foreign_phone)
    assert check_language_text("pl", SHIPPED_PL).language == "pl"


def test_the_form_edits_one_text_and_keeps_the_rest_of_the_file(demo):
    app = settings_app()
    variants = app.text_area(key="tpl_f_pl_complaint_waiting_time")
    assert "\n" in variants.value  # a list of variants, one per line
    variants.set_value(NEW_WORDING + " {invite}\n" + variants.value.splitlines()[1])
    app.text_input(key="tpl_f_pl_frame_greeting").set_value("Dzień dobry,")
    app.button(key=next(b.key for b in app.button if (b.key or "").startswith("FormSubmitter:tpl_form_pl"))).click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    saved = (demo["folder"] / "pl.toml").read_text(encoding="utf-8")
    assert f'"{NEW_WORDING} {{invite}}"' in saved and 'greeting = "Dzień dobry,"' in saved
    untouched = [line for line in SHIPPED_PL.splitlines() if "waiting_time" not in line and "greeting =" not in line]
    assert sum(line in saved.splitlines() for line in untouched) >= len(untouched) - 3  # comments and layout stay
    assert top_suggestion(app, demo["store"]).startswith("Dzień dobry,\n")  # the Inbox uses the clinic's copy


def test_the_form_refuses_an_unknown_placeholder_and_writes_nothing(demo):
    app = settings_app()
    app.text_input(key="tpl_f_pl_frame_greeting").set_value("Witaj {imie},")
    app.button(key=next(b.key for b in app.button if (b.key or "").startswith("FormSubmitter:tpl_form_pl"))).click().run()
    assert app.error and "imie" in app.error[0].value
    assert not (demo["folder"] / "pl.toml").exists()
