"""API for the Charter: charters and signatures, the skills framework, a person's own
self-assessments and organisations' aggregates, evidence, peer views (aggregates only) and
development plans — under the pages' rules and the same anonymity thresholds."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from joinedup.access import acting_for, get_for, org_roles, standing
from joinedup.api.common import MAX_ID, NO_NUL, Id, In, resolve
from joinedup.api.errors import error_responses
from joinedup.charter import actions, queries
from joinedup.charter.evidence import evidence
from joinedup.charter.models import Charter, PlanItem, Signature
from joinedup.charter.rules import sees_organisation_record
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.programmes.models import Programme

router = Router(tags=["charter"])
Comment = Annotated[str, Field(max_length=2000, pattern=NO_NUL)]


class CharterVersionOut(Schema):
    number: int
    title: str
    status: str
    from_default: bool
    adopted_on: dt.date | None
    themes: list[dict[str, Any]] = Field(
        description="Themes, each with principles: key, title, intent, progress and warning signs."
    )


class CharterOut(Schema):
    id: int
    programme_id: int | None
    partnership_id: int | None
    versions: list[CharterVersionOut]

    @staticmethod
    def resolve_versions(obj: Charter) -> list[Any]:
        return list(obj.versions.all())


class CharterSignatureOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    version: int
    signed_on: dt.date
    reaffirmed_on: dt.date
    reaffirm_by: dt.date
    board_informed: bool
    by_default: bool
    withdrawn_on: dt.date | None
    withdrawn_reason: str

    @staticmethod
    def resolve_organisation(obj: Signature) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_version(obj: Signature) -> int:
        return obj.version.number


class CharterSignIn(In):
    organisation_id: StrictInt = Field(ge=1, le=MAX_ID)
    board_informed: StrictBool
    by_default: StrictBool = False


class CharterReaffirmIn(In):
    board_informed: StrictBool


class CharterWithdrawIn(In):
    reason: Annotated[str, Field(min_length=1, max_length=2000, pattern=NO_NUL)]


def _programme_charter(request: HttpRequest, pk: int) -> tuple[Programme, Charter]:
    programme = get_for(request.user, Programme, perm="programmes.view_programme", pk=pk)
    charter = Charter.objects.filter(programme=programme).first()
    if charter is None:
        raise Http404
    return programme, charter


@router.get("/programmes/{pk}/charter", response={200: CharterOut, **error_responses(404)})
def charter_get(request: HttpRequest, pk: Id) -> Charter:
    """The programme's Charter and its versions."""
    return _programme_charter(request, pk)[1]


@router.get(
    "/programmes/{pk}/charter/signatures",
    response={200: list[CharterSignatureOut], **error_responses(404)},
)
def signature_list(request: HttpRequest, pk: Id) -> list[Signature]:
    """Standing signatures, then withdrawals with their reasons."""
    _, charter = _programme_charter(request, pk)
    return queries.standing_signatures(charter) + queries.withdrawn_signatures(charter)


@router.post(
    "/programmes/{pk}/charter/signatures",
    response={201: CharterSignatureOut, **error_responses(403, 404, 409)},
)
def signature_create(request: HttpRequest, pk: Id, payload: CharterSignIn) -> Status[Signature]:
    """Sign the adopted version for an organisation (its admins and managers; not a site
    administrator as such)."""
    _, charter = _programme_charter(request, pk)
    return Status(201, _sign(request, charter, payload))


def _partnership_charter(request: HttpRequest, pk: int) -> Charter:
    """The partnership's own Charter (404 if it has none: it then follows its programme's)."""
    partnership = get_for(request.user, Partnership, perm="partnerships.view_partnership", pk=pk)
    charter = Charter.objects.filter(partnership=partnership).first()
    if charter is None:
        raise Http404
    return charter


@router.get("/partnerships/{pk}/charter", response={200: CharterOut, **error_responses(404)})
def partnership_charter_get(request: HttpRequest, pk: Id) -> Charter:
    """The partnership's own revision of the Charter and its versions (404 until it starts
    one); once a version is adopted it applies in the partnership instead of the programme's."""
    return _partnership_charter(request, pk)


