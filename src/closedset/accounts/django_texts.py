"""Django's own texts that our pages show, marked so that our catalogs carry them.

Django ships its own Czech, Spanish and Hungarian for the password validators and the auth
forms, but in the formal register ("Zadejte", "vašem", "usted"), and some of its catalogs are
older than its code (the Czech "too short" message is missing, so it shows in English). Every
text below is copied exactly from Django (the msgid must match to the character, curly
apostrophes included) and translated informally in accounts/locale; LOCALE_PATHS come before
Django's catalogs, so our wording wins wherever Django calls gettext on these texts.

Nothing here is used at run time. `gettext_noop` only marks a text for makemessages; a plural
needs an `ngettext` call to be found with both forms, so those sit in `_plurals()`, which is
never called. Which texts are here (check a page in Czech to find more):

- the validators in settings.AUTH_PASSWORD_VALIDATORS (django.contrib.auth.password_validation):
  each one's error message and help text (the help texts stand under the new password on the
  password change and reset pages);
- the auth forms on our pages: PasswordChangeForm (password change), SetPasswordForm (reset
  confirm), AuthenticationForm (login): their labels, help texts and errors;
- the e-mail field's error on the login form (the same words as the invitation's).

The sign-up on the invitation page (productions.AcceptForm) runs the same validators.

"The password is too similar to the %(verbose_name)s." and the login's "Please enter a correct
%(username)s" are filled with the User.email field's verbose name, which is the plain English
"email" (no gettext_lazy on the field), so the translations are worded to read well with it.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext

TEXTS = (
    # password_validation: UserAttributeSimilarityValidator
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    # CommonPasswordValidator
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    # NumericPasswordValidator
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
    # SetPasswordMixin, SetPasswordForm, PasswordChangeForm
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("New password"),
    gettext_noop("New password confirmation"),
    gettext_noop("Old password"),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    # AuthenticationForm
    gettext_noop("Password"),
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both "
        "fields may be case-sensitive."
    ),
    gettext_noop("This account is inactive."),
    # django.core.validators.EmailValidator (the login's e-mail field)
    gettext_noop("Enter a valid email address."),
)


def _plurals(count: int) -> tuple[str, ...]:  # pragma: no cover - never called, see above
    return (
        # MinimumLengthValidator: the error, then the help text
        ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            count,
        ),
        ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            count,
        ),
    )
