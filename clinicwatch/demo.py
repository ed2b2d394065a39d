"""The offline demo: bundled sources under data/demo/ served on 127.0.0.1 and read by the real collectors."""
from __future__ import annotations

import functools
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from collectors.registry import parse_config
from core.config import Config

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
DEMO_CONFIG = DEMO_DIR / "demo.toml"
# demo.toml names this host; the demo command swaps it for its own loopback server.
PLACEHOLDER_BASE = "http://demo.invalid"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_demo_files(directory: Path = DEMO_DIR) -> Iterator[str]:
    """Serve the demo folder on a free loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def demo_config(base_url: str, *, config_path: Path = DEMO_CONFIG, database: Path | None = None) -> Config:
    """The demo config with its sources pointed at `base_url` and loopback allowed for them."""
    text = config_path.read_text(encoding="utf-8").replace(PLACEHOLDER_BASE, base_url)
    raw = tomllib.loads(text)
    raw.setdefault("http", {})["allow_private_addresses"] = True
    if database is not None:
        raw["database"] = str(database)
    return parse_config(raw, config_path)
