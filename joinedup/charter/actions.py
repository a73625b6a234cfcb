"""Writes for the Good Partners Charter: adopting and revising it, signing, reaffirming and
withdrawing, the skills framework and self-assessments, peer ratings and development plans.

A charter version goes draft → out for comment → adopted (→ superseded when a later one is
adopted), as agreements do; an adopted version is never edited. Signing follows agreements'
rule of authority: only an admin or manager of the organisation signs for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from joinedup.access import acts_for, org_roles
from joinedup.actions import action, person
from joinedup.agreements.actions import _months_later
from joinedup.audit.actions import audit_record
from joinedup.charter.defaults import default_charter, default_skills, principles
from joinedup.charter.models import (
    Charter,
    CharterStatus,
    CharterVersion,
    PeerRating,
    PeerView,
    PlanItem,
    SelfAssessment,
    Signature,
    SkillsFramework,
    Support,
)
from joinedup.dates import TODAY, DateRule, days
from joinedup.notifications import notify
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Membership, Organisation, Partnership
from joinedup.programmes.models import Programme

REAFFIRM_MONTHS = 12
NO_AUTHORITY = "Only an admin or manager of {organisation} can sign for it."
NOT_IN_SCOPE = "{organisation} is not a current member of a partnership this Charter covers."
NOT_ADOPTED = "Only an adopted Charter is signed."
ALREADY_SIGNED = "{organisation} has already signed this Charter."
WITHDRAWN = "This signature has been withdrawn."
GIVE_REASON = "Say why the organisation is withdrawing."
WRONG_STEP = "That step does not follow from where this version is."
IN_PROGRESS = "This Charter already has a version in progress."
NOT_EDITABLE = "Only a draft, or a version out for comment, can be edited."
BAD_THEMES = (
    "A charter has themes, each with three or four principles, each with a title, a "
    "statement of intent, progress signs and warning signs."
)
UNKNOWN_SKILL = "There is no skill {key!r} in this framework."
BAD_LEVEL = "A level is 1 to 4, or left empty for “not yet observed”."
NOTHING_ANSWERED = "Answer at least one skill: a level, or “not yet observed”."
NEEDS_EVIDENCE = "Give an example at level {level} or above for “{title}”."
NOT_ACTING = "You do not act for {organisation}."
NOT_A_MEMBER = "{organisation} is not a current member of this partnership."
UNKNOWN_PRINCIPLE = "There is no principle {key!r} in this Charter."
BAD_SCORE = "A rating is 1 to 4, or empty for “don't know”."
BAD_SKILLS = "A framework has skills, each with a key, a title, a theme and four level questions."


def _versions_lock(charter: Charter) -> None:
    Charter.objects.select_for_update().filter(pk=charter.pk).first()


def _check_themes(themes: Any) -> list[dict[str, Any]]:
    try:
        for theme in themes:
            assert theme["key"] and theme["title"] and 3 <= len(theme["principles"]) <= 4
            for p in theme["principles"]:
                assert p["key"] and p["title"] and p["intent"]
                assert isinstance(p["progress"], list) and isinstance(p["warning"], list)
                assert p["progress"] and p["warning"]
        keys = [p["key"] for p in principles(themes)]
        assert themes and len(keys) == len(set(keys))
    except (AssertionError, KeyError, TypeError) as error:
        raise ValidationError({"themes": BAD_THEMES}) from error
    return list(themes)


@action
def charter_start(
    *,
    by: Any,
    programme: Programme | None = None,
    partnership: Partnership | None = None,
    themes: list[dict[str, Any]] | None = None,
    title: str = "",
) -> CharterVersion:
    """Start a programme's or partnership's Charter: its first version, a draft, from the
    default unless `themes` are given."""
    default = default_charter()
    charter = Charter.objects.create(programme=programme, partnership=partnership)
    version = CharterVersion.objects.create(
        charter=charter,
        number=1,
        title=title or default["title"],
        themes=_check_themes(themes if themes is not None else default["themes"]),
        from_default=themes is None,
        created_by=person(by),
    )
    audit_record(actor=by, action="charter.start", obj=version, partnership=partnership)
    return version


@action
def charter_edit(
    *, version: CharterVersion, by: Any, themes: list[dict[str, Any]], title: str = ""
) -> CharterVersion:
    version = CharterVersion.objects.select_for_update().get(pk=version.pk)
    if version.status not in (CharterStatus.DRAFT, CharterStatus.COMMENT):
        raise ValidationError({"themes": NOT_EDITABLE})
    version.themes = _check_themes(themes)
    version.title = title or version.title
    version.from_default = False
    version.save(update_fields=["themes", "title", "from_default"])
    audit_record(actor=by, action="charter.edit", obj=version)
    return version


@action
def charter_advance(
    *, version: CharterVersion, by: Any, to: str, on: dt.date | None = None
) -> CharterVersion:
    """Send a draft out for comment, or adopt it (superseding the version adopted before)."""
    version = CharterVersion.objects.select_for_update().get(pk=version.pk)
    allowed = {
        "comment": [CharterStatus.DRAFT],
        "adopted": [CharterStatus.DRAFT, CharterStatus.COMMENT],
    }
    if version.status not in allowed.get(to, []):
        raise ValidationError({"to": WRONG_STEP})
    before = version.status
    if to == "adopted":
        version.charter.versions.filter(status=CharterStatus.ADOPTED).update(
            status=CharterStatus.SUPERSEDED
        )
        version.adopted_on = on or timezone.localdate()
    version.status = to
    version.save(update_fields=["status", "adopted_on"])
    audit_record(
        actor=by,
        action=f"charter.{to}",
        obj=version,
        before={"status": before},
        after={"status": to},
    )
    return version


@action
def charter_new_version(*, charter: Charter, by: Any) -> CharterVersion:
    """A new draft from the latest version."""
    _versions_lock(charter)
    if charter.versions.filter(status__in=[CharterStatus.DRAFT, CharterStatus.COMMENT]).exists():
        raise ValidationError({"charter": IN_PROGRESS})
    latest = charter.versions.order_by("-number").first()
    assert latest is not None
    version = CharterVersion.objects.create(
        charter=charter,
        number=latest.number + 1,
        title=latest.title,
        themes=latest.themes,
        from_default=latest.from_default,
        created_by=person(by),
    )
    audit_record(actor=by, action="charter.new_version", obj=version)
    return version


def covered_organisations(charter: Charter) -> Any:
    """The organisations a charter is for: current members of its partnership, or of any
    partnership of its programme."""
    members = Membership.objects.current()
    if charter.partnership_id:
        members = members.filter(partnership_id=charter.partnership_id)
    else:
        members = members.filter(partnership__programme=charter.programme)
    return Organisation.objects.filter(pk__in=members.values("organisation_id"))


def has_authority(user: Any, organisation: Organisation) -> bool:
    """An admin or manager of `organisation`. Not a superuser as such: the site's
    administrators run Joined Up, they do not commit an organisation to anything."""
    return org_roles(user).get(organisation.pk) in MANAGING_ORG_ROLES


@action
def charter_sign(
    *,
    version: CharterVersion,
    by: Any,
    organisation: Organisation,
    board_informed: bool,
    by_default: bool = False,
    signed_on: dt.date | None = None,
) -> Signature:
    """`organisation` signs an adopted version. `by` is None only for the system recording a
    charter signed on paper on `signed_on` (the demo); a person needs authority there."""
    version = (
        CharterVersion.objects.select_for_update().select_related("charter").get(pk=version.pk)
    )
    if version.status != CharterStatus.ADOPTED:
        raise ValidationError({"organisation": NOT_ADOPTED})
    if by is not None and not has_authority(by, organisation):
        raise ValidationError({"organisation": NO_AUTHORITY.format(organisation=organisation)})
    if not covered_organisations(version.charter).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": NOT_IN_SCOPE.format(organisation=organisation)})
    standing = Signature.objects.filter(
        version__charter=version.charter, organisation=organisation, withdrawn_on__isnull=True
    )
    if standing.filter(version=version).exists():
        raise ValidationError({"organisation": ALREADY_SIGNED.format(organisation=organisation)})
    day = signed_on if (signed_on and by is None) else timezone.localdate()
    # Signing a newer version replaces the signature of the older one.
    standing.update(withdrawn_on=day, withdrawn_reason="Signed a newer version.")
    signature = Signature.objects.create(
        version=version,
        organisation=organisation,
        signed_by=person(by),
        board_informed=board_informed,
        by_default=by_default,
        signed_on=day,
        reaffirmed_on=day,
        reaffirm_by=_months_later(day, REAFFIRM_MONTHS),
    )
    audit_record(
        actor=by,
        action="charter.sign",
        obj=signature,
        after={"organisation": str(organisation), "board_informed": board_informed},
    )
    return signature


def _standing(signature: Signature, by: Any) -> Signature:
    signature = Signature.objects.select_for_update().get(pk=signature.pk)
    if signature.withdrawn_on is not None:
        raise ValidationError({"signature": WITHDRAWN})
    if by is not None and not has_authority(by, signature.organisation):
        raise ValidationError(
            {"organisation": NO_AUTHORITY.format(organisation=signature.organisation)}
        )
    return signature


@action
def charter_reaffirm(
    *, signature: Signature, by: Any, board_informed: bool, on: dt.date | None = None
) -> Signature:
    """The yearly reaffirmation: due again twelve months on."""
    signature = _standing(signature, by)
    day = on if (on and by is None) else timezone.localdate()
    signature.reaffirmed_on = day
    signature.reaffirm_by = _months_later(day, REAFFIRM_MONTHS)
    signature.board_informed = board_informed
    signature.save(update_fields=["reaffirmed_on", "reaffirm_by", "board_informed"])
    audit_record(actor=by, action="charter.reaffirm", obj=signature)
    return signature


@action
def charter_withdraw(
    *, signature: Signature, by: Any, reason: str, on: dt.date | None = None
) -> Signature:
    signature = _standing(signature, by)
    if not reason.strip():
        raise ValidationError({"reason": GIVE_REASON})
    signature.withdrawn_on = on if (on and by is None) else timezone.localdate()
    signature.withdrawn_reason = reason.strip()
    signature.save(update_fields=["withdrawn_on", "withdrawn_reason"])
    audit_record(actor=by, action="charter.withdraw", obj=signature, after={"reason": reason})
    return signature


# --- skills and self-assessment -----------------------------------------------------------


def _check_skills(skills: Any) -> list[dict[str, Any]]:
    try:
        keys = []
        for s in skills:
            assert s["key"] and s["title"] and s["theme"] and len(s["levels"]) == 4
            assert all(isinstance(q, str) and q.strip() for q in s["levels"])
            keys.append(s["key"])
        assert keys and len(keys) == len(set(keys))
    except (AssertionError, KeyError, TypeError) as error:
        raise ValidationError({"skills": BAD_SKILLS}) from error
    return list(skills)


def current_framework(programme: Programme) -> SkillsFramework | None:
    return programme.skills_frameworks.order_by("-number").first()


@action
def framework_edit(
    *, programme: Programme, by: Any, skills: list[dict[str, Any]] | None = None
) -> SkillsFramework:
    """A new version of the programme's framework (the default's eleven skills if none given)."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    latest = current_framework(programme)
    framework = SkillsFramework.objects.create(
        programme=programme,
        number=(latest.number + 1) if latest else 1,
        skills=_check_skills(skills if skills is not None else default_skills()["skills"]),
    )
    audit_record(actor=by, action="charter.framework", obj=framework)
    return framework


