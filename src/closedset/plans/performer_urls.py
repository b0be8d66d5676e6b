from __future__ import annotations

app_name = "scenes"
urlpatterns: list = []
