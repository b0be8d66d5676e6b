"""A saved profile leaves no answer or note readable in the database, and survives rotation."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from closedset.boundaries import services
from closedset.lib import crypto

pytestmark = pytest.mark.django_db

NOTE = "private-note-about-the-left-ear"
PROFILE = {
    "performer": "mara",
    "name": "Mara K.",
    "barrier": "condom",
    "boundaries": [
        {
            "act": "choke",
            "direction": "receive",
            "answer": "no",
            "limit": "soft",
            "note": NOTE,
        },
        {
            "act": "hair-pull",
            "direction": "receive",
            "answer": "maybe",
            "max_intensity": "medium",
            "partners": ["jonas"],
        },
    ],
}
# Words that only the profile's content could put in a boundaries table.
TELLTALES = [NOTE.encode(), b"choke", b"hair-pull", b"maybe", b"condom", b"medium", b"soft"]


def _every_stored_value() -> bytes:
    """Every value in every table of the two apps that hold profile data, as raw bytes."""
    found = bytearray()
    with connection.cursor() as cursor:
        for app in ("boundaries", "plans"):
            for model in apps.get_app_config(app).get_models():
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
                for row in cursor.fetchall():
                    for value in row:
                        if isinstance(value, bytes | bytearray | memoryview):
                            found += bytes(value)
                        else:
                            found += str(value).encode()
    return bytes(found)


def test_no_answer_or_note_is_stored_in_plaintext(mara, world):
    services.replace_profile(mara, PROFILE)
    services.share(mara, world.production.pk)
    stored = _every_stored_value()
    for word in TELLTALES:
        assert word not in stored


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads the SQLite file itself")
@pytest.mark.django_db(transaction=True)
def test_the_raw_sqlite_file_holds_no_answer_or_note(mara, world):
    services.replace_profile(mara, PROFILE)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.sqlite3"
        with connection.cursor() as cursor:
            # The whole database, pages and all, as one file (outside any transaction).
            cursor.execute("VACUUM INTO %s", [str(copy)])
        raw = copy.read_bytes()
    assert b"boundaries_profileversion" in raw  # it is the real database
    for word in (NOTE.encode(), b"hair-pull", b"choke"):
        assert word not in raw


def test_profiles_still_read_after_key_rotation(mara, world, settings):
    services.replace_profile(mara, PROFILE)
    services.share(mara, world.production.pk)
    old = dict(settings.CLOSEDSET_KEKS)
    settings.CLOSEDSET_KEKS = {"rotated": os.urandom(32), **old}
    settings.CLOSEDSET_CURRENT_KEK_ID = "rotated"
    assert crypto.rotate_keys() >= 1
    # The old key is gone: only the new one opens the data keys now.
    settings.CLOSEDSET_KEKS = {"rotated": settings.CLOSEDSET_KEKS["rotated"]}
    profile, number = services.my_profile(mara)
    assert number == 1
    assert profile.boundary("choke", "receive").note == NOTE
    shared = services.shared_profile(mara, world.production)
    assert shared.boundary("hair-pull", "receive").partners == ("jonas",)
