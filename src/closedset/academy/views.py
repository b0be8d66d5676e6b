"""The academy's catalogue, applications and staff setup pages. Thin: every rule is in
academy.services; its errors become pages in one place (lib.middleware), or, on a form, show
on its fields. Staff pages answer "not found" to anyone who is not academy staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.academy import forms, services
from closedset.academy.models import Application
from closedset.accounts.forms import add_domain_errors
from closedset.lib.errors import Conflict, DomainError, InvalidInput
from closedset.lib.net import client_ip

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _form_error(form: Any, error: DomainError) -> None:
    add_domain_errors(form, error)


def _wrong_fields(*forms_shown: Any) -> list[tuple[str, str]]:
    """(label, the id to jump to) of each field with a mistake, in the page's order. A group of
    choices (a fieldset) is reached at its first choice."""
    wrong: list[tuple[str, str]] = []
    for form in forms_shown:
        for field in form or ():
            if field.errors:
                target = f"{field.auto_id}_0" if field.use_fieldset else field.id_for_label
                wrong.append((str(field.label), target))
    return wrong


# --- public -----------------------------------------------------------------------------------


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "academy/catalogue.html", {"cohorts": services.open_cohorts()})


@require_GET
def cohort(request: HttpRequest, cohort_id: int) -> HttpResponse:
    page = services.cohort_page(cohort_id)
    return render(
        request,
        "academy/cohort.html",
        {
            "page": page,
            "cohort": page.cohort,
            "mine": services.application_of(request.user, page.cohort),
        },
    )


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Anyone may apply while the cohort takes applications; someone without an account gets
    one as they apply (and is signed in, their address still to confirm)."""
    cohort = services.get_cohort(cohort_id)
    signed_in = request.user.is_authenticated
    context: dict[str, Any] = {"cohort": cohort, "signed_in": signed_in}
    existing = services.application_of(request.user, cohort)
    if existing is not None:
        context["existing"] = existing
        return render(
            request, "academy/apply.html", context, status=409 if request.method == "POST" else 200
        )
    if not cohort.accepts_applications():
        context["closed"] = services.closed_message()
        return render(
            request, "academy/apply.html", context, status=409 if request.method == "POST" else 200
        )
    user: Any = request.user
    initial = {}
    if signed_in:
        initial = {"email": user.email, "full_name": user.display_name}
    data = request.POST if request.method == "POST" else None
    form = forms.ApplicationForm(data, initial=initial)
    account = None if signed_in else forms.NewAccountForm(data)
    if signed_in:
        # The address is the account's, always: shown, not changed here.
        form.fields["email"].disabled = True
    else:
        # The new account's address (asked once, above) is the application's.
        del form.fields["email"]
    context.update(form=form, account=account)
    if request.method == "GET":
        return render(request, "academy/apply.html", context)
    # The mistakes, listed at the top of the page when it comes back (see apply.html).
    context["wrong_fields"] = lambda: _wrong_fields(
        account, [*form.identifying_fields(), *form.answer_fields()]
    )
    if not form.is_valid() or (account is not None and not account.is_valid()):
        return render(request, "academy/apply.html", context, status=422)
    answers = form.to_input()
    try:
        if signed_in:
            answers.email = user.email
            application = services.apply(user, cohort.pk, answers)
        else:
            assert account is not None
            person = services.NewApplicant(
                name=str(account.cleaned_data.get("name") or ""),
                email=str(account.cleaned_data.get("email") or ""),
                password=str(account.cleaned_data.get("password") or ""),
                language=(get_language() or "").split("-")[0],
            )
            user, application = services.apply_with_new_account(cohort.pk, person, answers)
    except InvalidInput as error:
        _form_error(form, error)
        if account is not None:
            for name in ("name", "email", "password"):
                if name in error.fields:
                    account.add_error(name, error.fields[name])
        return render(request, "academy/apply.html", context, status=422)
    except services.AlreadyApplied as error:
        context["existing"] = error.application
        return render(request, "academy/apply.html", context, status=409)
    except Conflict as error:
        context["closed"] = error.message
        return render(request, "academy/apply.html", context, status=409)
    if not signed_in:
        auth_login(request, user, backend=BACKEND)
        from closedset.accounts import services as accounts

        accounts.send_first_verification_mail(
            user, base_url=request.build_absolute_uri("/"), ip=client_ip(request) or None
        )
        messages.success(
            request,
            _(
                "We have your application (reference %(reference)s). Confirm your e-mail"
                " address with the link we sent you; then you can follow your application."
            )
            % {"reference": application.reference},
        )
        return redirect("accounts:email_pending")
    messages.success(
        request,
        _("We have your application (reference %(reference)s). We sent you an e-mail too.")
        % {"reference": application.reference},
    )
    return redirect("academy:mine")


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request, "academy/mine.html", {"applications": services.my_applications(request.user)}
    )


