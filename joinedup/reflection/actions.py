"""Writes for reflections, action learning sets and handovers: one transaction each, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.access import org_roles
from joinedup.actions import action, person
from joinedup.audit.actions import audit_record
from joinedup.events.models import Event
from joinedup.learning.models import Source
from joinedup.meetings.actions_assign import action_assign
from joinedup.meetings.models import ActionPoint, ActionStatus, Meeting
from joinedup.meetings.notices import tell
from joinedup.partnerships.actions import membership_set_contacts
from joinedup.partnerships.models import (
    ACTING_ORG_ROLES,
    Affiliation,
    Membership,
    Organisation,
    Partnership,
)
from joinedup.referrals.models import Referral
from joinedup.reflection import queries
from joinedup.reflection.models import (
    TEMPLATES,
    Handover,
    HandoverItem,
    HandoverQuestion,
    HandoverReason,
    HandoverStatus,
    LearningSet,
    Reflection,
    SetJoinRequest,
    SetMember,
    SetSession,
    Sharing,
)
from joinedup.reflection.queries import events_to_reflect_on

NOT_YOURS = "Write for an organisation you work for in this partnership."
EMPTY = "Answer at least one of the template's questions."
NOT_HERE = "The {what} must belong to this partnership."
EVENT_NOT_HERE = (
    "Choose an event of this partnership's hub, or one your organisation registered for."
)
MUST_ACCEPT = "Accept the set's confidentiality agreement to join it."
SET_FULL = "This set already has its {n} members: a set stays small."
ALREADY_JOINED = "You are already a member of this set."
ALREADY_ASKED = "You have asked to join already: a member of the set will answer."
ANSWERED_ALREADY = "This request has been answered already."
# A declined request can be made again only this long after the decline (each request tells
# every member: asking again at once would be pressure, and noise).
ASK_AGAIN_AFTER = dt.timedelta(days=30)
DECLINED_RECENTLY = "The set declined your request on {on}: you can ask again from {again}."
NOT_MEMBERS = "Only the set's members can be recorded as attending."
SUCCESSOR_ELSEWHERE = "The successor must work for {organisation}."
SUCCESSOR_IS_LEAVER = "Name someone other than the person leaving."
NO_SUCCESSOR = "Name a successor first: they read the handover and confirm it."
CLOSED = "This handover has been confirmed; nothing more can change."


def _check_answers(template: str, answers: dict[str, str]) -> dict[str, str]:
    if template not in TEMPLATES:
        raise ValidationError({"template": "Choose Gibbs, After Action Review or What? So what?"})
    fields = [f for f, _ in TEMPLATES[template][1]]
    kept = {f: str(answers.get(f, "")).strip() for f in fields}
    if not any(kept.values()):
        raise ValidationError({"answers": EMPTY})
    return kept


def _writer_org(by: Any, partnership: Partnership, organisation: Organisation) -> None:
    member = partnership.memberships.current().filter(organisation=organisation).exists()
    if not member or org_roles(by).get(organisation.pk) not in ACTING_ORG_ROLES:
        raise ValidationError({"organisation": NOT_YOURS})


@action
def reflection_write(
    *,
    by: Any,
    partnership: Partnership,
    organisation: Organisation,
    title: str,
    template: str,
    answers: dict[str, str],
    sharing: str = Sharing.PRIVATE,
    meeting: Meeting | None = None,
    referral: Referral | None = None,
    event: Event | None = None,
) -> Reflection:
    """Write a reflection, private to its writer unless they choose to share it."""
    _writer_org(by, partnership, organisation)
    kept = _check_answers(template, answers)
    if meeting is not None and meeting.series.partnership_id != partnership.pk:
        raise ValidationError({"meeting": NOT_HERE.format(what="meeting")})
    if referral is not None and referral.partnership_id != partnership.pk:
        raise ValidationError({"referral": NOT_HERE.format(what="referral")})
    if (
        event is not None
        and not events_to_reflect_on(partnership, [organisation]).filter(pk=event.pk).exists()
    ):
        raise ValidationError({"event": EVENT_NOT_HERE})
    reflection = Reflection(
        writer=by,
        organisation=organisation,
        partnership=partnership,
        meeting=meeting,
        referral=referral,
        event=event,
        title=title.strip(),
        template=template,
        answers=kept,
        sharing=sharing,
    )
    reflection.full_clean()
    reflection.save()
    # The text stays out of the audit log: a private reflection is its writer's alone.
    audit_record(
        actor=by,
        action="reflection.write",
        obj=reflection,
        partnership=partnership,
        after={"template": template, "sharing": sharing},
    )
    return reflection


@action
def reflection_update(
    *, by: Any, reflection: Reflection, title: str, answers: dict[str, str], sharing: str
) -> Reflection:
    if reflection.writer_id != getattr(by, "pk", None):
        raise PermissionDenied
    before = {"sharing": reflection.sharing}
    reflection.title = title.strip()
    reflection.answers = _check_answers(reflection.template, answers)
    reflection.sharing = sharing
    reflection.changed_at = timezone.now()
    reflection.full_clean()
    reflection.save()
    if before["sharing"] == Sharing.PARTNERSHIP and sharing != Sharing.PARTNERSHIP:
        # No longer the partnership's: evaluators' copies and their coding go too.
        Source.objects.filter(kind="reflection", key=str(reflection.pk)).delete()
    audit_record(
        actor=by,
        action="reflection.update",
        obj=reflection,
        partnership=reflection.partnership,
        before=before,
        after={"sharing": sharing},
    )
    return reflection


# Action learning sets -----------------------------------------------------------------------


@action
def learning_set_create(
    *,
    by: Any,
    partnership: Partnership,
    organisation: Organisation,
    name: str,
    confidentiality: str,
    purpose: str = "",
    max_members: int = 8,
) -> LearningSet:
    """Start a set; its starter is its first member, accepting its agreement."""
    _writer_org(by, partnership, organisation)
    learning_set = LearningSet(
        partnership=partnership,
        name=name.strip(),
        purpose=purpose.strip(),
        confidentiality=confidentiality.strip(),
        max_members=max_members,
        created_by=person(by),
    )
    learning_set.full_clean()
    learning_set.save()
    SetMember.objects.create(learning_set=learning_set, user=by, organisation=organisation)
    audit_record(
        actor=by,
        action="learning_set.create",
        obj=learning_set,
        partnership=partnership,
        after={"name": learning_set.name, "max_members": max_members},
    )
    return learning_set


@action
def learning_set_join(
    *, by: Any, learning_set: LearningSet, organisation: Organisation, accept: bool
) -> SetJoinRequest:
    """Ask to join a set, accepting its confidentiality agreement (refused without it), and
    not within `ASK_AGAIN_AFTER` (30 days) of a decline. A current member (or the set's
    starter) approves or declines the request; until approved the person reads nothing of the
    set's sessions. The members are told."""
    learning_set = LearningSet.objects.select_for_update().get(pk=learning_set.pk)
    if not accept:
        raise ValidationError({"accept": MUST_ACCEPT})
    _writer_org(by, learning_set.partnership, organisation)
    if learning_set.members.filter(user=by).exists():
        raise ValidationError({"accept": ALREADY_JOINED})
    if learning_set.join_requests.filter(user=by, status=SetJoinRequest.Status.PENDING).exists():
        raise ValidationError({"accept": ALREADY_ASKED})
    declined = declined_recently(learning_set, by)
    if declined is not None:
        raise ValidationError({"accept": declined_text(declined)})
    if learning_set.members.count() >= learning_set.max_members:
        raise ValidationError({"accept": SET_FULL.format(n=learning_set.max_members)})
    asked = SetJoinRequest.objects.create(
        learning_set=learning_set, user=by, organisation=organisation
    )
    deciders = {m.user for m in learning_set.members.select_related("user")}
    tell(
        [],
        f"{by} asks to join “{learning_set.name}”",
        f"{by} ({organisation}) asks to join the action learning set “{learning_set.name}”. "
        "Approve or decline on the set's page.",
        url=reverse("learning_set", args=[learning_set.pk]),
        also=sorted(deciders, key=lambda u: u.pk),
    )
    audit_record(
        actor=by,
        action="learning_set.ask",
        obj=learning_set,
        partnership=learning_set.partnership,
        after={"member": str(by), "organisation": str(organisation), "accepted": True},
    )
    return asked


