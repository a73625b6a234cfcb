"""Reflective practice and handover for the demo, through the actions (issue 17, items 5, 6).

Axis Youth Hub: reflections at each sharing level and an action learning set across its core
partners, meeting every six to eight weeks (seed 004). Rossendale Crisis Support: a
coordinator at Citizens Advice Rossendale and Hyndburn leaves; their handover, pre-filled,
waits for the successor to confirm it (seed 003: when staff change, relationships and
knowledge are lost). Everything here is invented. A second run writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.meetings.actions import action_add
from joinedup.meetings.actions_assign import action_assign
from joinedup.meetings.models import Meeting
from joinedup.organisations.actions import affiliation_end, affiliation_set_by_system
from joinedup.partnerships.actions import membership_set_contacts
from joinedup.partnerships.models import Affiliation, Organisation, Partnership
from joinedup.reflection import actions
from joinedup.reflection.models import HandoverReason, Reflection, Sharing


def _person(email: str, name: str, organisation: Organisation, role: str, pw: str) -> User:
    user = User.objects.create(email=email, name=name, password=pw)
    affiliation_set_by_system(user=user, organisation=organisation, role=role, why="demo")
    return user


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def load(
    orgs: dict[str, Organisation], partnerships: dict[str, Partnership], password_hash: str
) -> int:
    """Load it; return how many reflections were written (0 when already loaded)."""
    axis = partnerships["axis-youth-hub"]
    if Reflection.objects.filter(partnership=axis).exists():
        return 0
    written = _axis(orgs, axis, password_hash)
    _rossendale(orgs, partnerships["rossendale-crisis-support"], password_hash)
    return written


def _axis(orgs: dict[str, Organisation], axis: Partnership, pw: str) -> int:
    rachel = User.objects.get(email="rachel.ashdown@demo.joinedup.example")
    tom = User.objects.get(email="tom.bevington@demo.joinedup.example")
    priya = _person("priya.shah@demo.joinedup.example", "Priya Shah", orgs["our-way"], "staff", pw)
    dan = _person(
        "dan.mercer@demo.joinedup.example", "Dan Mercer", orgs["basement-project"], "staff", pw
    )
    nightstop, kdyt = orgs["wyre-forest-nightstop"], orgs["kdyt"]
    last_meeting = (
        Meeting.objects.filter(series__partnership=axis, starts_at__lt=timezone.now())
        .order_by("-starts_at")
        .first()
    )
    actions.reflection_write(
        by=rachel,
        partnership=axis,
        organisation=nightstop,
        title="The Saturday drop-in pilot",
        template="aar",
        answers={
            "intended": "Four partners staff a Saturday drop-in at the Hub for six weeks.",
            "happened": "Two partners covered every Saturday; young people came mostly after "
            "3pm, when only one worker was left.",
            "why": "We planned the rota around our opening hours, not theirs, and never "
            "asked the young people when they would come.",
            "differently": "Ask the youth forum first; rota the late afternoon; review at "
            "week three, not at the end.",
        },
        sharing=Sharing.PARTNERSHIP,
        meeting=last_meeting,
    )
    actions.reflection_write(
        by=tom,
        partnership=axis,
        organisation=kdyt,
        title="Chairing my first core partners' meeting",
        template="gibbs",
        answers={
            "description": "I chaired the core partners' meeting in the rota for the first time.",
            "feelings": "Nervous: the statutory partners know the procedures better than I do.",
            "evaluation": "We got through the agenda; the housing item overran.",
            "analysis": "I let the loudest voice lead because I did not hold to the timings.",
            "conclusion": "Agreeing timings at the start would have given everyone a say.",
            "action_plan": "Next time: timings agreed at the start, and a go-round on each item.",
        },
        sharing=Sharing.ORGANISATION,
        meeting=last_meeting,
    )
    actions.reflection_write(
        by=tom,
        partnership=axis,
        organisation=kdyt,
        title="A referral that came back",
        template="what",
        answers={
            "what": "A referral to a wider partner was returned: they were full.",
            "so_what": "I had not checked their capacity; the directory listing was old.",
            "now_what": "Check the listing's review date before referring; tell them when "
            "it is stale.",
        },
    )
    alset = actions.learning_set_create(
        by=rachel,
        partnership=axis,
        organisation=nightstop,
        name="Axis front-line practitioners' set",
        purpose="Workers from the Hub's core partners bring a problem from their practice; "
        "the set asks questions, not advice, and each leaves with an action.",
        confidentiality="What members bring stays in the set: we do not repeat it, name "
        "anyone from it, or use it elsewhere without the member's agreement. Nothing about a "
        "young person is brought that could identify them.",
        max_members=6,
    )
    for user, organisation in (
        (tom, kdyt),
        (priya, orgs["our-way"]),
        (dan, orgs["basement-project"]),
    ):
        asked = actions.learning_set_join(
            by=user, learning_set=alset, organisation=organisation, accept=True
        )
        actions.learning_set_decide(by=rachel, join_request=asked, approve=True)
    notes = [
        "Priya brought a young person's move-on falling through; actions: ask housing "
        "options to join the next wider meeting.",
        "Tom brought chairing across sectors; the set suggested agreed timings.",
        "Dan brought a disagreement over who follows up missed appointments.",
    ]
    for n, note in enumerate(notes):
        held = _days(-20 - 49 * (len(notes) - 1 - n))
        attended = [rachel, tom, priya] if n == 0 else [rachel, tom, priya, dan]
        actions.set_session_record(
            by=rachel, learning_set=alset, held_on=held, notes=note, attended=attended
        )
    return 3


def _rossendale(orgs: dict[str, Organisation], rossendale: Partnership, pw: str) -> None:
    carh = orgs["carh"]
    helen = User.objects.get(email="helen.ormerod@demo.joinedup.example")
    mark = _person("mark.haworth@demo.joinedup.example", "Mark Haworth", carh, "staff", pw)
    aisha = _person("aisha.patel@demo.joinedup.example", "Aisha Patel", carh, "staff", pw)
    membership = rossendale.memberships.current().get(organisation=carh)
    membership_set_contacts(
        by=helen, membership=membership, contacts=[*membership.contacts.all(), mark]
    )
    meeting = (
        Meeting.objects.filter(series__partnership=rossendale, starts_at__lt=timezone.now())
        .order_by("-starts_at")
        .first()
    )
    if meeting is not None:
        point = action_add(
            by=helen,
            meeting=meeting,
            description="Agree with the credit union how crisis-fund referrals reach them",
            owner=carh,
            due_on=_days(21),
        )
        action_assign(by=helen, point=point, assignee=mark)
    # Mark is leaving: Helen starts his handover, he writes what he knows, names Aisha.
    handover = actions.handover_start(
        by=helen, leaver=mark, organisation=carh, reason=HandoverReason.LEFT
    )
    actions.handover_update(
        by=mark,
        handover=handover,
        leaver_notes="The food pantry's volunteer lead, Bev, answers on Tuesdays only. The "
        "credit union wants referrals by the shared form, never by email. The wellbeing "
        "collective is worried about the fuel-vouchers change: call them before the next "
        "core meeting. The crisis-fund review is due in the spring.",
        successor=aisha,
    )
    actions.handover_ask(
        by=aisha, handover=handover, text="Who at the council signs off the crisis fund?"
    )
    actions.handover_ask(
        by=mark,
        handover=handover,
        text="The welfare team's manager; the contact is in the partnership's agreement.",
    )
    # He has gone: his admin removes him (his handover stays open, for Aisha to confirm).
    affiliation_end(
        by=helen,
        affiliation=Affiliation.objects.get(user=mark, organisation=carh),
        reason="Left for a new job",
    )
