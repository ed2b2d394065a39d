"""Platform API answers and pages written from the platforms' published references (Google Business Profile v4,
Mastodon, Bluesky, Docplanner profile pages), with a fictional clinic."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent


def load_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
