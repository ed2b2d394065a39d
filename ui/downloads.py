"""Downloads made for the session that asked for them, handed out once, and dropped seconds after they were made.

Streamlit serves a download's bytes at /media/<id> to anyone who has the address, with no session check, and
offers no hook to add one. So a file is built only when its button is clicked (through the signed-in session's
websocket), only while its user may still have it; the media store hands a download out once (the browser's
own fetches, right after the click) and forgets it; and one never fetched is dropped EXPIRE_SECONDS later.
What remains: the address is not bound to the session, so whoever fetches it first within those moments gets
it (and the browser's download then fails); it travels only over the session's websocket until then.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit import runtime
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileKind

LOG = logging.getLogger("clinicwatch.downloads")
EXPIRE_SECONDS = 15.0
# The frontend's check that the address answers, then the download (Streamlit 1.67's DownloadButton).
SERVES_PER_DOWNLOAD = 2


class DownloadRefused(PermissionError):
    """The user who drew the button may no longer have this file (signed out, demoted or deleted)."""


def _sweep_later(storage: Any, delay: float) -> None:
    """Drop, `delay` seconds from now, the downloads made more than EXPIRE_SECONDS before then and not fetched.

    Only by age: a file made a moment ago (a second click) is never swept with an older one.
    """
    timer = threading.Timer(delay, storage.clinicwatch_drop_expired)
    timer.daemon = True
    timer.start()


def _serve_downloads_once(manager: MediaFileManager) -> Any:
    """Make the media store forget a download once the browser has fetched it, or once it is too old.

    Streamlit's download button fetches the address twice: once to check that it answers, once as the download
    itself; after SERVES_PER_DOWNLOAD reads the file is gone. The /media route asks the store for
    "<id>.<extension>"; Streamlit's own look-ups (the URL it hands the browser) ask by the bare id, so only the
    route's reads count. Each download's time of making is kept, so the sweep drops only expired ones.
    Installed once per store; returns the store.
    """
    storage: Any = manager._storage  # noqa: SLF001  # Streamlit has no public hook on serving a file
    if getattr(storage, "clinicwatch_serves_once", False):
        return storage
    original_get, original_load = storage.get_file, storage.load_and_get_id
    served: dict[str, int] = {}
    made: dict[str, float] = {}
    lock = threading.Lock()

    def get_file(filename: str) -> Any:
        found = original_get(filename)
        file_id, extension = os.path.splitext(filename)
        if extension and found.kind == MediaFileKind.DOWNLOADABLE:
            with lock:
                served[file_id] = served.get(file_id, 0) + 1
                if served[file_id] >= SERVES_PER_DOWNLOAD:
                    del served[file_id]
                    made.pop(file_id, None)
                    storage.delete_file(file_id)
        return found

    def load_and_get_id(path_or_data: Any, mimetype: str, kind: MediaFileKind, filename: str | None = None) -> str:
        file_id: str = original_load(path_or_data, mimetype, kind, filename)
        if kind == MediaFileKind.DOWNLOADABLE:
            with lock:
                made[file_id] = time.monotonic()  # the same bytes made again (same id) start a new life
                served.pop(file_id, None)
        return file_id

    def drop_expired() -> None:
        with lock:
            old = [file_id for file_id, at in made.items() if time.monotonic() - at >= EXPIRE_SECONDS]
            for file_id in old:
                del made[file_id]
                served.pop(file_id, None)
                storage.delete_file(file_id)

    storage.get_file, storage.load_and_get_id = get_file, load_and_get_id
    storage.clinicwatch_drop_expired = drop_expired
    storage.clinicwatch_serves_once = True
    return storage


def deferred_file(build: Callable[[], bytes], allowed: Callable[[], bool], label: str) -> Callable[[], bytes]:
    """The callable for st.download_button: checks the user again, builds the bytes, schedules their expiry."""
    storage = _serve_downloads_once(runtime.get_instance().media_file_mgr)  # now: the click runs outside the script

    def generate() -> bytes:
        if not allowed():
            LOG.warning("download of %s refused: its user may no longer have it", label)
            raise DownloadRefused(label)
        data = build()
        _sweep_later(storage, EXPIRE_SECONDS * 1.2)  # once the file Streamlit makes from these bytes has expired
        return data

    return generate


def session_download(
    label: str, build: Callable[[], bytes], file_name: str, mime: str, *, key: str, allowed: Callable[[], bool]
) -> None:
    """A download button whose file is made on click for this session only and expires soon after."""
    st.download_button(
        label, deferred_file(build, allowed, file_name), file_name, mime, key=key, on_click="ignore"
    )
