"""Load the demo's Good Partners Charter through the actions (issue 18, item 10).

Help through Crisis adopts Joined Up's draft Charter unchanged. Most partners of Axis Youth
Hub and Rossendale Crisis Support sign it; one Rossendale partner has withdrawn, with its
reason. In Axis Youth Hub, invented people assess their own skills, and the partners ran a
peer view (closed, so its results show) in which Our Way sees itself as far more present
than the others see it; its development plan, shared with a Rossendale partner, raised a
topic request with the hub, and Kidderminster and District Youth Trust offers mentoring
through Resources.

Invented people are marked so in their names. A programme whose Charter exists is skipped
whole, so a second run writes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.charter import actions
from joinedup.charter.defaults import default_charter, principles
from joinedup.charter.models import Charter, CharterVersion
from joinedup.organisations.actions import affiliation_set_by_system
from joinedup.partnerships import actions as partnership_actions
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.programmes import actions as programme_actions
from joinedup.programmes.models import Programme

AXIS = "axis-youth-hub"
ROSSENDALE = "rossendale-crisis-support"
WITHDRAWN = "rossendale-recovery-cafe"
UNSIGNED = {"habberley-road-surgery", "valleys-carers-link"}
LESS_PRESENT = "our-way"
MENTOR = "kdyt"
SHARES_THE_GAP = "bacup-food-pantry"
DOMAIN = "demo.joinedup.example"


def _invented(organisation: Organisation, n: int) -> User:
    email = f"charter-{organisation.pk}-{n}@{DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, None, name=f"{organisation.name} partner {n} (invented)"
        )
        affiliation_set_by_system(user=user, organisation=organisation, role="staff", why="demo")
    return user


def load(
    programmes: dict[str, Programme],
    partnerships: dict[str, Partnership],
    orgs: dict[str, Organisation],
) -> int:
    """Returns how many organisations signed."""
    programme = programmes.get("help-through-crisis")
    if programme is None or Charter.objects.filter(programme=programme).exists():
        return 0
    today = timezone.localdate()
    adopted_on = today - dt.timedelta(days=300)
    draft = actions.charter_start(by=None, programme=programme)
    version = actions.charter_advance(version=draft, by=None, to="adopted", on=adopted_on)
    key_of = {o.pk: k for k, o in orgs.items()}
    signed = 0
    for key in (AXIS, ROSSENDALE):
        members = partnerships[key].memberships.current().select_related("organisation")
        for i, m in enumerate(members):
            org_key = key_of.get(m.organisation_id, "")
            if org_key in UNSIGNED:
                continue
            signature = actions.charter_sign(
                version=version,
                by=None,
                organisation=m.organisation,
                board_informed=i % 3 != 2,
                by_default=i % 2 == 0,
                signed_on=adopted_on + dt.timedelta(days=7 + i),
            )
            signed += 1
            if org_key == WITHDRAWN:
                actions.charter_withdraw(
                    signature=signature,
                    by=None,
                    reason="Our café is run by volunteers and we cannot commit staff time to the "
                    "reaffirmation and peer view this year; we hope to sign again.",
                    on=today - dt.timedelta(days=40),
                )
    _skills(programme, orgs)
    _peer_view(partnerships[AXIS], version, orgs, today)
    _plans(programme, partnerships, orgs)
    return signed


def _skills(programme: Programme, orgs: dict[str, Organisation]) -> None:
    framework = actions.framework_for(programme)
    organisation = orgs[LESS_PRESENT]
    for n, levels in enumerate([(4, 2, 3), (3, 1, 2), (4, 2, 2)], start=1):
        present, step_back, reflective = levels
        actions.self_assess(
            by=_invented(organisation, n),
            framework=framework,
            organisation=organisation,
            answers={
                "present": {"level": present, "evidence": "I go to every core partners' meeting."},
                "step_back": {"level": step_back, "evidence": ""},
                "reflective": {
                    "level": reflective,
                    "evidence": "I wrote up what we learnt from the winter night shelter."
                    if reflective >= 3
                    else "",
                },
                "soft_skills": {"level": None, "evidence": ""},
            },
        )


def _peer_view(
    partnership: Partnership, version: CharterVersion, orgs: dict[str, Organisation], today: dt.date
) -> None:
    # Opened four weeks ago and closed by the lead yesterday, so that its results show (they
    # are shown only once a peer view is closed).
    peer_view = actions.peer_view_open(
        partnership=partnership,
        by=None,
        version=version,
        year=today.year,
        on=today - dt.timedelta(days=27),
    )
    keys = [p["key"] for p in principles(default_charter()["themes"])]
    members = [
        m.organisation for m in partnership.memberships.current().select_related("organisation")
    ]
    core = [
        o
        for o in members
        if o.pk
        in {orgs[k].pk for k in ("wyre-forest-nightstop", "kdyt", "our-way", "basement-project")}
    ]
    raters = core + [o for o in members if o not in core][:2]
    for rater_org in raters:
        user = _invented(rater_org, 1)
        for rated in core:
            own = rated.pk == rater_org.pk
            scores: dict[str, int | None] = {}
            for i, key in enumerate(keys):
                if rated.pk == orgs[LESS_PRESENT].pk and key == "present":
                    scores[key] = 4 if own else 2
                elif not own and rater_org not in core and i % 4 == 3:
                    scores[key] = None  # a wider partner does not know
                else:
                    scores[key] = (
                        3 + (1 if own and i % 2 == 0 else 0) - (1 if (i + rated.pk) % 5 == 0 else 0)
                    )
            comment = ""
            if rated.pk == orgs[LESS_PRESENT].pk and not own:
                comment = (
                    "Their worker is often called away mid-meeting; when they are there they "
                    "are excellent."
                )
            actions.peer_rate(
                peer_view=peer_view,
                by=user,
                rater_org=rater_org,
                rated_org=rated,
                scores=scores,
                comment=comment,
            )
    actions.peer_view_close(peer_view=peer_view, by=None, at=timezone.now() - dt.timedelta(days=1))


def _plans(
    programme: Programme, partnerships: dict[str, Partnership], orgs: dict[str, Organisation]
) -> None:
    hub = programme.hubs.first() or programme_actions.hub_create(
        by=None,
        programme=programme,
        name="Help through Crisis learning hub (invented)",
        region="England",
    )
    for key in (AXIS, ROSSENDALE):
        if partnerships[key].hub_id is None:
            partnership_actions.partnership_update(partnership=partnerships[key], by=None, hub=hub)
            partnerships[key].refresh_from_db()
    title = "Turn up and be present"
    actions.plan_add(
        by=None,
        partnership=partnerships[AXIS],
        organisation=orgs[LESS_PRESENT],
        subject="present",
        title=title,
        score=2.0,
        support="hub_event",
        note="Others see us as less present than we see ourselves (peer view).",
    )
    actions.plan_add(
        by=None,
        partnership=partnerships[ROSSENDALE],
        organisation=orgs[SHARES_THE_GAP],
        subject="present",
        title=title,
        score=2.4,
        support="hub_event",
        note="Volunteers find weekday meetings hard to reach.",
    )
    second = actions.plan_add(
        by=None,
        partnership=partnerships[AXIS],
        organisation=orgs[LESS_PRESENT],
        subject="step_back",
        title="Step back and let others contribute",
        score=1.7,
        support="action_learning",
    )
    actions.plan_mentoring_offer(
        by=None,
        item=second,
        mentor=orgs[MENTOR],
        description="Two sessions with our youth work lead on giving others the floor.",
    )
