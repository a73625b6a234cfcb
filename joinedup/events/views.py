"""An event's pages: making one, its page (register, attend, run it), guests' pages,
feedback, notes and its calendar entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from joinedup.access import acting_for, get_for
from joinedup.accounts.throttle import address_of
from joinedup.confirm import confirm_page, is_confirmed
from joinedup.events import actions, feeds, queries
from joinedup.events.forms import (
    CancelEventForm,
    CodeForm,
    DoorForm,
    EventEditForm,
    EventForm,
    EventForTopicForm,
    FeedbackForm,
    GuestDetailsForm,
    GuestForm,
    ListingForm,
    NotesForm,
    RegisterForm,
)
from joinedup.events.models import (
    Event,
    EventStatus,
    Notes,
    Registration,
    RegistrationStatus,
    Session,
    TopicRequest,
    TopicStatus,
)
from joinedup.events.rules import runs_hub
from joinedup.forms import act, merging
from joinedup.http import AuthedRequest
from joinedup.partnerships.models import Membership, Organisation
from joinedup.versions import Stale

INVALID = 422
CONFLICT = 409
EVENTS = Event.objects.select_related("hub__programme", "hub__coordinator", "programme")
TOO_MANY = 429
# The guest page, per client address; and emails to any one address, per day.
JOIN_RATE_ADDRESS, JOIN_RATE_EMAIL = "10/h", "3/d"
JOIN_LIMITED = "Too many registrations from your connection. Please try again in an hour."
# Guesses at the venue's code, per registration.
CODE_RATE = "10/h"
CODE_LIMITED = "Too many wrong codes. Ask the organisers to confirm you are here."


def network_of(address: str) -> str:
    """The key the guest page throttles on: an IPv4 address, or an IPv6 address's /64 (one
    connection commonly holds a whole /64, so counting single IPv6 addresses limits no one)."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _code_tries_spent(request: Any, reg: Registration) -> bool:
    return is_ratelimited(
        request,
        group="events.venue_code",
        key=lambda group, r: str(reg.pk),
        rate=CODE_RATE,
        increment=True,
    )


