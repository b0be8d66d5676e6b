"""Forms for the compliance pages: plain labels, phone-friendly inputs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordForm(forms.Form):
    performer = forms.ChoiceField(
        label=_("Performer"), error_messages={"required": _("Choose a performer from the list.")}
    )
    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=200,
        help_text=_("Exactly as the document shows it."),
        error_messages={"required": _("Write the legal name exactly as the document shows it.")},
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=DATE,
        error_messages={
            "required": _("Write the date of birth from the document."),
            "invalid": _("Write the date of birth as a date, for example 1995-05-17."),
        },
    )
    other_names = forms.CharField(
        label=_("Every other name used"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stage names, aliases, a maiden name: one per line."),
    )
    document_type = forms.CharField(
        label=_("Kind of document"),
        max_length=100,
        help_text=_("For example passport or ID card."),
        error_messages={"required": _("Write the kind of document, for example passport.")},
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        error_messages={"required": _("Write the document number.")},
    )
    document_issuer = forms.CharField(
        label=_("Issued by"),
        max_length=100,
        help_text=_("For example the country or the authority."),
        error_messages={"required": _("Write who issued the document, for example the country.")},
    )
    document_expiry = forms.DateField(
        label=_("Expires on"),
        widget=DATE,
        error_messages={
            "required": _("Write the date the document expires."),
            "invalid": _("Write the expiry as a date, for example 2031-01-31."),
        },
    )
    document = forms.FileField(
        label=_("Copy of the document"),
        required=False,
        help_text=_("A photo (PNG or JPEG) or a PDF, up to 900 KB. You can take the photo now."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,application/pdf", "capture": "environment"}
        ),
    )

    def __init__(
        self,
        *args: Any,
        performers: Iterable[Any] | None = None,
        offered: Iterable[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if performers is None:
            # Editing: the record's performer does not change.
            del self.fields["performer"]
        else:
            everyone = list(performers)
            choices = [("", _("Choose a performer"))]
            choices += [(p.handle, p.display_name) for p in everyone]
            self.fields["performer"].choices = choices  # type: ignore[attr-defined]
            # The list offers only performers without a record; anyone else is still accepted,
            # so the page can link to the record that exists instead of a bare "invalid".
            shown = everyone if offered is None else list(offered)
            self.fields["performer"].widget.choices = [
                ("", _("Choose a performer")),
                *((p.handle, p.display_name) for p in shown),
            ]

    def clean_date_of_birth(self) -> Any:
        # Said at once, with the other fields' messages, not after they are corrected.
        born = self.cleaned_data.get("date_of_birth")
        if born is not None and born > timezone.localdate():
            raise forms.ValidationError(
                _("This date of birth is in the future; check the document.")
            )
        return born

    def other_names_list(self) -> list[str]:
        text = self.cleaned_data.get("other_names") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ClearanceForm(forms.Form):
    performer = forms.ChoiceField(
        label=_("Performer"), error_messages={"required": _("Choose a performer from the list.")}
    )
    cleared = forms.TypedChoiceField(
        label=_("Result as the clearance service reports it"),
        choices=[("yes", _("Cleared")), ("no", _("Not cleared"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose cleared or not cleared.")},
    )
    tested_on = forms.DateField(
        label=_("Day of the test"),
        widget=DATE,
        error_messages={
            "required": _("Write the day the test was taken."),
            "invalid": _("Write the day as a date, for example 2026-11-20."),
        },
    )

    def __init__(self, *args: Any, performers: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose a performer"))]
        choices += [(p.handle, p.display_name) for p in performers]
        self.fields["performer"].choices = choices  # type: ignore[attr-defined]

    def clean_tested_on(self) -> Any:
        # Said at once, in the same words as the service.
        from closedset.compliance.services import FUTURE_TEST

        tested = self.cleaned_data.get("tested_on")
        if tested is not None and tested > timezone.localdate():
            raise forms.ValidationError(FUTURE_TEST)
        return tested


class ScheduleForm(forms.Form):
    call_at = forms.DateTimeField(
        label=_("Call time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={
            "required": _("Choose the day and time of the call."),
            "invalid": _("Choose the day and time of the call, for example 2026-12-01 09:00."),
        },
    )


class SettingsForm(forms.Form):
    notice_hours = forms.IntegerField(
        label=_("Notice before call, in hours"),
        min_value=1,
        max_value=720,
        help_text=_("The plan must be final this long before call (24 adult, 48 mainstream)."),
    )
    clearance_valid_days = forms.IntegerField(
        label=_("A test clearance stays valid for, in days"), min_value=1, max_value=90
    )
