from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

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


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label="Token name", max_length=100, help_text="e.g. my laptop")
