"""Storage: the SQLite store (WAL, FTS5, migrations in code) every stage writes to or reads from."""
from storage.store import Store, open_store

__all__ = ["Store", "open_store"]
