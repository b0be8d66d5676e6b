"""Websocket routes. Apps add theirs here (the ASGI app wraps them in the origin check and the
session's authentication, closedset/asgi.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from closedset.onset.consumers import OnsetConsumer

websocket_urlpatterns: list[URLPattern] = [
    # The shoot day's console and phones (docs/shootday.md).
    path("ws/onset/<int:run_id>/", OnsetConsumer.as_asgi()),
]