def declined_recently(learning_set: LearningSet, user: Any) -> SetJoinRequest | None:
    """`user`'s request declined less than `ASK_AGAIN_AFTER` ago, if any."""
    return (
        learning_set.join_requests.filter(
            user=user,
            status=SetJoinRequest.Status.DECLINED,
            decided_at__gt=timezone.now() - ASK_AGAIN_AFTER,
        )
        .order_by("-decided_at")
        .first()
    )


def declined_text(declined: SetJoinRequest) -> str:
    on = timezone.localtime(declined.decided_at)
    again = on + ASK_AGAIN_AFTER
    return DECLINED_RECENTLY.format(on=f"{on:%-d %B %Y}", again=f"{again:%-d %B %Y}")


def can_decide(user: Any, learning_set: LearningSet) -> bool:
    """A current member of the set, or the person who started it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return learning_set.created_by_id == user.pk or any(
        m.user_id == user.pk for m in learning_set.members.all()
    )


@action
def learning_set_decide(*, by: Any, join_request: SetJoinRequest, approve: bool) -> SetJoinRequest:
    """A member approves (the person joins, having accepted the agreement when asking) or
    declines a request to join."""
    learning_set = LearningSet.objects.select_for_update().get(pk=join_request.learning_set_id)
    if not can_decide(by, learning_set):
        raise PermissionDenied
    asked = SetJoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if asked.status != SetJoinRequest.Status.PENDING:
        raise ValidationError({"request": ANSWERED_ALREADY})
    if approve:
        if learning_set.members.count() >= learning_set.max_members:
            raise ValidationError({"request": SET_FULL.format(n=learning_set.max_members)})
        SetMember.objects.get_or_create(
            learning_set=learning_set,
            user_id=asked.user_id,
            defaults={"organisation_id": asked.organisation_id, "accepted_at": asked.asked_at},
        )
    asked.status = SetJoinRequest.Status.APPROVED if approve else SetJoinRequest.Status.DECLINED
    asked.decided_by, asked.decided_at = person(by), timezone.now()
    asked.save(update_fields=["status", "decided_by", "decided_at"])
    answer = "welcomes you" if approve else "has declined your request to join"
    tell(
        [],
        f"“{learning_set.name}” {answer}",
        f"The action learning set “{learning_set.name}” {answer}.",
        url=reverse("learning_set", args=[learning_set.pk]),
        also=[asked.user],
    )
    audit_record(
        actor=by,
        action="learning_set.join" if approve else "learning_set.decline",
        obj=learning_set,
        partnership=learning_set.partnership,
        after={"member": str(asked.user), "organisation": str(asked.organisation)},
    )
    return asked


@action
def set_session_record(
    *, by: Any, learning_set: LearningSet, held_on: dt.date, notes: str, attended: list[Any]
) -> SetSession:
    """A member records a session: when, who came, and notes only members read."""
    members = {m.user_id for m in learning_set.members.all()}
    if getattr(by, "pk", None) not in members:
        raise PermissionDenied
    if any(u.pk not in members for u in attended):
        raise ValidationError({"attended": NOT_MEMBERS})
    if held_on > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"held_on": "Record a session once it has taken place."})
    session = SetSession.objects.create(
        learning_set=learning_set, held_on=held_on, notes=notes.strip(), recorded_by=by
    )
    session.attended.set(attended)
    audit_record(
        actor=by,
        action="learning_set.session",
        obj=learning_set,
        partnership=learning_set.partnership,
        after={"held_on": held_on.isoformat(), "attended": len(attended)},
    )
    return session


# Handover -----------------------------------------------------------------------------------


def _url(handover: Handover) -> str:
    return reverse("handover", args=[handover.pk])


@action
def handover_start(
    *,
    by: Any,
    leaver: Any,
    organisation: Organisation,
    reason: str,
    partnership: Partnership | None = None,
) -> Handover:
    """Start a handover for `leaver`, pre-filled from what Joined Up holds (their contacts,
    open actions, agreements, referrals and meetings for `organisation`). If one is already
    open for them there, that one is returned: one note per person leaving."""
    existing = Handover.objects.filter(
        leaver=leaver, organisation=organisation, status=HandoverStatus.OPEN
    ).first()
    if existing is not None:
        return existing
    handover = Handover.objects.create(
        leaver=leaver,
        organisation=organisation,
        partnership=partnership,
        reason=reason,
        prefill=queries.prefill(leaver, organisation, partnership),
        started_by=person(by),
    )
    contacts = Membership.objects.current().filter(organisation=organisation, contacts=leaver)
    if partnership is not None:
        contacts = contacts.filter(partnership=partnership)
    items = [
        HandoverItem(handover=handover, kind=HandoverItem.CONTACT, membership=m) for m in contacts
    ]
    items += [
        HandoverItem(handover=handover, kind=HandoverItem.ACTION, action_point_id=a["id"])
        for a in handover.prefill["actions"]
    ]
    HandoverItem.objects.bulk_create(items)
    audit_record(
        actor=by,
        action="handover.start",
        obj=handover,
        partnership=partnership,
        after={"leaver": leaver.email, "reason": reason, "items": len(items)},
    )
    return handover


def on_contact_dropped(*, by: Any, membership: Membership, leaver: Any) -> None:
    """Called by `membership_set_contacts` for each person who stops being a contact."""
    handover_start(
        by=by,
        leaver=leaver,
        organisation=membership.organisation,
        partnership=membership.partnership,
        reason=HandoverReason.ROLE,
    )


def on_leaving(*, by: Any, leaver: Any, organisation: Organisation) -> None:
    """Called by `affiliation_end` before the leaver's contacts are removed, so the note still
    finds them. The leaver can no longer see the organisation's work: their managers write it."""
    handover_start(by=by, leaver=leaver, organisation=organisation, reason=HandoverReason.LEFT)


