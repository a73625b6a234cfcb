"""What each person's home page leads with, read in a fixed number of queries however many
partnerships, actions, concerns, referrals and people there are.

- A programme officer comes for the programme view: their programmes lead, each with its
  partnerships one click away side by side.
- The lead's admins and managers come to run the partnership: what is due leads — agreements
  to review, open and overdue actions, concerns, health-check rounds.
- A hub's coordinator finds the hubs they coordinate: each with its open topic requests and
  its next event, a click from the hub's learning page.
- Frontline staff come to refer people: the people they support, the referrals waiting for
  them, and "Refer someone" lead.
- Staff of a member organisation find their hub one click away: "Ask your hub for a topic",
  and the hub's coming events they may register for.
- Everyone then finds their partnerships and their organisations.

A person who is several of these gets every part, led by the first that fits them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.utils import timezone

from joinedup.access import acting_for, may, org_roles, programmes_overseen, standings
from joinedup.agreements import mustdos
from joinedup.agreements.models import AgreementVersion, VersionStatus
from joinedup.charter.models import CharterStatus, Signature
from joinedup.events.models import (
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    TopicStatus,
)
from joinedup.health.models import Answer, Round, RoundStatus
from joinedup.meetings.models import (
    ActionPoint,
    ActionStatus,
    Concern,
    ConcernAudience,
    ConcernStatus,
)
from joinedup.meetings.queries import unanswered
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Membership, Partnership
from joinedup.programmes.models import Hub, Programme
from joinedup.referrals.models import OPEN, WAITING, Message, Person, Referral
from joinedup.referrals.privacy import log_listed

SHOWN = 10  # items in each list on the home page; the rest are a link away
LOOKED_AT = 50  # rows read to find SHOWN the person may see
HEALTH_CHECK_EVERY = dt.timedelta(days=365)


@dataclass(frozen=True)
class ReviewDue:
    version: AgreementVersion
    partnership: Partnership
    overdue: bool


@dataclass(frozen=True)
class Card:
    partnership: Partnership
    review: str  # "overdue", "due soon" (an agreement's yearly review) or ""


@dataclass(frozen=True)
class RoundDue:
    partnership: Partnership
    round: Round | None  # the open round; None when a new one is due
    answered: bool = False


@dataclass
class Due:
    """What is due in the partnerships the person's organisations are members of."""

    reviews: list[ReviewDue] = field(default_factory=list)
    actions: list[ActionPoint] = field(default_factory=list)
    concerns: list[tuple[Concern, bool]] = field(default_factory=list)  # with "unanswered"
    rounds: list[RoundDue] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.reviews or self.actions or self.concerns or self.rounds)

    @property
    def overdue_actions(self) -> int:
        return sum(a.is_overdue for a in self.actions)


@dataclass(frozen=True)
class ProgrammeSummary:
    programme: Programme
    partnerships: int
    hubs: int
    checked: int  # partnerships with a health check opened in the last twelve months
    concerns: int  # concerns to all members not yet resolved, in all its partnerships
    left: int  # member organisations that left one of its partnerships in the year


@dataclass
class Casework:
    """A frontline worker's people and the referrals waiting for them."""

    waiting: list[Referral]
    people: list[Person]
    people_total: int


@dataclass(frozen=True)
class NextEvent:
    pk: int
    title: str
    starts_at: dt.datetime


@dataclass(frozen=True)
class HubCoordinated:
    hub: Hub
    open_requests: int
    next_event: NextEvent | None


@dataclass
class HubLearning:
    """For staff of a member organisation: the hubs of their partnerships, to ask for a topic,
    and those hubs' coming events open for registration (or that they registered for)."""

    hubs: list[Hub]
    events: list[Event]  # each with `registered`


@dataclass(frozen=True)
class ToSign:
    """An organisation the person may sign for, in a programme whose adopted Charter it has
    not signed."""

    organisation_id: int
    organisation: str
    programme_id: int
    programme: str


