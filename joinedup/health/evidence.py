"""The evidence of what members did, gathered for many partnerships at once.

`gather(partnerships)` reads each partnership's **window**: the twelve months up to its end (its
`end_on`, once it has passed or the partnership is closed) or to today while it runs. It runs a
fixed number of queries (listed in `_gather_window`) per distinct window end — every running
partnership shares today's — however many partnerships, members, meetings and flows there are;
depth, flags, reciprocity, the network and the programme view are computed from it in Python.
Referrals are read in one place only, `referral_rows`.

A member that joined within `NEW_MEMBER_DAYS` (90) of the window's end is **new**: it has had
no time to take part, so it is never flagged "in name only". An ended partnership has no
meetings due, so its series carry no cadence.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from joinedup.agreements.models import SignOff, VersionStatus
from joinedup.decisions.models import Position, Stance
from joinedup.health.depth import (
    MemberEvidence,
    OneWayStreet,
    Placement,
    Reciprocity,
    Stage,
    in_name_only,
    one_way_streets,
    partnership_stage,
    place,
    reciprocity,
)
from joinedup.health.models import Answer, Rating, TimeLog
from joinedup.health.network import Flows, Known, Network, Node, build
from joinedup.meetings.models import Attendance, MeetingStatus, Presence, Series, Tier
from joinedup.meetings.queries import Cadence, series_health
from joinedup.partnerships.models import MemberRole, Membership, Partnership, PartnershipStatus
from joinedup.referrals.models import DeclineReason, Referral, Signpost, Status
from joinedup.resources.models import Exchange

YEAR = dt.timedelta(days=365)
NEW_MEMBER_DAYS = 90
RECENT_MEETINGS = 6  # as `meetings.queries.attendance_rates` counts

# The meetings a member is expected at: lead and core partners meet as core partners (and on
# the board), wider partners at the wider partners' meetings.
TIER_OF_ROLE = {MemberRole.LEAD: "core", MemberRole.CORE: "core", MemberRole.WIDER: "wider"}
TIERS_OF = {"core": {Tier.CORE, Tier.BOARD}, "wider": {Tier.WIDER}}
TIER_LABELS = {"core": "Core partners", "wider": "Wider partners"}

# A draft has not left the referrer: it is no flow between organisations.
UNSENT_REFERRALS = {Status.DRAFT}
# Referrals the receiver took on: accepted, and what only an accepted referral becomes.
TAKEN_ON = {Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED, Status.CLOSED}


@dataclass(frozen=True)
class ReferralRow:
    """Referrals, or signpostings (`signpost` true, `status` empty), between organisations,
    counted (`referral_rows`): a pair's row says `accepted` for those taken on and `sent` for
    the rest; a need's row `declined`, with its reason and area, where the gaps count them."""

    partnership_id: int
    from_org_id: int
    to_org_id: int | None
    need: str
    area: str
    status: str
    decline_reason: str
    signpost: bool = False
    # How many referrals (or signpostings) the row stands for, and what it counts in:
    # `referral_rows` reads them counted twice over — by pair and status for the flows, by
    # need for the gaps — so that a year of 100,000 referrals is a few thousand rows.
    n: int = 1
    counts_pairs: bool = True
    counts_needs: bool = True


