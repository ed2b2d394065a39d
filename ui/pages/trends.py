"""Trends (managers): volume, sentiment, complaint share, Brand Health Index, response times, spikes."""
from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from core.i18n import label, t
from core.numbers import day, number, percent, vega_locale
from storage import queries
from ui.auth import current_role
from ui.components import CATEGORY_COLOURS, SENTIMENT_COLOURS, Context, default_range
from ui.downloads import session_download

LABEL_PREFIX = {"topic": "topic", "sentiment": "sentiment", "kind": "kind"}
MULTI_VALUED = ("topic", "term")  # a mention can have several: it is counted under each
# The two health lines differ in colour and in dash, so they read apart in grey too.
HEALTH_STYLE = {"brand_health": ("#0072B2", [1, 0]), "complaint_share": ("#D55E00", [6, 3])}
DAY_AXIS = alt.Axis(format="%e %b", labelAngle=0)
CACHE_SECONDS = 30


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False, max_entries=256)
def _query(database: str, name: str, _store: object, *args: object) -> object:
    """Aggregates are cached briefly per database and arguments: switching a chart re-runs one query only."""
    return getattr(queries, name)(_store, *args)


def _q(ctx: Context, name: str, *args: object):
    return _query(str(ctx.config.database), name, ctx.store, *args)


def render(ctx: Context) -> None:
    lang = ctx.lang
    start, end = _controls(ctx)
    bucket = st.session_state.get("tr_bucket", "day")
    by = st.session_state.get("tr_by", "source")
    cube = _q(ctx, "daily_cube", start, end)
    _headline(ctx, cube, start, end)
    if not cube:
        st.info(t("no_data", lang))
        return

    if by in queries.CUBE_DIMENSIONS:
        rows = queries.volume_from_cube(cube, bucket, by)
    else:
        rows = _q(ctx, "volume", start, end, bucket, by)
    volume = pd.DataFrame(rows, columns=["period", "group", "count"])
    if by in LABEL_PREFIX:
        volume["group"] = volume["group"].map(lambda v: label(LABEL_PREFIX[by], v, lang))
    title = t("volume_by", lang, bucket=t(f"bucket_{bucket}", lang))
    _chart(ctx, title, volume, _stacked(volume, t(f"g_{by}", lang), bucket), "volume")
    if by in MULTI_VALUED:
        total = number(queries.totals_from_cube(cube)["total"], lang)
        st.caption(t("multi_count_note", lang, groups=t(f"g_{by}", lang), total=total))

    sentiment = pd.DataFrame(queries.volume_from_cube(cube, bucket, "sentiment"), columns=["period", "group", "count"])
    sentiment["group"] = sentiment["group"].map(lambda v: label("sentiment", v, lang))
    sentiment_chart = _stacked(sentiment, t("g_sentiment", lang), bucket, _sentiment_colours(lang))
    _chart(ctx, t("sentiment_over_time", lang), sentiment, sentiment_chart, "sentiment")

    health = pd.DataFrame(queries.health_from_cube(cube, bucket))
    _chart(ctx, t("brand_health", lang) + " · " + t("complaint_share", lang), health, _health_chart(health, lang), "health")

    _ratings(ctx, start, end, bucket)
    _spikes(ctx, queries.daily_from_cube(cube, start, end))


def _sentiment_colours(lang: str) -> dict[str, str]:
    colours = {label("sentiment", name, lang): colour for name, colour in SENTIMENT_COLOURS.items()}
    return {**colours, "?": "#bdbdbd"}  # mentions not analysed yet


def _controls(ctx: Context) -> tuple[date, date]:
    lang = ctx.lang
    a, b, c = st.columns([2, 1, 1])
    chosen = a.date_input(t("f_dates", lang), value=default_range(), key="tr_dates")
    b.selectbox(t("bucket", lang), queries.BUCKETS, format_func=lambda v: t(f"bucket_{v}", lang), key="tr_bucket")
    c.selectbox(t("group_by", lang), queries.GROUPINGS, format_func=lambda v: t(f"g_{v}", lang), key="tr_by")
    if isinstance(chosen, (tuple, list)) and len(chosen) == 2:
        return chosen[0], chosen[1]
    return default_range()


def _headline(ctx: Context, cube: list[dict], start: date, end: date) -> None:
    lang = ctx.lang
    totals = queries.totals_from_cube(cube)
    response = _q(ctx, "response_times", start, end)
    # Two rows: five long Polish or Italian labels in one row were cut to "Mediana czasu do pierwszej…".
    first, second = st.columns(3), st.columns(3)
    first[0].metric(t("total_mentions", lang), number(totals["total"], lang))
    first[1].metric(t("complaint_share", lang), _pct(totals["complaint_share"], lang))
    first[2].metric(t("brand_health", lang), _pct(totals["brand_health"], lang))
    second[0].metric(t("median_response", lang), _hours(response["median_hours"], lang))
    second[1].metric(t("p90_response", lang), _hours(response["p90_hours"], lang))


def _pct(value: float | None, lang: str) -> str:
    return "—" if value is None else percent(value, lang)


def _hours(value: float | None, lang: str) -> str:
    return "—" if value is None else t("hours", lang, value=number(value, lang, 1))


