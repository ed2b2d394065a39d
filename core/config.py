"""Configuration: one TOML file, validated on load; secrets come only from the environment."""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    IPvAnyNetwork,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from core.query_syntax import parse_syntax
from core.redact import is_secret_name, redact
from core.store_url import url_in_schema, workspace_schema

DEFAULT_CONFIG_PATHS = ("config.toml", "data/demo/demo.toml")


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and the key path."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


def _has_a_word(value: str) -> str:
    """A term is matched word by word: one with no letter or digit ("", "-", "  ") would match nothing or all."""
    if not any(ch.isalnum() for ch in value):
        raise ValueError("a brand term needs at least one letter or digit")
    return value


Term = Annotated[str, AfterValidator(_has_a_word)]


class BrandConfig(Strict):
    names: list[Term] = Field(min_length=1, description="The clinic's names as people write them.")
    aliases: list[Term] = []
    doctors: list[Term] = []
    locations: list[Term] = []
    exclusions: list[Term] = Field(default=[], description="Phrases that look like a term but are not the clinic.")
    query: str = Field(default="", description="Optional boolean query (AND, OR, NOT, quotes, parentheses).")

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str) -> str:
        if value.strip():
            parse_syntax(value)
        return value


class SourceBase(Strict):
    """What every source kind's config has; each kind's collector module declares a subclass with `kind`."""

    kind: str
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    enabled: bool = True
    interval_minutes: float = Field(default=30, gt=0)
    language: str | None = Field(default=None, description="Declared language of the source, a hint.")


class GenericSource(SourceBase):
    """A source read without its kind's model (by code that needs only the common keys)."""

    model_config = ConfigDict(extra="allow")


SourceModels = Mapping[str, type[SourceBase]]


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
    dashboard_url: AnyHttpUrl | None = Field(
        default=None, description="Where people open the dashboard (https://clinicwatch.example.org); alerts and "
                                  "reports then link to each mention in it.")


class HttpConfig(Strict):
    timeout_seconds: float = Field(default=20, gt=0)
    max_bytes: int = Field(default=10_000_000, gt=0)
    max_redirects: int = Field(default=5, ge=0, le=20)
    retries: int = Field(default=2, ge=0, le=10)
    concurrency: int = Field(default=16, ge=1, le=256)
    source_seconds: float = Field(
        default=600, gt=0, description="The longest one source may take in a cycle, all its requests together; "
                                       "past it the source is recorded as timed out and the cycle goes on without it."
    )
    allow_private_addresses: bool = Field(
        default=False, description="Allow sources on loopback/private/link-local addresses (SSRF guard off)."
    )


class DemoConfig(Strict):
    """The offline demo's bundled sources: the one thing that sets the demo config apart from a real one."""

    files: Path = Field(description="Folder of the bundled source files, relative to the config file. While "
                                    "collecting, it is served on 127.0.0.1 in place of the sources' "
                                    "http://demo.invalid addresses.")


class DashboardConfig(Strict):
    trusted_proxies: list[IPvAnyNetwork] = Field(
        default=[], description="Addresses or networks of the reverse proxies in front of the dashboard. Only a "
                                "connection from one of them has its X-Forwarded-For read (the first address, from "
                                "the right, that is not a trusted proxy is the client's); empty: the header is "
                                "ignored, so a client cannot choose the address its failed logins count against.")


