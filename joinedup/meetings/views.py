"""Pages for meetings: check access, validate, act, respond."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup.access import get_for, org_roles
from joinedup.confirm import confirm_page
from joinedup.decisions.models import Proposal
from joinedup.forms import act, merging
from joinedup.http import AuthedRequest
from joinedup.meetings import actions, queries
from joinedup.meetings.forms import (
    ActionForm,
    ActionStatusForm,
    AgendaItemForm,
    AttendanceForm,
    MeetingForm,
    MinutesForm,
    ReviewForm,
    SeriesForm,
)
from joinedup.meetings.models import (
    ActionPoint,
    ActionStatus,
    AgendaItem,
    Concern,
    Meeting,
    MeetingStatus,
    Series,
    Tier,
)
from joinedup.meetings.queries import unanswered
from joinedup.partnerships.models import ACTING_ORG_ROLES, Organisation, Partnership
from joinedup.versions import Stale

INVALID = 422
CONFLICT = 409
VIEW_SERIES, MANAGE_SERIES = "meetings.view_series", "meetings.change_series"
VIEW_MEETING, MANAGE_MEETING = "meetings.view_meeting", "meetings.change_meeting"
MANAGE = "partnerships.change_partnership"


def _partnership(
    request: AuthedRequest, pk: int, perm: str = "partnerships.view_partnership"
) -> Partnership:
    return get_for(request.user, Partnership, perm=perm, pk=pk)


def _series(request: AuthedRequest, pk: int, series_pk: int, perm: str = VIEW_SERIES) -> Series:
    return get_for(
        request.user,
        Series.objects.select_related("partnership", "with_organisation"),
        perm=perm,
        pk=series_pk,
        partnership_id=pk,
    )


def _meeting(request: AuthedRequest, pk: int, meeting_pk: int, perm: str = VIEW_MEETING) -> Meeting:
    return get_for(
        request.user,
        Meeting.objects.select_related("series", "series__partnership", "chair"),
        perm=perm,
        pk=meeting_pk,
        series__partnership_id=pk,
    )


def _visible_series(request: AuthedRequest, partnership: Partnership) -> list[Series]:
    every = partnership.meeting_series.select_related("partnership", "with_organisation")
    return [s for s in every if request.user.has_perm(VIEW_SERIES, s)]


def _visible_concerns(request: AuthedRequest, partnership: Partnership) -> list[Concern]:
    concerns = partnership.concerns.select_related("organisation", "partnership")
    return [c for c in concerns if request.user.has_perm("meetings.view_concern", c)]


@require_GET
@login_required
def meeting_list(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    series = _visible_series(request, partnership)
    health = queries.series_health(series)
    upcoming = (
        Meeting.objects.filter(series__in=series, starts_at__gte=timezone.now())
        .select_related("series", "chair")
        .order_by("starts_at")[:20]
    )
    concerns = _visible_concerns(request, partnership)
    reviews = list(partnership.communication_reviews.all()[:5])
    today = timezone.localdate()
    tiers = sorted({s.tier for s in series})
    rates = queries.attendance_rates(partnership.pk)
    members = partnership.memberships.current().select_related("organisation")
    attendance = [
        (m.organisation, [rates.get(m.organisation_id, {}).get(tier) for tier in tiers])
        for m in members.order_by("organisation__name")
        if m.organisation_id in rates
    ]
    return render(
        request,
        "meetings/list.html",
        {
            "partnership": partnership,
            "series": [(s, health[s.pk]) for s in series],
            "upcoming": upcoming,
            "concerns": [(c, unanswered(c, today)) for c in concerns if c.status != "resolved"][
                :10
            ],
            "reviews": reviews,
            "tiers": [Tier(t).label for t in tiers],
            "attendance": attendance,
            "review_due": not reviews or (today - reviews[0].held_on).days > 365,
            "manages": request.user.has_perm(MANAGE, partnership),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def series_new(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk, MANAGE)
    members = Organisation.objects.filter(
        pk__in=partnership.memberships.current().values("organisation_id")
    ).order_by("name")
    form = SeriesForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        series = act(
            form,
            actions.series_create,
            by=request.user,
            partnership=partnership,
            **form.cleaned_data,
        )
        if series is not None:
            messages.success(request, "Series added. Schedule its first meeting.")
            return redirect(series)
    return render(
        request,
        "meetings/form.html",
        {
            "partnership": partnership,
            "form": form,
            "title": "Add a meeting series",
            "button": "Add the series",
        },
        status=INVALID if form.is_bound else 200,
    )


@require_GET
@login_required
def series_detail(request: AuthedRequest, pk: int, series_pk: int) -> HttpResponse:
    series = _series(request, pk, series_pk)
    meetings = list(series.meetings.select_related("chair").order_by("-starts_at"))
    return render(
        request,
        "meetings/series.html",
        {
            "partnership": series.partnership,
            "series": series,
            "meetings": meetings,
            "health": queries.series_health([series])[series.pk],
            "invitees": queries.invitees(series),
            "next_chair": queries.next_chair(series),
            "chairs": [m for m in meetings if m.chair_id and m.status != MeetingStatus.CANCELLED],
            "manages": request.user.has_perm(MANAGE_SERIES, series),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_new(request: AuthedRequest, pk: int, series_pk: int) -> HttpResponse:
    series = _series(request, pk, series_pk, MANAGE_SERIES)
    invited = queries.invitees(series)
    form = MeetingForm(request.POST or None, invited=invited)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = act(
            form,
            actions.meeting_schedule,
            rename={"starts_at": "day", "ends_at": "ends"},
            by=request.user,
            series=series,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            purpose=data["purpose"],
            place=data["place"],
            online_link=data["online_link"],
            chair=data["chair"],
            chair_name=data["chair_name"],
            second_that_day=data["second_that_day"],
        )
        if meeting is not None:
            messages.success(request, "Meeting scheduled; the invitees have been told.")
            return redirect(meeting)
        form.ask_second_that_day()
    proposed = queries.next_chair(series)
    return render(
        request,
        "meetings/form.html",
        {
            "partnership": series.partnership,
            "form": form,
            "title": f"Schedule a meeting of {series.title}",
            "button": "Schedule the meeting",
            "note": f"The rotation proposes {proposed} to chair." if proposed else "",
        },
        status=INVALID if form.is_bound else 200,
    )


def _render_meeting(
    request: AuthedRequest, meeting: Meeting, status: int = 200, **forms: Any
) -> HttpResponse:
    series = meeting.series
    manages = request.user.has_perm(MANAGE_MEETING, meeting)
    invited = queries.invitees(series)
    attendance = {a.organisation_id: a for a in meeting.attendance.all()}
    open_form = not meeting.cancelled and manages
    started = meeting.starts_at <= timezone.now()  # attendance is recorded from then on
    roles = org_roles(request.user)
    # Urgent decisions this meeting is to ratify, by their agenda item.
    ratifying = {
        p.ratification_item_id: p
        for p in Proposal.objects.filter(ratification_item__meeting=meeting)
    }
    context = {
        "partnership": series.partnership,
        "series": series,
        "meeting": meeting,
        "agenda": [
            (item, ratifying.get(item.pk)) for item in meeting.agenda.select_related("owner")
        ],
        "register": [(o, attendance.get(o.pk)) for o in invited],
        "actions": [
            # the rule of meetings.change_actionpoint, without a query per action
            (a, manages or roles.get(a.owner_id) in ACTING_ORG_ROLES)
            for a in queries.actions_for(meeting)
        ],
        "manages": manages,
        "status_choices": ActionStatus.choices,
        "agenda_form": forms.get("agenda_form")
        or (AgendaItemForm(invited=invited, label="Owner") if open_form else None),
        "started": started,
        "attendance_form": forms.get("attendance_form")
        or (
            AttendanceForm(invited=invited, label="Organisation") if open_form and started else None
        ),
        "action_form": forms.get("action_form")
        or (ActionForm(invited=invited, label="Owner") if open_form else None),
        "minutes_form_errors": forms.get("minutes_form"),
    }
    return render(request, "meetings/meeting.html", context, status=status)


@require_GET
@login_required
def meeting_detail(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    return _render_meeting(request, _meeting(request, pk, meeting_pk))


@require_http_methods(["GET", "POST"])
@login_required
def meeting_edit(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk, MANAGE_MEETING)
    invited = queries.invitees(meeting.series)
    form = MeetingForm(
        request.POST or None,
        invited=invited,
        initial={**MeetingForm.initial_for(meeting), "version": meeting.version},
    )
    status = INVALID if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        form.take_theirs(MeetingForm.initial_for(meeting))
        data = form.cleaned_data
        try:
            done = act(
                form,
                actions.meeting_change,
                rename={"starts_at": "day", "ends_at": "ends"},
                by=request.user,
                meeting=meeting,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                purpose=data["purpose"],
                place=data["place"],
                online_link=data["online_link"],
                chair=data["chair"],
                chair_name=data["chair_name"],
                based_on=form.based_on(),
                second_that_day=data["second_that_day"],
            )
        except Stale as stale:
            # Someone changed the meeting since: theirs and yours, field by field, to merge.
            form = merging(
                form,
                current=stale.current,
                theirs=MeetingForm.initial_for(stale.obj),
                make=lambda data: MeetingForm(data, invited=invited),
            )
            done, status = None, CONFLICT
        if done is not None:
            messages.success(request, "Meeting changed; calendars will update.")
            return redirect(meeting)
        form.ask_second_that_day()
    return render(
        request,
        "meetings/form.html",
        {
            "partnership": meeting.series.partnership,
            "form": form,
            "title": f"Change {meeting}",
            "button": "Save the changes",
        },
        status=status,
    )


def _act_or_message(
    request: AuthedRequest, target: Meeting, func: Any, done: str, **kwargs: Any
) -> HttpResponse:
    try:
        func(by=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_meeting(request, target, status=INVALID)
    messages.success(request, done)
    return redirect(target)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_cancel(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """GET asks (a cancelled meeting stays cancelled); POST cancels and tells the invitees."""
    meeting = _meeting(request, pk, meeting_pk, MANAGE_MEETING)
    if request.method == "GET":
        if meeting.cancelled:
            return redirect(meeting)
        when = timezone.localtime(meeting.starts_at)
        return confirm_page(
            request,
            title=f"Cancel {meeting.series.title} on {when:%-d %B %Y}?",
            happens=[
                f"The meeting of {when:%-d %B %Y at %H:%M} is cancelled: every invited "
                "organisation is told, and calendars show it as cancelled.",
                "A cancelled meeting cannot be restored; schedule a new one instead.",
            ],
            button="Cancel the meeting",
            back=meeting.get_absolute_url(),
            partnership=meeting.series.partnership,
        )
    return _act_or_message(
        request, meeting, actions.meeting_cancel, "Meeting cancelled.", meeting=meeting
    )


@require_POST
@login_required
def agenda_circulate(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk, MANAGE_MEETING)
    return _act_or_message(
        request, meeting, actions.agenda_circulate, "Agenda agreed and circulated.", meeting=meeting
    )


@require_POST
@login_required
def agenda_add(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk, MANAGE_MEETING)
    form = AgendaItemForm(request.POST, invited=queries.invitees(meeting.series), label="Owner")
    if form.is_valid():
        data = form.cleaned_data
        if act(
            form,
            actions.agenda_item_add,
            rename={"owner": "organisation"},
            by=request.user,
            meeting=meeting,
            title=data["title"],
            owner=data["organisation"],
        ):
            messages.success(request, "Item added to the agenda.")
            return redirect(meeting)
    return _render_meeting(request, meeting, INVALID, agenda_form=form)


@require_POST
@login_required
def attendance_record(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk, MANAGE_MEETING)
    form = AttendanceForm(
        request.POST, invited=queries.invitees(meeting.series), label="Organisation"
    )
    if (
        form.is_valid()
        and act(
            form, actions.attendance_record, by=request.user, meeting=meeting, **form.cleaned_data
        )
        is not None
    ):
        messages.success(request, "Attendance recorded.")
        return redirect(meeting)
    return _render_meeting(request, meeting, INVALID, attendance_form=form)


@require_POST
@login_required
def minutes_record(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk, MANAGE_MEETING)
    form = MinutesForm(request.POST)
    if form.is_valid():
        item = AgendaItem.objects.filter(meeting=meeting, pk=form.cleaned_data["item"]).first()
        if item is None:
            form.add_error("item", "There is no such item on this agenda.")
        else:
            form.take_theirs({"minutes": item.minutes})
            try:
                done = act(
                    form,
                    actions.minutes_record,
                    by=request.user,
                    item=item,
                    minutes=form.cleaned_data["minutes"],
                    based_on=form.based_on(),
                )
            except Stale as stale:
                return _minutes_merge(request, meeting, form, stale)
            if done:
                messages.success(request, "Minutes saved.")
                return redirect(meeting)
    return _render_meeting(request, meeting, INVALID, minutes_form=form)


def _minutes_merge(
    request: AuthedRequest, meeting: Meeting, form: MinutesForm, stale: Stale
) -> HttpResponse:
    """Someone saved these minutes since the form was filled in: theirs and yours, to merge."""
    merged = merging(
        form, current=stale.current, theirs={"minutes": stale.obj.minutes}, make=MinutesForm
    )
    return render(
        request,
        "merge_page.html",
        {
            "form": merged,
            "title": f"Minutes of “{stale.obj.title}”",
            "action": request.path,
            "back": meeting.get_absolute_url(),
        },
        status=CONFLICT,
    )


@require_POST
@login_required
def action_add(request: AuthedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk, MANAGE_MEETING)
    form = ActionForm(request.POST, invited=queries.invitees(meeting.series), label="Owner")
    if form.is_valid():
        data = form.cleaned_data
        if act(
            form,
            actions.action_add,
            rename={"owner": "organisation"},
            by=request.user,
            meeting=meeting,
            description=data["description"],
            owner=data["organisation"],
            due_on=data["due_on"],
        ):
            messages.success(request, "Action added.")
            return redirect(meeting)
    return _render_meeting(request, meeting, INVALID, action_form=form)


@require_POST
@login_required
def action_status(request: AuthedRequest, pk: int, action_pk: int) -> HttpResponse:
    point = get_for(
        request.user,
        ActionPoint.objects.select_related("meeting__series__partnership", "owner"),
        perm="meetings.change_actionpoint",
        pk=action_pk,
        meeting__series__partnership_id=pk,
    )
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        actions.action_update(by=request.user, point=point, status=form.cleaned_data["status"])
        messages.success(request, "Action updated.")
        return redirect(point.meeting)
    messages.error(request, "Choose open, in progress or done.")
    return _render_meeting(request, point.meeting, INVALID)


@require_http_methods(["GET", "POST"])
@login_required
def communication_review(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    manages = request.user.has_perm(MANAGE, partnership)
    if request.method == "POST" and not manages:
        raise PermissionDenied
    form = ReviewForm(request.POST or None) if manages else None
    if (
        request.method == "POST"
        and form is not None
        and form.is_valid()
        and act(
            form,
            actions.review_record,
            by=request.user,
            partnership=partnership,
            **form.cleaned_data,
        )
        is not None
    ):
        messages.success(request, "Review recorded.")
        return redirect("communication_review", pk=partnership.pk)
    return render(
        request,
        "meetings/review.html",
        {
            "partnership": partnership,
            "reviews": partnership.communication_reviews.select_related("by"),
            "form": form,
        },
        status=INVALID if form is not None and form.is_bound else 200,
    )