def referral_rows(
    partnership_ids: Sequence[int], since: dt.datetime, until: dt.datetime | None = None
) -> list[ReferralRow]:
    """Every referral sent and every signposting recorded in these partnerships since `since`
    (and up to `until`, when given), in two queries, counted only as finely as the evidence
    reads them: by pair, as taken on (status `accepted`) or not (`sent`); by need, with the
    status, reason and area only where the gaps count them (declined for capacity or
    eligibility), else `sent`. Drafts have not left the referrer and are not read. Counting by
    every status made the stored evidence grow with the referrals (8,501 rows, 550 kB at
    100,000 among 30 members; issue 19). The only read of the referrals app in the health
    module: nothing about the people referred is read."""
    ids = list(partnership_ids)
    referrals = Referral.objects.filter(partnership_id__in=ids, created_at__gte=since)
    referrals = referrals.exclude(status__in=UNSENT_REFERRALS)
    referrals = referrals.filter(**({"created_at__lte": until} if until else {}))
    inner, params = (
        referrals.order_by()
        .values(
            "partnership_id", "from_org_id", "to_org_id", "need", "area", "status", "decline_reason"
        )
        .query.sql_with_params()
    )
    # By pair, taken on or not; and by need, with the status, reason and area only where the
    # gaps show them. One query.
    reasons = "', '".join(GAP_REASONS)
    taken_on = "', '".join(sorted(TAKEN_ON))
    gap = f"r.status = 'declined' AND r.decline_reason IN ('{reasons}')"
    sql = f"""
        SELECT partnership_id, from_org_id, to_org_id, '', '', CASE WHEN status IN
               ('{taken_on}') THEN 'accepted' ELSE 'sent' END, '', 1, COUNT(*)
          FROM ({inner}) r GROUP BY partnership_id, from_org_id, to_org_id, 6
        UNION ALL
        SELECT partnership_id, NULL, NULL, need, CASE WHEN {gap} THEN area ELSE '' END,
               CASE WHEN {gap} THEN 'declined' ELSE 'sent' END,
               CASE WHEN {gap} THEN decline_reason ELSE '' END, 0, COUNT(*)
          FROM ({inner}) r GROUP BY partnership_id, need, 5, 6, 7"""  # noqa: S608
    rows = [_counted_row(row) for row in _fetch(sql, [*params, *params])]
    signposts = Signpost.objects.filter(partnership_id__in=ids, on__gte=timezone.localdate(since))
    signposts = signposts.filter(**({"on__lte": timezone.localdate(until)} if until else {}))
    inner, params = (
        signposts.order_by()
        .values("partnership_id", "from_org_id", "to_org_id", "need")
        .query.sql_with_params()
    )
    sql = f"""
        SELECT partnership_id, from_org_id, to_org_id, '', '', '', '', 1, COUNT(*)
          FROM ({inner}) s GROUP BY partnership_id, from_org_id, to_org_id
        UNION ALL
        SELECT partnership_id, NULL, NULL, need, '', '', '', 0, COUNT(*)
          FROM ({inner}) s GROUP BY partnership_id, need"""  # noqa: S608
    rows.extend(_counted_row(row, signpost=True) for row in _fetch(sql, [*params, *params]))
    # In a fixed order: PostgreSQL returns groups in any order, and the evidence is compared
    # (and stored, `joinedup.figures`) as a list.
    return sorted(rows, key=_referral_order)


def _referral_order(r: ReferralRow) -> tuple[Any, ...]:
    return (
        r.partnership_id,
        r.signpost,
        r.counts_needs,
        r.from_org_id or 0,
        r.to_org_id or 0,
        r.need,
        r.area,
        r.status,
        r.decline_reason,
    )


# The reasons for declining that the gaps page counts by area (`gaps.CAPACITY`, `ELIGIBILITY`).
GAP_REASONS = (DeclineReason.NO_CAPACITY.value, DeclineReason.NOT_ELIGIBLE.value)


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _counted_row(row: tuple[Any, ...], signpost: bool = False) -> ReferralRow:
    partnership_id, from_org_id, to_org_id, need, area, status, reason, by_pair, n = row
    return ReferralRow(
        partnership_id,
        from_org_id,
        to_org_id,
        need,
        area,
        status,
        reason,
        signpost=signpost,
        n=n,
        counts_pairs=bool(by_pair),
        counts_needs=not by_pair,
    )


