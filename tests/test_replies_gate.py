"""The gate: rules and the learned second opinion (either can flag), admin overrides with a reason, and every
shipped template passing in every language × kind × topic (and the press reply)."""
from __future__ import annotations

import pytest

from core.labels import TOPICS
from replies import gate
from replies.render import channel_values, compose
from replies.routing import route
from replies.second_opinion import SecondOpinion, load_rows, train
from replies.templates_loader import PRESS_CASE, TOPIC_KINDS, default_templates, validation_config
from tests.replies_fixtures import make_config

CONFIG = make_config()
UNSAFE = "Jako nasz pacjent wie Pan, że po operacji kolana ból minie na pewno w 3 dni."
SAFE = "Dziękujemy za wiadomość. Prosimy o kontakt z Biurem Obsługi Pacjenta: bop@zdrowieplus.pl."


def test_a_clean_reply_passes_and_an_unsafe_one_is_refused():
    assert gate.check(SAFE, "pl", config=CONFIG, model=None).allowed
    verdict = gate.check(UNSAFE, "pl", config=CONFIG, model=None)
    assert not verdict.allowed and verdict.refusal == "findings"
    assert {"confirms_patient", "promises_outcome"} <= {f.rule for f in verdict.findings}
    with pytest.raises(gate.GateRefused):
        gate.require(UNSAFE, "pl", config=CONFIG, model=None)


@pytest.mark.parametrize(("role", "reason", "refusal"), [
    ("staff", "The patient asked for a public answer.", "not_admin"),
    ("manager", "The patient asked for a public answer.", "not_admin"),
    ("admin", "ok", "short_reason"),
    ("admin", "   ", "findings"),
])
def test_only_an_admin_with_a_real_reason_overrides(role, reason, refusal):
    verdict = gate.check(UNSAFE, "pl", config=CONFIG, role=role, override_reason=reason, model=None)
    assert not verdict.allowed and verdict.refusal == refusal


def test_an_admin_override_is_allowed_and_describes_what_it_overrode():
    verdict = gate.check(UNSAFE, "pl", config=CONFIG, role="admin", override_reason="Agreed with the patient in writing.",
                         model=None)
    assert verdict.allowed and verdict.overridden
    detail = gate.override_detail(verdict)
    assert detail["reason"] == "Agreed with the patient in writing."
    assert any("Jako nasz pacjent" in f["words"] for f in detail["findings"])


def _rows(n: int) -> list[dict]:
    """A tiny labelled set in the corpus's shape, built from varied sentences (not the team corpus)."""
    unsafe = ["your {x} results show", "as our patient with {x}", "sorry about your {x} surgery",
              "take {x} twice a day", "we checked your {x} file"]
    safe = ["thanks for your message about {x}", "please contact us at the front desk about {x}",
            "our {x} office is open weekdays", "we are sorry for the wait at {x}", "please write to us about {x}"]
    words = ["knee", "blood", "heart", "skin", "back", "lung", "eye", "hip", "tooth", "ear"][:n]
    rows = [{"lang": "en", "reply": u.format(x=w), "unsafe": True} for u in unsafe for w in words]
    return rows + [{"lang": "en", "reply": s.format(x=w), "unsafe": False} for s in safe for w in words]


def test_the_second_opinion_learns_and_keeps_its_threshold_above_one_half():
    model = train(_rows(10))
    assert isinstance(model, SecondOpinion) and model.threshold >= 0.5
    assert model.flags("sorry about your liver surgery", "en")
    assert not model.flags("thanks for your message about parking", "en")
    assert abs(model.score("take aspirin twice a day", "en") - model.scores(["take aspirin twice a day"], ["en"])[0]) < 1e-9


def test_the_second_opinion_flags_what_the_rules_miss_in_the_gate():
    model = train(_rows(10))
    text = "we checked your liver file"  # worded so the rules alone may or may not catch it
    verdict = gate.check(text, "en", model=model)
    assert not verdict.allowed
    assert gate.check("thanks for your message about parking", "en", model=model).allowed


def test_load_rows_rejects_a_row_without_a_label(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"reply": "x", "unsafe": true}\n{"reply": "y"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:2"):
        load_rows(path)


def test_every_shipped_template_passes_the_gate_in_every_language_kind_topic_and_urgency():
    checked = 0
    model = gate.second_opinion()  # None until data/reply_safety/ is in the repository: then it is checked too
    for language, pack in default_templates().packs.items():
        config = validation_config(CONFIG)
        channels = config.channels[language]
        values = channel_values(config, channels)
        for kind, by_topic in pack.cases.items():
            for key, variants in by_topic.items():
                for topic in [key] if key in TOPICS else list(TOPICS):
                    for reasons in ([], ["health_risk"], ["press"]):
                        if kind == PRESS_CASE:
                            reply_route = route("question", "other", ["press"], channels)
                        elif kind in TOPIC_KINDS:
                            reply_route = route(kind, topic, reasons, channels)
                        else:
                            reply_route = None
                        for variant in variants:
                            text = compose(pack, variant, values=values, route=reply_route, handle="u/someone",
                                           closed=pack.frame["closed"].format(day=pack.days["mon"], opens="8:00"))
                            verdict = gate.check(text, language, config=config, model=model)
                            assert verdict.allowed and not verdict.findings, (language, kind, key, text, verdict.findings)
                            checked += 1
    assert checked > 800
