"""Exports are made on click for the session that asks, checked against the user's current role, and expire."""
from __future__ import annotations

import csv
import io
import time

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileKind, MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from storage.users import add_user
from tests.dashboard_fixtures import run_app
from ui import downloads

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`


@pytest.fixture
def media(monkeypatch):
    """The real MediaFileManager each AppTest run creates, kept so the test can click like the browser does."""
    made: list[MediaFileManager] = []

    class Kept(MediaFileManager):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test_module, "MediaFileManager", Kept)
    return made


def click(manager: MediaFileManager, app, key: str) -> tuple[str, bytes]:
    """What the browser's click does: run the deferred callable, then fetch the file at the returned URL."""
    proto = next(d.proto for d in app.get("download_button") if key in d.proto.id)
    url = manager.execute_deferred(proto.deferred_file_id)
    stored = manager.read_file(url.rsplit("/", 1)[1])
    assert stored is not None
    return url, stored.content


def fetch(manager: MediaFileManager, url: str) -> bytes | None:
    stored = manager.read_file(url.rsplit("/", 1)[1])
    return None if stored is None else stored.content


def authors(data: bytes) -> list[str]:
    return [row["author"] for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))]


def test_no_file_exists_until_the_click_and_it_expires_after(demo, media, monkeypatch):
    monkeypatch.setattr(downloads, "EXPIRE_SECONDS", 0.3)
    app = run_app()
    buttons = app.get("download_button")
    assert [b.proto.label for b in buttons] == ["Download CSV", "Download XLSX"]
    assert all(b.proto.deferred_file_id and not b.proto.url for b in buttons)  # no /media address before a click
    manager = media[-1]
    url, data = click(manager, app, "export_csv")
    assert len(authors(data)) == 7 and all(a.startswith("author-") for a in authors(data))
    _, xlsx = click(manager, app, "export_xlsx")
    assert xlsx.startswith(b"PK")  # a real XLSX (zip) file
    time.sleep(0.8)
    assert fetch(manager, url) is None  # gone from the media store: the address no longer serves it


def test_real_names_only_for_an_admin_who_still_is_one(demo, media):
    app = run_app()
    app.checkbox(key="export_real").check().run()
    _, data = click(media[-1], app, "export_csv")
    assert sorted(authors(data)) == sorted(f"user{i}" for i in range(7))
    # The demo admin exists only while there is no users file; once one appears, the old button refuses.
    add_user(demo["users"], "anna", "Anna", "long-secret-1", "staff")
    proto = next(d.proto for d in app.get("download_button") if "export_csv" in d.proto.id)
    with pytest.raises(MediaFileStorageError):
        media[-1].execute_deferred(proto.deferred_file_id)


def test_trend_csvs_are_made_on_click_too(demo, media):
    app = run_app("trends")
    buttons = app.get("download_button")
    assert len(buttons) == 4 and all(b.proto.deferred_file_id and not b.proto.url for b in buttons)
    _, data = click(media[-1], app, "csv_volume")
    assert data.decode("utf-8").startswith("period,")


def test_the_sweep_drops_only_expired_downloads_never_one_just_made(monkeypatch):
    """A second click made just before an earlier file's sweep must survive it (it once vanished in CI)."""
    monkeypatch.setattr(downloads, "EXPIRE_SECONDS", 0.2)
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    storage = downloads._serve_downloads_once(manager)
    old = storage.load_and_get_id(b"first export", "text/csv", MediaFileKind.DOWNLOADABLE, "a.csv")
    time.sleep(0.3)
    new = storage.load_and_get_id(b"second export", "text/csv", MediaFileKind.DOWNLOADABLE, "b.csv")
    storage.clinicwatch_drop_expired()
    with pytest.raises(MediaFileStorageError):
        storage.get_file(f"{old}.csv")
    assert storage.get_file(f"{new}.csv").content == b"second export"
