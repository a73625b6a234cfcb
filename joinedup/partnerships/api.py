"""API for organisations, partnerships and memberships, under the same access rules as the pages."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from joinedup import dates
from joinedup.access import (
    get_for,
    org_roles,
    organisations_visible_to,
    partnerships_visible_to,
    programmes_overseen,
)
from joinedup.api.common import (
    MAX_ID,
    NO_NUL,
    Date,
    Id,
    In,
    Name,
    PageParams,
    ShortText,
    Text,
    Versioned,
    paginate,
    resolve,
)
from joinedup.api.errors import error_responses
from joinedup.lib.needs import NEEDS
from joinedup.partnerships import actions
from joinedup.partnerships.models import (
    MANAGING_ORG_ROLES,
    MOST_OUTCOMES,
    OUTCOME_LIMITS,
    Level,
    MemberRole,
    Membership,
    Organisation,
    Partnership,
    PartnershipModel,
    PartnershipStatus,
    Sector,
    SizeBand,
)
from joinedup.programmes.models import Hub, Programme

router = Router(tags=["partnerships"])


NeedCode = enum.StrEnum("NeedCode", {code: code for code in sorted(NEEDS)})  # type: ignore[misc]

VIEW = "partnerships.view_partnership"
VIEW_CORE = "partnerships.view_partnership_core"
MANAGE = "partnerships.change_partnership"


# --- organisations -------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    charity_number: str | None
    company_number: str | None
    sector: Sector
    size: SizeBand | None = None
    user_led: bool
    specialisms: list[str]
    areas: list[str]
    website: str
    description: str

    @staticmethod
    def resolve_size(obj: Organisation) -> str | None:
        return obj.size or None


class OrganisationIn(In):
    name: Name
    sector: Sector
    size: SizeBand | None = None
    user_led: StrictBool = False
    charity_number: ShortText | None = None
    company_number: ShortText | None = None
    specialisms: list[NeedCode] = Field(default_factory=list, max_length=50)
    areas: list[ShortText] = Field(default_factory=list, max_length=100)
    website: ShortText = ""
    description: Text = ""


class OrganisationPatch(In):
    name: Name | None = None
    sector: Sector | None = None
    size: SizeBand | None = None
    user_led: StrictBool | None = None
    charity_number: ShortText | None = None
    company_number: ShortText | None = None
    specialisms: list[NeedCode] | None = Field(None, max_length=50)
    areas: list[ShortText] | None = Field(None, max_length=100)
    website: ShortText | None = None
    description: Text | None = None


class OrganisationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganisationOut]


def _organisation_fields(data: dict[str, Any]) -> dict[str, Any]:
    if "size" in data:
        data["size"] = data["size"] or ""
    for key in ("user_led", "specialisms", "areas", "website", "description", "name", "sector"):
        if key in data and data[key] is None:
            del data[key]
    return data


@router.get("/organisations", response={200: OrganisationPage, **error_responses()})
def organisation_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Organisations you can see: your own, and those in partnerships you can see."""
    return paginate(organisations_visible_to(request.user).order_by("name", "pk"), page)


@router.get("/organisations/{pk}", response={200: OrganisationOut, **error_responses(404)})
def organisation_read(request: HttpRequest, pk: Id) -> Organisation:
    return get_for(request.user, Organisation, perm="partnerships.view_organisation", pk=pk)


@router.post("/organisations", response={201: OrganisationOut, **error_responses(403, 409)})
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Status[Organisation]:
    """Add an organisation. Open to admins and managers of an organisation, and superusers."""
    user = request.user
    if not (user.is_superuser or set(org_roles(user).values()) & set(MANAGING_ORG_ROLES)):
        raise PermissionDenied
    data = _organisation_fields(payload.dict())
    return Status(201, actions.organisation_create(by=user, **data))


@router.patch(
    "/organisations/{pk}", response={200: OrganisationOut, **error_responses(403, 404, 409)}
)
def organisation_update(request: HttpRequest, pk: Id, payload: OrganisationPatch) -> Organisation:
    organisation = get_for(
        request.user, Organisation, perm="partnerships.change_organisation", pk=pk
    )
    changes = _organisation_fields(payload.dict(exclude_unset=True))
    return actions.organisation_update(organisation=organisation, by=request.user, **changes)


# --- partnerships --------------------------------------------------------------------------


class OutcomeOut(Schema):
    title: str
    measure: str = Field(description="How the partners will know; empty while being agreed.")
    target: str = Field(description="What they aim for; empty while being agreed.")


