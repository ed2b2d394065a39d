"""Configuration: one TOML file, validated on load; secrets come only from the environment."""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from core.query_syntax import parse_syntax
from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

DEFAULT_CONFIG_PATHS = ("config.toml", "data/demo/demo.toml")


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and the key path."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class BrandConfig(Strict):
    names: list[str] = Field(min_length=1, description="The clinic's names as people write them.")
    aliases: list[str] = []
    doctors: list[str] = []
    locations: list[str] = []
    exclusions: list[str] = Field(default=[], description="Phrases that look like a term but are not the clinic.")
    query: str = Field(default="", description="Optional boolean query (AND, OR, NOT, quotes, parentheses).")

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str) -> str:
        if value.strip():
            parse_syntax(value)
        return value


class SourceBase(Strict):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    enabled: bool = True
    interval_minutes: float = Field(default=30, gt=0)
    language: str | None = Field(default=None, description="Declared language of the source, a hint.")


class FeedSource(SourceBase):
    kind: Literal["feed"]
    url: AnyHttpUrl


class RedditSource(SourceBase):
    kind: Literal["reddit"]
    search: list[str] = Field(default=[], description="Queries; empty means the brand names.")
    search_subreddits: list[str] = Field(default=[], description="Restrict search to these; empty = all of Reddit.")
    stream_subreddits: list[str] = []
    limit: int = Field(default=100, ge=1, le=1000)
    user_agent: str = "ClinicWatch/0.1 (brand monitoring)"
    allow_posting: bool = False
    praw_site: str | None = Field(default=None, description="A praw.ini site to read credentials from.")
    oauth_url: AnyHttpUrl | None = Field(default=None, description="Override of https://oauth.reddit.com.")
    reddit_url: AnyHttpUrl | None = Field(default=None, description="Override of https://www.reddit.com.")


class DiscourseSource(SourceBase):
    kind: Literal["discourse"]
    base_url: AnyHttpUrl
    search: list[str] = []
    categories: list[str] = []
    max_pages: int = Field(default=5, ge=1, le=100)
    timezone: str = "UTC"


class ForumSource(SourceBase):
    """A forum read through its feed (phpBB feed.php, XenForo RSS) or through CSS selectors."""

    kind: Literal["forum"]
    url: AnyHttpUrl
    engine: Literal["feed", "html"] = "html"
    timezone: str = "UTC"
    date_language: str | None = None
    max_pages: int = Field(default=5, ge=1, le=100)
    delay_seconds: float = Field(default=1.0, ge=0)
    preset: Literal["phpbb", "xenforo", "vbulletin"] | None = Field(
        default=None, description="Default selectors of a stock forum theme; `selectors` override them."
    )
    selectors: dict[str, str] = Field(
        default={},
        description="post, author, date, text, permalink, next_page, thread_title (CSS selectors).",
    )


Source = Annotated[
    Union[FeedSource, RedditSource, DiscourseSource, ForumSource], Field(discriminator="kind")
]


class Channels(Strict):
    """Official channels in one language; any may be left out."""

    hotline: str | None = None
    whatsapp: AnyHttpUrl | None = None
    messenger: AnyHttpUrl | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    complaints_email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    contact_form: AnyHttpUrl | None = None
    booking: AnyHttpUrl | None = None
    portal_help: AnyHttpUrl | None = None
    press_email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="Press office.")
    press_phone: str | None = Field(default=None, description="Press office phone.")
    emergency_number: str | None = Field(
        default=None, description="Emergency number named first when a post shows a health risk; "
                                  "unset: the language's default (112; UK clinics set 999)."
    )


