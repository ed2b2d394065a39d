"""URL forms shared by collectors and storage: without session ids, and canonical (one item, one form)."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that carry a visitor's session, never what the page is: phpBB sid, vBulletin s,
# PHP's and Java's own session parameters.
SESSION_PARAMS = frozenset({"sid", "s", "phpsessid", "jsessionid", "sessionid", "session_id"})
# vBulletin's `s` and phpBB's `sid` are 32 hex digits; a short `s` (a search, a page size) is kept.
_SESSION_VALUE = re.compile(r"^[0-9a-f]{32}$", re.IGNORECASE)
_PATH_SESSION = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
# Campaign and click tags: the same article shared with different tags is one article.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga)$", re.IGNORECASE)


def _is_session(name: str, value: str) -> bool:
    name = name.lower()
    if name in ("sid", "s"):
        return bool(_SESSION_VALUE.match(value))
    return name in SESSION_PARAMS


def without_session_ids(url: str) -> str:
    """The URL without phpBB `sid=`, vBulletin `s=` and similar session parameters (else unchanged)."""
    if not url or ("=" not in url and ";" not in url):
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(name, value) for name, value in query if not _is_session(name, value)]
    path = _PATH_SESSION.sub("", parts.path)
    if len(kept) == len(query) and path == parts.path:
        return url
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(kept), parts.fragment))


def canonical_url(url: str) -> str:
    """One form for one item: scheme, "www.", default port, trailing slash, session and tracking parameters
    and parameter order do not make two items of one. The fragment is kept: on forums and comment feeds it is
    what tells two posts of one page apart (#p901, #post123, #comment-7)."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an unreadable URL is its own identity
        return url
    host = (parts.hostname or "").removeprefix("www.")
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path
    if ";" in path:
        path = _PATH_SESSION.sub("", path)
    path = path.rstrip("/") or "/"
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if not parts.query:  # most item links: no parameters to sort or drop
        return f"{host}{path}{fragment}"
    query = sorted((name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
                   if not _TRACKING.match(name) and not _is_session(name, value))
    return f"{host}{path}?{urlencode(query)}{fragment}" if query else f"{host}{path}{fragment}"


# The dashboard's own links: a page, and one mention opened in the Inbox (alerts and reports link to them).
PAGE_PARAM = "page"
MENTION_PARAM = "mention"
WORKSPACE_PARAM = "ws"  # in a multi-workspace install, which clinic's store a link is about


def page_link(dashboard_url: str, page: str, workspace: str | None = None) -> str:
    """The dashboard's `page` ("inbox", "trends", …) at `dashboard_url`, in `workspace` when given."""
    return _link(dashboard_url, {PAGE_PARAM: page}, workspace)


def mention_link(dashboard_url: str, mention_id: int, workspace: str | None = None) -> str:
    """One mention opened in the Inbox at `dashboard_url`, in `workspace` when given (ids are per workspace)."""
    return _link(dashboard_url, {PAGE_PARAM: "inbox", MENTION_PARAM: mention_id}, workspace)


def _link(dashboard_url: str, params: dict[str, object], workspace: str | None) -> str:
    if workspace is not None:
        params = {WORKSPACE_PARAM: workspace, **params}
    return f"{dashboard_url.rstrip('/')}/?{urlencode(params)}"