class Config(Strict):
    clinic_name: str = Field(min_length=1)
    languages: list[Literal["pl", "it", "en"]] = ["pl", "it", "en"]
    database: Path = Path("data/clinicwatch.db")
    database_url: str | None = Field(
        default=None, pattern=r"^postgres(ql)?://",
        description="A PostgreSQL database instead of the SQLite file, e.g. postgresql://cw@db.example/clinicwatch. "
                    "Keep the password out of this file: libpq reads PGPASSWORD (or ~/.pgpass), and a ${VAR} in "
                    "the URL is read from the environment. `database`'s folder still holds users and models.")
    retention_days: int = Field(default=730, ge=1)
    brand: BrandConfig
    sources: list[SourceBase] = []
    channels: dict[Literal["pl", "it", "en"], Channels] = {}
    office_hours: OfficeHours = OfficeHours()
    alerts: AlertsConfig = AlertsConfig()
    http: HttpConfig = HttpConfig()
    dashboard: DashboardConfig = DashboardConfig()
    demo: DemoConfig | None = None

    @model_validator(mode="after")
    def _unique_source_names(self) -> Config:
        seen: set[str] = set()
        for source in self.sources:
            if source.name in seen:
                raise ValueError(f"two sources are named {source.name!r}; names must be unique")
            seen.add(source.name)
        return self

    def in_workspace(self, workspace_id: str) -> Config:
        """This clinic's config served as workspace `workspace_id` of an install (core.workspaces)."""
        return self.model_copy(update={"workspace": workspace_id})

    @property
    def store_target(self) -> str | Path:
        """What storage.open_store opens: database_url when set (in a workspace: its own schema there), else the
        SQLite file `database`."""
        if self.database_url and self.workspace:
            return url_in_schema(self.database_url, workspace_schema(self.workspace))
        return self.database_url or self.database

    @property
    def store_label(self) -> str:
        """The store as messages and the sidebar name it: the file, or the URL without any password in it."""
        if not self.database_url:
            return str(self.database)
        parts = urlsplit(self.database_url)
        host = parts.hostname or ""
        where = f"{parts.username}@{host}" if parts.username else host
        port = f":{parts.port}" if parts.port else ""
        schema = f" (schema {workspace_schema(self.workspace)})" if self.workspace else ""
        return f"{parts.scheme}://{where}{port}{parts.path}{schema}"

    @property
    def model_dir(self) -> Path:
        """Where the clinic's own learned models live: beside the database, under data/."""
        return self.database.parent / "models"

    def source(self, name: str) -> SourceBase:
        for candidate in self.sources:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    path: Path | None = Field(default=None, exclude=True)
    # Set by core.workspaces for a clinic served as one workspace of an install (links and the PostgreSQL schema
    # carry it); None: a single-clinic install. Never read from the file, like `path`.
    workspace: str | None = Field(default=None, exclude=True)


def load_config(path: str | Path, source_models: SourceModels | None = None) -> Config:
    """Read and validate a TOML config; relative paths in it are resolved against its folder.

    `source_models` maps each source kind to its config model (collectors.registry.SOURCE_MODELS); without it,
    sources are validated for their common keys only.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(raw, path, source_models)


def parse_config(raw: dict[str, Any], path: Path | str = "<config>",
                 source_models: SourceModels | None = None) -> Config:
    path = Path(path)
    for internal in ("path", "workspace"):
        if internal in raw:
            raise ConfigError(f"{path}: {internal}: unknown key")
    try:
        config = config_model(source_models).model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: " + "; ".join(describe_error(dict(e)) for e in exc.errors())) from None
    config.path = path  # a relative `database` stays relative to the working directory, like data/
    return config


@lru_cache(maxsize=8)
def _config_model(kinds: tuple[tuple[str, type[SourceBase]], ...]) -> type[Config]:
    if not kinds:
        return create_model("Config", __base__=Config, sources=(list[GenericSource], []))
    models = tuple(model for _, model in kinds)
    union = Annotated[Union[models], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007  (a runtime tuple)
    return create_model("Config", __base__=Config, sources=(list[union], []))


def config_model(source_models: SourceModels | None) -> type[Config]:
    """The Config model whose `sources` are validated by each kind's own model (a discriminated union)."""
    return _config_model(tuple(sorted((source_models or {}).items())))


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
    # pydantic prefixes our validators' messages with "Value error, ": noise for a user.
    message = messages.get(kind) or str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    key = error.get("loc", ())[-1:] or ("",)
    if kind == "extra_forbidden" and isinstance(key[0], str) and is_secret_name(key[0]):
        message += (": secrets are never read from the config file; set them in the environment instead "
                    "(REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET, SMTP_USERNAME, SMTP_PASSWORD; see config.example.toml)")
    elif kind not in messages and "input" in error and not isinstance(error["input"], (dict, list)):
        message = f"{message} (got {redact(repr(error['input']))})"
    return f"{location}: {message}" if location else message


def format_location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for index, item in enumerate(loc):
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif index == 2 and loc[0] == "sources" and item not in SourceBase.model_fields:
            continue  # the kind tag pydantic inserts after sources[n] is noise for a user
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
