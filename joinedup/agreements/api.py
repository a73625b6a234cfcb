"""API for agreements: their versions, comments and sign-offs, under the pages' rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from joinedup.access import acting_for, get_for, org_roles
from joinedup.agreements import actions
from joinedup.agreements.models import (
    SECTION_TITLES,
    Agreement,
    AgreementKind,
    AgreementVersion,
    Comment,
    SignOff,
    VersionStatus,
)
from joinedup.api.common import MAX_ID, NO_NUL, Id, In, Name, Versioned, resolve
from joinedup.api.errors import error_responses
from joinedup.partnerships.models import Organisation, Partnership

router = Router(tags=["agreements"])
VIEW, MANAGE = "agreements.view_agreement", "agreements.change_agreement"
Number = Annotated[int, Field(ge=1, le=1_000_000)]
SectionText = Annotated[str, Field(max_length=20000, pattern=NO_NUL)]


class Sections(In):
    goal: SectionText = ""
    roles: SectionText = ""
    decisions: SectionText = ""
    communication: SectionText = ""
    problems: SectionText = ""
    membership: SectionText = ""
    confidentiality: SectionText = ""
    review: SectionText = ""


DelegateRole = Literal["admin", "manager", "staff"]


class Delegation(In):
    """Who holds delegated authority for urgent decisions (part of the decision-making
    section). Left out: unchanged on an edit, the lead's admins and managers on a new one."""

    delegate_ids: list[Annotated[StrictInt, Field(ge=1, le=MAX_ID)]] | None = Field(
        None,
        max_length=200,
        description="The member organisations whose people hold it; [] names none, so the "
        "lead's admins and managers hold it.",
    )
    delegate_roles: list[DelegateRole] | None = Field(
        None, min_length=1, max_length=3, description="Which of their people: admins by default."
    )


class VersionIn(Sections, Delegation, Versioned):
    """A draft's sections, and who holds delegated authority; `version` is the draft's
    `version` as read, so that a change made since is never silently undone."""


class SignatureOut(Schema):
    organisation_id: int
    signed_at: dt.datetime
    board_informed: bool


class VersionOut(Schema):
    number: int
    version: int = Field(
        description="Counts the saves of this draft: send it back with a change (409 if stale)."
    )
    status: VersionStatus
    sections: dict[str, str]
    in_force_on: dt.date | None
    review_on: dt.date | None
    signatures: list[SignatureOut]
    delegate_ids: list[int] = Field(
        description="Organisations whose people hold delegated authority for urgent decisions; "
        "none: the lead's admins and managers."
    )
    delegate_roles: list[DelegateRole]

    @staticmethod
    def resolve_delegate_ids(obj: AgreementVersion) -> list[int]:
        return sorted(o.pk for o in obj.delegates.all())

    @staticmethod
    def resolve_signatures(obj: AgreementVersion) -> list[SignOff]:
        return list(obj.signoffs.all())


class AgreementOut(Schema):
    id: int
    partnership_id: int
    kind: AgreementKind
    title: str
    counterparty_id: int | None
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: Agreement) -> list[AgreementVersion]:
        return list(obj.versions.all())


class AgreementIn(Delegation):
    kind: AgreementKind
    title: Name
    counterparty_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)
    sections: Sections = Field(default_factory=Sections)


class StepIn(In):
    to: Annotated[str, Field(pattern="^(comment|signoff)$", description="comment or signoff")]


class CommentIn(In):
    organisation_id: StrictInt = Field(ge=1, le=MAX_ID)
    section: Annotated[str, Field(pattern="^(" + "|".join(SECTION_TITLES) + ")$")]
    text: Annotated[str, Field(min_length=1, max_length=5000, pattern=NO_NUL)]


class CommentOut(Schema):
    id: int
    organisation_id: int
    section: str
    text: str
    created_at: dt.datetime


class SignIn(In):
    organisation_id: StrictInt = Field(ge=1, le=MAX_ID)
    board_informed: StrictBool


AGREEMENTS = Agreement.objects.prefetch_related("versions__signoffs", "versions__delegates")


def _delegation(partnership: Partnership, payload: Delegation) -> dict[str, Any]:
    """The action's `delegates` and `delegate_roles` from the body's ids."""
    found: dict[str, Any] = {}
    if payload.delegate_ids is not None:
        members = Organisation.objects.filter(
            pk__in=partnership.memberships.current().values("organisation_id")
        )
        found["delegates"] = [resolve(members, pk, "delegate_ids") for pk in payload.delegate_ids]
    if payload.delegate_roles is not None:
        found["delegate_roles"] = list(payload.delegate_roles)
    return found


@router.get(
    "/partnerships/{pk}/agreements", response={200: list[AgreementOut], **error_responses(404)}
)
def agreement_list(request: HttpRequest, pk: Id) -> list[Agreement]:
    """The partnership's agreements you may see, each with its versions."""
    partnership = get_for(request.user, Partnership, perm="partnerships.view_partnership", pk=pk)
    agreements = AGREEMENTS.filter(partnership=partnership).select_related("partnership")
    return [a for a in agreements if request.user.has_perm(VIEW, a)]