def framework_for(programme: Programme) -> SkillsFramework:
    """The programme's current framework, made from the default on first use."""
    return current_framework(programme) or framework_edit(programme=programme, by=None)


@action
def self_assess(
    *,
    by: Any,
    framework: SkillsFramework,
    organisation: Organisation,
    answers: dict[str, dict[str, Any]],
    shared_with_manager: bool = False,
) -> SelfAssessment:
    """`by` assesses themself, for their work at `organisation`. Levels from 3 up need an
    example (the evidence)."""
    if not acts_for(by, organisation.pk):
        raise ValidationError({"organisation": NOT_ACTING.format(organisation=organisation)})
    threshold = default_skills()["evidence_from_level"]
    skills = {s["key"]: s for s in framework.skills}
    clean: dict[str, dict[str, Any]] = {}
    for key, answer in answers.items():
        if key not in skills:
            raise ValidationError({"answers": UNKNOWN_SKILL.format(key=key)})
        level, evidence = answer.get("level"), (answer.get("evidence") or "").strip()
        if level is not None and (not isinstance(level, int) or not 1 <= level <= 4):
            raise ValidationError({key: BAD_LEVEL})
        if level is not None and level >= threshold and not evidence:
            raise ValidationError(
                {key: NEEDS_EVIDENCE.format(level=threshold, title=skills[key]["title"])}
            )
        clean[key] = {"level": level, "evidence": evidence}
    if not clean:
        raise ValidationError({"answers": NOTHING_ANSWERED})
    assessment = SelfAssessment.objects.create(
        framework=framework,
        person=by,
        organisation=organisation,
        answers=clean,
        shared_with_manager=shared_with_manager,
    )
    audit_record(actor=by, action="charter.self_assess", obj=assessment)
    return assessment


