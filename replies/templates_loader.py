"""Reply templates as data (templates/<lang>.toml), loaded and validated so a bad edit fails with its name.

Per-kind coverage (documented rule the loader enforces):
- complaint and question: every topic in core.labels.TOPICS has its own variants, or is listed in the
  kind's `uses_default`, which then falls back to the kind's `default` variants;
- praise: only `default` (a short thank-you);
- other: no reply at all.

A clinic's own templates live in reply_templates/ beside its config file (`templates_dir_for`); a file there
replaces the shipped file of that language. The shipped files are never edited in place.
"""
from __future__ import annotations

import hashlib
import logging
import string
import tomllib
from functools import lru_cache
from pathlib import Path

from core.config import BrandConfig, Channels, Config
from core.labels import KINDS, TOPICS
from replies.lint import lint
from replies.office_hours import WEEKDAYS
from replies.render import channel_values, compose
from replies.routing import STYLES, Route, route
from replies.template_pack import LanguagePack, Templates

TEMPLATES_DIR = Path(__file__).with_name("templates")
CLINIC_TEMPLATES_FOLDER = "reply_templates"  # beside the config file
TOPIC_KINDS = ("complaint", "question")
DEFAULT_ONLY_KINDS = ("praise",)
SILENT_KINDS = ("other",)
PRESS_CASE = "press"  # not a kind: the reply to any mention whose urgency reasons include "press"
CHANNEL_FIELDS = tuple(Channels.model_fields)
BODY_PLACEHOLDERS = frozenset({"clinic_name", "invite", *CHANNEL_FIELDS})
FRAME_PLACEHOLDERS = {
    "greeting": set(),
    "greeting_handle": {"handle"},
    "signoff": {"clinic_name"},
    "emergency": {"emergency_number", "clinic_name"},
    "closed": {"day", "opens"},
    "joiner": set(),
}
# Placeholders a frame string must use; e.g. the emergency line must name the emergency number.
FRAME_OPTIONAL = {"emergency": {"clinic_name"}}
DAY_KEYS = ("today", "tomorrow", *WEEKDAYS)
# Worst case used to lint every template: a handle, an emergency line, and the office closed.
SAMPLE_HANDLE = "u/example_user"
log = logging.getLogger(__name__)


class TemplateError(ValueError):
    """A template file that cannot be used; the message starts with the template's id."""


def load_templates(path_or_dir: str | Path | None = None, config: Config | None = None) -> Templates:
    """Load templates/<lang>.toml (or one file); every template is checked for placeholders and by the linter."""
    _check_kinds()
    path = Path(path_or_dir) if path_or_dir else TEMPLATES_DIR
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    if not files:
        raise TemplateError(f"{path}: no template files (*.toml)")
    return _load_files(files, config)


def _load_files(files: list[Path], config: Config | None) -> Templates:
    packs = {pack.language: pack for pack in (parse_pack(file) for file in files)}
    check_config = validation_config(config)
    for pack in packs.values():
        lint_pack(pack, check_config)
    return Templates(packs)


@lru_cache(maxsize=1)
def default_templates() -> Templates:
    """The shipped templates, loaded once per process."""
    return load_templates()


def templates_dir_for(config: Config | None) -> Path | None:
    """The clinic's override folder (reply_templates/ beside the config file); None without a config file."""
    if config is None or config.path is None:
        return None
    return Path(config.path).resolve().parent / CLINIC_TEMPLATES_FOLDER


def template_files(config: Config | None) -> dict[str, Path]:
    """language -> the file in use: the clinic's override when present, else the shipped file."""
    files = {path.stem: path for path in sorted(TEMPLATES_DIR.glob("*.toml"))}
    folder = templates_dir_for(config)
    if folder is not None:
        for language in files:
            if (folder / f"{language}.toml").is_file():
                files[language] = folder / f"{language}.toml"
    return files


_CLINIC_CACHE: dict[tuple[str, ...], Templates] = {}


