"""Spike detection: a window's count (or negative share) against a robust baseline of past windows.

The baseline is the median of the past windows and its spread the MAD (scaled to a standard deviation).
Both resist the odd past spike, unlike mean and standard deviation. Counts are compared on the Anscombe
scale (2·sqrt(x + 3/8)), where counting noise has unit spread at any level, so the spread has a floor of
1 there: a quiet series whose MAD is zero does not turn one extra mention into a "spike", and small counts
need a proportionally bigger jump than large ones. A minimum count keeps two mentions at 3 a.m. from
being a crisis.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

MAD_TO_SIGMA = 1.4826  # MAD of a normal distribution times this is its standard deviation
MIN_HISTORY = 7  # fewer past windows give no trustworthy median
MIN_SHARE_SPREAD = 0.05  # negative share moves by a few points from week to week; below that is noise


@dataclass(frozen=True, slots=True)
class Spike:
    metric: str  # volume | negative_share
    value: float  # the current window's count or share
    baseline: float  # median of the past windows
    spread: float  # robust standard deviation used for the score
    score: float  # (value - baseline) / spread
    count: int  # mentions in the current window


def robust_baseline(history: Sequence[float], noise_floor: float = 0.0) -> tuple[float, float]:
    """Median and robust spread (scaled MAD, never below `noise_floor`) of past values."""
    centre = median(history)
    mad = median(abs(value - centre) for value in history)
    return centre, max(MAD_TO_SIGMA * mad, noise_floor)


def anscombe(count: float) -> float:
    """Variance-stabilising transform: Poisson counts get a standard deviation of about 1."""
    return 2.0 * math.sqrt(count + 0.375)


def volume_spike(current: int, history: Sequence[int], *, min_count: int, threshold: float) -> Spike | None:
    """A spike when the count is at least `min_count` and `threshold` robust deviations above the median."""
    if current < min_count or len(history) < MIN_HISTORY:
        return None
    centre, spread = robust_baseline([anscombe(value) for value in history], noise_floor=1.0)
    score = (anscombe(current) - centre) / spread
    if score < threshold:
        return None
    return Spike("volume", float(current), float(median(history)), spread, score, current)


def negative_share_spike(
    total: int, negative: int, history: Sequence[tuple[int, int]], *, min_count: int, threshold: float
) -> Spike | None:
    """A spike in the share of negative mentions; `history` holds (total, negative) per past window."""
    shares = [neg / tot for tot, neg in history if tot > 0]
    if total < min_count or len(shares) < MIN_HISTORY:
        return None
    share = negative / total
    centre = median(shares)
    # Sampling noise of a share over `total` mentions; a small window moves a lot by chance.
    sampling = math.sqrt(max(centre * (1 - centre), 0.05) / total)
    centre, spread = robust_baseline(shares, noise_floor=max(sampling, MIN_SHARE_SPREAD))
    score = (share - centre) / spread
    if score < threshold:
        return None
    return Spike("negative_share", share, centre, spread, score, total)


def find_volume_spikes(
    series: Sequence[int], *, baseline_windows: int, min_count: int, threshold: float
) -> list[int]:
    """Indices of the windows in a series that are spikes against the windows before them."""
    found = []
    for index in range(MIN_HISTORY, len(series)):
        history = series[max(0, index - baseline_windows) : index]
        if volume_spike(series[index], history, min_count=min_count, threshold=threshold):
            found.append(index)
    return found
