"""Failed-login limit: per user and per address, a growing lock after a few failures, kept in a small SQLite file.

The counters live beside the users file (not in the Streamlit session) so that a new browser tab, another
session or a server restart does not reset them.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

LOG = logging.getLogger("clinicwatch.auth")

# Failures allowed before the first lock; an address is shared by an office behind one router, so it gets more.
USER_FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
FIRST_LOCK_SECONDS = 30.0  # doubles with each further failure ...
MAX_LOCK_SECONDS = 3600.0  # ... up to an hour
FORGET_AFTER_SECONDS = 24 * 3600.0  # a quiet day clears a counter that never reached a success
MAX_NAME_LENGTH = 64  # usernames typed by an attacker are stored truncated

SCHEMA = """
CREATE TABLE IF NOT EXISTS login_failures (
    subject TEXT PRIMARY KEY,   -- 'user:<name>' or 'address:<ip>'
    failures INTEGER NOT NULL,
    last_failure REAL NOT NULL,
    locked_until REAL NOT NULL
)
"""


def guard_path(users_file: Path | str) -> Path:
    """users.yaml -> users-logins.db in the same folder (the data/*.db ignore rule covers it)."""
    users_file = Path(users_file)
    return users_file.with_name(users_file.stem + "-logins.db")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a login may be tried now, and if not, for how many more seconds it is refused."""

    allowed: bool
    wait_seconds: float = 0.0
    subject: str = ""


def lock_seconds(failures: int, free: int) -> float:
    """0 below the limit, then FIRST_LOCK_SECONDS doubling per further failure, capped."""
    if failures < free:
        return 0.0
    return min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - free))


def normalise(username: str) -> str:
    """The name as login compares it (streamlit-authenticator strips and lower-cases), truncated for storage."""
    return username.strip().lower()[:MAX_NAME_LENGTH]


def _subjects(username: str, address: str | None) -> list[tuple[str, int]]:
    subjects = [("user:" + normalise(username), USER_FREE_FAILURES)]
    if address:  # Streamlit gives no address for loopback connections; those count per user only
        subjects.append(("address:" + address, ADDRESS_FREE_FAILURES))
    return subjects


class LoginGuard:
    """Counts failures and answers whether a (username, address) pair may try a password now."""

    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.clock = clock

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (two sessions failing at once both count), committed and closed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        if new:
            os.chmod(self.path, 0o600)  # usernames and addresses, like the users file: the owner's only
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(SCHEMA)
            yield conn
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()

    def check(self, username: str, address: str | None) -> Verdict:
        """Refused while the user or the address is locked; the password is then not even checked."""
        now = self.clock()
        with self._connect() as conn:
            for subject, _ in _subjects(username, address):
                row = conn.execute("SELECT locked_until FROM login_failures WHERE subject = ?", (subject,)).fetchone()
                if row and row[0] > now:
                    LOG.warning("login refused for %s: locked for %.0f s more", subject, row[0] - now)
                    return Verdict(False, row[0] - now, subject)
        return Verdict(True)

    def failed(self, username: str, address: str | None) -> Verdict:
        """Count one failure for the user and the address; returns the lock it caused, if any."""
        now = self.clock()
        longest = Verdict(True)
        with self._connect() as conn:
            # Names typed by strangers must not pile up: a counter quiet for a day and not locked is forgotten.
            conn.execute(
                "DELETE FROM login_failures WHERE last_failure < ? AND locked_until < ?", (now - FORGET_AFTER_SECONDS, now)
            )
            for subject, free in _subjects(username, address):
                row = conn.execute(
                    "SELECT failures, last_failure FROM login_failures WHERE subject = ?", (subject,)
                ).fetchone()
                failures = 1 if row is None or now - row[1] > FORGET_AFTER_SECONDS else row[0] + 1
                lock = lock_seconds(failures, free)
                conn.execute(
                    "INSERT INTO login_failures (subject, failures, last_failure, locked_until) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(subject) DO UPDATE SET failures = excluded.failures, "
                    "last_failure = excluded.last_failure, locked_until = excluded.locked_until",
                    (subject, failures, now, now + lock),
                )
                LOG.warning("login failed for %s (%d in a row)%s", subject, failures,
                            f"; locked for {lock:.0f} s" if lock else "")
                if lock > longest.wait_seconds:
                    longest = Verdict(False, lock, subject)
        return longest

    def succeeded(self, username: str) -> None:
        """A right password clears the user's counter (not the address's: one known account must not reset it)."""
        with self._connect() as conn:
            conn.execute("DELETE FROM login_failures WHERE subject = ?", (_subjects(username, None)[0][0],))
        LOG.info("login succeeded for user:%s", normalise(username))
