"""Pages for partnerships and organisations: check access, validate, act, respond."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import (
    get_for,
    memberships_visible_to,
    organisations_visible_to,
    partnerships_visible_to,
)
from joinedup.accounts import actions as account_actions
from joinedup.accounts.models import User, hash_token
from joinedup.agreements import mustdos
from joinedup.audit.models import AuditEvent
from joinedup.confirm import confirm_page, is_confirmed
from joinedup.decisions.queries import power_balance
from joinedup.forms import act, add_action_errors, merging
from joinedup.http import AuthedRequest
from joinedup.organisations import actions as people
from joinedup.pages import paged
from joinedup.partnerships import actions, invitations, queries
from joinedup.partnerships.forms import (
    AddMemberForm,
    ChangeMemberForm,
    CriteriaForm,
    InviteExistingForm,
    InviteNewForm,
    LeaveForm,
    OrganisationForm,
    OrganisationSearchForm,
    RegisterForm,
)
from joinedup.partnerships.home import home_for
from joinedup.partnerships.models import (
    MEMBER_ROLE_HELP,
    Invitation,
    InvitationStatus,
    MemberRole,
    Membership,
    Organisation,
    Partnership,
)
from joinedup.versions import Stale

INVALID = 422
CONFLICT = 409
VIEW = "partnerships.view_partnership"
VIEW_CORE = "partnerships.view_partnership_core"
MANAGE = "partnerships.change_partnership"

PARTNERSHIPS = Partnership.objects.select_related("programme", "hub")


@require_GET
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Each person's home leads with what they come for (see `partnerships.home`)."""
    visible = list(partnerships_visible_to(request.user).select_related("programme", "hub"))
    # Where an admin finds their organisation's People page (invite, change roles, remove).
    affiliations = request.user.affiliations.select_related("organisation").order_by(
        "organisation__name"
    )
    return render(
        request,
        "partnerships/home.html",
        {"home": home_for(request.user, visible), "affiliations": affiliations},
    )


@require_GET
@login_required
def partnership_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = get_for(request.user, PARTNERSHIPS, perm=VIEW, pk=pk)
    core = request.user.has_perm(VIEW_CORE, partnership)
    memberships = queries.memberships_of(partnership, with_contacts=core)
    return render(
        request,
        "partnerships/partnership.html",
        {
            "partnership": partnership,
            # More than 50 members of a role are shown 50 at a time (issue 19).
            "groups": {
                role: paged(request, members, role)
                for role, members in queries.current_by_role(memberships).items()
            },
            "role_help": MEMBER_ROLE_HELP,
            # Newest first, 50 at a time; the history page has it whole.
            "history": paged(request, queries.membership_history(memberships), "history")
            if core
            else None,
            "sees_core": core,
            "manages": request.user.has_perm(MANAGE, partnership),
            "checklist": mustdos.checklist(partnership),
            "balance": paged(
                request,
                power_balance(
                    partnership.pk, [m.organisation for m in memberships if m.is_current]
                ),
                "balance",
            ),
        },
    )


@require_GET
@login_required
def partnership_history(request: AuthedRequest, pk: int) -> HttpResponse:
    """The membership timeline with reasons for leaving: for lead and core partners."""
    partnership = get_for(request.user, PARTNERSHIPS, perm=VIEW_CORE, pk=pk)
    memberships = queries.memberships_of(partnership, with_contacts=False)
    return render(
        request,
        "partnerships/history.html",
        {"partnership": partnership, "history": queries.membership_history(memberships)},
    )