@router.get(
    "/partnerships/{pk}/charter/signatures",
    response={200: list[CharterSignatureOut], **error_responses(404)},
)
def partnership_signature_list(request: HttpRequest, pk: Id) -> list[Signature]:
    """Signatures of the partnership's own Charter: standing, then withdrawals with reasons."""
    charter = _partnership_charter(request, pk)
    return queries.standing_signatures(charter) + queries.withdrawn_signatures(charter)


@router.post(
    "/partnerships/{pk}/charter/signatures",
    response={201: CharterSignatureOut, **error_responses(403, 404, 409)},
)
def partnership_signature_create(
    request: HttpRequest, pk: Id, payload: CharterSignIn
) -> Status[Signature]:
    """Sign the partnership's own adopted Charter for a member organisation (its admins and
    managers). Reaffirm and withdraw it as any signature: `/charter/signatures/{pk}/…`."""
    charter = _partnership_charter(request, pk)
    return Status(201, _sign(request, charter, payload))


def _sign(request: HttpRequest, charter: Charter, payload: CharterSignIn) -> Signature:
    version = queries.adopted(charter)
    if version is None:
        raise Http404
    organisation = resolve(
        actions.covered_organisations(charter), payload.organisation_id, "organisation_id"
    )
    if not actions.has_authority(request.user, organisation):
        raise PermissionDenied
    return actions.charter_sign(
        version=version,
        by=request.user,
        organisation=organisation,
        board_informed=payload.board_informed,
        by_default=payload.by_default,
    )


def _signature(request: HttpRequest, pk: int) -> Signature:
    signature = (
        Signature.objects.select_related("organisation", "version__charter__programme")
        .filter(pk=pk)
        .first()
    )
    if signature is None:
        raise Http404
    charter = signature.version.charter
    if not request.user.has_perm("charter.view_charter", charter):
        raise Http404
    if not actions.has_authority(request.user, signature.organisation):
        raise PermissionDenied
    return signature


@router.post(
    "/charter/signatures/{pk}/reaffirm",
    response={200: CharterSignatureOut, **error_responses(403, 404, 409)},
)
def signature_reaffirm(request: HttpRequest, pk: Id, payload: CharterReaffirmIn) -> Signature:
    """The yearly reaffirmation."""
    return actions.charter_reaffirm(
        signature=_signature(request, pk), by=request.user, board_informed=payload.board_informed
    )


@router.post(
    "/charter/signatures/{pk}/withdraw",
    response={200: CharterSignatureOut, **error_responses(403, 404, 409)},
)
def signature_withdraw(request: HttpRequest, pk: Id, payload: CharterWithdrawIn) -> Signature:
    return actions.charter_withdraw(
        signature=_signature(request, pk), by=request.user, reason=payload.reason
    )


class CharterFrameworkOut(Schema):
    number: int
    skills: list[dict[str, Any]] = Field(
        description="Each skill: key, title, theme, and four level questions (“Do I …?”)."
    )


@router.get(
    "/programmes/{pk}/charter/framework",
    response={200: CharterFrameworkOut, **error_responses(404)},
)
def framework_get(request: HttpRequest, pk: Id) -> Any:
    """The programme's skills framework (the default's eleven skills until it edits them)."""
    programme = get_for(request.user, Programme, perm="programmes.view_programme", pk=pk)
    framework = actions.current_framework(programme)
    if framework is None:
        from joinedup.charter.defaults import default_skills

        return {"number": 0, "skills": default_skills()["skills"]}
    return framework


class CharterAnswer(In):
    level: StrictInt | None = Field(None, ge=1, le=4, description="None: not yet observed.")
    evidence: Comment = ""


class CharterAssessmentIn(In):
    organisation_id: StrictInt = Field(ge=1, le=MAX_ID)
    answers: dict[Annotated[str, Field(max_length=40)], CharterAnswer] = Field(max_length=50)
    shared_with_manager: StrictBool = False


class CharterAssessmentOut(Schema):
    id: int
    organisation_id: int
    framework: int
    answers: dict[str, Any]
    shared_with_manager: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_framework(obj: Any) -> int:
        return obj.framework.number


