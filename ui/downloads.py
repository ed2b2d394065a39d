"""Downloads that belong to the session that asked for them and expire seconds after they were made.

Streamlit serves a download's bytes at /media/<id> to anyone who has the address, with no session check.
So a file is built only when its button is clicked (through the signed-in session's websocket), only while
its user may still have it, and it is dropped from the media store EXPIRE_SECONDS later: long enough for
the browser to fetch it right away, too short for the address to be of use to anyone else later.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import streamlit as st
from streamlit import runtime
from streamlit.runtime.media_file_manager import MediaFileManager

LOG = logging.getLogger("clinicwatch.downloads")
EXPIRE_SECONDS = 15.0


class DownloadRefused(PermissionError):
    """The user who drew the button may no longer have this file (signed out, demoted or deleted)."""


def _expire_later(manager: MediaFileManager, delay: float) -> None:
    def sweep() -> None:
        # A file no session refers to is marked on the first pass and deleted on the second; a generated
        # download is never referred to, so this removes it (and any other forgotten download, as Streamlit's
        # own end-of-run cleanup would).
        manager.remove_orphaned_files()
        manager.remove_orphaned_files()

    timer = threading.Timer(delay, sweep)
    timer.daemon = True
    timer.start()


def deferred_file(build: Callable[[], bytes], allowed: Callable[[], bool], label: str) -> Callable[[], bytes]:
    """The callable for st.download_button: checks the user again, builds the bytes, schedules their expiry."""
    manager = runtime.get_instance().media_file_mgr  # captured now: the click runs outside the script

    def generate() -> bytes:
        if not allowed():
            LOG.warning("download of %s refused: its user may no longer have it", label)
            raise DownloadRefused(label)
        data = build()
        _expire_later(manager, EXPIRE_SECONDS)
        return data

    return generate


def session_download(
    label: str, build: Callable[[], bytes], file_name: str, mime: str, *, key: str, allowed: Callable[[], bool]
) -> None:
    """A download button whose file is made on click for this session only and expires soon after."""
    st.download_button(
        label, deferred_file(build, allowed, file_name), file_name, mime, key=key, on_click="ignore"
    )
