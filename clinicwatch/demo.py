"""The offline demo: bundled sources under data/demo/ served on 127.0.0.1 and read by the real collectors."""
from __future__ import annotations

import functools
import json
import os
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from collectors.registry import parse_config
from core.config import Config, ConfigError

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
DEMO_CONFIG = DEMO_DIR / "demo.toml"
# demo.toml names this host; a config with a [demo] table has it swapped for a loopback server of its files.
PLACEHOLDER_BASE = "http://demo.invalid"


# The demo's Google location signs in with these fictional credentials against the demo's own token endpoint;
# they replace any real ones for the demo run, so real secrets never reach the demo server.
DEMO_GOOGLE_ENV = {"GOOGLE_CLIENT_ID": "demo-client.apps.googleusercontent.com",
                   "GOOGLE_CLIENT_SECRET": "demo-client-secret", "GOOGLE_REFRESH_TOKEN": "demo-refresh-token"}
DEMO_TOKEN_PATH = "/google/token"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        # The Business Profile API's .../reviews answers are stored as .../reviews.json.
        translated = super().translate_path(path)
        return translated + ".json" if translated.endswith("/reviews") else translated

    def do_POST(self) -> None:
        """The demo's OAuth token endpoint: any refresh grant gets a short-lived demo access token."""
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.split("?")[0] != DEMO_TOKEN_PATH:
            self.send_error(404)
            return
        body = json.dumps({"access_token": "demo-access-token", "expires_in": 3599, "token_type": "Bearer"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def demo_credentials() -> Iterator[None]:
    """The demo's fictional Google credentials in the environment for the duration of the demo run."""
    saved = {name: os.environ.get(name) for name in DEMO_GOOGLE_ENV}
    os.environ.update(DEMO_GOOGLE_ENV)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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


def bundled_folder(config: Config) -> Path | None:
    """The folder of a demo config's bundled sources (relative to the config file); None for a real config.

    Raises ConfigError when the folder is missing.
    """
    if config.demo is None:
        return None
    base = Path(config.path).parent if config.path is not None else Path.cwd()
    folder = base / config.demo.files
    if not folder.is_dir():
        raise ConfigError(f"{config.path}: demo.files: no folder {folder}")
    return folder


@contextmanager
def collection_config(config: Config, *, database: Path | None = None) -> Iterator[Config]:
    """The config to collect with: a real one as it is; a demo one pointed at its files served on loopback.

    So the demo collects through the same commands as a real install (`collect --once`, `run`, `demo`);
    `database` replaces the demo's database (a real config is used as it is).
    """
    folder = bundled_folder(config)
    if folder is None or config.path is None:
        yield config
        return
    with serve_demo_files(folder) as base_url, demo_credentials():
        served = demo_config(base_url, config_path=Path(config.path), database=database)
        yield served.in_workspace(config.workspace) if config.workspace else served  # its store and links stay


def demo_config(base_url: str, *, config_path: Path = DEMO_CONFIG, database: Path | None = None) -> Config:
    """The demo config with its sources pointed at `base_url` and loopback allowed for them."""
    text = config_path.read_text(encoding="utf-8").replace(PLACEHOLDER_BASE, base_url)
    raw = tomllib.loads(text)
    raw.setdefault("http", {})["allow_private_addresses"] = True
    if database is not None:
        raw["database"] = str(database)
    return parse_config(raw, config_path)