class OutcomeIn(In):
    """A measurable outcome; the list's order is the partnership's order."""

    title: Annotated[str, Field(min_length=1, max_length=OUTCOME_LIMITS["title"], pattern=NO_NUL)]
    measure: Annotated[str, Field(max_length=OUTCOME_LIMITS["measure"], pattern=NO_NUL)] = ""
    target: Annotated[str, Field(max_length=OUTCOME_LIMITS["target"], pattern=NO_NUL)] = ""


class PartnershipOut(Schema):
    id: int
    version: int = Field(description="Send it back with a change (409 if someone saved since).")
    name: str
    shared_goal: str
    outcomes: list[OutcomeOut]
    model: PartnershipModel
    area: str
    programme_id: int | None
    hub_id: int | None
    start_on: dt.date
    end_on: dt.date | None
    status: PartnershipStatus


class PartnershipIn(In):
    name: Name
    shared_goal: Annotated[str, Field(min_length=1, max_length=5000, pattern=NO_NUL)]
    lead_organisation_id: StrictInt = Field(
        ge=1, le=MAX_ID, description="The lead partner: the grant holder."
    )
    start_on: Annotated[Date, dates.STARTED.api]
    outcomes: list[OutcomeIn] = Field(default_factory=list, max_length=MOST_OUTCOMES)
    model: PartnershipModel = PartnershipModel.OTHER
    area: ShortText = ""
    programme_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)
    hub_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)
    end_on: Annotated[Date, dates.PLANNED_END.api] | None = None
    status: PartnershipStatus = PartnershipStatus.ACTIVE


class PartnershipPatch(Versioned):
    name: Name | None = None
    shared_goal: Annotated[str, Field(min_length=1, max_length=5000, pattern=NO_NUL)] | None = None
    outcomes: list[OutcomeIn] | None = Field(
        None, max_length=MOST_OUTCOMES, description="The whole list: it replaces the old one."
    )
    model: PartnershipModel | None = None
    area: ShortText | None = None
    start_on: Annotated[Date, dates.STARTED.api] | None = None
    end_on: Annotated[Date, dates.PLANNED_END.api] | None = None
    status: PartnershipStatus | None = None


class PartnershipPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PartnershipOut]


@router.get("/partnerships", response={200: PartnershipPage, **error_responses()})
def partnership_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Partnerships you can see, as a member's staff, a programme officer or a superuser."""
    return paginate(partnerships_visible_to(request.user).order_by("name", "pk"), page)


@router.get("/partnerships/{pk}", response={200: PartnershipOut, **error_responses(404)})
def partnership_read(request: HttpRequest, pk: Id) -> Partnership:
    return get_for(request.user, Partnership, perm=VIEW, pk=pk)


@router.post("/partnerships", response={201: PartnershipOut, **error_responses(403, 409)})
def partnership_create(request: HttpRequest, payload: PartnershipIn) -> Status[Partnership]:
    """Start a partnership. Its lead must be an organisation you are an admin or manager of."""
    data = payload.dict()
    lead_id = data.pop("lead_organisation_id")
    user = request.user
    if not (user.is_superuser or org_roles(user).get(lead_id) in MANAGING_ORG_ROLES):
        raise PermissionDenied
    lead = resolve(Organisation.objects.all(), lead_id, "lead_organisation_id")
    # Only a programme's officers place partnerships in it.
    overseen = Programme.objects.filter(pk__in=programmes_overseen(user))
    data["programme"] = resolve(
        Programme.objects.all() if user.is_superuser else overseen,
        data.pop("programme_id"),
        "programme_id",
    )
    data["hub"] = resolve(
        Hub.objects.filter(programme=data["programme"]), data.pop("hub_id"), "hub_id"
    )
    return Status(201, actions.partnership_create(by=user, lead=lead, **data))


@router.patch(
    "/partnerships/{pk}", response={200: PartnershipOut, **error_responses(403, 404, 409)}
)
def partnership_update(request: HttpRequest, pk: Id, payload: PartnershipPatch) -> Partnership:
    partnership = get_for(request.user, Partnership, perm=MANAGE, pk=pk)
    changes = {
        k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "end_on"
    }
    based_on = changes.pop("version", None)
    return actions.partnership_update(
        partnership=partnership, by=request.user, based_on=based_on, **changes
    )


# --- memberships ---------------------------------------------------------------------------


class OrganisationRef(Schema):
    id: int
    name: str
    sector: Sector


class ContactOut(Schema):
    name: str
    email: str