def _lock(handover: Handover) -> Handover:
    return Handover.objects.select_for_update().select_related("organisation").get(pk=handover.pk)


@action
def handover_update(
    *, by: Any, handover: Handover, leaver_notes: str | None = None, successor: Any = None
) -> Handover:
    """The leaver (or their manager) adds what they know and names the successor."""
    handover = _lock(handover)
    if not handover.is_open:
        raise ValidationError(CLOSED)
    before = {"successor": str(handover.successor or "")}
    if leaver_notes is not None:
        handover.leaver_notes = leaver_notes.strip()
    if successor is not None and successor.pk != handover.successor_id:
        if successor.pk == handover.leaver_id:
            raise ValidationError({"successor": SUCCESSOR_IS_LEAVER})
        if not Affiliation.objects.filter(
            user=successor, organisation=handover.organisation, role__in=ACTING_ORG_ROLES
        ).exists():
            raise ValidationError(
                {"successor": SUCCESSOR_ELSEWHERE.format(organisation=handover.organisation)}
            )
        handover.successor = successor
        tell(
            [],
            f"A handover for you from {handover.leaver}",
            f"{handover.leaver} is handing their work at {handover.organisation} to you. "
            "Read it, ask what you need to, and confirm it when you have what you need.",
            _url(handover),
            also=[successor],
        )
    handover.save(update_fields=["leaver_notes", "successor"])
    audit_record(
        actor=by,
        action="handover.update",
        obj=handover,
        partnership=handover.partnership,
        before=before,
        after={"successor": str(handover.successor or ""), "notes": bool(handover.leaver_notes)},
    )
    return handover


