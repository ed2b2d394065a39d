"""Pages and API answers that reproduce real phpBB (prosilver), XenForo 2 and Discourse installations, plus helpers."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from collectors.registry import parse_config
from core.config import Config
from tests.loopback import Request, Response

FIXTURES = Path(__file__).resolve().parent
HTML = "text/html; charset=UTF-8"
JSON = "application/json; charset=utf-8"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def page(name: str, content_type: str = HTML, *, delay: float = 0.0):
    """A loopback handler answering the fixture file `name`."""
    body = read(name)

    def handler(_request: Request) -> Response:
        return Response(200, body, {"Content-Type": content_type}, delay=delay)

    return handler


def text(body: str, status: int = 200, content_type: str = "text/plain; charset=utf-8", **headers: str):
    def handler(_request: Request) -> Response:
        return Response(status, body.encode("utf-8"), {"Content-Type": content_type, **headers})

    return handler


def make_config(tmp_path: Path, sources: list[dict[str, Any]], **http: Any) -> Config:
    """A config for tests: loopback allowed, a short timeout, no retries unless asked."""
    return parse_config({
        "clinic_name": "Salus Medica",
        "database": str(tmp_path / "clinicwatch.db"),
        "brand": {"names": ["Salus Medica", "Salus"]},
        "sources": sources,
        "http": {"allow_private_addresses": True, "timeout_seconds": 2, "retries": 0, **http},
    })
