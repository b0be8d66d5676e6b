from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "closedset.people"
    verbose_name = "People and productions"
    default_auto_field = "django.db.models.BigAutoField"
