"""Referral pages: a referral with its timeline and thread, the receiver's and referrer's steps,
and passing it on. Making a referral is in `views_refer`.

What a referral shares is decided by `sharing.offers` and enforced by the actions: a crafted
post cannot send a field the page did not offer (422, naming the field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup.access import acts_for, get_for, may
from joinedup.confirm import confirm_page, is_confirmed
from joinedup.directory.models import Service
from joinedup.directory.queries import viewer
from joinedup.directory.search import Criteria, find
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.lib.needs import NEEDS
from joinedup.referrals import actions
from joinedup.referrals.finder import FOUND, services_for
from joinedup.referrals.forms import (
    CloseForm,
    CompleteForm,
    DeclineForm,
    FindServiceForm,
    MessageForm,
    NoteForm,
    PassOnForm,
    field_label,
)
from joinedup.referrals.models import (
    OPEN,
    WAITING,
    AccessKind,
    Referral,
    Status,
)
from joinedup.referrals.privacy import log_access
from joinedup.referrals.rules import sees_details
from joinedup.referrals.wording import day, shown

INVALID = 422


def _found(user: Any, form: FindServiceForm, services: QuerySet[Service]) -> list[Service]:
    if not form.searched():
        return []
    data = form.cleaned_data
    criteria = Criteria(
        needs=tuple(term.pk for term in data["needs"]), words=data["words"], area=data["area"]
    )
    return list(
        find(
            services.prefetch_related("organization__organisation"),
            criteria,
            locations=viewer(user).locations(),
            now=timezone.localtime(),
        )[:FOUND]
    )


def _referral(request: AuthedRequest, pk: int, perm: str = "referrals.view_referral") -> Referral:
    return get_for(
        request.user,
        Referral.objects.select_related(
            "person__organisation",
            "consent",
            "from_org",
            "to_org",
            "service",
            "partnership",
            "passed_from",
        ),
        perm=perm,
        pk=pk,
    )


def why_hidden(referral: Referral) -> str:
    """Why someone on the referral does not see the person's details."""
    erased = referral.erased_at or referral.person.erased_at
    if erased is not None:
        return (
            f"The person's data was erased on {day(erased)}. What remains says nothing about "
            "who they are."
        )
    if referral.consent.withdrawn_at is not None:
        return (
            f"The person withdrew their consent on {day(referral.consent.withdrawn_at)}: their "
            "details are no longer shown."
        )
    if referral.status == Status.WITHDRAWN:
        return (
            f"{referral.from_org} withdrew this referral: the person's details are no longer shown."
        )
    return (
        f"The person's consent ended on {day(referral.consent.expires_on)}: their details are "
        "no longer shown."
    )


STEPS: dict[str, tuple[str, type[forms.Form] | None, Any, str]] = {
    "accept": ("referrals.receive", NoteForm, actions.referral_accept, "Accepted."),
    "decline": ("referrals.receive", DeclineForm, actions.referral_decline, "Declined."),
    "start": ("referrals.receive", None, actions.referral_start, "Support started."),
    "complete": ("referrals.receive", CompleteForm, actions.referral_complete, "Completed."),
    "close": ("referrals.receive", CloseForm, actions.referral_close, "Closed."),
    "send": ("referrals.refer", None, actions.referral_send, "Sent."),
    "withdraw": ("referrals.refer", NoteForm, actions.referral_withdraw, "Withdrawn."),
}
STEP_LABELS = {
    "accept": "Accept",
    "decline": "Decline",
    "start": "Start the support",
    "complete": "Complete",
    "close": "Close",
    "send": "Send",
    "withdraw": "Withdraw",
}
RECEIVER_STEPS = {
    Status.SENT: ["accept", "decline"],
    Status.SEEN: ["accept", "decline"],
    Status.ACCEPTED: ["start", "complete", "close"],
    Status.IN_PROGRESS: ["complete", "close"],
}


def _steps(request: AuthedRequest, referral: Referral) -> list[str]:
    steps: list[str] = []
    if may(request.user, "referrals.receive", referral):
        steps += RECEIVER_STEPS.get(Status(referral.status), [])
    if may(request.user, "referrals.refer", referral):
        if referral.status == Status.DRAFT:
            steps.append("send")
        if referral.status in OPEN:
            steps.append("withdraw")
    return steps


