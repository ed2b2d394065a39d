"""Trends as a Polish or Italian manager reads it: numbers, percentages, hours and chart dates in the UI's
language, a colour-blind-safe palette, and a word on how multi-topic mentions are counted."""
from __future__ import annotations

import json
from datetime import date

import pytest

from core.numbers import day, number, percent, vega_locale
from storage import workflow
from tests.dashboard_fixtures import mention_id_by_title, run_app

pytestmark = pytest.mark.slow  # AppTest runs


@pytest.mark.parametrize(("lang", "expected"), [("en", "12,345.6"), ("pl", "12\xa0345,6"), ("it", "12.345,6")])
def test_numbers_follow_the_language(lang, expected):
    assert number(12345.6, lang, 1) == expected
    assert percent(0.29, lang).startswith("29")
    assert vega_locale(lang)["number"]["decimal"] == ("." if lang == "en" else ",")


def test_chart_months_are_the_languages_own():
    assert vega_locale("pl")["time"]["shortMonths"][10] == "lis"
    assert vega_locale("it")["time"]["months"][0].lower() == "gennaio"
    assert vega_locale("pl")["time"]["days"][0].lower() == "niedziela"  # d3 weeks start on Sunday
    assert day(date(2026, 11, 8), "pl") == "8 lis 2026"


def chart_specs(app) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def test_trends_in_polish(demo):
    store = demo["store"]
    workflow.mark_replied(store, mention_id_by_title(store, "Phone"), "anna")  # a response time to show
    app = run_app()
    app.sidebar.selectbox(key="ui_lang").set_value("pl").run()
    app.sidebar.radio(key="nav").set_value("trends").run()
    assert not app.exception, [e.value for e in app.exception]
    hours = [metric.value for metric in app.metric if "godz." in metric.value]
    assert hours and all("." not in value.removesuffix(" godz.") for value in hours)  # "101,3 godz.", not "101.3"
    specs = chart_specs(app)
    assert specs and all(spec["config"]["locale"]["time"]["shortMonths"][0] == "sty" for spec in specs)
    assert any("#0072B2" in json.dumps(spec) for spec in specs)  # Okabe–Ito, not two near blues

    app.selectbox(key="tr_by").set_value("topic").run()
    assert any("liczy się raz przy każdej" in caption.value for caption in app.caption)
