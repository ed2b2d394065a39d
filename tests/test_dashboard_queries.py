"""The dashboard's SQL: filters, pagination, trends aggregates, spikes, response times, exports."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from core.models import NEEDS_LOOK_BELOW, Analysis, Mention
from storage import queries, workflow
from storage.queries import UNASSIGNED, MentionFilter
from tests.dashboard_fixtures import ROWS, XSS_IMG, fill, mention_id_by_title
from ui import export

NOW = datetime.now(UTC)


@pytest.fixture
def store(store):
    """The conftest store (each engine in turn) filled with the dashboard fixtures' rows."""
    fill(store, NOW)
    return store


def titles(rows):
    return [r["title"] for r in rows]


def test_queue_is_ordered_by_urgency_then_age(store):
    rows = queries.inbox_page(store, MentionFilter(), 0, 100)
    urgencies = [r["urgency"] for r in rows]
    assert urgencies == sorted(urgencies, reverse=True)
    assert rows[0]["title"] == "Salus Medica – skandal"
    assert rows[0]["topics"] == ["waiting_time"] and rows[0]["matches"][0]["term"] == "Salus Medica"


@pytest.mark.parametrize(
    "flt, expected",
    [
        (MentionFilter(kinds=["complaint"]), {"Salus Medica – skandal", "Faktura", "Phone"}),
        (MentionFilter(languages=["pl"]), {"Salus Medica – skandal", "Faktura"}),
        (MentionFilter(sources=["forum-zdrowie"], sentiments=["negative"]), {"Salus Medica – skandal", "Faktura"}),
        (MentionFilter(topics=["appointments", "staff_attitude"]), {"Booking at Salus", "Great visit"}),
        (MentionFilter(search="telefonu"), {"Salus Medica – skandal"}),
        (MentionFilter(search='vaccination" OR "x'), set()),  # user input is never FTS syntax
        (MentionFilter(search="wonderful"), {"Great visit"}),
    ],
)
def test_filters(store, flt, expected):
    assert set(titles(queries.inbox_page(store, flt, 0, 100))) == expected
    assert queries.inbox_count(store, flt) == len(expected)


def test_status_assignee_and_date_filters(store):
    phone = mention_id_by_title(store, "Phone")
    workflow.assign(store, phone, "bob", "anna")
    workflow.mark_replied(store, mention_id_by_title(store, "Faktura"), "anna")
    assert titles(queries.inbox_page(store, MentionFilter(assignee="bob"))) == ["Phone"]
    assert "Phone" not in titles(queries.inbox_page(store, MentionFilter(assignee=UNASSIGNED)))
    assert "Faktura" not in titles(queries.inbox_page(store, MentionFilter()))
    assert titles(queries.inbox_page(store, MentionFilter(statuses=["replied"]))) == ["Faktura"]
    start = (NOW - timedelta(hours=30)).date()
    recent = MentionFilter(date_from=start, date_to=NOW.date(), statuses=[])
    expected = {row[7] for row in ROWS if (NOW - timedelta(hours=row[6])).date() >= start}
    assert set(titles(queries.inbox_page(store, recent, 0, 100))) == expected
    assert {"Salus Medica – skandal", "Booking at Salus"} <= expected and "Phone" not in expected
    before = MentionFilter(date_to=start - timedelta(days=1), statuses=[])
    assert set(titles(queries.inbox_page(store, before, 0, 100))) == {row[7] for row in ROWS} - expected


def test_pagination_is_in_sql(store):
    first = queries.inbox_page(store, MentionFilter(), 0, 3)
    second = queries.inbox_page(store, MentionFilter(), 1, 3)
    third = queries.inbox_page(store, MentionFilter(), 2, 3)
    assert len(first) == 3 and len(second) == 3 and len(third) == 1
    assert len({r["id"] for r in first + second + third}) == len(ROWS)


def test_volume_by_every_grouping(store):
    start, end = NOW.date() - timedelta(days=10), NOW.date()
    by_source = queries.volume(store, start, end, "week", "source")
    assert sum(r["count"] for r in by_source if r["group"] == "forum-zdrowie") == 2
    assert sum(r["count"] for r in queries.volume(store, start, end, "day", "kind") if r["group"] == "complaint") == 3
    assert {r["group"] for r in queries.volume(store, start, end, "day", "topic")} >= {"waiting_time", "appointments"}
    assert {r["group"] for r in queries.volume(store, start, end, "day", "term")} == {"dr Anna Kowalska", "Salus Mokotów"}
    weeks = {r["period"] for r in by_source}
    assert all(datetime.fromisoformat(w).weekday() == 0 for w in weeks)  # weeks start on Monday


def test_health_index_and_complaint_share(store):
    start, end = NOW.date() - timedelta(days=10), NOW.date()
    totals = queries.totals(store, start, end)
    assert totals["total"] == 7
    assert totals["complaint_share"] == pytest.approx(3 / 7)
    assert totals["brand_health"] == pytest.approx(1 / 4)  # 1 positive, 3 negative


def test_response_time_quantiles(store):
    start, end = NOW.date() - timedelta(days=10), NOW.date()
    assert queries.response_times(store, start, end)["median_hours"] is None
    for title in ("Salus Medica – skandal", "Booking at Salus", "Phone"):
        workflow.mark_replied(store, mention_id_by_title(store, title), "anna")
    result = queries.response_times(store, start, end)
    assert result["count"] == 3
    assert 29 < result["median_hours"] < 31  # posted 5, 30 and 100 hours ago, answered now
    assert 99 < result["p90_hours"] < 101


