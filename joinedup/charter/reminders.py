"""`joinedup remind`: organisations whose Charter signature is due its yearly reaffirmation are
told once, a fortnight ahead (as the agreements' yearly review is); members of a partnership
whose peer view closes within the week are told once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from joinedup.charter.models import PeerView, Signature
from joinedup.meetings.notices import tell
from joinedup.meetings.reminders import _once
from joinedup.notifications import notify
from joinedup.partnerships.models import Organisation

DAYS_AHEAD = 14


def remind_reaffirmations(today: dt.date) -> int:
    sent = 0
    due = Signature.objects.filter(
        withdrawn_on__isnull=True, reaffirm_by__lte=today + dt.timedelta(days=DAYS_AHEAD)
    ).select_related("organisation", "version")
    for signature in due:
        with transaction.atomic():
            if _once(f"charter-reaffirm:{signature.pk}:{signature.reaffirm_by}"):
                notify(
                    signature.organisation,
                    f"Reaffirm the Good Partners Charter by {signature.reaffirm_by:%-d %B %Y}",
                    f"{signature.organisation} signed {signature.version} on "
                    f"{signature.signed_on:%-d %B %Y}; it is reaffirmed every year.",
                )
                sent += 1
    return sent


PEER_VIEW_DAYS_AHEAD = 7


def remind_peer_views(today: dt.date) -> int:
    """Members of a partnership whose peer view closes within the week are told once, so that
    nobody misses it; its results are shown once it closes."""
    sent = 0
    closing = PeerView.objects.filter(
        closed_at__isnull=True,
        closes_on__gte=today,
        closes_on__lte=today + dt.timedelta(days=PEER_VIEW_DAYS_AHEAD),
    ).select_related("partnership")
    for view in closing:
        members = list(
            Organisation.objects.filter(
                pk__in=view.partnership.memberships.current().values("organisation_id")
            )
        )
        with transaction.atomic():
            if members and _once(f"charter-peer-view-closing:{view.pk}:{view.closes_on}"):
                tell(
                    members,
                    f"Peer view closes {view.closes_on:%-d %B}: {view.partnership.name}",
                    "Rate each partner, and your own organisation, on the Good Partners Charter "
                    "before the peer view closes. Nobody sees who said what, and the results are "
                    "shown once it closes.",
                    reverse("charter_partnership", args=[view.partnership_id]) + "#peer-view",
                )
                sent += 1
    return sent