@action
def handover_ask(*, by: Any, handover: Handover, text: str) -> HandoverQuestion:
    """A question (or an answer) in the handover's thread."""
    if not text.strip():
        raise ValidationError({"text": "Write your question or answer."})
    if not handover.is_open:
        raise ValidationError(CLOSED)
    question = HandoverQuestion.objects.create(handover=handover, author=by, text=text.strip())
    audit_record(actor=by, action="handover.ask", obj=handover, partnership=handover.partnership)
    others = [u for u in (handover.leaver, handover.successor) if u and u.pk != by.pk]
    tell(
        [],
        f"A question on the handover from {handover.leaver}",
        text[:200],
        _url(handover),
        also=others,
    )
    return question


@action
def handover_confirm(*, by: Any, handover: Handover) -> Handover:
    """The successor confirms they have what they need. Then the leaver's named contacts and
    open actions move to them, each through its own app's action (and so audited there). The
    leaver cannot confirm: the receiver says when a handover is done."""
    handover = _lock(handover)
    if not handover.is_open:
        raise ValidationError(CLOSED)
    if handover.successor_id is None:
        raise ValidationError({"successor": NO_SUCCESSOR})
    if getattr(by, "pk", None) != handover.successor_id:
        raise PermissionDenied("Only the successor confirms a handover.")
    successor, leaver = handover.successor, handover.leaver
    assert successor is not None
    if not Affiliation.objects.filter(user=successor, organisation=handover.organisation).exists():
        raise ValidationError(
            {"successor": SUCCESSOR_ELSEWHERE.format(organisation=handover.organisation)}
        )
    moved = {"contacts": 0, "actions": 0}
    for item in handover.items.select_related("membership", "action_point"):
        if item.kind == HandoverItem.CONTACT and item.membership and item.membership.is_current:
            people = [u for u in item.membership.contacts.all() if u.pk != leaver.pk]
            membership_set_contacts(
                by=by, membership=item.membership, contacts=[*people, successor]
            )
            moved["contacts"] += 1
        elif item.kind == HandoverItem.ACTION and item.action_point:
            point: ActionPoint = item.action_point
            if point.status == ActionStatus.DONE or point.assignee_id not in (leaver.pk, None):
                continue
            action_assign(by=by, point=point, assignee=successor)
            moved["actions"] += 1
        else:
            continue
        item.moved = True
        item.save(update_fields=["moved"])
    handover.status = HandoverStatus.CONFIRMED
    handover.confirmed_at = timezone.now()
    handover.save(update_fields=["status", "confirmed_at"])
    audit_record(
        actor=by,
        action="handover.confirm",
        obj=handover,
        partnership=handover.partnership,
        after=moved,
    )
    tell(
        [],
        f"{successor} confirmed the handover from {leaver}",
        f"{successor} has what they need. Contacts moved: {moved['contacts']}; "
        f"actions moved: {moved['actions']}.",
        _url(handover),
        also=[u for u in (leaver, handover.started_by) if u is not None],
    )
    return handover