# --- the peer view ------------------------------------------------------------------------


PEER_VIEW_WEEKS = 4
PEER_VIEW_CLOSES = DateRule(
    "A peer view's closing day", TODAY, days(92), "a peer view runs for three months at most"
)
PEER_VIEW_CLOSED = "This peer view closed on {day:%-d %B %Y}: ratings are no longer taken."
PEER_VIEW_ALREADY_CLOSED = "This peer view is closed already."


def default_closing(today: dt.date) -> dt.date:
    return today + dt.timedelta(weeks=PEER_VIEW_WEEKS)


@action
def peer_view_open(
    *,
    partnership: Partnership,
    by: Any,
    version: CharterVersion,
    year: int,
    closes_on: dt.date | None = None,
    on: dt.date | None = None,
) -> PeerView:
    """Open the year's peer view until `closes_on` (four weeks on by default) and tell every
    member. `on` (the day it opened) is for the system recording an earlier one (the demo)."""
    if version.status != CharterStatus.ADOPTED:
        raise ValidationError({"version": NOT_ADOPTED})
    today = on if (on and by is None) else timezone.localdate()
    closes_on = closes_on or default_closing(today)
    PEER_VIEW_CLOSES.check(closes_on, field="closes_on", today=today)
    if PeerView.objects.filter(partnership=partnership, year=year).exists():
        raise ValidationError({"year": f"The {year} peer view has been opened already."})
    peer_view = PeerView.objects.create(
        partnership=partnership, year=year, version=version, opened_on=today, closes_on=closes_on
    )
    audit_record(actor=by, action="charter.peer_view_open", obj=peer_view, partnership=partnership)
    for m in partnership.memberships.current().select_related("organisation"):
        notify(
            m.organisation,
            f"Peer view {year}: how do partners experience each other?",
            f"{partnership} asks every member to rate each other on the Good Partners Charter "
            f"by {closes_on:%-d %B %Y}. The results are shown once it closes.",
        )
    return peer_view


