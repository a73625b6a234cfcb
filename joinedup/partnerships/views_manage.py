"""Pages to start a partnership, edit its details and outcomes, and register an organisation:
check access, validate, act, respond."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from joinedup.access import get_for
from joinedup.forms import act, merging
from joinedup.http import AuthedRequest
from joinedup.partnerships import actions, registration
from joinedup.partnerships.forms_manage import (
    NOT_A_DUPLICATE,
    PartnershipEditForm,
    PartnershipStartForm,
    RegisterOrganisationForm,
    outcome_formset,
    outcomes_of,
    show_the_added_row,
)
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation, Partnership
from joinedup.versions import Stale

INVALID = 422
CONFLICT = 409
MANAGE = "partnerships.change_partnership"
ADD_OUTCOME = "add_outcome"  # the name of the "Add another outcome" button
NUMBER_TAKEN = (
    "{name} is in Joined Up with this number already: ask its admins to add you, "
    "rather than registering it again."
)


def _leads_for(user: Any) -> QuerySet[Organisation]:
    """The organisations `user` may start a partnership for: those they are an admin or
    manager of (a superuser: any)."""
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        affiliations__user=user, affiliations__role__in=MANAGING_ORG_ROLES
    ).distinct()


@require_http_methods(["GET", "POST"])
@login_required
def partnership_new(request: AuthedRequest) -> HttpResponse:
    """Start a partnership: the organisation chosen, among those the person manages, leads it."""
    if not request.user.has_perm("partnerships.add_partnership"):
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else None
    adding = posted is not None and ADD_OUTCOME in posted
    form = PartnershipStartForm(posted, leads=_leads_for(request.user))
    outcomes = outcome_formset(posted, add=adding)
    if posted is not None and not adding and all([form.is_valid(), outcomes.is_valid()]):
        partnership = act(
            form,
            actions.partnership_create,
            by=request.user,
            outcomes=outcomes_of(outcomes),
            **form.cleaned_data,
        )
        if partnership is not None:
            lead = form.cleaned_data["lead"]
            messages.success(request, f"{partnership} started, with {lead} as its lead.")
            return redirect(partnership)
    if adding:
        show_the_added_row(form, outcomes)
    return render(
        request,
        "partnerships/partnership_new.html",
        {"form": form, "outcomes": outcomes, "add_outcome": ADD_OUTCOME},
        status=INVALID if posted is not None and not adding else 200,
    )


def _details(partnership: Partnership) -> dict[str, Any]:
    """What the edit page changes; the outcomes are in a formset beside the form's fields."""
    return {
        "name": partnership.name,
        "shared_goal": partnership.shared_goal,
        "outcomes": partnership.outcomes,
    }


@require_http_methods(["GET", "POST"])
@login_required
def partnership_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The lead's admins and managers edit the name, the shared goal and the outcomes."""
    partnership = get_for(request.user, Partnership, perm=MANAGE, pk=pk)
    posted = request.POST if request.method == "POST" else None
    adding = posted is not None and ADD_OUTCOME in posted
    form = PartnershipEditForm(
        posted, initial={**_details(partnership), "version": partnership.version}
    )
    outcomes = outcome_formset(posted, initial=partnership.outcomes, add=adding)
    status = INVALID if posted is not None and not adding else 200
    done = None
    if posted is not None and not adding and all([form.is_valid(), outcomes.is_valid()]):
        form.take_theirs(_details(partnership))
        try:
            done = act(
                form,
                actions.partnership_update,
                partnership=partnership,
                by=request.user,
                outcomes=outcomes_of(outcomes),
                based_on=form.based_on(),
                name=form.cleaned_data["name"],
                shared_goal=form.cleaned_data["shared_goal"],
            )
        except Stale as stale:
            # Someone saved since: theirs and yours to merge. The outcomes stay as this person
            # left them if they changed them, else they show the saved ones.
            if not form.changed_here("outcomes", outcomes_of(outcomes)):
                outcomes = outcome_formset(None, initial=stale.obj.outcomes, add=False)
            form = merging(
                form, current=stale.current, theirs=_details(stale.obj), make=PartnershipEditForm
            )
            status = CONFLICT
        if done is not None:
            messages.success(request, "Partnership details saved.")
            return redirect(partnership)
    if adding:
        show_the_added_row(form, outcomes)
    return render(
        request,
        "partnerships/partnership_edit.html",
        {
            "partnership": partnership,
            "form": form,
            "outcomes": outcomes,
            "add_outcome": ADD_OUTCOME,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_register(request: AuthedRequest) -> HttpResponse:
    """Anyone signed in registers an organisation and becomes its first admin, after being
    shown any organisation already in Joined Up that may be the same one."""
    if not request.user.has_perm("partnerships.add_organisation"):
        raise PermissionDenied
    form = RegisterOrganisationForm(request.POST or None)
    duplicates: list[registration.Duplicate] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        different = data.pop("different")
        duplicates = registration.likely_duplicates(
            name=data["name"],
            charity_number=data.get("charity_number"),
            company_number=data.get("company_number"),
        )
        for duplicate in duplicates:
            if duplicate.why != "name":
                form.add_error(duplicate.why, NUMBER_TAKEN.format(name=duplicate.organisation))
        if duplicates and not different and not form.errors:
            form.add_error("different", NOT_A_DUPLICATE)
        if not form.errors:
            organisation = act(form, registration.organisation_register, by=request.user, **data)
            if organisation is not None:
                messages.success(request, f"{organisation} registered. You are its admin.")
                return redirect(organisation)
    return render(
        request,
        "partnerships/organisation_register.html",
        {
            "form": form,
            "duplicates": duplicates,
            "ask_different": any(d.why == "name" for d in duplicates),
        },
        status=INVALID if form.is_bound else 200,
    )
