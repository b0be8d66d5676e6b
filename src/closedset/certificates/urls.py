from __future__ import annotations

app_name = "certificates"
urlpatterns: list = []
