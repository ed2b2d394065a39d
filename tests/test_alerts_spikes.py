"""Spike detection on synthetic series with known spikes, on quiet and on slowly growing series."""
from __future__ import annotations

import math
import random
from datetime import timedelta

import pytest

from alerts import evaluate_and_send
from alerts.spikes import find_volume_spikes, negative_share_spike, volume_spike
from core.models import Analysis, Mention
from storage.alerts_repo import AlertsRepo
from storage.store import open_store
from tests.test_alerts_support import SmtpServer, fixed_now, make_config

SETTINGS = dict(baseline_windows=28, min_count=10, threshold=4.0)
SEEDS = range(100)


def poisson(rng: random.Random, rate: float) -> int:
    """Knuth's method; fine for the small rates of daily mention counts."""
    limit, count, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _spikes(series):
    return find_volume_spikes(series, **SETTINGS)


def test_known_spikes_are_found_in_one_series():
    rng = random.Random(0)
    series = [poisson(rng, 15) for _ in range(90)]
    series[40], series[75] = 60, 50  # two bad news days
    assert _spikes(series) == [40, 75]


def test_known_spikes_are_found_across_many_series_with_rare_false_alarms():
    found_4x = found_3x = false_alarms = windows = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        series = [poisson(rng, 15) for _ in range(90)]
        series[40], series[75] = 60, 45  # four and three times the usual day
        spikes = _spikes(series)
        found_4x += 40 in spikes
        found_3x += 75 in spikes
        false_alarms += len(set(spikes) - {40, 75})
        windows += len(series)
    assert found_4x == len(SEEDS)
    assert found_3x >= 0.8 * len(SEEDS)
    assert false_alarms / windows < 0.001


@pytest.mark.parametrize("seed", range(20))
def test_quiet_series_raises_nothing_even_with_a_few_posts_at_night(seed):
    rng = random.Random(seed)
    series = [poisson(rng, 0.3) for _ in range(120)]
    series[60] = 3  # three posts on a normally silent day: unusual, but no crisis
    assert _spikes(series) == []


def test_slowly_growing_series_raises_nothing_or_almost_nothing():
    """Growth from 10 to 40 a day over four months is a trend, not a spike; Poisson noise alone
    may cross the threshold very rarely, which the bound below allows for."""
    false_alarms = windows = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        series = [poisson(rng, 10 + 0.25 * day) for day in range(120)]
        false_alarms += len(_spikes(series))
        windows += len(series)
    assert false_alarms / windows < 0.001
    rng = random.Random(1)
    assert _spikes([poisson(rng, 10 + 0.25 * day) for day in range(120)]) == []


def test_one_past_spike_does_not_hide_the_next():
    history = [12, 14, 11, 13, 90, 12, 15, 13, 12, 14, 11, 13]
    assert volume_spike(70, history, min_count=10, threshold=4.0) is not None
    assert volume_spike(20, history, min_count=10, threshold=4.0) is None


def test_negative_share_spike():
    rng = random.Random(7)
    history = [(20 + rng.randint(-3, 3), 4 + rng.randint(-2, 2)) for _ in range(28)]
    spike = negative_share_spike(20, 14, history, min_count=10, threshold=4.0)
    assert spike is not None and spike.value == pytest.approx(0.7)
    assert negative_share_spike(20, 6, history, min_count=10, threshold=4.0) is None
    assert negative_share_spike(4, 4, history, min_count=10, threshold=4.0) is None  # too few to judge


def _fill(store, counts_by_day_ago, now, negative_today=0):
    """Store `count` analysed mentions for each day ago (0 = the last 24 hours)."""
    store.ensure_source("news", "feed")
    items = []
    for days_ago, count in counts_by_day_ago.items():
        for number in range(count):
            published = now - timedelta(days=days_ago, hours=1 + (number * 22 / max(count, 1)))
            negative = days_ago == 0 and number < negative_today
            mention = Mention("feed", "news", f"{days_ago}-{number}", "https://n.example/x", f"post {days_ago} {number}",
                              published_at=published, fetched_at=published)
            analysis = Analysis("en", "negative" if negative else "neutral", 0.0, "other", ["other"], 0.1, [])
            items.append((mention, analysis))
    store.record_success("news", items, {}, seen=len(items), at=now)


def test_volume_spike_alert_through_the_store(tmp_path, store_target):
    smtp = SmtpServer()
    smtp.start()
    try:
        config = make_config(tmp_path, store_target=store_target, email_to=["pr@clinic.com"], smtp_port=smtp.port)
        store = open_store(config.store_target)
        now = fixed_now()
        rng = random.Random(3)
        _fill(store, {day: poisson(rng, 12) for day in range(1, 29)} | {0: 55}, now, negative_today=40)
        summary = evaluate_and_send(config, store, now=now)
        evaluate_and_send(config, store, now=now + timedelta(hours=1))  # the same spike, seen again
        rules = sorted(row["rule"] for row in AlertsRepo(store).alerts())
        assert rules == ["spike_negative", "spike_volume"] and summary.sent == 2
        subjects = sorted(message["Subject"] for message in smtp.inbox.messages)
        assert len(subjects) == 2
        assert subjects[0].startswith("[ClinicWatch] Spike in mentions: 55 in 24 h (usually ")
        assert subjects[1] == "[ClinicWatch] Spike in negative mentions: 72.7% (usually 0%)"
    finally:
        smtp.stop()


def test_ordinary_day_through_the_store_raises_no_spike(tmp_path, store_target):
    config = make_config(tmp_path, store_target=store_target, email_to=["pr@clinic.com"], smtp_port=1)
    store = open_store(config.store_target)
    now = fixed_now()
    rng = random.Random(5)
    _fill(store, {day: poisson(rng, 12) for day in range(0, 29)}, now)
    counts = AlertsRepo(store).window_counts(now, 24, 29)
    assert sum(total for total, _ in counts) == store.count_mentions()
    summary = evaluate_and_send(config, store, now=now)
    assert summary.raised == 0 and AlertsRepo(store).alerts() == []
