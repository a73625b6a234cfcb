"""The hub's learning page (events, topic requests, suggestions) and a topic request's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import get_for
from joinedup.events import actions, queries
from joinedup.events.forms import (
    MergeForm,
    OfferForm,
    ScheduleForm,
    TopicRequestForm,
    UnvoteForm,
    VoteForm,
)
from joinedup.events.models import Event, EventStatus, TopicRequest, TopicStatus, TopicVote
from joinedup.events.rules import hub_projects, programme_projects, runs_hub
from joinedup.events.suggestions import suggested_topics
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.learning.models import Framework, Theme
from joinedup.partnerships.models import Organisation
from joinedup.programmes.models import Hub

INVALID = 422
HUBS = Hub.objects.select_related("programme", "coordinator")


@require_GET
@login_required
def hub_learning(request: AuthedRequest, pk: int) -> HttpResponse:
    """Events, the requests open, scheduled and met, and what to ask for next."""
    hub = get_for(request.user, HUBS, perm="programmes.view_hub", pk=pk)
    runs = runs_hub(request.user, hub, hub.programme_id)
    mine = hub_projects(request.user, hub)
    return render(
        request,
        "events/hub_learning.html",
        {
            "hub": hub,
            "programme": hub.programme,
            "events": queries.hub_events(hub),
            "requests": queries.hub_requests(hub),
            "vote_rule": actions.VOTE_RULE,
            "votes_left": [(o, actions.votes_left(hub, o)) for o in mine],
            "may_ask": bool(mine),
            "runs": runs,
            "suggestions": suggested_topics(hub) if runs else [],
            "networking": queries.networking(hub),
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def topic_request_new(request: AuthedRequest, pk: int) -> HttpResponse:
    hub = get_for(request.user, HUBS, perm="programmes.view_hub", pk=pk)
    mine = hub_projects(request.user, hub)
    if not mine:
        raise PermissionDenied
    # The programme's current framework (its latest version), if it has one.
    framework = Framework.objects.filter(programme=hub.programme).order_by("-version").first()
    themes = Theme.objects.filter(framework=framework) if framework else Theme.objects.none()
    form = TopicRequestForm(
        request.POST or None,
        organisations=Organisation.objects.filter(pk__in=[o.pk for o in mine]),
        themes=themes,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        made = act(
            form,
            actions.request_topic,
            by=request.user,
            hub=hub,
            organisation=d["organisation"],
            title=d["title"],
            description=d["description"],
            themes=d.get("themes") or [],
        )
        if made is not None:
            messages.success(request, "Your request is in. Others in the hub can support it.")
            return redirect(made)
    return render(
        request,
        "events/topic_request_new.html",
        {"hub": hub, "programme": hub.programme, "form": form},
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def topic_request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A request, who asked and supports it, offers to run it; and, by `do`, support it
    (vote or unvote), offer to run it, merge it (hub runners) or schedule it (hub runners)."""
    topic = get_for(
        request.user,
        TopicRequest.objects.select_related("hub__programme", "hub__coordinator", "session__event"),
        perm="events.view_topicrequest",
        pk=pk,
    )
    hub = topic.hub
    runs = runs_hub(request.user, hub, hub.programme_id)
    voters = hub_projects(request.user, hub)
    offerers = programme_projects(request.user, hub.programme_id)
    voter_qs = Organisation.objects.filter(pk__in=[o.pk for o in voters])
    do = request.POST.get("do", "")
    data = request.POST if request.method == "POST" else None
    # Shown: "Support it" for the organisations that may still, "Take our vote back" for those
    # that voted; a POST is checked against all of the user's projects, so the action's own
    # message says why a vote is refused.
    voted_ids = set(
        TopicVote.objects.filter(request=topic, organisation__in=voter_qs).values_list(
            "organisation_id", flat=True
        )
    )
    asked_ids = set(topic.requesters.values_list("pk", flat=True))
    can_vote = [o.pk for o in voters if o.pk not in voted_ids | asked_ids]
    voted = [o.pk for o in voters if o.pk in voted_ids]
    vote_form = VoteForm(
        data if do == "vote" else None,
        organisations=voter_qs if do == "vote" else voter_qs.filter(pk__in=can_vote),
    )
    unvote_form = UnvoteForm(
        data if do == "unvote" else None,
        organisations=voter_qs if do == "unvote" else voter_qs.filter(pk__in=voted),
    )
    offer_form = OfferForm(
        data if do == "offer" else None,
        organisations=Organisation.objects.filter(pk__in=[o.pk for o in offerers]),
    )
    merge_form = MergeForm(
        data if do == "merge" else None,
        requests=TopicRequest.objects.filter(hub=hub, status=TopicStatus.OPEN).exclude(pk=topic.pk),
    )
    schedule_form = ScheduleForm(
        data if do == "schedule" else None,
        events=Event.objects.filter(hub=hub, status=EventStatus.PLANNED).order_by("starts_at"),
        offers=topic.offers.select_related("organisation", "document"),
    )
    is_open = topic.status == TopicStatus.OPEN
    if request.method == "POST":
        done: Any = None
        if do in ("vote", "unvote"):
            if not voters:
                raise PermissionDenied
            form = vote_form if do == "vote" else unvote_form
            if form.is_valid():
                done = act(
                    form,
                    actions.topic_vote if do == "vote" else actions.topic_unvote,
                    by=request.user,
                    request=topic,
                    organisation=form.cleaned_data["organisation"],
                )
        elif do == "offer":
            if not offerers and not runs:
                raise PermissionDenied
            if offer_form.is_valid():
                d = offer_form.cleaned_data
                done = act(
                    offer_form,
                    actions.expertise_offer,
                    by=request.user,
                    request=topic,
                    organisation=d["organisation"],
                    network=d["network"] if runs else "",
                    description=d["description"],
                )
        elif do in ("merge", "schedule"):
            if not runs:
                raise PermissionDenied
            if do == "merge" and merge_form.is_valid():
                done = act(
                    merge_form,
                    actions.topic_merge,
                    by=request.user,
                    request=topic,
                    into=merge_form.cleaned_data["into"],
                )
            if do == "schedule" and schedule_form.is_valid():
                d = schedule_form.cleaned_data
                done = act(
                    schedule_form,
                    actions.session_schedule,
                    by=request.user,
                    event=d["event"],
                    request=None if d["offer"] else topic,
                    offer=d["offer"],
                )
        else:
            return HttpResponse("Choose what to do.", status=400)
        if done is not None:
            messages.success(request, _topic_said(do, done, hub, unvote_form))
            return redirect(done if do == "merge" else topic)
    return render(
        request,
        "events/topic_request.html",
        {
            "topic": topic,
            "hub": hub,
            "programme": hub.programme,
            "requesters": list(topic.requesters.order_by("name")),
            "supporters": list(queries.supporters(topic)),
            "offers": list(topic.offers.select_related("organisation", "document")),
            "themes": list(topic.themes.all()),
            "vote_form": vote_form if can_vote and is_open else None,
            "unvote_form": unvote_form if voted and is_open else None,
            "own_request": voters and not can_vote and not voted,
            "offer_form": offer_form if (offerers or runs) and is_open else None,
            "merge_form": merge_form if runs and is_open else None,
            "schedule_form": schedule_form if runs and is_open else None,
            "runs": runs,
            "vote_rule": actions.VOTE_RULE,
            "votes_left": [(o, actions.votes_left(hub, o)) for o in voters] if is_open else [],
        },
        status=INVALID if request.method == "POST" else 200,
    )


def _votes(n: int) -> str:
    return f"{n} vote{'' if n == 1 else 's'}"


def _topic_said(do: str, done: Any, hub: Hub, unvote_form: UnvoteForm) -> str:
    """What a step on a topic's page did, said plainly."""
    if do == "vote":
        left = actions.votes_left(hub, done.organisation)
        return f"{done.organisation} supports this topic, and has {_votes(left)} left in this hub."
    if do == "unvote":
        org = unvote_form.cleaned_data["organisation"]
        left = actions.votes_left(hub, org)
        return f"{org}'s vote is taken back: it has {_votes(left)} left in this hub."
    if do == "offer":
        return "Your offer to run it is made, and the hub's coordinator is told."
    if do == "merge":
        return f"Merged into “{done.title}”, with its requesters and their support."
    return f"Scheduled as a session of “{done.event.title}”. The organisations that asked are told."
