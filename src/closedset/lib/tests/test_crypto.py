from __future__ import annotations

import os

import pytest
from django.db import connection

from closedset.accounts.models import User
from closedset.lib import crypto

SECRET = "jonas: slap to face is a hard limit"


def _use_keks(settings, keks: dict[str, bytes]) -> None:
    settings.CLOSEDSET_KEKS = keks
    settings.CLOSEDSET_CURRENT_KEK_ID = next(iter(keks))


def test_sealed_data_opens_for_its_owner_and_context(world):
    blob = crypto.seal_json(world.mara, {"note": SECRET}, "boundaries.profile:1")
    assert SECRET.encode() not in blob
    assert crypto.unseal_json(world.mara, blob, "boundaries.profile:1") == {"note": SECRET}


def test_another_context_or_person_cannot_open_it(world):
    blob = crypto.seal_text(world.mara, SECRET, "boundaries.profile:1")
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(world.mara, blob, "boundaries.profile:2")
    crypto.seal_text(world.jonas, "x", "boundaries.profile:1")
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(world.jonas, blob, "boundaries.profile:1")


def test_tampering_is_detected(world):
    blob = bytearray(crypto.seal_text(world.mara, SECRET, "c"))
    blob[-1] ^= 1
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(world.mara, bytes(blob), "c")
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(world.mara, b"plain text", "c")


def test_the_data_key_is_stored_only_wrapped(world):
    crypto.seal_text(world.mara, SECRET, "c")
    data_key = crypto._data_key(world.mara, create=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT wrapped_data_key FROM accounts_user WHERE handle = %s", ["mara"])
        (raw,) = cursor.fetchone()
    assert bytes(raw) and data_key not in bytes(raw)


def test_rotation_rewraps_and_old_key_can_then_go(world, settings):
    old = dict(settings.CLOSEDSET_KEKS)
    blob = crypto.seal_text(world.mara, SECRET, "c")
    new_key = os.urandom(32)
    # New key first (current), old one still present for unwrapping.
    _use_keks(settings, {"new": new_key, **old})
    assert crypto.unseal_text(world.mara, blob, "c") == SECRET
    assert crypto.rotate_keys() == 1
    assert User.objects.get(pk=world.mara.pk).kek_id == "new"
    assert crypto.rotate_keys() == 0
    _use_keks(settings, {"new": new_key})
    assert crypto.unseal_text(world.mara, blob, "c") == SECRET


def test_a_missing_kek_is_a_clear_error(world, settings):
    blob = crypto.seal_text(world.mara, SECRET, "c")
    _use_keks(settings, {"other": os.urandom(32)})
    with pytest.raises(crypto.UnknownKek, match="not configured"):
        crypto.unseal(world.mara, blob, "c")
    with pytest.raises(crypto.UnknownKek):
        crypto.rotate_keys()


def test_destroying_the_data_key_erases_everything_sealed(world):
    blob = crypto.seal_text(world.mara, SECRET, "c")
    crypto.destroy_data_key(world.mara)
    with pytest.raises(crypto.DataKeyDestroyed):
        crypto.unseal(world.mara, blob, "c")
