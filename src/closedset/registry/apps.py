from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "closedset.registry"
    default_auto_field = "django.db.models.BigAutoField"
