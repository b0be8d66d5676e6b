"""Websocket routes. Apps add theirs here (e.g. the on-set console in a later issue)."""

from __future__ import annotations

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
