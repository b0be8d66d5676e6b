from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "closedset.academy"
    default_auto_field = "django.db.models.BigAutoField"
