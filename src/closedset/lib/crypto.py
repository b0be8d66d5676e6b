"""Encryption at rest: the one crypto module. Nothing else in closedset does cryptography.

Envelope encryption: each person has a data key (32 random bytes) that is stored only wrapped
(AES-GCM) by a key-encryption key (KEK) from settings. Their sealed data is AES-GCM under the
data key, with the person and a context string (e.g. "boundaries.profile:42") bound as
associated data, so a blob copied to another row or person does not open. Rotating the KEK
re-wraps data keys only; destroying a data key makes that person's sealed data unreadable.
"""

from __future__ import annotations

import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction

VERSION = b"\x01"
NONCE_BYTES = 12


class CryptoError(Exception):
    """Sealed data cannot be opened (wrong context, tampered, or key gone)."""


class DataKeyDestroyed(CryptoError):
    pass


class UnknownKek(CryptoError):
    pass


def _keks() -> dict[str, bytes]:
    return dict(settings.CLOSEDSET_KEKS)


def _current_kek() -> tuple[str, bytes]:
    key_id = settings.CLOSEDSET_CURRENT_KEK_ID
    return key_id, _keks()[key_id]


def _wrap_aad(user_id: int) -> bytes:
    return f"closedset.datakey:{user_id}".encode()


def _wrap(user_id: int, data_key: bytes) -> tuple[str, bytes]:
    key_id, kek = _current_kek()
    nonce = os.urandom(NONCE_BYTES)
    return key_id, VERSION + nonce + AESGCM(kek).encrypt(nonce, data_key, _wrap_aad(user_id))


def _unwrap(user_id: int, key_id: str, wrapped: bytes) -> bytes:
    kek = _keks().get(key_id)
    if kek is None:
        raise UnknownKek(
            f"the data key of person {user_id} is wrapped by key {key_id!r}, which is not "
            "configured; add it back to CLOSEDSET_KEKS and run `closedset rotate-keys`"
        )
    if wrapped[:1] != VERSION:
        raise CryptoError("unknown wrapped-key format")
    nonce, body = wrapped[1 : 1 + NONCE_BYTES], wrapped[1 + NONCE_BYTES :]
    try:
        return AESGCM(kek).decrypt(nonce, body, _wrap_aad(user_id))
    except InvalidTag:
        raise CryptoError(f"the data key of person {user_id} does not open") from None


def _user_model() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model()


def _data_key(user: Any, *, create: bool) -> bytes:
    User = _user_model()
    # Always read from the database: the caller's user object may be stale.
    row = User.objects.filter(pk=user.pk).values_list("wrapped_data_key", "kek_id").first()
    if row is None:
        raise CryptoError("no such person")
    wrapped, key_id = row
    if wrapped:
        return _unwrap(user.pk, key_id, bytes(wrapped))
    if not create:
        raise DataKeyDestroyed(f"person {user.pk} has no data key (never set, or erased)")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.wrapped_data_key:
            return _unwrap(user.pk, locked.kek_id, bytes(locked.wrapped_data_key))
        data_key = AESGCM.generate_key(bit_length=256)
        key_id, wrapped = _wrap(user.pk, data_key)
        User.objects.filter(pk=user.pk).update(wrapped_data_key=wrapped, kek_id=key_id)
    return data_key


def ensure_data_key(user: Any) -> None:
    """Give the person a data key now (accounts get one when created)."""
    _data_key(user, create=True)


def _aad(user: Any, context: str) -> bytes:
    return f"closedset.sealed:{user.pk}:{context}".encode()


def seal(user: Any, plaintext: bytes, context: str) -> bytes:
    """Encrypt `plaintext` for `user` (creating their data key on first use)."""
    data_key = _data_key(user, create=True)
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(data_key).encrypt(nonce, plaintext, _aad(user, context))


def unseal(user: Any, blob: bytes, context: str) -> bytes:
    """Decrypt what `seal(user, ..., context)` produced; CryptoError otherwise."""
    blob = bytes(blob)
    if blob[:1] != VERSION or len(blob) < 1 + NONCE_BYTES + 16:
        raise CryptoError("not sealed data")
    data_key = _data_key(user, create=False)
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(data_key).decrypt(nonce, body, _aad(user, context))
    except InvalidTag:
        raise CryptoError("sealed data does not open in this context") from None


def seal_json(user: Any, data: Any, context: str) -> bytes:
    return seal(user, json.dumps(data, separators=(",", ":")).encode(), context)


def unseal_json(user: Any, blob: bytes, context: str) -> Any:
    return json.loads(unseal(user, blob, context))


def seal_text(user: Any, text: str, context: str) -> bytes:
    return seal(user, text.encode(), context)


def unseal_text(user: Any, blob: bytes, context: str) -> str:
    return unseal(user, blob, context).decode()


def rotate_keys() -> int:
    """Re-wrap every data key under the current KEK; returns how many were re-wrapped."""
    User = _user_model()
    current_id, _ = _current_kek()
    count = 0
    pending = (
        User.objects.exclude(wrapped_data_key=None)
        .exclude(kek_id=current_id)
        .values_list("pk", flat=True)
    )
    for user_id in list(pending):
        with transaction.atomic():
            row = User.objects.select_for_update().get(pk=user_id)
            if not row.wrapped_data_key or row.kek_id == current_id:
                continue
            data_key = _unwrap(user_id, row.kek_id, bytes(row.wrapped_data_key))
            key_id, wrapped = _wrap(user_id, data_key)
            User.objects.filter(pk=user_id).update(wrapped_data_key=wrapped, kek_id=key_id)
            count += 1
    return count


def destroy_data_key(user: Any) -> None:
    """Erase a person's data key: everything sealed for them becomes unreadable for good."""
    _user_model().objects.filter(pk=user.pk).update(wrapped_data_key=None, kek_id="")
