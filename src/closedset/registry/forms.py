"""Forms for the registry's pages. They only collect; services.clean_listing decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from closedset.lib.i18n import interpolate_lazy
from closedset.registry import services
from closedset.registry.models import Availability, Speciality


class LanguageBoxes(forms.CheckboxSelectMultiple):
    """Tick boxes in a grid: the common languages open, the rest under "More languages", which
    opens by itself when one of them is ticked. Choices come as two (group, choices) pairs."""

    template_name = "registry/widgets/languages.html"

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        groups = context["widget"]["optgroups"]
        context["widget"]["more_ticked"] = sum(
            1 for _group, options, _index in groups[1:] for option in options if option["selected"]
        )
        return context


class ListingForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name producers see"),
        max_length=services.NAME_MAX,
        help_text=_("Your name or the name you work under. Your e-mail address is never shown."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        widget=LanguageBoxes,
        help_text=interpolate_lazy(
            _("Tick every one you can work in, at most %(count)s."), count=services.LANGUAGES_MAX
        ),
    )
    region = forms.CharField(
        label=_("Where you work"),
        max_length=services.REGION_MAX,
        required=False,
        help_text=_('A city, region or country, e.g. "Prague and Central Europe".'),
    )
    specialities = forms.MultipleChoiceField(
        label=_("What you coordinate"),
        choices=list(services.SPECIALITY_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    experience = forms.CharField(
        label=_("Your experience"),
        max_length=services.EXPERIENCE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Productions, training, what you are good at. At most 2000 characters."),
    )
    availability = forms.ChoiceField(
        label=_("Are you taking bookings?"),
        choices=list(services.AVAILABILITY_LABELS.items()),
        widget=forms.RadioSelect,
        initial=Availability.AVAILABLE,
    )
    availability_note = forms.CharField(
        label=_("A note about when (optional)"),
        max_length=services.NOTE_MAX,
        required=False,
        help_text=_('e.g. "Booked until March".'),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = services.language_groups()  # type: ignore[attr-defined]


class SearchForm(forms.Form):
    speciality = forms.ChoiceField(label=_("What they coordinate"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    region = forms.CharField(label=_("Where"), max_length=services.REGION_MAX, required=False)
    availability = forms.ChoiceField(label=_("Taking bookings"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["speciality"].choices = anything + [  # type: ignore[attr-defined]
            (kind, services.SPECIALITY_LABELS[kind]) for kind in Speciality.values
        ]
        self.fields["language"].choices = (  # type: ignore[attr-defined]
            anything + services.language_groups()
        )
        self.fields["availability"].choices = anything + [  # type: ignore[attr-defined]
            (value, services.AVAILABILITY_LABELS[value]) for value in Availability.values
        ]


class BookingForm(forms.Form):
    production = forms.TypedChoiceField(
        label=_("Production they would coordinate"), coerce=int, empty_value=None
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        max_length=services.MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Dates, place, what kind of scenes. No one else reads it."),
    )

    def __init__(self, *args: Any, productions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["production"].choices = [  # type: ignore[attr-defined]
            (production.pk, production.name) for production in productions
        ]
