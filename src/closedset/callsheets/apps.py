from django.apps import AppConfig


class CallsheetsConfig(AppConfig):
    name = "closedset.callsheets"
    default_auto_field = "django.db.models.BigAutoField"