def _stacked(frame: pd.DataFrame, group_title: str, bucket: str, colours: dict[str, str] | None = None) -> alt.Chart:
    # Days: a time unit gives each bar a day's width. Weeks: one labelled bar per Monday (Vega's weeks start on Sunday).
    x = (alt.X("period:T", timeUnit="yearmonthdate", title=None, axis=DAY_AXIS) if bucket == "day"
         else alt.X("period:O", title=None))
    present = {k: v for k, v in (colours or {}).items() if k in set(frame["group"])}
    scale = (alt.Scale(domain=list(present), range=list(present.values())) if present
             else alt.Scale(range=CATEGORY_COLOURS))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("count:Q", title=None, stack=True),
            color=alt.Color("group:N", title=group_title, scale=scale),
            tooltip=["period", "group", "count"],
        )
        .properties(height=260)
    )


def _health_chart(frame: pd.DataFrame, lang: str) -> alt.Chart:
    long = frame.melt(id_vars=["period"], value_vars=list(HEALTH_STYLE), var_name="measure")
    long["measure"] = long["measure"].map(lambda m: t(m, lang))
    names = [t(measure, lang) for measure in HEALTH_STYLE]
    colours = [colour for colour, _dash in HEALTH_STYLE.values()]
    dashes = [dash for _colour, dash in HEALTH_STYLE.values()]
    return (
        alt.Chart(long.dropna())
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=None, axis=DAY_AXIS),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("measure:N", title=None, scale=alt.Scale(domain=names, range=colours)),
            strokeDash=alt.StrokeDash("measure:N", title=None, scale=alt.Scale(domain=names, range=dashes)),
            tooltip=["period", "measure", alt.Tooltip("value:Q", format=".0%")],
        )
        .properties(height=240)
    )


def _ratings(ctx: Context, start: date, end: date, bucket: str) -> None:
    """Average stars by period, overall or per location or doctor; every figure says how many ratings it rests on."""
    lang = ctx.lang
    overall = _q(ctx, "rating_totals", start, end, "all")
    if not overall:
        st.subheader(t("avg_rating", lang))
        st.caption(t("no_ratings", lang))
        return
    st.subheader(t("avg_rating", lang))
    by = st.selectbox(t("rating_by", lang), queries.RATING_DIMENSIONS,
                      format_func=lambda v: t(f"rating_by_{v}", lang), key="tr_rating_by")
    frame = pd.DataFrame(_q(ctx, "ratings", start, end, bucket, by), columns=["period", "group", "ratings", "average"])
    if by == "all":
        frame["group"] = t("rating_by_all", lang)
    average, count = t("rating_average", lang), t("rating_count", lang)
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=None, axis=DAY_AXIS),
            y=alt.Y("average:Q", title="★", scale=alt.Scale(domain=[1, 5])),
            color=alt.Color("group:N", title=t(f"rating_by_{by}", lang), scale=alt.Scale(range=CATEGORY_COLOURS)),
            tooltip=["period", "group", alt.Tooltip("average:Q", format=".2f", title=average),
                     alt.Tooltip("ratings:Q", title=count)],
        )
        .properties(height=240)
    )
    _chart(ctx, None, frame, chart, f"ratings_{by}")
    st.caption(t("ratings_based_on", lang, average=number(overall[0]["average"], lang, 2),
                 count=number(overall[0]["ratings"], lang)))
    if by != "all":
        totals = pd.DataFrame(_q(ctx, "rating_totals", start, end, by), columns=["group", "average", "ratings"])
        totals = totals.rename(columns={"group": t(f"rating_by_{by}", lang), "average": average, "ratings": count})
        st.dataframe(totals, hide_index=True, column_config={average: st.column_config.NumberColumn(format="%.2f ★")})


def _spikes(ctx: Context, daily: list[dict]) -> None:
    lang = ctx.lang
    spike_days = set(queries.spikes(daily))
    frame = pd.DataFrame(daily)
    frame["spike"] = frame["period"].isin(spike_days)
    base = alt.Chart(frame).encode(x=alt.X("period:T", title=None, axis=DAY_AXIS), y=alt.Y("count:Q", title=None))
    marks = base.transform_filter("datum.spike").mark_point(color="#c62828", size=90, filled=True)
    chart = (base.mark_line() + marks).properties(height=200)
    _chart(ctx, t("daily_spikes", lang), frame, chart, "daily")
    days = ", ".join(day(date.fromisoformat(spike[:10]), lang) for spike in sorted(spike_days))
    st.caption(t("spikes", lang, days=days) if spike_days else t("no_spikes", lang))


def _chart(ctx: Context, title: str | None, frame: pd.DataFrame, chart: alt.Chart, key: str) -> None:
    """The chart under its title (None: the caller wrote one, with controls under it) and its CSV download."""
    if title:
        st.subheader(title)
    st.altair_chart(chart.configure(locale=vega_locale(ctx.lang)), width="stretch")  # dates and numbers in the UI's language
    data = frame.to_csv(index=False).encode("utf-8")
    session_download(
        t("download_csv", ctx.lang), lambda: data, f"clinicwatch-{key}.csv", "text/csv", key=f"csv_{key}",
        allowed=lambda: current_role(ctx.users_file, ctx.user) in ("manager", "admin"),
    )
