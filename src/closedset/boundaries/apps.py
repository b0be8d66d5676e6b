from django.apps import AppConfig


class BoundariesConfig(AppConfig):
    name = "closedset.boundaries"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from closedset.boundaries.services import on_coordinator_joined
        from closedset.productions.signals import coordinator_joined

        # Performers who share with a production hear of each coordinator who joins it.
        coordinator_joined.connect(on_coordinator_joined, dispatch_uid="boundaries.new_coordinator")