@router.post(
    "/partnerships/{pk}/agreements", response={201: AgreementOut, **error_responses(403, 404, 409)}
)
def agreement_create(request: HttpRequest, pk: Id, payload: AgreementIn) -> Status[Agreement]:
    """Draft an agreement (the lead's admins and managers)."""
    partnership = get_for(request.user, Partnership, perm="partnerships.change_partnership", pk=pk)
    members = Organisation.objects.filter(
        pk__in=partnership.memberships.current().values("organisation_id")
    )
    counterparty = resolve(members, payload.counterparty_id, "counterparty_id")
    agreement = actions.agreement_create(
        by=request.user,
        partnership=partnership,
        kind=payload.kind,
        title=payload.title,
        counterparty=counterparty,
        sections=payload.sections.dict(),
        **_delegation(partnership, payload),
    )
    return Status(201, AGREEMENTS.get(pk=agreement.pk))


def _version(request: HttpRequest, pk: int, number: int, perm: str = VIEW) -> AgreementVersion:
    agreement = get_for(
        request.user, Agreement.objects.select_related("partnership"), perm=perm, pk=pk
    )
    version = agreement.versions.filter(number=number).first()
    if version is None:
        raise Http404
    version.agreement = agreement
    return version


@router.get("/agreements/{pk}", response={200: AgreementOut, **error_responses(404)})
def agreement_read(request: HttpRequest, pk: Id) -> Agreement:
    return get_for(request.user, AGREEMENTS.select_related("partnership"), perm=VIEW, pk=pk)


@router.put(
    "/agreements/{pk}/versions/{number}",
    response={200: VersionOut, **error_responses(403, 404, 409)},
)
def version_edit(
    request: HttpRequest, pk: Id, number: Number, payload: VersionIn
) -> AgreementVersion:
    """Replace a draft's sections (and, when given, who holds delegated authority); 422 for a
    version in force, which is never edited; 409 if `version` is not the draft's current one
    (someone saved since it was read)."""
    version = _version(request, pk, number, MANAGE)
    return actions.version_edit(
        version=version,
        by=request.user,
        based_on=payload.version,
        sections=payload.dict(include=set(SECTION_TITLES)),
        **_delegation(version.agreement.partnership, payload),
    )


@router.post(
    "/agreements/{pk}/versions/{number}/step",
    response={200: VersionOut, **error_responses(403, 404, 409)},
)
def version_step(request: HttpRequest, pk: Id, number: Number, payload: StepIn) -> AgreementVersion:
    """Send a version out for comment or for sign-off."""
    version = _version(request, pk, number, MANAGE)
    return actions.version_advance(version=version, by=request.user, to=payload.to)


@router.post(
    "/agreements/{pk}/versions", response={201: VersionOut, **error_responses(403, 404, 409)}
)
def version_new(request: HttpRequest, pk: Id) -> Status[AgreementVersion]:
    """Start a new version from the latest."""
    agreement = get_for(
        request.user, Agreement.objects.select_related("partnership"), perm=MANAGE, pk=pk
    )
    return Status(201, actions.version_new(agreement=agreement, by=request.user))


@router.get(
    "/agreements/{pk}/versions/{number}/comments",
    response={200: list[CommentOut], **error_responses(404)},
)
def comment_list(request: HttpRequest, pk: Id, number: Number) -> Any:
    return _version(request, pk, number).comments.all()


@router.post(
    "/agreements/{pk}/versions/{number}/comments",
    response={201: CommentOut, **error_responses(403, 404, 409)},
)
def comment_add(
    request: HttpRequest, pk: Id, number: Number, payload: CommentIn
) -> Status[Comment]:
    """Comment for one of your organisations while the version is out for comment."""
    version = _version(request, pk, number)
    mine = acting_for(request.user)
    organisation = resolve(
        Organisation.objects.filter(pk__in=mine), payload.organisation_id, "organisation_id"
    )
    comment = actions.comment_add(
        version=version,
        by=request.user,
        organisation=organisation,
        section=payload.section,
        text=payload.text,
    )
    return Status(201, comment)


@router.post(
    "/agreements/{pk}/versions/{number}/signatures",
    response={201: SignatureOut, **error_responses(403, 404, 409)},
)
def sign(request: HttpRequest, pk: Id, number: Number, payload: SignIn) -> Status[SignOff]:
    """Sign for an organisation you are an admin or manager of."""
    version = _version(request, pk, number)
    organisation = resolve(
        Organisation.objects.filter(pk__in=list(org_roles(request.user))),
        payload.organisation_id,
        "organisation_id",
    )
    signature = actions.sign(
        version=version,
        by=request.user,
        organisation=organisation,
        board_informed=payload.board_informed,
    )
    return Status(201, signature)