def _event(request: Any, pk: int, perm: str = "events.view_event") -> Event:
    return get_for(request.user, EVENTS, perm=perm, pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def event_new(request: AuthedRequest, pk: int) -> HttpResponse:
    from joinedup.events.views_topics import HUBS

    hub = get_for(request.user, HUBS, perm="programmes.view_hub", pk=pk)
    if not runs_hub(request.user, hub, hub.programme_id):
        raise PermissionDenied
    topic = _topic_to_schedule(request, hub)
    if topic is not None and topic.status != TopicStatus.OPEN:
        messages.error(request, actions.NOT_OPEN)
        return redirect(topic)
    form = (
        EventForm(request.POST or None)
        if topic is None
        else EventForTopicForm(
            request.POST or None,
            initial={"title": topic.title, "purpose": topic.description},
            offers=topic.offers.select_related("organisation", "document"),
        )
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if topic is None:
            event = act(form, actions.event_create, by=request.user, hub=hub, **d)
        else:
            event = act(
                form, actions.event_create_for_topic, by=request.user, hub=hub, request=topic, **d
            )
        if event is not None:
            messages.success(
                request,
                "Event added."
                if topic is None
                else f"Event added, with “{topic.title}” as its first session. The "
                "organisations that asked are told.",
            )
            return redirect(event)
    return render(
        request,
        "events/event_new.html",
        {"hub": hub, "programme": hub.programme, "form": form, "topic": topic},
        status=INVALID if form.is_bound else 200,
    )


def _topic_to_schedule(request: Any, hub: Any) -> TopicRequest | None:
    """The topic request of `?topic=`, made into the new event's first session; a number that
    is not one of the hub's requests is a 404."""
    wanted = request.GET.get("topic", "")
    if not wanted:
        return None
    found = (
        TopicRequest.objects.filter(hub=hub, pk=int(wanted)).first()
        if wanted.isascii() and wanted.isdigit() and len(wanted) < 19
        else None
    )
    if found is None:
        raise Http404
    return found


def _my_registration(event: Event, user: Any) -> Registration | None:
    return (
        event.registrations.exclude(status=RegistrationStatus.CANCELLED).filter(user=user).first()
    )


@require_http_methods(["GET", "POST"])
@login_required
def event_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The event; by `do`: register, cancel, give the attendance code; and for those who run
    it: confirm someone's attendance, mark the event held."""
    event = _event(request, pk)
    runs = runs_hub(request.user, event.hub, event.programme_id)
    mine = _my_registration(event, request.user)
    do = request.POST.get("do", "")
    data = request.POST if request.method == "POST" else None
    orgs = Organisation.objects.filter(pk__in=acting_for(request.user))
    register_form = RegisterForm(data if do == "register" else None, organisations=orgs)
    code_form = CodeForm(data if do == "code" else None)
    door_form = DoorForm(data if do == "door" else None)
    if request.method == "POST":
        done: Any = None
        if do == "register":
            if register_form.is_valid():
                d = register_form.cleaned_data
                done = act(
                    register_form,
                    actions.registration_create,
                    by=request.user,
                    event=event,
                    user=request.user,
                    name=request.user.name,
                    email=request.user.email,
                    **d,
                )
        elif do == "cancel" and mine is not None:
            if _asks_first(request, mine):
                return _ask_cancel_place(request, mine, back=event.get_absolute_url())
            _cancel(request, mine)
            return redirect(event)
        elif do == "code" and mine is not None:
            if code_form.is_valid():
                if _code_tries_spent(request, mine):
                    code_form.add_error("code", CODE_LIMITED)
                else:
                    done = act(
                        code_form,
                        actions.attendance_confirm,
                        by=request.user,
                        registration=mine,
                        venue_code=code_form.cleaned_data["code"],
                    )
        elif do in ("confirm", "held", "door"):
            if not runs:
                raise PermissionDenied
            if do == "door":
                if door_form.is_valid():
                    done = act(
                        door_form,
                        actions.attendance_by_own_code,
                        by=request.user,
                        event=event,
                        code=door_form.cleaned_data["code"],
                    )
            elif do == "confirm":
                reg_id = request.POST.get("registration", "")
                reg = (
                    event.registrations.filter(pk=int(reg_id)).first()
                    if reg_id.isascii() and reg_id.isdigit() and len(reg_id) < 19
                    else None
                )
                if reg is None:
                    return HttpResponse("No such registration for this event.", status=400)
                done = _refused_as_message(
                    request, actions.attendance_confirm, by=request.user, registration=reg
                )
            else:
                done = _refused_as_message(
                    request, actions.event_held, by=request.user, event=event
                )
        else:
            return HttpResponse("Choose what to do.", status=400)
        if done is not None:
            messages.success(request, _done_message(do, done))
            return redirect(event)
    sessions = list(
        event.sessions.select_related("offer__organisation", "offer__document", "notes")
    )
    return render(
        request,
        "events/event.html",
        {
            "event": event,
            "hub": event.hub,
            "programme": event.programme,
            "sessions": sessions,
            "runs": runs,
            "mine": mine,
            "register_form": register_form,
            "code_form": code_form,
            "door_form": door_form,
            "open": event.registration_open(),
            "attendance_open": event.attendance_open(),
            "started": event.has_started(),
            "listed": queries.attendees_listed(event),
            "registrations": list(
                event.registrations.exclude(status=RegistrationStatus.PENDING).select_related(
                    "organisation"
                )
            )
            if runs
            else [],
            "attendance": queries.attendance_by_organisation(event),
            "feedback": queries.feedback_summary(event),
            "min_answers": queries.MIN_ANSWERS,
            "notes": Notes.objects.filter(event=event, session=None).first(),
            "answered": mine is not None and actions.answered_already(mine),
        },
        status=INVALID if request.method == "POST" else 200,
    )


def _done_message(do: str, done: Any) -> str:
    """What a step on the event's page did, said plainly."""
    if do == "register":
        if done.status == RegistrationStatus.REGISTERED:
            return "Registered: a place is yours. Your code is below and in your email."
        return "Registered on the waiting list: the event is full. You are told if a place frees."
    if do in ("door", "confirm"):
        return f"{done.name} is marked as here."
    return {
        "code": "Thank you: you are marked as here.",
        "held": "The event is marked as held, and attendees are asked for feedback.",
    }[do]


def _asks_first(request: Any, reg: Registration) -> bool:
    """Cancelling a place asks first, unless it is refused anyway (`_cancel` says why)."""
    planned = reg.event.status == EventStatus.PLANNED
    return planned and reg.attended_at is None and not is_confirmed(request)


def _ask_cancel_place(request: Any, reg: Registration, back: str) -> HttpResponse:
    """The question before a place (or a place on the waiting list) is given up."""
    event = reg.event
    when = f"{timezone.localtime(event.starts_at):%-d %B %Y}"
    happens = (
        [
            f"Your place at “{event.title}” on {when} will be given up, and go to the first "
            "person on the waiting list, if there is one.",
            "To come after all, you would register again, and have a place only if one is free.",
        ]
        if reg.status == RegistrationStatus.REGISTERED
        else [f"You will leave the waiting list for “{event.title}” on {when}."]
    )
    return confirm_page(
        request,
        title="Cancel your place?",
        happens=happens,
        button="Cancel my place",
        back=back,
        carry={"do": "cancel"},
    )


LISTED = {
    True: "Saved: your name is on the attendee list.",
    False: "Saved: your name is not on the attendee list.",
}


def _cancel(request: Any, reg: Registration) -> None:
    """Cancel `reg`, or say why not (attended, or the event is over) in a message."""
    from django.core.exceptions import ValidationError

    try:
        actions.registration_cancel(by=request.user if reg.user_id else None, registration=reg)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Your place is cancelled.")


def _refused_as_message(request: Any, func: Any, **kwargs: Any) -> Any:
    from django.core.exceptions import ValidationError

    try:
        return func(**kwargs)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return None


@require_http_methods(["GET", "POST"])
@login_required
def event_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Its organisers change a planned event; a new time or place is emailed to registrants."""
    event = _event(request, pk, perm="events.change_event")
    if event.status != EventStatus.PLANNED:
        messages.error(request, actions.NOT_PLANNED)
        return redirect(event)
    initial = {f: getattr(event, f) for f in actions.EDITABLE}
    for f in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        initial[f] = initial[f] and timezone.localtime(initial[f])
    form = EventEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = act(form, actions.event_update, by=request.user, event=event, **form.cleaned_data)
        if done is not None:
            messages.success(request, "Event changed.")
            return redirect(event)
    return render(
        request,
        "events/event_edit.html",
        {"event": event, "hub": event.hub, "programme": event.programme, "form": form},
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def event_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks first, and why; POST cancels the event and tells everyone registered or
    waiting, and the organisations whose topics were to be sessions, the reason."""
    event = _event(request, pk, perm="events.change_event")
    if event.status != EventStatus.PLANNED:
        return redirect(event)
    form = CancelEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if _refused_as_message(
            request, actions.event_cancel, by=request.user, event=event, reason=reason
        ):
            messages.success(request, "Event cancelled. Everyone told is given your reason.")
        return redirect(event)
    people = event.registrations.filter(
        status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)
    ).count()
    topics = TopicRequest.objects.filter(session__event=event, status=TopicStatus.SCHEDULED).count()
    happens = [
        f"“{event.title}” on {timezone.localtime(event.starts_at):%-d %B %Y at %H:%M} will be "
        "cancelled. A cancelled event cannot be planned again: to hold it later, add a new one.",
        "Nobody is registered or waiting, so nobody will be emailed."
        if not people
        else f"The {_people(people)} registered or waiting will be emailed, with your reason.",
    ]
    if topics:
        happens.append(
            f"The {topics} topic request{'s' if topics > 1 else ''} scheduled at it will go "
            "back to Open, and the organisations that asked will be told, with your reason."
        )
    return render(
        request,
        "events/event_cancel.html",
        {
            "event": event,
            "hub": event.hub,
            "programme": event.programme,
            "form": form,
            "happens": happens,
        },
        status=INVALID if form.is_bound else 200,
    )


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def _feedback_form(data: Any, event: Event, registration: Registration) -> FeedbackForm:
    """Organisations met at the event: those of the other attendees and the hub's projects."""
    others = (
        Membership.objects.current()
        .filter(partnership__programme_id=event.programme_id)
        .values("organisation_id")
    )
    return FeedbackForm(
        data,
        sessions=list(event.sessions.all()),
        organisations=Organisation.objects.filter(pk__in=others)
        .exclude(pk=registration.organisation_id or 0)
        .order_by("name"),
    )


def _give_feedback(request: Any, event: Event, reg: Registration) -> tuple[Any, bool]:
    form = _feedback_form(request.POST if request.method == "POST" else None, event, reg)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = act(
            form,
            actions.feedback_give,
            by=request.user,
            registration=reg,
            rating=d["rating"],
            do_differently=d["do_differently"],
            sessions=form.session_answers(),
            connected_with=d["connected_with"],
        )
        return form, done is not None
    return form, False


@require_http_methods(["GET", "POST"])
@login_required
def event_feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    """Anonymous feedback, from confirmed attendees only, once."""
    event = _event(request, pk)
    reg = (
        event.registrations.select_related("event")
        .filter(user=request.user, status=RegistrationStatus.REGISTERED)
        .exclude(attended_at=None)
        .first()
    )
    if reg is None or not actions.may_give_feedback(reg):
        raise PermissionDenied
    if actions.answered_already(reg):
        messages.info(request, actions.ANSWERED)
        return redirect(event)
    form, done = _give_feedback(request, event, reg)
    if done:
        messages.success(request, "Thank you. Your answers are anonymous.")
        return redirect(event)
    return render(
        request,
        "events/feedback.html",
        {"event": event, "hub": event.hub, "programme": event.programme, "form": form},
        status=INVALID if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def event_notes(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, perm="events.change_event")
    return _notes_page(request, event, None)


@require_http_methods(["GET", "POST"])
@login_required
def session_notes(request: AuthedRequest, pk: int, session: int) -> HttpResponse:
    """A session's notes and materials: the same rules and versions as the event's own."""
    event = _event(request, pk, perm="events.change_event")
    found = event.sessions.filter(pk=session).first()
    if found is None:
        raise Http404
    return _notes_page(request, event, found)


def _notes_page(request: AuthedRequest, event: Event, session: Session | None) -> HttpResponse:
    """Write the notes of `event` (or of one `session`); a save based on an older version is
    refused and shows the newer one, to merge and save again."""
    notes = Notes.objects.filter(event=event, session=session).first()
    initial = (
        {"text": notes.text, "materials": notes.materials, "version": notes.version}
        if notes
        else {}
    )
    form = NotesForm(request.POST or None, initial=initial)
    status = INVALID if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        if notes is not None:
            form.take_theirs({"text": notes.text, "materials": notes.materials})
        d = form.cleaned_data
        try:
            done = act(
                form,
                actions.notes_save,
                by=request.user,
                event=event,
                session=session,
                text=d["text"],
                materials=d["materials"],
                based_on=form.based_on(),
            )
        except Stale as stale:
            # Someone saved these notes since the form was filled in: theirs and yours, to merge.
            theirs = {"text": stale.obj.text, "materials": stale.obj.materials}
            form = merging(form, current=stale.current, theirs=theirs, make=NotesForm)
            done, status = None, CONFLICT
        if done is not None:
            messages.success(request, "Notes saved.")
            return redirect(event)
    return render(
        request,
        "events/notes.html",
        {
            "event": event,
            "session": session,
            "hub": event.hub,
            "programme": event.programme,
            "form": form,
            "revisions": list(notes.revisions.select_related("saved_by")) if notes else [],
        },
        status=status,
    )


@require_GET
@login_required
def event_ics(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    response = HttpResponse(feeds.calendar([event], event.title), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


# Invited guests: no account -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def event_join(request: Any, pk: int) -> HttpResponse:
    """An invited guest registers by email. Only events that invite guests have this page; it
    shows the event's title, time and place, nothing of who else comes — nor whether an address
    is registered: every valid request is answered the same way, by an email to the address
    (`actions.guest_register`). Throttled per client address, and per address emailed."""
    event = Event.objects.filter(pk=pk).exclude(invited=[]).first()
    if event is None or not event.invited:
        raise Http404
    form = GuestForm(request.POST or None, invited=event.invited)
    status = 200
    if request.method == "POST":
        status = INVALID
        if is_ratelimited(
            request,
            group="events.join.address",
            key=lambda group, r: network_of(address_of(r)),
            rate=JOIN_RATE_ADDRESS,
            increment=True,
        ):
            form.is_valid()
            form.add_error(None, JOIN_LIMITED)
            status = TOO_MANY
        elif form.is_valid():
            email = form.cleaned_data["email"].strip().lower()
            capped = is_ratelimited(
                request,
                group="events.join.email",
                key=lambda group, r: email,
                rate=JOIN_RATE_EMAIL,
                increment=True,
            )
            # Past the day's emails to this address, nothing is sent, and the page says the
            # same: it must not tell anyone about an address.
            done = (
                True
                if capped
                else act(form, actions.guest_register, event=event, **form.cleaned_data)
            )
            if done is not None:
                return redirect("event_join_sent", pk=event.pk)
    return render(
        request,
        "events/join.html",
        {"event": event, "form": form, "open": event.registration_open()},
        status=status,
    )


@require_GET
def event_join_sent(request: Any, pk: int) -> HttpResponse:
    event = Event.objects.filter(pk=pk).exclude(invited=[]).first()
    if event is None:
        raise Http404
    return render(request, "events/join_sent.html", {"event": event, "text": actions.LINK_SENT})


@require_http_methods(["GET", "POST"])
def registration_confirm(request: Any, signed: str) -> HttpResponse:
    """The emailed link: GET shows every detail to be confirmed — name, audience, access needs,
    expenses and the listing choice, which can be changed here (someone else may have typed
    them) — and asks (so a mail scanner that follows links confirms nothing); POST confirms
    and leads to the guest's registration."""
    reg = actions.pending_from_link(signed)
    if reg is None and (used := actions.confirmed_from_link(signed)) is not None:
        return render(
            request,
            "events/join_done.html",
            {"event": used.event, "reg": used, "link": actions.manage_link(used)},
        )
    if reg is None:
        return render(
            request, "events/join_expired.html", {"text": actions.LINK_EXPIRED}, status=404
        )
    event = reg.event
    form = ListingForm(
        request.POST if request.method == "POST" else None, initial={"listed": reg.listed}
    )
    if request.method == "POST" and form.is_valid():
        done = _refused_as_message(
            request, actions.guest_confirm, registration=reg, listed=form.cleaned_data["listed"]
        )
        if done is not None:
            return redirect(actions.manage_link(done))
    return render(
        request,
        "events/join_confirm.html",
        {"event": event, "reg": reg, "form": form, "open": event.registration_open()},
        status=INVALID if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def registration_manage(request: Any, signed: str) -> HttpResponse:
    """A guest's own registration behind its signed link: see it, choose whether their name is
    listed, cancel it, and give feedback once the event has been held and their attendance was
    confirmed. Guests are checked in by the organisers at the door (a venue code typed here is
    refused, saying so)."""
    pk = actions.registration_from_link(signed)
    reg = (
        Registration.objects.select_related("event")
        .filter(pk=pk, user__isnull=True)
        .exclude(status=RegistrationStatus.PENDING)
        .first()
        if pk
        else None
    )
    if reg is None:
        raise Http404
    event = reg.event
    do = request.POST.get("do", "")
    code_form = CodeForm(request.POST if do == "code" else None)
    details_form = GuestDetailsForm(
        request.POST if do == "details" else None, initial={"access_needs": reg.access_needs}
    )
    listing_form = ListingForm(
        request.POST if do == "listed" else None, initial={"listed": reg.listed}
    )
    feedback_form = None
    answered = actions.answered_already(reg)
    if request.method == "POST":
        if do == "cancel":
            if _asks_first(request, reg):
                return _ask_cancel_place(request, reg, back=request.path)
            _cancel(request, reg)
            return redirect(request.path)
        if (
            do == "listed"
            and listing_form.is_valid()
            and act(
                listing_form,
                actions.registration_listing,
                by=None,
                registration=reg,
                listed=listing_form.cleaned_data["listed"],
            )
        ):
            listed = listing_form.cleaned_data["listed"]
            messages.success(request, LISTED[listed])
            return redirect(request.path)
        if do == "details" and details_form.is_valid():
            d = details_form.cleaned_data
            if act(
                details_form,
                actions.registration_details,
                by=None,
                registration=reg,
                access_needs=d["access_needs"],
            ):
                messages.success(request, "Your access needs are saved: the organisers see them.")
                return redirect(request.path)
        if do == "code" and code_form.is_valid():
            if _code_tries_spent(request, reg):
                code_form.add_error("code", CODE_LIMITED)
            elif act(
                code_form,
                actions.attendance_confirm,
                by=None,
                registration=reg,
                venue_code=code_form.cleaned_data["code"],
            ):
                return redirect(request.path)
    reg.refresh_from_db()
    if actions.may_give_feedback(reg) and not answered:
        feedback_form, done = _give_feedback(request if do == "feedback" else _Get(), event, reg)
        if done:
            return redirect(request.path)
    return render(
        request,
        "events/manage.html",
        {
            "reg": reg,
            "event": event,
            "code_form": code_form,
            "details_form": details_form,
            "listing_form": listing_form,
            "feedback_form": feedback_form,
            "answered": answered,
        },
        status=INVALID if request.method == "POST" else 200,
    )


class _Get:
    method = "GET"
    POST = None
    user = None