@router.get(
    "/programmes/{pk}/charter/self-assessments/mine",
    response={200: list[CharterAssessmentOut], **error_responses(404)},
)
def assessment_list(request: HttpRequest, pk: Id) -> list[Any]:
    """Your own self-assessments, latest first. Nobody else's are ever listed."""
    programme = get_for(request.user, Programme, perm="programmes.view_programme", pk=pk)
    return list(
        request.user.charter_assessments.filter(  # type: ignore[union-attr]
            framework__programme=programme
        ).select_related("framework")
    )


@router.post(
    "/programmes/{pk}/charter/self-assessments/mine",
    response={201: CharterAssessmentOut, **error_responses(403, 404, 409)},
)
def assessment_create(request: HttpRequest, pk: Id, payload: CharterAssessmentIn) -> Status[Any]:
    programme = get_for(request.user, Programme, perm="programmes.view_programme", pk=pk)
    organisation = resolve(
        Organisation.objects.filter(pk__in=acting_for(request.user)),
        payload.organisation_id,
        "organisation_id",
    )
    assessment = actions.self_assess(
        by=request.user,
        framework=actions.framework_for(programme),
        organisation=organisation,
        answers={k: v.dict() for k, v in payload.answers.items()},
        shared_with_manager=payload.shared_with_manager,
    )
    return Status(201, assessment)


class CharterSkillRowOut(Schema):
    key: str
    title: str
    counts: list[int] | None = Field(
        description="People at levels 1, 2, 3 and 4; null when fewer than three answered it."
    )
    not_observed: int | None
    mean: float | None


class CharterSkillsOut(Schema):
    people: int
    rows: list[CharterSkillRowOut] | None = Field(
        description="None until at least three people have assessed themselves."
    )


@router.get(
    "/programmes/{pk}/charter/organisations/{org_pk}/skills",
    response={200: CharterSkillsOut, **error_responses(404)},
)
def skills_get(request: HttpRequest, pk: Id, org_pk: Id) -> dict[str, Any]:
    """An organisation's people's skills in aggregate, for its own people."""
    programme = get_for(request.user, Programme, perm="programmes.view_programme", pk=pk)
    if org_roles(request.user).get(org_pk) is None:
        raise Http404
    organisation = Organisation.objects.get(pk=org_pk)
    framework = actions.current_framework(programme)
    if framework is None:
        return {"people": 0, "rows": None}
    people, rows = queries.skills_aggregate(framework, organisation)
    return {"people": people, "rows": rows}


class CharterFigureOut(Schema):
    key: str
    skill: str
    label: str
    done: int | None = Field(description="None: no honest measure (see text).")
    out_of: int | None
    text: str
    evidence: list[str] = Field(description="Links to the records counted.")

    @staticmethod
    def resolve_evidence(obj: Any) -> list[str]:
        return [link for _, link in obj.items]


def _partnership_org(
    request: HttpRequest, pk: int, org_pk: int
) -> tuple[Partnership, Organisation]:
    partnership = get_for(
        request.user,
        Partnership.objects.select_related("hub"),
        perm="partnerships.view_partnership",
        pk=pk,
    )
    membership = partnership.memberships.current().filter(organisation_id=org_pk).first()
    if membership is None or not sees_organisation_record(
        request.user, partnership, membership.organisation
    ):
        raise Http404
    return partnership, membership.organisation


@router.get(
    "/partnerships/{pk}/charter/evidence/{org_pk}",
    response={200: list[CharterFigureOut], **error_responses(404)},
)
def evidence_get(request: HttpRequest, pk: Id, org_pk: Id) -> list[Any]:
    """What an organisation did in the partnership over the last twelve months."""
    return evidence(*_partnership_org(request, pk, org_pk))


class CharterPrincipleOut(Schema):
    key: str
    title: str
    others: float | None = Field(description="None: too few raters to show.")
    own: float | None
    gap: float | None


class CharterResultOut(Schema):
    organisation_id: int
    shown: bool
    raters: int = Field(description="People from other organisations who gave a score.")
    rows: list[CharterPrincipleOut]
    comments: list[str]


class CharterDistributionRowOut(Schema):
    key: str
    title: str
    counts: list[int] | None
    dont_know: int | None


