"""Average star ratings on Trends: by period, location and doctor, only rated mentions, with how many ratings."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.models import Analysis, Mention, TermMatch
from core.numbers import number
from storage import queries
from storage.store import Store, open_store
from tests.dashboard_fixtures import run_app

NOW = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
MOKOTOW, MILANO, KOWALSKA = "Salus Mokotów", "Salus Milano", "dr Anna Kowalska"
# (days ago, stars or None, terms matched): one unrated mention, which must not count.
REVIEWS = [
    (1, 1, [MOKOTOW]),
    (1, 2, [MOKOTOW, KOWALSKA]),
    (2, 5, [MILANO, KOWALSKA]),
    (9, 4, [MOKOTOW]),
    (9, 3.5, [MILANO]),  # Docplanner's stars may be fractional
    (9, None, [MOKOTOW]),
]
CATEGORY = {MOKOTOW: "location", MILANO: "location", KOWALSKA: "doctor"}


def add_reviews(store: Store) -> None:
    items = []
    for n, (days, stars, terms) in enumerate(REVIEWS):
        text = f"Opinia numer {n} o {' i '.join(terms)}"
        matches = [TermMatch(term, CATEGORY[term], "text", text.index(term), text.index(term) + len(term))
                   for term in terms + terms[:1]]  # a term matched twice counts once
        mention = Mention("google_reviews", "google-salus", f"review-{n}", f"https://g.example/{n}", text,
                          published_at=NOW - timedelta(days=days), matches=matches,
                          extra={"rating": stars} if stars is not None else {})
        items.append((mention, Analysis("pl", "neutral", 0.0, "other", [], 0.0, [])))
    store.ensure_source("google-salus", "google_reviews")
    store.record_success("google-salus", items, {}, seen=len(items))


def expected(days: tuple[int, ...], term: str | None = None) -> tuple[int, float]:
    stars = [s for d, s, terms in REVIEWS if s is not None and d in days and (term is None or term in terms)]
    return len(stars), sum(stars) / len(stars)


@pytest.fixture()
def store(tmp_path):
    opened = open_store(tmp_path / "r.db")
    add_reviews(opened)
    yield opened
    opened.close()


def test_totals_by_location_and_doctor_count_only_rated_mentions(store: Store) -> None:
    start, end = (NOW - timedelta(days=30)).date(), NOW.date()
    [overall] = queries.rating_totals(store, start, end, "all")
    assert (overall["ratings"], overall["average"]) == pytest.approx(expected((1, 2, 9)))
    by_location = {r["group"]: (r["ratings"], r["average"]) for r in queries.rating_totals(store, start, end, "location")}
    assert by_location == {MOKOTOW: pytest.approx(expected((1, 2, 9), MOKOTOW)),
                           MILANO: pytest.approx(expected((1, 2, 9), MILANO))}
    [doctor] = queries.rating_totals(store, start, end, "doctor")
    assert doctor["group"] == KOWALSKA and (doctor["ratings"], doctor["average"]) == pytest.approx(
        expected((1, 2, 9), KOWALSKA))


def test_the_weekly_average_rests_on_that_week_s_ratings(store: Store) -> None:
    start, end = (NOW - timedelta(days=30)).date(), NOW.date()
    weeks = {r["period"]: (r["ratings"], r["average"]) for r in queries.ratings(store, start, end, "week", "all")}
    by_week: dict[str, list[int]] = {}
    for days, stars, _terms in REVIEWS:
        if stars is not None:
            day = (NOW - timedelta(days=days)).date()
            by_week.setdefault((day - timedelta(days=day.weekday())).isoformat(), []).append(days)
    assert weeks == {week: pytest.approx(expected(tuple(days))) for week, days in by_week.items()}
    outside = queries.ratings(store, date(2000, 1, 1), date(2000, 2, 1), "week", "all")
    assert outside == []


def test_an_erased_review_leaves_the_average(store: Store) -> None:
    start, end = (NOW - timedelta(days=30)).date(), NOW.date()
    store.erase_author("")  # every review above has no author
    assert queries.rating_totals(store, start, end, "all") == []


@pytest.mark.parametrize("lang, heading, by_location", [
    ("en", "Average star rating", "location"), ("pl", "Średnia ocena (gwiazdki)", "placówka"),
    ("it", "Valutazione media (stelle)", "sede")])
def test_trends_shows_the_average_rating_and_what_it_rests_on(demo, lang, heading, by_location) -> None:
    add_reviews(demo["store"])
    app = run_app("trends")
    app.sidebar.selectbox(key="ui_lang").set_value(lang).run()
    assert heading in [h.value for h in app.subheader]
    count, average = expected((1, 2, 9))
    caption = next(c.value for c in app.caption if "★" in c.value)
    assert str(count) in caption and number(average, lang, 2) in caption  # "3,40" in Polish and Italian

    app.selectbox(key="tr_rating_by").set_value("location").run()
    assert not app.exception, [e.value for e in app.exception]
    [table] = app.dataframe
    shown = table.value.set_index(by_location)
    assert set(shown.index) == {MOKOTOW, MILANO}
    assert shown.iloc[:, 1].loc[MOKOTOW] == expected((1, 2, 9), MOKOTOW)[0]  # the ratings it rests on


def test_trends_says_when_nothing_is_rated(demo) -> None:
    app = run_app("trends")
    assert "No rated reviews in this period." in [c.value for c in app.caption]


def test_a_review_without_a_location_term_counts_under_its_platform_s_location(store: Store) -> None:
    labelled = [
        Mention("google_reviews", "google-salus", "g-1", "https://g.example/g1", "Bardzo miła obsługa.",
                published_at=NOW - timedelta(days=1), extra={"rating": 5, "location_label": "Salus Medica Wola"}),
        Mention("google_reviews", "google-salus", "g-2", "https://g.example/g2", f"Polecam {MILANO}.",
                published_at=NOW - timedelta(days=1), extra={"rating": 1, "location_label": "Salus Medica Wola"},
                matches=[TermMatch(MILANO, "location", "text", 8, 8 + len(MILANO))]),
    ]
    store.record_success("google-salus", [(m, None) for m in labelled], {}, seen=2)
    start, end = (NOW - timedelta(days=30)).date(), NOW.date()

    by_location = {r["group"]: (r["ratings"], r["average"]) for r in queries.rating_totals(store, start, end, "location")}

    assert by_location["Salus Medica Wola"] == (1, 5.0)  # the matched term wins for the second review
    milano_stars = [s for _d, s, terms in REVIEWS if s is not None and MILANO in terms] + [1]
    assert by_location[MILANO] == pytest.approx((len(milano_stars), sum(milano_stars) / len(milano_stars)))