@dataclass
class PartnershipEvidence:
    partnership: Partnership
    start: dt.date
    end: dt.date
    members: list[MemberEvidence] = field(default_factory=list)
    flows: Flows = field(default_factory=Flows)
    joined: int = 0  # members who joined in the twelve months
    left: int = 0  # members who left in the twelve months
    cadence: dict[int, Cadence] = field(default_factory=dict)  # by series id
    series: list[Series] = field(default_factory=list)
    referrals: list[ReferralRow] = field(default_factory=list)
    flows_meetings: set[int] = field(default_factory=set)  # meetings held with a register
    ended: bool = False  # the window ends at the partnership's end, not today
    # Computed from the members on first use: a cache, not evidence, so not compared.
    _placements: dict[int, Placement] | None = field(default=None, compare=False, repr=False)
    # Betweenness computed with stored figures, for the network of that shape: not evidence,
    # so not compared (`figures.queries.stored_evidence`).
    known_betweenness: Known | None = field(default=None, compare=False, repr=False)

    @property
    def new_members(self) -> list[MemberEvidence]:
        return [m for m in self.members if m.new]

    def placements(self) -> dict[int, Placement]:
        """{organisation id: its placement}."""
        if self._placements is None:
            self._placements = {
                m.organisation_id: place(m, TIER_LABELS.get(m.tier, "")) for m in self.members
            }
        return self._placements

    @property
    def stage(self) -> Stage | None:
        return partnership_stage([p.stage for p in self.placements().values()])

    def stage_counts(self) -> dict[Stage, int]:
        counts = dict.fromkeys(Stage, 0)
        for p in self.placements().values():
            counts[p.stage] += 1
        return counts

    def in_name_only(self) -> dict[int, list[str]]:
        """{organisation id: the evidence} for members taking part in name only."""
        return {
            m.organisation_id: flag for m in self.members if (flag := in_name_only(m)) is not None
        }

    def reciprocity(self) -> dict[int, Reciprocity]:
        """Each member's index, with the one-way streets it is part of as its flag."""
        names = {m.organisation_id: m.name for m in self.members}
        streets: dict[int, list[str]] = defaultdict(list)
        for street in self.one_way():
            for org in (street.sender, street.receiver):
                streets[org].append(street.describe(names))
        return {
            m.organisation_id: reciprocity(m, "; ".join(streets[m.organisation_id]) or None)
            for m in self.members
        }

    def one_way(self) -> list[OneWayStreet]:
        """The one-way streets between members, per pair and flow (`depth.one_way_streets`)."""
        sent: dict[tuple[int, int], int] = defaultdict(int)
        accepted: dict[tuple[int, int], int] = defaultdict(int)
        referred: set[tuple[int, int]] = set()
        for r in self.referrals:
            if r.to_org_id is None or r.status in UNSENT_REFERRALS or not r.counts_pairs:
                continue
            pair = (r.from_org_id, r.to_org_id)
            referred.add(pair)
            if not r.signpost:
                sent[pair] += r.n
                accepted[pair] += r.n if r.status in TAKEN_ON else 0
        return one_way_streets(
            referrals=dict(sent),
            accepted=dict(accepted),
            referred=referred,
            resources=self.flows.resources,
            members={m.organisation_id for m in self.members},
        )

    def names(self) -> dict[int, str]:
        return {m.organisation_id: m.name for m in self.members}

    def mean_reciprocity(self) -> float | None:
        """The mean reciprocity index of the members that gave or received anything."""
        indices = [r.index for r in self.reciprocity().values() if r.index is not None]
        return sum(indices) / len(indices) if indices else None

    def network(self) -> Network:
        """The members as a network; decisions carried together and the meetings layer are
        in it once `network_ties` has read them."""
        nodes = [Node(m.organisation_id, m.name, m.sector, m.activity) for m in self.members]
        return build(nodes, self.flows, self.known_betweenness)

    def member(self, organisation_id: int) -> MemberEvidence:
        return next(m for m in self.members if m.organisation_id == organisation_id)

    @property
    def activity(self) -> dict[str, int]:
        """Counts across the partnership in the twelve months."""
        return {
            "referrals": sum(m.referrals_made for m in self.members),
            "resources": sum(m.resources_given for m in self.members),
            "positions": sum(m.positions for m in self.members),
            "meetings": len(self.flows_meetings),
        }

    def cadence_labels(self) -> list[tuple[Series, Cadence]]:
        return [(s, self.cadence[s.pk]) for s in self.series if s.pk in self.cadence]

    @property
    def cadence_kept(self) -> tuple[int, int]:
        """(series on track, series) among the recurring ones (not one-to-ones)."""
        recurring = [c for s, c in self.cadence_labels() if s.tier != Tier.ONE_TO_ONE]
        return sum(c.label == "On track" for c in recurring), len(recurring)


def window_end(partnership: Partnership, today: dt.date) -> tuple[dt.date, bool]:
    """(the last day of the partnership's evidence window, whether the partnership has ended):
    its `end_on` once that has passed or it is closed, else today."""
    ended = partnership.status == PartnershipStatus.CLOSED or (
        partnership.end_on is not None and partnership.end_on < today
    )
    if ended and partnership.end_on is not None:
        return min(partnership.end_on, today), True
    return today, ended