@action
def peer_view_close(*, peer_view: PeerView, by: Any, at: dt.datetime | None = None) -> PeerView:
    """The lead closes the peer view before its closing date; its results show from then.
    `at` is for the system recording when an earlier one closed (the demo)."""
    peer_view = PeerView.objects.select_for_update().get(pk=peer_view.pk)
    if not peer_view.is_open():
        raise ValidationError({"peer_view": PEER_VIEW_ALREADY_CLOSED})
    peer_view.closed_at = at if (at and by is None) else timezone.now()
    peer_view.save(update_fields=["closed_at"])
    audit_record(
        actor=by, action="charter.peer_view_close", obj=peer_view, partnership=peer_view.partnership
    )
    return peer_view


@action
def peer_rate(
    *,
    peer_view: PeerView,
    by: Any,
    rater_org: Organisation,
    rated_org: Organisation,
    scores: dict[str, int | None],
    comment: str = "",
) -> list[PeerRating]:
    """`by`, for `rater_org`, rates `rated_org` on each principle (None: don't know). Rating
    again replaces that person's earlier answers. Rating one's own organisation is its
    self-view. `by` None is the system (the demo) recording answers given elsewhere."""
    partnership = peer_view.partnership
    peer_view = PeerView.objects.select_for_update().get(pk=peer_view.pk)
    if not peer_view.is_open():
        raise ValidationError({"peer_view": PEER_VIEW_CLOSED.format(day=peer_view.closed_on())})
    if by is not None and not acts_for(by, rater_org.pk):
        raise ValidationError({"rater_org": NOT_ACTING.format(organisation=rater_org)})
    current = set(partnership.memberships.current().values_list("organisation_id", flat=True))
    for field, org in (("rater_org", rater_org), ("rated_org", rated_org)):
        if org.pk not in current:
            raise ValidationError({field: NOT_A_MEMBER.format(organisation=org)})
    keys = {p["key"] for p in principles(peer_view.version.themes)}
    for key, score in scores.items():
        if key not in keys:
            raise ValidationError({"scores": UNKNOWN_PRINCIPLE.format(key=key)})
        if score is not None and (not isinstance(score, int) or not 1 <= score <= 4):
            raise ValidationError({key: BAD_SCORE})
    rater = person(by)
    PeerRating.objects.filter(
        peer_view=peer_view, rater=rater, rater_org=rater_org, rated_org=rated_org
    ).delete()
    rows = PeerRating.objects.bulk_create(
        PeerRating(
            peer_view=peer_view,
            rater=rater,
            rater_org=rater_org,
            rated_org=rated_org,
            principle=key,
            score=score,
            comment=comment.strip() if i == 0 else "",
        )
        for i, (key, score) in enumerate(scores.items())
    )
    # Kept out of the partnership's audit log, which its lead reads: the peer view never says
    # who said what (the site's administrators still see that a rating was given, and by whom).
    audit_record(actor=by, action="charter.peer_rate", obj=peer_view)
    return rows


