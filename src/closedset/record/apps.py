from django.apps import AppConfig


class RecordConfig(AppConfig):
    name = "closedset.record"
    default_auto_field = "django.db.models.BigAutoField"
