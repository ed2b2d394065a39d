"""Channel routing: which official channels a reply points to, by topic, kind and urgency."""
from __future__ import annotations

from dataclasses import dataclass

from core.config import Channels, Config

MAX_CHANNELS = 2
# Preferred channels per topic, best first; topics not listed use DEFAULT_ROUTE.
ROUTES: dict[str, tuple[str, ...]] = {
    "appointments": ("booking", "hotline"),
    "waiting_time": ("hotline", "booking"),
    "staff_attitude": ("complaints_email", "contact_form"),
    "reaching_clinic": ("whatsapp", "messenger", "email", "contact_form"),  # the phone is what failed
    "prices_billing": ("email", "contact_form"),
    "results_records": ("portal_help", "email"),  # never in public
    "patient_account": ("portal_help", "hotline"),
    "services_offered": ("booking", "hotline"),
    "vaccinations": ("booking", "hotline"),
    "location_hours": ("hotline", "contact_form"),
    "quality_of_care": ("complaints_email", "contact_form"),
}
# Complaints go to patient relations unless the topic has a more specific private channel.
COMPLAINT_ROUTES: dict[str, tuple[str, ...]] = {
    "waiting_time": ("complaints_email", "hotline"),
    "reaching_clinic": ("complaints_email", "whatsapp", "messenger", "email"),
    "prices_billing": ("email", "complaints_email"),
}
DEFAULT_ROUTE = ("email", "contact_form", "hotline")
DEFAULT_COMPLAINT_ROUTE = ("complaints_email", "contact_form")
# When a preferred channel is not configured, its stand-in is tried before moving on.
STAND_INS: dict[str, tuple[str, ...]] = {
    "complaints_email": ("email",),
    "portal_help": ("email", "hotline"),
    "booking": ("hotline",),
    "whatsapp": ("messenger",),
}
LAST_RESORT = ("contact_form", "email", "hotline", "whatsapp", "messenger")
# How the invitation sentence is phrased; each template file has one sentence per style.
STYLES = ("contact", "private", "records", "booking", "none")
BOOKING_TOPICS = ("appointments", "services_offered", "vaccinations")


@dataclass(frozen=True, slots=True)
class Route:
    channels: list[str]  # Channels field names, emergency_number first when there is a health risk
    style: str  # one of STYLES
    emergency: bool


def channels_for(config: Config, language: str) -> Channels:
    """The channels for the language; else the first configured language's; else none."""
    if language in config.channels:
        return config.channels[language]
    for candidate in [*config.languages, *config.channels]:
        if candidate in config.channels:
            return config.channels[candidate]
    return Channels()


def available(channels: Channels, name: str) -> bool:
    value = getattr(channels, name, None)
    return value is not None and str(value).strip() != ""


def route(kind: str, topic: str, urgency_reasons: list[str], channels: Channels) -> Route:
    if kind == "complaint":
        preferred = COMPLAINT_ROUTES.get(topic) or ROUTES.get(topic, DEFAULT_COMPLAINT_ROUTE)
    else:
        preferred = ROUTES.get(topic, DEFAULT_ROUTE)
    chosen = pick(preferred, channels)
    emergency = "health_risk" in urgency_reasons
    names = (["emergency_number"] if emergency else []) + chosen
    return Route(names, _style(kind, topic, chosen), emergency)


def pick(preferred: tuple[str, ...], channels: Channels) -> list[str]:
    """Up to MAX_CHANNELS configured channels: preferred ones (or their stand-ins), else any there is."""
    chosen: list[str] = []
    for name in preferred:
        for candidate in (name, *STAND_INS.get(name, ())):
            if available(channels, candidate) and candidate not in chosen:
                chosen.append(candidate)
                break
        if len(chosen) == MAX_CHANNELS:
            return chosen
    if not chosen:
        chosen = [name for name in LAST_RESORT if available(channels, name)][:MAX_CHANNELS]
    return chosen


def _style(kind: str, topic: str, chosen: list[str]) -> str:
    if not chosen:
        return "none"
    if topic == "results_records":
        return "records"
    if kind == "complaint":
        return "private"
    if topic in BOOKING_TOPICS and chosen[0] in ("booking", "hotline"):
        return "booking"
    return "contact"