class MembershipOut(Schema):
    """A membership. `funded`, `levels`, `contacts` and leaving are for lead and core partners
    and programme officers; for wider partners they are null."""

    id: int
    partnership_id: int
    organisation: OrganisationRef
    role: MemberRole
    joined_on: dt.date
    funded: StrictBool | None = None
    levels: list[Level] | None = None
    left_on: dt.date | None = None
    leaving_reason: str | None = None
    contacts: list[ContactOut] | None = None


class MembershipIn(In):
    organisation_id: StrictInt = Field(ge=1, le=MAX_ID)
    role: MemberRole = Field(
        description="core or wider; a lead comes only by handing over the lead."
    )
    funded: StrictBool = False
    levels: list[Level] = Field(default_factory=list, max_length=3)
    joined_on: Annotated[Date, dates.JOINED.api] | None = None


class MembershipPatch(In):
    role: MemberRole | None = Field(
        None, description="Making a member the lead hands the lead over."
    )
    funded: StrictBool | None = None
    levels: list[Level] | None = Field(None, max_length=3)


class LeaveIn(In):
    left_on: Annotated[Date, dates.LEFT.api]
    reason: Annotated[str, Field(min_length=1, max_length=2000, pattern=NO_NUL)]


def _membership_out(membership: Membership, core: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": membership.pk,
        "partnership_id": membership.partnership_id,
        "organisation": membership.organisation,
        "role": membership.role,
        "joined_on": membership.joined_on,
    }
    if core:
        out |= {
            "funded": membership.funded,
            "levels": membership.levels,
            "left_on": membership.left_on,
            "leaving_reason": membership.leaving_reason,
            "contacts": [{"name": c.name, "email": c.email} for c in membership.contacts.all()],
        }
    return out


@router.get(
    "/partnerships/{pk}/memberships", response={200: list[MembershipOut], **error_responses(404)}
)
def membership_list(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    """The members: current ones for wider partners, the whole history for the rest."""
    partnership = get_for(request.user, Partnership, perm=VIEW, pk=pk)
    core = request.user.has_perm(VIEW_CORE, partnership)
    qs = partnership.memberships.select_related("organisation").order_by("joined_on", "pk")
    qs = qs.prefetch_related("contacts") if core else qs.current()
    return [_membership_out(m, core) for m in qs]


@router.post(
    "/partnerships/{pk}/memberships",
    response={201: MembershipOut, **error_responses(403, 404, 409)},
)
def membership_add(request: HttpRequest, pk: Id, payload: MembershipIn) -> Status[dict[str, Any]]:
    partnership = get_for(request.user, Partnership, perm=MANAGE, pk=pk)
    data = payload.dict()
    organisation = resolve(
        organisations_visible_to(request.user), data.pop("organisation_id"), "organisation_id"
    )
    membership = actions.membership_add(
        by=request.user, partnership=partnership, organisation=organisation, **data
    )
    return Status(201, _membership_out(membership, core=True))


MEMBERSHIPS = Membership.objects.select_related("organisation", "partnership")


@router.get("/memberships/{pk}", response={200: MembershipOut, **error_responses(404)})
def membership_read(request: HttpRequest, pk: Id) -> dict[str, Any]:
    membership = get_for(request.user, MEMBERSHIPS, perm="partnerships.view_membership", pk=pk)
    core = request.user.has_perm(VIEW_CORE, membership.partnership)
    if not core and not membership.is_current:
        # Wider partners see current members only; a former member is not theirs to see.
        raise Http404
    return _membership_out(membership, core)


@router.patch("/memberships/{pk}", response={200: MembershipOut, **error_responses(403, 404, 409)})
def membership_update(request: HttpRequest, pk: Id, payload: MembershipPatch) -> dict[str, Any]:
    membership = get_for(request.user, MEMBERSHIPS, perm="partnerships.change_membership", pk=pk)
    membership = actions.membership_change(
        by=request.user, membership=membership, **payload.dict(exclude_unset=True)
    )
    return _membership_out(membership, core=True)


@router.post(
    "/memberships/{pk}/leave", response={200: MembershipOut, **error_responses(403, 404, 409)}
)
def membership_leave(request: HttpRequest, pk: Id, payload: LeaveIn) -> dict[str, Any]:
    """Record that the member left, with the date and reason; the history keeps it."""
    membership = get_for(request.user, MEMBERSHIPS, perm="partnerships.change_membership", pk=pk)
    membership = actions.membership_end(by=request.user, membership=membership, **payload.dict())
    return _membership_out(membership, core=True)
