from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "closedset.certificates"
    default_auto_field = "django.db.models.BigAutoField"
