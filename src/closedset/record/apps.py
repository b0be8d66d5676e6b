from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RecordConfig(AppConfig):
    name = "closedset.record"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from closedset.record.database import install_append_function

        post_migrate.connect(install_append_function, sender=self)