def _render_referral(
    request: AuthedRequest,
    referral: Referral,
    *,
    bound: dict[str, forms.Form] | None = None,
    problem: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    details = sees_details(user, referral)
    person = referral.person
    shared: list[tuple[str, str]] = []
    if details:
        side = referral.from_org_id if acts_for(user, referral.from_org_id) else referral.to_org_id
        log_access(
            by=user,
            kind=AccessKind.VIEW,
            person=person,
            referral=referral,
            acting_for=side,
            record=str(referral),
            purpose="Read the referral",
        )
        shared = [(field_label(f), shown(person, f)) for f in referral.fields]
    bound = bound or {}
    step_forms = []
    for step in _steps(request, referral):
        form_class = STEPS[step][1]
        form = bound.get(step) or (form_class(auto_id=f"{step}-%s") if form_class else None)
        step_forms.append((step, form, STEP_LABELS[step]))
    receives = may(user, "referrals.receive", referral)
    return render(
        request,
        "referrals/referral.html",
        {
            "referral": referral,
            "details": details,
            "need": NEEDS.get(referral.need, referral.need),
            "shared": shared,
            "why_hidden": "" if details else why_hidden(referral),
            "events": referral.events.select_related("by", "organisation"),
            "thread": referral.messages.select_related("organisation", "author") if details else [],
            "message_form": (bound.get("message") or MessageForm()) if details else None,
            "steps": step_forms,
            "may_pass_on": receives and referral.status in (*WAITING, Status.ACCEPTED),
            "problem": problem,
            "holder_sees": acts_for(user, person.organisation_id) and person.erased_at is None,
        },
        status=status,
    )


@require_GET
@login_required
def referral_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = _referral(request, pk)
    if referral.status == Status.SENT and may(request.user, "referrals.receive", referral):
        seen = actions.referral_see(referral=referral, by=request.user)
        referral.status, referral.seen_at = seen.status, seen.seen_at
    return _render_referral(request, referral)


@require_POST
@login_required
def referral_step(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    perm, form_class, action, said = STEPS[step]
    referral = _referral(request, pk, perm)
    form = (form_class or forms.Form)(request.POST, auto_id=f"{step}-%s")
    if step == "withdraw" and form.is_valid() and not is_confirmed(request):
        # Withdrawing cannot be undone: say what it does and ask, carrying the note.
        return confirm_page(
            request,
            title=f"Withdraw the referral to {referral.to_org}?",
            happens=[
                f"{referral.to_org} is told, and no longer sees the person's details; the "
                "referral stays in the record as withdrawn.",
                "To refer the person again, make a new referral.",
            ],
            button="Withdraw the referral",
            back=referral.get_absolute_url(),
            carry=form.cleaned_data,
        )
    if form.is_valid():
        done = act(form, action, referral=referral, by=request.user, **form.cleaned_data)
        if done is not None:
            messages.success(request, said)
            return redirect(referral)
    referral.refresh_from_db()
    return _render_referral(request, referral, bound={step: form}, problem=form, status=INVALID)


@require_POST
@login_required
def referral_message(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = _referral(request, pk, "referrals.message")
    if not sees_details(request.user, referral):
        raise PermissionDenied
    form = MessageForm(request.POST)
    if form.is_valid():
        done = act(
            form, actions.message_post, referral=referral, by=request.user, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, "Message sent.")
            return redirect(referral.get_absolute_url() + "#messages")
    return _render_referral(
        request, referral, bound={"message": form}, problem=form, status=INVALID
    )


@require_http_methods(["GET", "POST"])
@login_required
def referral_pass_on(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = _referral(request, pk, "referrals.receive")
    services = services_for(
        request.user, referral.to_org_id, [referral.partnership_id]
    ).select_related("organization__organisation")
    finder = FindServiceForm(request.GET or None)
    form = PassOnForm(
        request.POST or None, services=services, shared=referral.fields, consent=referral.consent
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        onward = act(
            form,
            actions.referral_pass_on,
            rename={"fields": "share"},
            referral=referral,
            by=request.user,
            service=data["service"],
            fields=data["share"],
            summary=data["summary"],
        )
        if onward is not None:
            messages.success(request, f"Passed on to {onward.to_org}.")
            return redirect(onward)
    found = _found(request.user, finder, services) if finder.is_bound and finder.is_valid() else []
    return render(
        request,
        "referrals/pass_on.html",
        {
            "referral": referral,
            "finder": finder,
            "form": form,
            "found": found,
            "searched": finder.is_bound and finder.is_valid() and finder.searched(),
            "shared": [(f, field_label(f)) for f in referral.fields],
            "ticked": request.POST.getlist("share") if form.is_bound else referral.fields,
            "query": request.GET.urlencode(),
        },
        status=INVALID if form.is_bound or (finder.is_bound and not finder.is_valid()) else 200,
    )
