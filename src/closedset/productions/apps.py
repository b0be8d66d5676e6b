from django.apps import AppConfig


class ProductionsConfig(AppConfig):
    name = "closedset.productions"
    verbose_name = "Productions, scenes and memberships"
    default_auto_field = "django.db.models.BigAutoField"
