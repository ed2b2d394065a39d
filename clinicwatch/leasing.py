"""A collector process's source leases on PostgreSQL (storage/leases.py): take the due sources nobody holds,
renew them while collecting, give each back in the transaction that stores its results or its failure."""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from core.config import SourceBase as Source
from storage import leases
from storage.engine import DATABASE_ERRORS
from storage.leases import Lease
from storage.store import Store

# A lease lasts this long unless renewed: a killed collector's sources wait at most this long for another.
DEFAULT_LEASE_SECONDS = 60.0
# Renewed this many times per lease period, so one slow renewal (a busy database) does not lose the lease.
RENEWALS_PER_PERIOD = 3

DueFilter = Callable[[], list[Source]]
log = logging.getLogger(__name__)


def holder_name() -> str:
    """Who holds a lease: host and process, plus a random part so a reused pid is not the same holder."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SourceLeases:
    """The leases this process holds, kept alive by a renewal thread until close()."""

    def __init__(self, store: Store, names: Iterable[str], *, seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        self.store = store
        self.seconds = seconds
        self.holder = holder_name()
        self.held: dict[str, Lease] = {}
        self.lost = 0  # sources whose lease was taken over before their results were stored (nothing stored)
        self.failed_renewals = 0
        leases.ensure_leases(store, names)
        self._stop = threading.Event()
        self._renewer = threading.Thread(target=self._renew, daemon=True, name="lease-renewal")
        self._renewer.start()

    def take(self, due: DueFilter, limit: int) -> list[Source]:
        """Lease up to `limit` of the sources `due()` names among those nobody else holds.

        `due()` runs after the free rows are locked, in the same transaction: a source another collector stored
        a moment ago (giving its lease back in that commit) is seen as collected, so it is not collected twice in
        one interval.
        """
        with self.store.transaction():
            candidates = due()
            free = set(leases.lock_free(self.store, [s.name for s in candidates]))
            if not free:
                return []
            wanted = [s for s in due() if s.name in free][:limit]
            granted = leases.grant(self.store, [s.name for s in wanted], self.holder, self.seconds)
        self.held.update((lease.source, lease) for lease in granted)
        return wanted

    @contextmanager
    def giving_back(self, names: list[str]) -> Iterator[list[str]]:
        """A transaction in which the named sources' leases are given back; yields those still this process's.

        The caller stores only those, inside the `with`; the rest were taken over (counted in `lost`).
        """
        with self.store.transaction():
            kept = [name for name in names if name in self.held and leases.give_back(self.store, self.held[name])]
            yield kept
        for name in names:
            self.held.pop(name, None)
        self.lost += len(names) - len(kept)

    def close(self) -> None:
        """Stop renewing and free whatever is still held (a clean stop hands the sources on at once)."""
        self._stop.set()
        self._renewer.join(timeout=5)
        leases.give_back_all(self.store, self.holder)
        self.held.clear()

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds / RENEWALS_PER_PERIOD):
            if not self.held:
                continue
            try:
                leases.renew(self.store, self.holder, self.seconds)
            except DATABASE_ERRORS as exc:  # retried at the next tick; a lease lost meanwhile stores nothing
                self.failed_renewals += 1
                log.warning("renewing %d source leases failed (%d so far): %s", len(self.held),
                            self.failed_renewals, exc)
