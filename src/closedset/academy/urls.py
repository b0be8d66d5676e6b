from __future__ import annotations

app_name = "academy"
urlpatterns: list = []