def test_spikes_use_median_plus_mad():
    series = [{"period": f"d{i}", "count": c} for i, c in enumerate([3, 4, 3, 5, 4, 30, 4, 3])]
    assert queries.spikes(series) == ["d5"]
    assert queries.spikes([{"period": "a", "count": 1}, {"period": "b", "count": 4}, {"period": "c", "count": 1}]) == []


def test_daily_totals_fill_missing_days(store):
    days = queries.daily_totals(store, NOW.date() - timedelta(days=9), NOW.date())
    assert len(days) == 10 and sum(d["count"] for d in days) == 7


def test_export_pseudonymises_authors_stably_and_neutralises_formulas(store, tmp_path):
    workflow.add_note(store, mention_id_by_title(store, "Phone"), "anna", "x")
    salt = export.export_salt(tmp_path / "q.db")
    assert export.export_salt(tmp_path / "q.db") == salt
    rows = export.export_rows(store, MentionFilter(), salt=salt)
    authors = {r["author"] for r in rows}
    assert not any(a.startswith("user") for a in authors)
    assert export.export_rows(store, MentionFilter(), salt=salt)[0]["author"] == rows[0]["author"]
    real = export.export_rows(store, MentionFilter(), pseudonymise=False)
    assert {r["author"] for r in real} == {f"user{i}" for i in range(len(ROWS))}
    rows[0]["title"] = "=HYPERLINK(\"http://evil\")"
    parsed = list(csv.DictReader(io.StringIO(export.to_csv(rows).decode("utf-8-sig"))))
    assert parsed[0]["title"].startswith("'=") and len(parsed) == len(ROWS)
    assert any(XSS_IMG in r["text"] for r in parsed)
    sheet = load_workbook(io.BytesIO(export.to_xlsx(rows))).active
    values = list(sheet.values)
    assert values[0][0] == "id" and len(values) == len(ROWS) + 1
    assert values[1][5].startswith("'=")


def test_unanalysed_mentions_still_reach_the_queue(store):
    raw = Mention("feed", "forum-zdrowie", "raw-1", "https://f.example/raw", "Salus bez analizy", title="Raw")
    store.record_success("forum-zdrowie", [(raw, None)], {}, seen=1)
    rows = queries.inbox_page(store, MentionFilter(), 0, 100)
    assert rows[-1]["title"] == "Raw" and rows[-1]["urgency"] is None
    assert queries.inbox_count(store, MentionFilter()) == len(ROWS) + 1
    first_pages = [r["title"] for p in range(4) for r in queries.inbox_page(store, MentionFilter(), p, 2)]
    assert first_pages == titles(rows)


def test_cube_rollups_agree_with_sql_weeks(store):
    start, end = NOW.date() - timedelta(days=30), NOW.date()
    sql_weeks = {r["period"] for r in queries.volume(store, start, end, "week", "topic")}
    cube_weeks = {r["period"] for r in queries.volume(store, start, end, "week", "kind")}
    assert sql_weeks == cube_weeks
    daily = queries.health_series(store, start, end, "day")
    assert sum(r["total"] for r in daily) == 7 and sum(r["complaints"] for r in daily) == 3


@pytest.mark.parametrize("typed", ["wonderful\x00", "\x00wonderful", "wonderful \ud800", "\x1bwonderful\x1b", "wonderful\x7f\x85"])
def test_control_characters_in_the_search_separate_words_and_never_raise(store, typed):
    flt = MentionFilter(statuses=[], search=typed)
    assert titles(queries.inbox_page(store, flt, 0, 20)) == ["Great visit"]
    assert queries.inbox_count(store, flt) == 1
    assert [r["title"] for r in store.recent_mentions(search=typed)] == ["Great visit"]


def test_export_carries_each_confidence_and_whether_it_needs_a_human_look(store):
    unsure = mention_id_by_title(store, "Phone")
    store.save_analysis(unsure, Analysis("en", "negative", -0.4, "complaint", [], 0.3, [],
                                         confidence=NEEDS_LOOK_BELOW - 0.2))
    raw = Mention("feed", "forum-zdrowie", "raw-2", "https://f.example/raw2", "Salus bez analizy", title="Raw")
    store.record_success("forum-zdrowie", [(raw, None)], {}, seen=1)
    rows = {r["title"]: r for r in export.export_rows(store, MentionFilter())}
    assert rows["Phone"]["confidence"] == pytest.approx(NEEDS_LOOK_BELOW - 0.2)
    assert rows["Phone"]["needs_human_look"] is True
    assert rows["Raw"]["confidence"] is None and rows["Raw"]["needs_human_look"] is None
    sure = [r for title, r in rows.items() if title not in ("Phone", "Raw")]
    assert sure and all(r["needs_human_look"] is (r["confidence"] < NEEDS_LOOK_BELOW) for r in sure)
    parsed = list(csv.DictReader(io.StringIO(export.to_csv(rows.values()).decode("utf-8-sig"))))
    assert {"confidence", "needs_human_look"} <= set(parsed[0])
