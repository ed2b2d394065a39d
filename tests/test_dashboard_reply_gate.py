"""The linter gate in the Inbox (AppTest): an unsafe edited reply cannot be marked replied; an admin can override
it with a written reason, and the audit trail keeps the reason and the findings."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from storage.users import add_user
from tests.dashboard_fixtures import DASHBOARD, mention_id_by_title, run_app

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`

UNSAFE = "Dear Mr Smith, as your doctor Anna Kowalska noted, your diagnosis of diabetes means you need insulin."
REASON = "Reviewed with the patient's written consent; legal approved the wording."


def open_top(demo) -> tuple[AppTest, int]:
    app = run_app()
    top = mention_id_by_title(demo["store"], "Salus Medica – skandal")
    app.text_area(key=f"reply_{top}").set_value(UNSAFE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app, top


def test_an_unsafe_edited_reply_cannot_be_marked_replied(demo):
    app, top = open_top(demo)
    findings = [h.proto.body for h in app.get("html") if "lint-finding" in h.proto.body]
    assert len(findings) >= 3  # the name, the doctor/diagnosis from the records, the advice: each once
    assert any("<mark>" in h.proto.body for h in app.get("html"))  # the words at fault are highlighted
    app.button(key="act_replied").click().run()
    assert app.error and "Not marked replied" in app.error[0].value
    assert demo["store"].mention(top)["status"] == "new"
    assert demo["store"].events(top) == []


def test_an_admin_override_with_a_reason_marks_replied_and_the_audit_keeps_it(demo):
    app, top = open_top(demo)
    app.text_input(key=f"override_{top}").set_value(REASON).run()
    app.button(key="act_replied").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert demo["store"].mention(top)["status"] == "replied"
    events = {e["action"]: json.loads(e["detail"]) for e in demo["store"].events(top)}
    override = events["lint_override"]
    assert override["reason"] == REASON
    rules = {f["rule"] for f in override["findings"]}
    assert {"personal_data", "record_lookup"} <= rules
    assert any("diabetes" in f["words"] for f in override["findings"])
    stored = demo["store"]._conn.execute("SELECT text FROM replies WHERE mention_id = ?", (top,)).fetchone()
    assert stored[0] == UNSAFE
    assert [e["action"] for e in demo["store"].events(top)] == ["status", "lint_override"]  # one transaction's pair


def test_a_too_short_reason_is_not_an_override(demo):
    app, top = open_top(demo)
    app.text_input(key=f"override_{top}").set_value("ok").run()
    app.button(key="act_replied").click().run()
    assert app.error and demo["store"].mention(top)["status"] == "new"


def test_staff_cannot_override(demo):
    add_user(demo["users"], "anna", "Anna K", "s3cret-pass", "staff", language="en")
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    app.text_input[0].set_value("anna")
    app.text_input[1].set_value("s3cret-pass")
    app.button[0].click().run()
    top = mention_id_by_title(demo["store"], "Salus Medica – skandal")
    app.text_area(key=f"reply_{top}").set_value(UNSAFE).run()
    assert not [w for w in app.text_input if w.key == f"override_{top}"]  # no override field for staff
    assert any("Only an admin" in c.value for c in app.caption)
    app.button(key="act_replied").click().run()
    assert app.error and demo["store"].mention(top)["status"] == "new"
