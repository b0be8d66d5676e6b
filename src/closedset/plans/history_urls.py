from __future__ import annotations

app_name = "plan_history"
urlpatterns: list = []
