"""Where a workspace's store is on PostgreSQL: its own schema, chosen through the connection URL.

libpq's `options` parameter has the server set search_path on every (pooled) connection as it starts, so every
statement of the store, its triggers and its routines resolve to the workspace's own tables.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

SCHEMA_PREFIX = "cw_"
_SEARCH_PATH_OPTION = "-c search_path="
# What a workspace schema may be called: it is written into SQL as an identifier.
SCHEMA_NAME = re.compile(r"^cw_[a-z][a-z0-9_]{0,39}$")


def workspace_schema(workspace_id: str) -> str:
    return f"{SCHEMA_PREFIX}{workspace_id}"


def url_in_schema(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use `schema` first (then public, where the extensions live)."""
    _check(schema)
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "options"]
    query.append(("options", f"{_SEARCH_PATH_OPTION}{schema},public"))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, quote_via=quote), parts.fragment))


def schema_of_url(url: str) -> str | None:
    """The workspace schema a URL made by url_in_schema connects to; None for the default (public)."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == "options" and value.startswith(_SEARCH_PATH_OPTION):
            first = value.removeprefix(_SEARCH_PATH_OPTION).split(",")[0].strip()
            return _check(first) if first.startswith(SCHEMA_PREFIX) else None
    return None


def _check(schema: str) -> str:
    if not SCHEMA_NAME.match(schema):
        raise ValueError(f"not a workspace schema name: {schema!r} (cw_ and a workspace id)")
    return schema
