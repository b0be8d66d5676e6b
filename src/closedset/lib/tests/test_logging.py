"""No secret reaches a log line: invitation and reset links, which act a performer answers,
whose profile a coordinator opens, query strings."""

from __future__ import annotations

import contextlib
import logging
import secrets
import urllib.error
import urllib.request

import pytest

from closedset.lib.logging import RedactPaths, redact_path, redact_text
from closedset.lib.tests.served import migrate_and_seed, serve


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/invite/k3y-Secr3t/", "/invite/[redacted]/"),
        ("//invite//k3y-Secr3t", "/invite/[redacted]"),
        ("/password-reset/MQ/c0ffee-t0ken/", "/password-reset/[redacted]/"),
        ("/account/email/confirm/s1gned:key/", "/account/email/confirm/[redacted]/"),
        ("/account/reset/MQ/t0ken/", "/account/reset/[redacted]/"),
        ("/account/verify/t0ken/", "/account/verify/[redacted]/"),
        ("/boundaries/acts/hair-pull/receive/", "/boundaries/acts/[redacted]/[redacted]/"),
        (
            "/boundaries/acts/hair-pull/receive/answer/",
            "/boundaries/acts/[redacted]/[redacted]/answer/",
        ),
        ("/boundaries/production/7/mara/", "/boundaries/production/7/[redacted]/"),
        ("/login/?next=/boundaries/acts/hair-pull/", "/login/?[redacted]"),
        # Routes without secrets keep their shape, ids and all.
        ("/plans/1/scenes/2/versions/", "/plans/1/scenes/2/versions/"),
        ("/boundaries/acts/", "/boundaries/acts/"),
        ("/invite/", "/invite/"),
    ],
)
def test_redact_path(path, logged):
    assert redact_path(path) == logged


def test_paths_inside_text_and_urls_are_redacted():
    line = (
        "Forbidden (Referer checking failed - https://cs.example/invite/k3y/?a=b does not match"
        " any trusted origins.): /boundaries/acts/hair-pull/give/answer/"
    )
    redacted = redact_text(line)
    assert "k3y" not in redacted
    assert "hair-pull" not in redacted
    assert "https://cs.example/invite/[redacted]/?[redacted]" in redacted
    # Protocol versions and file paths are not paths of ours.
    assert redact_text('"GET /plans/ HTTP/1.1" 200') == '"GET /plans/ HTTP/1.1" 200'
    assert redact_text("/usr/lib/python3.11/x.py") == "/usr/lib/python3.11/x.py"


def _format(record: logging.LogRecord) -> str:
    assert RedactPaths().filter(record) is True
    return record.getMessage()


def test_the_filter_rewrites_uvicorn_access_lines():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/invite/k3y-Secr3t/?utm=x", "1.1", 200),
        None,
    )
    assert _format(record) == '127.0.0.1:5000 - "GET /invite/[redacted]/?[redacted] HTTP/1.1" 200'
    # uvicorn's formatter unpacks the five arguments: they stay five, the status an int.
    assert isinstance(record.args, tuple)
    assert len(record.args) == 5
    assert record.args[4] == 200


def test_the_filter_rewrites_django_request_warnings():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/boundaries/production/7/mara/",),
        None,
    )
    assert _format(record) == "Not Found: /boundaries/production/7/[redacted]/"


def test_closedset_serve_logs_no_token_and_no_act(served_env, tmp_path):
    migrate_and_seed(served_env)
    token = "inv" + secrets.token_urlsafe(24)
    with serve(served_env, tmp_path / "server.log") as server:
        for path in (
            f"/invite/{token}/",
            "/boundaries/acts/hair-pull/receive/answer/",
            f"/login/?next=/invite/{token}/",
        ):
            # Anonymous: the answer page redirects to the login, with the path in ?next=; an
            # unknown invitation is a 404, logged by Django too.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(server.base + path, timeout=10)  # noqa: S310
    output = server.output()
    assert token not in output
    assert "hair-pull" not in output
    assert "receive" not in output
    assert '"GET /invite/[redacted]/ HTTP/1.1" 404' in output
    assert '"GET /boundaries/acts/[redacted]/[redacted]/answer/ HTTP/1.1" 302' in output
    assert '"GET /login/?[redacted] HTTP/1.1" 200' in output
    # Django's own warning for the unknown invitation went through the filter as well.
    assert "Not Found: /invite/[redacted]/" in output