def _window(today: dt.date) -> tuple[dt.date, dt.datetime, dt.datetime]:
    start = today - YEAR
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(today, dt.time.max, tzinfo=tz)
    return start, since, until


def gather(
    partnerships: Iterable[Partnership], today: dt.date | None = None
) -> dict[int, PartnershipEvidence]:
    """Evidence per partnership over its window (see the module's docstring), read together
    for all the partnerships whose windows end on the same day."""
    today = today or timezone.localdate()
    groups: dict[tuple[dt.date, bool], list[Partnership]] = defaultdict(list)
    for p in partnerships:
        groups[window_end(p, today)].append(p)
    found: dict[int, PartnershipEvidence] = {}
    for (end, ended), group in sorted(groups.items(), key=lambda kv: kv[0]):
        found.update(_gather_window(group, end, ended))
    return found


def _gather_window(
    partnerships: list[Partnership], today: dt.date, ended: bool
) -> dict[int, PartnershipEvidence]:
    """Evidence over the twelve months to `today` (a partnership's end when `ended`), in twelve
    queries whatever their number: memberships; series; their cadence; attendance at meetings
    held; referrals; signposts; exchanges; positions; signatures; health-check answers;
    ratings; time logs (eleven when `ended`: no cadence)."""
    start, since, until = _window(today)
    found = {p.pk: PartnershipEvidence(p, start, today, ended=ended) for p in partnerships}
    ids = list(found)
    if not ids:
        return found
    new_since = today - dt.timedelta(days=NEW_MEMBER_DAYS)

    # 1. Memberships: current members, and who joined or left in the window.
    members: dict[tuple[int, int], MemberEvidence] = {}
    joined_on: dict[tuple[int, int], dt.date] = {}
    for ms in (
        Membership.objects.filter(partnership_id__in=ids)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    ):
        ev = found[ms.partnership_id]
        if ended and ms.joined_on > today:
            continue  # joined after the partnership ended
        if start <= ms.joined_on <= today:
            ev.joined += 1
        # An ended partnership's members are those still in it on its last day (some may
        # have been marked as leaving on that day when it closed).
        if ms.left_on is not None and not (ended and ms.left_on >= today):
            if start <= ms.left_on <= today:
                ev.left += 1
            continue
        key = (ms.partnership_id, ms.organisation_id)
        members[key] = MemberEvidence(
            organisation_id=ms.organisation_id,
            name=ms.organisation.name,
            sector=ms.organisation.sector,
            role=ms.role,
            levels=tuple(ms.levels),
            tier=TIER_OF_ROLE[MemberRole(ms.role)],
            new=ms.joined_on > new_since,
        )
        joined_on[key] = ms.joined_on
        ev.members.append(members[key])

    # 2-3. Series and their cadence (none once the partnership has ended: nothing is due).
    series = list(Series.objects.filter(partnership_id__in=ids).order_by("tier", "title", "pk"))
    for s in series:
        found[s.partnership_id].series.append(s)
    partnership_of = {s.pk: s.partnership_id for s in series}
    for series_id, cadence in ({} if ended else series_health(series, today)).items():
        found[partnership_of[series_id]].cadence[series_id] = cadence

    # 4. Attendance at meetings held in the window with a register.
    _attendance(found, members, joined_on, since, min(until, timezone.now()))

    # 5. Referrals, sent, either way.
    for row in referral_rows(ids, since, until if ended else None):
        ev = found[row.partnership_id]
        ev.referrals.append(row)
        if row.status in UNSENT_REFERRALS or row.to_org_id is None or not row.counts_pairs:
            continue
        _count(ev.flows.referrals, (row.from_org_id, row.to_org_id), row.n)
        if (made := members.get((row.partnership_id, row.from_org_id))) is not None:
            made.referrals_made += row.n
        if (taken := members.get((row.partnership_id, row.to_org_id))) is not None:
            taken.referrals_received += row.n

    # 6. Resources exchanged.
    for r in (
        Exchange.objects.filter(partnership_id__in=ids, on__gte=start, on__lte=today)
        .values("partnership_id", "giver_id", "receiver_id")
        .annotate(n=Count("pk"), hours=Sum("hours"))
        .order_by()
    ):
        pid, hours = r["partnership_id"], r["hours"] or Decimal(0)
        _count(found[pid].flows.resources, (r["giver_id"], r["receiver_id"]), r["n"])
        if (giver := members.get((pid, r["giver_id"]))) is not None:
            giver.resources_given += r["n"]
            giver.hours_given += hours
        if (receiver := members.get((pid, r["receiver_id"]))) is not None:
            receiver.resources_received += r["n"]
            receiver.hours_received += hours

    # 7. Positions in decisions.
    for pid, org, n in _counted(
        Position.objects.filter(proposal__partnership_id__in=ids, cast_at__range=(since, until)),
        "proposal__partnership_id",
        "proposal",
    ):
        if (m := members.get((pid, org))) is not None:
            m.positions = n

    # 8. Agreements signed: those in force, or signed in the window.
    for pid, org, n in _counted(
        SignOff.objects.filter(version__agreement__partnership_id__in=ids).filter(
            Q(version__status=VersionStatus.IN_FORCE) | Q(signed_at__range=(since, until))
        ),
        "version__agreement__partnership_id",
        "version__agreement",
    ):
        if (m := members.get((pid, org))) is not None:
            m.agreements_signed = n

    # 9. Health-check rounds opened in the window and answered.
    for pid, org, n in _counted(
        Answer.objects.filter(
            round__partnership_id__in=ids, round__opened_on__gte=start, round__opened_on__lte=today
        ),
        "round__partnership_id",
        "round",
    ):
        if (m := members.get((pid, org))) is not None:
            m.rounds_answered = n

    # 10. Collaboration ratings: the latest each rater gave each rated organisation.
    latest: dict[tuple[int, int, int], int] = {}
    for pid, rater, rated, level in (
        Rating.objects.filter(partnership_id__in=ids, rated_at__range=(since, until))
        .order_by("rated_at", "pk")
        .values_list("partnership_id", "rater_id", "rated_id", "level")
    ):
        latest[(pid, rater, rated)] = level
    received: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (pid, rater, rated), level in latest.items():
        if (pid, rater) not in members or (pid, rated) not in members:
            continue
        found[pid].flows.ratings[(rater, rated)] = level
        members[(pid, rater)].ratings_given += 1
        received[(pid, rated)].append(level)
    for key, levels in received.items():
        members[key].level_received = sum(levels) / len(levels)
        members[key].raters = len(levels)

    # 11. Hours logged.
    for t in (
        TimeLog.objects.filter(partnership_id__in=ids, on__gte=start, on__lte=today)
        .values("partnership_id", "organisation_id")
        .annotate(hours=Sum("hours"))
        .order_by()
    ):
        if (m := members.get((t["partnership_id"], t["organisation_id"]))) is not None:
            m.hours_logged = t["hours"] or Decimal(0)
    return found


