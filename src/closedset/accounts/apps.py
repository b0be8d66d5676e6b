from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "closedset.accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the login/logout receivers that keep browser sessions on record, and the one
        # that keeps a language picked before signing in.
        from closedset.accounts import activity, language  # noqa: F401