class CharterPeerViewOut(Schema):
    year: int
    closes_on: dt.date = Field(description="The last day on which members can rate.")
    open: bool = Field(description="Taking ratings; no results are given until it closes.")
    closed_on: dt.date | None
    rule: str
    results: list[CharterResultOut] = Field(
        description="How others see each of your organisations; empty while it is open."
    )
    distribution: list[CharterDistributionRowOut] | None = Field(
        description="For the lead and officers once it is closed: ratings per principle, never "
        "who said what."
    )


@router.get(
    "/partnerships/{pk}/charter/peer-view",
    response={200: CharterPeerViewOut, **error_responses(404)},
)
def peer_view_get(request: HttpRequest, pk: Id) -> dict[str, Any]:
    partnership = get_for(request.user, Partnership, perm="partnerships.view_partnership", pk=pk)
    peer_view = queries.latest_peer_view(partnership)
    if peer_view is None:
        raise Http404
    mine = Organisation.objects.filter(
        pk__in=acting_for(request.user),
        memberships__partnership=partnership,
        memberships__left_on__isnull=True,
    )
    seen = standing(request.user, partnership)
    is_open = peer_view.is_open()
    distribution = (
        queries.peer_distribution(peer_view)["rows"]
        if not is_open and (seen.manages or seen.officer)
        else None
    )
    return {
        "year": peer_view.year,
        "closes_on": peer_view.closes_on,
        "open": is_open,
        "closed_on": None if is_open else peer_view.closed_on(),
        "rule": queries.ANONYMITY,
        "results": []
        if is_open
        else [{"organisation_id": o.pk, **queries.peer_result(peer_view, o)} for o in mine],
        "distribution": distribution,
    }


class CharterRatingIn(In):
    rater_org_id: StrictInt = Field(ge=1, le=MAX_ID)
    rated_org_id: StrictInt = Field(ge=1, le=MAX_ID)
    scores: dict[Annotated[str, Field(max_length=40)], Annotated[int, Field(ge=1, le=4)] | None] = (
        Field(max_length=50, description="Principle key → 1 to 4, or null for don't know.")
    )
    comment: Comment = ""


@router.post(
    "/partnerships/{pk}/charter/peer-view/ratings",
    response={204: None, **error_responses(403, 404, 409)},
)
def rating_create(request: HttpRequest, pk: Id, payload: CharterRatingIn) -> Status[None]:
    """Rate a member (or your own organisation, its self-view) while the peer view is open;
    rating again replaces your answers."""
    partnership = get_for(request.user, Partnership, perm="partnerships.view_partnership", pk=pk)
    peer_view = queries.latest_peer_view(partnership)
    if peer_view is None:
        raise Http404
    members = Organisation.objects.filter(
        pk__in=partnership.memberships.current().values("organisation_id")
    )
    rater = resolve(
        members.filter(pk__in=acting_for(request.user)), payload.rater_org_id, "rater_org_id"
    )
    rated = resolve(members, payload.rated_org_id, "rated_org_id")
    actions.peer_rate(
        peer_view=peer_view,
        by=request.user,
        rater_org=rater,
        rated_org=rated,
        scores=dict(payload.scores),
        comment=payload.comment,
    )
    return Status(204, None)


class CharterPlanItemOut(Schema):
    subject: str
    title: str
    score: float | None
    support: str
    topic_request_id: int | None
    mentor_offer_id: int | None
    note: str


@router.get(
    "/partnerships/{pk}/charter/plans/{org_pk}",
    response={200: list[CharterPlanItemOut], **error_responses(404)},
)
def plan_get(request: HttpRequest, pk: Id, org_pk: Id) -> list[PlanItem]:
    partnership, organisation = _partnership_org(request, pk, org_pk)
    return list(PlanItem.objects.filter(partnership=partnership, organisation=organisation))


# --- revising the Charter and the skills framework (officers; a partnership's lead) ----------


class CharterDraftIn(In):
    title: Annotated[str, Field(max_length=200, pattern=NO_NUL)] = ""
    themes: list[dict[str, Any]] = Field(
        max_length=10,
        description="Themes, each {key, title, principles: [{key, title, intent, progress: "
        "[…], warning: […]}]} with three or four principles.",
    )


class CharterStepIn(In):
    to: Annotated[str, Field(pattern="^(comment|adopted)$", description="comment or adopted")]