@dataclass
class Home:
    leads_with: str  # "programmes", "hubs", "due", "casework" or "partnerships"
    cards: list[Card]
    programmes: list[ProgrammeSummary] | None  # None for someone who oversees none
    due: Due | None
    casework: Casework | None
    hubs: list[HubCoordinated] | None = None  # None for someone who coordinates no hub
    hub_learning: HubLearning | None = None
    to_sign: list[ToSign] = field(default_factory=list)

    @property
    def order(self) -> list[str]:
        """The parts of the page, the one the person comes for first."""
        parts = [
            p
            for p in ("programmes", "hubs", "due", "casework", "hub_learning")
            if getattr(self, p) is not None
        ]
        return [self.leads_with, *(p for p in [*parts, "partnerships"] if p != self.leads_with)]


def home_for(user: Any, visible: list[Partnership], today: dt.date | None = None) -> Home:
    """The person's home, from the partnerships they see (`partnerships_visible_to`)."""
    today = today or timezone.localdate()
    seen = standings(user, visible)
    member_of = [p for p in visible if seen[p.pk].member_role is not None]
    managed = {p.pk for p in member_of if seen[p.pk].manages}
    # Partnerships an officer sees only through their programme are in the programme view,
    # not one card each (Help through Crisis has 69); a superuser keeps every card.
    cards = visible if user.is_superuser else member_of
    reviews = _reviews(cards, today)
    review_state = {
        pid: "overdue" if any(r.overdue for r in rs) else "due soon"
        for pid, rs in _by_partnership(reviews).items()
    }
    programmes = _programmes(user, today)
    acting = acting_for(user)
    hubs = _hubs_coordinated(user)
    if programmes:
        leads_with = "programmes"
    elif managed:
        leads_with = "due"
    elif hubs:
        leads_with = "hubs"
    elif acting and member_of:
        leads_with = "casework"
    else:
        leads_with = "partnerships"
    # The hubs of the partnerships the person's organisations are members of.
    member_hubs = {p.hub.pk: p.hub for p in member_of if p.hub is not None}
    return Home(
        leads_with=leads_with,
        cards=[Card(p, review_state.get(p.pk, "")) for p in cards],
        programmes=programmes or None,
        due=_due(user, member_of, managed, reviews, today) if member_of else None,
        # Referrals go between members: casework is for staff of a member organisation.
        casework=_casework(user, acting) if acting and member_of else None,
        hubs=hubs or None,
        # Topic requests come from projects: staff of member organisations.
        hub_learning=_hub_learning(user, list(member_hubs.values()))
        if acting and member_hubs
        else None,
        to_sign=_to_sign(user) if member_of else [],
    )


def _to_sign(user: Any) -> list[ToSign]:
    """The organisations the person is an admin or manager of that are members in a programme
    with an adopted Good Partners Charter they have not signed: one query."""
    managing = [org for org, role in org_roles(user).items() if role in MANAGING_ORG_ROLES]
    if not managing:
        return []
    signed = Signature.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        version__charter__programme_id=OuterRef("partnership__programme_id"),
        withdrawn_on__isnull=True,
    )
    rows = (
        Membership.objects.filter(
            organisation_id__in=managing,
            left_on__isnull=True,
            partnership__programme__charter__versions__status=CharterStatus.ADOPTED,
        )
        .exclude(Exists(signed))
        .values_list(
            "organisation_id",
            "organisation__name",
            "partnership__programme_id",
            "partnership__programme__name",
        )
        .distinct()
        .order_by("organisation__name", "partnership__programme__name")
    )
    return [ToSign(*row) for row in rows[:SHOWN]]


def _hubs_coordinated(user: Any) -> list[HubCoordinated]:
    """The hubs the person coordinates, each with its open topic requests and its next event:
    one query."""
    coming = Event.objects.filter(
        hub=OuterRef("pk"), status=EventStatus.PLANNED, starts_at__gt=timezone.now()
    ).order_by("starts_at", "pk")
    hubs = (
        Hub.objects.filter(coordinator=user)
        .select_related("programme")
        .annotate(
            open_requests=Count(
                "topic_requests", filter=Q(topic_requests__status=TopicStatus.OPEN)
            ),
            next_pk=Subquery(coming.values("pk")[:1]),
            next_title=Subquery(coming.values("title")[:1]),
            next_at=Subquery(coming.values("starts_at")[:1]),
        )
        .order_by("programme__name", "name")
    )
    return [
        HubCoordinated(
            h,
            h.open_requests,  # type: ignore[attr-defined]
            NextEvent(h.next_pk, h.next_title, h.next_at) if h.next_pk else None,  # type: ignore[attr-defined]
        )
        for h in hubs
    ]


