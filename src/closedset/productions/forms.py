from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from closedset.productions.models import Production, Role


class SceneForm(forms.Form):
    number = forms.CharField(label="Scene number", max_length=20, help_text='e.g. "12B"')
    title = forms.CharField(label="Title", max_length=200, required=False)


class ProductionForm(forms.Form):
    name = forms.CharField(label="Production name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=Production.Kind.choices)
    organisation = forms.TypedChoiceField(
        label="Company", coerce=int, required=False, empty_value=None
    )
    new_organisation = forms.CharField(label="Or a new company", max_length=200, required=False)

    def __init__(self, *args: Any, organisations: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— a new company —")] + [(org.pk, org.name) for org in organisations]
        self.fields["organisation"].choices = choices  # type: ignore[attr-defined]


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email")
    role = forms.ChoiceField(label="Role", choices=Role.choices)

    def __init__(self, *args: Any, roles: Iterable[str] = Role.values, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        choices = [(role, labels[role]) for role in roles]
        if len(choices) > 1:
            # No role chosen for the person: inviting someone as producer by a slip is too easy.
            choices.insert(0, ("", "Choose a role"))
        self.fields["role"].choices = choices  # type: ignore[attr-defined]


class AcceptForm(forms.Form):
    display_name = forms.CharField(label="Your name", max_length=120)
    handle = forms.CharField(
        label="Handle",
        max_length=40,
        help_text="Lower-case letters, digits, - and _. Your id in plan files.",
    )
    password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters.",
    )
