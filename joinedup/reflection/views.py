"""Pages for reflective practice, action learning sets and handover: check, validate, act,
respond."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import acting_for, get_for, org_roles, standing
from joinedup.accounts.models import User
from joinedup.events.models import Event
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.meetings.models import Meeting
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation, Partnership
from joinedup.referrals.models import Referral
from joinedup.reflection import actions, forms, queries
from joinedup.reflection.models import (
    TEMPLATES,
    Handover,
    HandoverReason,
    LearningSet,
    Reflection,
    SetJoinRequest,
    SetMember,
    Template,
)

INVALID = 422
VIEW_P = "partnerships.view_partnership"


def _acted(form: Any, action: Any, /, **kwargs: Any) -> bool:
    return act(form, action, **kwargs) is not None


def _partnership(request: AuthedRequest, pk: int) -> Partnership:
    return get_for(request.user, Partnership, perm=VIEW_P, pk=pk)


def _my_member_orgs(request: AuthedRequest, partnership: Partnership) -> Any:
    return Organisation.objects.filter(
        pk__in=partnership.memberships.current()
        .filter(organisation_id__in=acting_for(request.user))
        .values("organisation_id")
    ).order_by("name")


@require_GET
@login_required
def practice(request: AuthedRequest, pk: int) -> HttpResponse:
    """A partnership's reflective practice: the reflections you may read, its action learning
    sets, and for the lead's managers the handovers not yet confirmed."""
    partnership = _partnership(request, pk)
    reflections = list(
        queries.reflections_visible_to(request.user)
        .filter(partnership=partnership)
        .select_related("writer", "organisation")[:100]
    )
    sets = list(
        partnership.learning_sets.prefetch_related(
            Prefetch("members", queryset=SetMember.objects.select_related("organisation"))
        )
    )
    handovers = (
        list(queries.open_handovers_of_partnership(partnership.pk))
        if standing(request.user, partnership).manages
        else None
    )
    return render(
        request,
        "reflection/practice.html",
        {
            "partnership": partnership,
            "tab": "reflection",
            "reflections": reflections,
            "sets": sets,
            "handovers": handovers,
            "can_write": bool(acting_for(request.user))
            and _my_member_orgs(request, partnership).exists(),
            "pick": forms.TemplateChoiceForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def reflection_new(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    organisations = _my_member_orgs(request, partnership)
    if not organisations.exists():
        raise PermissionDenied
    template = request.GET.get("template", Template.GIBBS)
    if template not in TEMPLATES:
        template = Template.GIBBS
    mine = acting_for(request.user)
    form = forms.ReflectionForm(
        request.POST or None,
        template=template,
        organisations=organisations,
        # The latest 50 of each, as querysets a choice can be checked against (a sliced one
        # cannot be filtered, so every choice would be refused).
        meetings=Meeting.objects.filter(
            pk__in=Meeting.objects.filter(
                series__partnership=partnership, starts_at__lte=timezone.now()
            )
            .order_by("-starts_at")
            .values("pk")[:50]
        )
        .select_related("series")
        .order_by("-starts_at"),
        referrals=Referral.objects.filter(
            pk__in=Referral.objects.filter(partnership=partnership)
            .filter(Q(from_org_id__in=mine) | Q(to_org_id__in=mine))
            .order_by("-created_at")
            .values("pk")[:50]
        ).order_by("-created_at"),
        events=Event.objects.filter(
            pk__in=queries.events_to_reflect_on(partnership, organisations).values("pk")[:50]
        ).order_by("-starts_at", "-pk"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reflection = act(
            form,
            actions.reflection_write,
            by=request.user,
            partnership=partnership,
            organisation=data["organisation"],
            title=data["title"],
            template=template,
            answers=form.answers(),
            sharing=data["sharing"],
            meeting=data["meeting"],
            referral=data["referral"],
            event=data["event"],
        )
        if reflection is not None:
            messages.success(request, "Your reflection is saved.")
            return redirect("reflection", reflection.pk)
    status = INVALID if request.method == "POST" else 200
    return render(
        request,
        "reflection/reflection_form.html",
        {
            "partnership": partnership,
            "tab": "reflection",
            "form": form,
            "template_name": TEMPLATES[template][0],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def reflection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    reflection = get_for(
        request.user,
        Reflection.objects.select_related(
            "partnership", "writer", "organisation", "meeting", "event"
        ),
        perm="reflection.view_reflection",
        pk=pk,
    )
    writer = reflection.writer_id == request.user.pk
    form = forms.SharingForm(request.POST or None, initial={"sharing": reflection.sharing})
    if request.method == "POST":
        if not writer:
            raise PermissionDenied
        if form.is_valid():
            done = act(
                form,
                actions.reflection_update,
                by=request.user,
                reflection=reflection,
                title=reflection.title,
                answers=reflection.answers,
                sharing=form.cleaned_data["sharing"],
            )
            if done is not None:
                messages.success(request, "Who can read it is changed.")
                return redirect("reflection", reflection.pk)
    return render(
        request,
        "reflection/reflection.html",
        {
            "partnership": reflection.partnership,
            "tab": "reflection",
            "reflection": reflection,
            "writer": writer,
            "form": form if writer else None,
        },
        status=INVALID if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def set_new(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    organisations = _my_member_orgs(request, partnership)
    if not organisations.exists():
        raise PermissionDenied
    form = forms.LearningSetForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        learning_set = act(
            form,
            actions.learning_set_create,
            by=request.user,
            partnership=partnership,
            **form.cleaned_data,
        )
        if learning_set is not None:
            return redirect("learning_set", learning_set.pk)
    return render(
        request,
        "reflection/form.html",
        {
            "partnership": partnership,
            "tab": "reflection",
            "form": form,
            "title": "Start an action learning set",
            "button": "Start the set",
        },
        status=INVALID if request.method == "POST" else 200,
    )


def _join_request(learning_set: LearningSet, raw: str) -> SetJoinRequest:
    from django.http import Http404

    found = (
        learning_set.join_requests.filter(pk=int(raw)).first()
        if raw.isascii() and raw.isdigit() and len(raw) < 19
        else None
    )
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
@login_required
def set_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A set: its agreement, members, sessions (notes for members only) and next date."""
    learning_set = get_for(
        request.user,
        LearningSet.objects.select_related("partnership").prefetch_related(
            Prefetch("members", queryset=SetMember.objects.select_related("user", "organisation"))
        ),
        perm="reflection.view_learningset",
        pk=pk,
    )
    partnership = learning_set.partnership
    member = request.user.has_perm("reflection.change_learningset", learning_set)
    deciding = actions.can_decide(request.user, learning_set)
    asking = list(
        learning_set.join_requests.filter(status=SetJoinRequest.Status.PENDING).select_related(
            "user", "organisation"
        )
    )
    mine = next((r for r in asking if r.user_id == request.user.pk), None)
    declined = None if member or mine else actions.declined_recently(learning_set, request.user)
    organisations = _my_member_orgs(request, partnership)
    join = forms.JoinForm(organisations=organisations)
    session = forms.SessionForm(
        members=User.objects.filter(pk__in=[m.user_id for m in learning_set.members.all()])
    )
    status = 200
    if request.method == "POST":
        if request.POST.get("do") == "join":
            join = forms.JoinForm(request.POST, organisations=organisations)
            if join.is_valid() and _acted(
                join,
                actions.learning_set_join,
                by=request.user,
                learning_set=learning_set,
                organisation=join.cleaned_data["organisation"],
                accept=join.cleaned_data["accept"],
            ):
                messages.success(
                    request, "Your request is sent: a member of the set will answer it."
                )
                return redirect("learning_set", learning_set.pk)
        elif request.POST.get("do") in ("approve", "decline"):
            if not deciding:
                raise PermissionDenied
            asked = _join_request(learning_set, request.POST.get("request", ""))
            try:
                actions.learning_set_decide(
                    by=request.user,
                    join_request=asked,
                    approve=request.POST["do"] == "approve",
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                approved = request.POST["do"] == "approve"
                messages.success(
                    request,
                    f"{asked.user.name} ({asked.organisation.name}) "
                    + (
                        "has joined the set and can now read and add to it"
                        if approved
                        else "was declined and has not joined the set"
                    )
                    + ". They have been told.",
                )
            return redirect("learning_set", learning_set.pk)
        else:
            if not member:
                raise PermissionDenied
            session = forms.SessionForm(request.POST, members=session.fields["attended"].queryset)  # type: ignore[attr-defined]
            if session.is_valid() and _acted(
                session,
                actions.set_session_record,
                by=request.user,
                learning_set=learning_set,
                **session.cleaned_data,
            ):
                messages.success(request, "The session is recorded.")
                return redirect("learning_set", learning_set.pk)
        status = INVALID
    sessions = list(
        learning_set.sessions.prefetch_related(
            Prefetch("attended", queryset=User.objects.order_by("name"))
        )
    )
    last = sessions[0].held_on if sessions else None
    return render(
        request,
        "reflection/set.html",
        {
            "partnership": partnership,
            "tab": "reflection",
            "set": learning_set,
            "member": member,
            "sessions": sessions,
            "next_between": learning_set.next_between(last),
            "join": join
            if not member and mine is None and declined is None and organisations.exists()
            else None,
            "asked": mine,
            "declined": actions.declined_text(declined) if declined else "",
            "asking": asking if deciding else [],
            "session_form": session if member else None,
        },
        status=status,
    )


# Handover ------------------------------------------------------------------------------------


def _managed(request: AuthedRequest) -> list[int]:
    return [o for o, r in org_roles(request.user).items() if r in MANAGING_ORG_ROLES]


@require_http_methods(["GET", "POST"])
@login_required
def handover_list(request: AuthedRequest) -> HttpResponse:
    """Your handovers (given, received, or of your organisations' people); managers start one
    for someone about to leave."""
    managed = _managed(request)
    people = User.objects.filter(affiliations__organisation_id__in=managed).distinct()
    start = forms.StartHandoverForm(request.POST or None, people=people.order_by("name"))
    if request.method == "POST":
        if not managed:
            raise PermissionDenied
        if start.is_valid():
            leaver = start.cleaned_data["leaver"]
            organisation = Organisation.objects.filter(
                pk__in=managed, affiliations__user=leaver
            ).first()
            handover = act(
                start,
                actions.handover_start,
                by=request.user,
                leaver=leaver,
                organisation=organisation,
                reason=HandoverReason.LEFT,
            )
            if handover is not None:
                return redirect("handover", handover.pk)
    handovers = list(
        queries.handovers_visible_to(request.user).select_related(
            "leaver", "successor", "organisation", "partnership"
        )[:200]
    )
    return render(
        request,
        "reflection/handovers.html",
        {"handovers": handovers, "start": start if managed else None},
        status=INVALID if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def handover_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    handover = get_for(
        request.user,
        Handover.objects.select_related("leaver", "successor", "organisation", "partnership"),
        perm="reflection.view_handover",
        pk=pk,
    )
    can_write = request.user.has_perm("reflection.change_handover", handover)
    can_confirm = request.user.has_perm("reflection.confirm_handover", handover)
    people = (
        User.objects.filter(affiliations__organisation=handover.organisation)
        .exclude(pk=handover.leaver_id)
        .order_by("name")
    )
    notes = forms.HandoverNotesForm(
        initial={"leaver_notes": handover.leaver_notes, "successor": handover.successor},
        people=people,
    )
    ask = forms.QuestionForm()
    status = 200
    if request.method == "POST":
        do = request.POST.get("do")
        if do == "notes":
            if not can_write:
                raise PermissionDenied
            notes = forms.HandoverNotesForm(request.POST, people=people)
            if notes.is_valid() and _acted(
                notes,
                actions.handover_update,
                by=request.user,
                handover=handover,
                leaver_notes=notes.cleaned_data["leaver_notes"],
                successor=notes.cleaned_data["successor"],
            ):
                messages.success(request, "The handover is saved.")
                return redirect("handover", handover.pk)
        elif do == "ask":
            ask = forms.QuestionForm(request.POST)
            if ask.is_valid() and _acted(
                ask,
                actions.handover_ask,
                by=request.user,
                handover=handover,
                text=ask.cleaned_data["text"],
            ):
                return redirect("handover", handover.pk)
        elif do == "confirm":
            if not can_confirm:
                raise PermissionDenied
            try:
                actions.handover_confirm(by=request.user, handover=handover)
            except ValidationError as error:  # nothing saved: say why
                messages.error(request, " ".join(error.messages))
                return redirect("handover", handover.pk)
            messages.success(request, "Handover confirmed: the contacts and actions are yours.")
            return redirect("handover", handover.pk)
        status = INVALID
    return render(
        request,
        "reflection/handover.html",
        {
            "handover": handover,
            "prefill": handover.prefill,
            "items_moved": handover.items.filter(moved=True).count(),
            "questions": list(handover.questions.select_related("author")),
            "notes": notes if can_write else None,
            "ask": ask if handover.is_open else None,
            "can_confirm": can_confirm,
        },
        status=status,
    )
