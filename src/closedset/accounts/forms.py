from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext

from closedset.accounts.language import offered
from closedset.lib.errors import DomainError


def add_domain_errors(form: forms.Form, error: DomainError) -> None:
    """Show a service's field messages on the form (other messages as form errors)."""
    placed = False
    for field, message in error.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def language_field() -> forms.ChoiceField:
    """The language a new account starts in, for a sign-up form: the page's own language is
    chosen already (the browser's, or the one picked in the footer), each named in itself."""
    return forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=list(offered().items()),
        initial=get_language,
        # Left out, the browser's language goes on deciding: no sign-up fails for want of one.
        required=False,
        help_text=gettext_lazy(
            "Pages are shown to you in this language. You can change it at the foot of any page."
        ),
    )


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=gettext_lazy("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean_username(self) -> str:
        # Addresses are stored lower-case; Mara@Example.org is mara@example.org.
        return str(self.cleaned_data["username"]).strip().lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("6-digit code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class TokenForm(forms.Form):
    """A new API token: its name, what it may do, where, and for how long."""

    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        help_text=gettext_lazy("e.g. my laptop"),
    )
    access = forms.ChoiceField(
        label=gettext_lazy("It may"),
        choices=[("read", gettext_lazy("Read only")), ("write", gettext_lazy("Read and change"))],
        initial="read",
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose read only, or read and change.")},
    )
    production = forms.ChoiceField(
        label=gettext_lazy("Productions"),
        required=False,
        help_text=gettext_lazy(
            "Your own account and boundary profile are reachable with either choice."
        ),
        error_messages={
            "invalid_choice": gettext_lazy("Choose one of your productions, or all of them.")
        },
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Expires after"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the lifetimes offered.")},
    )

    def __init__(
        self,
        *args: Any,
        productions: Sequence[tuple[int, str]] = (),
        day_choices: Sequence[int] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        production_field = self.fields["production"]
        assert isinstance(production_field, forms.ChoiceField)
        production_field.choices = [("", gettext_lazy("All my productions"))] + [
            (str(pk), gettext("Only %(production)s") % {"production": name})
            for pk, name in productions
        ]
        days_field = self.fields["days"]
        assert isinstance(days_field, forms.ChoiceField)
        days_field.choices = [
            (
                str(days),
                ngettext("%(days)s day", "%(days)s days", days) % {"days": days},
            )
            for days in day_choices
        ]
        if day_choices:
            days_field.initial = str(max(day_choices))


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Recovery code"),
        max_length=40,
        help_text=gettext_lazy(
            "One of the codes you saved when you set up your second factor, e.g. abcd-2345-…"
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from closedset.accounts import services
        from closedset.accounts.errors import MailNotSent

        # The same page whether or not the mail went: a failure must not reveal that the
        # address has an account (the failure is logged without the address).
        # Django's context names the site after the request's host; ours uses SITE_NAME.
        context = {key: value for key, value in context.items() if key != "site_name"}
        with contextlib.suppress(MailNotSent), services.in_language_of(context.get("user")):
            services.send_mail_to(to_email, subject_template_name, email_template_name, context)


# --- leaving: export and erasure ---


class PasswordAgainForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Type the password you log in with.")},
    )


class EraseForm(PasswordAgainForm):
    confirm = forms.CharField(
        label=gettext_lazy("Type ERASE to confirm"),
        max_length=320,
        help_text=gettext_lazy("In capital letters, or type your e-mail address instead."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={
            "required": gettext_lazy("Type ERASE in capital letters, or your e-mail address.")
        },
    )
