"""The calendar links page, the feed behind each link, and a person's notices."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import standing
from joinedup.http import AuthedRequest
from joinedup.meetings import actions, feeds
from joinedup.meetings.models import FeedToken, Notice
from joinedup.meetings.views import INVALID, _partnership


@require_http_methods(["GET", "POST"])
@login_required
def calendar(request: AuthedRequest, pk: int) -> HttpResponse:
    """The person's secret calendar links: for this partnership, and for all of theirs."""
    partnership = _partnership(request, pk)
    new_link = scope = None
    if request.method == "POST":
        scope = request.POST.get("scope")
        if scope not in ("partnership", "personal"):
            messages.error(request, "Choose which calendar link to make.")
            status = INVALID
        else:
            raw = actions.feed_token_reset(
                user=request.user, partnership=partnership if scope == "partnership" else None
            )
            new_link = request.build_absolute_uri(reverse("calendar_feed", args=[raw]))
            status = 200
    else:
        status = 200
    mine = FeedToken.objects.filter(user=request.user)
    existing = {
        "partnership": mine.filter(partnership=partnership).first(),
        "personal": mine.filter(partnership__isnull=True).first(),
    }
    return render(
        request,
        "meetings/calendar.html",
        {"partnership": partnership, "new_link": new_link, "scope": scope, "existing": existing},
        status=status,
    )


@require_GET
def calendar_feed(request: Any, token: str) -> HttpResponse:
    """The iCalendar feed behind a secret link: no session needed; a wrong token is 404."""
    found = (
        FeedToken.objects.select_related("user", "partnership")
        .filter(token_hash=actions.feed_hash(token), user__is_active=True)
        .first()
    )
    if found is None:
        raise Http404
    if found.partnership is not None and not standing(found.user, found.partnership).can_view:
        raise Http404
    # The person's whole feed also carries the hub events they hold a place at.
    from joinedup.events.feeds import registered_events, vevents

    extra = vevents(registered_events(found.user_id)) if found.partnership_id is None else []
    body = feeds.calendar(feeds.meetings_for(found), feeds.feed_name(found), extra)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
@login_required
def notices(request: AuthedRequest) -> HttpResponse:
    """The signed-in person's notices: the same news they get by email."""
    mine = list(Notice.objects.filter(user=request.user)[:100])
    Notice.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "meetings/notices.html", {"notices": mine})