@require_GET
@login_required
def partnership_audit(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = get_for(request.user, PARTNERSHIPS, perm="partnerships.view_audit", pk=pk)
    events = AuditEvent.objects.filter(partnership=partnership).select_related("actor")[:200]
    return render(
        request, "partnerships/audit.html", {"partnership": partnership, "events": events}
    )


@require_http_methods(["GET", "POST"])
@login_required
def members_manage(request: AuthedRequest, pk: int) -> HttpResponse:
    """The lead's page for members: the current members, and a form to add one."""
    partnership = get_for(request.user, PARTNERSHIPS, perm=MANAGE, pk=pk)
    choices = organisations_visible_to(request.user)
    form = AddMemberForm(request.POST or None, partnership=partnership, choices=choices)
    status, added = 200, None
    if request.method == "POST":
        added = form.is_valid() and _add_member(request, partnership, form)
        if added and not request.htmx:
            messages.success(request, f"{added} added.")
            return redirect("members_manage", pk=partnership.pk)
        if added:
            form = AddMemberForm(partnership=partnership, choices=choices)
        else:
            status = INVALID
    memberships = queries.memberships_of(partnership, with_contacts=False)
    template = "partnerships/members.html" + ("#members-panel" if request.htmx else "")
    return render(
        request,
        template,
        {
            "partnership": partnership,
            # More than 50 members of a role are shown 50 at a time (issue 19).
            "groups": {
                role: paged(request, members, role)
                for role, members in queries.current_by_role(memberships).items()
            },
            "form": form,
            "added": added,
        },
        status=status,
    )


def _add_member(
    request: AuthedRequest, partnership: Partnership, form: AddMemberForm
) -> Organisation | None:
    """Add the member the form describes; None, with the errors on the form, if it cannot be."""
    data = form.cleaned_data
    membership = {
        "role": data["role"],
        "funded": data["funded"],
        "levels": data["levels"],
        "joined_on": data["joined_on"],
    }
    try:
        if data["organisation"]:
            added = actions.membership_add(
                by=request.user,
                partnership=partnership,
                organisation=data["organisation"],
                **membership,
            )
        else:
            added = actions.membership_add_new_organisation(
                by=request.user,
                partnership=partnership,
                name=data["new_name"],
                sector=data["new_sector"],
                **membership,
            )
    except ValidationError as error:
        add_action_errors(form, error, rename={"name": "new_name", "sector": "new_sector"})
        return None
    return added.organisation


def _membership_for(request: AuthedRequest, pk: int, membership_pk: int) -> Membership:
    partnership = get_for(request.user, PARTNERSHIPS, perm=MANAGE, pk=pk)
    return get_for(
        request.user,
        Membership.objects.select_related("organisation", "partnership"),
        perm="partnerships.change_membership",
        pk=membership_pk,
        partnership=partnership,
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_change(request: AuthedRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = _membership_for(request, pk, membership_pk)
    initial = {
        "role": membership.role,
        "funded": membership.funded,
        "levels": membership.levels,
        "committed_hours": membership.committed_hours,
        "contacts": list(membership.contacts.all()),
    }
    form = ChangeMemberForm(
        request.POST or None, initial=initial, organisation=membership.organisation
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            form,
            actions.membership_change,
            by=request.user,
            membership=membership,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, f"{membership.organisation} updated.")
            return redirect("members_manage", pk=pk)
    status = INVALID if form.is_bound else 200
    return render(
        request,
        "partnerships/member_change.html",
        {
            "membership": membership,
            "partnership": membership.partnership,
            "form": form,
            "role_help": MEMBER_ROLE_HELP,
            "lead": MemberRole.LEAD,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_leave(request: AuthedRequest, pk: int, membership_pk: int) -> HttpResponse:
    """The form asks the date and the reason; a valid POST then shows what will be recorded
    and asks (a leaving cannot be undone); the POST that confirms records it."""
    membership = _membership_for(request, pk, membership_pk)
    form = LeaveForm(request.POST or None, joined_on=membership.joined_on)
    if request.method == "POST" and form.is_valid() and not is_confirmed(request):
        data = form.cleaned_data
        organisation = membership.organisation
        return confirm_page(
            request,
            title=f"Record that {organisation} left?",
            happens=[
                f"{organisation} left {membership.partnership} on {data['left_on']:%-d %B %Y}, "
                f"because: {data['reason']}",
                "It is no longer a current member; the partnership's history keeps the date "
                "and the reason. To have it back, it joins again as a new member.",
            ],
            button="Record the leaving",
            back=reverse("members_manage", args=[pk]),
            partnership=membership.partnership,
            carry={"left_on": data["left_on"].isoformat(), "reason": data["reason"]},
        )
    if request.method == "POST" and form.is_valid():
        done = act(
            form,
            actions.membership_end,
            by=request.user,
            membership=membership,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, f"{membership.organisation} has left the partnership.")
            return redirect("members_manage", pk=pk)
    status = INVALID if form.is_bound else 200
    return render(
        request,
        "partnerships/member_leave.html",
        {"membership": membership, "partnership": membership.partnership, "form": form},
        status=status,
    )


@require_GET
@login_required
def organisation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = get_for(request.user, Organisation, perm="partnerships.view_organisation", pk=pk)
    memberships = (
        memberships_visible_to(request.user)
        .filter(organisation=organisation)
        .select_related("partnership")
        .order_by("left_on", "partnership__name")
    )
    return render(
        request,
        "partnerships/organisation.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "manages": request.user.has_perm("partnerships.change_organisation", organisation),
            "runs_people": people.is_admin(request.user, organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = get_for(
        request.user, Organisation, perm="partnerships.change_organisation", pk=pk
    )
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        done = act(
            form,
            actions.organisation_update,
            organisation=Organisation.objects.get(pk=organisation.pk),
            by=request.user,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, "Organisation details saved.")
            return redirect(organisation)
    status = INVALID if form.is_bound else 200
    return render(
        request,
        "partnerships/organisation_edit.html",
        {"organisation": organisation, "form": form},
        status=status,
    )


@require_GET
@login_required
def partnership_composition(request: AuthedRequest, pk: int) -> HttpResponse:
    """Who the members are, against what the membership criteria ask for."""
    partnership = get_for(request.user, PARTNERSHIPS, perm=VIEW, pk=pk)
    memberships = queries.memberships_of(partnership, with_contacts=False)
    return render(
        request,
        "partnerships/composition.html",
        {
            "partnership": partnership,
            "composition": queries.composition(partnership, memberships),
            "manages": request.user.has_perm(MANAGE, partnership),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def partnership_criteria(request: AuthedRequest, pk: int) -> HttpResponse:
    """The lead sets the membership criteria, a limit on partners, and who should be represented."""
    partnership = get_for(request.user, PARTNERSHIPS, perm=MANAGE, pk=pk)
    form = CriteriaForm(
        request.POST or None,
        initial={**_criteria(partnership), "version": partnership.version},
    )
    status = INVALID if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        form.take_theirs(_criteria(partnership, cleaned=True))
        changes = {name: form.cleaned_data[name] for name in _criteria(partnership)}
        try:
            done = act(
                form,
                actions.partnership_update,
                partnership=partnership,
                by=request.user,
                based_on=form.based_on(),
                **changes,
            )
        except Stale as stale:
            form = merging(
                form,
                current=stale.current,
                theirs=_criteria(stale.obj, cleaned=True),
                make=CriteriaForm,
            )
            done, status = None, CONFLICT
        if done is not None:
            messages.success(request, "Membership criteria saved.")
            return redirect("partnership_composition", pk=partnership.pk)
    return render(
        request,
        "partnerships/criteria.html",
        {"partnership": partnership, "form": form},
        status=status,
    )


def _criteria(partnership: Partnership, *, cleaned: bool = False) -> dict[str, Any]:
    """The membership criteria as the form shows them, or (`cleaned`) as it cleans them."""
    return {
        "membership_criteria": partnership.membership_criteria,
        "member_limit": partnership.member_limit,
        "wanted": partnership.wanted if cleaned else ", ".join(partnership.wanted),
    }


@require_http_methods(["GET", "POST"])
@login_required
def member_invite(request: AuthedRequest, pk: int) -> HttpResponse:
    """The lead invites an organisation: one found in Joined Up (its admins answer for it), or
    a new one through a contact who becomes its first admin."""
    partnership = get_for(request.user, PARTNERSHIPS, perm=MANAGE, pk=pk)
    search = OrganisationSearchForm(request.GET if "q" in request.GET else None)
    found = (
        queries.organisations_matching(search.cleaned_data["q"], partnership=partnership)
        if search.is_valid()
        else None
    )
    existing = InviteExistingForm(request.POST if "organisation" in request.POST else None)
    new = InviteNewForm(request.POST if "new_name" in request.POST else None)
    if request.method == "POST":
        form: forms.Form = existing if existing.is_bound else new
        if form.is_valid():
            data = form.cleaned_data
            fields = (
                {"organisation": data["organisation"]}
                if existing.is_bound
                else {
                    "organisation_name": data["new_name"],
                    "sector": data["new_sector"],
                    "email": data["email"],
                    "contact_name": data["contact_name"],
                }
            )
            done = act(
                form,
                invitations.invitation_send,
                rename={"organisation_name": "new_name", "sector": "new_sector"},
                by=request.user,
                partnership=partnership,
                role=data["role"],
                **fields,
            )
            if done is not None:
                invited = done[0]
                messages.success(
                    request,
                    f"{invited.organisation_name} invited: "
                    + (
                        "its admins have been asked to answer."
                        if invited.organisation_id
                        else f"{invited.contact_name} has been sent a link."
                    ),
                )
                return redirect("member_invite", pk=partnership.pk)
        if existing.is_bound and existing.errors:
            messages.error(request, " ".join(str(m) for ms in existing.errors.values() for m in ms))
    pending = partnership.invitations.filter(status=InvitationStatus.PENDING)
    bound = existing.is_bound or new.is_bound
    return render(
        request,
        "partnerships/invite.html",
        {
            "partnership": partnership,
            "search": search,
            "found": found,
            "form": new,
            "pending": pending,
            "roles": [(MemberRole.CORE, "Core partner"), (MemberRole.WIDER, "Wider partner")],
        },
        status=INVALID if bound or (search.is_bound and not search.is_valid()) else 200,
    )


def _invitation_page(
    request: AuthedRequest, invited: Invitation, context: dict[str, object], status: int = 200
) -> HttpResponse:
    return render(
        request,
        "partnerships/invitation.html",
        {
            "invited": invited,
            "may_answer": invitations.may_answer(invited, request.user),
            **context,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def invitation(request: AuthedRequest, token: str) -> HttpResponse:
    """The link sent to a new organisation's contact. Anyone with it sees the invitation; only
    the contact answers it, signed in (or registering) with exactly the invited address. An
    organisation already in Joined Up answers on `invitation_answer`, through its admins."""
    invited = (
        Invitation.objects.select_related("partnership", "organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invited is None:
        raise Http404
    user = request.user
    has_account = User.objects.filter(email__iexact=invited.email).exists()
    register = (
        RegisterForm(request.POST or None)
        if invited.for_new_organisation and not user.is_authenticated and not has_account
        else None
    )
    context: dict[str, object] = {"register": register, "has_account": has_account}
    if request.method != "POST":
        return _invitation_page(request, invited, context)
    answer = request.POST.get("answer")
    if not user.is_authenticated and (answer != "accept" or register is None):
        # Declining, like accepting, is for the invited person signed in.
        messages.error(request, "Sign in with the invited address to answer.")
        return _invitation_page(request, invited, context, status=403)
    try:
        if not user.is_authenticated:
            assert register is not None
            if not register.is_valid():
                return _invitation_page(request, invited, context, status=INVALID)
            user = account_actions.user_register(email=invited.email, **register.cleaned_data)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _answer(request, invited, answer, user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _invitation_page(request, invited, context, status=INVALID)


@require_http_methods(["GET", "POST"])
@login_required
def invitation_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    """An invited organisation's admins see the invitation and answer on its behalf; it is
    "not found" to anyone else."""
    invited = (
        Invitation.objects.select_related("partnership", "organisation")
        .filter(pk=pk, organisation__isnull=False)
        .first()
    )
    if invited is None or not invitations.may_answer(invited, request.user):
        raise Http404
    if request.method != "POST":
        return _invitation_page(request, invited, {})
    try:
        return _answer(request, invited, request.POST.get("answer"), request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _invitation_page(request, invited, {}, status=INVALID)


def _answer(
    request: AuthedRequest, invited: Invitation, answer: str | None, by: User
) -> HttpResponse:
    if answer == "decline":
        invitations.invitation_decline(invitation=invited, by=by)
        messages.success(request, f"{invited.organisation_name} has declined the invitation.")
        return redirect("home")
    if answer != "accept":
        raise ValidationError("Choose to accept or decline.")
    invitations.invitation_accept(invitation=invited, by=by)
    messages.success(request, f"{invited.organisation_name} has joined {invited.partnership}.")
    return redirect(invited.partnership)
