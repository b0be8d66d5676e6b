"""Page weight: pages go out compressed when the browser accepts it (with Django's BREACH
padding), and `closedset serve` outside development serves static files under hashed names,
compressed, cached for good."""

from __future__ import annotations

import gzip
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from closedset.lib.tests.served import run, serve

GZIP_FNAME = 0x08  # the gzip header flag for a file name: Django's random padding lives there


def test_a_page_is_gzipped_only_for_a_browser_that_accepts_it(client_as: Any) -> None:
    mara = client_as("mara")
    plain = mara.get("/boundaries/")
    assert plain.status_code == 200
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]

    packed = mara.get("/boundaries/", headers={"accept-encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip"
    page = gzip.decompress(packed.content)
    assert b"My boundaries" in page
    # Compression is what makes the boundary page light enough for a set's network.
    assert len(packed.content) < len(plain.content) / 4
    assert int(packed["Content-Length"]) == len(packed.content)


def test_compressed_pages_carry_random_padding_against_breach(client_as: Any) -> None:
    mara = client_as("mara")
    sizes = set()
    for _ in range(12):
        body = mara.get("/account/", headers={"accept-encoding": "gzip"}).content
        assert body[3] & GZIP_FNAME, "no random file name in the gzip header"
        sizes.add(len(body))
    # Up to 100 random bytes: the same page does not keep one compressed length.
    assert len(sizes) > 1


def _get(url: str, **headers: str) -> Any:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own server
    return urllib.request.urlopen(request, timeout=10)  # noqa: S310


@pytest.mark.django_db(transaction=True)
def test_serve_gives_hashed_compressed_static_files_cached_for_good(
    served_env: dict[str, str], tmp_path: Path
) -> None:
    # As on a real server: not development, so serve collects, hashes and compresses.
    env = {k: v for k, v in served_env.items() if k != "CLOSEDSET_DEV"}
    env["CLOSEDSET_SECURE_COOKIES"] = "0"
    if "DJANGO_SETTINGS_MODULE" in env:
        migrated = run(env, "manage", "migrate", "--run-syncdb", "--verbosity", "0")
    else:
        migrated = run(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    with serve(env, tmp_path / "serve.log") as server:
        login = _get(server.base + "/login/", **{"Accept-Encoding": "gzip"})
        assert login.headers["Content-Encoding"] == "gzip"
        html = gzip.decompress(login.read()).decode()
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
        names = {Path(asset).name for asset in assets}
        assert any(re.fullmatch(r"htmx\.min\.[0-9a-f]{12}\.js", name) for name in names), names
        assert any(re.fullmatch(r"site\.[0-9a-f]{12}\.css", name) for name in names), names
        for asset in assets:
            raw = _get(server.base + asset)
            size = len(raw.read())
            assert raw.headers["Cache-Control"] == "max-age=315360000, public, immutable"
            for encoding in ("gzip", "br"):
                packed = _get(server.base + asset, **{"Accept-Encoding": encoding})
                assert packed.headers["Content-Encoding"] == encoding, asset
                assert len(packed.read()) < size, asset
                assert "immutable" in packed.headers["Cache-Control"]
