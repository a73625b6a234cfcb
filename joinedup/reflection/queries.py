"""Reads that span several apps: what a user may read, and what a handover starts from."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from joinedup.access import org_roles, partnerships_visible_to
from joinedup.agreements.models import SignOff
from joinedup.events.models import Event, RegistrationStatus
from joinedup.meetings.models import ActionPoint, ActionStatus, Meeting, MeetingStatus
from joinedup.partnerships.models import (
    MANAGING_ORG_ROLES,
    Membership,
    Organisation,
    Partnership,
)
from joinedup.referrals.models import OPEN as OPEN_REFERRALS
from joinedup.referrals.models import Referral
from joinedup.reflection.models import Handover, HandoverStatus, Reflection, Sharing


def reflections_visible_to(user: Any) -> QuerySet[Reflection]:
    """The same answer as the rule `reflection.view_reflection`, as one query."""
    if not user.is_authenticated:
        return Reflection.objects.none()
    return Reflection.objects.filter(
        Q(writer=user)
        | Q(sharing=Sharing.ORGANISATION, organisation_id__in=list(org_roles(user)))
        | Q(sharing=Sharing.PARTNERSHIP, partnership__in=partnerships_visible_to(user))
    )


def shared_by(
    *, organisation: Organisation, partnership: Partnership, start: Any, end: Any
) -> QuerySet[Reflection]:
    """Reflections `organisation`'s people shared with `partnership` between `start` and `end`:
    the Good Partners Charter's evidence of reflective practice."""
    return Reflection.objects.filter(
        organisation=organisation,
        partnership=partnership,
        sharing=Sharing.PARTNERSHIP,
        written_at__gte=start,
        written_at__lte=end,
    ).order_by("-written_at")


def handovers_visible_to(user: Any) -> QuerySet[Handover]:
    """The same answer as the rule `reflection.view_handover`, as one query."""
    if not user.is_authenticated:
        return Handover.objects.none()
    roles = org_roles(user)
    managed = [org for org, role in roles.items() if role in MANAGING_ORG_ROLES]
    return Handover.objects.filter(
        Q(successor=user)
        | Q(organisation_id__in=managed)
        | Q(leaver=user, organisation_id__in=list(roles))
    )


def open_handovers_of_partnership(partnership_id: int) -> QuerySet[Handover]:
    """Handovers not yet confirmed that touch the partnership: started for a change of role in
    it, or for someone who was one of its contacts (their items name its memberships)."""
    return (
        Handover.objects.filter(status=HandoverStatus.OPEN)
        .filter(
            Q(partnership_id=partnership_id) | Q(items__membership__partnership_id=partnership_id)
        )
        .distinct()
        .select_related("leaver", "successor", "organisation")
    )


def prefill(
    leaver: Any, organisation: Organisation, partnership: Partnership | None = None
) -> dict[str, Any]:
    """What Joined Up holds about `leaver`'s work for `organisation` (in `partnership` only,
    for a change of role there), as plain data for the note. Referrals appear only as counts
    and a link: the successor's own access decides what they then see of each, and nothing of
    any person referred is copied here."""
    today = timezone.localdate()
    contacts = list(
        Membership.objects.current()
        .filter(organisation=organisation, contacts=leaver)
        .select_related("partnership")
        .order_by("partnership__name")
    )
    partnership_ids = [m.partnership_id for m in contacts]
    actions_qs = ActionPoint.objects.filter(assignee=leaver, owner=organisation)
    signed_qs = SignOff.objects.filter(signed_by=leaver, organisation=organisation)
    referrals_qs = Referral.objects.filter(
        created_by=leaver, from_org=organisation, status__in=OPEN_REFERRALS
    )
    if partnership is not None:
        contacts = [m for m in contacts if m.partnership_id == partnership.pk]
        partnership_ids = [partnership.pk]
        actions_qs = actions_qs.filter(meeting__series__partnership=partnership)
        signed_qs = signed_qs.filter(version__agreement__partnership=partnership)
        referrals_qs = referrals_qs.filter(partnership=partnership)
    actions = list(
        actions_qs.exclude(status=ActionStatus.DONE)
        .select_related("meeting__series__partnership")
        .order_by("due_on", "pk")
    )
    signed = list(signed_qs.select_related("version__agreement").order_by("-signed_at")[:20])
    referrals = Counter(referrals_qs.values_list("partnership_id", flat=True))
    meetings = list(
        Meeting.objects.filter(
            series__partnership_id__in=partnership_ids,
            starts_at__gte=timezone.now(),
            status=MeetingStatus.SCHEDULED,
        )
        .select_related("series__partnership")
        .order_by("starts_at")[:10]
    )
    names = dict(Partnership.objects.filter(pk__in=list(referrals)).values_list("pk", "name"))
    return {
        "partnerships": [
            {
                "id": m.partnership_id,
                "name": m.partnership.name,
                "member_role": m.get_role_display(),
                "url": m.partnership.get_absolute_url(),
            }
            for m in contacts
        ],
        "actions": [
            {
                "id": a.pk,
                "description": a.description,
                "due_on": a.due_on.isoformat(),
                "partnership": a.meeting.series.partnership.name,
                "url": reverse("meeting", args=[a.meeting.series.partnership_id, a.meeting_id]),
            }
            for a in actions
        ],
        "agreements": [
            {
                "title": s.version.agreement.title,
                "signed_on": s.signed_at.date().isoformat(),
                "review_on": s.version.review_on.isoformat() if s.version.review_on else "",
                "review_due": bool(s.version.review_on and s.version.review_on >= today),
                "url": s.version.agreement.get_absolute_url(),
            }
            for s in signed
        ],
        "referrals": [
            {
                "partnership": names.get(pk, ""),
                "open": count,
                "url": reverse("referral_flows", args=[pk]),
            }
            for pk, count in sorted(referrals.items())
        ],
        "meetings": [
            {
                "partnership": m.series.partnership.name,
                "starts_at": m.starts_at.isoformat(),
                "url": reverse("meeting", args=[m.series.partnership_id, m.pk]),
            }
            for m in meetings
        ],
    }


def events_to_reflect_on(partnership: Partnership, organisations: Any) -> QuerySet[Event]:
    """Hub events a reflection in `partnership` may be about: those of the partnership's hub,
    and those any of `organisations` (the writer's) registered for, wherever held; newest
    first."""
    registered = Event.objects.filter(
        registrations__organisation__in=organisations,
        registrations__status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING],
    ).values("pk")
    own_hub = Q(hub_id=partnership.hub_id) if partnership.hub_id else Q(pk__in=[])
    return Event.objects.filter(own_hub | Q(pk__in=registered)).order_by("-starts_at", "-pk")