class OfficeHours(Strict):
    timezone: str = "Europe/Warsaw"
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = ["mon", "tue", "wed", "thu", "fri"]
    opens: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    closes: str = Field(default="18:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class AlertsConfig(Strict):
    email_to: list[str] = []
    email_from: str = "clinicwatch@localhost"
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    webhooks: list[AnyHttpUrl] = []
    urgency_threshold: float = Field(default=0.7, ge=0, le=1)
    response_sla_hours: float = Field(default=4, gt=0)
    quiet_hours: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
    digest: bool = False
    language: Literal["pl", "it", "en"] = "en"
    recipient_languages: dict[str, Literal["pl", "it", "en"]] = Field(
        default={}, description="Per-recipient language by e-mail address; others get `language`."
    )
    webhook_formats: dict[str, Literal["slack", "teams"]] = Field(
        default={}, description="Per-URL webhook format; unlisted URLs are detected from the host name."
    )
    spike_window_hours: float = Field(default=24, gt=0)
    spike_baseline_windows: int = Field(default=28, ge=3, le=200)
    spike_min_count: int = Field(default=10, ge=1)
    spike_threshold: float = Field(default=4.0, gt=0, description="Robust z-score (median/MAD) to call a spike.")
    timeout_seconds: float = Field(default=15, gt=0)
    quick_retries: int = Field(default=2, ge=0, le=10)
    retry_delay_seconds: float = Field(default=2.0, ge=0)
    max_attempts: int = Field(default=10, ge=1)
    report_folder: Path = Path("data/reports")


class HttpConfig(Strict):
    timeout_seconds: float = Field(default=20, gt=0)
    max_bytes: int = Field(default=10_000_000, gt=0)
    max_redirects: int = Field(default=5, ge=0, le=20)
    retries: int = Field(default=2, ge=0, le=10)
    concurrency: int = Field(default=16, ge=1, le=256)
    allow_private_addresses: bool = Field(
        default=False, description="Allow sources on loopback/private/link-local addresses (SSRF guard off)."
    )


class Config(Strict):
    clinic_name: str = Field(min_length=1)
    languages: list[Literal["pl", "it", "en"]] = ["pl", "it", "en"]
    database: Path = Path("data/clinicwatch.db")
    retention_days: int = Field(default=730, ge=1)
    brand: BrandConfig
    sources: list[Source] = []
    channels: dict[Literal["pl", "it", "en"], Channels] = {}
    office_hours: OfficeHours = OfficeHours()
    alerts: AlertsConfig = AlertsConfig()
    http: HttpConfig = HttpConfig()

    @model_validator(mode="after")
    def _unique_source_names(self) -> "Config":
        seen: set[str] = set()
        for source in self.sources:
            if source.name in seen:
                raise ValueError(f"two sources are named {source.name!r}; names must be unique")
            seen.add(source.name)
        return self

    @property
    def model_dir(self) -> Path:
        """Where the clinic's own learned models live: beside the database, under data/."""
        return self.database.parent / "models"

    def source(self, name: str) -> Source:
        for candidate in self.sources:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    path: Path | None = Field(default=None, exclude=True)


def load_config(path: str | Path) -> Config:
    """Read and validate a TOML config; relative paths in it are resolved against its folder."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Path | str = "<config>") -> Config:
    path = Path(path)
    if "path" in raw:
        raise ConfigError(f"{path}: path: unknown key")
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: " + "; ".join(describe_error(e) for e in exc.errors())) from None
    config.path = path  # a relative `database` stays relative to the working directory, like data/
    return config


def describe_error(error: dict[str, Any]) -> str:
    """Turn one pydantic error into `sources[2].url: not a valid URL`."""
    location = format_location(error.get("loc", ()))
    kind = error.get("type", "")
    messages = {
        "extra_forbidden": "unknown key",
        "missing": "required key is missing",
        "url_parsing": "not a valid URL",
        "url_scheme": "not a valid URL (http or https expected)",
    }
    message = messages.get(kind) or error.get("msg", "invalid value")
    if kind not in messages and "input" in error and not isinstance(error["input"], (dict, list)):
        message = f"{message} (got {error['input']!r})"
    return f"{location}: {message}" if location else message


def format_location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in ("feed", "reddit", "discourse", "forum") and parts and parts[-1].endswith("]"):
            continue  # the discriminator tag pydantic inserts is noise for a user
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def secret(name: str) -> str | None:
    """Secrets (Reddit, SMTP) are read from the environment only, never from the file."""
    value = os.environ.get(name, "").strip()
    return value or None


def find_config(explicit: str | Path | None = None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get("CLINICWATCH_CONFIG")
    if env:
        return Path(env)
    for candidate in DEFAULT_CONFIG_PATHS:
        if Path(candidate).exists():
            return Path(candidate)
    raise ConfigError("no config file: pass --config, set CLINICWATCH_CONFIG, or create config.toml")
