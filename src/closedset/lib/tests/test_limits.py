"""Every input is bounded before it is read: an oversized body is a 413 in the usual shape,
an oversized import is a field error, and a busy database is a 503, never a 500."""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import urllib.parse
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from closedset.boundaries import services as boundaries
from closedset.lib.errors import BUSY_MESSAGE, TOO_LARGE_MESSAGE, database_busy
from closedset.lib.middleware import BodyLimitASGI
from closedset.lib.tests.served import serve
from closedset.lib.uploads import import_text
from closedset.plans import services as plans

pytestmark = pytest.mark.django_db

THREE_MB = 3 * 1024 * 1024
PROFILE = "performer: mara\nboundaries:\n  - {act: kiss, direction: give, answer: yes}\n"


# ---------------------------------------------------------------- bodies over the limit


def test_a_3_mb_api_body_is_413_in_the_api_error_shape(mara, client_as):
    response = client_as("mara").put(
        "/api/v1/boundaries/me", b"[" * THREE_MB, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json() == {"detail": TOO_LARGE_MESSAGE, "fields": {}}
    assert boundaries.my_profile(mara)[1] is None


def test_a_3_mb_form_post_is_413_with_a_page(mara, client_as):
    response = client_as("mara").post(reverse("boundaries:import"), {"text": "#" * THREE_MB})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert TOO_LARGE_MESSAGE in response.content.decode()
    assert boundaries.my_profile(mara)[1] is None


def test_a_body_too_large_for_django_is_413_not_500_in_the_api(monkeypatch, mara, client_as):
    def too_big(*args: Any, **kwargs: Any) -> None:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")

    monkeypatch.setattr(boundaries, "replace_profile", too_big)
    response = client_as("mara").put("/api/v1/boundaries/me", {}, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": TOO_LARGE_MESSAGE, "fields": {}}


# ---------------------------------------------------------------- imports


def test_oversized_pasted_text_is_a_field_error_and_nothing_is_saved(mara, client_as):
    # A valid profile, padded past the 256 KB import limit (but well inside the body limit).
    text = PROFILE + "#" * (256 * 1024) + "\n"
    response = client_as("mara").post(reverse("boundaries:import"), {"text": text})
    assert response.status_code == 422
    assert response.context["errors"]["text"] == (
        "the pasted text is larger than 256 KB; a profile is much smaller"
    )
    assert "The pasted text is larger than 256 KB" in response.content.decode()
    assert boundaries.my_profile(mara)[1] is None


def test_oversized_pasted_plan_text_is_refused(world, client_as):
    url = reverse("plans:import", args=[world.production.pk, world.scene.pk])
    response = client_as("ines").post(url, {"text": "#" * (512 * 1024 + 1)})
    assert response.status_code == 422
    assert response.context["errors"]["text"].startswith("the pasted text is larger than 512 KB")


class _Unreadable(SimpleUploadedFile):
    def read(self, *args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("a file over the limit must not be read")


def test_an_upload_over_the_limit_is_refused_by_its_size_without_reading_it():
    request = RequestFactory().post("/")
    request.FILES["upload"] = _Unreadable("big.yaml", b"#" * (2 * 1024 + 1))
    text, errors = import_text(request, 2, "a profile")
    assert text == ""
    assert errors == {"file": "the file is larger than 2 KB; a profile is much smaller"}


# ---------------------------------------------------------------- the ASGI limit


def _run_asgi(path: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> dict:
    """Drive BodyLimitASGI around an app that reads the whole body, as Django does."""
    seen: dict[str, Any] = {"app_body": None, "sent": []}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        seen["app_body"] = body
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    pending = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    delivered = {"count": 0}

    async def receive() -> dict:
        delivered["count"] += 1
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        seen["sent"].append(message)

    scope = {"type": "http", "path": path, "headers": headers}
    asyncio.run(BodyLimitASGI(app)(scope, receive, send))
    seen["chunks_read"] = delivered["count"]
    return seen


def test_asgi_refuses_a_declared_length_over_the_limit_without_reading(settings):
    seen = _run_asgi("/api/v1/boundaries/me", [(b"content-length", b"3145728")], [b"x" * 10])
    assert seen["chunks_read"] == 0
    assert seen["app_body"] is None
    assert seen["sent"][0]["status"] == 413
    assert json.loads(seen["sent"][1]["body"]) == {"detail": TOO_LARGE_MESSAGE, "fields": {}}


def test_asgi_stops_reading_a_body_without_length_once_past_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    chunks = [b"x" * 512] * 100
    seen = _run_asgi("/boundaries/import/", [], chunks)
    # Three chunks pass the limit; the other 97 are never read, and the app gets nothing.
    assert seen["chunks_read"] == 3
    assert seen["app_body"] is None
    assert [m.get("status") for m in seen["sent"][:1]] == [413]
    assert TOO_LARGE_MESSAGE in seen["sent"][1]["body"].decode()
    assert len(seen["sent"]) == 2


def test_asgi_passes_bodies_within_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    assert _run_asgi("/x/", [], [b"a" * 600, b"b" * 424])["app_body"] == b"a" * 600 + b"b" * 424
    seen = _run_asgi("/x/", [(b"content-length", b"1024")], [b"c" * 1024])
    assert seen["app_body"] == b"c" * 1024


def test_closedset_serve_refuses_large_bodies_with_and_without_a_length(served_env, tmp_path):
    # No tables needed: the refusal happens before Django sees the request.
    with serve(served_env, tmp_path / "server.log") as server:
        host = urllib.parse.urlsplit(server.base).netloc
        for chunked in (False, True):
            connection = http.client.HTTPConnection(host, timeout=30)
            body = b"[" * THREE_MB
            try:
                if chunked:
                    connection.request(
                        "PUT",
                        "/api/v1/boundaries/me",
                        body=iter([body[i : i + 65536] for i in range(0, len(body), 65536)]),
                        headers={"Content-Type": "application/json"},
                        encode_chunked=True,
                    )
                else:
                    connection.request(
                        "PUT", "/api/v1/boundaries/me", body, {"Content-Type": "application/json"}
                    )
                response = connection.getresponse()
            except (ConnectionResetError, BrokenPipeError):
                # The server answered and hung up before the last chunk was sent: refused
                # without reading it all, which is the point. Its log says how it answered.
                answered = '"PUT /api/v1/boundaries/me HTTP/1.1" 413'
                deadline = time.monotonic() + 10
                while answered not in server.output() and time.monotonic() < deadline:
                    time.sleep(0.05)  # the log line follows the answer by a moment
                assert answered in server.output(), chunked
                connection.close()
                continue
            assert response.status == 413, chunked
            assert json.loads(response.read()) == {"detail": TOO_LARGE_MESSAGE, "fields": {}}
            connection.close()
    assert "Traceback" not in server.output()


# ---------------------------------------------------------------- a busy database


def _locked(*args: Any, **kwargs: Any) -> None:
    raise OperationalError("database is locked")


def test_a_locked_database_is_a_503_page_not_a_500(world, client_as, monkeypatch):
    monkeypatch.setattr(plans, "save_version", _locked)
    url = reverse("plans:versions", args=[world.production.pk, world.scene.pk])
    response = client_as("ines").post(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert BUSY_MESSAGE in response.content.decode()


def test_a_locked_database_is_a_503_in_the_api_error_shape(world, client_as, monkeypatch):
    monkeypatch.setattr(plans, "save_version", _locked)
    url = f"/api/v1/plans/{world.production.pk}/scenes/{world.scene.pk}/versions"
    response = client_as("ines").post(url)
    assert response.status_code == 503
    assert response.json() == {"detail": BUSY_MESSAGE, "fields": {}}


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__("could not serialize access")
        self.sqlstate = sqlstate


@pytest.mark.parametrize("sqlstate", ["40001", "40P01", "55P03"])
def test_postgresql_serialization_and_lock_failures_count_as_busy(sqlstate):
    error = OperationalError("could not serialize access")
    error.__cause__ = _PgError(sqlstate)
    assert database_busy(error)


def test_other_database_errors_are_not_hidden_as_busy():
    assert not database_busy(OperationalError("no such table: plans_planversion"))
    assert not database_busy(ValueError("database is locked"))
    error = OperationalError("connection refused")
    error.__cause__ = _PgError("08006")
    assert not database_busy(error)


def test_a_length_header_of_other_digits_is_refused_not_an_error(client):
    # "²" passes str.isdigit() but not int(): the limit must not fall over on it.
    response = client.post("/login/", data=b"x", content_type="text/plain", CONTENT_LENGTH="²")
    assert response.status_code == 413


def test_closedset_serve_speaks_websocket(served_env, tmp_path):
    # uvicorn needs a WebSocket library to take an upgrade at all; without one it answers 404
    # and the shoot-day screens fall back to polling for good. With one, an upgrade to a run
    # nobody may see is refused by the consumer (403), not unknown to the server (404).
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    with serve(served_env, tmp_path / "server.log") as server:
        url = server.base.replace("http://", "ws://") + "/ws/onset/999/"
        with pytest.raises(InvalidStatus) as refused:
            connect(url, origin=server.base, open_timeout=30)
        assert refused.value.response.status_code == 403
