"""Why an item a source offered was not stored: one vocabulary for collectors, pipeline, store and pages."""
from __future__ import annotations

# reason -> what it means, as the status command and the Sources page say it.
DROP_REASONS: dict[str, str] = {
    "already_seen": "seen in an earlier run of this source",
    "duplicate": "the same item was already stored (twice in one answer, or through another source)",
    "not_matched": "does not mention the brand",
    "excluded": "mentions the brand only inside an excluded phrase, or the source's query does not hold",
    "too_old": "older than the source's cursor",
    "unparsable": "an entry the collector could not read",
    "empty_text": "the post had text on the page but none was extracted (check the text selector)",
    "not_a_post": "not a post or comment (e.g. a subreddit or user listed among results)",
}