def templates_for(config: Config | None) -> Templates:
    """The templates suggest() uses: shipped ones, with the clinic's overrides when present.

    Cached by file contents and config, so a file saved from Settings is used on the next call. An override
    that fails validation (e.g. edited by hand) is logged and the shipped templates are used instead.
    """
    files = template_files(config)
    if all(path.parent == TEMPLATES_DIR for path in files.values()):
        return default_templates()
    try:
        digests = [f"{path}:{hashlib.sha256(path.read_bytes()).hexdigest()}" for path in files.values()]
    except OSError:  # an override removed meanwhile
        return default_templates()
    key = (*digests, config.model_dump_json() if config else "")
    templates = _CLINIC_CACHE.get(key)
    if templates is None:
        try:
            templates = _load_files(list(files.values()), config)
            if set(templates.packs) != set(files):
                raise TemplateError(f"{templates_dir_for(config)}: a file declares a language other than its name")
        except TemplateError as exc:
            log.warning("clinic reply templates not used, falling back to the shipped ones: %s", exc)
            templates = default_templates()
        _CLINIC_CACHE.clear()  # only the current set is worth keeping
        _CLINIC_CACHE[key] = templates
    return templates


def check_language_text(language: str, text: str, config: Config | None = None) -> LanguagePack:
    """Validate one language's TOML as it would be saved: structure, placeholders and the linter."""
    _check_kinds()
    pack = parse_pack_text(text, Path(f"{language}.toml"))
    if pack.language != language:
        raise TemplateError(f"{language}.language: the text declares language = {pack.language!r}, expected {language!r}")
    lint_pack(pack, validation_config(config))
    return pack


def _check_kinds() -> None:
    unknown = set(KINDS) - set(TOPIC_KINDS + DEFAULT_ONLY_KINDS + SILENT_KINDS)
    if unknown:
        raise TemplateError(f"core.labels.KINDS has {sorted(unknown)}, which replies/templates_loader.py does not handle")


def parse_pack(path: Path) -> LanguagePack:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"{path}: file not found") from None
    return parse_pack_text(text, path)


def parse_pack_text(text: str, path: Path) -> LanguagePack:
    """Parse one language's TOML; `path` names it in errors and gives the language when the text omits it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: not valid TOML: {exc}") from None
    language = data.get("language") or path.stem
    pack = LanguagePack(
        language=language,
        path=path,
        frame=_strings(data, language, "frame", FRAME_PLACEHOLDERS),
        invite=_strings(data, language, "invite", {style: {"channels"} for style in STYLES} | {"none": set()}),
        channel=_strings(data, language, "channel", {name: {name} for name in CHANNEL_FIELDS}),
        days=_strings(data, language, "days", {key: set() for key in DAY_KEYS}),
    )
    for kind in TOPIC_KINDS + DEFAULT_ONLY_KINDS + (PRESS_CASE,):
        pack.cases[kind] = _cases(data.get(kind), language, kind)
    return pack


def _strings(data: dict, language: str, table: str, expected: dict[str, set[str]]) -> dict[str, str]:
    """A table of single strings whose keys and placeholders are fixed (frame, invite, channel, days)."""
    section = data.get(table)
    if not isinstance(section, dict):
        raise TemplateError(f"{language}.{table}: missing table [{table}]")
    for key, allowed in expected.items():
        value = section.get(key)
        if not isinstance(value, str) or (not value.strip() and key != "joiner"):
            raise TemplateError(f"{language}.{table}.{key}: missing (a non-empty string is required)")
        required = allowed - FRAME_OPTIONAL.get(key, set()) if table == "frame" else allowed
        _check_placeholders(f"{language}.{table}.{key}", value, allowed, required=required)
    extra = set(section) - set(expected)
    if extra:
        raise TemplateError(f"{language}.{table}.{sorted(extra)[0]}: unknown key")
    return dict(section)


def _cases(section: object, language: str, kind: str) -> dict[str, list[str]]:
    where = f"{language}.{kind}"
    if not isinstance(section, dict):
        raise TemplateError(f"{where}: missing table [{kind}]")
    cases: dict[str, list[str]] = {}
    uses_default = section.get("uses_default", [])
    for key, variants in section.items():
        if key == "uses_default":
            continue
        if key != "default" and (kind in DEFAULT_ONLY_KINDS + (PRESS_CASE,) or key not in TOPICS):
            raise TemplateError(f"{where}.{key}: unknown topic (topics are {', '.join(TOPICS)})")
        if not isinstance(variants, list) or not variants or not all(isinstance(v, str) and v.strip() for v in variants):
            raise TemplateError(f"{where}.{key}: a non-empty list of non-empty strings is required")
        for index, variant in enumerate(variants):
            template_id = f"{where}.{key}[{index}]"
            needs_invite = {"invite"} if kind in TOPIC_KINDS + (PRESS_CASE,) else set()
            allowed = BODY_PLACEHOLDERS if key != "default" else {"clinic_name", "invite"}
            _check_placeholders(template_id, variant, allowed, required=needs_invite)
        cases[key] = variants
    if "default" not in cases:
        raise TemplateError(f"{where}.default: missing (the per-kind fallback is required)")
    if kind in TOPIC_KINDS:
        for topic in TOPICS:
            if topic not in cases and topic not in uses_default:
                raise TemplateError(f"{where}.{topic}: missing (write variants or add it to {where}.uses_default)")
        for topic in uses_default:
            if topic not in TOPICS:
                raise TemplateError(f"{where}.uses_default: unknown topic {topic!r}")
    return cases


def placeholders(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def _check_placeholders(template_id: str, text: str, allowed: set[str] | frozenset[str], required: set[str]) -> None:
    try:
        names = placeholders(text)
    except ValueError as exc:
        raise TemplateError(f"{template_id}: bad braces ({exc}); write {{{{ and }}}} for literal braces") from None
    for name in names:
        if name not in allowed:
            hint = "; allowed: " + ", ".join("{" + a + "}" for a in sorted(allowed)) if allowed else ""
            raise TemplateError(f"{template_id}: unknown placeholder {{{name}}}{hint}")
    for name in sorted(required - set(names)):
        raise TemplateError(f"{template_id}: must contain {{{name}}}")


def validation_config(config: Config | None) -> Config:
    """The clinic's config with every channel filled (examples stand in for missing ones)."""
    sample = Channels(
        hotline="+48 22 100 20 30",
        whatsapp="https://wa.me/48221002030",
        messenger="https://m.me/example.clinic",
        email="kontakt@example-clinic.org",
        complaints_email="pacjent@example-clinic.org",
        contact_form="https://example-clinic.org/kontakt",
        booking="https://example-clinic.org/rejestracja",
        portal_help="https://example-clinic.org/pomoc-portal",
        press_email="prasa@example-clinic.org",
        press_phone="+48 22 100 20 40",
        emergency_number="112",
    )
    filled = {}
    for language in ("pl", "it", "en"):
        real = config.channels.get(language) if config else None
        merged = sample.model_dump() | ({k: v for k, v in real.model_dump().items() if v} if real else {})
        filled[language] = Channels(**merged)
    name = config.clinic_name if config else "Centrum Medyczne Przykład"
    return Config(clinic_name=name, brand=BrandConfig(names=[name]), channels=filled)


