from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "closedset.academy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from closedset.academy import signals  # noqa: F401 - connects the receivers
