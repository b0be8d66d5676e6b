from django.apps import AppConfig


class RiderConfig(AppConfig):
    name = "closedset.rider"
    default_auto_field = "django.db.models.BigAutoField"