# --- staff ------------------------------------------------------------------------------------


@login_required
@require_GET
def staff(request: HttpRequest) -> HttpResponse:
    overview = services.staff_overview(request.user)
    return render(
        request,
        "academy/staff/overview.html",
        {
            "cohorts": overview,
            "courses": services.staff_courses(request.user),
            "statuses": Application.Status.choices,
        },
    )


def _saved(request: HttpRequest, text: str) -> None:
    messages.success(request, text)


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    services.require_staff(request.user)
    form = forms.CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.save_course(
                request.user, None, services.CourseInput(**form.cleaned_data)
            )
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The course is saved. Add its modules now."))
            return redirect("academy:course", course_id=course.pk)
    return render(
        request,
        "academy/staff/course.html",
        {"form": form, "course": None},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    found = services.staff_course(request.user, course_id)
    initial = {"title": found.title, "summary": found.summary, "achievement": found.achievement}
    form = forms.CourseForm(request.POST or None, initial=initial)
    next_week = services.weeks_of(found) + 1
    module_form = forms.ModuleForm(initial={"week": next_week, "position": 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_course(request.user, found.pk, services.CourseInput(**form.cleaned_data))
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The course is saved."))
            return redirect("academy:course", course_id=found.pk)
    return render(
        request,
        "academy/staff/course.html",
        {
            "form": form,
            "course": found,
            "module_form": module_form,
            "modules": found.modules.all(),
            "cohorts": found.cohorts.all(),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def module_new(request: HttpRequest, course_id: int) -> HttpResponse:
    found = services.staff_course(request.user, course_id)
    form = forms.ModuleForm(
        request.POST or None, initial={"week": services.weeks_of(found) + 1, "position": 1}
    )
    if request.method == "POST" and form.is_valid():
        try:
            module = services.save_module(
                request.user, found.pk, None, services.ModuleInput(**form.cleaned_data)
            )
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The module is saved. Add its materials now."))
            return redirect("academy:module", module_id=module.pk)
    return render(
        request,
        "academy/staff/module.html",
        {"form": form, "course": found, "module": None},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def module(request: HttpRequest, module_id: int) -> HttpResponse:
    found = services.staff_module(request.user, module_id)
    if request.method == "POST" and request.POST.get("action") == "delete":
        course = services.delete_module(request.user, found.pk)
        _saved(request, _("The module is deleted, with its materials."))
        return redirect("academy:course", course_id=course.pk)
    initial = {
        "week": found.week,
        "position": found.position,
        "title": found.title,
        "summary": found.summary,
        "needs_confirmation": found.needs_confirmation,
    }
    form = forms.ModuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_module(
                request.user, None, found.pk, services.ModuleInput(**form.cleaned_data)
            )
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The module is saved."))
            return redirect("academy:module", module_id=found.pk)
    return render(
        request,
        "academy/staff/module.html",
        {
            "form": form,
            "course": found.course,
            "module": found,
            "materials": found.materials.all(),
            "material_form": forms.MaterialForm(
                initial={"kind": "text", "position": found.materials.count() + 1}
            ),
        },
        status=422 if form.errors else 200,
    )


def _material_input(request: HttpRequest, form: forms.MaterialForm) -> services.MaterialInput:
    data = form.cleaned_data
    upload = request.FILES.get("file")
    file_data = None
    file_name = ""
    if upload is not None:
        limit = services.MATERIAL_FILE_MAX_KB * 1024
        if upload.size is None or upload.size > limit:
            message = services.material_file_too_large()
            raise InvalidInput(message, {"file": message})
        file_data = bytes(upload.read(limit + 1))
        file_name = upload.name or ""
    return services.MaterialInput(
        kind=str(data.get("kind") or ""),
        title=str(data.get("title") or ""),
        body=str(data.get("body") or ""),
        url=str(data.get("url") or ""),
        position=data.get("position") or 1,
        file_name=file_name,
        file_data=file_data,
    )


@login_required
@require_http_methods(["GET", "POST"])
def material_new(request: HttpRequest, module_id: int) -> HttpResponse:
    found = services.staff_module(request.user, module_id)
    form = forms.MaterialForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": "text", "position": found.materials.count() + 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_material(request.user, found.pk, None, _material_input(request, form))
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The material is saved."))
            return redirect("academy:module", module_id=found.pk)
    return render(
        request,
        "academy/staff/material.html",
        {"form": form, "module": found, "material": None},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def material(request: HttpRequest, material_id: int) -> HttpResponse:
    found = services.staff_material(request.user, material_id)
    if request.method == "POST" and request.POST.get("action") == "delete":
        module = services.delete_material(request.user, found.pk)
        _saved(request, _("The material is deleted."))
        return redirect("academy:module", module_id=module.pk)
    initial = {
        "kind": found.kind,
        "title": found.title,
        "position": found.position,
        "body": found.body,
        "url": found.url,
    }
    form = forms.MaterialForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_material(request.user, None, found.pk, _material_input(request, form))
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The material is saved."))
            return redirect("academy:module", module_id=found.module_id)
    return render(
        request,
        "academy/staff/material.html",
        {"form": form, "module": found.module, "material": found},
        status=422 if form.errors else 200,
    )


@login_required
@never_cache
@require_GET
def material_file(request: HttpRequest, material_id: int) -> HttpResponse:
    name, content_type, data = services.staff_material_file(request.user, material_id)
    response = HttpResponse(data, content_type=content_type)
    # services keep the name to safe letters.
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


def _cohort_initial(cohort: Any) -> dict[str, Any]:
    return {
        "course": cohort.course_id,
        "name": cohort.name,
        "starts_on": cohort.starts_on.isoformat(),
        "language": cohort.language,
        "capacity": cohort.capacity,
        "price": cohort.price,
        "currency": cohort.currency,
        "scholarship_full_places": cohort.scholarship_full_places,
        "scholarship_partial_places": cohort.scholarship_partial_places,
        "partial_discount_percent": cohort.partial_discount_percent,
        "application_deadline": cohort.application_deadline.astimezone(services.UTC).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "score_max": cohort.score_max,
        "disagreement_threshold": cohort.disagreement_threshold,
        "offer_days": cohort.offer_days,
    }


COHORT_DEFAULTS = {
    "language": "en",
    "currency": "EUR",
    "capacity": 12,
    "scholarship_full_places": 0,
    "scholarship_partial_places": 0,
    "partial_discount_percent": 50,
    "score_max": 5,
    "disagreement_threshold": 20,
    "offer_days": 7,
}


@login_required
@require_http_methods(["GET", "POST"])
def cohort_new(request: HttpRequest) -> HttpResponse:
    courses = services.staff_courses(request.user)
    initial = dict(COHORT_DEFAULTS)
    if request.GET.get("course"):
        initial["course"] = request.GET["course"]
    form = forms.CohortForm(request.POST or None, initial=initial, courses=courses)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.save_cohort(request.user, None, form.to_input())
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The cohort is saved. Add its rubric and live sessions now."))
            return redirect("academy:staff_cohort", cohort_id=found.pk)
    return render(
        request,
        "academy/staff/cohort.html",
        {"form": form, "cohort": None, "courses": courses},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_cohort(request: HttpRequest, cohort_id: int) -> HttpResponse:
    found = services.staff_cohort(request.user, cohort_id)
    courses = services.staff_courses(request.user)
    form = forms.CohortForm(request.POST or None, initial=_cohort_initial(found), courses=courses)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_cohort(request.user, found.pk, form.to_input())
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The cohort is saved."))
            return redirect("academy:staff_cohort", cohort_id=found.pk)
    return render(
        request,
        "academy/staff/cohort.html",
        {
            "form": form,
            "cohort": found,
            "courses": courses,
            "criteria": found.criteria.all(),
            "criterion_form": forms.CriterionForm(
                initial={"weight": 1, "position": found.criteria.count() + 1}
            ),
            "sessions": [services.session_time(s) for s in found.live_sessions.all()],
            "session_form": forms.SessionForm(
                initial={"time_zone": "UTC", "duration_minutes": 90},
                modules=list(found.course.modules.all()),
            ),
            "open": found.accepts_applications(),
            "rubric_fixed": found.applications_closed_at is not None,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_new(request: HttpRequest, cohort_id: int) -> HttpResponse:
    found = services.staff_cohort(request.user, cohort_id)
    form = forms.CriterionForm(
        request.POST or None, initial={"weight": 1, "position": found.criteria.count() + 1}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_criterion(
                request.user, found.pk, None, services.CriterionInput(**form.cleaned_data)
            )
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The criterion is saved."))
            return redirect("academy:staff_cohort", cohort_id=found.pk)
    return render(
        request,
        "academy/staff/criterion.html",
        {"form": form, "cohort": found, "criterion": None},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion(request: HttpRequest, criterion_id: int) -> HttpResponse:
    found = services.staff_criterion(request.user, criterion_id)
    if request.method == "POST" and request.POST.get("action") == "delete":
        cohort_found = services.delete_criterion(request.user, found.pk)
        _saved(request, _("The criterion is deleted."))
        return redirect("academy:staff_cohort", cohort_id=cohort_found.pk)
    initial = {
        "name": found.name,
        "description": found.description,
        "weight": found.weight,
        "position": found.position,
    }
    form = forms.CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_criterion(
                request.user, None, found.pk, services.CriterionInput(**form.cleaned_data)
            )
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The criterion is saved."))
            return redirect("academy:staff_cohort", cohort_id=found.cohort_id)
    return render(
        request,
        "academy/staff/criterion.html",
        {"form": form, "cohort": found.cohort, "criterion": found},
        status=422 if form.errors else 200,
    )


def _session_input(form: forms.SessionForm) -> services.SessionInput:
    data = form.cleaned_data
    return services.SessionInput(
        title=data.get("title") or "",
        starts_at=data.get("starts_at"),
        time_zone=data.get("time_zone") or "",
        duration_minutes=data.get("duration_minutes"),
        meeting_link=data.get("meeting_link") or "",
        module_id=data.get("module") or None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, cohort_id: int) -> HttpResponse:
    found = services.staff_cohort(request.user, cohort_id)
    form = forms.SessionForm(
        request.POST or None,
        initial={"time_zone": "UTC", "duration_minutes": 90},
        modules=list(found.course.modules.all()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_session(request.user, found.pk, None, _session_input(form))
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The live session is saved."))
            return redirect("academy:staff_cohort", cohort_id=found.pk)
    return render(
        request,
        "academy/staff/session.html",
        {"form": form, "cohort": found, "session": None},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, session_id: int) -> HttpResponse:
    found = services.staff_session(request.user, session_id)
    if request.method == "POST" and request.POST.get("action") == "delete":
        cohort_found = services.delete_session(request.user, found.pk)
        _saved(request, _("The live session is deleted."))
        return redirect("academy:staff_cohort", cohort_id=cohort_found.pk)
    shown = services.session_time(found)
    initial = {
        "title": found.title,
        "starts_at": shown.local.strftime("%Y-%m-%dT%H:%M"),
        "time_zone": found.time_zone,
        "duration_minutes": found.duration_minutes,
        "meeting_link": found.meeting_link,
        "module": found.module_id or "",
    }
    form = forms.SessionForm(
        request.POST or None, initial=initial, modules=list(found.cohort.course.modules.all())
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_session(request.user, None, found.pk, _session_input(form))
        except InvalidInput as error:
            _form_error(form, error)
        else:
            _saved(request, _("The live session is saved."))
            return redirect("academy:staff_cohort", cohort_id=found.cohort_id)
    return render(
        request,
        "academy/staff/session.html",
        {"form": form, "cohort": found.cohort, "session": found},
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def staff_applications(request: HttpRequest, cohort_id: int) -> HttpResponse:
    found, applications = services.staff_applications(request.user, cohort_id)
    return render(
        request,
        "academy/staff/applications.html",
        {"cohort": found, "applications": applications, "open": found.accepts_applications()},
    )


@login_required
@require_GET
def staff_application(request: HttpRequest, application_id: int) -> HttpResponse:
    found = services.staff_application(request.user, application_id)
    return render(request, "academy/staff/application.html", {"application": found})


@login_required
@require_POST
def decline(request: HttpRequest, application_id: int) -> HttpResponse:
    found = services.decline_application(request.user, application_id)
    _saved(
        request,
        _("Application %(reference)s is declined; the applicant was told by e-mail.")
        % {"reference": found.reference},
    )
    return redirect("academy:staff_applications", cohort_id=found.cohort_id)


@login_required
@require_POST
def close(request: HttpRequest, cohort_id: int) -> HttpResponse:
    services.close_applications(request.user, cohort_id)
    _saved(request, _("Applications are closed. Blind review has started."))
    return redirect("academy:staff_cohort", cohort_id=cohort_id)
