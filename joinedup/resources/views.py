"""Pages for sharing resources within a partnership: check access, validate, act, respond."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup.access import acting_for, get_for, may
from joinedup.confirm import confirm_page
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.resources import actions, queries
from joinedup.resources.forms import (
    BookingForm,
    DecideForm,
    DocumentForm,
    GiveForm,
    OfferForm,
    PeriodForm,
    RequestForm,
    RespondForm,
)
from joinedup.resources.models import (
    Booking,
    BookingStatus,
    Offer,
    RequestStatus,
    ResourceRequest,
    SharedDocument,
)

INVALID = 422
VIEW = "partnerships.view_partnership"


def _partnership(request: AuthedRequest, pk: int) -> Partnership:
    return get_for(request.user, Partnership.objects.select_related("hub"), perm=VIEW, pk=pk)


def acting_members(user: Any, partnership: Partnership) -> QuerySet[Organisation]:
    """The current member organisations of `partnership` that `user` acts for."""
    mine = acting_for(user)
    current = partnership.memberships.current().values("organisation_id")
    return Organisation.objects.filter(pk__in=mine).filter(pk__in=current).order_by("name")


def _offer_in(request: AuthedRequest, partnership: Partnership, offer_pk: int) -> Offer:
    seen = queries.offers_seen_in([partnership.pk]).select_related("organisation", "partnership")
    return get_for(request.user, seen, perm="resources.view_offer", pk=offer_pk)


@require_GET
@login_required
def resources_home(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    acting = list(acting_members(request.user, partnership))
    mine = [o.pk for o in acting]
    bookings = (
        Booking.objects.filter(partnership=partnership)
        .filter(Q(organisation_id__in=mine) | Q(offer__organisation_id__in=mine))
        .exclude(status__in=[BookingStatus.CANCELLED, BookingStatus.DECLINED])
        .select_related("offer", "organisation", "offer__organisation")
        .order_by("starts_at")
    )
    return render(
        request,
        "resources/home.html",
        {
            "partnership": partnership,
            "offers": queries.offers_seen_in([partnership.pk])
            .filter(active=True)
            .select_related("organisation")
            .order_by("kind", "title"),
            "requests": partnership.resource_requests.filter(
                status=RequestStatus.OPEN
            ).select_related("organisation"),
            "bookings": bookings,
            "acting": acting,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def offer_new(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    acting = acting_members(request.user, partnership)
    if not acting.exists():
        raise PermissionDenied
    form = OfferForm(request.POST or None, acting=acting)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        offer = act(form, actions.offer_create, by=request.user, partnership=partnership, **data)
        if offer is not None:
            messages.success(request, f"“{offer.title}” is offered to the partnership.")
            return redirect(offer)
    return render(
        request,
        "resources/form.html",
        {
            "partnership": partnership,
            "form": form,
            "title": "Offer something",
            "submit": "Offer it",
        },
        status=INVALID if form.is_bound else 200,
    )


@require_GET
@login_required
def offer_detail(request: AuthedRequest, pk: int, offer_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    offer = _offer_in(request, partnership, offer_pk)
    return _render_offer(request, partnership, offer)


def _render_offer(
    request: AuthedRequest,
    partnership: Partnership,
    offer: Offer,
    booking_form: BookingForm | None = None,
    give_form: GiveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    acting = acting_members(request.user, partnership)
    bookers = acting.exclude(pk=offer.organisation_id)
    offerer = request.user.has_perm("resources.change_offer", offer)
    mine = list(acting.values_list("pk", flat=True))
    # Everyone who may book sees the times held, asked for or booked, so that they can choose
    # a free one; only the two parties see who holds them.
    bookings = list(
        offer.bookings.filter(status__in=actions.HOLDING).select_related("organisation")
    )
    clashes = queries.clashes(offer, bookings) if offerer else {}
    receivers = Organisation.objects.filter(
        pk__in=partnership.memberships.current().values("organisation_id")
    ).exclude(pk=offer.organisation_id)
    if offer.bookable and bookers.exists():
        booking_form = booking_form or BookingForm(acting=bookers)
    if not offer.bookable and offerer:
        give_form = give_form or GiveForm(receivers=receivers)
    return render(
        request,
        "resources/offer.html",
        {
            "partnership": partnership,
            "offer": offer,
            "bookings": [(b, clashes.get(b.pk, [])) for b in bookings],
            "mine": mine,
            "offerer": offerer,
            "booking_form": booking_form if offer.bookable else None,
            "give_form": give_form,
        },
        status=status,
    )


@require_POST
@login_required
def booking_new(request: AuthedRequest, pk: int, offer_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    offer = _offer_in(request, partnership, offer_pk)
    bookers = acting_members(request.user, partnership).exclude(pk=offer.organisation_id)
    if not bookers.exists():
        raise PermissionDenied
    form = BookingForm(request.POST, acting=bookers)
    if form.is_valid():
        data = form.cleaned_data
        done = act(
            form,
            actions.booking_request,
            rename={"starts_at": "starts", "ends_at": "ends"},
            by=request.user,
            offer=offer,
            organisation=data["organisation"],
            partnership=partnership,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            note=data["note"],
        )
        if done is not None:
            messages.success(request, f"Booking requested: {offer.organisation} will confirm it.")
            return redirect(offer)
    return _render_offer(request, partnership, offer, booking_form=form, status=INVALID)


@require_POST
@login_required
def offer_give(request: AuthedRequest, pk: int, offer_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    offer = _offer_in(request, partnership, offer_pk)
    if not request.user.has_perm("resources.change_offer", offer):
        raise PermissionDenied
    receivers = Organisation.objects.filter(
        pk__in=partnership.memberships.current().values("organisation_id")
    ).exclude(pk=offer.organisation_id)
    form = GiveForm(request.POST, receivers=receivers)
    if form.is_valid():
        done = act(
            form,
            actions.offer_give,
            by=request.user,
            offer=offer,
            partnership=partnership,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, "Recorded in the ledger.")
            return redirect(offer)
    return _render_offer(request, partnership, offer, give_form=form, status=INVALID)


@require_http_methods(["GET", "POST"])
@login_required
def offer_withdraw(request: AuthedRequest, pk: int, offer_pk: int) -> HttpResponse:
    """Stop offering it. Bookings already confirmed stand; nobody can ask for new ones. GET
    asks first (a withdrawn offer cannot be offered again)."""
    partnership = _partnership(request, pk)
    offer = _offer_in(request, partnership, offer_pk)
    if not request.user.has_perm("resources.change_offer", offer):
        raise PermissionDenied
    if request.method == "GET":
        if not offer.active:
            return redirect(offer)
        return confirm_page(
            request,
            title=f"Withdraw “{offer.title}”?",
            happens=[
                "Partners can no longer ask for it; bookings already confirmed stand.",
                "A withdrawn offer cannot be offered again: make a new offer instead.",
            ],
            button="Withdraw the offer",
            back=offer.get_absolute_url(),
            partnership=partnership,
        )
    actions.offer_update(offer=offer, by=request.user, active=False)
    messages.success(request, f"“{offer.title}” is no longer offered.")
    return redirect(offer)


BOOKING_VERBS = {
    "confirm": ("resources.decide_booking", actions.booking_confirm, "Booking confirmed."),
    "decline": ("resources.decide_booking", actions.booking_decline, "Booking declined."),
    "cancel": ("resources.cancel_booking", actions.booking_cancel, "Booking cancelled."),
}


@require_http_methods(["GET", "POST"])
@login_required
def booking_cancel(request: AuthedRequest, pk: int, booking_pk: int) -> HttpResponse:
    """GET asks (a cancelled booking stays cancelled); POST cancels, as `booking_decide`."""
    if request.method == "POST":
        return booking_decide(request, pk, booking_pk, "cancel")
    booking = get_for(
        request.user,
        Booking.objects.select_related("offer", "organisation", "partnership"),
        perm="resources.cancel_booking",
        pk=booking_pk,
        partnership_id=pk,
    )
    if booking.status not in (BookingStatus.REQUESTED, BookingStatus.CONFIRMED):
        return redirect(booking.offer)
    starts, ends = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
    when = f"{starts:%-d %B %Y, %H:%M} to {ends:%H:%M}"
    return confirm_page(
        request,
        title=f"Cancel the booking of “{booking.offer.title}”?",
        happens=[
            f"{booking.organisation}'s booking of {when} is cancelled and its place is free "
            "for others; if it was confirmed, it leaves the ledger.",
            "To use it after all, ask for a new booking.",
        ],
        button="Cancel the booking",
        back=booking.offer.get_absolute_url(),
        partnership=booking.partnership,
    )


@require_POST
@login_required
def booking_decide(request: AuthedRequest, pk: int, booking_pk: int, verb: str) -> HttpResponse:
    if verb not in BOOKING_VERBS:
        raise Http404
    perm, act, done = BOOKING_VERBS[verb]
    # The offerer of an offer made to a whole hub may not be in the booker's partnership:
    # the booking's own rules decide, not the partnership's.
    booking = get_for(
        request.user,
        Booking.objects.select_related("offer", "offer__organisation", "offer__partnership"),
        perm=perm,
        pk=booking_pk,
        partnership_id=pk,
    )
    form = DecideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    kwargs = {} if verb == "confirm" else {"reason": reason}
    # Back to the booking on its offer's page, as this person sees it: the offerer through the
    # offer's partnership, the booker through the one it booked in.
    offerer = may(request.user, "resources.decide_booking", booking)
    back = booking.get_absolute_url() if offerer else booking.booker_url()
    try:
        changed = act(booking=booking, by=request.user, **kwargs)
    except ValidationError as error:
        # Most often the time was taken meanwhile; the message says what to do about it.
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, done + _displaced(changed))
    return redirect(back)


def _displaced(booking: Booking) -> str:
    declined = getattr(booking, "displaced", [])
    if not declined:
        return ""
    names = ", ".join(sorted({b.organisation.name for b in declined}))
    many = len(declined) > 1
    return (
        f" {len(declined)} other request{'s' if many else ''} for that time could not fit and "
        f"{'were' if many else 'was'} declined, and {names} told to choose another time."
    )


@require_http_methods(["GET", "POST"])
@login_required
def request_new(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    acting = acting_members(request.user, partnership)
    if not acting.exists():
        raise PermissionDenied
    form = RequestForm(request.POST or None, acting=acting)
    if request.method == "POST" and form.is_valid():
        wanted = act(
            form,
            actions.request_create,
            by=request.user,
            partnership=partnership,
            **form.cleaned_data,
        )
        if wanted is not None:
            messages.success(request, "Your request is shared with the partnership.")
            return redirect(wanted)
    return render(
        request,
        "resources/form.html",
        {"partnership": partnership, "form": form, "title": "Ask for something", "submit": "Ask"},
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def request_detail(request: AuthedRequest, pk: int, request_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    wanted = get_for(
        request.user,
        ResourceRequest.objects.select_related("organisation"),
        perm="resources.view_resourcerequest",
        pk=request_pk,
        partnership=partnership,
    )
    responders = acting_members(request.user, partnership).exclude(pk=wanted.organisation_id)
    form = RespondForm(request.POST or None, acting=responders) if responders.exists() else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            done = act(
                form, actions.request_respond, request=wanted, by=request.user, **form.cleaned_data
            )
            if done is not None:
                messages.success(request, "Your answer is sent.")
                return redirect(wanted)
        status = INVALID
    offers = queries.offers_seen_in([partnership.pk]).select_related("organisation")
    return render(
        request,
        "resources/request.html",
        {
            "partnership": partnership,
            "wanted": wanted,
            "matches": actions.matching_offers(wanted, offers),
            "responses": wanted.responses.select_related("organisation"),
            "form": form,
            "requester": request.user.has_perm("resources.change_resourcerequest", wanted),
        },
        status=status,
    )


@require_POST
@login_required
def request_close(request: AuthedRequest, pk: int, request_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    wanted = get_for(
        request.user,
        ResourceRequest,
        perm="resources.change_resourcerequest",
        pk=request_pk,
        partnership=partnership,
    )
    try:
        actions.request_close(
            request=wanted, by=request.user, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(wanted)


@require_GET
@login_required
def ledger(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    form = PeriodForm(request.GET or None)
    latest = partnership.exchanges.aggregate(latest=Max("on"))["latest"]
    start, end = form.period(latest)
    if not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})
    return render(
        request,
        "resources/ledger.html",
        {
            "partnership": partnership,
            "form": form,
            "ledger": queries.ledger(partnership, start, end),
        },
        status=INVALID if form.is_bound and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def documents(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    acting = acting_members(request.user, partnership)
    form = DocumentForm(request.POST or None, request.FILES or None, acting=acting)
    status = 200
    if request.method == "POST":
        if not acting.exists():
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            owner = data.pop("organisation")
            done = act(
                form,
                actions.document_add,
                by=request.user,
                partnership=partnership,
                owner=owner,
                **{k: v for k, v in data.items() if v not in (None, "", False) or k == "link"},
            )
            if done is not None:
                messages.success(request, "Shared with the partnership.")
                return redirect("documents", pk=partnership.pk)
        status = INVALID
    library = [
        d
        for d in partnership.documents.filter(replaced_by__isnull=True).select_related("owner")
        if request.user.has_perm("resources.view_shareddocument", d)
    ]
    return render(
        request,
        "resources/documents.html",
        {
            "partnership": partnership,
            "documents": library,
            "form": form if acting.exists() else None,
        },
        status=status,
    )


@require_GET
@login_required
def document_download(request: AuthedRequest, pk: int, document_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    document = get_for(
        request.user,
        SharedDocument,
        perm="resources.view_shareddocument",
        pk=document_pk,
        partnership=partnership,
    )
    if not document.file:
        raise Http404  # a linked document is opened from its link
    name = (document.file.name or "document").rsplit("/", 1)[-1]
    download = FileResponse(document.file.open("rb"), as_attachment=True, filename=name)
    return download  # type: ignore[return-value]
