"""Starting a programme, adding and editing its hubs, and the hub page: check access,
validate, act, respond."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import get_for, organisations_visible_to, partnerships_visible_to
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.partnerships.models import Partnership
from joinedup.programmes import actions
from joinedup.programmes.forms import HubForm, ProgrammeForm
from joinedup.programmes.models import Hub, Programme

INVALID = 422
HUBS = Hub.objects.select_related("programme", "coordinator")


@require_http_methods(["GET", "POST"])
@login_required
def programme_new(request: AuthedRequest) -> HttpResponse:
    """Programme officers and superusers start a programme; an officer becomes its officer."""
    if not request.user.has_perm("programmes.add_programme"):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, funders=organisations_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        programme = act(form, actions.programme_create, by=request.user, **form.cleaned_data)
        if programme is not None:
            messages.success(request, f"{programme} started. Add its hubs here.")
            return redirect(programme)
    return render(
        request,
        "programmes/programme_new.html",
        {"form": form},
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def hub_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """The programme's officers (and superusers) add a hub to it."""
    programme = get_for(request.user, Programme, perm="programmes.add_hub", pk=pk)
    form = HubForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hub = act(
            form,
            actions.hub_create,
            rename={"coordinator": "coordinator_email"},
            by=request.user,
            programme=programme,
            name=data["name"],
            region=data["region"],
            coordinator=data["coordinator_email"],
        )
        if hub is not None:
            messages.success(request, f"{hub} hub added.")
            return redirect(hub)
    return render(
        request,
        "programmes/hub_form.html",
        {"programme": programme, "form": form, "hub": None},
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def hub_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    hub = get_for(request.user, HUBS, perm="programmes.change_hub", pk=pk)
    coordinator = hub.coordinator
    form = HubForm(
        request.POST or None,
        initial={
            "name": hub.name,
            "region": hub.region,
            "coordinator_email": coordinator.email if coordinator else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = act(
            form,
            actions.hub_update,
            rename={"coordinator": "coordinator_email"},
            by=request.user,
            hub=hub,
            name=data["name"],
            region=data["region"],
            coordinator=data["coordinator_email"],
        )
        if done is not None:
            messages.success(request, "Hub saved.")
            return redirect(hub)
    return render(
        request,
        "programmes/hub_form.html",
        {"programme": hub.programme, "form": form, "hub": hub},
        status=INVALID if form.is_bound else 200,
    )


@require_GET
@login_required
def hub_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The hub, its coordinator, and its partnerships: named where the viewer may see them,
    counted where they may not. Its coordinator sees every partnership of the hub named (a
    link to those they may open), as they coordinate them all."""
    hub = get_for(request.user, HUBS, perm="programmes.view_hub", pk=pk)
    coordinates = hub.coordinator_id is not None and hub.coordinator_id == request.user.pk
    visible = partnerships_visible_to(request.user).filter(hub=hub)
    listed = Partnership.objects.filter(hub=hub) if coordinates else visible
    partnerships = list(
        listed.annotate(
            members=Count("memberships", filter=Q(memberships__left_on__isnull=True))
        ).order_by("name")
    )
    opens = (
        set(visible.values_list("pk", flat=True)) if coordinates else {p.pk for p in partnerships}
    )
    unseen = 0 if coordinates else Partnership.objects.filter(hub=hub).count() - len(partnerships)
    return render(
        request,
        "programmes/hub.html",
        {
            "hub": hub,
            "programme": hub.programme,
            "partnerships": partnerships,
            "opens": opens,
            "unseen": unseen,
            "coordinates": coordinates,
            "officer": request.user.has_perm("programmes.change_hub", hub),
        },
    )