def _hub_learning(user: Any, hubs: list[Hub]) -> HubLearning:
    """The hubs' coming events the person may register for or has registered for: one query."""
    now = timezone.now()
    events: list[Event] = list(
        Event.objects.filter(hub__in=hubs, status=EventStatus.PLANNED, starts_at__gt=now)
        .select_related("hub")
        .annotate(
            registered=Exists(
                Registration.objects.filter(event=OuterRef("pk"), user=user).exclude(
                    status=RegistrationStatus.CANCELLED
                )
            )
        )
        .order_by("starts_at", "pk")[:LOOKED_AT]
    )
    return HubLearning(
        hubs=sorted(hubs, key=lambda h: h.name.lower()),
        events=[e for e in events if e.registered or e.registration_open(now)][:SHOWN],  # type: ignore[attr-defined]
    )


def _by_partnership(reviews: list[ReviewDue]) -> dict[int, list[ReviewDue]]:
    found: dict[int, list[ReviewDue]] = {}
    for r in reviews:
        found.setdefault(r.partnership.pk, []).append(r)
    return found


def _reviews(partnerships: list[Partnership], today: dt.date) -> list[ReviewDue]:
    """Agreements in force whose yearly review is overdue or due within a month: one query."""
    by_id = {p.pk: p for p in partnerships}
    versions = (
        AgreementVersion.objects.filter(
            status=VersionStatus.IN_FORCE,
            review_on__lte=today + mustdos.REVIEW_SOON,
            agreement__partnership__in=list(by_id),
        )
        .select_related("agreement")
        .order_by("review_on", "pk")
    )
    return [
        ReviewDue(
            v, by_id[v.agreement.partnership_id], v.review_on is not None and v.review_on < today
        )
        for v in versions
    ]


def _programmes(user: Any, today: dt.date) -> list[ProgrammeSummary]:
    """The programmes the person oversees (every one, for a superuser), with figures a
    database can count at once — how many partnerships, hubs, health checks in the year,
    open concerns and members who left in the year: four queries. The figures that need
    every partnership's evidence (depth, bands, flags) are the programme view's."""
    overseen = programmes_overseen(user)
    if not (user.is_superuser or overseen):
        return []
    chosen = (
        Programme.objects.all() if user.is_superuser else Programme.objects.filter(pk__in=overseen)
    )
    programmes = list(
        chosen.annotate(
            n_partnerships=Count("partnerships", distinct=True),
            n_hubs=Count("hubs", distinct=True),
        ).order_by("name")
    )
    ids = [p.pk for p in programmes]
    year_ago = today - HEALTH_CHECK_EVERY

    def per_programme(qs: Any, counted: str) -> dict[int, int]:
        return dict(
            qs.values("partnership__programme_id")
            .annotate(n=Count(counted, distinct=True))
            .values_list("partnership__programme_id", "n")
        )

    checked = per_programme(
        Round.objects.filter(partnership__programme__in=ids, opened_on__gt=year_ago),
        "partnership_id",
    )
    concerns = per_programme(
        # Those to all members: an officer sees them; one to the lead only is the lead's.
        Concern.objects.filter(
            partnership__programme__in=ids, audience=ConcernAudience.ALL
        ).exclude(status=ConcernStatus.RESOLVED),
        "pk",
    )
    left = per_programme(
        Membership.objects.filter(partnership__programme__in=ids, left_on__gt=year_ago),
        "pk",
    )
    return [
        ProgrammeSummary(
            p,
            p.n_partnerships,  # type: ignore[attr-defined]
            p.n_hubs,  # type: ignore[attr-defined]
            checked.get(p.pk, 0),
            concerns.get(p.pk, 0),
            left.get(p.pk, 0),
        )
        for p in programmes
    ]


