from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "closedset.api"
    default_auto_field = "django.db.models.BigAutoField"
