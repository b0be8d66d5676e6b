from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "closedset.notices"
    default_auto_field = "django.db.models.BigAutoField"