def _count(counts: dict[tuple[int, int], int], key: tuple[int, int], n: int) -> None:
    counts[key] = counts.get(key, 0) + n


def _counted(qs: Any, partnership: str, thing: str) -> list[tuple[int, int, int]]:
    """(partnership id, organisation id, distinct `thing`s) for each organisation in `qs`."""
    rows = (
        qs.values(partnership, "organisation_id").annotate(n=Count(thing, distinct=True)).order_by()
    )
    return [(r[partnership], r["organisation_id"], r["n"]) for r in rows]


def _attendance(
    found: dict[int, PartnershipEvidence],
    members: dict[tuple[int, int], MemberEvidence],
    joined_on: dict[tuple[int, int], dt.date],
    since: dt.datetime,
    until: dt.datetime,
) -> None:
    """Meetings held, who was present and each member's count at its tier's last six, from one
    query. (Meetings shared by each pair are the network's meetings layer: `network_ties`.)"""
    rows = (
        Attendance.objects.filter(
            meeting__series__partnership_id__in=list(found),
            meeting__starts_at__range=(since, until),
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .order_by("-meeting__starts_at", "meeting_id")
        .values_list(
            "meeting_id",
            "meeting__series__partnership_id",
            "meeting__series__tier",
            "meeting__starts_at",
            "organisation_id",
            "presence",
        )
    )
    meetings: dict[int, list[tuple[int, str, dt.date]]] = defaultdict(list)  # newest first
    present: dict[int, set[int]] = defaultdict(set)
    seen: set[int] = set()
    for meeting_id, pid, tier, starts_at, org, presence in rows:
        if meeting_id not in seen:
            seen.add(meeting_id)
            meetings[pid].append((meeting_id, tier, timezone.localtime(starts_at).date()))
            found[pid].flows_meetings.add(meeting_id)
        if presence == Presence.PRESENT:
            present[meeting_id].add(org)
    for pid, held in meetings.items():
        ev = found[pid]
        for m in ev.members:
            tiers = TIERS_OF[m.tier]
            own = [h for h in held if h[1] in tiers] or held
            since_joining = [h for h in own if h[2] >= joined_on[(pid, m.organisation_id)]]
            recent = since_joining[:RECENT_MEETINGS]
            m.meetings_held = len(recent)
            m.meetings_attended = sum(m.organisation_id in present[h[0]] for h in recent)
            m.meetings_any = sum(m.organisation_id in present[h[0]] for h in held)


def network_ties(
    found: dict[int, PartnershipEvidence], *, meetings: bool = False, learning: bool = False
) -> None:
    """Add to each partnership's flows what only the network needs, counted by the database:
    the decisions carried together (a proposal one member made and another agreed to), and,
    with `meetings`, the meetings each pair of members both attended. One query each, however
    many partnerships."""
    if not found:
        return
    window = Q()
    for pid, ev in found.items():
        since, until = _span(ev)
        window |= Q(proposal__partnership_id=pid, cast_at__range=(since, until))
    for r in (
        Position.objects.filter(window, current=True, stance=Stance.AGREE)
        .exclude(organisation_id=F("proposal__organisation_id"))
        .values("proposal__partnership_id", "proposal__organisation_id", "organisation_id")
        .annotate(n=Count("proposal", distinct=True))
        .order_by()
    ):
        key = (r["proposal__organisation_id"], r["organisation_id"])
        found[r["proposal__partnership_id"]].flows.decisions[key] = r["n"]
    if meetings:
        _co_attendance(found)
    if learning:
        _learning_connections(found)


def _learning_connections(found: dict[int, PartnershipEvidence]) -> None:
    """The learning layer: connections attendees reported at hub events held in each window,
    counted per pair of organisations (one query; pairs with a non-member are left out when
    the network is built)."""
    from joinedup.events.models import Connection

    spans = {pid: _span(ev) for pid, ev in found.items()}
    since = min(s for s, _ in spans.values())
    until = max(u for _, u in spans.values())
    rows = list(
        Connection.objects.filter(event__starts_at__range=(since, until)).values_list(
            "a_id", "b_id", "event__starts_at"
        )
    )
    for pid, (start, end) in spans.items():
        counts = found[pid].flows.learning
        for a, b, at in rows:
            if start <= at <= end:
                counts[(a, b)] = counts.get((a, b), 0) + 1


def _span(ev: PartnershipEvidence) -> tuple[dt.datetime, dt.datetime]:
    """The evidence's window, from the start of its first day to the end of its last."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(ev.start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(ev.end, dt.time.max, tzinfo=tz),
    )


def _co_attendance(found: dict[int, PartnershipEvidence]) -> None:
    """Meetings held (not cancelled) in each window that both organisations of a pair were
    present at: the attendance register joined to itself, grouped by pair."""
    window = Q()
    now = timezone.now()
    for pid, ev in found.items():
        since, until = _span(ev)
        window |= Q(
            meeting__series__partnership_id=pid, meeting__starts_at__range=(since, min(until, now))
        )
    rows = (
        Attendance.objects.filter(
            window,
            presence=Presence.PRESENT,
            meeting__attendance__presence=Presence.PRESENT,
            meeting__attendance__organisation_id__gt=F("organisation_id"),
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .values(
            "meeting__series__partnership_id",
            "organisation_id",
            "meeting__attendance__organisation_id",
        )
        .annotate(n=Count("meeting", distinct=True))
        .order_by()
    )
    for r in rows:
        pair = (r["organisation_id"], r["meeting__attendance__organisation_id"])
        found[r["meeting__series__partnership_id"]].flows.meetings[pair] = r["n"]
