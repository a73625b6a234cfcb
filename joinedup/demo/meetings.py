"""Load the demo's meetings and decisions (`data/meetings.json`) through the actions.

A partnership whose first series exists already is skipped whole, so a second run writes
nothing. Dates count back from today, so the year of meetings is always the last year; a
series of a partnership that has ended gives its first date (`"first_on"`) instead. An agenda
is circulated some days before its meeting (`"papers_days"`), never after it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from joinedup.decisions import actions as decision_actions
from joinedup.decisions.models import LeadTime, Proposal
from joinedup.meetings import actions, queries
from joinedup.meetings.models import AgendaItem, Meeting, Series
from joinedup.partnerships.models import Organisation, Partnership

DATA = Path(__file__).parent / "data" / "meetings.json"
# Invented first names for who came to a meeting; the demo's people are invented too.
NAMES = ["Sam", "Jo", "Priya", "Tariq", "Megan", "Ade", "Lucy", "Owen", "Hana", "Rob", "Kim"]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def _series(
    partnership: Partnership, s: dict[str, Any], orgs: dict[str, Organisation]
) -> list[Meeting]:
    series = actions.series_create(
        by=None,
        partnership=partnership,
        tier=s["tier"],
        title=s["title"],
        min_interval_days=s["min"],
        max_interval_days=s["max"],
        chair_rule=s["chair_rule"],
    )
    if "first_on" in s:
        first = (dt.date.fromisoformat(s["first_on"]) - timezone.localdate()).days
        days = [first + s["every"] * i for i in range(s["count"])]
    else:
        last = -s.get("last_ago", min(s["every"] // 2, 20))
        days = [last - s["every"] * i for i in reversed(range(s["count"]))]
    if "next_in" in s:
        days.append(s["next_in"])
    invited = queries.invitees(series)
    purposes = ["delivery", "delivery", "understanding", "delivery", "review", "learning"]
    meetings = []
    for n, offset in enumerate(days):
        day = _days(offset)
        meeting = actions.meeting_schedule(
            by=None,
            series=series,
            starts_at=_at(day, 10),
            ends_at=_at(day, 12),
            purpose=purposes[n % len(purposes)],
            place=s.get("place", ""),
            online_link=s.get("online_link", ""),
            notify_invitees=offset > 0,
        )
        for i, title in enumerate(s["agenda"][: 2 + n % 2]):
            item = actions.agenda_item_add(
                by=None, meeting=meeting, title=title, owner=invited[(n + i) % len(invited)]
            )
            if offset < 0:
                actions.minutes_record(
                    by=None, item=item, minutes="Discussed; actions agreed as listed."
                )
        if offset < 0:
            actions.agenda_circulate(by=None, meeting=meeting)
            papers = _at(day - dt.timedelta(days=s.get("papers_days", 7)), 9)
            Meeting.objects.filter(pk=meeting.pk).update(agenda_circulated_at=papers)
            register = {}
            for i, org in enumerate(invited):
                turn = (n * 7 + i * 3) % 11
                presence = "apologies" if turn == 0 else "absent" if turn == 1 else "present"
                name = f"{NAMES[(n + i) % len(NAMES)]} ({org.name.split(' (')[0]})"
                register[org] = (presence, name if presence == "present" else "")
            actions.attendance_register(by=None, meeting=meeting, register=register)
        meetings.append(meeting)
    held = [m for m, offset in zip(meetings, days, strict=True) if offset < 0]
    for a in s.get("open_actions", []):
        actions.action_add(
            by=None,
            meeting=held[-1],
            description=a["description"],
            owner=orgs[a["owner"]],
            due_on=_days(a["due_in"]),
        )
    if len(held) > 2:  # one action done, so the minutes show actions closing too
        done = actions.action_add(
            by=None,
            meeting=held[-3],
            description="Circulate the updated contact list",
            owner=invited[0],
            due_on=timezone.localdate(held[-3].starts_at) + dt.timedelta(days=14),
        )
        actions.action_update(by=None, point=done, status="done")
    return meetings


def _proposal(partnership: Partnership, p: dict[str, Any], orgs: dict[str, Organisation]) -> None:
    proposal = decision_actions.proposal_create(
        by=None,
        partnership=partnership,
        organisation=orgs[p["organisation"]],
        title=p["title"],
        background=p.get("background", ""),
        question=p["question"],
        kind=p["kind"],
        deciders=p["deciders"],
        closes_on=_days(p.get("closes_in", 60)),
    )
    for position in p["positions"]:
        decision_actions.position_cast(
            by=None,
            proposal=proposal,
            organisation=orgs[position["organisation"]],
            stance=position["stance"],
            reason=position.get("reason", ""),
        )
    if p.get("open"):
        return
    # A decision taken in the past (`ago` days back, or `on` a day): its dates are set back,
    # then it is counted and closed.
    ago = p["ago"] if "ago" in p else (timezone.localdate() - dt.date.fromisoformat(p["on"])).days
    opened = timezone.now() - dt.timedelta(days=ago)
    Proposal.objects.filter(pk=proposal.pk).update(opened_at=opened, closes_on=_days(-ago + 21))
    proposal.refresh_from_db()
    decision_actions.proposal_close(by=None, proposal=proposal, statement=p.get("statement", ""))


def load(orgs: dict[str, Organisation], partnerships: dict[str, Partnership]) -> int:
    """Load what is missing; return how many meetings were written."""
    data = json.loads(DATA.read_text())
    for lead_time in data["lead_times"]:
        organisation = orgs[lead_time["organisation"]]
        if not LeadTime.objects.filter(organisation=organisation).exists():
            decision_actions.lead_time_set(
                by=None, organisation=organisation, days=lead_time["days"], note=lead_time["note"]
            )
    written = 0
    for entry in data["partnerships"]:
        partnership = partnerships[entry["partnership"]]
        if Series.objects.filter(
            partnership=partnership, title=entry["series"][0]["title"]
        ).exists():
            continue
        for s in entry["series"]:
            written += len(_series(partnership, s, orgs))
        if "review" in entry:
            actions.review_record(
                by=None,
                partnership=partnership,
                held_on=_days(-entry["review"]["ago"]),
                what_changed=entry["review"]["what_changed"],
            )
        for c in entry.get("concerns", []):
            concern = actions.concern_raise(
                by=None,
                partnership=partnership,
                organisation=orgs[c["organisation"]],
                audience=c["audience"],
                title=c["title"],
                text=c["text"],
            )
            type(concern).objects.filter(pk=concern.pk).update(
                raised_at=timezone.now() - dt.timedelta(days=c["ago"])
            )
        for p in entry.get("proposals", []):
            _proposal(partnership, p, orgs)
        for u in entry.get("urgent", []):
            _urgent(partnership, u, orgs)
    return written


def _urgent(partnership: Partnership, u: dict[str, Any], orgs: dict[str, Organisation]) -> None:
    """An urgent decision taken `ago` days back under delegated authority, ratified at the
    first meeting held after it (when `ratified` is given)."""
    proposal = decision_actions.proposal_record_urgent(
        by=None,
        partnership=partnership,
        organisation=orgs[u["organisation"]],
        title=u["title"],
        decision=u["decision"],
        background=u.get("background", ""),
    )
    if "ago" not in u:
        return
    taken = timezone.now() - dt.timedelta(days=u["ago"])
    Proposal.objects.filter(pk=proposal.pk).update(
        opened_at=taken, closed_at=taken, closes_on=timezone.localdate(taken)
    )
    held = (
        Meeting.objects.filter(
            series__partnership=partnership,
            series__tier="core",
            starts_at__gt=taken,
            starts_at__lt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    if held is None or "ratified" not in u:
        return
    if proposal.ratification_item_id:  # it went on the next meeting's agenda: the one held
        AgendaItem.objects.filter(pk=proposal.ratification_item_id).update(
            meeting=held, position=held.agenda.count() + 1
        )
    proposal.refresh_from_db()
    decision_actions.proposal_ratify(
        by=None, proposal=proposal, ratified=True, note=u["ratified"], meeting=held
    )