# --- development plans --------------------------------------------------------------------

SHARED_GAP = 2  # organisations of one hub sharing a gap make it a hub topic


@action
def plan_add(
    *,
    by: Any,
    partnership: Partnership,
    organisation: Organisation,
    subject: str,
    title: str,
    support: str,
    score: Any = None,
    note: str = "",
) -> PlanItem:
    """Add a low-rated skill or principle to `organisation`'s plan, with its support.

    With a hub event: when `SHARED_GAP` or more organisations in the partnership's hub have the
    same subject in their plans for a hub event, the hub gets one topic request for it (through
    the Learning issue's `request_topic`), and each later organisation joins that request."""
    if support not in Support.values:
        raise ValidationError(
            {"support": "Choose a hub event, an action learning set or mentoring."}
        )
    if not partnership.memberships.current().filter(organisation=organisation).exists():
        raise ValidationError({"organisation": NOT_A_MEMBER.format(organisation=organisation)})
    item = PlanItem.objects.create(
        partnership=partnership,
        organisation=organisation,
        subject=subject,
        title=title,
        score=score,
        support=support,
        note=note,
    )
    if support == Support.HUB_EVENT and partnership.hub_id:
        _share_gap(item, by)
    audit_record(actor=by, action="charter.plan_add", obj=item, partnership=partnership)
    return item


def _share_gap(item: PlanItem, by: Any) -> None:
    from joinedup.events.actions import request_topic

    hub = item.partnership.hub
    assert hub is not None  # plan_add shares a gap only within a hub
    same = PlanItem.objects.filter(
        partnership__hub=hub, subject=item.subject, support=Support.HUB_EVENT
    ).select_related("organisation")
    raised = same.filter(topic_request__isnull=False).first()
    if raised is not None and raised.topic_request is not None:
        raised.topic_request.requesters.add(item.organisation)
        same.filter(topic_request__isnull=True).update(topic_request=raised.topic_request)
        return
    orgs = {i.organisation_id: i.organisation for i in same}
    if len(orgs) < SHARED_GAP:
        return
    request = request_topic(
        by=by,
        hub=hub,
        organisation=item.organisation,
        title=f"Being a good partner: {item.title}",
        description=f"{len(orgs)} organisations in the hub have this in their development plans "
        "from the Good Partners Charter.",
    )
    request.requesters.add(*orgs.values())
    same.update(topic_request=request)


@action
def plan_mentoring_offer(
    *, by: Any, item: PlanItem, mentor: Organisation, description: str = ""
) -> PlanItem:
    """A partner strong in the item's skill offers mentoring through Resources, so that it is
    booked or given like any other offer and shows in the give-and-receive ledger."""
    from joinedup.resources.actions import offer_create
    from joinedup.resources.models import ResourceKind

    if by is not None and not acts_for(by, mentor.pk):
        raise ValidationError({"mentor": NOT_ACTING.format(organisation=mentor)})
    if mentor.pk == item.organisation_id:
        raise ValidationError({"mentor": "A partner mentors another, not itself."})
    offer = offer_create(
        by=by,
        organisation=mentor,
        partnership=item.partnership,
        kind=ResourceKind.EXPERTISE,
        title=f"Mentoring: {item.title}"[:200],
        description=description or f"Mentoring for {item.organisation} (Good Partners Charter).",
    )
    item.mentor_offer = offer
    item.support = Support.MENTORING
    item.save(update_fields=["mentor_offer", "support"])
    audit_record(actor=by, action="charter.mentoring", obj=item, partnership=item.partnership)
    return item


def signatures_standing(**filters: Any) -> Any:
    return Signature.objects.filter(Q(withdrawn_on__isnull=True), **filters)