def _charter_to_manage(request: HttpRequest, pk: int) -> Charter:
    programme = get_for(request.user, Programme, perm="programmes.view_programme", pk=pk)
    charter = Charter.objects.filter(programme=programme).first()
    if charter is None:
        raise Http404
    if not request.user.has_perm("charter.change_charter", charter):
        raise PermissionDenied
    return charter


@router.post(
    "/programmes/{pk}/charter/versions",
    response={201: CharterOut, **error_responses(403, 404, 409)},
)
def charter_version_create(request: HttpRequest, pk: Id) -> Status[Charter]:
    """Start the next version as a draft, from the latest (officers); the first version is
    started from Joined Up's draft on the Charter page or by `charter/start`."""
    charter = _charter_to_manage(request, pk)
    actions.charter_new_version(charter=charter, by=request.user)
    return Status(201, charter)


@router.post(
    "/programmes/{pk}/charter/start",
    response={201: CharterOut, **error_responses(403, 404, 409)},
)
def charter_start(request: HttpRequest, pk: Id) -> Status[Charter]:
    """Start the programme's Charter from Joined Up's draft (officers)."""
    programme = get_for(request.user, Programme, perm="programmes.change_programme", pk=pk)
    if Charter.objects.filter(programme=programme).exists():
        raise actions.ValidationError({"programme": "This programme has a Charter already."})
    version = actions.charter_start(by=request.user, programme=programme)
    return Status(201, version.charter)


@router.put(
    "/programmes/{pk}/charter/draft",
    response={200: CharterOut, **error_responses(403, 404, 409)},
)
def charter_draft_edit(request: HttpRequest, pk: Id, payload: CharterDraftIn) -> Charter:
    """Replace the draft's (or out-for-comment version's) text."""
    charter = _charter_to_manage(request, pk)
    draft = charter.versions.filter(status__in=["draft", "comment"]).first()
    if draft is None:
        raise Http404
    actions.charter_edit(version=draft, by=request.user, themes=payload.themes, title=payload.title)
    return charter


@router.post(
    "/programmes/{pk}/charter/draft/step",
    response={200: CharterOut, **error_responses(403, 404, 409)},
)
def charter_draft_step(request: HttpRequest, pk: Id, payload: CharterStepIn) -> Charter:
    """Send the draft out for comment, or adopt it."""
    charter = _charter_to_manage(request, pk)
    draft = charter.versions.filter(status__in=["draft", "comment"]).first()
    if draft is None:
        raise Http404
    actions.charter_advance(version=draft, by=request.user, to=payload.to)
    return charter


class CharterSkillsIn(In):
    skills: list[dict[str, Any]] = Field(
        max_length=40,
        description="Each skill {key, title, theme, levels: [four “Do I …?” questions]}.",
    )


@router.put(
    "/programmes/{pk}/charter/framework",
    response={200: CharterFrameworkOut, **error_responses(403, 404, 409)},
)
def framework_edit(request: HttpRequest, pk: Id, payload: CharterSkillsIn) -> Any:
    """A new version of the programme's skills framework (officers)."""
    programme = get_for(request.user, Programme, perm="programmes.change_programme", pk=pk)
    return actions.framework_edit(programme=programme, by=request.user, skills=payload.skills)


class CharterPlanItemIn(In):
    subject: Annotated[str, Field(min_length=1, max_length=40, pattern=NO_NUL)]
    title: Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
    support: Annotated[str, Field(pattern="^(hub_event|action_learning|mentoring)$")]
    note: Comment = ""


@router.post(
    "/partnerships/{pk}/charter/plans/{org_pk}",
    response={201: CharterPlanItemOut, **error_responses(403, 404, 409)},
)
def plan_item_create(
    request: HttpRequest, pk: Id, org_pk: Id, payload: CharterPlanItemIn
) -> Status[PlanItem]:
    """Add to an organisation's plan (its admins and managers, or the lead's). A hub event
    shared by two or more organisations of the hub raises one topic request there."""
    from joinedup.charter.rules import plans_for

    partnership, organisation = _partnership_org(request, pk, org_pk)
    if not plans_for(request.user, partnership, organisation):
        raise PermissionDenied
    item = actions.plan_add(
        by=request.user,
        partnership=partnership,
        organisation=organisation,
        subject=payload.subject,
        title=payload.title,
        support=payload.support,
        note=payload.note,
    )
    return Status(201, item)
