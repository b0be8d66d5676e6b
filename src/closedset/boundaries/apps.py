from django.apps import AppConfig


class BoundariesConfig(AppConfig):
    name = "closedset.boundaries"
    default_auto_field = "django.db.models.BigAutoField"
