"""The coordinator's form for one performer's rider terms; services.save_terms has the rules."""

from __future__ import annotations

from django import forms

from closedset.rider.services import MAX_TERMS_LENGTH


def _text(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=MAX_TERMS_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Keep this under {MAX_TERMS_LENGTH:,} characters and save again.",
            "null_characters_not_allowed": "This holds a character that cannot be saved; "
            "retype it and save again.",
        },
    )


class RiderTermsForm(forms.Form):
    use_film = forms.BooleanField(label="Footage may be used in the film itself", required=False)
    use_trailer = forms.BooleanField(label="Footage may be used in trailers", required=False)
    use_stills = forms.BooleanField(label="Footage may be used in stills", required=False)
    use_promotion = forms.BooleanField(label="Footage may be used in promotion", required=False)
    closed_set = forms.BooleanField(
        label="Closed set",
        required=False,
        help_text="Only the people who must be there are present for these beats.",
    )
    modesty_garments = _text("Modesty garments", "e.g. a flesh-toned thong and a shield.")
    barriers = _text("Barriers", "Barriers between performers beyond those in each beat.")
    body_double = _text(
        "Body-double terms", "Who doubles which shots, and what the performer approves."
    )
    expected_length = _text(
        "Expected length", "How long the performer is needed for this scene, e.g. about 3 hours."
    )
    pay = _text("Pay", "What this scene pays the performer, as agreed.")
    other_terms = _text("Other terms", "Anything else agreed for this scene.")
