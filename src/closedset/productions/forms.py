from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from closedset.accounts.forms import language_field
from closedset.productions.labels import KIND_LABELS, ROLE_LABELS
from closedset.productions.models import Role


class SceneForm(forms.Form):
    number = forms.CharField(label=_("Scene number"), max_length=20, help_text=_('e.g. "12B"'))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


class ProductionForm(forms.Form):
    name = forms.CharField(label=_("Production name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=list(KIND_LABELS.items()))
    organisation = forms.TypedChoiceField(
        label=_("Company"), coerce=int, required=False, empty_value=None
    )
    new_organisation = forms.CharField(label=_("Or a new company"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language of its documents"),
        choices=list(settings.LANGUAGES),
        initial=get_language,
        # Left out, English: a production can change it later on its page.
        required=False,
        help_text=_(
            "Riders and consent requests are shown to each performer in their own language, "
            "with this one beside it when it differs."
        ),
    )

    def __init__(self, *args: Any, organisations: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— a new company —"))] + [(org.pk, org.name) for org in organisations]
        self.fields["organisation"].choices = choices  # type: ignore[attr-defined]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Documents are written in"), choices=list(settings.LANGUAGES)
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=pgettext_lazy("a job on the production", "Role"), choices=list(ROLE_LABELS.items())
    )

    def __init__(self, *args: Any, roles: Iterable[str] = Role.values, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = ROLE_LABELS
        choices = [(role, labels[role]) for role in roles]
        if len(choices) > 1:
            # No role chosen for the person: inviting someone as producer by a slip is too easy.
            choices.insert(0, ("", pgettext_lazy("a job on the production", "Choose a role")))
        self.fields["role"].choices = choices  # type: ignore[attr-defined]


class AcceptForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=120)
    handle = forms.CharField(
        label=_("Handle"),
        max_length=40,
        help_text=_("Lower-case letters, digits, - and _. Your id in plan files."),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters."),
    )
    language = language_field()