def _due(
    user: Any,
    member_of: list[Partnership],
    managed: set[int],
    reviews: list[ReviewDue],
    today: dt.date,
) -> Due:
    """Four queries: actions, concerns, rounds, and the person's answers to the open rounds.
    Whether the person may see each action and concern is decided by the same rules as every
    page, from the standings already read."""
    ids = [p.pk for p in member_of]
    by_id = {p.pk: p for p in member_of}
    mine = list(org_roles(user))
    actions = (
        ActionPoint.objects.exclude(status=ActionStatus.DONE)
        .filter(meeting__series__partnership_id__in=ids)
        .filter(Q(owner_id__in=mine) | Q(meeting__series__partnership_id__in=list(managed)))
        .select_related("owner", "meeting__series__partnership")
        .order_by("due_on", "pk")[:LOOKED_AT]
    )
    concerns = (
        Concern.objects.filter(partnership_id__in=ids)
        .exclude(status=ConcernStatus.RESOLVED)
        .select_related("organisation", "partnership")[:LOOKED_AT]
    )
    return Due(
        # Agreements are the lead's to review; its admins and managers see them here.
        reviews=[r for r in reviews if r.partnership.pk in managed][:SHOWN],
        actions=[a for a in actions if may(user, "meetings.view_actionpoint", a)][:SHOWN],
        concerns=[
            (c, unanswered(c, today)) for c in concerns if may(user, "meetings.view_concern", c)
        ][:SHOWN],
        rounds=_rounds(user, by_id, managed, today),
    )


def _rounds(
    user: Any, by_id: dict[int, Partnership], managed: set[int], today: dt.date
) -> list[RoundDue]:
    """Open rounds to answer, and for the partnerships the person runs, a round due when
    none has opened in a year."""
    latest: dict[int, Round] = {}
    open_rounds: list[Round] = []
    for r in Round.objects.filter(partnership_id__in=list(by_id)).order_by(
        "partnership_id", "-opened_on", "-pk"
    ):
        latest.setdefault(r.partnership_id, r)
        if r.status == RoundStatus.OPEN:
            open_rounds.append(r)
    answered = set(
        Answer.objects.filter(round__in=open_rounds, user=user).values_list("round_id", flat=True)
    )
    due = [RoundDue(by_id[r.partnership_id], r, r.pk in answered) for r in open_rounds]
    for pid in sorted(managed, key=lambda pid: by_id[pid].name.lower()):
        last = latest.get(pid)
        if last is None or (
            last.status != RoundStatus.OPEN and last.opened_on <= today - HEALTH_CHECK_EVERY
        ):
            due.append(RoundDue(by_id[pid], None))
    return due[:SHOWN]


def _casework(user: Any, acting: list[int]) -> Casework:
    """Referrals waiting for the person's organisations — to accept or decline, or to answer
    the receiver's question — and the people they support, those the person recorded first.
    Four queries, one of them the access-log rows for the people the page names."""
    last = Message.objects.filter(referral=OuterRef("pk")).order_by("-at", "-pk")
    waiting: list[Referral] = list(
        Referral.objects.select_related("from_org", "to_org", "service", "person")
        .annotate(
            asked=Subquery(last.values("asks_for_info")[:1]),
            asked_by=Subquery(last.values("organisation_id")[:1]),
        )
        .filter(
            Q(to_org_id__in=acting, status__in=WAITING)
            | Q(from_org_id__in=acting, status__in=OPEN, asked=True, asked_by=F("to_org_id"))
        )
        .order_by("sent_at", "pk")[:SHOWN]
    )
    for referral in waiting:
        referral.for_us = referral.to_org_id in acting  # type: ignore[attr-defined]
        referral.holder_sees = referral.person.organisation_id in acting  # type: ignore[attr-defined]
    people_qs = Person.objects.filter(organisation_id__in=acting, erased_at__isnull=True)
    people = list(
        people_qs.select_related("organisation").order_by(
            Case(When(created_by=user, then=0), default=1, output_field=IntegerField()),
            "-created_at",
            "-pk",
        )[:SHOWN]
    )
    named = [
        *people,
        *(r.person for r in waiting if r.holder_sees and not r.person.erased_at),  # type: ignore[attr-defined]
    ]
    log_listed(by=user, people=named, purpose="Listed by name on the home page")
    return Casework(waiting=waiting, people=people, people_total=people_qs.count())
