from django.apps import AppConfig


class BreakdownConfig(AppConfig):
    name = "closedset.breakdown"
    default_auto_field = "django.db.models.BigAutoField"
