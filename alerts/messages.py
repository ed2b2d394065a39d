"""The text catalogue for alerts and the weekly report in Polish, Italian and English, and alert rendering."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.display import visible_controls, visible_href
from core.i18n import CATALOGUE, PLURAL_CATALOGUE, t, tn
from core.i18n import LANGUAGES as I18N_LANGUAGES
from core.i18n import label as vocabulary_label
from core.urls import mention_link, page_link

# The languages alerts are written in; their texts are part of the one catalogue (core.i18n).
LANGUAGES = I18N_LANGUAGES


def text(language: str, key: str, **values: Any) -> str:
    """A catalogue string in `language` (English when the language is unknown), with values filled in."""
    return t(key, language, **values)


def reason_names(language: str, reasons: list[str]) -> str:
    return ", ".join(text(language, f"reason.{r}") if f"reason.{r}" in CATALOGUE else r for r in reasons)


def _vocabulary(prefix: str, value: str | None, language: str) -> str:
    return vocabulary_label(prefix, value, language) if value else "-"


def topic_names(language: str, topics: list[str]) -> str:
    return ", ".join(vocabulary_label("topic", topic, language) for topic in topics)


@dataclass(slots=True)
class Message:
    """One alert rendered in one language, ready for any channel to format."""

    subject: str
    intro: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    excerpt: str = ""  # the mention's own words: plain text, escaped by every channel that needs it
    link: str | None = None  # the original post, when it has a URL a person may open
    link_label: str = ""
    critical: bool = False
    dashboard_link: str | None = None  # the mention (or Trends, for a spike) in ClinicWatch
    dashboard_label: str = ""

    @property
    def links(self) -> list[tuple[str, str]]:
        """(label, URL) of every link the message carries, the original first."""
        pairs = [(self.link_label, self.link), (self.dashboard_label, self.dashboard_link)]
        return [(label, url) for label, url in pairs if url]


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def render(payload: dict[str, Any], language: str, dashboard_url: str | None = None,
           workspace: str | None = None) -> Message:
    """Turn a recorded alert payload into a Message in `language`; with `dashboard_url`, it links to the mention
    (or, for a spike, the Trends page) in ClinicWatch, in the clinic's `workspace` of a multi-workspace install."""
    rule, data, critical = payload["rule"], payload["data"], payload.get("critical", False)
    if rule.startswith("spike"):
        values = dict(
            count=data["count"],
            negative=data.get("negative", 0),
            window=_number(data["window_hours"]),
            baseline=_number(data["baseline"]) if rule == "spike_volume" else _number(data["baseline"] * 100),
            share=_number(data["value"] * 100),
        )
        subject, intro_key = text(language, f"subject.{rule}", **values), f"intro.{rule}"
        if intro_key in PLURAL_CATALOGUE:  # the count decides the words' form
            intro = tn(intro_key, language, values.pop("count"), **values)
        else:
            intro = text(language, intro_key, **values)
        return Message(subject, intro, dashboard_link=page_link(dashboard_url, "trends", workspace) if dashboard_url else None,
                       dashboard_label=text(language, "label.open_dashboard"))
    reasons = reason_names(language, data.get("urgency_reasons", []))
    hours = _number(data.get("sla_hours", 0))
    if rule == "urgent":
        subject_key = "subject.urgent_critical" if critical else "subject.urgent"
        subject = text(language, subject_key, source=data["source_name"], reasons=reasons)
        intro = text(language, "intro.urgent")
    else:
        subject = text(language, "subject.sla", source=data["source_name"], hours=hours)
        intro = text(language, "intro.sla", hours=hours)
    facts = [
        (text(language, "label.source"), data["source_name"]),
        (text(language, "label.published"), (data.get("published_at") or "")[:16].replace("T", " ") + " UTC"),
        (text(language, "label.urgency"), f"{data.get('urgency', 0):.2f}"),
        (text(language, "label.reasons"), reasons or "-"),
        (text(language, "label.kind"), _vocabulary("kind", data.get("kind"), language)),
        (text(language, "label.sentiment"), _vocabulary("sentiment", data.get("sentiment"), language)),
        (text(language, "label.topics"), topic_names(language, data.get("topics") or []) or "-"),
    ]
    excerpt = visible_controls("\n".join(part for part in (data.get("title") or "", data.get("text") or "") if part))
    url = visible_href(data.get("url") or "")
    link = url if url.startswith(("https://", "http://")) else None  # never javascript: or data: links
    inbox = mention_link(dashboard_url, int(data["id"]), workspace) if dashboard_url and data.get("id") is not None else None
    return Message(subject, intro, facts, excerpt, link, text(language, "label.open"), critical,
                   dashboard_link=inbox, dashboard_label=text(language, "label.open_dashboard"))


def digest_subject(language: str, count: int) -> str:
    return tn("subject.digest", language, count)
