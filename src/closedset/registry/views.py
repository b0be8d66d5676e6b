"""Registry pages. Thin: every rule is in registry.services; errors go to the error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.accounts.forms import add_domain_errors
from closedset.lib.errors import Conflict, InvalidInput
from closedset.lib.middleware import translated
from closedset.registry import services
from closedset.registry.forms import BookingForm, ListingForm, SearchForm
from closedset.registry.models import Listing


def _initial(listing: Listing | None, user: object) -> dict[str, object]:
    if listing is None:
        return {"display_name": getattr(user, "display_name", "")}
    return {
        "display_name": listing.display_name,
        "languages": listing.language_codes,
        "region": listing.region,
        "specialities": listing.speciality_codes,
        "experience": listing.experience,
        "availability": listing.availability,
        "availability_note": listing.availability_note,
    }


@login_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """My listing: make it, change it, withdraw it. Not certified: a page that says why."""
    listing = services.my_listing(request.user)
    if request.method == "GET" and not services.is_certified(request.user):
        return render(request, "registry/not_certified.html", {"listing": listing})
    if request.method == "POST":
        services.require_certified(request.user)
    form = ListingForm(request.POST or None, initial=_initial(listing, request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_listing(request.user, **form.cleaned_data)
            except InvalidInput as error:
                add_domain_errors(form, error)
                status = 422
            else:
                if listing is None:
                    messages.success(request, _("You are listed. Producers can find you now."))
                else:
                    messages.success(request, _("Your listing is saved."))
                return redirect("registry:mine")
        else:
            status = 422
    return render(request, "registry/mine.html", {"form": form, "listing": listing}, status=status)


@login_required
@require_POST
def withdraw(request: HttpRequest) -> HttpResponse:
    services.withdraw_listing(request.user)
    messages.success(
        request, _("Your listing is withdrawn. No one can find you in the registry now.")
    )
    return redirect("registry:mine")


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    services.require_producer(request.user)
    form = SearchForm(request.GET or None)
    found = None
    errors: dict[str, str] = {}
    try:
        found = services.search(
            request.user,
            speciality=request.GET.get("speciality", ""),
            language=request.GET.get("language", ""),
            region=request.GET.get("region", ""),
            availability=request.GET.get("availability", ""),
            page=request.GET.get("page"),
        )
    except InvalidInput as error:
        errors = translated(error)[1]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/search.html",
        {
            "form": form,
            "page": found,
            "cards": [card(listing) for listing in found.items] if found else [],
            "errors": errors,
            "query": query.urlencode(),
        },
        status=422 if errors else 200,
    )


def card(listing: Listing) -> dict[str, object]:
    """A listing with its codes said in the reader's language, for the templates."""
    return {
        "listing": listing,
        "languages": [services.language_name(code) for code in listing.language_codes],
        "specialities": [str(services.SPECIALITY_LABELS[s]) for s in listing.speciality_codes],
        "availability": services.AVAILABILITY_LABELS.get(listing.availability, ""),
    }


def _listing_page(
    request: HttpRequest, listing: Listing, form: BookingForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "registry/listing.html",
        {
            "card": card(listing),
            "listing": listing,
            "form": form,
            "self": listing.user_id == request.user.pk,
        },
        status=status,
    )


@login_required
@require_GET
def listing(request: HttpRequest, listing_id: int) -> HttpResponse:
    found = services.get_listing(request.user, listing_id)
    form = BookingForm(productions=services.produced_by(request.user))
    return _listing_page(request, found, form)


@login_required
@require_POST
def book(request: HttpRequest, listing_id: int) -> HttpResponse:
    found = services.get_listing(request.user, listing_id)
    form = BookingForm(request.POST, productions=services.produced_by(request.user))
    production_id = None
    if form.is_valid():
        production_id = form.cleaned_data["production"]
    elif "production" not in form.errors:
        return _listing_page(request, found, form, 422)
    else:
        # Not one of theirs (or none chosen): the service says which, in words.
        raw = request.POST.get("production", "")
        production_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None
    try:
        booking = services.request_booking(
            request.user, found.pk, production_id, request.POST.get("message", "")
        )
    except (InvalidInput, Conflict) as error:
        add_domain_errors(form, error)
        return _listing_page(request, found, form, error.status)
    messages.success(
        request,
        _("Your request is sent to %(name)s. You will be told when they answer.")
        % {"name": found.display_name},
    )
    return redirect("registry:booking", booking_id=booking.pk)


@login_required
@require_GET
def bookings(request: HttpRequest) -> HttpResponse:
    mine = services.my_bookings(request.user)
    return render(
        request,
        "registry/bookings.html",
        {
            "incoming": mine.incoming,
            "outgoing": mine.outgoing,
            "producer": services.is_producer(request.user),
        },
    )


@login_required
@require_GET
def booking(request: HttpRequest, booking_id: int) -> HttpResponse:
    found, side = services.get_booking(request.user, booking_id)
    return render(
        request,
        "registry/booking.html",
        {
            "booking": found,
            "side": side,
            "state": services.state_label(found.state),
            "answerable": side == "coordinator" and services.is_open(found),
            "cancellable": side == "producer" and services.is_open(found),
        },
    )


@login_required
@require_POST
def answer(request: HttpRequest, booking_id: int) -> HttpResponse:
    choice = request.POST.get("answer", "")
    if choice not in ("accept", "decline"):
        services.get_booking(request.user, booking_id)  # not theirs: not found, as ever
        raise InvalidInput(_("Choose accept or decline."), {"answer": _("Choose one.")})
    found = services.answer_booking(request.user, booking_id, accept=choice == "accept")
    if choice == "accept":
        messages.success(
            request,
            _("You are now the intimacy coordinator of %(production)s.")
            % {"production": found.production.name},
        )
    else:
        messages.success(request, _("You declined. The producer is told."))
    return redirect("registry:booking", booking_id=found.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    found = services.cancel_booking(request.user, booking_id)
    messages.success(request, _("The request is cancelled. The coordinator is told."))
    return redirect("registry:booking", booking_id=found.pk)
