"""Routes of the shoot day's changes part, in the "onset" namespace (see onset/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
