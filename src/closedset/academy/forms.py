"""Forms for the catalogue, the application and the staff's setup pages. They only carry what
was typed: every check (and its message) is in academy.services, shown on the fields with
accounts.forms.add_domain_errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from closedset.academy import services
from closedset.academy.models import Application, Material
from closedset.lib.i18n import interpolate_lazy


def _text(label: Any, limit: int, *, help_text: Any = "", **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"maxlength": limit, **attrs}),
    )


def _area(label: Any, limit: int, *, help_text: Any = "", rows: int = 6) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"maxlength": limit, "rows": rows}),
    )


def _number(label: Any, *, help_text: Any = "", low: int = 0, high: int = 10000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": low, "max": high, "inputmode": "numeric"}),
    )


class Choice(forms.ChoiceField):
    """Offers the choices; whether the value is one of them is the service's to say (with
    the message a person can act on)."""

    def validate(self, value: Any) -> None:
        return None


NOT_SEEN = _("Reviewers never see this.")


class NewAccountForm(forms.Form):
    """For someone without an account: it is made as they apply."""

    name = _text(
        _("Your name"),
        120,
        help_text=_("The name people know you by, for your account."),
        autocomplete="name",
    )
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        help_text=_("We write to you there. Reviewers never see this."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        help_text=_("At least 10 characters. You sign in with it to follow your application."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ApplicationForm(forms.Form):
    full_name = _text(
        _("Full name"),
        services.MAX_NAME,
        help_text=NOT_SEEN,
        autocomplete="name",
    )
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Your account's address. Reviewers never see this."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
    )
    phone = _text(
        _("Phone (if you like)"),
        services.MAX_PHONE,
        help_text=NOT_SEEN,
        autocomplete="tel",
        type="tel",
    )
    location = _text(
        _("Where you live (if you like)"),
        services.MAX_LOCATION,
        help_text=_("A city and country is enough. Reviewers never see this."),
    )
    links = _area(
        _("Links (if you like)"),
        services.MAX_LINKS,
        help_text=_("A website or profile, one a line. Reviewers never see this."),
        rows=3,
    )
    background = _area(
        _("Your background"),
        services.MAX_TEXT,
        help_text=interpolate_lazy(
            _(
                "What you have done that prepares you: work on sets or stages, training, care work."
                " Please do not write your name here. At most %(limit)s characters."
            ),
            limit=services.MAX_TEXT,
        ),
    )
    motivation = _area(
        _("Why you want to take part"),
        services.MAX_TEXT,
        help_text=interpolate_lazy(
            _(
                "Reviewers read this without your name: please do not write your name here. At"
                " most %(limit)s characters."
            ),
            limit=services.MAX_TEXT,
        ),
    )
    scholarship = Choice(
        label=_("Do you ask for a scholarship?"),
        required=False,
        choices=[
            ("", pgettext_lazy("scholarship", "No, I pay the price")),
            ("full", _("Yes, a full scholarship (you pay nothing)")),
            ("partial", _("Yes, a partial scholarship (you pay part of the price)")),
        ],
        widget=forms.RadioSelect,
    )
    scholarship_reason = _area(
        _("Why you ask for a scholarship"),
        services.MAX_TEXT,
        help_text=interpolate_lazy(
            _(
                "Needed only if you ask for one. A few words are enough; please do not write your"
                " name here. At most %(limit)s characters."
            ),
            limit=services.MAX_TEXT,
        ),
        rows=3,
    )

    IDENTIFYING = Application.IDENTIFYING_FIELDS

    def identifying_fields(self) -> list[Any]:
        return [self[name] for name in self.IDENTIFYING if name in self.fields]

    def answer_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.IDENTIFYING]

    def to_input(self) -> services.ApplicationInput:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return services.ApplicationInput(
            **{name: str(data.get(name) or "") for name in self.fields}
        )


class CourseForm(forms.Form):
    title = _text(_("Title"), services.MAX_TITLE)
    summary = _area(_("Summary"), services.MAX_SUMMARY, help_text=_("Shown in the catalogue."))
    achievement = _area(
        _("What the certificate says the graduate achieved"), services.MAX_SUMMARY, rows=3
    )


class ModuleForm(forms.Form):
    week = _number(_("Week"), low=1, high=52)
    position = _number(_("Order within the week"), low=1, high=99)
    title = _text(_("Title"), services.MAX_TITLE)
    summary = _area(_("Summary"), services.MAX_SUMMARY, help_text=_("Shown on the public page."))
    needs_confirmation = forms.BooleanField(
        label=_("Staff confirm completion (for example a practical assessment)"), required=False
    )


class MaterialForm(forms.Form):
    kind = Choice(
        label=_("Kind"), choices=Material.Kind.choices, required=False, widget=forms.RadioSelect
    )
    title = _text(_("Title"), services.MAX_TITLE)
    position = _number(_("Order"), low=1, high=99)
    body = _area(_("Text"), services.MAX_MATERIAL_TEXT, help_text=_("For a text material."))
    url = forms.CharField(
        label=_("Web address"),
        required=False,
        help_text=_("For a link."),
        widget=forms.URLInput(attrs={"maxlength": 200}),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=interpolate_lazy(
            _("For a file: at most %(kb)s KB. Only enrolled participants can open it."),
            kb=services.MATERIAL_FILE_MAX_KB,
        ),
    )


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CohortForm(forms.Form):
    course = Choice(label=_("Course"), required=False)
    name = _text(
        pgettext_lazy("cohort name", "Name"),
        services.MAX_TITLE,
        help_text=_("For example Spring 2027."),
    )
    starts_on = forms.CharField(label=_("Starts on"), required=False, widget=DATE)
    language = Choice(label=_("Taught in"), required=False, choices=settings.LANGUAGES)
    capacity = _number(_("Places"), low=1)
    price = forms.CharField(
        label=_("Price"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 14}),
    )
    currency = _text(_("Currency"), 3, help_text=_("Three letters, for example EUR."))
    scholarship_full_places = _number(_("Full scholarship places"))
    scholarship_partial_places = _number(_("Partial scholarship places"))
    partial_discount_percent = _number(
        _("A partial scholarship takes off (percent)"), low=1, high=99
    )
    application_deadline = forms.CharField(
        label=_("Application deadline (UTC)"), required=False, widget=MOMENT
    )
    score_max = _number(_("Highest score per criterion"), low=1, high=100)
    disagreement_threshold = _number(
        _("Call a third reviewer when two scores differ by more than (0 to 100)"),
        low=0,
        high=100,
    )
    offer_days = _number(_("Days an offer stays open"), low=1, high=90)

    def __init__(self, *args: Any, courses: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [(c.pk, c.title) for c in courses or []]  # type: ignore[attr-defined]

    def to_input(self) -> services.CohortInput:
        data: dict[str, Any] = self.cleaned_data
        values: dict[str, Any] = {name: data.get(name) for name in self.fields if name != "course"}
        return services.CohortInput(course_id=data.get("course"), **values)


class CriterionForm(forms.Form):
    name = _text(_("Criterion"), services.MAX_CRITERION_NAME)
    description = _area(_("What reviewers look for"), services.MAX_SUMMARY, rows=3)
    weight = _number(_("Weight"), low=1, high=100)
    position = _number(_("Order"), low=1, high=99)


class SessionForm(forms.Form):
    title = _text(_("Title"), services.MAX_TITLE)
    starts_at = forms.CharField(
        label=_("Starts at (in the session's time zone)"), required=False, widget=MOMENT
    )
    time_zone = _text(
        _("Time zone"),
        64,
        help_text=_("Its name, for example Europe/Prague or America/New_York."),
    )
    duration_minutes = _number(_("Length in minutes"), low=5, high=600)
    meeting_link = forms.CharField(
        label=_("Meeting link"),
        required=False,
        help_text=_("Only enrolled participants see it."),
        widget=forms.URLInput(attrs={"maxlength": 200}),
    )
    module = Choice(label=_("Module"), required=False)

    def __init__(self, *args: Any, modules: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [("", _("None"))] + [  # type: ignore[attr-defined]
            (m.pk, _("Week %(week)s: %(title)s") % {"week": m.week, "title": m.title})
            for m in modules or []
        ]