def lint_pack(pack: LanguagePack, config: Config) -> None:
    """Render every variant in its worst case (handle, emergency line, office closed) and lint it."""
    channels = config.channels[pack.language] if pack.language in config.channels else config.channels["en"]
    values = channel_values(config, channels)
    _lint_parts(pack, config, values)
    longest_day = max(pack.days.values(), key=len)
    closed = pack.frame["closed"].format(day=longest_day, opens="10:00")
    checked: set[str] = set()  # topics sharing a route render the same text; lint it once
    for kind, by_topic in pack.cases.items():
        for key, variants in by_topic.items():
            topics = [key] if key in TOPICS else list(TOPICS)
            for index, variant in enumerate(variants):
                for topic in topics:
                    reply_route = _worst_route(kind, topic, channels)
                    text = compose(pack, variant, values=values, route=reply_route, handle=SAMPLE_HANDLE,
                                   closed=closed if reply_route else "")
                    if text in checked:
                        continue
                    checked.add(text)
                    findings = lint(text, pack.language, config=config)
                    if findings:
                        first = findings[0]
                        quoted = f" near {text[first.span[0]:first.span[1]]!r}" if first.span else ""
                        raise TemplateError(
                            f"{pack.language}.{kind}.{key}[{index}]: breaks rule {first.rule}{quoted}: {first.reason}"
                        )


def _worst_route(kind: str, topic: str, channels: Channels) -> Route | None:
    """The route a template is linted with: the press office for press, the emergency line for topics."""
    if kind == PRESS_CASE:
        return route("question", "other", ["press"], channels)
    return route(kind, topic, ["health_risk"], channels) if kind in TOPIC_KINDS else None


def _lint_parts(pack: LanguagePack, config: Config, values: dict[str, str]) -> None:
    """Lint the shared pieces on their own first, so an error names the piece rather than a case."""
    fields = values | {"handle": SAMPLE_HANDLE, "day": pack.days["mon"], "opens": "8:00", "channels": ""}
    for table in ("frame", "invite", "channel"):
        for key, text in getattr(pack, table).items():
            findings = lint(text.format(**fields), pack.language, config=config)
            if findings:
                first = findings[0]
                raise TemplateError(
                    f"{pack.language}.{table}.{key}: breaks rule {first.rule} near {list(first.words)}: {first.reason}"
                )
