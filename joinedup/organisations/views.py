"""An organisation's people pages, for its own admins: who belongs and in what role, invite a
person, change a role, remove someone. Anyone who cannot see the organisation gets 404; anyone
who can but is not its admin (its managers and staff, a partnership lead, a superuser) 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from joinedup.access import get_for
from joinedup.accounts import actions as account_actions
from joinedup.accounts.models import User, hash_token
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.organisations import actions
from joinedup.organisations.forms import PersonInviteForm, RemoveForm, RoleForm
from joinedup.organisations.models import (
    PastAffiliation,
    PersonInvitation,
    PersonInvitationStatus,
)
from joinedup.partnerships.forms import RegisterForm
from joinedup.partnerships.models import Affiliation, Invitation, InvitationStatus, Organisation

INVALID = 422


def _run_by(request: AuthedRequest, pk: int) -> Organisation:
    organisation = get_for(request.user, Organisation, perm="partnerships.view_organisation", pk=pk)
    if not actions.is_admin(request.user, organisation):
        raise PermissionDenied
    return organisation


def _affiliation(request: AuthedRequest, pk: int, affiliation_pk: int) -> Affiliation:
    organisation = _run_by(request, pk)
    return get_object_or_404(
        Affiliation.objects.select_related("user", "organisation"),
        pk=affiliation_pk,
        organisation=organisation,
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_people(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = _run_by(request, pk)
    form = PersonInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            form,
            actions.person_invite,
            by=request.user,
            organisation=organisation,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, f"Invitation sent to {done[0].email}.")
            return redirect("organisation_people", pk=organisation.pk)
    people = organisation.affiliations.select_related("user").order_by("user__name", "pk")
    pending = organisation.person_invitations.filter(status=PersonInvitationStatus.PENDING)
    past = PastAffiliation.objects.filter(organisation=organisation).select_related(
        "user", "ended_by"
    )[:100]
    partnership_invitations = Invitation.objects.filter(
        organisation=organisation, status=InvitationStatus.PENDING
    ).select_related("partnership")
    return render(
        request,
        "organisations/people.html",
        {
            "organisation": organisation,
            "people": people,
            "pending": [i for i in pending if i.is_open],
            "past": past,
            "partnership_invitations": partnership_invitations,
            "form": form,
        },
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_change(request: AuthedRequest, pk: int, affiliation_pk: int) -> HttpResponse:
    affiliation = _affiliation(request, pk, affiliation_pk)
    form = RoleForm(
        request.POST or None,
        initial={"role": affiliation.role, "job_title": affiliation.job_title},
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            form,
            actions.affiliation_set,
            by=request.user,
            user=affiliation.user,
            organisation=affiliation.organisation,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(
                request, f"{affiliation.user} is now {done.get_role_display().lower()}."
            )
            return redirect("organisation_people", pk=pk)
    return render(
        request,
        "organisations/person_change.html",
        {"affiliation": affiliation, "organisation": affiliation.organisation, "form": form},
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_remove(request: AuthedRequest, pk: int, affiliation_pk: int) -> HttpResponse:
    affiliation = _affiliation(request, pk, affiliation_pk)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            form,
            actions.affiliation_end,
            by=request.user,
            affiliation=affiliation,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(
                request, f"{affiliation.user} no longer belongs to {affiliation.organisation}."
            )
            return redirect("organisation_people", pk=pk)
    return render(
        request,
        "organisations/person_remove.html",
        {"affiliation": affiliation, "organisation": affiliation.organisation, "form": form},
        status=INVALID if form.is_bound else 200,
    )


@require_POST
@login_required
def person_invitation_withdraw(request: AuthedRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organisation = _run_by(request, pk)
    invitation = get_object_or_404(PersonInvitation, pk=invitation_pk, organisation=organisation)
    try:
        actions.person_invitation_withdraw(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("organisation_people", pk=pk)


def _invitation_page(
    request: AuthedRequest,
    invited: PersonInvitation,
    context: dict[str, object],
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "organisations/person_invitation.html",
        {"invited": invited, **context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def person_invitation(request: AuthedRequest, token: str) -> HttpResponse:
    """The link an invited person gets. Anyone with it sees which organisation invites them;
    only the invited address answers, signed in, or registering with exactly that address."""
    invited = (
        PersonInvitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invited is None:
        raise Http404
    user = request.user
    has_account = User.objects.filter(email__iexact=invited.email).exists()
    register = (
        RegisterForm(request.POST or None)
        if invited.is_open and not user.is_authenticated and not has_account
        else None
    )
    context: dict[str, object] = {"register": register, "has_account": has_account}
    if request.method != "POST":
        return _invitation_page(request, invited, context)
    answer = request.POST.get("answer")
    if not user.is_authenticated and (answer != "accept" or register is None):
        messages.error(request, "Sign in with the invited address to answer.")
        return _invitation_page(request, invited, context, status=403)
    try:
        if not user.is_authenticated:
            assert register is not None
            if not register.is_valid():
                return _invitation_page(request, invited, context, status=INVALID)
            user = account_actions.user_register(email=invited.email, **register.cleaned_data)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if answer == "decline":
            actions.person_invitation_decline(invitation=invited, by=user)
            messages.success(request, "You have declined the invitation.")
            return redirect("home")
        actions.person_invitation_accept(invitation=invited, by=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _invitation_page(request, invited, context, status=INVALID)
    messages.success(request, f"Welcome to {invited.organisation}.")
    return redirect(invited.organisation)
