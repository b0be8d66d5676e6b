from django.apps import AppConfig


class OnsetConfig(AppConfig):
    """The shoot day: runs of a scene, PAUSE and STOP signals (docs/shootday.md)."""

    name = "closedset.onset"
    default_auto_field = "django.db.models.BigAutoField"
