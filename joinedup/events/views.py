"""An event's pages: making one, its page (register, attend, run it), guests' pages,
feedback, notes and its calendar entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import acting_for, get_for
from joinedup.events import actions, feeds, queries
from joinedup.events.forms import (
    CodeForm,
    EventForm,
    FeedbackForm,
    GuestForm,
    NotesForm,
    RegisterForm,
)
from joinedup.events.models import (
    Event,
    EventStatus,
    FeedbackGiven,
    Notes,
    Registration,
    RegistrationStatus,
    Session,
)
from joinedup.events.rules import runs_hub
from joinedup.forms import act, merging
from joinedup.http import AuthedRequest
from joinedup.partnerships.models import Membership, Organisation
from joinedup.versions import Stale

INVALID = 422
CONFLICT = 409
EVENTS = Event.objects.select_related("hub__programme", "hub__coordinator", "programme")


def _event(request: Any, pk: int, perm: str = "events.view_event") -> Event:
    return get_for(request.user, EVENTS, perm=perm, pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def event_new(request: AuthedRequest, pk: int) -> HttpResponse:
    from joinedup.events.views_topics import HUBS

    hub = get_for(request.user, HUBS, perm="programmes.view_hub", pk=pk)
    if not runs_hub(request.user, hub, hub.programme_id):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        event = act(form, actions.event_create, by=request.user, hub=hub, **d)
        if event is not None:
            messages.success(request, "Event added.")
            return redirect(event)
    return render(
        request,
        "events/event_new.html",
        {"hub": hub, "programme": hub.programme, "form": form},
        status=INVALID if form.is_bound else 200,
    )


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
            actions.registration_cancel(by=request.user, registration=mine)
            done = True
        elif do == "code" and mine is not None:
            if code_form.is_valid():
                done = act(
                    code_form,
                    actions.attendance_confirm,
                    by=request.user,
                    registration=mine,
                    code=code_form.cleaned_data["code"],
                )
        elif do in ("confirm", "held", "cancel-event"):
            if not runs:
                raise PermissionDenied
            if do == "confirm":
                reg_id = request.POST.get("registration", "")
                reg = (
                    event.registrations.filter(pk=int(reg_id)).first()
                    if reg_id.isdigit() and len(reg_id) < 19
                    else None
                )
                if reg is None:
                    return HttpResponse("No such registration for this event.", status=400)
                done = _refused_as_message(
                    request, actions.attendance_confirm, by=request.user, registration=reg
                )
            elif do == "held":
                done = _refused_as_message(
                    request, actions.event_held, by=request.user, event=event
                )
            else:
                done = _refused_as_message(
                    request, actions.event_cancel, by=request.user, event=event
                )
        else:
            return HttpResponse("Choose what to do.", status=400)
        if done is not None:
            messages.success(request, "Saved.")
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
            "open": event.registration_open(),
            "listed": queries.attendees_listed(event),
            "registrations": list(event.registrations.select_related("organisation"))
            if runs
            else [],
            "attendance": queries.attendance_by_organisation(event),
            "feedback": queries.feedback_summary(event),
            "min_answers": queries.MIN_ANSWERS,
            "notes": Notes.objects.filter(event=event, session=None).first(),
            "answered": mine is not None
            and FeedbackGiven.objects.filter(registration=mine).exists(),
        },
        status=INVALID if request.method == "POST" else 200,
    )


def _refused_as_message(request: Any, func: Any, **kwargs: Any) -> Any:
    from django.core.exceptions import ValidationError

    try:
        return func(**kwargs)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return None


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
    reg = event.registrations.filter(user=request.user, attended_at__isnull=False).first()
    if reg is None or event.status != EventStatus.HELD:
        raise PermissionDenied
    if FeedbackGiven.objects.filter(registration=reg).exists():
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
    shows the event's title, time and place, nothing of who else comes."""
    event = Event.objects.filter(pk=pk).exclude(invited=[]).first()
    if event is None or not event.invited:
        raise Http404
    form = GuestForm(request.POST or None, invited=event.invited)
    if request.method == "POST" and form.is_valid():
        reg = act(form, actions.registration_create, by=None, event=event, **form.cleaned_data)
        if reg is not None:
            return redirect(actions.manage_link(reg))
    return render(
        request,
        "events/join.html",
        {"event": event, "form": form, "open": event.registration_open()},
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def registration_manage(request: Any, signed: str) -> HttpResponse:
    """A guest's own registration behind its signed link: see it, cancel it, confirm attendance
    with the code, and give feedback once the event has been held."""
    pk = actions.registration_from_link(signed)
    reg = (
        Registration.objects.select_related("event").filter(pk=pk, user__isnull=True).first()
        if pk
        else None
    )
    if reg is None:
        raise Http404
    event = reg.event
    do = request.POST.get("do", "")
    code_form = CodeForm(request.POST if do == "code" else None)
    feedback_form = None
    answered = FeedbackGiven.objects.filter(registration=reg).exists()
    if request.method == "POST":
        if do == "cancel":
            actions.registration_cancel(by=None, registration=reg)
            return redirect(request.path)
        if (
            do == "code"
            and code_form.is_valid()
            and act(
                code_form,
                actions.attendance_confirm,
                by=None,
                registration=reg,
                code=code_form.cleaned_data["code"],
            )
        ):
            return redirect(request.path)
    reg.refresh_from_db()
    if event.status == EventStatus.HELD and reg.attended_at and not answered:
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
            "feedback_form": feedback_form,
            "answered": answered,
        },
        status=INVALID if request.method == "POST" else 200,
    )


class _Get:
    method = "GET"
    POST = None
    user = None
