"""The failed-login limit: per user and per address, growing locks, kept in a file across guards."""
from __future__ import annotations

import logging
import sqlite3
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from ui.login_guard import (
    ADDRESS_FREE_FAILURES,
    FIRST_LOCK_SECONDS,
    FORGET_AFTER_SECONDS,
    MAX_LOCK_SECONDS,
    USER_FREE_FAILURES,
    LoginGuard,
    guard_path,
    lock_seconds,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def guard(tmp_path, clock) -> LoginGuard:
    return LoginGuard(guard_path(tmp_path / "users.yaml"), clock=clock)


def test_lock_grows_and_is_capped():
    assert lock_seconds(USER_FREE_FAILURES - 1, USER_FREE_FAILURES) == 0
    assert lock_seconds(USER_FREE_FAILURES, USER_FREE_FAILURES) == FIRST_LOCK_SECONDS
    assert lock_seconds(USER_FREE_FAILURES + 1, USER_FREE_FAILURES) == 2 * FIRST_LOCK_SECONDS
    assert lock_seconds(USER_FREE_FAILURES + 40, USER_FREE_FAILURES) == MAX_LOCK_SECONDS


def test_user_is_locked_after_the_free_failures_and_released_when_it_expires(tmp_path, clock, caplog):
    caplog.set_level(logging.WARNING, "clinicwatch.auth")
    for _ in range(USER_FREE_FAILURES - 1):
        assert guard(tmp_path, clock).failed("Ada", None).allowed
    verdict = guard(tmp_path, clock).failed("ada ", None)  # names are compared as login compares them
    assert not verdict.allowed and verdict.wait_seconds == FIRST_LOCK_SECONDS
    assert not guard(tmp_path, clock).check("ada", None).allowed  # a new guard reads the same file
    assert guard(tmp_path, clock).check("bob", None).allowed
    clock.now += FIRST_LOCK_SECONDS + 0.1
    assert guard(tmp_path, clock).check("ada", None).allowed
    assert guard(tmp_path, clock).failed("ada", None).wait_seconds == 2 * FIRST_LOCK_SECONDS  # the next lock is longer
    assert any("locked for" in r.getMessage() and "user:ada" in r.getMessage() for r in caplog.records)


def test_success_clears_the_user_and_quiet_time_forgets(tmp_path, clock):
    g = guard(tmp_path, clock)
    for _ in range(USER_FREE_FAILURES - 1):
        g.failed("ada", None)
    g.succeeded("ada")
    assert g.failed("ada", None).allowed
    for _ in range(USER_FREE_FAILURES - 2):
        g.failed("ada", None)
    clock.now += FORGET_AFTER_SECONDS + 1
    assert g.failed("ada", None).allowed  # counting starts again after a quiet day
    for number in range(50):
        g.failed(f"stranger{number}", None)
    clock.now += FORGET_AFTER_SECONDS + 1
    g.failed("ada", None)
    with sqlite3.connect(g.path) as conn:
        assert conn.execute("SELECT subject FROM login_failures").fetchall() == [("user:ada",)]


def test_an_address_trying_many_names_is_locked(tmp_path, clock):
    g = guard(tmp_path, clock)
    for number in range(ADDRESS_FREE_FAILURES - 1):
        assert g.failed(f"user{number}", "203.0.113.7").allowed
    verdict = g.failed("someone", "203.0.113.7")
    assert not verdict.allowed and verdict.subject == "address:203.0.113.7"
    assert not g.check("ada", "203.0.113.7").allowed
    assert g.check("ada", "198.51.100.1").allowed
    g.succeeded("user3")  # one known account does not reset the address
    assert not g.check("ada", "203.0.113.7").allowed


def test_counters_file_is_private_and_counts_every_failure_of_concurrent_sessions(tmp_path, clock):
    g = guard(tmp_path, clock)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: g.failed("ada", None), range(40)))
    with sqlite3.connect(g.path) as conn:
        assert conn.execute("SELECT failures FROM login_failures").fetchone() == (40,)
    assert stat.S_IMODE(g.path.stat().st_mode) == 0o600
