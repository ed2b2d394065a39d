"""Google Business Profile reviews of the clinic's own locations, through the Business Profile API (v4 reviews)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal
from urllib.parse import quote

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from collectors.api_client import ApiClient, shared_api_client, status_error
from collectors.base import DELETED_IDS, CollectResult, SourceError, SourceKind
from collectors.forums.dates import parse_machine_date
from collectors.google_auth import (
    DEFAULT_TOKEN_URL,
    SCOPE,
    GoogleToken,
    authorised_get,
    google_credentials,
    missing_google_credentials,
    shared_token,
)
from core.config import Config, SourceBase
from core.models import EDIT_OF, LOCATION_LABEL, Mention, utcnow

STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
# Google appends or prepends its machine translation to a review's comment; the reviewer's own words are kept.
TRANSLATED_MARK = "(Translated by Google)"
ORIGINAL_MARK = "(Original)"
ANONYMOUS = "anonymous"


class GoogleLocation(BaseModel):
    """One location of the clinic: its account and location ids as the Business Profile API names them."""

    model_config = ConfigDict(extra="forbid")
    account: str = Field(pattern=r"^[0-9A-Za-z_-]+$", description="The number in accounts/{account}.")
    location: str = Field(pattern=r"^[0-9A-Za-z_-]+$", description="The number in locations/{location}.")
    label: str = Field(min_length=1, description="How staff name this location; shown as the review's thread, "
                                                 "so include the clinic's name.")
    place_id: str | None = Field(default=None, description="The Maps place id, for a link to the public reviews.")


class GoogleReviewsSource(SourceBase):
    kind: Literal["google_reviews"]
    locations: list[GoogleLocation] = Field(min_length=1)
    interval_minutes: float = Field(default=60, gt=0)
    api_url: AnyHttpUrl = AnyHttpUrl("https://mybusiness.googleapis.com")
    token_url: AnyHttpUrl = AnyHttpUrl(DEFAULT_TOKEN_URL)
    page_size: int = Field(default=50, ge=1, le=50)
    max_pages: int = Field(default=20, ge=1, le=1000)
    full_scan_hours: float = Field(default=24, gt=0, description="How often every page is read, to notice "
                                                                 "reviews that were deleted.")
    allow_posting: bool = Field(default=False, description="Let staff post approved owner replies from ClinicWatch.")


class GoogleReviewsCollector:
    """Cursor per location key "account/location": {"known": {review id: updateTime}, "newest": updateTime,
    "last_full": ISO time of the last complete listing, "missing": ids gone from it}.

    Reviews come newest-updated first, so a run stops at the first review not updated since the last run, except
    on a full scan, which reads every page to notice deleted reviews. An edited review comes back as a new mention
    (external id "<review id>@<updateTime>", extra["edit_of"]) so it is analysed again and the earlier version
    stays as its history.
    """

    kind: ClassVar[str] = "google_reviews"

    def __init__(self, source: GoogleReviewsSource, config: Config, *, client: ApiClient | None = None,
                 now: Callable[[], datetime] = utcnow) -> None:
        self.source = source
        self.config = config
        self.client = client or shared_api_client(config.http)
        self.now = now
        self.api = str(source.api_url).rstrip("/")

    def collect(self, cursor: dict[str, Any]) -> CollectResult:
        # Read each run, so a fixed environment is picked up; the token is shared with earlier runs.
        token = shared_token(self.client, str(self.source.token_url), google_credentials())
        states = dict((cursor or {}).get("locations") or {})
        mentions: list[Mention] = []
        seen = 0
        notes: list[str] = []
        for location in self.source.locations:
            key = f"{location.account}/{location.location}"
            found, states[key], listed, note = self._location(token, location, states.get(key) or {})
            mentions.extend(found)
            seen += listed
            if note:
                notes.append(note)
        missing = {key: state["missing"] for key, state in states.items() if state.get("missing")}
        earlier = (cursor or {}).get("locations") or {}
        before = {key: set(state.get("missing") or []) for key, state in earlier.items()}
        # Newly gone reviews, once: the pipeline marks their stored mentions (DELETED_IDS in CollectResult.extra):
        # the first version, and the latest edit when there was one (a version id nothing was stored under is
        # passed over).
        newly: set[str] = set()
        for key, ids in missing.items():
            known = states[key].get("known") or {}
            for review in set(ids) - before.get(key, set()):
                newly.add(review)
                if known.get(review):
                    newly.add(f"{review}@{known[review]}")
        extra: dict[str, Any] = {"missing_reviews": missing} if missing else {}
        if newly:
            extra[DELETED_IDS] = sorted(newly)
        return CollectResult(mentions=mentions, cursor={"locations": states}, seen=seen,
                             note="; ".join(notes) or None, extra=extra)

    def _location(self, token: GoogleToken, location: GoogleLocation, state: dict[str, Any],
                  ) -> tuple[list[Mention], dict[str, Any], int, str | None]:
        known: dict[str, str] = dict(state.get("known") or {})
        newest = _moment(state.get("newest"))
        now = self.now()
        last_full = _moment(state.get("last_full"))
        full = last_full is None or now - last_full >= timedelta(hours=self.source.full_scan_hours)
        url = (f"{self.api}/v4/accounts/{quote(location.account)}/locations/{quote(location.location)}/reviews")
        listed: dict[str, str] = {}
        mentions: list[Mention] = []
        page_token: str | None = None
        complete = reached_cursor = False
        for _page in range(self.source.max_pages):
            params = {"pageSize": str(self.source.page_size), "orderBy": "updateTime desc"}
            if page_token:
                params["pageToken"] = page_token
            data = self._page(token, url, params)
            reached_cursor = False
            for review in data.get("reviews") or []:
                review_id, updated = _identity(review, url)
                listed[review_id] = updated
                if not full and newest is not None and (_moment(updated) or now) < newest:
                    reached_cursor = True
                    break
                if known.get(review_id) != updated:
                    mentions.append(self._mention(review, location, review_id, updated, known.get(review_id)))
            page_token = data.get("nextPageToken") or None
            if reached_cursor or not page_token:
                complete = not page_token
                break
        state = {**state, "known": {**known, **listed}}
        notes = []
        if reached_cursor or complete:
            stamps = [m for m in (_moment(u) for u in state["known"].values()) if m is not None]
            state["newest"] = max(stamps).isoformat() if stamps else None
        elif full:
            notes.append(f"{location.label}: the daily full listing stopped after {self.source.max_pages} page(s), "
                         "so deleted reviews cannot be told apart; raise max_pages")
        else:
            # Stopped by max_pages before the cursor: the cursor stays, so nothing between is skipped for good.
            notes.append(f"{location.label}: more than {self.source.max_pages} page(s) of new reviews; "
                         "raise max_pages to read them all")
        if full and complete:
            # A review gone from a complete listing was deleted (by its author or by Google): it is reported,
            # and its stored mention stays, so nothing disappears without a trace.
            gone = sorted(set(known) - set(listed))
            state["missing"] = sorted(set(state.get("missing") or []) - set(listed) | set(gone))
            state["last_full"] = now.isoformat()
        if state.get("missing"):
            notes.append(f"{location.label}: {len(state['missing'])} review(s) no longer listed by Google "
                         f"(deleted): {', '.join(state['missing'][:5])}")
        return mentions, state, len(listed), "; ".join(notes) or None

    def _page(self, token: GoogleToken, url: str, params: dict[str, str]) -> dict[str, Any]:
        response = authorised_get(self.client, token, url, params)
        if response.status != 200:
            raise status_error(
                response, "the Business Profile API",
                auth_hint=f"the access token was refused even after a refresh; re-authorise with the scope {SCOPE}",
                forbidden_hint="the Google account behind GOOGLE_REFRESH_TOKEN does not manage this location, or "
                               "the project lacks Business Profile API access (request it in Google Cloud)",
            )
        data = response.json()
        if not isinstance(data, dict):
            raise SourceError("parse", f"{url} answered JSON that is not a list of reviews")
        return data

    def _mention(self, review: dict[str, Any], location: GoogleLocation, review_id: str, updated: str,
                 previous: str | None) -> Mention:
        reviewer = review.get("reviewer") or {}
        author = ANONYMOUS if reviewer.get("isAnonymous") else str(reviewer.get("displayName") or ANONYMOUS)
        extra: dict[str, Any] = {
            "platform": "google",
            "review_id": review_id,
            "review_name": str(review.get("name") or ""),
            "location": f"{location.account}/{location.location}",
            LOCATION_LABEL: location.label,
            "create_time": review.get("createTime"),
            "update_time": updated,
        }
        rating = STARS.get(str(review.get("starRating") or ""))
        if rating is not None:
            extra["rating"] = rating
        reply = review.get("reviewReply") or {}
        if reply.get("comment"):
            extra["owner_reply"] = {"comment": str(reply["comment"]), "update_time": reply.get("updateTime")}
        if previous is not None:
            extra[EDIT_OF] = review_id
            extra["previous_update_time"] = previous
        return Mention(
            source_kind=self.kind,
            source_name=self.source.name,
            external_id=review_id if previous is None else f"{review_id}@{updated}",
            url=_review_link(location),
            text=reviewer_words(str(review.get("comment") or "")),
            author=author,
            published_at=_moment(updated) or _moment(review.get("createTime")),
            language=self.source.language,
            thread_title=location.label,
            thread_url=_review_link(location),
            extra=extra,
        )


def reviewer_words(comment: str) -> str:
    """The comment without Google's machine translation."""
    if ORIGINAL_MARK in comment:
        return comment.split(ORIGINAL_MARK, 1)[1].strip()
    if TRANSLATED_MARK in comment:
        return comment.split(TRANSLATED_MARK, 1)[0].strip()
    return comment.strip()


def _identity(review: dict[str, Any], url: str) -> tuple[str, str]:
    review_id = review.get("reviewId") or str(review.get("name") or "").rsplit("/", 1)[-1]
    updated = review.get("updateTime") or review.get("createTime")
    if not review_id or not isinstance(updated, str):
        raise SourceError("parse", f"{url} listed a review without reviewId or updateTime (has the API changed?)")
    return str(review_id), updated


def _review_link(location: GoogleLocation) -> str:
    if location.place_id:
        return f"https://search.google.com/local/reviews?placeid={quote(location.place_id)}"
    return "https://business.google.com/reviews"


def _moment(value: Any) -> datetime | None:
    return parse_machine_date(value) if isinstance(value, str) else None


SOURCE_KIND = SourceKind("google_reviews", GoogleReviewsSource, GoogleReviewsCollector,
                         "Google Business Profile reviews of the clinic's locations (OAuth from the environment).",
                         missing_credentials=lambda _source: missing_google_credentials())
